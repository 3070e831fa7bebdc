/* COM1 input: received bytes go to the input ring (dev/input.h), through the
 * UART's IRQ 4, with flow control. The UART is set up by serial_init. */
#pragma once

void serial_enable_input(void);

/* Called by the reader of the input ring once it has made room (flow control). */
void serial_resume_input(void);
