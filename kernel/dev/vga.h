/* VGA text mode console: 80x25 at 0xB8000, with colours, scrolling and a cursor. */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum vga_color {
	VGA_BLACK = 0,
	VGA_BLUE = 1,
	VGA_GREEN = 2,
	VGA_CYAN = 3,
	VGA_RED = 4,
	VGA_MAGENTA = 5,
	VGA_BROWN = 6,
	VGA_LIGHT_GREY = 7,
	VGA_DARK_GREY = 8,
	VGA_LIGHT_BLUE = 9,
	VGA_LIGHT_GREEN = 10,
	VGA_LIGHT_CYAN = 11,
	VGA_LIGHT_RED = 12,
	VGA_LIGHT_MAGENTA = 13,
	VGA_YELLOW = 14,
	VGA_WHITE = 15,
};

void vga_init(void);

/* Moves to the text buffer's address in the kernel's page tables (the direct map). */
void vga_relocate(void *(*phys_to_virt)(uint64_t));
void vga_clear(void);
void vga_set_color(enum vga_color fg, enum vga_color bg);

/* n characters, then the cursor moves once: four port writes for the string, not for
 * each character (an emulator traps every one). */
void vga_write(const char *s, size_t n);
