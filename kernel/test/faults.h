/* Scenarios that must end in a panic or a CPU exception; each boots on its own
 * (tests/test_kernel.py picks one through fw_cfg) and the report is checked. */
#pragma once

/* Runs the named scenario; returns only if there is no such scenario. */
void fault_run(const char *name);
