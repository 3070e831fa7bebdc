/* Port 0xE9: QEMU's -debugcon and Bochs' port_e9_hack print what is written there;
 * elsewhere the writes go nowhere. A console sink from debugcon_init on. */
#pragma once

void debugcon_init(void);
