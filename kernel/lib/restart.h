/* Linux's kernel-internal restart codes (include/linux/errno.h; never seen by user
 * space). A sleeping system call that a signal interrupts returns one; on the way
 * back to ring 3, signal delivery (proc/signal.c) turns it into a restart of the
 * call or into EINTR, as the signal's handler and SA_RESTART say. */
#pragma once

#define ERESTARTSYS    512 /* restarted unless a handler without SA_RESTART ran */
#define ERESTARTNOHAND 514 /* restarted unless a handler ran (pause, sigsuspend) */
