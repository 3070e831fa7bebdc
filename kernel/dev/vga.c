/* Text buffer layout and CRTC cursor registers: OSDev wiki "Text UI" and
 * "Text Mode Cursor" (CRTC index 0x3D4, data 0x3D5, registers 0x0E/0x0F). */
#include "vga.h"

#include "../arch/x86.h"

#define VGA_TEXT_PHYS 0xB8000
#define VGA_COLS      80
#define VGA_ROWS      25
#define TAB_WIDTH     8

#define CRTC_INDEX	 0x3D4
#define CRTC_DATA	 0x3D5
#define CRTC_CURSOR_HIGH 0x0E
#define CRTC_CURSOR_LOW	 0x0F

/* Where the text buffer is: identity-mapped at boot, then in the direct map. */
static volatile uint16_t *vga_text = (volatile uint16_t *)VGA_TEXT_PHYS;

void vga_relocate(void *(*phys_to_virt)(uint64_t))
{
	vga_text = phys_to_virt(VGA_TEXT_PHYS);
}

/* One screen; only the boot CPU writes it until consoles get a lock. */
static struct {
	int row, col;
	uint8_t attr;
} vga = {0, 0, VGA_LIGHT_GREY};

static uint16_t cell(char c)
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
	uint64_t blanks = 0x0001000100010001ull * cell(' ');
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

void vga_clear(void)
{
	fill_blank(0, VGA_ROWS * VGA_COLS);
	vga.row = vga.col = 0;
	move_cursor();
}

void vga_init(void)
{
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	vga_clear();
}

void vga_set_color(enum vga_color fg, enum vga_color bg)
{
	vga.attr = (uint8_t)(fg | bg << 4);
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
	vga_text[vga.row * VGA_COLS + vga.col++] = cell(c);
}

static void put_char(char c)
{
	switch (c) {
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
			vga_text[vga.row * VGA_COLS + --vga.col] = cell(' ');
		break;
	default: put_printable(c); break;
	}
	if (vga.row >= VGA_ROWS)
		scroll();
}

void vga_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_char(s[i]);
	move_cursor();
}

#include "../test/ktest.h"

KTEST(vga_full_line_then_newline_takes_one_line)
{
	vga_clear();
	for (int i = 0; i < VGA_COLS; i++)
		vga_write("x", 1);
	vga_write("\n", 1);
	KEXPECT_EQ(vga.row, 1);
	KEXPECT_EQ(vga.col, 0);
	vga_write("y", 1);
	KEXPECT_EQ(vga_text[VGA_COLS] & 0xFF, 'y');
}

/* Scrolling moves every row up by one and blanks the last; clearing blanks them all. */
KTEST(vga_scroll_and_clear_move_every_cell)
{
	vga_clear();
	for (int row = 0; row < VGA_ROWS; row++) {
		char line[VGA_COLS + 1];
		for (int col = 0; col < VGA_COLS; col++)
			line[col] = (char)('A' + (row + col) % 26);
		line[VGA_COLS] = '\n';
		vga_write(line, sizeof line);
	}
	KEXPECT_EQ(vga.row, VGA_ROWS - 1);
	for (int row = 0; row < VGA_ROWS - 1; row++)
		for (int col = 0; col < VGA_COLS; col++)
			KEXPECT_EQ(vga_text[row * VGA_COLS + col],
				   cell((char)('A' + (row + 1 + col) % 26)));
	for (int col = 0; col < VGA_COLS; col++)
		KEXPECT_EQ(vga_text[(VGA_ROWS - 1) * VGA_COLS + col], cell(' '));
	vga_clear();
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		KEXPECT_EQ(vga_text[i], cell(' '));
}
