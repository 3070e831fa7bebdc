/* /proc: Linux's process file system, in Linux's formats where programs parse them
 * (busybox's ps, top, free; glibc's /proc/self/exe). Nothing is stored: a lookup
 * makes an inode for the name (procfs.c), a read makes the file's text then
 * (procfs_pid.c for /proc/PID/..., procfs_system.c and procfs_cpuinfo.c for the
 * machine's files, into a procfs_text.c buffer). It sits in proc/ because it reads
 * the process table; fs/ calls it only through the struct inode_ops it registers. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mounts /proc at boot, after the file system and the process table are up. */
void procfs_init(void);

/* ---- internal to the procfs*.c files -------------------------------------------- */

/* A text being made: it grows as it is written, and stays NUL-terminated. */
struct proc_text {
	char *buf;
	size_t len, room;
	bool failed; /* memory ran out: the text is cut short */
};

void text_printf(struct proc_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_put(struct proc_text *t, const void *bytes, size_t n);

/* Each shows a file's text, or a link's target, into `t` for process `pid` and
 * descriptor `fd` (where the name has them): 0, or -ESRCH (-ENOENT for a link) when
 * the process or descriptor is gone. A link's runs at lookup, with fs_lock held. */
typedef int (*proc_show)(struct proc_text *t, int pid, int fd);

/* The machine's (procfs_system.c, procfs_cpuinfo.c). */
int proc_show_meminfo(struct proc_text *t, int pid, int fd);
int proc_show_uptime(struct proc_text *t, int pid, int fd);
int proc_show_loadavg(struct proc_text *t, int pid, int fd);
int proc_show_stat(struct proc_text *t, int pid, int fd);
int proc_show_mounts(struct proc_text *t, int pid, int fd);
int proc_show_cpuinfo(struct proc_text *t, int pid, int fd);

/* A process's (procfs_pid.c). */
int proc_show_self(struct proc_text *t, int pid, int fd);
int proc_show_pid_stat(struct proc_text *t, int pid, int fd);
int proc_show_pid_statm(struct proc_text *t, int pid, int fd);
int proc_show_pid_status(struct proc_text *t, int pid, int fd);
int proc_show_pid_cmdline(struct proc_text *t, int pid, int fd);
int proc_show_pid_comm(struct proc_text *t, int pid, int fd);
int proc_show_pid_exe(struct proc_text *t, int pid, int fd);
int proc_show_pid_fd(struct proc_text *t, int pid, int fd);

/* Whether process `pid` is in the table (a zombie too). */
bool proc_pid_exists(int pid);
/* Whether `pid` has descriptor `fd` open. */
bool proc_fd_open(int pid, int fd);
/* Sets a bit in `pids` (PID_MAX bits) for each process in the table. */
void proc_pids(uint64_t *pids);
/* Sets a bit in `fds` (FD_MAX bits) for each descriptor `pid` has open; false if the
 * process is gone. */
bool proc_fds(int pid, uint64_t *fds);
