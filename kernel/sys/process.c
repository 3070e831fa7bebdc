/* Process calls: fork, vfork, clone and clone3 (processes and threads), execve,
 * exit and exit_group, wait4, ids, groups and sessions, limits, the thread pointer. Constants from
 * Linux's UAPI: <linux/sched.h> (clone), <linux/wait.h>, <linux/resource.h>, <linux/prctl.h>,
 * <asm/prctl.h>. */
#include <asm-generic/errno.h>
#include <asm/prctl.h>
#include <linux/prctl.h>
#include <linux/resource.h>
#include <linux/sched.h>

#include "../arch/usercopy.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../proc/exec.h"
#include "../proc/process.h"
#include "../proc/thread.h"
#include "../proc/vm.h"
#include "../sched/sched.h"
#include "../sched/task.h"
#include "sys.h"

long sys_fork(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	const struct fork_options plain = {0};
	return process_fork(&plain);
}

/* vfork: the parent waits until the child has exec'd or ended. The child gets a
 * copy-on-write copy of the memory rather than the parent's own, which a correct
 * vfork child cannot tell apart. */
long sys_vfork(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	const struct fork_options vfork = {.vfork = true};
	return process_fork(&vfork);
}

/* What clone and clone3 may ask. A thread (CLONE_THREAD) shares its process's
 * memory, handlers, files and working directory: Linux insists on the first two, and
 * Keel keeps files and the directory per process, so it wants all four. Shared
 * memory without a thread is vfork's (musl's and glibc's posix_spawn), nothing
 * else. CLONE_DETACHED and CLONE_SYSVSEM change nothing here. */
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_FILES | CLONE_FS)
#define CLONE_KNOWN                                                                      \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	 CLONE_VFORK | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
	 CLONE_SETTLS | CLONE_DETACHED | CLONE_SYSVSEM)

static long clone_with(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
		       uint64_t tls)
{
	if (flags & ~(uint64_t)CLONE_KNOWN)
		return -EINVAL;
	bool thread = flags & CLONE_THREAD;
	if (thread && (flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS)
		return -EINVAL;
	if (!thread && (flags & (CLONE_SIGHAND | CLONE_FILES | CLONE_FS)))
		return -EINVAL; /* shared tables between processes: not in Keel */
	if (!thread && (flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_END)
		return -EPERM;
	const struct fork_options options = {
		.vfork = flags & CLONE_VFORK,
		.stack = stack,
		.set_child_tid = (flags & CLONE_CHILD_SETTID) ? child_tid : 0,
		.clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? child_tid : 0,
		.parent_tid = (flags & CLONE_PARENT_SETTID) ? parent_tid : 0,
		.set_tls = flags & CLONE_SETTLS,
		.tls = tls,
	};
	if (thread)
		return thread_clone(&options);
	long pid = process_fork(&options);
	if (pid > 0 && (flags & CLONE_PARENT_SETTID)) { /* in the parent's memory */
		int tid = (int)pid;
		copy_to_user(parent_tid, &tid, sizeof tid);
	}
	return pid;
}

/* clone(2) on x86-64: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
	       uint64_t tls, uint64_t a6)
{
	(void)a6;
	return clone_with(flags, stack, parent_tid, child_tid, tls);
}

/* clone3(2): the same from a struct clone_args (glibc's first choice for threads);
 * its stack is the lowest address and a size. Newer fields must be 0. */
long sys_clone3(uint64_t uargs, uint64_t size, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct clone_args args = {0};
	if (size < CLONE_ARGS_SIZE_VER0 || size > 4096)
		return -EINVAL;
	if (!copy_from_user(&args, uargs, size < sizeof args ? size : sizeof args))
		return -EFAULT;
	for (uint64_t at = sizeof args; at < size; at++) {
		uint8_t byte;
		if (!copy_from_user(&byte, uargs + at, 1))
			return -EFAULT;
		if (byte)
			return -E2BIG; /* as Linux: a field it does not know, set */
	}
	/* pidfd is read only with CLONE_PIDFD (glibc fills it in regardless). */
	if (args.set_tid || args.set_tid_size || args.cgroup ||
	    args.exit_signal & ~(uint64_t)CSIGNAL || (args.flags & CSIGNAL))
		return -EINVAL;
	if (!args.stack != !args.stack_size)
		return -EINVAL;
	return clone_with(args.flags | args.exit_signal, args.stack + args.stack_size,
			  args.parent_tid, args.child_tid, args.tls);
}

/* Copies a NULL-terminated array of user strings into `a`. */
static long copy_strings(struct exec_args *a, uintptr_t array, bool env, char *buf)
{
	for (uint64_t i = 0; array; i++) {
		uint64_t s;
		if (!copy_from_user(&s, array + i * 8, 8))
			return -EFAULT;
		if (!s)
			return 0;
		long len = strncpy_from_user(buf, s, ARG_STRING_MAX);
		if (len < 0) {
			char probe;
			return copy_from_user(&probe, s + ARG_STRING_MAX - 1, 1) ? -E2BIG : -EFAULT;
		}
		long err = exec_args_add(a, buf, (size_t)len, env);
		if (err)
			return err;
	}
	return 0;
}

long sys_execve(uint64_t path, uint64_t argv, uint64_t envp, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	char *name;
	long err = user_path(path, &name);
	if (err)
		return err;
	struct exec_args args = {0};
	char *buf = kmalloc(ARG_STRING_MAX);
	err = buf ? copy_strings(&args, argv, false, buf) : -ENOMEM;
	if (!err)
		err = copy_strings(&args, envp, true, buf);
	kfree(buf);
	if (!err)
		err = process_exec(name, &args);
	exec_args_free(&args);
	kfree(name);
	return err;
}

/* exit(2): the calling thread ends (the process with its last thread). */
long sys_exit(uint64_t status, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	thread_exit(WAIT_EXITED((int)status));
}

long sys_exit_group(uint64_t status, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	process_exit(WAIT_EXITED((int)status));
}

long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage, uint64_t a5,
	       uint64_t a6)
{
	(void)a5, (void)a6;
	int wait_status = 0;
	long r = process_wait4((int)pid, &wait_status, (int)options);
	if (r > 0 && status && !copy_to_user(status, &wait_status, sizeof wait_status))
		return -EFAULT;
	if (r > 0 && rusage) {
		struct rusage usage = {0}; /* not counted yet */
		if (!copy_to_user(rusage, &usage, sizeof usage))
			return -EFAULT;
	}
	return r;
}

/* ---- ids ------------------------------------------------------------------------ */

long sys_getpid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_current()->pid;
}

long sys_getppid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_getppid();
}

/* getuid, geteuid, getgid, getegid: everyone is root. */
long sys_get_root_id(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return 0;
}

/* getresuid and getresgid: real, effective and saved, all root's (uid_t and gid_t
 * are 32 bits). */
long sys_get_root_ids(uint64_t real, uint64_t effective, uint64_t saved, uint64_t a4, uint64_t a5,
		      uint64_t a6)
{
	(void)a4, (void)a5, (void)a6;
	const uint32_t root = 0;
	const uint64_t ids[] = {real, effective, saved};
	for (int i = 0; i < 3; i++)
		if (!copy_to_user(ids[i], &root, sizeof root))
			return -EFAULT;
	return 0;
}

/* getgroups: no supplementary groups, so nothing is written and 0 returned. */
long sys_getgroups(uint64_t size, uint64_t list, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)list, (void)a3, (void)a4, (void)a5, (void)a6;
	return (int)size < 0 ? -EINVAL : 0;
}

long sys_setpgid(uint64_t pid, uint64_t pgid, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	return process_setpgid((int)pid, (int)pgid);
}

long sys_getpgid(uint64_t pid, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_getpgid((int)pid);
}

long sys_getpgrp(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_getpgid(0);
}

long sys_setsid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_setsid();
}

long sys_getsid(uint64_t pid, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return process_getsid((int)pid);
}

/* ---- the thread pointer and the rest libc asks for at start-up --------------------- */

/* The thread pointer musl and glibc set before main: the FS base, kept per task and
 * loaded on every switch to it. Only user addresses, as Linux (EPERM otherwise): a
 * kernel address there would give the program a way into the kernel's half. */
long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct task *t = current_task();
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_END)
			return -EPERM;
		sched_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS: return copy_to_user(addr, &t->fs_base, sizeof t->fs_base) ? 0 : -EFAULT;
	default: return -EINVAL;
	}
}

/* Kept for when the thread exits (CLONE_CHILD_CLEARTID's futex wake); its id. */
long sys_set_tid_address(uint64_t tidptr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			 uint64_t a6)
{
	(void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	struct thread *t = thread_current();
	t->clear_child_tid = tidptr;
	return t->tid;
}

long sys_gettid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return thread_current()->tid;
}

/* Accepted: the list matters only to threads that die holding a lock. */
long sys_set_robust_list(uint64_t head, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
			 uint64_t a6)
{
	(void)head, (void)a3, (void)a4, (void)a5, (void)a6;
	return len == 24 ? 0 : -EINVAL; /* sizeof(struct robust_list_head) */
}

/* Not there, and libc knows to carry on: no report. */
long sys_enosys_quietly(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			uint64_t a6)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6;
	return -ENOSYS;
}

/* prlimit64, getrlimit and setrlimit. As on Linux, a bad old_limit is EFAULT after
 * the new limit is set. */
long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t new_limit, uint64_t old_limit,
		   uint64_t a5, uint64_t a6)
{
	(void)a5, (void)a6;
	struct rlimit want, had;
	if (new_limit && !copy_from_user(&want, new_limit, sizeof want))
		return -EFAULT;
	if ((int)pid < 0)
		return -ESRCH;
	int err = process_limit((int)pid, (unsigned)resource, new_limit ? &want : 0, &had);
	if (!err && old_limit && !copy_to_user(old_limit, &had, sizeof had))
		return -EFAULT;
	return err;
}

long sys_getrlimit(uint64_t resource, uint64_t limit, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct rlimit r;
	int err = process_limit(0, (unsigned)resource, 0, &r);
	if (err)
		return err;
	return copy_to_user(limit, &r, sizeof r) ? 0 : -EFAULT;
}

long sys_setrlimit(uint64_t resource, uint64_t limit, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct rlimit r;
	if (!copy_from_user(&r, limit, sizeof r))
		return -EFAULT;
	return process_limit(0, (unsigned)resource, &r, 0);
}

long sys_prctl(uint64_t option, uint64_t arg2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a6;
	struct process *p = process_current();
	char name[PROCESS_NAME_MAX];
	switch (option) {
	case PR_SET_NAME: /* the thread's name; the first thread's is the process's */
		if (strncpy_from_user(name, arg2, sizeof name) < 0 &&
		    !copy_from_user(name, arg2, sizeof name - 1))
			return -EFAULT;
		name[sizeof name - 1] = 0;
		if (thread_current()->tid == p->pid)
			strncpy_safe(p->name, name, sizeof p->name);
		task_set_name(current_task(), name);
		return 0;
	case PR_GET_NAME:
		strncpy_safe(name, current_task()->name, sizeof name);
		return copy_to_user(arg2, name, sizeof name) ? 0 : -EFAULT;
	/* No set-user-ID programs here: the bit is kept and read back, as asked. */
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS: return arg2 || a3 || a4 || a5 ? -EINVAL : p->no_new_privs;
	default: return -EINVAL;
	}
}
