/* KTESTs for apic.c (test kernel only). */
#include "apic.h"

#include "../test/ktest.h"

KTEST(apic_is_refused_in_x2apic_mode_and_with_bad_ioapic_addresses)
{
	static struct acpi_info info;
	info.have_madt = true;
	info.ioapic_count = 1;
	info.ioapics[0].address = 0xFEC00000;
	const uint64_t xapic = 0xFEE00000 | APIC_BASE_ENABLED;
	KEXPECT(apic_unusable(&info, xapic) == 0);
	KEXPECT(apic_unusable(&info, xapic | APIC_BASE_X2APIC) != 0);
	KEXPECT(apic_unusable(&info, xapic & ~APIC_BASE_ENABLED) != 0);
	info.ioapics[0].address = 0;
	KEXPECT(apic_unusable(&info, xapic) != 0);
	info.ioapics[0].address = 0xFEC00000;
	KEXPECT(apic_unusable(&info, (1ull << 50) | APIC_BASE_ENABLED) != 0); /* not mapped */
	info.ioapics[0].address = 0xFEC00000;
	info.ioapic_count = 0;
	KEXPECT(apic_unusable(&info, xapic) != 0);
}
