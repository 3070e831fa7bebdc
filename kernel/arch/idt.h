/* The IDT: gates for the 32 CPU exceptions (interrupts come with the APIC). */
#pragma once

void idt_init(void);
