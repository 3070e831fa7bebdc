/* Rebooting and powering off: ACPI where the firmware describes how, then the
 * classic fallbacks. Neither returns. */
#pragma once

#include "acpi.h"

/* Remembers what ACPI said (may be NULL: no ACPI). */
void power_init(const struct acpi_info *acpi);

__attribute__((noreturn)) void power_reboot(void);
__attribute__((noreturn)) void power_off(void);
