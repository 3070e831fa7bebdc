/* SMEP and SMAP: Intel SDM vol. 3A, 4.6 (CR4.SMEP bit 20, CR4.SMAP bit 21; CPUID
 * leaf 7, subleaf 0, EBX bits 7 and 20); STAC/CLAC set and clear RFLAGS.AC. */
#include "usercopy.h"

#include "x86.h"

#define CPUID_EXTENDED_FEATURES 7
#define CPUID_EBX_SMEP		(1u << 7)
#define CPUID_EBX_SMAP		(1u << 20)
#define CR4_SMEP		(1ull << 20)
#define CR4_SMAP		(1ull << 21)

/* arch/user_copy.asm */
uint64_t user_copy_bytes(void *dst, const void *src, uint64_t n);
int64_t user_copy_string(char *dst, const char *src, uint64_t max);

static bool smep, smap;
/* Read by arch/isr.asm, which clears RFLAGS.AC on every entry when SMAP is on. */
uint8_t user_access_smap_on;

void user_access_init(void)
{
	if (cpuid(0, 0).eax < CPUID_EXTENDED_FEATURES)
		return;
	uint32_t ebx = cpuid(CPUID_EXTENDED_FEATURES, 0).ebx;
	smep = ebx & CPUID_EBX_SMEP;
	smap = ebx & CPUID_EBX_SMAP;
	write_cr4(read_cr4() | (smep ? CR4_SMEP : 0) | (smap ? CR4_SMAP : 0));
	user_access_smap_on = smap;
}

bool user_access_smap(void)
{
	return smap;
}

bool user_access_smep(void)
{
	return smep;
}

bool user_range_ok(uintptr_t addr, size_t size)
{
	return addr <= USER_END && size <= USER_END - addr;
}

/* STAC and CLAC exist only with SMAP (#UD without it). */
static void open_user(void)
{
	if (smap)
		stac();
}

static void close_user(void)
{
	if (smap)
		clac();
}

size_t copy_from_user_partial(void *dst, uintptr_t src, size_t size)
{
	if (!user_range_ok(src, size))
		return 0;
	open_user();
	uint64_t left = user_copy_bytes(dst, (const void *)src, size);
	close_user();
	return size - left;
}

size_t copy_to_user_partial(uintptr_t dst, const void *src, size_t size)
{
	if (!user_range_ok(dst, size))
		return 0;
	open_user();
	uint64_t left = user_copy_bytes((void *)dst, src, size);
	close_user();
	return size - left;
}

bool copy_from_user(void *dst, uintptr_t src, size_t size)
{
	return copy_from_user_partial(dst, src, size) == size;
}

bool copy_to_user(uintptr_t dst, const void *src, size_t size)
{
	return copy_to_user_partial(dst, src, size) == size;
}

long strncpy_from_user(char *dst, uintptr_t src, size_t max)
{
	if (max == 0 || src >= USER_END)
		return -1;
	if (max > USER_END - src)
		max = USER_END - src; /* the string must end in user space */
	open_user();
	int64_t n = user_copy_string(dst, (const char *)src, max);
	close_user();
	if (n < 0 || (uint64_t)n >= max)
		return -1;
	return n;
}
