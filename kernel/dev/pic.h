/* The 8259 pair: remapped to VECTOR_PIC_BASE and masked at boot (so a stray legacy
 * IRQ cannot look like a CPU exception), and the interrupt controller where there
 * is no APIC. */
#pragma once

#include "../arch/irq.h"

void pic_remap_and_mask(void);
extern const struct irq_controller pic_controller;
