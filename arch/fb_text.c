/* arch/fb_text.c: the framebuffer text console (see arch/fb_text.h). Pixels are written a byte at
 * a time, little-endian, so any depth, pitch and alignment works the same way. Pure. */
#include "arch/fb_text.h"
#include "arch/font8x16.h"
#include "lib/string.h"

#define TAB_STOP 8

static const char *check_field(const struct fb_info *fb, uint8_t pos, uint8_t size)
{
	if (size < 1 || size > 8)
		return "fb: a color field is not 1 to 8 bits wide";
	if (pos + size > fb->bpp)
		return "fb: a color field lies outside the pixel";
	return 0;
}

static const char *check_info(const struct fb_info *fb)
{
	const char *bad;

	if (!fb->addr)
		return "fb: no framebuffer address";
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return "fb: only 16, 24 and 32 bits per pixel are drawn";
	if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
		return "fb: the screen is smaller than one character";
	if (fb->pitch < (uint64_t)fb->width * (fb->bpp / 8))
		return "fb: the pitch is shorter than a line of pixels";
	if ((bad = check_field(fb, fb->red_pos, fb->red_size)) ||
	    (bad = check_field(fb, fb->green_pos, fb->green_size)) ||
	    (bad = check_field(fb, fb->blue_pos, fb->blue_size)))
		return bad;
	return 0;
}

static uint32_t channel(uint32_t c8, uint8_t pos, uint8_t size)
{
	return (c8 >> (8 - size)) << pos;
}

uint32_t fb_pixel(const struct fb_info *fb, uint32_t rgb)
{
	return channel((rgb >> 16) & 0xff, fb->red_pos, fb->red_size) |
	       channel((rgb >> 8) & 0xff, fb->green_pos, fb->green_size) |
	       channel(rgb & 0xff, fb->blue_pos, fb->blue_size);
}

void fb_text_set_colors(struct fb_text *t, uint32_t fg_rgb, uint32_t bg_rgb)
{
	t->fg = fb_pixel(&t->fb, fg_rgb);
	t->bg = fb_pixel(&t->fb, bg_rgb);
}

static void put_pixel(uint8_t *p, unsigned bytes, uint32_t v)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Pixel rows [y0, y1) filled with the background. */
static void clear_rows(struct fb_text *t, uint32_t y0, uint32_t y1)
{
	unsigned bytes = t->fb.bpp / 8;

	for (uint32_t y = y0; y < y1; y++) {
		uint8_t *line = t->fb.addr + (uint64_t)y * t->fb.pitch;
		for (uint32_t x = 0; x < t->fb.width; x++)
			put_pixel(line + x * bytes, bytes, t->bg);
	}
}

static void draw_glyph(struct fb_text *t, unsigned col, unsigned row, uint8_t c)
{
	unsigned bytes = t->fb.bpp / 8;
	const uint8_t *glyph = font8x16[c - FONT_FIRST];
	uint8_t *cell = t->fb.addr + (uint64_t)row * FONT_HEIGHT * t->fb.pitch +
			(uint64_t)col * FONT_WIDTH * bytes;

	for (unsigned y = 0; y < FONT_HEIGHT; y++, cell += t->fb.pitch)
		for (unsigned x = 0; x < FONT_WIDTH; x++)
			put_pixel(cell + x * bytes, bytes,
				  glyph[y] & (0x80 >> x) ? t->fg : t->bg);
}

/* At the bottom, every text line moves up one and the last is cleared. */
static void newline(struct fb_text *t)
{
	uint64_t line = (uint64_t)FONT_HEIGHT * t->fb.pitch;

	t->col = 0;
	if (t->row + 1 < t->rows) {
		t->row++;
		return;
	}
	memmove(t->fb.addr, t->fb.addr + line, (t->rows - 1) * line);
	clear_rows(t, (t->rows - 1) * FONT_HEIGHT, t->rows * FONT_HEIGHT);
}

bool fb_text_init(struct fb_text *t, const struct fb_info *fb, const char **why)
{
	const char *bad = check_info(fb);

	if (bad) {
		if (why)
			*why = bad;
		return false;
	}
	*t = (struct fb_text){ .fb = *fb };
	t->cols = fb->width / FONT_WIDTH;
	t->rows = fb->height / FONT_HEIGHT;
	fb_text_set_colors(t, FB_TEXT_FG, FB_TEXT_BG);
	clear_rows(t, 0, fb->height);
	return true;
}

void fb_text_putc(struct fb_text *t, char c)
{
	uint8_t b = (uint8_t)c;

	switch (b) {
	case '\n':
		newline(t);
		return;
	case '\r':
		t->col = 0;
		return;
	case '\t':
		t->col = (t->col / TAB_STOP + 1) * TAB_STOP;
		if (t->col > t->cols)
			t->col = t->cols;
		return;
	case '\b':
		if (t->col)
			t->col--;
		return;
	}
	if (b < FONT_FIRST)
		return;
	if (b >= FONT_FIRST + FONT_GLYPHS)
		b = '?';
	if (t->col == t->cols)
		newline(t);
	draw_glyph(t, t->col++, t->row, b);
}

void fb_text_write(struct fb_text *t, const char *s)
{
	while (*s)
		fb_text_putc(t, *s++);
}
