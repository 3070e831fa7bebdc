/* The shell's commands. */
#pragma once

#include "../bootinfo.h"

/* What the commands need to know about the machine. */
void commands_init(const struct boot_info *bi);

/* Runs one command line; prints a one-line error for an unknown command. */
void commands_run(char *line);
