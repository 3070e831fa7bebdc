/* COM1 output: the 16550 UART at 115200 8N1, a console sink from serial_init on.
 * Input is serial_input.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Finds and sets up the UART and registers it with the console, output polled;
 * false (and no sink) when no UART answers at COM1. */
bool serial_init(void);

/* Takes IRQ 4: output from the log ring on the THR-empty interrupt, input on the
 * received-data one. Once the interrupt controller is up. */
void serial_enable_interrupts(void);
