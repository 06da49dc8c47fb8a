/* arch/font8x16.h: an 8x16 bitmap font for printable ASCII (0x20..0x7e), for the framebuffer
 * console. Each glyph is 16 bytes, one per row from the top; bit 7 is the leftmost pixel. */
#ifndef ARCH_FONT8X16_H
#define ARCH_FONT8X16_H

#include <stdint.h>

#define FONT_WIDTH 8
#define FONT_HEIGHT 16
#define FONT_FIRST 0x20
#define FONT_GLYPHS 95 /* 0x20..0x7e */

extern const uint8_t font8x16[FONT_GLYPHS][FONT_HEIGHT];

#endif
