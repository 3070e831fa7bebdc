/* The system-call table: Linux's x86-64 numbers (<asm/unistd.h>), arguments in rdi,
 * rsi, rdx, r10, r8, r9, the result or -errno in rax (errno values from
 * <asm-generic/errno.h>). Each call fetches its user arguments with the user-copy
 * functions (arch/usercopy.h), once, and does its work; an unknown number returns
 * -ENOSYS and is named on the console once per process. */
#include "../arch/syscall.h"

#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "../arch/trap.h"
#include "../console.h"
#include "../proc/process.h"
#include "sys.h"

#include "syscall_names.h" /* generated: build/gen/, by tools/syscall-names */

typedef long (*syscall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			   uint64_t a6);

/* The calls there are, by number. */
static const syscall_fn calls[] = {
	/* files */
	[__NR_read] = sys_read,
	[__NR_write] = sys_write,
	[__NR_readv] = sys_readv,
	[__NR_writev] = sys_writev,
	[__NR_pread64] = sys_pread64,
	[__NR_pwrite64] = sys_pwrite64,
	[__NR_open] = sys_open,
	[__NR_openat] = sys_openat,
	[__NR_creat] = sys_creat,
	[__NR_close] = sys_close,
	[__NR_lseek] = sys_lseek,
	[__NR_dup] = sys_dup,
	[__NR_dup2] = sys_dup2,
	[__NR_dup3] = sys_dup3,
	[__NR_pipe] = sys_pipe,
	[__NR_pipe2] = sys_pipe2,
	[__NR_fcntl] = sys_fcntl,
	[__NR_ioctl] = sys_ioctl,
	[__NR_fstat] = sys_fstat,
	[__NR_getdents64] = sys_getdents64,
	[__NR_ftruncate] = sys_ftruncate,
	[__NR_fallocate] = sys_fallocate,
	[__NR_fsync] = sys_fsync,
	[__NR_fdatasync] = sys_fsync,
	[__NR_sync] = sys_sync,
	[__NR_syncfs] = sys_syncfs,
	[__NR_statfs] = sys_statfs,
	[__NR_fstatfs] = sys_fstatfs,
	[__NR_sendfile] = sys_sendfile,
	/* paths */
	[__NR_stat] = sys_stat,
	[__NR_lstat] = sys_lstat,
	[__NR_newfstatat] = sys_newfstatat,
	[__NR_access] = sys_access,
	[__NR_faccessat] = sys_faccessat,
	[__NR_faccessat2] = sys_faccessat2,
	[__NR_mkdir] = sys_mkdir,
	[__NR_mkdirat] = sys_mkdirat,
	[__NR_mknod] = sys_mknod,
	[__NR_mknodat] = sys_mknodat,
	[__NR_unlink] = sys_unlink,
	[__NR_unlinkat] = sys_unlinkat,
	[__NR_rmdir] = sys_rmdir,
	[__NR_link] = sys_link,
	[__NR_linkat] = sys_linkat,
	[__NR_symlink] = sys_symlink,
	[__NR_symlinkat] = sys_symlinkat,
	[__NR_readlink] = sys_readlink,
	[__NR_readlinkat] = sys_readlinkat,
	[__NR_rename] = sys_rename,
	[__NR_renameat] = sys_renameat,
	[__NR_renameat2] = sys_renameat2,
	[__NR_chdir] = sys_chdir,
	[__NR_fchdir] = sys_fchdir,
	[__NR_getcwd] = sys_getcwd,
	[__NR_umask] = sys_umask,
	[__NR_truncate] = sys_truncate,
	/* attributes */
	[__NR_chmod] = sys_chmod,
	[__NR_fchmod] = sys_fchmod,
	[__NR_fchmodat] = sys_fchmodat,
	[__NR_chown] = sys_chown,
	[__NR_lchown] = sys_lchown,
	[__NR_fchown] = sys_fchown,
	[__NR_fchownat] = sys_fchownat,
	[__NR_utimensat] = sys_utimensat,
	[__NR_futimesat] = sys_futimesat,
	[__NR_utimes] = sys_utimes,
	[__NR_utime] = sys_utime,
	/* memory */
	[__NR_brk] = sys_brk,
	[__NR_mmap] = sys_mmap,
	[__NR_munmap] = sys_munmap,
	[__NR_mprotect] = sys_mprotect,
	[__NR_madvise] = sys_madvise,
	[__NR_mremap] = sys_mremap,
	/* processes */
	[__NR_fork] = sys_fork,
	[__NR_vfork] = sys_vfork,
	[__NR_clone] = sys_clone,
	[__NR_execve] = sys_execve,
	[__NR_clone3] = sys_clone3,
	[__NR_exit] = sys_exit,
	[__NR_exit_group] = sys_exit_group,
	[__NR_wait4] = sys_wait4,
	[__NR_getpid] = sys_getpid,
	[__NR_gettid] = sys_gettid,
	[__NR_getppid] = sys_getppid,
	[__NR_getuid] = sys_get_root_id,
	[__NR_geteuid] = sys_get_root_id,
	[__NR_getgid] = sys_get_root_id,
	[__NR_getegid] = sys_get_root_id,
	[__NR_getresuid] = sys_get_root_ids,
	[__NR_getresgid] = sys_get_root_ids,
	[__NR_getgroups] = sys_getgroups,
	[__NR_setpgid] = sys_setpgid,
	[__NR_getpgid] = sys_getpgid,
	[__NR_getpgrp] = sys_getpgrp,
	[__NR_setsid] = sys_setsid,
	[__NR_getsid] = sys_getsid,
	[__NR_arch_prctl] = sys_arch_prctl,
	[__NR_set_tid_address] = sys_set_tid_address,
	[__NR_set_robust_list] = sys_set_robust_list,
	[__NR_rseq] = sys_enosys_quietly,
	[__NR_prlimit64] = sys_prlimit64,
	[__NR_getrlimit] = sys_getrlimit,
	[__NR_setrlimit] = sys_setrlimit,
	[__NR_prctl] = sys_prctl,
	[__NR_futex] = sys_futex,
	/* signals */
	[__NR_rt_sigaction] = sys_rt_sigaction,
	[__NR_rt_sigprocmask] = sys_rt_sigprocmask,
	[__NR_rt_sigreturn] = sys_rt_sigreturn,
	[__NR_poll] = sys_poll,
	[__NR_alarm] = sys_alarm,
	[__NR_setitimer] = sys_setitimer,
	[__NR_getitimer] = sys_getitimer,
	[__NR_ppoll] = sys_ppoll,
	[__NR_select] = sys_select,
	[__NR_pselect6] = sys_pselect6,
	[__NR_rt_sigsuspend] = sys_rt_sigsuspend,
	[__NR_rt_sigpending] = sys_rt_sigpending,
	[__NR_sigaltstack] = sys_sigaltstack,
	[__NR_pause] = sys_pause,
	[__NR_kill] = sys_kill,
	[__NR_tkill] = sys_tkill,
	[__NR_tgkill] = sys_tgkill,
	/* time and the system */
	[__NR_clock_gettime] = sys_clock_gettime,
	[__NR_clock_getres] = sys_clock_getres,
	[__NR_gettimeofday] = sys_gettimeofday,
	[__NR_clock_settime] = sys_clock_settime,
	[__NR_settimeofday] = sys_settimeofday,
	[__NR_time] = sys_time,
	[__NR_nanosleep] = sys_nanosleep,
	[__NR_clock_nanosleep] = sys_clock_nanosleep,
	[__NR_sched_yield] = sys_sched_yield,
	[__NR_getpriority] = sys_getpriority,
	[__NR_setpriority] = sys_setpriority,
	[__NR_sched_getaffinity] = sys_sched_getaffinity,
	[__NR_sched_setaffinity] = sys_sched_setaffinity,
	[__NR_uname] = sys_uname,
	[__NR_sethostname] = sys_sethostname,
	[__NR_setdomainname] = sys_setdomainname,
	[__NR_sysinfo] = sys_sysinfo,
	[__NR_times] = sys_times,
	[__NR_getrusage] = sys_getrusage,
	[__NR_getrandom] = sys_getrandom,
	[__NR_reboot] = sys_reboot,
	[__NR_syslog] = sys_syslog,
	/* mounts */
	[__NR_mount] = sys_mount,
	[__NR_umount2] = sys_umount2,
};

#define CALLS (sizeof calls / sizeof calls[0])
#define NAMES (sizeof syscall_names / sizeof syscall_names[0])

/* Unknown numbers below 512 reported so far: once per number and boot, as the
 * issue asks (per process, a fuzzer's hundred workers flooded the console). */
static uint64_t reported[512 / 64];

static long unknown(uint64_t nr)
{
	struct process *p = process_current();
	uint64_t bit = 1ull << (nr % 64);
	if (p && nr < 512 &&
	    !(__atomic_fetch_or(&reported[nr / 64], bit, __ATOMIC_RELAXED) & bit)) {
		kprintf("keel: pid %d (%s): system call %lu (%s) is not implemented: ENOSYS\n",
			p->pid, p->name, nr,
			nr < NAMES && syscall_names[nr] ? syscall_names[nr] : "?");
	}
	return -ENOSYS;
}

void syscall_dispatch(struct trap_frame *f)
{
	uint64_t nr = (uint32_t)f->rax; /* as Linux: the number is an int */
	if (nr < CALLS && calls[nr])
		f->rax = (uint64_t)calls[nr](f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	else
		f->rax = (uint64_t)unknown(nr);
	signal_deliver(); /* on the way back to ring 3 */
}
