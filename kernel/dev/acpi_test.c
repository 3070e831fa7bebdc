/* KTESTs for acpi.c (test kernel only), under QEMU's pc machine (SeaBIOS's tables;
 * the host tests check the same tables, dumped, in tests/host/acpi_tables/qemu-pc.bin). */
#include "acpi.h"

#include "../mm/paging.h"
#include "../test/ktest.h"

static struct acpi_info ktest_info;
static char ktest_error[160];

KTEST(acpi_finds_qemu_apics_and_irq0_override)
{
	if (!acpi_init(phys_to_virt, &ktest_info, ktest_error, sizeof ktest_error)) {
		ktest_fail(__FILE__, __LINE__, "acpi_init failed: %s", ktest_error);
		return;
	}
	KEXPECT(ktest_info.cpu_count >= 1);
	KEXPECT(ktest_info.ioapic_count >= 1);
	KEXPECT_EQ(ktest_info.ioapics[0].address, 0xFEC00000);
	KEXPECT_EQ(ktest_info.ioapics[0].gsi_base, 0);
	struct acpi_irq_route timer = acpi_isa_irq_route(&ktest_info, 0);
	KEXPECT_EQ(timer.gsi, 2);
	KEXPECT(!timer.active_low && !timer.level_triggered);
}

KTEST(acpi_finds_qemu_pm1_control_and_s5)
{
	if (!acpi_init(phys_to_virt, &ktest_info, ktest_error, sizeof ktest_error)) {
		ktest_fail(__FILE__, __LINE__, "acpi_init failed: %s", ktest_error);
		return;
	}
	KEXPECT(ktest_info.have_fadt);
	KEXPECT(ktest_info.pm1a_control != 0);
	KEXPECT(ktest_info.have_s5);
	KEXPECT(ktest_info.s5_slp_typa <= 7);
	KEXPECT_EQ(ktest_error[0], '\0'); /* nothing skipped, nothing missing */
}
