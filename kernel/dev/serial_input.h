/* COM1 input: received bytes go to the input ring (dev/input.h), with flow control.
 * The UART and its IRQ 4 are serial.c's, which calls serial_input_receive. */
#pragma once

/* Turns the receive interrupt on and takes what arrived before. */
void serial_input_start(void);

/* From serial.c's interrupt handler: the received bytes into the input ring. */
void serial_input_receive(void);

/* Called by the reader of the input ring once it has made room (flow control). */
void serial_resume_input(void);
