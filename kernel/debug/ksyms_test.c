/* KTESTs for ksyms.c (test kernel only). */
#include "ksyms.h"

#include "../test/ktest.h"

KTEST(ksyms_name_a_function_and_an_offset_into_it)
{
	uintptr_t offset = 99;
	const char *name = ksym_lookup((uintptr_t)ksym_format + 3, &offset);
	KEXPECT(name != NULL);
	KEXPECT_STR(name, "ksym_format");
	KEXPECT_EQ(offset, 3);
	KEXPECT(ksym_lookup(0x1000, &offset) == NULL);
}
