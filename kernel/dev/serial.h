/* COM1 output: the 16550 UART at 115200 8N1, a console sink from serial_init on.
 * Input is serial_input.h. */
#pragma once

#include <stdbool.h>

/* Finds and sets up the UART and registers it with the console; false (and no
 * sink) when no UART answers at COM1. */
bool serial_init(void);
