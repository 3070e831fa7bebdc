/* The GOP framebuffer: 32-bit pixels, lines `pitch` bytes apart (UEFI 2.10, 12.9).
 * The glyphs are Lat15-VGA16 from Debian's console-setup-linux (tools/mkfont).
 *
 * The framebuffer is written through the direct map, write-back as far as the page
 * tables go; the firmware's MTRRs make the PCI hole uncached (or write-combining,
 * where it chose that for the framebuffer), and theirs is the type that holds (SDM
 * vol. 3A, "Selecting Memory Types for Pentium III and More Recent Processor
 * Families"). Write-combining of our own would need the PAT programmed, which
 * paging does not do yet: every pixel write may be a bus cycle, which is why only
 * cells that changed are drawn. */
#include "fbcon.h"

#include "../lib/string.h"
#include "../lib/visible.h"
#include "../mm/paging.h"
#include "font_glyphs.h"

#define BYTES_PER_PIXEL 4
#define TAB_WIDTH	8

/* In `shown`: the cell has the cursor drawn in it (attributes never set bit 7, which
 * is blinking in text mode), or nobody knows what it holds (what the loader left). */
#define CELL_CURSOR  0x8000
#define CELL_UNKNOWN 0xFFFF

/* The cursor underlines the cell on these font rows, as text mode's does (CRTC
 * cursor start and end 13 and 14 of 16). */
#define CURSOR_FIRST_ROW (FONT_HEIGHT - 3)
#define CURSOR_LAST_ROW	 (FONT_HEIGHT - 2)

_Static_assert(FONT_WIDTH == 8, "a glyph row is one byte");

#define REPLACEMENT_GLYPH (sizeof font_glyphs / sizeof font_glyphs[0] - 1)

/* The 16 text-mode colours, of which the console uses these (as vga.c). */
enum fbcon_color {
	BLACK = 0,
	RED = 4,
	LIGHT_GREY = 7,
	LIGHT_CYAN = 11,
	WHITE = 15,
};

/* The VGA's default palette, 0xRRGGBB. */
static const uint32_t vga_rgb[16] = {
	0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
	0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

/* ---- pixels ------------------------------------------------------------------ */

/* Where red, green and blue go in a pixel: RGB is UEFI's
 * PixelRedGreenBlueReserved8BitPerColor (red in the low byte), BGR the reverse, and
 * BITMASK's masks say. False for no framebuffer. */
static bool pixel_masks(const struct boot_info *bi, uint32_t masks[3])
{
	switch (bi->fb_format) {
	case BOOT_FB_RGB: masks[0] = 0xFF, masks[1] = 0xFF00, masks[2] = 0xFF0000; return true;
	case BOOT_FB_BGR: masks[0] = 0xFF0000, masks[1] = 0xFF00, masks[2] = 0xFF; return true;
	case BOOT_FB_BITMASK:
		masks[0] = bi->fb_red_mask, masks[1] = bi->fb_green_mask,
		masks[2] = bi->fb_blue_mask;
		return masks[0] | masks[1] | masks[2];
	default: return false;
	}
}

/* An 8-bit intensity scaled to the width of mask and moved into it. */
static uint32_t channel(uint32_t intensity, uint32_t mask)
{
	if (!mask)
		return 0;
	int shift = __builtin_ctz(mask);
	uint64_t max = mask >> shift;
	return (uint32_t)(intensity * max / 0xFF << shift) & mask;
}

static uint32_t pixel_of(uint32_t rgb, const uint32_t masks[3])
{
	return channel(rgb >> 16 & 0xFF, masks[0]) | channel(rgb >> 8 & 0xFF, masks[1]) |
	       channel(rgb & 0xFF, masks[2]);
}

static volatile uint32_t *pixel_line(const struct fbcon *fc, uint32_t y)
{
	return (volatile uint32_t *)((volatile uint8_t *)fc->pixels + (uint64_t)y * fc->pitch);
}

static void fill(const struct fbcon *fc, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
		 uint32_t pixel)
{
	for (uint32_t y = y0; y < y1; y++) {
		volatile uint32_t *p = pixel_line(fc, y);
		for (uint32_t x = x0; x < x1; x++)
			p[x] = pixel;
	}
}

/* The strips right of and below the last whole cells: the loader's leftovers go. */
static void clear_margins(const struct fbcon *fc)
{
	uint32_t used_width = (uint32_t)(fc->cols * FONT_WIDTH * fc->scale);
	uint32_t used_height = (uint32_t)(fc->rows * FONT_HEIGHT * fc->scale);
	fill(fc, used_width, 0, fc->width, fc->height, fc->palette[BLACK]);
	fill(fc, 0, used_height, used_width, fc->height, fc->palette[BLACK]);
}

/* ---- drawing cells ------------------------------------------------------------ */

VISIBLE_IF_KTEST const uint8_t *fbcon_glyph(char c)
{
	unsigned char code = (unsigned char)c;
	if (code >= FONT_FIRST && code <= FONT_LAST)
		return font_glyphs[code - FONT_FIRST];
	return font_glyphs[REPLACEMENT_GLYPH];
}

/* One row of a cell's pixels, font pixel by font pixel, each `scale` wide. */
static void draw_row(volatile uint32_t *p, uint8_t bits, uint32_t fg, uint32_t bg, int scale)
{
	for (int x = 0; x < FONT_WIDTH; x++) {
		uint32_t pixel = (bits & 0x80 >> x) ? fg : bg;
		for (int i = 0; i < scale; i++)
			*p++ = pixel;
	}
}

/* The same at scale 1, two pixels a store (half the bus cycles on an uncached
 * framebuffer): pairs[i] is the pair for bits i, the left pixel in bit 1 and in the
 * low half, at the lower address. */
static void draw_row_pairs(volatile uint64_t *p, uint8_t bits, const uint64_t pairs[4])
{
	for (int x = 0; x < FONT_WIDTH / 2; x++)
		p[x] = pairs[bits >> (6 - 2 * x) & 3];
}

/* Pairs need 8-byte alignment: each cell starts 32 bytes into a line. */
static bool pairs_fit(const struct fbcon *fc)
{
	return fc->scale == 1 && fc->pitch % 8 == 0 && (uintptr_t)fc->pixels % 8 == 0;
}

static uint8_t glyph_row(uint16_t cell, int fy)
{
	if ((cell & CELL_CURSOR) && fy >= CURSOR_FIRST_ROW && fy <= CURSOR_LAST_ROW)
		return 0xFF;
	return fbcon_glyph((char)(cell & 0xFF))[fy];
}

/* `cell` as `shown` holds it: character, attribute, and maybe the cursor. */
static void draw_cell(const struct fbcon *fc, int index, uint16_t cell)
{
	uint8_t attr = cell >> 8 & 0x7F;
	uint32_t fg = fc->palette[attr & 0xF], bg = fc->palette[attr >> 4];
	int s = fc->scale;
	uint32_t x0 = (uint32_t)(index % fc->cols * FONT_WIDTH * s);
	uint32_t y0 = (uint32_t)(index / fc->cols * FONT_HEIGHT * s);
	if (pairs_fit(fc)) {
		const uint64_t pairs[4] = {bg | (uint64_t)bg << 32, bg | (uint64_t)fg << 32,
					   fg | (uint64_t)bg << 32, fg | (uint64_t)fg << 32};
		for (int fy = 0; fy < FONT_HEIGHT; fy++)
			draw_row_pairs(
				(volatile uint64_t *)(pixel_line(fc, y0 + (uint32_t)fy) + x0),
				glyph_row(cell, fy), pairs);
		return;
	}
	for (int fy = 0; fy < FONT_HEIGHT; fy++)
		for (int i = 0; i < s; i++)
			draw_row(pixel_line(fc, y0 + (uint32_t)(fy * s + i)) + x0,
				 glyph_row(cell, fy), fg, bg, s);
}

/* The cursor goes where the next character will (on the last column while a full
 * line waits to wrap); the rows it leaves and enters are drawn again. */
static void place_cursor(struct fbcon *fc)
{
	int col = fc->col < fc->cols ? fc->col : fc->cols - 1;
	int cursor = fc->row * fc->cols + col;
	if (cursor == fc->cursor)
		return;
	fc->dirty[fc->cursor / fc->cols] = fc->dirty[fc->row] = true;
	fc->cursor = cursor;
}

static void flush_row(struct fbcon *fc, int row)
{
	for (int i = row * fc->cols; i < (row + 1) * fc->cols; i++) {
		uint16_t want = fc->text[i] | (i == fc->cursor ? CELL_CURSOR : 0);
		if (fc->shown[i] != want) {
			draw_cell(fc, i, want);
			fc->shown[i] = want;
		}
	}
	fc->dirty[row] = false;
}

/* The screen catches up with the text. */
static void flush(struct fbcon *fc)
{
	if (!fc->pixels)
		return;
	place_cursor(fc);
	for (int row = 0; row < fc->rows; row++)
		if (fc->dirty[row])
			flush_row(fc, row);
}

/* ---- the text ------------------------------------------------------------------ */

static uint16_t cell_of(const struct fbcon *fc, char c)
{
	return (uint16_t)((unsigned char)c | fc->attr << 8);
}

static void set_cell(struct fbcon *fc, int row, int col, char c)
{
	fc->text[row * fc->cols + col] = cell_of(fc, c);
	fc->dirty[row] = true;
}

static void mark_all_dirty(struct fbcon *fc)
{
	for (int row = 0; row < fc->rows; row++)
		fc->dirty[row] = true;
}

static void clear_text(struct fbcon *fc)
{
	for (int i = 0; i < fc->rows * fc->cols; i++)
		fc->text[i] = cell_of(fc, ' ');
	mark_all_dirty(fc);
	fc->row = fc->col = 0;
}

/* Only the text moves; flush then draws the cells whose character changed, which
 * on a log's ragged lines leaves most blanks alone. */
static void scroll(struct fbcon *fc)
{
	memmove(fc->text, fc->text + fc->cols,
		(size_t)((fc->rows - 1) * fc->cols) * sizeof fc->text[0]);
	for (int col = 0; col < fc->cols; col++)
		set_cell(fc, fc->rows - 1, col, ' ');
	mark_all_dirty(fc);
	fc->row = fc->rows - 1;
}

/* A full line wraps only when more text follows it, as vga.c does. */
static void put_printable(struct fbcon *fc, char c)
{
	if (fc->col >= fc->cols) {
		fc->col = 0;
		fc->row++;
		if (fc->row >= fc->rows)
			scroll(fc);
	}
	set_cell(fc, fc->row, fc->col++, c);
}

/* The sequences vga.c knows: "ESC[2J" clears, "ESC[row;colH" moves the cursor. */
static void ansi_finish(struct fbcon *fc, int final)
{
	int row = fc->ansi.params[0], col = fc->ansi.params[1];
	switch (final) {
	case 'J':
		if (row == 2)
			clear_text(fc);
		break;
	case 'H':
		fc->row = row > 0 && row <= fc->rows ? row - 1 : 0;
		fc->col = col > 0 && col <= fc->cols ? col - 1 : 0;
		break;
	default: break;
	}
}

static void control(struct fbcon *fc, char c)
{
	switch (c) {
	case '\n':
		fc->col = 0;
		fc->row++;
		break;
	case '\r': fc->col = 0; break;
	case '\t':
		fc->col = (fc->col / TAB_WIDTH + 1) * TAB_WIDTH;
		if (fc->col > fc->cols)
			fc->col = fc->cols;
		break;
	case '\b':
		if (fc->col >= fc->cols)
			fc->col = fc->cols - 1;
		if (fc->col > 0)
			set_cell(fc, fc->row, --fc->col, ' ');
		break;
	default: break; /* '\a' and the rest: nothing to show */
	}
}

/* UTF-8's continuation bytes show nothing: a character beyond ASCII is one
 * replacement glyph, its first byte's. */
static bool continuation_byte(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

static void put_char(struct fbcon *fc, char c)
{
	int sequence = ansi_feed(&fc->ansi, c);
	if (sequence != ANSI_SHOW) {
		if (sequence != ANSI_SWALLOWED)
			ansi_finish(fc, sequence);
		return;
	}
	if ((unsigned char)c < ' ' || c == 0x7F)
		control(fc, c);
	else if (!continuation_byte(c))
		put_printable(fc, c);
	if (fc->row >= fc->rows)
		scroll(fc);
}

VISIBLE_IF_KTEST void fbcon_write_to(struct fbcon *fc, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_char(fc, s[i]);
	flush(fc);
}

static void set_color(struct fbcon *fc, enum fbcon_color fg, enum fbcon_color bg)
{
	fc->attr = (uint8_t)(fg | bg << 4);
}

VISIBLE_IF_KTEST void fbcon_style(struct fbcon *fc, enum console_style style)
{
	switch (style) {
	case CONSOLE_HEADING: set_color(fc, LIGHT_CYAN, BLACK); break;
	case CONSOLE_ALERT: set_color(fc, WHITE, RED); break;
	default: set_color(fc, LIGHT_GREY, BLACK); break;
	}
}

/* ---- set-up ------------------------------------------------------------------- */

/* The smallest scale at which the cells fit the arrays. */
static int scale_for(uint32_t width, uint32_t height)
{
	int scale = 1;
	while (width / (uint32_t)(FONT_WIDTH * scale) > FBCON_MAX_COLS ||
	       height / (uint32_t)(FONT_HEIGHT * scale) > FBCON_MAX_ROWS)
		scale++;
	return scale;
}

static bool usable(const struct boot_info *bi)
{
	return bi->fb_base && bi->fb_width >= FONT_WIDTH && bi->fb_height >= FONT_HEIGHT &&
	       bi->fb_pitch >= (uint64_t)bi->fb_width * BYTES_PER_PIXEL &&
	       (uint64_t)bi->fb_pitch * bi->fb_height <= bi->fb_size;
}

/* fc for the framebuffer bi describes, blank, drawing nothing until attached. */
VISIBLE_IF_KTEST bool fbcon_setup(struct fbcon *fc, const struct boot_info *bi)
{
	uint32_t masks[3];
	if (!usable(bi) || !pixel_masks(bi, masks))
		return false;
	memset(fc, 0, sizeof *fc); /* not by assignment: a temporary that size is no stack's */
	fc->width = bi->fb_width;
	fc->height = bi->fb_height;
	fc->pitch = bi->fb_pitch;
	for (int i = 0; i < 16; i++)
		fc->palette[i] = pixel_of(vga_rgb[i], masks);
	fc->scale = scale_for(fc->width, fc->height);
	fc->cols = (int)(fc->width / (uint32_t)(FONT_WIDTH * fc->scale));
	fc->rows = (int)(fc->height / (uint32_t)(FONT_HEIGHT * fc->scale));
	fbcon_style(fc, CONSOLE_PLAIN);
	clear_text(fc);
	for (int i = 0; i < fc->rows * fc->cols; i++)
		fc->shown[i] = CELL_UNKNOWN;
	return true;
}

/* From now on fc draws into pixels: everything now, the changes after. */
VISIBLE_IF_KTEST void fbcon_attach(struct fbcon *fc, void *pixels)
{
	fc->pixels = pixels;
	clear_margins(fc);
	mark_all_dirty(fc);
	flush(fc);
}

/* ---- the console sink ------------------------------------------------------------ */

static struct fbcon screen;
static uint64_t screen_phys;

static void screen_write(const char *s, size_t n)
{
	fbcon_write_to(&screen, s, n);
}

static void screen_set_style(enum console_style style)
{
	fbcon_style(&screen, style);
}

/* The loader's page tables need not map the framebuffer; the kernel's direct map
 * does, wherever it lies (mem_init has paging_init add it). */
static void screen_follow_direct_map(void *(*to_virtual)(uint64_t))
{
	uint64_t last = screen_phys + (uint64_t)screen.pitch * screen.height - 1;
	if (paging_direct_mapped(screen_phys) && paging_direct_mapped(last))
		fbcon_attach(&screen, to_virtual(screen_phys));
}

static struct console_sink fbcon_sink = {
	.name = "framebuffer",
	.write = screen_write,
	.set_style = screen_set_style,
	.follow_direct_map = screen_follow_direct_map,
};

bool fbcon_init(const struct boot_info *bi)
{
	if (!fbcon_setup(&screen, bi))
		return false;
	screen_phys = bi->fb_base;
	console_register(&fbcon_sink);
	return true;
}
