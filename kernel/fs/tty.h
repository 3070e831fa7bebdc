/* The console terminal, /dev/console and /dev/tty: input from the keyboard and COM1
 * through a line discipline (Linux's termios: canonical editing, echo, signals from
 * ^C, ^\ and ^Z), output to every console sink. */
#pragma once

#include "vfs.h"

extern const struct file_ops tty_ops;

/* Who gets the terminal's signals: set once by the process layer. The function is
 * called from interrupt handlers: it may only take spinlocks and wake tasks. */
void tty_set_signal_sender(void (*send_to_group)(int pgrp, int sig));

/* Job control's say before a read (proc/jobctl.c): 0, or what the read returns
 * (-ERESTARTSYS once SIGTTIN is sent to a background group, or -EIO). */
void tty_set_background_check(int (*check)(int fg_pgrp));

/* User space takes the console's input (the kernel shell gives it up), and gives
 * it back. While attached, every key and serial byte goes through the terminal. */
void tty_attach(int foreground_pgrp);
void tty_detach(void);

/* The process group ^C and its like signal (TIOCSPGRP does the same). */
void tty_set_foreground(int pgrp);
