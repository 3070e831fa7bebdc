/* The IDT: a gate for every vector, all leading to trap_dispatch. */
#pragma once

void idt_init(void);
