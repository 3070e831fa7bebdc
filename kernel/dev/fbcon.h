/* Framebuffer text console: the screen when UEFI started the kernel (no VGA text
 * mode then), drawn with an 8x16 font into the GOP framebuffer the loader found. A
 * console sink from fbcon_init on. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bootinfo.h"
#include "../console.h"
#include "../lib/ansi.h"

/* Registers the console if bi has a framebuffer; false if it has none. Text written
 * before the framebuffer is mapped (console_follow_direct_map) is kept and drawn
 * then: the boot loader's page tables need not map it. */
bool fbcon_init(const struct boot_info *bi);

/* Cells kept: 1920x1200 in 8x16 cells. A larger screen draws each font pixel as a
 * square of 2 (or more), which fits it and keeps the text readable. */
#define FBCON_MAX_COLS 240
#define FBCON_MAX_ROWS 75

/* One framebuffer console. The text lives in `text` (character and VGA attribute,
 * as in text mode), so scrolling never reads the framebuffer, which is slow device
 * memory; `shown` says what each cell on the screen holds, and only cells that
 * differ are drawn. */
struct fbcon {
	volatile uint32_t *pixels;     /* NULL until mapped */
	uint32_t width, height, pitch; /* pixels, pixels, bytes per line */
	uint32_t palette[16];	       /* the VGA colours as pixel values */
	int scale;		       /* screen pixels per font pixel, each way */
	int cols, rows;
	int row, col; /* where the next character goes */
	uint8_t attr; /* foreground in bits 0-3, background in 4-6 */
	int cursor;   /* the cell the cursor is drawn in */
	struct ansi_parser ansi;
	bool dirty[FBCON_MAX_ROWS]; /* rows where text and shown may differ */
	uint16_t text[FBCON_MAX_ROWS * FBCON_MAX_COLS];
	uint16_t shown[FBCON_MAX_ROWS * FBCON_MAX_COLS];
};

#ifdef KEEL_TEST /* for fbcon_test.c */
bool fbcon_setup(struct fbcon *fc, const struct boot_info *bi);
void fbcon_attach(struct fbcon *fc, void *pixels);
void fbcon_write_to(struct fbcon *fc, const char *s, size_t n);
void fbcon_style(struct fbcon *fc, enum console_style style);
const uint8_t *fbcon_glyph(char c);
#endif
