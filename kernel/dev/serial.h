/* 16550 UART on COM1, 115200 8N1, output only (for now). */
#pragma once

#include <stdbool.h>

bool serial_init(void); /* false when no UART answers at COM1 */
void serial_putc(char c);
