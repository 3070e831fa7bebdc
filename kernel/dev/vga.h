/* VGA text mode console: 80x25 at 0xB8000, with colours, scrolling and a cursor. A
 * console sink from vga_console_init on. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define VGA_COLS 80
#define VGA_ROWS 25

/* Clears the screen and registers it with the console. */
void vga_console_init(void);

/* Where the next character goes, and in which colours. */
struct vga_cursor {
	int row, col;
	uint8_t attr;
};

#ifdef KEEL_TEST /* for vga_test.c */
extern struct vga_cursor vga;
extern volatile uint16_t *vga_text;
uint16_t vga_cell(char c);
void vga_clear(void);
void vga_write(const char *s, size_t n);
#endif
