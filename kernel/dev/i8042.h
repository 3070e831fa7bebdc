/* The i8042 PS/2 controller and the keyboard on its first port. Key presses go to
 * the input ring (dev/input.h) as decoded key events. */
#pragma once

#include <stdbool.h>

/* Initialises the controller; false (with a message) when there is none or it fails
 * its self-test. */
bool i8042_init(void);

/* Asks the controller to pulse the CPU's reset line (the classic reboot). */
void i8042_reset_cpu(void);
