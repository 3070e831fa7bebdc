/* Enabling x87/SSE: Intel SDM vol. 3A, 2.5 (CR0.MP/EM/NE, CR4.OSFXSR/OSXMMEXCPT/
 * OSXSAVE) and 13.1; XCR0 and the XSAVE area: SDM vol. 1, 13.2-13.4 (CPUID leaf 0DH
 * gives the supported components and the area's size). */
#include "fpu.h"

#include <stdbool.h>
#include <stdint.h>

#include "../lib/string.h"
#include "x86.h"

#define CPUID_FEATURES	 1
#define CPUID_ECX_XSAVE	 (1u << 26)
#define CPUID_ECX_AVX	 (1u << 28)
#define CPUID_XSAVE_LEAF 0x0D
#define XCR0		 0
#define XCR0_X87	 (1ull << 0)
#define XCR0_SSE	 (1ull << 1)
#define XCR0_AVX	 (1ull << 2) /* needs XCR0_SSE */
#define FXSAVE_AREA_SIZE 512
#define FXSAVE_FCW	 0 /* offsets in the legacy (FXSAVE) region */
#define FXSAVE_MXCSR	 24
#define FCW_INITIAL	 0x037F /* what FNINIT loads: every x87 exception masked */
#define MXCSR_INITIAL	 0x1F80 /* every SSE exception masked, round to nearest */

/* The same on every CPU: set by the first fpu_init. */
static bool use_xsave;
static uint64_t components;
static size_t area_size = FXSAVE_AREA_SIZE;

void fpu_init(void)
{
	uint64_t cr0 = read_cr0();
	write_cr0((cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	struct cpuid_regs id = cpuid(CPUID_FEATURES, 0);
	use_xsave = id.ecx & CPUID_ECX_XSAVE;
	if (use_xsave) {
		write_cr4(cr4 | CR4_OSXSAVE);
		uint64_t supported = cpuid(CPUID_XSAVE_LEAF, 0).eax;
		components = XCR0_X87 | XCR0_SSE;
		if ((id.ecx & CPUID_ECX_AVX) && (supported & XCR0_AVX))
			components |= XCR0_AVX;
		xsetbv(XCR0, components);
		/* EBX: the area's size for the components XCR0 now enables. */
		area_size = cpuid(CPUID_XSAVE_LEAF, 0).ebx;
	} else {
		write_cr4(cr4);
		components = XCR0_X87 | XCR0_SSE;
	}
	fninit();
}

size_t fpu_area_size(void)
{
	return (area_size + FPU_AREA_ALIGN - 1) & ~(size_t)(FPU_AREA_ALIGN - 1);
}

const char *fpu_method(void)
{
	return use_xsave ? "XSAVE" : "FXSAVE";
}

unsigned long long fpu_components(void)
{
	return components;
}

/* All zero but the two control words. In an XSAVE area that is a header with
 * XSTATE_BV = 0: XRSTOR puts each component in its initial state, and takes MXCSR
 * from the legacy region (SDM vol. 1, 13.8.1). */
void fpu_area_init(void *area)
{
	uint8_t *a = area;
	memset(a, 0, fpu_area_size());
	uint16_t fcw = FCW_INITIAL;
	uint32_t mxcsr = MXCSR_INITIAL;
	memcpy(a + FXSAVE_FCW, &fcw, sizeof fcw);
	memcpy(a + FXSAVE_MXCSR, &mxcsr, sizeof mxcsr);
}

void fpu_save(void *area)
{
	if (use_xsave)
		xsave64(area, components);
	else
		fxsave64(area);
}

void fpu_restore(const void *area)
{
	if (use_xsave)
		xrstor64(area, components);
	else
		fxrstor64(area);
}
