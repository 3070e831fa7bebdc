/* KTESTs for vga.c (test kernel only). */
#include "vga.h"

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
				   vga_cell((char)('A' + (row + 1 + col) % 26)));
	for (int col = 0; col < VGA_COLS; col++)
		KEXPECT_EQ(vga_text[(VGA_ROWS - 1) * VGA_COLS + col], vga_cell(' '));
	vga_clear();
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		KEXPECT_EQ(vga_text[i], vga_cell(' '));
}
