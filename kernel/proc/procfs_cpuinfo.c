/* /proc/cpuinfo, from CPUID (Intel SDM vol. 2A, "CPUID"), in the layout of Linux's
 * arch/x86/kernel/cpu/proc.c, one block per CPU (one today). The flags are the CPUID
 * bits Linux names, with its names (arch/x86/include/asm/cpufeatures.h); the flags
 * Linux makes up itself (constant_tsc, rep_good, ...) are not there. */
#include "../arch/clock.h"
#include "../arch/cpu.h"
#include "../arch/x86.h"
#include "procfs.h"

struct cpu_flag {
	uint32_t leaf;
	char reg; /* 'b', 'c' or 'd' */
	uint8_t bit;
	const char *name;
};

/* In Linux's order: by its words (1 EDX, 0x80000001 EDX, 1 ECX, 0x80000001 ECX, 7
 * EBX, 7 ECX, 7 EDX), then by bit. */
static const struct cpu_flag cpu_flags[] = {
	{1, 'd', 0, "fpu"},
	{1, 'd', 1, "vme"},
	{1, 'd', 2, "de"},
	{1, 'd', 3, "pse"},
	{1, 'd', 4, "tsc"},
	{1, 'd', 5, "msr"},
	{1, 'd', 6, "pae"},
	{1, 'd', 7, "mce"},
	{1, 'd', 8, "cx8"},
	{1, 'd', 9, "apic"},
	{1, 'd', 11, "sep"},
	{1, 'd', 12, "mtrr"},
	{1, 'd', 13, "pge"},
	{1, 'd', 14, "mca"},
	{1, 'd', 15, "cmov"},
	{1, 'd', 16, "pat"},
	{1, 'd', 17, "pse36"},
	{1, 'd', 19, "clflush"},
	{1, 'd', 21, "dts"},
	{1, 'd', 22, "acpi"},
	{1, 'd', 23, "mmx"},
	{1, 'd', 24, "fxsr"},
	{1, 'd', 25, "sse"},
	{1, 'd', 26, "sse2"},
	{1, 'd', 27, "ss"},
	{1, 'd', 28, "ht"},
	{1, 'd', 29, "tm"},
	{1, 'd', 31, "pbe"},
	{0x80000001, 'd', 11, "syscall"},
	{0x80000001, 'd', 20, "nx"},
	{0x80000001, 'd', 22, "mmxext"},
	{0x80000001, 'd', 25, "fxsr_opt"},
	{0x80000001, 'd', 26, "pdpe1gb"},
	{0x80000001, 'd', 27, "rdtscp"},
	{0x80000001, 'd', 29, "lm"},
	{0x80000001, 'd', 30, "3dnowext"},
	{0x80000001, 'd', 31, "3dnow"},
	{1, 'c', 0, "pni"},
	{1, 'c', 1, "pclmulqdq"},
	{1, 'c', 2, "dtes64"},
	{1, 'c', 3, "monitor"},
	{1, 'c', 4, "ds_cpl"},
	{1, 'c', 5, "vmx"},
	{1, 'c', 6, "smx"},
	{1, 'c', 7, "est"},
	{1, 'c', 8, "tm2"},
	{1, 'c', 9, "ssse3"},
	{1, 'c', 10, "cid"},
	{1, 'c', 11, "sdbg"},
	{1, 'c', 12, "fma"},
	{1, 'c', 13, "cx16"},
	{1, 'c', 14, "xtpr"},
	{1, 'c', 15, "pdcm"},
	{1, 'c', 17, "pcid"},
	{1, 'c', 18, "dca"},
	{1, 'c', 19, "sse4_1"},
	{1, 'c', 20, "sse4_2"},
	{1, 'c', 21, "x2apic"},
	{1, 'c', 22, "movbe"},
	{1, 'c', 23, "popcnt"},
	{1, 'c', 24, "tsc_deadline_timer"},
	{1, 'c', 25, "aes"},
	{1, 'c', 26, "xsave"},
	{1, 'c', 28, "avx"},
	{1, 'c', 29, "f16c"},
	{1, 'c', 30, "rdrand"},
	{1, 'c', 31, "hypervisor"},
	{0x80000001, 'c', 0, "lahf_lm"},
	{0x80000001, 'c', 1, "cmp_legacy"},
	{0x80000001, 'c', 2, "svm"},
	{0x80000001, 'c', 3, "extapic"},
	{0x80000001, 'c', 4, "cr8_legacy"},
	{0x80000001, 'c', 5, "abm"},
	{0x80000001, 'c', 6, "sse4a"},
	{0x80000001, 'c', 7, "misalignsse"},
	{0x80000001, 'c', 8, "3dnowprefetch"},
	{0x80000001, 'c', 9, "osvw"},
	{0x80000001, 'c', 10, "ibs"},
	{0x80000001, 'c', 11, "xop"},
	{0x80000001, 'c', 12, "skinit"},
	{0x80000001, 'c', 13, "wdt"},
	{0x80000001, 'c', 15, "lwp"},
	{0x80000001, 'c', 16, "fma4"},
	{0x80000001, 'c', 17, "tce"},
	{0x80000001, 'c', 21, "tbm"},
	{0x80000001, 'c', 22, "topoext"},
	{7, 'b', 0, "fsgsbase"},
	{7, 'b', 1, "tsc_adjust"},
	{7, 'b', 3, "bmi1"},
	{7, 'b', 4, "hle"},
	{7, 'b', 5, "avx2"},
	{7, 'b', 7, "smep"},
	{7, 'b', 8, "bmi2"},
	{7, 'b', 9, "erms"},
	{7, 'b', 10, "invpcid"},
	{7, 'b', 11, "rtm"},
	{7, 'b', 14, "mpx"},
	{7, 'b', 16, "avx512f"},
	{7, 'b', 17, "avx512dq"},
	{7, 'b', 18, "rdseed"},
	{7, 'b', 19, "adx"},
	{7, 'b', 20, "smap"},
	{7, 'b', 21, "avx512ifma"},
	{7, 'b', 23, "clflushopt"},
	{7, 'b', 24, "clwb"},
	{7, 'b', 26, "avx512pf"},
	{7, 'b', 27, "avx512er"},
	{7, 'b', 28, "avx512cd"},
	{7, 'b', 29, "sha_ni"},
	{7, 'b', 30, "avx512bw"},
	{7, 'b', 31, "avx512vl"},
	{7, 'c', 1, "avx512vbmi"},
	{7, 'c', 2, "umip"},
	{7, 'c', 3, "pku"},
	{7, 'c', 4, "ospke"},
	{7, 'c', 6, "avx512_vbmi2"},
	{7, 'c', 8, "gfni"},
	{7, 'c', 9, "vaes"},
	{7, 'c', 10, "vpclmulqdq"},
	{7, 'c', 11, "avx512_vnni"},
	{7, 'c', 12, "avx512_bitalg"},
	{7, 'c', 14, "avx512_vpopcntdq"},
	{7, 'c', 16, "la57"},
	{7, 'c', 22, "rdpid"},
	{7, 'd', 4, "fsrm"},
	{7, 'd', 10, "md_clear"},
	{7, 'd', 14, "serialize"},
	{7, 'd', 29, "arch_capabilities"},
};

static bool leaf_exists(uint32_t leaf)
{
	uint32_t max = cpuid(leaf & 0x80000000, 0).eax; /* leaf 0 or 0x80000000 */
	return leaf <= max;
}

static void put_flags(struct proc_text *t)
{
	text_printf(t, "flags\t\t:");
	for (unsigned i = 0; i < sizeof cpu_flags / sizeof cpu_flags[0]; i++) {
		const struct cpu_flag *f = &cpu_flags[i];
		if (!leaf_exists(f->leaf))
			continue;
		struct cpuid_regs r = cpuid(f->leaf, 0);
		uint32_t reg = f->reg == 'b' ? r.ebx : f->reg == 'c' ? r.ecx : r.edx;
		if (reg & (1u << f->bit))
			text_printf(t, " %s", f->name);
	}
	text_printf(t, "\n");
}

/* Family and model as Linux computes them (x86_family, x86_model). */
static void put_identity(struct proc_text *t)
{
	char vendor[13], brand[49];
	cpu_vendor(vendor);
	cpu_brand(brand);
	const char *name = brand;
	while (*name == ' ')
		name++;
	uint32_t signature = cpuid(1, 0).eax;
	uint32_t family = (signature >> 8) & 0xF, model = (signature >> 4) & 0xF;
	if (family == 0xF)
		family += (signature >> 20) & 0xFF;
	if (family >= 0x6)
		model += ((signature >> 16) & 0xF) << 4;
	text_printf(t,
		    "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
		    "model name\t: %s\nstepping\t: %u\n",
		    vendor, family, model, *name ? name : "unknown", signature & 0xF);
}

int proc_show_cpuinfo(struct proc_text *t, int pid, int fd)
{
	(void)pid, (void)fd;
	put_identity(t);
	uint64_t khz = clock_tsc_hz() / 1000;
	text_printf(t, "cpu MHz\t\t: %lu.%03lu\n", khz / 1000, khz % 1000);
	if (leaf_exists(0x80000006))
		text_printf(t, "cache size\t: %u KB\n", cpuid(0x80000006, 0).ecx >> 16);
	uint32_t ebx = cpuid(1, 0).ebx, apic_id = ebx >> 24, clflush = ((ebx >> 8) & 0xFF) * 8;
	text_printf(t,
		    "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
		    "apicid\t\t: %u\ninitial apicid\t: %u\nfpu\t\t: yes\nfpu_exception\t: yes\n"
		    "cpuid level\t: %u\nwp\t\t: yes\n",
		    apic_id, apic_id, cpuid(0, 0).eax);
	put_flags(t);
	/* BogoMIPS: Linux's is twice the TSC's MHz when it calibrates from the TSC. */
	uint64_t bogo = 2 * khz / 10;
	text_printf(t,
		    "bugs\t\t:\nbogomips\t: %lu.%02lu\nclflush size\t: %u\ncache_alignment\t: %u\n",
		    bogo / 100, bogo % 100, clflush, clflush);
	if (leaf_exists(0x80000008)) {
		uint32_t sizes = cpuid(0x80000008, 0).eax;
		text_printf(t, "address sizes\t: %u bits physical, %u bits virtual\n", sizes & 0xFF,
			    (sizes >> 8) & 0xFF);
	}
	text_printf(t, "power management:\n\n");
	return 0;
}
