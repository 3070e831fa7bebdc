/* Interrupt vectors 32-255: handlers registered by drivers, counted per vector, and
 * acknowledged (end of interrupt) exactly once, by whichever controller delivered
 * them: the local APIC, or the 8259 pair where there is no APIC. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Vector plan: the 8259s are remapped to 0x20-0x2F (so a stray legacy IRQ can
 * never look like a CPU exception); I/O APIC routes legacy IRQ n to 0x30 + n, so
 * that in APIC mode anything at 0x20-0x2F is a spurious 8259 interrupt. */
#define VECTOR_PIC_BASE	   0x20
#define VECTOR_IOAPIC_BASE 0x30
#define VECTOR_APIC_TIMER  0x40
#define VECTOR_SELF_TEST   0x41 /* self-IPIs the tests raise */
#define VECTOR_SPURIOUS	   0xFF /* the local APIC's spurious vector */
#define IRQ_LEGACY_COUNT   16
#define VECTORS		   256

typedef void (*irq_handler)(void *ctx);

struct irq_controller {
	const char *name;
	/* Unmasks legacy IRQ `irq` and returns the vector it will arrive at. */
	unsigned (*enable_legacy)(unsigned irq);
	void (*end_of_interrupt)(unsigned vector);
	/* True when the interrupt at `vector` was spurious (no EOI must be sent). */
	bool (*is_spurious)(unsigned vector);
};

void irq_set_controller(const struct irq_controller *controller);
const struct irq_controller *irq_controller(void);

/* Calls handler(ctx) for each interrupt at `vector`. */
void irq_register(unsigned vector, irq_handler handler, void *ctx);

/* Registers the handler for legacy IRQ `irq` (ISA numbering) and unmasks it. */
void irq_enable_legacy(unsigned irq, irq_handler handler, void *ctx);

/* Called by trap_dispatch for vectors >= 32. */
void irq_dispatch(unsigned vector);

uint64_t irq_count(unsigned vector);
uint64_t irq_spurious_count(void);
