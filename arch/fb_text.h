/* arch/fb_text.h: a text console on a linear framebuffer (the multiboot2 framebuffer tag, type 1
 * "direct RGB", Multiboot2 spec 3.6.12), drawn with arch/font8x16.h. Pure: draws into the memory
 * `addr` points at (mapped by the caller; a host array in the unit tests). One writer at a time:
 * the caller serializes, as the console lock does for the serial line. */
#ifndef ARCH_FB_TEXT_H
#define ARCH_FB_TEXT_H

#include <stdbool.h>
#include <stdint.h>

struct fb_info {
	uint8_t *addr;          /* pixel (0, 0) */
	uint32_t pitch;         /* bytes from one scan line to the next */
	uint32_t width, height; /* pixels */
	uint8_t bpp;            /* 16, 24 or 32 */
	/* Each color's lowest bit in the pixel and its bit count (1..8), from the tag's
	 * framebuffer_red_field_position, framebuffer_red_mask_size, and so on. */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct fb_text {
	struct fb_info fb;
	unsigned cols, rows; /* the text grid: whole 8x16 cells */
	unsigned col, row;   /* the cursor; col == cols means at the right edge: the next
			      * character goes to the start of the next line */
	uint32_t fg, bg;     /* pixel values */
};

#define FB_TEXT_FG 0xc0c0c0 /* light grey */
#define FB_TEXT_BG 0x000000

/* Checks the description, sets light grey on black, clears the screen and puts the cursor at the
 * top left. False, with *why (if why is not NULL) pointing at a static sentence, for a depth other
 * than 16, 24 or 32, a color field that does not fit the pixel, a screen smaller than one cell or
 * a pitch shorter than a line. */
bool fb_text_init(struct fb_text *t, const struct fb_info *fb, const char **why);

/* 0xRRGGBB as a pixel value of this framebuffer (the top bits of each color are kept). */
uint32_t fb_pixel(const struct fb_info *fb, uint32_t rgb);

/* Colors for what is drawn from now on, as 0xRRGGBB. */
void fb_text_set_colors(struct fb_text *t, uint32_t fg_rgb, uint32_t bg_rgb);

/* One character: printable ASCII is drawn (other bytes from 0x7f up as '?'); '\n' starts the next
 * line (scrolling everything up one line at the bottom), '\r' returns to column 0, '\t' moves to
 * the next multiple of 8 columns, '\b' moves one column left. Other control bytes are ignored. */
void fb_text_putc(struct fb_text *t, char c);
void fb_text_write(struct fb_text *t, const char *s);

#endif
