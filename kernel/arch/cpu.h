/* What the CPU tells about itself through CPUID. */
#pragma once

/* Fills buf (at least 13 bytes) with the vendor string, e.g. "GenuineIntel". */
void cpu_vendor(char *buf);

/* Fills buf (at least 49 bytes) with the brand string, or "" when there is none. */
void cpu_brand(char *buf);

/* Bits of a physical address (MAXPHYADDR): CPUID 0x80000008 EAX[7:0], or 36 where
 * that leaf is missing (Intel SDM vol. 3A, 4.1.4). */
unsigned cpu_physical_address_bits(void);

/* Vendor, family/model/stepping, brand and the features that matter to a kernel. */
void cpu_print_info(void);
