/* Port 0xE9: QEMU's -debugcon and Bochs' port_e9_hack print what is written there. */
#pragma once

void debugcon_putc(char c);
