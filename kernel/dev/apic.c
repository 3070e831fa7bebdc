/* Local APIC registers: Intel SDM vol. 3A, 11.4-11.5 (SVR, EOI, LVT timer, divide
 * configuration). I/O APIC: the 82093AA data sheet (IOREGSEL/IOWIN, redirection
 * entries at 0x10 + 2n). */
#include "apic.h"

#include "../arch/x86.h"
#include "../console.h"
#include "../lib/visible.h"
#include "../mm/paging.h"
#include "../panic.h"

#define LAPIC_ID	    0x020
#define LAPIC_EOI	    0x0B0
#define LAPIC_SVR	    0x0F0
#define LAPIC_ICR_LOW	    0x300 /* writing it sends the IPI (SDM vol. 3A, 11.6.1) */
#define LAPIC_LVT_TIMER	    0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3E0

#define ICR_ASSERT     (1u << 14) /* must be 1 for every delivery mode but INIT de-assert */
#define ICR_SHORT_SELF (1u << 18) /* destination shorthand 01: this CPU */
#define SVR_ENABLE     (1u << 8)
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define DIVIDE_BY_16   0x3

#define IOAPIC_REGSEL	    0x00
#define IOAPIC_WINDOW	    0x10
#define IOAPIC_VERSION	    0x01
#define IOAPIC_REDIRECT(n)  (0x10 + 2 * (n))
#define REDIRECT_ACTIVE_LOW (1u << 13)
#define REDIRECT_LEVEL	    (1u << 15)
#define REDIRECT_MASKED	    (1u << 16)

/* The boot CPU's local APIC; every CPU sees its own at the same address. */
static volatile uint32_t *lapic;
static uint64_t lapic_phys; /* where IA32_APIC_BASE says it is */
static const struct acpi_info *madt;

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t value)
{
	lapic[reg / 4] = value;
	(void)lapic[LAPIC_ID / 4]; /* read back: the write has reached the APIC */
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

static uint32_t ioapic_read(volatile uint32_t *base, unsigned reg)
{
	base[IOAPIC_REGSEL / 4] = reg;
	return base[IOAPIC_WINDOW / 4];
}

static void ioapic_write(volatile uint32_t *base, unsigned reg, uint32_t value)
{
	base[IOAPIC_REGSEL / 4] = reg;
	base[IOAPIC_WINDOW / 4] = value;
}

static unsigned apic_enable_legacy(unsigned irq)
{
	struct acpi_irq_route route = acpi_isa_irq_route(madt, (uint8_t)irq);
	uint32_t gsi = route.gsi;
	uint32_t flags = (route.active_low ? REDIRECT_ACTIVE_LOW : 0) |
			 (route.level_triggered ? REDIRECT_LEVEL : 0);
	for (unsigned i = 0; i < madt->ioapic_count; i++) {
		const struct acpi_ioapic *io = &madt->ioapics[i];
		volatile uint32_t *base = phys_to_virt(io->address);
		uint32_t entries = ((ioapic_read(base, IOAPIC_VERSION) >> 16) & 0xFF) + 1;
		if (gsi < io->gsi_base || gsi >= io->gsi_base + entries)
			continue;
		unsigned pin = gsi - io->gsi_base;
		unsigned vector = VECTOR_IOAPIC_BASE + irq;
		ioapic_write(base, IOAPIC_REDIRECT(pin) + 1, lapic_id() << 24);
		ioapic_write(base, IOAPIC_REDIRECT(pin), vector | flags);
		return vector;
	}
	panic("no I/O APIC handles GSI %u (legacy IRQ %u)", gsi, irq);
}

static void apic_end_of_interrupt(unsigned vector)
{
	(void)vector;
	lapic_write(LAPIC_EOI, 0);
}

/* The APIC's own spurious vector, and anything from the masked 8259s. */
static bool apic_is_spurious(unsigned vector)
{
	return vector == VECTOR_SPURIOUS ||
	       (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + IRQ_LEGACY_COUNT);
}

const struct irq_controller apic_controller = {
	.name = "local APIC + I/O APIC",
	.enable_legacy = apic_enable_legacy,
	.end_of_interrupt = apic_end_of_interrupt,
	.is_spurious = apic_is_spurious,
};

void lapic_timer_start(uint32_t initial, bool periodic)
{
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, VECTOR_APIC_TIMER | (periodic ? LVT_PERIODIC : LVT_MASKED));
	lapic_write(LAPIC_TIMER_INITIAL, initial);
}

void lapic_send_self_ipi(unsigned vector)
{
	lapic_write(LAPIC_ICR_LOW, ICR_SHORT_SELF | ICR_ASSERT | vector); /* fixed delivery */
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
}

static void mask_all_pins(void)
{
	for (unsigned i = 0; i < madt->ioapic_count; i++) {
		volatile uint32_t *base = phys_to_virt(madt->ioapics[i].address);
		uint32_t entries = ((ioapic_read(base, IOAPIC_VERSION) >> 16) & 0xFF) + 1;
		for (uint32_t pin = 0; pin < entries; pin++)
			ioapic_write(base, IOAPIC_REDIRECT(pin), REDIRECT_MASKED);
	}
}

void apic_disable(void)
{
	if (!lapic)
		return;
	lapic_timer_stop();
	mask_all_pins();
	lapic_write(LAPIC_SVR, VECTOR_SPURIOUS); /* enable bit clear */
}

/* Why the APICs cannot be driven through their registers in memory, or NULL. The
 * CPU's IA32_APIC_BASE, not the MADT, says where its local APIC is and in which
 * mode; firmware may leave x2APIC on, where only MSRs reach it (SDM vol. 3A,
 * 11.12.1). Addresses from firmware are checked before use. */
VISIBLE_IF_KTEST const char *apic_unusable(const struct acpi_info *acpi, uint64_t apic_base_msr)
{
	if (!acpi || !acpi->have_madt || acpi->ioapic_count == 0)
		return "no I/O APIC in the MADT";
	if (!(apic_base_msr & APIC_BASE_ENABLED))
		return "the local APIC is disabled (IA32_APIC_BASE)";
	if (apic_base_msr & APIC_BASE_X2APIC)
		return "the firmware left the local APIC in x2APIC mode, which Keel does not drive";
	if (!paging_direct_mapped(apic_base_msr & APIC_BASE_ADDRESS))
		return "the local APIC's address (IA32_APIC_BASE) is not mapped";
	for (unsigned i = 0; i < acpi->ioapic_count; i++)
		if (acpi->ioapics[i].address == 0) /* 32 bits: below 4 GiB, always mapped */
			return "an I/O APIC address in the MADT is 0";
	return 0;
}

uint64_t lapic_address(void)
{
	return lapic_phys;
}

const char *apic_init(const struct acpi_info *acpi)
{
	if (!(cpuid(1, 0).edx & (1u << 9))) /* CPUID.01h:EDX.APIC */
		return "the CPU has no local APIC";
	uint64_t apic_base = rdmsr(IA32_APIC_BASE);
	const char *why = apic_unusable(acpi, apic_base);
	if (why)
		return why;
	madt = acpi;
	lapic_phys = apic_base & APIC_BASE_ADDRESS;
	lapic = phys_to_virt(lapic_phys);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	mask_all_pins(); /* until a driver asks for its pin */
	irq_set_controller(&apic_controller);
	return 0;
}
