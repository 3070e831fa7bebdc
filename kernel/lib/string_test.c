/* KTESTs for string.c (test kernel only). */
#include "string.h"

#include "../test/ktest.h"

KTEST(memmove_handles_overlap_both_ways)
{
	char up[] = "abcdef", down[] = "abcdef";
	memmove(up + 2, up, 4);
	memmove(down, down + 2, 4);
	KEXPECT(memcmp(up, "ababcd", 6) == 0);
	KEXPECT(memcmp(down, "cdefef", 6) == 0);
}
