/* CPUID leaves 0 and 0x80000002-4: Intel SDM vol. 2A, "CPUID". */
#include "cpu.h"

#include <stdint.h>

#include "../lib/string.h"
#include "x86.h"

#define CPUID_VENDOR	  0x0
#define CPUID_EXT_MAX	  0x80000000
#define CPUID_BRAND_FIRST 0x80000002
#define CPUID_BRAND_LAST  0x80000004

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
