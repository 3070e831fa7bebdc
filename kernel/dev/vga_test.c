/* KTESTs for vga.c (test kernel only). */
#include "vga.h"

#include "../test/ktest.h"

/* The tests draw into memory, and the live screen's buffer and cursor are put back
 * after: under UEFI nothing maps 0xB8000 (the VGA console is not even registered). */
static uint16_t fake_screen[VGA_ROWS * VGA_COLS] __attribute__((aligned(8)));

static void on_fake_screen(void (*test)(void))
{
	volatile uint16_t *live = vga_text;
	struct vga_cursor cursor = vga;
	vga_text = fake_screen;
	test();
	vga_text = live;
	vga = cursor;
}

static void full_line_then_newline(void)
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

KTEST(vga_full_line_then_newline_takes_one_line)
{
	on_fake_screen(full_line_then_newline);
}

static void scroll_and_clear(void)
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
				   vga_cell((char)('A' + (row + 1 + col) % 26)));
	for (int col = 0; col < VGA_COLS; col++)
		KEXPECT_EQ(vga_text[(VGA_ROWS - 1) * VGA_COLS + col], vga_cell(' '));
	vga_clear();
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		KEXPECT_EQ(vga_text[i], vga_cell(' '));
}

/* Scrolling moves every row up by one and blanks the last; clearing blanks them all. */
KTEST(vga_scroll_and_clear_move_every_cell)
{
	on_fake_screen(scroll_and_clear);
}
