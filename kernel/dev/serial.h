/* 16550 UART on COM1, 115200 8N1, output only (for now). */
#pragma once

#include <stdbool.h>

bool serial_init(void); /* false when no UART answers at COM1 */
void serial_putc(char c);

/* Bytes for the serial terminal only (escape sequences the other consoles lack). */
void serial_write_raw(const char *s);

/* Received bytes go to the input ring (dev/input.h), through COM1's IRQ 4. */
void serial_enable_input(void);

/* Called by the reader of the input ring once it has made room (flow control). */
void serial_resume_input(void);
