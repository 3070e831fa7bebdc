/* What the CPU tells about itself through CPUID. */
#pragma once

/* Fills buf (at least 13 bytes) with the vendor string, e.g. "GenuineIntel". */
void cpu_vendor(char *buf);

/* Fills buf (at least 49 bytes) with the brand string, or "" when there is none. */
void cpu_brand(char *buf);

/* Vendor, family/model/stepping, brand and the features that matter to a kernel. */
void cpu_print_info(void);
