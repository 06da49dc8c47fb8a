/* tests/unit/test_fb_text.c: arch/fb_text.c drawing into host memory of the exact framebuffer
 * size (ASan catches any write past it), read back pixel by pixel against the font. */
#include <stdlib.h>

#include "arch/fb_text.h"
#include "arch/font8x16.h"
#include "tests/unit/test.h"

/* The usual 32 bpp x8r8g8b8 layout (red at bit 16) with a padded pitch; 20x3 cells, plus 2 pixel
 * rows that hold no text line. */
static struct fb_info make_fb32(uint32_t width, uint32_t height)
{
	struct fb_info fb = { 0, width * 4 + 24, width, height, 32, 16, 8, 8, 8, 0, 8 };

	fb.addr = malloc((size_t)fb.pitch * height);
	memset(fb.addr, 0xa5, (size_t)fb.pitch * height);
	return fb;
}

static uint32_t pixel(const struct fb_info *fb, uint32_t x, uint32_t y)
{
	const uint8_t *p = fb->addr + (size_t)y * fb->pitch + x * (fb->bpp / 8);
	uint32_t v = 0;

	for (unsigned i = 0; i < fb->bpp / 8u; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Whether text cell (col, row) shows character c exactly, foreground fg on background bg. */
static bool cell_is(const struct fb_text *t, unsigned col, unsigned row, char c)
{
	const uint8_t *g = font8x16[c - FONT_FIRST];

	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 8; x++) {
			uint32_t want = g[y] & (0x80 >> x) ? t->fg : t->bg;
			if (pixel(&t->fb, col * 8 + x, row * 16 + y) != want)
				return false;
		}
	return true;
}

TEST(fb_text_init_clears_and_sizes)
{
	struct fb_info fb = make_fb32(160, 50);
	struct fb_text t;

	CHECK(fb_text_init(&t, &fb, 0));
	CHECK_EQ(t.cols, 20);
	CHECK_EQ(t.rows, 3);
	CHECK_EQ(t.col, 0);
	CHECK_EQ(t.row, 0);
	CHECK_EQ(t.fg, 0xc0c0c0);
	CHECK_EQ(t.bg, 0);
	CHECK_EQ(pixel(&fb, 0, 0), 0);
	CHECK_EQ(pixel(&fb, 159, 49), 0);
	/* the pitch padding is not the screen's and is left alone */
	CHECK_EQ(fb.addr[160 * 4], 0xa5);
	free(fb.addr);
}

TEST(fb_text_draws_a_glyph)
{
	struct fb_info fb = make_fb32(160, 50);
	struct fb_text t;

	fb_text_init(&t, &fb, 0);
	fb_text_putc(&t, 'A');
	CHECK_EQ(t.col, 1);
	CHECK(cell_is(&t, 0, 0, 'A'));
	/* 'A' by hand: its apex is one pixel in column 3 of row 2, its bar row 7 is columns 0..6 */
	CHECK_EQ(pixel(&fb, 3, 2), 0xc0c0c0);
	CHECK_EQ(pixel(&fb, 2, 2), 0);
	CHECK_EQ(pixel(&fb, 4, 2), 0);
	for (unsigned x = 0; x < 7; x++)
		CHECK_EQ(pixel(&fb, x, 7), 0xc0c0c0);
	CHECK_EQ(pixel(&fb, 7, 7), 0);
	CHECK_EQ(pixel(&fb, 1, 1), 0);
	fb_text_set_colors(&t, 0xff0000, 0x0000ff);
	fb_text_putc(&t, 'B');
	CHECK_EQ(t.fg, 0xff0000);
	CHECK_EQ(t.bg, 0x0000ff);
	CHECK(cell_is(&t, 1, 0, 'B'));
	CHECK_EQ(pixel(&fb, 8, 2), 0xff0000); /* B's stem */
	CHECK_EQ(pixel(&fb, 15, 2), 0x0000ff);
	free(fb.addr);
}

TEST(fb_text_controls_and_wrap)
{
	struct fb_info fb = make_fb32(160, 50);
	struct fb_text t;

	fb_text_init(&t, &fb, 0);
	fb_text_write(&t, "ab\rc");
	CHECK_EQ(t.col, 1);
	CHECK(cell_is(&t, 0, 0, 'c'));
	CHECK(cell_is(&t, 1, 0, 'b'));
	fb_text_write(&t, "\t");
	CHECK_EQ(t.col, 8);
	fb_text_write(&t, "\tx");
	CHECK_EQ(t.col, 17);
	fb_text_write(&t, "\t"); /* no tab stop left: to the edge */
	CHECK_EQ(t.col, 20);
	CHECK_EQ(t.row, 0);
	fb_text_write(&t, "\b\bz\x01\x7f");
	CHECK(cell_is(&t, 18, 0, 'z'));
	CHECK(cell_is(&t, 19, 0, '?')); /* 0x7f is drawn as '?', 0x01 is ignored */
	/* the line is full: the cursor waits at the edge, and the next character wraps */
	CHECK_EQ(t.col, 20);
	CHECK_EQ(t.row, 0);
	fb_text_putc(&t, 'w');
	CHECK_EQ(t.row, 1);
	CHECK_EQ(t.col, 1);
	CHECK(cell_is(&t, 0, 1, 'w'));
	/* a full line followed by a newline is one line, not a line and an empty one */
	fb_text_write(&t, "\r0123456789abcdefghij\n");
	CHECK_EQ(t.row, 2);
	CHECK_EQ(t.col, 0);
	CHECK(cell_is(&t, 19, 1, 'j'));
	free(fb.addr);
}

TEST(fb_text_scrolls)
{
	struct fb_info fb = make_fb32(160, 50);
	struct fb_text t;

	fb_text_init(&t, &fb, 0);
	fb_text_write(&t, "a\nb\nc");
	CHECK_EQ(t.row, 2);
	CHECK(cell_is(&t, 0, 0, 'a'));
	fb_text_write(&t, "\n");
	CHECK_EQ(t.row, 2);
	CHECK_EQ(t.col, 0);
	CHECK(cell_is(&t, 0, 0, 'b'));
	CHECK(cell_is(&t, 0, 1, 'c'));
	CHECK(cell_is(&t, 0, 2, ' '));
	fb_text_write(&t, "d\ne");
	CHECK(cell_is(&t, 0, 0, 'c'));
	CHECK(cell_is(&t, 0, 1, 'd'));
	CHECK(cell_is(&t, 0, 2, 'e'));
	for (uint32_t x = 0; x < 160; x++) /* the 2 rows below the grid stay as cleared */
		CHECK_EQ(pixel(&fb, x, 49), 0);
	free(fb.addr);
}

/* RGB565 and 24-bit BGR as multiboot2 describes them. */
TEST(fb_text_16_and_24_bpp)
{
	struct fb_info f16 = { 0, 64, 24, 16, 16, 11, 5, 5, 6, 0, 5 };
	struct fb_info f24 = { 0, 3 * 17, 17, 17, 24, 16, 8, 8, 8, 0, 8 };
	struct fb_text t;

	f16.addr = malloc(64 * 16);
	f24.addr = malloc(3 * 17 * 17);
	CHECK_EQ(fb_pixel(&f16, 0xffffff), 0xffff);
	CHECK_EQ(fb_pixel(&f16, 0xff0000), 0xf800);
	CHECK_EQ(fb_pixel(&f16, 0x00ff00), 0x07e0);
	CHECK_EQ(fb_pixel(&f16, 0x0000ff), 0x001f);
	CHECK(fb_text_init(&t, &f16, 0));
	CHECK_EQ(t.cols, 3);
	CHECK_EQ(t.rows, 1);
	fb_text_write(&t, "|||");
	CHECK(cell_is(&t, 2, 0, '|'));
	CHECK_EQ(pixel(&f16, 16 + 3, 5), fb_pixel(&f16, 0xc0c0c0));
	CHECK_EQ(fb_pixel(&f16, 0xc0c0c0), 0xc618);
	fb_text_write(&t, "\n-"); /* one line: scrolling moves nothing and clears it */
	CHECK(cell_is(&t, 0, 0, '-'));
	CHECK(cell_is(&t, 2, 0, ' '));

	CHECK(fb_text_init(&t, &f24, 0));
	CHECK_EQ(t.cols, 2);
	fb_text_set_colors(&t, 0x123456, 0x000000);
	fb_text_putc(&t, '|');
	CHECK(cell_is(&t, 0, 0, '|'));
	/* '|' at column 3 of row 2: blue, green, red in memory */
	CHECK_EQ(f24.addr[2 * f24.pitch + 3 * 3 + 0], 0x56);
	CHECK_EQ(f24.addr[2 * f24.pitch + 3 * 3 + 1], 0x34);
	CHECK_EQ(f24.addr[2 * f24.pitch + 3 * 3 + 2], 0x12);
	CHECK_EQ(f24.addr[2 * f24.pitch + 3 * 4], 0);
	free(f16.addr);
	free(f24.addr);
}

TEST(fb_text_refusals)
{
	uint8_t mem[4];
	struct fb_info good = { mem, 640 * 4, 640, 480, 32, 16, 8, 8, 8, 0, 8 }, fb;
	struct fb_text t = { .cols = 77 };
	const char *why = 0;

	fb = good, fb.bpp = 8;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: only 16, 24 and 32 bits per pixel are drawn");
	fb = good, fb.pitch = 640 * 4 - 1;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: the pitch is shorter than a line of pixels");
	fb = good, fb.height = 15;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: the screen is smaller than one character");
	fb = good, fb.red_pos = 28;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: a color field lies outside the pixel");
	fb = good, fb.blue_size = 0;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: a color field is not 1 to 8 bits wide");
	fb = good, fb.addr = 0;
	CHECK(!fb_text_init(&t, &fb, &why));
	CHECK_STR(why, "fb: no framebuffer address");
	CHECK_EQ(t.cols, 77); /* untouched */
}
