#include "irq.h"

#include "../console.h"
#include "../panic.h"
#include "../sched/sched.h"
#include "x86.h"

/* Shared by all CPUs: one table of handlers. The counts are statistics only. */
static struct {
	irq_handler handler;
	void *ctx;
} handlers[VECTORS];
static volatile uint64_t counts[VECTORS];
static volatile uint64_t spurious;
static const struct irq_controller *active;

void irq_set_controller(const struct irq_controller *controller)
{
	active = controller;
}

const struct irq_controller *irq_controller(void)
{
	return active;
}

void irq_register(unsigned vector, irq_handler handler, void *ctx)
{
	if (vector < 32 || vector >= VECTORS)
		panic("irq_register: vector %u is not an interrupt vector", vector);
	handlers[vector].ctx = ctx;
	handlers[vector].handler = handler;
}

void irq_enable_legacy(unsigned irq, irq_handler handler, void *ctx)
{
	if (!active || irq >= IRQ_LEGACY_COUNT)
		panic("irq_enable_legacy(%u): no interrupt controller for it", irq);
	/* An interrupt already pending when the line is unmasked is taken only after
	 * its handler is in place: the controller tells the vector only as it unmasks. */
	uint64_t flags = cpu_irq_save();
	unsigned vector = active->enable_legacy(irq);
	irq_register(vector, handler, ctx);
	cpu_irq_restore(flags);
}

void irq_dispatch(unsigned vector)
{
	if (active && active->is_spurious(vector)) {
		spurious++; /* counted, never acknowledged, never fatal */
		return;
	}
	counts[vector]++;
	sched_irq_enter();
	if (handlers[vector].handler)
		handlers[vector].handler(handlers[vector].ctx);
	if (active)
		active->end_of_interrupt(vector);
	/* After the EOI: the task switched to must get the next interrupts. */
	sched_irq_exit();
}

uint64_t irq_count(unsigned vector)
{
	return vector < VECTORS ? counts[vector] : 0;
}

uint64_t irq_spurious_count(void)
{
	return spurious;
}
