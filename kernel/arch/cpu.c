/* CPUID leaves 0 and 0x80000002-4: Intel SDM vol. 2A, "CPUID". */
#include "cpu.h"

#include <stdint.h>

#include "../console.h"
#include "../lib/string.h"
#include "x86.h"

#define CPUID_VENDOR	    0x0
#define CPUID_EXT_MAX	    0x80000000
#define CPUID_BRAND_FIRST   0x80000002
#define CPUID_BRAND_LAST    0x80000004
#define CPUID_ADDRESS_SIZES 0x80000008
#define MAXPHYADDR_DEFAULT  36

void cpu_vendor(char *buf)
{
	struct cpuid_regs r = cpuid(CPUID_VENDOR, 0);
	memcpy(buf + 0, &r.ebx, 4);
	memcpy(buf + 4, &r.edx, 4);
	memcpy(buf + 8, &r.ecx, 4);
	buf[12] = '\0';
}

void cpu_brand(char *buf)
{
	buf[0] = '\0';
	if (cpuid(CPUID_EXT_MAX, 0).eax < CPUID_BRAND_LAST)
		return;
	for (uint32_t leaf = CPUID_BRAND_FIRST; leaf <= CPUID_BRAND_LAST; leaf++) {
		struct cpuid_regs r = cpuid(leaf, 0);
		memcpy(buf, &r, sizeof r);
		buf += sizeof r;
	}
	*buf = '\0';
}

unsigned cpu_physical_address_bits(void)
{
	if (cpuid(CPUID_EXT_MAX, 0).eax < CPUID_ADDRESS_SIZES)
		return MAXPHYADDR_DEFAULT;
	unsigned bits = cpuid(CPUID_ADDRESS_SIZES, 0).eax & 0xFF;
	return bits ? bits : MAXPHYADDR_DEFAULT;
}

/* CPUID feature bits: Intel SDM vol. 2A, tables 3-8 to 3-11 (leaf 1), 3-8 (leaf 7),
 * and leaf 0x80000001. The ones a kernel cares about. */
struct feature {
	uint32_t leaf;
	char reg; /* 'c' or 'd' (or 'b' for leaf 7) */
	uint8_t bit;
	const char *name;
};

static const struct feature features[] = {
	{1, 'd', 0, "fpu"},
	{1, 'd', 4, "tsc"},
	{1, 'd', 5, "msr"},
	{1, 'd', 6, "pae"},
	{1, 'd', 9, "apic"},
	{1, 'd', 13, "pge"},
	{1, 'd', 25, "sse"},
	{1, 'd', 26, "sse2"},
	{1, 'c', 0, "sse3"},
	{1, 'c', 9, "ssse3"},
	{1, 'c', 19, "sse4.1"},
	{1, 'c', 20, "sse4.2"},
	{1, 'c', 21, "x2apic"},
	{1, 'c', 24, "tsc-deadline"},
	{1, 'c', 26, "xsave"},
	{1, 'c', 28, "avx"},
	{1, 'c', 30, "rdrand"},
	{1, 'c', 31, "hypervisor"},
	{7, 'b', 0, "fsgsbase"},
	{7, 'b', 7, "smep"},
	{7, 'b', 20, "smap"},
	{7, 'c', 2, "umip"},
	{0x80000001, 'd', 11, "syscall"},
	{0x80000001, 'd', 20, "nx"},
	{0x80000001, 'd', 26, "1g-pages"},
	{0x80000001, 'd', 27, "rdtscp"},
	{0x80000001, 'd', 29, "long-mode"},
};

void cpu_print_info(void)
{
	char vendor[13], brand[49];
	cpu_vendor(vendor);
	cpu_brand(brand);
	struct cpuid_regs id = cpuid(1, 0);
	uint32_t family = (id.eax >> 8) & 0xF, model = (id.eax >> 4) & 0xF;
	if (family == 0xF)
		family += (id.eax >> 20) & 0xFF;
	if (family == 0x6 || family >= 0xF)
		model |= ((id.eax >> 16) & 0xF) << 4;
	kprintf("vendor %s, family %#x, model %#x, stepping %u\n", vendor, family, model,
		id.eax & 0xF);
	if (brand[0])
		kprintf("%s\n", brand);

	uint32_t max_basic = cpuid(0, 0).eax, max_ext = cpuid(0x80000000, 0).eax;
	kprintf("features:");
	for (unsigned i = 0; i < sizeof features / sizeof features[0]; i++) {
		const struct feature *f = &features[i];
		if ((f->leaf < 0x80000000 && f->leaf > max_basic) ||
		    (f->leaf >= 0x80000000 && f->leaf > max_ext))
			continue;
		struct cpuid_regs r = cpuid(f->leaf, 0);
		uint32_t reg = f->reg == 'b' ? r.ebx : f->reg == 'c' ? r.ecx : r.edx;
		if (reg & (1u << f->bit))
			kprintf(" %s", f->name);
	}
	kprintf("\n");
}
