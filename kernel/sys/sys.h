/* The system calls, one file per family, each taking Linux's arguments as six
 * 64-bit words and returning a value or -errno; and the helpers they share. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct inode;

/* A user path name copied into a new kernel buffer (kfree it): -EFAULT, or
 * -ENAMETOOLONG when there is no NUL within PATH_MAX bytes. */
long user_path(uintptr_t path, char **out);

/* The directory a relative path of an *at call starts from (a reference): the
 * working directory for AT_FDCWD, else dirfd's (-EBADF, -ENOTDIR). */
long at_base(int dirfd, const char *path, struct inode **base);

/* The inode a (dirfd, user path) pair names: a reference. Flags: AT_SYMLINK_NOFOLLOW,
 * and AT_EMPTY_PATH, with which "" names dirfd's own file. */
long lookup_at(uint64_t dirfd, uintptr_t path, unsigned flags, struct inode **out);

/* sys/poll.c, for sys/select.c too. A user timespec (NULL: none) as a deadline on
 * clock_ns (0: none), or no wait at all for a zero one; -EFAULT, -EINVAL. */
long timeout_from_user(uintptr_t tsp, uint64_t *deadline, bool *no_wait);
/* What is left of it written back, as Linux does; returns `result`, but EINTR for
 * -ERESTARTNOHAND when it cannot be written (a restart would wait all over again). */
long timeout_to_user(uintptr_t tsp, uint64_t deadline, bool no_wait, long result);
/* A user sigset_t in force until the call returns (signal_mask_while_waiting);
 * NULL: none. -EINVAL for a size but sizeof(sigset_t), -EFAULT. */
long signal_mask_from_user(uintptr_t sigmask, uint64_t sigsetsize);

/* sys/files.c */
long sys_read(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_write(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_readv(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_pread64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset, uint64_t a5,
		 uint64_t a6);
long sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset, uint64_t a5,
		  uint64_t a6);
long sys_openat(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t mode, uint64_t a5,
		uint64_t a6);
long sys_open(uint64_t path, uint64_t flags, uint64_t mode, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_creat(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_close(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence, uint64_t a4, uint64_t a5,
	       uint64_t a6);
long sys_dup(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_dup2(uint64_t oldfd, uint64_t newfd, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags, uint64_t a4, uint64_t a5,
	      uint64_t a6);
long sys_pipe2(uint64_t fds, uint64_t flags, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_pipe(uint64_t fds, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_ioctl(uint64_t fd, uint64_t request, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fstat(uint64_t fd, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getdents64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a4, uint64_t a5,
		    uint64_t a6);
long sys_ftruncate(uint64_t fd, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_sync(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fallocate(uint64_t fd, uint64_t mode, uint64_t offset, uint64_t len, uint64_t a5,
		   uint64_t a6);
long sys_fsync(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_syncfs(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t offset, uint64_t count, uint64_t a5,
		  uint64_t a6);

/* sys/attributes.c */
long sys_fchmodat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		  uint64_t a6);
long sys_chmod(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fchmod(uint64_t fd, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fchownat(uint64_t dirfd, uint64_t path, uint64_t uid, uint64_t gid, uint64_t flags,
		  uint64_t a6);
long sys_chown(uint64_t path, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_lchown(uint64_t path, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_utimensat(uint64_t dirfd, uint64_t path, uint64_t times, uint64_t flags, uint64_t a5,
		   uint64_t a6);
long sys_futimesat(uint64_t dirfd, uint64_t path, uint64_t times, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_utimes(uint64_t path, uint64_t times, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_utime(uint64_t path, uint64_t times, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/futex.c */
long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t timeout, uint64_t a5,
	       uint64_t a6);

/* sys/memory.c */
long sys_brk(uint64_t addr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_mmap(uint64_t addr, uint64_t length, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t offset);
long sys_munmap(uint64_t addr, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_mprotect(uint64_t addr, uint64_t length, uint64_t prot, uint64_t a4, uint64_t a5,
		  uint64_t a6);
long sys_madvise(uint64_t addr, uint64_t length, uint64_t advice, uint64_t a4, uint64_t a5,
		 uint64_t a6);
long sys_mremap(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/mount.c */
long sys_mount(uint64_t source, uint64_t target, uint64_t type, uint64_t flags, uint64_t data,
	       uint64_t a6);
long sys_umount2(uint64_t target, uint64_t flags, uint64_t a3, uint64_t a4, uint64_t a5,
		 uint64_t a6);

/* sys/paths.c */
long sys_newfstatat(uint64_t dirfd, uint64_t path, uint64_t buf, uint64_t flags, uint64_t a5,
		    uint64_t a6);
long sys_stat(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_lstat(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_faccessat2(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t flags, uint64_t a5,
		    uint64_t a6);
long sys_faccessat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_access(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_mkdirat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t a4, uint64_t a5,
		 uint64_t a6);
long sys_mkdir(uint64_t path, uint64_t mode, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_mknodat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t dev, uint64_t a5,
		 uint64_t a6);
long sys_mknod(uint64_t path, uint64_t mode, uint64_t dev, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_unlinkat(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t a4, uint64_t a5,
		  uint64_t a6);
long sys_unlink(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_rmdir(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_linkat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		uint64_t flags, uint64_t a6);
long sys_link(uint64_t oldpath, uint64_t newpath, uint64_t a3, uint64_t a4, uint64_t a5,
	      uint64_t a6);
long sys_renameat2(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		   uint64_t flags, uint64_t a6);
long sys_renameat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		  uint64_t a5, uint64_t a6);
long sys_rename(uint64_t oldpath, uint64_t newpath, uint64_t a3, uint64_t a4, uint64_t a5,
		uint64_t a6);
long sys_symlinkat(uint64_t target, uint64_t dirfd, uint64_t linkpath, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_symlink(uint64_t target, uint64_t linkpath, uint64_t a3, uint64_t a4, uint64_t a5,
		 uint64_t a6);
long sys_readlinkat(uint64_t dirfd, uint64_t path, uint64_t buf, uint64_t size, uint64_t a5,
		    uint64_t a6);
long sys_readlink(uint64_t path, uint64_t buf, uint64_t size, uint64_t a4, uint64_t a5,
		  uint64_t a6);
long sys_chdir(uint64_t path, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fchdir(uint64_t fd, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getcwd(uint64_t buf, uint64_t size, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_umask(uint64_t mask, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_truncate(uint64_t path, uint64_t length, uint64_t a3, uint64_t a4, uint64_t a5,
		  uint64_t a6);

/* sys/process.c */
long sys_fork(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_vfork(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
	       uint64_t tls, uint64_t a6);
long sys_execve(uint64_t path, uint64_t argv, uint64_t envp, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_clone3(uint64_t uargs, uint64_t size, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_exit(uint64_t status, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_gettid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_exit_group(uint64_t status, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6);
long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage, uint64_t a5,
	       uint64_t a6);
long sys_getpid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getppid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_get_root_id(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_get_root_ids(uint64_t real, uint64_t effective, uint64_t saved, uint64_t a4, uint64_t a5,
		      uint64_t a6);
long sys_getgroups(uint64_t size, uint64_t list, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_setpgid(uint64_t pid, uint64_t pgid, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getpgid(uint64_t pid, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getpgrp(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_setsid(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getsid(uint64_t pid, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t a3, uint64_t a4, uint64_t a5,
		    uint64_t a6);
long sys_set_tid_address(uint64_t tidptr, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			 uint64_t a6);
long sys_set_robust_list(uint64_t head, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
			 uint64_t a6);
long sys_enosys_quietly(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			uint64_t a6);
long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t new_limit, uint64_t old_limit,
		   uint64_t a5, uint64_t a6);
long sys_getrlimit(uint64_t resource, uint64_t limit, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_setrlimit(uint64_t resource, uint64_t limit, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_prctl(uint64_t option, uint64_t arg2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/sched.c */
long sys_getpriority(uint64_t which, uint64_t who, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6);
long sys_setpriority(uint64_t which, uint64_t who, uint64_t nice, uint64_t a4, uint64_t a5,
		     uint64_t a6);
long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t a4, uint64_t a5,
			   uint64_t a6);
long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t mask, uint64_t a4, uint64_t a5,
			   uint64_t a6);

/* sys/signal.c */
long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oldact, uint64_t sigsetsize, uint64_t a5,
		      uint64_t a6);
long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oldset, uint64_t sigsetsize,
			uint64_t a5, uint64_t a6);
long sys_alarm(uint64_t seconds, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_setitimer(uint64_t which, uint64_t new_value, uint64_t old_value, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_getitimer(uint64_t which, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_ms, uint64_t a4, uint64_t a5,
	      uint64_t a6);
long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t tsp, uint64_t sigmask, uint64_t sigsetsize,
	       uint64_t a6);
long sys_select(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tvp, uint64_t a6);
long sys_pselect6(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tsp,
		  uint64_t sig);
long sys_rt_sigreturn(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_rt_sigsuspend(uint64_t set, uint64_t sigsetsize, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6);
long sys_rt_sigpending(uint64_t set, uint64_t sigsetsize, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6);
long sys_sigaltstack(uint64_t ss, uint64_t old_ss, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6);
long sys_pause(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_kill(uint64_t pid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_tkill(uint64_t tid, uint64_t sig, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/statfs.c */
long sys_statfs(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_fstatfs(uint64_t fd, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/syslog.c */
long sys_syslog(uint64_t type, uint64_t buf, uint64_t len, uint64_t a4, uint64_t a5, uint64_t a6);

/* sys/time.c */
long sys_clock_gettime(uint64_t clock, uint64_t tp, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6);
long sys_clock_getres(uint64_t clock, uint64_t res, uint64_t a3, uint64_t a4, uint64_t a5,
		      uint64_t a6);
long sys_gettimeofday(uint64_t tv, uint64_t tz, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_clock_settime(uint64_t clock, uint64_t tp, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6);
long sys_settimeofday(uint64_t tv, uint64_t tz, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_time(uint64_t tloc, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_nanosleep(uint64_t req, uint64_t rem, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_clock_nanosleep(uint64_t clock, uint64_t flags, uint64_t req, uint64_t rem, uint64_t a5,
			 uint64_t a6);
long sys_sched_yield(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_uname(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_sethostname(uint64_t name, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t a6);
long sys_setdomainname(uint64_t name, uint64_t len, uint64_t a3, uint64_t a4, uint64_t a5,
		       uint64_t a6);
long sys_sysinfo(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_times(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getrusage(uint64_t who, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long sys_getrandom(uint64_t buf, uint64_t len, uint64_t flags, uint64_t a4, uint64_t a5,
		   uint64_t a6);
long sys_reboot(uint64_t magic1, uint64_t magic2, uint64_t cmd, uint64_t arg, uint64_t a5,
		uint64_t a6);
