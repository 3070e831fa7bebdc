/* KTESTs for format.c (test kernel only). */
#include "format.h"

#include "../test/ktest.h"
#include "string.h"

KTEST(format_pads_and_aligns)
{
	char b[64];
	ksnprintf(b, sizeof b, "[%5d|%-5d|%05d|%x|%#X|%.2s|%c|%%]", 42, 42, -42, 255u, 255u, "abc",
		  'k');
	KEXPECT_STR(b, "[   42|42   |-0042|ff|0XFF|ab|k|%]");
}

KTEST(format_handles_64_bit_extremes)
{
	char b[64];
	ksnprintf(b, sizeof b, "%lld %llu %zx", (long long)INT64_MIN,
		  (unsigned long long)UINT64_MAX, (size_t)0xABC);
	KEXPECT_STR(b, "-9223372036854775808 18446744073709551615 abc");
}

KTEST(format_truncates_and_counts)
{
	char b[4];
	KEXPECT_EQ(ksnprintf(b, sizeof b, "%s", "keel"), 4);
	KEXPECT_STR(b, "kee");
}
