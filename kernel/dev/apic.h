/* The local APIC (interrupt acceptance, EOI, its timer) and the I/O APIC (legacy
 * IRQ routing), found through ACPI's MADT. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "../arch/irq.h"
#include "acpi.h"

/* The IA32_APIC_BASE MSR: Intel SDM vol. 3A, 11.4.4. */
#define IA32_APIC_BASE	  0x1B
#define APIC_BASE_X2APIC  (1ull << 10) /* EXTD */
#define APIC_BASE_ENABLED (1ull << 11) /* EN */
#define APIC_BASE_ADDRESS 0x000FFFFFFFFFF000ull

/* Enables the boot CPU's local APIC and takes over legacy IRQs through the I/O APIC.
 * Returns NULL, or why the APICs cannot be used (the caller falls back to the 8259s
 * and says so). */
const char *apic_init(const struct acpi_info *acpi);

extern const struct irq_controller apic_controller;

/* Quiets the APICs before a reset: timer stopped, I/O APIC pins masked, local APIC
 * software-disabled. A software reset (the i8042's) keeps APIC state, and a BIOS
 * that gets our timer interrupts in the middle of its POST triple-faults (Bochs). */
void apic_disable(void);

/* Local APIC timer: divide by 16, count down from `initial`; periodic or one shot. */
void lapic_timer_start(uint32_t initial, bool periodic);
uint32_t lapic_timer_current(void);
void lapic_timer_stop(void);
uint32_t lapic_id(void);

/* An interrupt at `vector` to this CPU itself, as a device would raise it. */
void lapic_send_self_ipi(unsigned vector);
/* Where the boot CPU's local APIC is (from IA32_APIC_BASE), 0 before apic_init. */
uint64_t lapic_address(void);

#ifdef KEEL_TEST /* for apic_test.c */
/* Why the APICs described by `acpi`, with IA32_APIC_BASE = `apic_base_msr`, cannot
 * be driven; NULL if they can. */
const char *apic_unusable(const struct acpi_info *acpi, uint64_t apic_base_msr);
#endif
