/* ACPI sleep state S5 through PM1x_CNT (SLP_TYP in bits 10-12, SLP_EN bit 13) and the
 * FADT reset register: ACPI 6.4, 4.8.3.2.1 and 4.8.3.6. Fallbacks: the PCI reset
 * control register 0xCF9 (Intel PIIX/ICH data sheets; QEMU and Bochs have it), the
 * i8042's reset line, then a triple fault; for power-off, Bochs' shutdown port, then
 * a halt. */
#include "power.h"

#include "../arch/x86.h"
#include "../console.h"
#include "../panic.h"
#include "apic.h"
#include "i8042.h"

#define SLP_TYP_SHIFT	    10
#define SLP_TYP_MASK	    (7u << 10)
#define SLP_EN		    (1u << 13)
#define SCI_EN		    (1u << 0)
#define ACPI_MODE_WAIT	    1000000
#define BOCHS_SHUTDOWN_PORT 0x8900
#define PCI_RESET_CONTROL   0xCF9 /* PIIX/ICH: bit 1 hard reset, bit 2 do it */
#define PCI_HARD_RESET	    0x06

static const struct acpi_info *acpi;

void power_init(const struct acpi_info *info)
{
	acpi = info;
}

static void wait_a_little(void)
{
	for (volatile int i = 0; i < 1000000; i++)
		;
}

/* Some chipsets ignore SLP_EN until the OS has taken the machine into ACPI mode
 * (FADT SMI_CMD / ACPI_ENABLE; ACPI 6.4, 4.8.2.1). */
static void enter_acpi_mode(void)
{
	uint16_t pm1a = (uint16_t)acpi->pm1a_control;
	if ((inw(pm1a) & SCI_EN) || !acpi->smi_command || !acpi->acpi_enable)
		return;
	outb((uint16_t)acpi->smi_command, acpi->acpi_enable);
	for (int i = 0; i < ACPI_MODE_WAIT && !(inw(pm1a) & SCI_EN); i++)
		cpu_relax();
}

/* SLP_TYP and SLP_EN, keeping the register's other bits (SCI_EN among them). */
static void sleep_s5(uint16_t port, uint8_t slp_typ)
{
	uint16_t value = (uint16_t)(inw(port) & ~SLP_TYP_MASK);
	outw(port, (uint16_t)(value | (uint16_t)(slp_typ << SLP_TYP_SHIFT) | SLP_EN));
}

void power_reboot(void)
{
	kprintf("rebooting\n");
	cpu_disable_interrupts();
	console_go_synchronous(); /* what COM1 has not sent yet goes out first */
	apic_disable();
	if (acpi && acpi->have_reset && acpi->reset_register.space == ACPI_SPACE_IO) {
		outb((uint16_t)acpi->reset_register.address, acpi->reset_value);
		wait_a_little();
	}
	outb(PCI_RESET_CONTROL, PCI_HARD_RESET); /* a full reset, devices too */
	wait_a_little();
	i8042_reset_cpu(); /* resets only the CPU: some BIOSes then stumble */
	wait_a_little();
	/* Last resort: an empty IDT turns the next exception into a triple fault. */
	struct descriptor_table_pointer none = {0, 0};
	lidt(&none);
	cpu_breakpoint();
	halt_forever();
}

void power_off(void)
{
	kprintf("powering off\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	if (acpi && acpi->have_s5 && acpi->pm1a_control) {
		enter_acpi_mode();
		sleep_s5((uint16_t)acpi->pm1a_control, acpi->s5_slp_typa);
		if (acpi->pm1b_control)
			sleep_s5((uint16_t)acpi->pm1b_control, acpi->s5_slp_typb);
		wait_a_little();
	}
	for (const char *s = "Shutdown"; *s; s++) /* Bochs without ACPI power-off */
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	kprintf("could not power off: halted. It is now safe to turn off the machine.\n");
	halt_forever();
}
