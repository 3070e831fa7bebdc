/* Test kernel only: scenarios for the scheduler and the console, each on a boot of
 * its own. */
#pragma once

#include <stdbool.h>

/* Runs the named scenario (they end in a panic or a halt, or run the shell); false
 * if there is no such scenario. */
bool sched_scenario_run(const char *name);
