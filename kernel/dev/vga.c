/* Text buffer layout and CRTC cursor registers: OSDev wiki "Text UI" and
 * "Text Mode Cursor" (CRTC index 0x3D4, data 0x3D5, registers 0x0E/0x0F). */
#include "vga.h"

#include "../arch/x86.h"
#include "../console.h"
#include "../lib/ansi.h"
#include "../lib/visible.h"

#define VGA_TEXT_PHYS 0xB8000
#define TAB_WIDTH     8

#define CRTC_INDEX	 0x3D4
#define CRTC_DATA	 0x3D5
#define CRTC_CURSOR_HIGH 0x0E
#define CRTC_CURSOR_LOW	 0x0F

/* The 16 text-mode colours (attribute byte: foreground in bits 0-3, background in
 * bits 4-6), of which the console uses these. */
enum vga_color {
	VGA_BLACK = 0,
	VGA_RED = 4,
	VGA_LIGHT_GREY = 7,
	VGA_LIGHT_CYAN = 11,
	VGA_WHITE = 15,
};

/* Where the text buffer is: identity-mapped at boot, then in the direct map. */
VISIBLE_IF_KTEST volatile uint16_t *vga_text = (volatile uint16_t *)VGA_TEXT_PHYS;

static void vga_follow_direct_map(void *(*phys_to_virt)(uint64_t))
{
	vga_text = phys_to_virt(VGA_TEXT_PHYS);
}

/* One screen, written under the console's lock. */
VISIBLE_IF_KTEST struct vga_cursor vga = {0, 0, VGA_LIGHT_GREY};

VISIBLE_IF_KTEST uint16_t vga_cell(char c)
{
	return (uint16_t)(unsigned char)c | (uint16_t)vga.attr << 8;
}

static void move_cursor(void)
{
	int col = vga.col < VGA_COLS ? vga.col : VGA_COLS - 1;
	uint16_t pos = (uint16_t)(vga.row * VGA_COLS + col);
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, pos & 0xFF);
}

/* Cells [first, first + count), both multiples of 4, set to blanks four at a time:
 * QEMU emulates every access to the text buffer, whatever its width (2,000 of them
 * for a screen were 0.2 ms under TCG). */
static void fill_blank(int first, int count)
{
	volatile uint64_t *quad = (volatile uint64_t *)(vga_text + first);
	uint64_t blanks = 0x0001000100010001ull * vga_cell(' ');
	for (int i = 0; i < count / 4; i++)
		quad[i] = blanks;
}

/* Four cells an access, as in fill_blank (a row is 80 cells, 160 bytes). */
static void scroll(void)
{
	volatile uint64_t *quad = (volatile uint64_t *)vga_text;
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS / 4; i++)
		quad[i] = quad[i + VGA_COLS / 4];
	fill_blank((VGA_ROWS - 1) * VGA_COLS, VGA_COLS);
	vga.row = VGA_ROWS - 1;
}

VISIBLE_IF_KTEST void vga_clear(void)
{
	fill_blank(0, VGA_ROWS * VGA_COLS);
	vga.row = vga.col = 0;
	move_cursor();
}

static void set_color(enum vga_color fg, enum vga_color bg)
{
	vga.attr = (uint8_t)(fg | bg << 4);
}

static void vga_set_style(enum console_style style)
{
	switch (style) {
	case CONSOLE_HEADING: set_color(VGA_LIGHT_CYAN, VGA_BLACK); break;
	case CONSOLE_ALERT: set_color(VGA_WHITE, VGA_RED); break;
	default: set_color(VGA_LIGHT_GREY, VGA_BLACK); break;
	}
}

/* A full line wraps only when more text follows it, as terminals do, so an
 * 80-column line followed by a newline does not leave an empty line. */
static void put_printable(char c)
{
	if (vga.col >= VGA_COLS) {
		vga.col = 0;
		vga.row++;
		if (vga.row >= VGA_ROWS)
			scroll();
	}
	vga_text[vga.row * VGA_COLS + vga.col++] = vga_cell(c);
}

/* ANSI escapes in the text (the console's stream is a terminal's): "ESC[2J" clears
 * the screen and "ESC[row;colH" homes the cursor (from 1); others are swallowed. */
static struct ansi_parser ansi;

static void ansi_finish(char final)
{
	int row = ansi.params[0], col = ansi.params[1];
	switch (final) {
	case 'J':
		if (row == 2)
			vga_clear();
		break;
	case 'H':
		vga.row = row > 0 && row <= VGA_ROWS ? row - 1 : 0;
		vga.col = col > 0 && col <= VGA_COLS ? col - 1 : 0;
		break;
	default: break;
	}
}

static void put_char(char c)
{
	int sequence = ansi_feed(&ansi, c);
	if (sequence != ANSI_SHOW) {
		if (sequence != ANSI_SWALLOWED)
			ansi_finish((char)sequence);
		return;
	}
	switch (c) {
	case '\a': break; /* no bell on a screen */
	case '\n':
		vga.col = 0;
		vga.row++;
		break;
	case '\r': vga.col = 0; break;
	case '\t':
		vga.col = (vga.col / TAB_WIDTH + 1) * TAB_WIDTH;
		if (vga.col > VGA_COLS)
			vga.col = VGA_COLS;
		break;
	case '\b':
		if (vga.col >= VGA_COLS)
			vga.col = VGA_COLS - 1;
		if (vga.col > 0)
			vga_text[vga.row * VGA_COLS + --vga.col] = vga_cell(' ');
		break;
	default: put_printable(c); break;
	}
	if (vga.row >= VGA_ROWS)
		scroll();
}

VISIBLE_IF_KTEST void vga_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_char(s[i]);
	move_cursor();
}

static struct console_sink vga_sink = {
	.name = "VGA text",
	.write = vga_write,
	.set_style = vga_set_style,
	.follow_direct_map = vga_follow_direct_map,
};

void vga_console_init(void)
{
	set_color(VGA_LIGHT_GREY, VGA_BLACK);
	vga_clear();
	console_register(&vga_sink);
}
