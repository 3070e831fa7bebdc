/* usertests: every system call's normal and error paths, in the spirit of xv6's
 * usertests. Linux is the reference: this same binary runs on Linux as /init, and
 * whatever Linux does there is what it expects of Keel.
 *
 * Each test is a function run in a child of its own (its own process group, its own
 * directory under /tmp), so a test that crashes or hangs cannot take the others down.
 * A check that fails writes one line (file:line, expected, got) into a pipe the
 * runner reads; the runner prints one line per test and a summary, and last checks
 * that sysinfo's free memory is back where it was before the first test (exactly on
 * Keel, within a tolerance on Linux, whose caches keep pages).
 *
 *   usertests            run every test
 *   usertests NAME...    run only those
 *
 * As pid 1 (on Linux) it powers the machine off after the summary: init must not
 * exit. The binary also runs itself (execve) with --exec-child for the exec tests. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#define PAGE		4096ul
#define TEST_TIMEOUT_MS 10000	    /* the slowest test takes ~1 s under TCG */
#define MAX_REPORTS	16	    /* failure lines one process sends; more are counted only */
#define MAX_ARG_STRLEN	(32 * PAGE) /* Linux's longest argument, its NUL included */
#define EXEC_OK		42	    /* what an exec'd helper exits with when all is well */
#define EXEC_ERRNO	150	    /* a failed execve in a child exits with this + errno */

/* Linux's values, for the raw calls musl has no names for. */
#define ARCH_SET_FS_	   0x1002
#define ARCH_GET_FS_	   0x1003
#define FUTEX_WAIT_	   0
#define FUTEX_WAKE_	   1
#define MREMAP_MAYMOVE_	   1
#define DT_DIR_		   4
#define DT_REG_		   8
#define PR_SET_NAME_	   15
#define PR_GET_NAME_	   16
#define LINUX_REBOOT_MAGIC 0xfee1dead

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* ---- reporting -------------------------------------------------------------------- */

static int report_fd = -1;    /* the test child's pipe to the runner */
static int failures;	      /* checks failed in this process */
static const char *self_path; /* this program, for execve */
static uintptr_t current_bad; /* the bad pointer being tried, for messages */
static char **saved_envp;

static const char *errno_name(int e)
{
	static const char *const names[] = {
		[EPERM] = "EPERM",
		[ENOENT] = "ENOENT",
		[ESRCH] = "ESRCH",
		[EINTR] = "EINTR",
		[EIO] = "EIO",
		[E2BIG] = "E2BIG",
		[ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF",
		[ECHILD] = "ECHILD",
		[EAGAIN] = "EAGAIN",
		[ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES",
		[EFAULT] = "EFAULT",
		[EBUSY] = "EBUSY",
		[EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV",
		[ENODEV] = "ENODEV",
		[ENOTDIR] = "ENOTDIR",
		[EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL",
		[ENFILE] = "ENFILE",
		[EMFILE] = "EMFILE",
		[ENOTTY] = "ENOTTY",
		[ETXTBSY] = "ETXTBSY",
		[EFBIG] = "EFBIG",
		[ENOSPC] = "ENOSPC",
		[ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS",
		[EMLINK] = "EMLINK",
		[EPIPE] = "EPIPE",
		[ERANGE] = "ERANGE",
		[ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOSYS] = "ENOSYS",
		[ENOTEMPTY] = "ENOTEMPTY",
		[ELOOP] = "ELOOP",
		[ETIMEDOUT] = "ETIMEDOUT",
		[EOVERFLOW] = "EOVERFLOW",
	};
	if (e > 0 && e < (int)(sizeof names / sizeof names[0]) && names[e])
		return names[e];
	return "?";
}

/* One failed check: a line to the runner (one write, so lines never mix). */
__attribute__((format(printf, 3, 4))) static void fail(const char *file, int line, const char *fmt,
						       ...)
{
	char msg[512];
	int n = snprintf(msg, sizeof msg, "%s:%d: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	va_end(ap);
	if (current_bad && n < (int)sizeof msg)
		n += snprintf(msg + n, sizeof msg - n, " [pointer %#lx]",
			      (unsigned long)current_bad);
	if (n >= (int)sizeof msg - 1)
		n = sizeof msg - 2;
	msg[n++] = '\n';
	if (failures++ < MAX_REPORTS)
		write(report_fd >= 0 ? report_fd : 2, msg, n);
}

#define FAIL(...) fail(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond))               \
			FAIL(__VA_ARGS__); \
	} while (0)

/* The call is evaluated as an argument, so errno is still its errno on entry. */
static long expect_err(const char *file, int line, const char *what, long got, int want)
{
	int e = errno;
	if (got != -1 || e != want) {
		if (got == -1)
			fail(file, line, "%s: expected -1 %s (%d), got -1 errno %d (%s)", what,
			     errno_name(want), want, e, errno_name(e));
		else
			fail(file, line, "%s: expected -1 %s (%d), got %ld", what, errno_name(want),
			     want, got);
	}
	return got;
}

static long expect_ok(const char *file, int line, const char *what, long got)
{
	int e = errno;
	if (got < 0 && got > -4096)
		fail(file, line, "%s: expected success, got %ld errno %d (%s)", what, got, e,
		     errno_name(e));
	return got;
}

static void expect_eq(const char *file, int line, const char *what, long got, long want)
{
	if (got != want)
		fail(file, line, "%s: expected %ld (%#lx), got %ld (%#lx)", what, want,
		     (unsigned long)want, got, (unsigned long)got);
}

#define EXPECT_ERR(call, e)  expect_err(__FILE__, __LINE__, #call, (long)(call), e)
#define EXPECT_OK(call)	     expect_ok(__FILE__, __LINE__, #call, (long)(call))
#define EXPECT_EQ(got, want) expect_eq(__FILE__, __LINE__, #got, (long)(got), (long)(want))

/* ---- helpers ---------------------------------------------------------------------- */

static bool on_keel(void)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.sysname, "Keel") == 0;
}

static unsigned long free_bytes(void)
{
	struct sysinfo si;
	if (syscall(SYS_sysinfo, &si) != 0)
		return 0;
	return si.freeram * (unsigned long)si.mem_unit;
}

/* Sleeps ms milliseconds; nanosleep is itself under test elsewhere. */
static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* Waits for pid and returns its wait status, or -1 (and a failure) if wait4 failed. */
static int wait_status(pid_t pid)
{
	int status;
	long r;
	while ((r = syscall(SYS_wait4, pid, &status, 0, 0)) < 0 && errno == EINTR)
		;
	if (r != pid) {
		FAIL("wait4(%d): got %ld errno %d (%s)", pid, r, errno, errno_name(errno));
		return -1;
	}
	return status;
}

static void describe_status(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "no status");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "status %#x", status);
}

static void expect_exit(const char *file, int line, const char *what, int status, int code)
{
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != code) {
		char got[64];
		describe_status(status, got, sizeof got);
		fail(file, line, "%s: expected exit %d, got %s", what, code, got);
	}
}

static void expect_signal(const char *file, int line, const char *what, int status, int sig)
{
	if (status == -1 || !WIFSIGNALED(status) || WTERMSIG(status) != sig) {
		char got[64];
		describe_status(status, got, sizeof got);
		fail(file, line, "%s: expected death by signal %d (%s), got %s", what, sig,
		     strsignal(sig), got);
	}
}

#define EXPECT_EXIT(status, code)  expect_exit(__FILE__, __LINE__, #status, status, code)
#define EXPECT_SIGNAL(status, sig) expect_signal(__FILE__, __LINE__, #status, status, sig)

/* Runs fn in a child and returns its wait status: for what must kill a process. The
 * child's own failures reach the runner through the inherited pipe; its exit status is
 * 1 when it had any. */
static int in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		failures = 0;
		fn(arg);
		_exit(failures ? 1 : 0);
	}
	if (pid < 0) {
		FAIL("fork: errno %d (%s)", errno, errno_name(errno));
		return -1;
	}
	return wait_status(pid);
}

/* A page whose next page is unmapped: buffers and strings that run off its end. */
static char *edge_page(void)
{
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		FAIL("mmap: errno %d", errno);
		exit(1);
	}
	munmap(p + PAGE, PAGE);
	memset(p, 'a', PAGE);
	return p;
}

/* Addresses no call may read or write: low and unmapped, the kernel half (its image
 * and its direct map), the first non-canonical address, the last page. */
static const uintptr_t bad_addrs[] = {
	0x1000ul,
	0xffffffff80000000ul,
	0xffff800000000000ul,
	0x0000800000000000ul,
	0xfffffffffffff000ul,
};
#define NBAD (sizeof bad_addrs / sizeof bad_addrs[0])

/* Steps through the bad addresses, then `extra`, with current_bad set for messages. */
static bool next_bad(size_t *i, uintptr_t extra)
{
	if (*i > NBAD) {
		current_bad = 0;
		return false;
	}
	current_bad = *i < NBAD ? bad_addrs[*i] : extra;
	(*i)++;
	return true;
}

#define FOR_EACH_BAD(extra) for (size_t bad_i_ = 0; next_bad(&bad_i_, (uintptr_t)(extra));)

/* The descriptor the next open would get. */
static int lowest_free_fd(void)
{
	int fd = dup(0);
	close(fd);
	return fd;
}

static int make_file(const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		FAIL("open(%s): errno %d (%s)", name, errno, errno_name(errno));
		return -1;
	}
	if (len && write(fd, data, len) != (ssize_t)len)
		FAIL("write(%s): errno %d", name, errno);
	close(fd);
	return 0;
}

/* Reads all of a file (up to size bytes); returns the length or -1. */
static long read_file(const char *name, char *buf, size_t size)
{
	int fd = open(name, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += n;
	close(fd);
	return (long)got;
}

/* A simple generator and checksum for the pipe transfer. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* ---- bad pointers: EFAULT --------------------------------------------------------- */

static void test_efault_io(void)
{
	char *edge = edge_page();
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	write(fd, edge, 100);
	int p[2];
	pipe(p);
	struct iovec iov = {0, 10};
	FOR_EACH_BAD(edge + PAGE)
	{
		void *b = (void *)current_bad;
		EXPECT_ERR(syscall(SYS_pread64, fd, b, 10, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_pwrite64, fd, b, 10, 0), EFAULT);
		lseek(fd, 0, SEEK_SET);
		EXPECT_ERR(syscall(SYS_read, fd, b, 10), EFAULT);
		EXPECT_ERR(syscall(SYS_write, fd, b, 10), EFAULT);
		EXPECT_ERR(syscall(SYS_write, p[1], b, 10), EFAULT);
		write(p[1], "x", 1);
		EXPECT_ERR(syscall(SYS_read, p[0], b, 10), EFAULT);
		EXPECT_ERR(syscall(SYS_readv, fd, b, 1), EFAULT);
		EXPECT_ERR(syscall(SYS_writev, fd, b, 1), EFAULT);
		iov.iov_base = b;
		lseek(fd, 0, SEEK_SET);
		EXPECT_ERR(syscall(SYS_readv, fd, &iov, 1), EFAULT);
		EXPECT_ERR(syscall(SYS_writev, fd, &iov, 1), EFAULT);
	}
	/* the pipe still holds what the failed reads left (a byte per round at most) */
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink("f");
}

static void test_efault_paths(void)
{
	char *edge = edge_page();
	char *unterminated = edge + PAGE - 100; /* 100 'a's up to the unmapped page */
	make_file("f", "x", 1, 0644);
	mkdir("d", 0755);
	char buf[64];
	char *argv[] = {"x", 0};
	for (int round = 0; round < 2; round++) {
		FOR_EACH_BAD(round ? (uintptr_t)unterminated : (uintptr_t)(edge + PAGE))
		{
			const char *b = (const char *)current_bad;
			EXPECT_ERR(syscall(SYS_open, b, O_RDONLY), EFAULT);
			EXPECT_ERR(syscall(SYS_open, b, O_WRONLY | O_CREAT, 0644), EFAULT);
			EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, b, O_RDONLY), EFAULT);
			EXPECT_ERR(syscall(SYS_creat, b, 0644), EFAULT);
			EXPECT_ERR(syscall(SYS_stat, b, buf), EFAULT);
			EXPECT_ERR(syscall(SYS_lstat, b, buf), EFAULT);
			EXPECT_ERR(syscall(SYS_newfstatat, AT_FDCWD, b, buf, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_access, b, F_OK), EFAULT);
			EXPECT_ERR(syscall(SYS_faccessat, AT_FDCWD, b, F_OK), EFAULT);
			EXPECT_ERR(syscall(SYS_mkdir, b, 0755), EFAULT);
			EXPECT_ERR(syscall(SYS_mkdirat, AT_FDCWD, b, 0755), EFAULT);
			EXPECT_ERR(syscall(SYS_unlink, b), EFAULT);
			EXPECT_ERR(syscall(SYS_unlinkat, AT_FDCWD, b, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_rmdir, b), EFAULT);
			EXPECT_ERR(syscall(SYS_link, b, "l"), EFAULT);
			EXPECT_ERR(syscall(SYS_link, "f", b), EFAULT);
			EXPECT_ERR(syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, b, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_symlink, b, "s"), EFAULT);
			EXPECT_ERR(syscall(SYS_symlink, "f", b), EFAULT);
			EXPECT_ERR(syscall(SYS_symlinkat, "f", AT_FDCWD, b), EFAULT);
			EXPECT_ERR(syscall(SYS_readlink, b, buf, sizeof buf), EFAULT);
			EXPECT_ERR(syscall(SYS_readlinkat, AT_FDCWD, b, buf, sizeof buf), EFAULT);
			EXPECT_ERR(syscall(SYS_rename, b, "g"), EFAULT);
			EXPECT_ERR(syscall(SYS_rename, "f", b), EFAULT);
			EXPECT_ERR(syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, b), EFAULT);
			EXPECT_ERR(syscall(SYS_chdir, b), EFAULT);
			EXPECT_ERR(syscall(SYS_chmod, b, 0644), EFAULT);
			EXPECT_ERR(syscall(SYS_fchmodat, AT_FDCWD, b, 0644), EFAULT);
			EXPECT_ERR(syscall(SYS_chown, b, 0, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_lchown, b, 0, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_fchownat, AT_FDCWD, b, 0, 0, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_truncate, b, 0), EFAULT);
			EXPECT_ERR(syscall(SYS_execve, b, argv, saved_envp), EFAULT);
		}
	}
	/* nothing above may have made anything: only f and d are here */
	EXPECT_ERR(access("l", F_OK), ENOENT);
	EXPECT_ERR(access("s", F_OK), ENOENT);
	EXPECT_ERR(access("g", F_OK), ENOENT);
	EXPECT_OK(access("f", F_OK));
	unlink("f");
	rmdir("d");
}

/* readlink's buffer, getcwd's, getdents64's: kernel writes into bad memory. */
static void test_efault_out(void)
{
	char *edge = edge_page();
	symlink("target", "s");
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int next_fd = lowest_free_fd();
	int p[2];
	FOR_EACH_BAD(edge + PAGE)
	{
		void *b = (void *)current_bad;
		EXPECT_ERR(syscall(SYS_readlink, "s", b, 64), EFAULT);
		EXPECT_ERR(syscall(SYS_getcwd, b, 64), EFAULT);
		lseek(dir, 0, SEEK_SET);
		EXPECT_ERR(syscall(SYS_getdents64, dir, b, 4096), EFAULT);
		EXPECT_ERR(syscall(SYS_fstat, 0, b), EFAULT);
		EXPECT_ERR(syscall(SYS_stat, ".", b), EFAULT);
		EXPECT_ERR(syscall(SYS_lstat, "s", b), EFAULT);
		EXPECT_ERR(syscall(SYS_newfstatat, AT_FDCWD, ".", b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_pipe, b), EFAULT);
		EXPECT_ERR(syscall(SYS_pipe2, b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_uname, b), EFAULT);
		EXPECT_ERR(syscall(SYS_sysinfo, b), EFAULT);
		EXPECT_ERR(syscall(SYS_times, b), EFAULT);
		EXPECT_ERR(syscall(SYS_getrusage, RUSAGE_SELF, b), EFAULT);
		EXPECT_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b), EFAULT);
		EXPECT_ERR(syscall(SYS_clock_getres, CLOCK_MONOTONIC, b), EFAULT);
		EXPECT_ERR(syscall(SYS_gettimeofday, b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_time, b), EFAULT);
		EXPECT_ERR(syscall(SYS_getrandom, b, 16, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, b), EFAULT);
		EXPECT_ERR(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, b), EFAULT);
		EXPECT_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, b, 8), EFAULT);
		EXPECT_ERR(syscall(SYS_rt_sigaction, SIGUSR1, 0, b, 8), EFAULT);
		EXPECT_ERR(syscall(SYS_arch_prctl, ARCH_GET_FS_, b), EFAULT);
		EXPECT_ERR(syscall(SYS_prctl, PR_GET_NAME_, b, 0, 0, 0), EFAULT);
	}
	/* the pipe calls made no descriptors: the next one is still the lowest free */
	EXPECT_OK(pipe(p));
	EXPECT_EQ(p[0], next_fd);
	close(p[0]);
	close(p[1]);
	close(dir);
	unlink("s");
}

/* What the kernel reads: structures passed in. */
static void test_efault_in(void)
{
	char *edge = edge_page();
	FOR_EACH_BAD(edge + PAGE)
	{
		void *b = (void *)current_bad;
		EXPECT_ERR(syscall(SYS_nanosleep, b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, b), EFAULT);
		EXPECT_ERR(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, b, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, b, 0, 8), EFAULT);
		EXPECT_ERR(syscall(SYS_rt_sigaction, SIGUSR1, b, 0, 8), EFAULT);
		EXPECT_ERR(syscall(SYS_prctl, PR_SET_NAME_, b, 0, 0, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_futex, b, FUTEX_WAIT_, 0, 0, 0, 0), EFAULT);
		char *argv[] = {"x", b, 0};
		char *one[] = {"x", 0};
		EXPECT_ERR(syscall(SYS_execve, "/nonexistent-dir/x", b, saved_envp), EFAULT);
		EXPECT_ERR(syscall(SYS_execve, self_path, b, saved_envp), EFAULT);
		EXPECT_ERR(syscall(SYS_execve, self_path, argv, saved_envp), EFAULT);
		EXPECT_ERR(syscall(SYS_execve, self_path, one, b), EFAULT);
		EXPECT_ERR(syscall(SYS_execve, self_path, one, argv), EFAULT);
	}
}

/* A structure that starts mapped and runs into the unmapped page: the whole call
 * fails, as for a pointer wholly outside. */
static void test_efault_straddle(void)
{
	char *edge = edge_page();
	char *end = edge + PAGE;
	EXPECT_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, end - 8), EFAULT);
	EXPECT_ERR(syscall(SYS_gettimeofday, end - 8, 0), EFAULT);
	EXPECT_ERR(syscall(SYS_uname, end - 100), EFAULT);
	EXPECT_ERR(syscall(SYS_sysinfo, end - 8), EFAULT);
	EXPECT_ERR(syscall(SYS_fstat, 0, end - 8), EFAULT);
	EXPECT_ERR(syscall(SYS_getrusage, RUSAGE_SELF, end - 8), EFAULT);
	EXPECT_ERR(syscall(SYS_pipe, end - 4), EFAULT);
	EXPECT_ERR(syscall(SYS_getcwd, end - 1, 64), EFAULT);
	struct timespec *ts = (struct timespec *)(end - 8);
	ts->tv_sec = 0;
	EXPECT_ERR(syscall(SYS_nanosleep, ts, 0), EFAULT);
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	EXPECT_ERR(syscall(SYS_getdents64, fd, end - 8, 4096), EFAULT);
	close(fd);
	/* a pipe read into a buffer half mapped: Linux copies nothing it cannot finish */
	pid_t child = fork();
	if (child == 0) {
		_exit(0);
	}
	int *status = (int *)(end - 2);
	EXPECT_ERR(syscall(SYS_wait4, child, status, 0, 0), EFAULT);
	/* Linux reaped the child all the same: a second wait finds nothing */
	EXPECT_ERR(syscall(SYS_wait4, child, 0, 0, 0), ECHILD);
}

/* read and write with a buffer half mapped: Linux moves what it can and returns that
 * short count; a call that can move nothing fails with EFAULT. */
static void test_efault_partial(void)
{
	char *edge = edge_page();
	char *end = edge + PAGE;
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char data[100];
	memset(data, 'z', sizeof data);
	write(fd, data, sizeof data);
	lseek(fd, 0, SEEK_SET);
	EXPECT_EQ(syscall(SYS_read, fd, end - 8, 16), 8);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 8);
	EXPECT_EQ(memcmp(end - 8, "zzzzzzzz", 8), 0);
	memcpy(end - 8, "ABCDEFGH", 8);
	EXPECT_EQ(syscall(SYS_write, fd, end - 8, 16), 8);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 16);
	char back[16];
	EXPECT_EQ(pread(fd, back, 16, 0), 16);
	EXPECT_EQ(memcmp(back, "zzzzzzzzABCDEFGH", 16), 0);
	close(fd);
	unlink("f");
}

/* ---- bad descriptors: EBADF ------------------------------------------------------- */

static void test_ebadf(void)
{
	static const int bad_fds[] = {-1, 1000, 1 << 20, INT_MAX};
	char buf[64];
	struct iovec iov = {buf, sizeof buf};
	for (size_t i = 0; i < sizeof bad_fds / sizeof bad_fds[0]; i++) {
		long fd = bad_fds[i];
		EXPECT_ERR(syscall(SYS_read, fd, buf, 1), EBADF);
		EXPECT_ERR(syscall(SYS_write, fd, buf, 1), EBADF);
		EXPECT_ERR(syscall(SYS_pread64, fd, buf, 1, 0), EBADF);
		EXPECT_ERR(syscall(SYS_pwrite64, fd, buf, 1, 0), EBADF);
		EXPECT_ERR(syscall(SYS_readv, fd, &iov, 1), EBADF);
		EXPECT_ERR(syscall(SYS_writev, fd, &iov, 1), EBADF);
		EXPECT_ERR(syscall(SYS_close, fd), EBADF);
		EXPECT_ERR(syscall(SYS_lseek, fd, 0, SEEK_SET), EBADF);
		EXPECT_ERR(syscall(SYS_dup, fd), EBADF);
		EXPECT_ERR(syscall(SYS_dup2, fd, 10), EBADF);
		EXPECT_ERR(syscall(SYS_dup3, fd, 10, 0), EBADF);
		EXPECT_ERR(syscall(SYS_fcntl, fd, F_GETFD), EBADF);
		EXPECT_ERR(syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf), EBADF);
		EXPECT_ERR(syscall(SYS_fstat, fd, buf), EBADF);
		EXPECT_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), EBADF);
		EXPECT_ERR(syscall(SYS_ftruncate, fd, 0), EBADF);
		EXPECT_ERR(syscall(SYS_fsync, fd), EBADF);
		EXPECT_ERR(syscall(SYS_fdatasync, fd), EBADF);
		EXPECT_ERR(syscall(SYS_fchdir, fd), EBADF);
		EXPECT_ERR(syscall(SYS_fchmod, fd, 0644), EBADF);
		EXPECT_ERR(syscall(SYS_fchown, fd, 0, 0), EBADF);
		EXPECT_ERR(syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
		if (fd != -1) /* -1 is not AT_FDCWD (-100), but Linux checks fd < 0 the same */
			EXPECT_ERR(syscall(SYS_openat, fd, "x", O_RDONLY), EBADF);
		EXPECT_ERR(syscall(SYS_newfstatat, fd, "x", buf, 0), EBADF);
		EXPECT_ERR(syscall(SYS_mkdirat, fd, "x", 0755), EBADF);
		EXPECT_ERR(syscall(SYS_unlinkat, fd, "x", 0), EBADF);
		EXPECT_ERR(syscall(SYS_faccessat, fd, "x", F_OK), EBADF);
		EXPECT_ERR(syscall(SYS_readlinkat, fd, "x", buf, sizeof buf), EBADF);
		EXPECT_ERR(syscall(SYS_fchownat, fd, "x", 0, 0, 0), EBADF);
	}
	/* an absolute path ignores the directory descriptor, bad or not */
	EXPECT_OK(syscall(SYS_faccessat, 1000, "/", F_OK));
	/* the wrong direction on a good descriptor */
	make_file("f", "abc", 3, 0644);
	int r = open("f", O_RDONLY), w = open("f", O_WRONLY);
	EXPECT_ERR(write(r, "x", 1), EBADF);
	EXPECT_ERR(read(w, buf, 1), EBADF);
	EXPECT_ERR(pwrite(r, "x", 1, 0), EBADF);
	EXPECT_ERR(pread(w, buf, 1, 0), EBADF);
	int p[2];
	pipe(p);
	EXPECT_ERR(write(p[0], "x", 1), EBADF);
	EXPECT_ERR(read(p[1], buf, 1), EBADF);
	close(r);
	close(w);
	EXPECT_ERR(close(r), EBADF);
	close(p[0]);
	close(p[1]);
	unlink("f");
}

/* ---- processes -------------------------------------------------------------------- */

static void test_fork1000(void)
{
	for (int i = 0; i < 1000; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i & 0xff);
		if (pid < 0) {
			FAIL("fork %d: errno %d (%s)", i, errno, errno_name(errno));
			return;
		}
		int status = wait_status(pid);
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != (i & 0xff)) {
			FAIL("child %d: wait status %#x, expected exit %d", i, status, i & 0xff);
			return;
		}
	}
	EXPECT_ERR(wait(0), ECHILD);
}

/* Many children alive at once, reaped in any order by wait4(-1). */
static void test_fork_concurrent(void)
{
	enum { N = 100 };
	pid_t pids[N];
	bool seen[N] = {0};
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			if (i % 3 == 0)
				sched_yield();
			_exit(i);
		}
		if (pids[i] < 0) {
			FAIL("fork %d: errno %d", i, errno);
			return;
		}
	}
	for (int n = 0; n < N; n++) {
		int status;
		pid_t pid = wait4(-1, &status, 0, 0);
		int i = 0;
		while (i < N && pids[i] != pid)
			i++;
		if (i == N) {
			FAIL("wait4(-1) returned %d (errno %d), not one of ours", pid, errno);
			return;
		}
		CHECK(!seen[i], "child %d reaped twice", i);
		seen[i] = true;
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i,
		      "child %d: status %#x, expected exit %d", i, status, i);
	}
	EXPECT_ERR(wait4(-1, 0, 0, 0), ECHILD);
}

/* A grandchild whose parent has exited is given to init: getppid() == 1. */
static void test_reparent(void)
{
	int p[2];
	pipe(p);
	pid_t middle = fork();
	if (middle == 0) {
		pid_t me = getpid();
		if (fork() == 0) {
			for (int i = 0; i < 5000 && getppid() == me; i++)
				sleep_ms(1);
			int ppid = getppid();
			write(p[1], &ppid, sizeof ppid);
			_exit(0);
		}
		_exit(7);
	}
	close(p[1]);
	EXPECT_EXIT(wait_status(middle), 7);
	int ppid = 0;
	EXPECT_EQ(read(p[0], &ppid, sizeof ppid), sizeof ppid);
	EXPECT_EQ(ppid, 1);
	close(p[0]);
	/* the grandchild is init's to reap, not ours */
	EXPECT_ERR(wait4(-1, 0, WNOHANG, 0), ECHILD);
}

static int cow_data = 1;

/* After fork, parent and child each see only their own writes: in .data, the heap,
 * an mmap region and the stack, before and after the other's write. */
static void test_cow(void)
{
	enum { HEAP = 64 * 1024 };
	char *heap = malloc(HEAP);
	char *map = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char stack[256];
	memset(heap, 'p', HEAP);
	memset(map, 'p', 4 * PAGE);
	stack[0] = 'p';
	cow_data = 100;
	int to_child[2], to_parent[2];
	pipe(to_child);
	pipe(to_parent);
	char c;
	pid_t pid = fork();
	if (pid == 0) {
		/* the child writes first, then checks the parent's writes did not come */
		bool ok = cow_data == 100 && heap[HEAP - 1] == 'p' && map[3 * PAGE] == 'p' &&
			  stack[0] == 'p';
		cow_data = 200;
		memset(heap, 'c', HEAP);
		memset(map, 'c', 4 * PAGE);
		stack[0] = 'c';
		write(to_parent[1], "w", 1);
		read(to_child[0], &c, 1); /* the parent has written its own now */
		ok = ok && cow_data == 200 && heap[0] == 'c' && heap[HEAP - 1] == 'c' &&
		     map[0] == 'c' && map[4 * PAGE - 1] == 'c' && stack[0] == 'c';
		_exit(ok ? 0 : 3);
	}
	read(to_parent[0], &c, 1); /* the child has written */
	EXPECT_EQ(cow_data, 100);
	EXPECT_EQ(heap[0], 'p');
	EXPECT_EQ(heap[HEAP - 1], 'p');
	EXPECT_EQ(map[0], 'p');
	EXPECT_EQ(map[4 * PAGE - 1], 'p');
	EXPECT_EQ(stack[0], 'p');
	cow_data = 300;
	memset(heap, 'q', HEAP);
	memset(map, 'q', 4 * PAGE);
	stack[0] = 'q';
	write(to_child[1], "w", 1);
	EXPECT_EXIT(wait_status(pid), 0);
	EXPECT_EQ(cow_data, 300);
	EXPECT_EQ(heap[1], 'q');
	EXPECT_EQ(map[PAGE], 'q');
	/* the pages the child wrote are the parent's alone again: a write and read back */
	map[5] = 'r';
	EXPECT_EQ(map[5], 'r');
	munmap(map, 4 * PAGE);
	free(heap);
}

/* Memory a fork shares copy-on-write, then the parent changes after the child ended. */
static void test_cow_after_exit(void)
{
	char *map = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(map, 1, 16 * PAGE);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			bool ok = map[PAGE * (i % 16) + 1] == (i > 0 ? 2 : 1);
			map[i * 100] = 3;
			_exit(ok ? 0 : 1);
		}
		EXPECT_EXIT(wait_status(pid), 0);
		memset(map, 2, 16 * PAGE); /* the parent writes after each child is gone */
	}
	munmap(map, 16 * PAGE);
}

static void test_exit_status(void)
{
	static const int codes[] = {0, 1, 2, 127, 128, 255, 256, 257, -1};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		pid_t pid = fork();
		if (pid == 0)
			syscall(SYS_exit_group, codes[i]);
		EXPECT_EXIT(wait_status(pid), codes[i] & 0xff);
	}
	pid_t pid = fork();
	if (pid == 0)
		syscall(SYS_exit, 9);
	EXPECT_EXIT(wait_status(pid), 9);
}

static void test_wait(void)
{
	EXPECT_ERR(wait4(-1, 0, 0, 0), ECHILD);
	EXPECT_ERR(wait4(-1, 0, WNOHANG, 0), ECHILD);
	EXPECT_ERR(wait4(1, 0, 0, 0), ECHILD); /* not our child */
	EXPECT_ERR(wait4(99999, 0, 0, 0), ECHILD);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(5);
	}
	EXPECT_EQ(wait4(pid, 0, WNOHANG, 0), 0); /* still running */
	EXPECT_EQ(wait4(-1, 0, WNOHANG, 0), 0);
	EXPECT_ERR(wait4(pid, 0, 0x10000000 /* no such option */, 0), EINVAL);
	write(p[1], "x", 1);
	int status = 0;
	struct rusage ru;
	EXPECT_EQ(wait4(pid, &status, 0, &ru), pid);
	EXPECT_EXIT(status, 5);
	EXPECT_ERR(wait4(pid, 0, 0, 0), ECHILD);
	/* wait4(0) and wait4(-pgid): children in our group */
	pid = fork();
	if (pid == 0)
		_exit(6);
	EXPECT_EQ(wait4(0, &status, 0, 0), pid);
	EXPECT_EXIT(status, 6);
	pid = fork();
	if (pid == 0)
		_exit(8);
	EXPECT_EQ(wait4(-getpgrp(), &status, 0, 0), pid);
	EXPECT_EXIT(status, 8);
	/* a child in another group is not found by wait4(0) */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		char c;
		read(p[0], &c, 1);
		_exit(4);
	}
	setpgid(pid, pid);
	EXPECT_ERR(wait4(0, 0, WNOHANG, 0), ECHILD);
	EXPECT_ERR(wait4(-pid - 100000, 0, WNOHANG, 0), ECHILD);
	write(p[1], "x", 1);
	EXPECT_EQ(wait4(-pid, &status, 0, 0), pid);
	EXPECT_EXIT(status, 4);
	close(p[0]);
	close(p[1]);
}

static void test_pids(void)
{
	pid_t me = getpid();
	CHECK(me > 1, "getpid() = %d in a test child", me);
	EXPECT_EQ(syscall(SYS_gettid), me);
	EXPECT_EQ(syscall(SYS_getpid), me);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		int ids[2] = {getpid(), getppid()};
		write(p[1], ids, sizeof ids);
		_exit(0);
	}
	int ids[2] = {0, 0};
	read(p[0], ids, sizeof ids);
	EXPECT_EQ(ids[0], pid);
	EXPECT_EQ(ids[1], me);
	CHECK(pid != me, "fork returned our own pid");
	EXPECT_EXIT(wait_status(pid), 0);
	close(p[0]);
	close(p[1]);
	/* the number is a 32-bit int, as Linux takes it */
	EXPECT_EQ(syscall(SYS_getpid | (1l << 32)), me);
}

static void test_ids(void)
{
	/* everyone is root on Keel; the Linux run is init, root too */
	EXPECT_EQ(getuid(), 0);
	EXPECT_EQ(geteuid(), 0);
	EXPECT_EQ(getgid(), 0);
	EXPECT_EQ(getegid(), 0);
	EXPECT_EQ(syscall(SYS_getuid), 0);
	EXPECT_EQ(syscall(SYS_getegid), 0);
	/* real, effective and saved; and no supplementary groups */
	unsigned ids[3] = {7, 7, 7};
	EXPECT_OK(syscall(SYS_getresuid, &ids[0], &ids[1], &ids[2]));
	CHECK(!ids[0] && !ids[1] && !ids[2], "getresuid: %u %u %u", ids[0], ids[1], ids[2]);
	ids[0] = ids[1] = ids[2] = 7;
	EXPECT_OK(syscall(SYS_getresgid, &ids[0], &ids[1], &ids[2]));
	CHECK(!ids[0] && !ids[1] && !ids[2], "getresgid: %u %u %u", ids[0], ids[1], ids[2]);
	EXPECT_ERR(syscall(SYS_getresuid, &ids[0], 0x1000l, &ids[2]), EFAULT);
	gid_t groups[4] = {7};
	EXPECT_EQ(syscall(SYS_getgroups, 4l, groups), 0);
	EXPECT_EQ(groups[0], 7);
	EXPECT_EQ(syscall(SYS_getgroups, 0l, 0l), 0);
	EXPECT_ERR(syscall(SYS_getgroups, -1l, groups), EINVAL);
}

static void test_pgid_sid(void)
{
	pid_t me = getpid();
	/* the runner made each test child the leader of a group of its own */
	EXPECT_EQ(getpgid(0), me);
	EXPECT_EQ(getpgrp(), me);
	EXPECT_EQ(getpgid(me), me);
	EXPECT_ERR(getpgid(99999), ESRCH);
	EXPECT_ERR(getsid(99999), ESRCH);
	EXPECT_ERR(setpgid(-1, 0), EINVAL);
	EXPECT_ERR(setpgid(0, -1), EINVAL);
	EXPECT_ERR(setpgid(99999, 0), ESRCH);
	EXPECT_ERR(setsid(), EPERM); /* a group leader cannot */
	pid_t sid = getsid(0);	     /* 0 on Linux under init, whose session is the kernel's */
	CHECK(sid >= 0, "getsid(0) = %d", sid);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		failures = 0;
		EXPECT_EQ(getpgrp(), getppid());
		EXPECT_EQ(setsid(), getpid());
		EXPECT_EQ(getsid(0), getpid());
		EXPECT_EQ(getpgrp(), getpid());
		EXPECT_ERR(setpgid(0, getppid()), EPERM); /* another session's group */
		char c;
		read(p[0], &c, 1);
		_exit(failures ? 1 : 0);
	}
	/* a child's group can be set by its parent, until it changed session */
	sleep_ms(20);
	EXPECT_EQ(getsid(pid), pid);
	EXPECT_ERR(setpgid(pid, pid), EPERM);
	write(p[1], "x", 1);
	EXPECT_EXIT(wait_status(pid), 0);
	pid = fork();
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(0);
	}
	EXPECT_OK(setpgid(pid, pid));
	EXPECT_EQ(getpgid(pid), pid);
	EXPECT_EQ(getsid(pid), sid);
	EXPECT_OK(setpgid(pid, me)); /* back into ours */
	EXPECT_EQ(getpgid(pid), me);
	write(p[1], "x", 1);
	EXPECT_EXIT(wait_status(pid), 0);
	close(p[0]);
	close(p[1]);
}

static void block_forever(int fd)
{
	char c;
	read(fd, &c, 1);
	_exit(0);
}

static void test_kill(void)
{
	EXPECT_ERR(kill(99999, SIGTERM), ESRCH);
	EXPECT_ERR(kill(99999, 0), ESRCH);
	EXPECT_ERR(kill(getpid(), 65), EINVAL);
	EXPECT_ERR(kill(getpid(), -1), EINVAL);
	EXPECT_OK(kill(getpid(), 0));
	EXPECT_ERR(syscall(SYS_tkill, 99999, SIGTERM), ESRCH);
	EXPECT_ERR(syscall(SYS_tkill, 0, SIGTERM), EINVAL);
	EXPECT_ERR(syscall(SYS_tkill, getpid(), 65), EINVAL);
	EXPECT_ERR(syscall(SYS_tgkill, getpid(), 99999, SIGTERM), ESRCH);
	EXPECT_ERR(syscall(SYS_tgkill, 0, getpid(), SIGTERM), EINVAL);
	EXPECT_OK(syscall(SYS_tgkill, getpid(), getpid(), 0));
	static const int sigs[] = {SIGKILL, SIGTERM, SIGINT, SIGUSR1, SIGHUP, SIGQUIT};
	int p[2];
	pipe(p);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t pid = fork();
		if (pid == 0)
			block_forever(p[0]);
		sleep_ms(10); /* asleep in read (kill_new_child tests it earlier) */
		EXPECT_OK(kill(pid, 0));
		EXPECT_OK(kill(pid, sigs[i]));
		EXPECT_SIGNAL(wait_status(pid), sigs[i]);
		EXPECT_ERR(kill(pid, 0), ESRCH); /* reaped: gone */
	}
	/* SIGCHLD's default is to do nothing */
	pid_t pid = fork();
	if (pid == 0)
		block_forever(p[0]);
	EXPECT_OK(kill(pid, SIGCHLD));
	sleep_ms(20);
	EXPECT_EQ(wait4(pid, 0, WNOHANG, 0), 0);
	EXPECT_OK(syscall(SYS_tkill, pid, SIGTERM));
	EXPECT_SIGNAL(wait_status(pid), SIGTERM);
	/* a zombie can still be signalled (kill says 0) until it is reaped */
	pid = fork();
	if (pid == 0)
		_exit(0);
	sleep_ms(20);
	EXPECT_OK(kill(pid, 0));
	EXPECT_EXIT(wait_status(pid), 0);
	/* kill(0) and kill(-pgid): the whole group, ourselves excepted here by SIG_IGN */
	signal(SIGUSR2, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		signal(SIGUSR2, SIG_DFL);
		block_forever(p[0]);
	}
	pid_t pid2 = fork();
	if (pid2 == 0) {
		signal(SIGUSR2, SIG_DFL);
		block_forever(p[0]);
	}
	sleep_ms(20); /* both have reset SIGUSR2 */
	EXPECT_OK(kill(0, SIGUSR2));
	EXPECT_SIGNAL(wait_status(pid), SIGUSR2);
	EXPECT_OK(kill(-getpgrp(), SIGUSR2));
	EXPECT_SIGNAL(wait_status(pid2), SIGUSR2);
	EXPECT_ERR(kill(-99999, SIGTERM), ESRCH);
	close(p[0]);
	close(p[1]);
}

/* A signal sent at once after fork, before the child has run at all. */
static void test_kill_new_child(void)
{
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0)
		block_forever(p[0]);
	EXPECT_OK(kill(pid, SIGKILL));
	EXPECT_SIGNAL(wait_status(pid), SIGKILL);
	pid = fork();
	if (pid == 0)
		block_forever(p[0]);
	EXPECT_OK(kill(pid, SIGTERM));
	EXPECT_SIGNAL(wait_status(pid), SIGTERM);
	close(p[0]);
	close(p[1]);
}

struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static void handler(int sig)
{
	(void)sig;
}

/* Dispositions and masks; handlers are set and read back, never run (Keel runs none
 * yet). A blocked signal waits; unblocked, it takes its default action. */
static void test_signals(void)
{
	struct kernel_sigaction sa = {SIG_IGN, 0, 0, 0}, old;
	EXPECT_ERR(syscall(SYS_rt_sigaction, 0, &sa, 0, 8), EINVAL);
	EXPECT_ERR(syscall(SYS_rt_sigaction, 65, &sa, 0, 8), EINVAL);
	EXPECT_ERR(syscall(SYS_rt_sigaction, SIGKILL, &sa, 0, 8), EINVAL);
	EXPECT_ERR(syscall(SYS_rt_sigaction, SIGSTOP, &sa, 0, 8), EINVAL);
	EXPECT_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &sa, 0, 4), EINVAL);
	EXPECT_OK(syscall(SYS_rt_sigaction, SIGKILL, 0, &old, 8)); /* reading is allowed */
	EXPECT_OK(syscall(SYS_rt_sigaction, SIGUSR1, &sa, 0, 8));
	memset(&old, 0xff, sizeof old);
	EXPECT_OK(syscall(SYS_rt_sigaction, SIGUSR1, 0, &old, 8));
	CHECK(old.handler == SIG_IGN, "SIGUSR1's handler read back as %p", (void *)old.handler);
	EXPECT_OK(kill(getpid(), SIGUSR1)); /* ignored */
	uint64_t set = 1ull << (SIGTERM - 1), cur = 0;
	EXPECT_ERR(syscall(SYS_rt_sigprocmask, 99, &set, 0, 8), EINVAL);
	EXPECT_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 4), EINVAL);
	/* SIGKILL and SIGSTOP cannot be blocked: they are dropped from the set */
	uint64_t all = ~0ull;
	EXPECT_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, 0, 8));
	EXPECT_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, 0, &cur, 8));
	EXPECT_EQ(cur & ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1))), 0);
	uint64_t none = 0;
	EXPECT_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8));
	/* a blocked SIGTERM waits until unblocked, then ends the process */
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
		kill(getpid(), SIGTERM);
		sleep_ms(10);
		syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, 0, 8);
		_exit(0); /* not reached */
	}
	EXPECT_SIGNAL(wait_status(pid), SIGTERM);
	/* a handler is reset to the default by exec, SIG_IGN stays */
	struct kernel_sigaction h = {handler, 0x04000000 /* SA_RESTORER */, 0, 0};
	pid = fork();
	if (pid == 0) {
		struct kernel_sigaction ign = {SIG_IGN, 0, 0, 0};
		syscall(SYS_rt_sigaction, SIGUSR1, &h, 0, 8);
		syscall(SYS_rt_sigaction, SIGUSR2, &ign, 0, 8);
		char *argv[] = {"usertests", "--exec-child", "signals", 0};
		execve(self_path, argv, saved_envp);
		_exit(EXEC_ERRNO + errno);
	}
	EXPECT_EXIT(wait_status(pid), EXEC_OK);
	/* a signal ignored in a child: it lives on */
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		kill(getpid(), SIGTERM);
		_exit(3);
	}
	EXPECT_EXIT(wait_status(pid), 3);
}

static void test_vfork(void)
{
	pid_t pid = vfork(); /* musl's: a C wrapper's return would spoil the shared stack */
	if (pid == 0)
		_exit(12);
	EXPECT_EXIT(wait_status(pid), 12);
	if (access("/bin/true", X_OK) == 0) {
		pid = vfork();
		if (pid == 0) {
			char *argv[] = {"true", 0};
			execve("/bin/true", argv, saved_envp);
			_exit(99);
		}
		EXPECT_EXIT(wait_status(pid), 0);
	}
	/* clone as fork; clone flags Keel and Linux both refuse */
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		syscall(SYS_exit, 13);
	EXPECT_EXIT(wait_status(pid), 13);
	EXPECT_ERR(syscall(SYS_clone, 0x00010000 /* CLONE_THREAD */, 0, 0, 0, 0), EINVAL);
}

/* ---- exec ------------------------------------------------------------------------- */

/* Runs path with argv/envp in a child: returns its wait status. A failed execve
 * exits EXEC_ERRNO + errno. */
static int exec_status(const char *path, char *const argv[], char *const envp[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(EXEC_ERRNO + errno);
	}
	return wait_status(pid);
}

static void expect_exec(const char *file, int line, const char *what, int status, int err_or_exit)
{
	if (err_or_exit < EXEC_ERRNO) { /* an exit code */
		expect_exit(file, line, what, status, err_or_exit);
		return;
	}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == err_or_exit)
		return;
	char got[80];
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) > EXEC_ERRNO)
		snprintf(got, sizeof got, "-1 %s (%d)",
			 errno_name(WEXITSTATUS(status) - EXEC_ERRNO),
			 WEXITSTATUS(status) - EXEC_ERRNO);
	else
		describe_status(status, got, sizeof got);
	fail(file, line, "%s: expected execve to fail with %s (%d), got %s", what,
	     errno_name(err_or_exit - EXEC_ERRNO), err_or_exit - EXEC_ERRNO, got);
}

#define EXPECT_EXEC_ERR(path, e) \
	expect_exec(__FILE__, __LINE__, path, exec_status(path, argv, saved_envp), EXEC_ERRNO + (e))
#define EXPECT_EXEC_SIGNAL(path, sig) \
	expect_signal(__FILE__, __LINE__, path, exec_status(path, argv, saved_envp), sig)

/* A complete static ELF: one PT_LOAD of the whole file at 0x400000, whose code
 * exits with EXEC_OK. Each malformed file below is this with one thing wrong. */
struct tiny_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char code[12];
} __attribute__((packed));

static struct tiny_elf tiny_elf(void)
{
	struct tiny_elf e;
	memset(&e, 0, sizeof e);
	memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
	e.eh.e_ident[EI_CLASS] = ELFCLASS64;
	e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e.eh.e_ident[EI_VERSION] = EV_CURRENT;
	e.eh.e_type = ET_EXEC;
	e.eh.e_machine = EM_X86_64;
	e.eh.e_version = EV_CURRENT;
	e.eh.e_entry = 0x400000 + offsetof(struct tiny_elf, code);
	e.eh.e_phoff = offsetof(struct tiny_elf, ph);
	e.eh.e_ehsize = sizeof(Elf64_Ehdr);
	e.eh.e_phentsize = sizeof(Elf64_Phdr);
	e.eh.e_phnum = 1;
	e.ph.p_type = PT_LOAD;
	e.ph.p_flags = PF_R | PF_X;
	e.ph.p_offset = 0;
	e.ph.p_vaddr = e.ph.p_paddr = 0x400000;
	e.ph.p_filesz = e.ph.p_memsz = sizeof e;
	e.ph.p_align = PAGE;
	/* mov $60, %eax; mov $EXEC_OK, %edi; syscall */
	static const unsigned char code[12] = {0xb8,	60, 0, 0, 0,	0xbf,
					       EXEC_OK, 0,  0, 0, 0x0f, 0x05};
	memcpy(e.code, code, sizeof code);
	return e;
}

static void write_elf(const char *name, const struct tiny_elf *e, size_t len)
{
	make_file(name, e, len, 0755);
}

static void test_exec_elf_ok(void)
{
	struct tiny_elf e = tiny_elf();
	char *argv[] = {"ok", 0};
	write_elf("ok", &e, sizeof e);
	EXPECT_EXIT(exec_status("ok", argv, saved_envp), EXEC_OK);
	EXPECT_EXIT(exec_status("./ok", argv, saved_envp), EXEC_OK);
	/* a larger p_memsz is zeroed memory (bss) */
	e.ph.p_memsz = 3 * PAGE;
	write_elf("bss", &e, sizeof e);
	EXPECT_EXIT(exec_status("bss", argv, saved_envp), EXEC_OK);
	/* an empty argv is allowed (Linux adds nothing either for ELF programs) */
	char *none[] = {0};
	EXPECT_EXIT(exec_status("ok", none, saved_envp), EXEC_OK);
	unlink("ok");
	unlink("bss");
}

static void test_exec_bad_elf(void)
{
	char *argv[] = {"bad", 0};
	struct tiny_elf e = tiny_elf();
	e.eh.e_ident[1] = 'X';
	write_elf("magic", &e, sizeof e);
	EXPECT_EXEC_ERR("magic", ENOEXEC);
	e = tiny_elf();
	e.eh.e_machine = EM_AARCH64;
	write_elf("machine", &e, sizeof e);
	EXPECT_EXEC_ERR("machine", ENOEXEC);
	e = tiny_elf();
	e.eh.e_ident[EI_CLASS] = ELFCLASS32;
	e.eh.e_machine = EM_386;
	write_elf("class32", &e, sizeof e);
	EXPECT_EXEC_ERR("class32", ENOEXEC);
	e = tiny_elf();
	e.eh.e_type = ET_REL;
	write_elf("rel", &e, sizeof e);
	EXPECT_EXEC_ERR("rel", ENOEXEC);
	e = tiny_elf();
	write_elf("short", &e, 40); /* not even a whole ELF header */
	EXPECT_EXEC_ERR("short", ENOEXEC);
	write_elf("nophdrs", &e, sizeof e.eh); /* the header, not its program headers */
	EXPECT_EXEC_ERR("nophdrs", ENOEXEC);
	e.eh.e_phoff = 1 << 20;
	write_elf("phoff", &e, sizeof e);
	EXPECT_EXEC_ERR("phoff", ENOEXEC);
	e = tiny_elf();
	e.eh.e_phnum = 0;
	write_elf("phnum0", &e, sizeof e);
	EXPECT_EXEC_ERR("phnum0", ENOEXEC);
	e = tiny_elf();
	e.eh.e_phentsize = 32;
	write_elf("phentsize", &e, sizeof e);
	EXPECT_EXEC_ERR("phentsize", ENOEXEC);
	e = tiny_elf();
	e.eh.e_phnum = 0xffff; /* more program headers than Linux reads (64 KiB) */
	write_elf("phnum", &e, sizeof e);
	EXPECT_EXEC_ERR("phnum", ENOEXEC);
	make_file("empty", "", 0, 0755);
	EXPECT_EXEC_ERR("empty", ENOEXEC);
	make_file("text", "hello, world\n", 13, 0755);
	EXPECT_EXEC_ERR("text", ENOEXEC);
	static const char *const names[] = {"magic",	 "machine", "class32", "rel",
					    "short",	 "nophdrs", "phoff",   "phnum0",
					    "phentsize", "phnum",   "empty",   "text"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(names[i]);
}

/* Refusals Linux finds only past exec's point of no return: the old program is gone,
 * so the process is killed with SIGSEGV rather than given an error. */
/* Linux finds these wrong only past exec's point of no return and kills the process
 * with SIGSEGV; Keel checks them before and fails the exec (ENOEXEC; EINVAL for the
 * entry point, as Linux's own early check of it): a documented difference
 * (docs/ARCHITECTURE.md, "Where Keel and Linux differ"). */
static void expect_late_refusal(const char *file, int line, const char *path, char *argv[],
				int keel_errno)
{
	int status = exec_status(path, argv, saved_envp);
	if (on_keel())
		expect_exec(file, line, path, status, EXEC_ERRNO + keel_errno);
	else
		expect_signal(file, line, path, status, SIGSEGV);
}

static void test_exec_bad_segments(void)
{
	char *argv[] = {"bad", 0};
	struct tiny_elf e = tiny_elf();
	e.ph.p_memsz = e.ph.p_filesz - 1;
	write_elf("filesz", &e, sizeof e);
	expect_late_refusal(__FILE__, __LINE__, "filesz", argv, ENOEXEC);
	e = tiny_elf();
	e.ph.p_vaddr = e.ph.p_paddr = 0xffffffff80000000ul;
	e.eh.e_entry = e.ph.p_vaddr + offsetof(struct tiny_elf, code);
	write_elf("kernel", &e, sizeof e);
	expect_late_refusal(__FILE__, __LINE__, "kernel", argv, ENOEXEC);
	e.ph.p_vaddr = e.ph.p_paddr = 0x0000800000000000ul;
	e.eh.e_entry = e.ph.p_vaddr + offsetof(struct tiny_elf, code);
	write_elf("noncanon", &e, sizeof e);
	expect_late_refusal(__FILE__, __LINE__, "noncanon", argv, ENOEXEC);
	e = tiny_elf();
	e.eh.e_entry = 0xffffffff80000000ul;
	write_elf("entry", &e, sizeof e);
	expect_late_refusal(__FILE__, __LINE__, "entry", argv, EINVAL);
	unlink("filesz");
	unlink("kernel");
	unlink("noncanon");
	unlink("entry");
}

static void test_exec_errors(void)
{
	char *argv[] = {"x", 0};
	struct tiny_elf e = tiny_elf();
	make_file("noexec", &e, sizeof e, 0644);
	EXPECT_EXEC_ERR("noexec", EACCES);
	mkdir("dir", 0755);
	EXPECT_EXEC_ERR("dir", EACCES);
	EXPECT_EXEC_ERR("/", EACCES);
	EXPECT_EXEC_ERR("missing", ENOENT);
	EXPECT_EXEC_ERR("", ENOENT);
	EXPECT_EXEC_ERR("noexec/x", ENOTDIR);
	EXPECT_EXEC_ERR("dir/missing", ENOENT);
	symlink("loop", "loop");
	EXPECT_EXEC_ERR("loop", ELOOP);
	/* a file open for writing cannot be run */
	write_elf("busy", &e, sizeof e);
	int fd = open("busy", O_WRONLY);
	EXPECT_EXEC_ERR("busy", ETXTBSY);
	close(fd);
	EXPECT_EXEC_ERR("busy", EXEC_OK - EXEC_ERRNO); /* now it runs */
	/* a script: its interpreter runs, or is missing */
	if (access("/bin/true", X_OK) == 0) {
		make_file("script", "#!/bin/true arg\n", 16, 0755);
		EXPECT_EXIT(exec_status("script", argv, saved_envp), 0);
	}
	make_file("noint", "#!/nonexistent/interp\n", 22, 0755);
	EXPECT_EXEC_ERR("noint", ENOENT);
	unlink("noexec");
	unlink("loop");
	unlink("busy");
	unlink("script");
	unlink("noint");
	rmdir("dir");
}

/* Arguments and environment reach the program whole. */
static void test_exec_args(void)
{
	char *argv[] = {"usertests", "--exec-child", "args", "one", "", "three words", 0};
	char *envp[] = {"A=1", "EMPTY=", "LAST=x", 0};
	EXPECT_EXIT(exec_status(self_path, argv, envp), EXEC_OK);
	/* a descriptor opened close-on-exec is gone in the new program, others stay */
	int keep = open(".", O_RDONLY | O_DIRECTORY);
	int gone = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int gone2 = dup(keep);
	fcntl(gone2, F_SETFD, FD_CLOEXEC);
	char a[16], b[16], c[16];
	snprintf(a, sizeof a, "%d", keep);
	snprintf(b, sizeof b, "%d", gone);
	snprintf(c, sizeof c, "%d", gone2);
	char *fdargv[] = {"usertests", "--exec-child", "fds", a, b, c, 0};
	EXPECT_EXIT(exec_status(self_path, fdargv, saved_envp), EXEC_OK);
	close(keep);
	close(gone);
	close(gone2);
}

/* The longest argument Linux takes is 128 KiB with its NUL; the total is a quarter of
 * the stack limit (2 MiB). */
static void test_exec_e2big(void)
{
	size_t big = MAX_ARG_STRLEN;
	char *s = malloc(big + 1);
	memset(s, 'x', big);
	s[big] = 0;
	char len[16];
	char *argv[] = {"usertests", "--exec-child", "strlen", len, s, 0};
	snprintf(len, sizeof len, "%zu", big);
	EXPECT_EXEC_ERR(self_path, E2BIG);
	/* the same limit for the environment's strings */
	char *envp[] = {s, 0};
	char *small[] = {"usertests", "--exec-child", "strlen", "0", "", 0};
	expect_exec(__FILE__, __LINE__, "an environment string of 128 KiB + 1",
		    exec_status(self_path, small, envp), EXEC_ERRNO + E2BIG);
	s[big - 1] = 0; /* 128 KiB with the NUL: allowed */
	snprintf(len, sizeof len, "%zu", big - 1);
	EXPECT_EXIT(exec_status(self_path, argv, saved_envp), EXEC_OK);
	/* 12 of those (1.5 MiB) fit; 20 (2.5 MiB) do not */
	char *many[24] = {"usertests", "--exec-child", "count", "16"};
	for (int i = 4; i < 16; i++)
		many[i] = s;
	many[16] = 0;
	EXPECT_EXIT(exec_status(self_path, many, saved_envp), EXEC_OK);
	for (int i = 4; i < 24; i++)
		many[i] = s;
	many[23] = 0;
	expect_exec(__FILE__, __LINE__, "20 strings of 128 KiB",
		    exec_status(self_path, many, saved_envp), EXEC_ERRNO + E2BIG);
	free(s);
}

/* ---- memory ----------------------------------------------------------------------- */

/* Linux's caches (per-CPU page lists, slabs) keep some pages when memory is given
 * back; Keel keeps none. */
#define LINUX_SLACK (2ul << 20)

static void expect_free_back(const char *file, int line, unsigned long before, const char *what)
{
	unsigned long after = free_bytes();
	long lost = (long)before - (long)after;
	if (on_keel() ? lost != 0 : lost > (long)LINUX_SLACK)
		fail(file, line, "%s: free memory %lu KiB before, %lu KiB after (%ld KiB not back)",
		     what, before >> 10, after >> 10, lost / 1024);
}

#define EXPECT_FREE_BACK(before, what) expect_free_back(__FILE__, __LINE__, before, what)

static void touch_pages(char *p, size_t len, char value)
{
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = value;
}

static void test_brk(void)
{
	enum { SIZE = 4 << 20 };
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	CHECK(cur > 0, "brk(0) = %#lx", (unsigned long)cur);
	unsigned long before = free_bytes();
	EXPECT_EQ(syscall(SYS_brk, cur + SIZE), cur + SIZE);
	char *p = (char *)cur;
	CHECK(p[0] == 0 && p[SIZE - 1] == 0, "new brk memory is not zero");
	touch_pages(p, SIZE, 1);
	unsigned long mid = free_bytes();
	CHECK(before - mid >= SIZE / 4 * 3,
	      "4 MiB of brk touched, free memory fell by %ld KiB only",
	      ((long)before - (long)mid) / 1024);
	EXPECT_EQ(syscall(SYS_brk, cur), cur);
	EXPECT_FREE_BACK(before, "brk grown by 4 MiB, touched and shrunk");
	/* grown again, the memory is fresh zeros */
	EXPECT_EQ(syscall(SYS_brk, cur + SIZE), cur + SIZE);
	CHECK(p[0] == 0 && p[PAGE] == 0, "brk memory given back and taken again is not zero");
	EXPECT_EQ(syscall(SYS_brk, cur), cur);
	/* refusals leave the break where it was */
	EXPECT_EQ(syscall(SYS_brk, 1ul << 47), cur);
	EXPECT_EQ(syscall(SYS_brk, 0xffffffff80000000ul), cur);
	EXPECT_EQ(syscall(SYS_brk, 0x1000), cur);
	EXPECT_EQ(syscall(SYS_brk, 0), cur);
}

/* The memory given up by brk is gone: touching it kills. */
static void touch_past_brk(void *arg)
{
	(void)arg;
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	syscall(SYS_brk, cur + 2 * PAGE);
	*(volatile char *)(cur + PAGE) = 1;
	syscall(SYS_brk, cur);
	*(volatile char *)(cur + PAGE) = 1;
}

static void test_brk_shrunk(void)
{
	EXPECT_SIGNAL(in_child(touch_past_brk, 0), SIGSEGV);
}

/* 4 MiB mapped, touched and unmapped, then 64 small maps unmapped in and out of
 * order: free memory is measured around each. */
static void map_and_unmap(bool check)
{
	enum { SIZE = 4 << 20 };
	unsigned long before = free_bytes();
	char *p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap 4 MiB: errno %d", errno);
	if (p == MAP_FAILED)
		return;
	CHECK((uintptr_t)p % PAGE == 0, "mmap returned %p, not page-aligned", (void *)p);
	CHECK(p[0] == 0 && p[SIZE - 1] == 0, "fresh anonymous memory is not zero");
	touch_pages(p, SIZE, 7);
	unsigned long mid = free_bytes();
	CHECK(before - mid >= SIZE / 4 * 3,
	      "4 MiB mapped and touched, free memory fell by %ld KiB only",
	      ((long)before - (long)mid) / 1024);
	EXPECT_OK(munmap(p, SIZE));
	if (check)
		EXPECT_FREE_BACK(before, "4 MiB mmap'd, touched and unmapped");
	char *maps[64];
	for (int i = 0; i < 64; i++) {
		maps[i] = mmap(0, (i % 4 + 1) * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(maps[i] != MAP_FAILED, "mmap %d: errno %d", i, errno);
		if (maps[i] == MAP_FAILED)
			return;
		maps[i][0] = (char)i;
	}
	for (int i = 0; i < 64; i++)
		EXPECT_EQ(maps[i][0], i);
	for (int i = 0; i < 64; i += 2)
		EXPECT_OK(munmap(maps[i], (i % 4 + 1) * PAGE));
	for (int i = 1; i < 64; i += 2)
		EXPECT_OK(munmap(maps[i], (i % 4 + 1) * PAGE));
	if (check)
		EXPECT_FREE_BACK(before, "64 small maps unmapped");
}

static void test_mmap_anon(void)
{
	/* The first round may grow this process itself (its stack, libc's buffers, the
	 * page tables of its own mappings): the second must give back all it took. */
	map_and_unmap(false);
	map_and_unmap(true);
	char *p;
	/* MAP_FIXED replaces what was there with fresh zeros; MAP_FIXED_NOREPLACE refuses */
	p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 9, 3 * PAGE);
	char *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT_EQ(q, p + PAGE);
	EXPECT_EQ(p[PAGE], 0);
	EXPECT_EQ(p[0], 9);
	EXPECT_EQ(p[2 * PAGE], 9);
	EXPECT_ERR(
		mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
		EEXIST);
	/* munmap of the middle page leaves two pieces */
	EXPECT_OK(munmap(p + PAGE, PAGE));
	EXPECT_EQ(p[0], 9);
	EXPECT_EQ(p[2 * PAGE], 9);
	EXPECT_OK(munmap(p, 3 * PAGE)); /* a hole inside is fine */
	EXPECT_OK(munmap(p, 3 * PAGE)); /* and so is nothing there at all */
	/* madvise(MADV_DONTNEED) gives private anonymous pages back as zeros */
	p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 5, 2 * PAGE);
	EXPECT_OK(madvise(p, 2 * PAGE, MADV_DONTNEED));
	EXPECT_EQ(p[0], 0);
	EXPECT_EQ(p[PAGE + 1], 0);
	EXPECT_ERR(madvise(p + 1, PAGE, MADV_DONTNEED), EINVAL);
	munmap(p, 2 * PAGE);
}

static void test_mmap_errors(void)
{
	int prw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	EXPECT_ERR(mmap(0, 0, prw, anon, -1, 0), EINVAL);
	EXPECT_ERR(mmap(0, PAGE, prw, MAP_ANONYMOUS, -1, 0),
		   EINVAL); /* neither private nor shared */
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
	EXPECT_ERR(mmap((void *)0x10000123, PAGE, prw, anon | MAP_FIXED, -1, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_mmap, 0xffffffff80000000ul, PAGE, prw, anon | MAP_FIXED, -1, 0),
		   ENOMEM);
	EXPECT_ERR(mmap(0, 1ul << 47, prw, anon, -1, 0), ENOMEM);
	EXPECT_ERR(mmap(0, -PAGE, prw, anon, -1, 0), ENOMEM);
	EXPECT_ERR(mmap(0, 1ul << 40, prw, anon, -1, 0), ENOMEM); /* more than RAM: refused */
	make_file("f", "data", 4, 0644);
	int fd = open("f", O_RDONLY);
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 123), EINVAL);
	close(fd);
	fd = open("f", O_WRONLY);
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), EACCES);
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	close(fd);
	int p[2];
	pipe(p);
	EXPECT_ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, p[0], 0), ENODEV);
	close(p[0]);
	close(p[1]);
	/* munmap and mprotect */
	char *m = mmap(0, 2 * PAGE, prw, anon, -1, 0);
	EXPECT_ERR(munmap(m + 1, PAGE), EINVAL);
	EXPECT_ERR(munmap(m, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_munmap, 0xffffffff80000000ul, PAGE), EINVAL);
	EXPECT_ERR(syscall(SYS_munmap, 0x7ffffffff000ul, 2 * PAGE), EINVAL);
	/* raw calls: musl's mprotect rounds the address down */
	EXPECT_ERR(syscall(SYS_mprotect, m + 1, PAGE, PROT_READ), EINVAL);
	EXPECT_ERR(syscall(SYS_mprotect, m, PAGE, 0x100 /* no such protection */), EINVAL);
	munmap(m + PAGE, PAGE);
	EXPECT_ERR(mprotect(m, 2 * PAGE, PROT_READ), ENOMEM); /* runs into the hole */
	EXPECT_ERR(mprotect(m + PAGE, PAGE, PROT_READ), ENOMEM);
	EXPECT_OK(mprotect(m, PAGE, PROT_READ));
	EXPECT_OK(mprotect(m, 0, PROT_READ));
	munmap(m, PAGE);
	unlink("f");
}

/* mremap: grows a mapping, in place or moved. */
static void test_mremap(void)
{
	char *m = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 'm';
	char *n = (char *)syscall(SYS_mremap, m, PAGE, 4 * PAGE, MREMAP_MAYMOVE_, 0);
	CHECK(n != MAP_FAILED, "mremap to 4 pages: errno %d (%s)", errno, errno_name(errno));
	if (n != MAP_FAILED) {
		EXPECT_EQ(n[0], 'm');
		EXPECT_EQ(n[3 * PAGE], 0);
		munmap(n, 4 * PAGE);
	}
	EXPECT_ERR(syscall(SYS_mremap, m + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE_, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_mremap, m, PAGE, 2 * PAGE, 0x100 /* no such flag */, 0), EINVAL);
}

static void read_after_unmap(void *arg)
{
	char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	p[0] = 1;
	munmap(p, PAGE);
	*(volatile char *)p;
}

static void write_read_only(void *arg)
{
	char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	p[0] = 1;
	if (mprotect(p, PAGE, PROT_READ) == 0 && p[0] == 1)
		*(volatile char *)p = 2;
	else
		_exit(3);
}

static void read_prot_none(void *arg)
{
	char *p = mmap(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	*(volatile char *)p;
}

/* Pages of a file mapping past the end of the file: SIGBUS. */
static void read_past_eof(void *arg)
{
	int fd = open("f", O_RDONLY);
	char *p = mmap(0, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	(void)arg;
	if (p == MAP_FAILED || p[PAGE + 200] != 0)
		_exit(3);
	*(volatile char *)(p + 2 * PAGE);
}

static void test_mmap_file(void)
{
	enum { LEN = PAGE + 100 };
	static char data[LEN];
	for (int i = 0; i < LEN; i++)
		data[i] = (char)(i * 13 + 1);
	make_file("f", data, LEN, 0644);
	int fd = open("f", O_RDONLY);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap of a file: errno %d (%s)", errno, errno_name(errno));
	if (p == MAP_FAILED)
		return;
	EXPECT_EQ(memcmp(p, data, LEN), 0);
	EXPECT_EQ(p[LEN], 0); /* the rest of the last page is zeros */
	EXPECT_EQ(p[2 * PAGE - 1], 0);
	p[0] = 'X'; /* private: the file does not change */
	char back[4];
	EXPECT_EQ(pread(fd, back, 1, 0), 1);
	EXPECT_EQ(back[0], data[0]);
	/* an offset maps from there */
	char *q = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	CHECK(q != MAP_FAILED && memcmp(q, data + PAGE, 100) == 0, "mmap at offset 4096");
	/* the mapping outlives the descriptor and the file's name */
	close(fd);
	unlink("f");
	EXPECT_EQ(p[1], data[1]);
	EXPECT_EQ(q[99], data[PAGE + 99]);
	munmap(p, 2 * PAGE);
	munmap(q, PAGE);
	make_file("f", data, LEN, 0644);
	EXPECT_SIGNAL(in_child(read_past_eof, 0), SIGBUS);
	unlink("f");
	EXPECT_SIGNAL(in_child(read_after_unmap, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(write_read_only, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(read_prot_none, 0), SIGSEGV);
}

/* A mapping shows the file's bytes as they are now: after the file changed, and in a
 * new file made where an old one was (Keel's page cache keeps pages no one maps). */
static void test_mmap_sees_new_bytes(void)
{
	char page[PAGE];
	for (int round = 0; round < 3; round++) {
		memset(page, 'a' + round, sizeof page);
		if (round != 1) /* round 1 rewrites round 0's file in place */
			make_file("g", page, sizeof page, 0644);
		int fd = open("g", O_RDWR);
		if (round == 1)
			EXPECT_EQ(pwrite(fd, page, sizeof page, 0), PAGE);
		char *p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
		CHECK(p != MAP_FAILED && p[0] == 'a' + round && p[PAGE - 1] == 'a' + round,
		      "round %d: the mapping shows %c, the file holds %c", round,
		      p == MAP_FAILED ? '?' : p[0], 'a' + round);
		if (p != MAP_FAILED)
			munmap(p, PAGE);
		close(fd);
		if (round != 0)
			unlink("g");
	}
}

/* ---- faults: the stack guard, W^X, bad instructions -------------------------------- */

static volatile int never = INT_MAX;

static int recurse(int depth)
{
	volatile char frame[512];
	frame[0] = (char)depth;
	if (depth == never)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void overflow_stack(void *arg)
{
	(void)arg;
	recurse(0);
}

static void write_text(void *arg)
{
	(void)arg;
	*(volatile unsigned char *)(uintptr_t)&write_text = 0xc3;
}

static const char rodata[] = "read only";

static void write_rodata(void *arg)
{
	(void)arg;
	*(volatile char *)(uintptr_t)rodata = 'R';
}

static const unsigned char ret_code[] = {0xb8, 7, 0, 0, 0, 0xc3}; /* mov $7, %eax; ret */

static int call_code(void *code)
{
	int (*fn)(void) = (int (*)(void))(uintptr_t)code;
	return fn();
}

static void run_stack(void *arg)
{
	unsigned char code[sizeof ret_code];
	(void)arg;
	memcpy(code, ret_code, sizeof code);
	_exit(call_code(code) == 7 ? 4 : 5);
}

static void run_heap(void *arg)
{
	unsigned char *code = malloc(64);
	(void)arg;
	memcpy(code, ret_code, sizeof ret_code);
	_exit(call_code(code) == 7 ? 4 : 5);
}

static void run_mmap_rw(void *arg)
{
	char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	memcpy(p, ret_code, sizeof ret_code);
	_exit(call_code(p) == 7 ? 4 : 5);
}

static void read_addr(void *arg)
{
	*(volatile char *)arg;
}

static void do_ud2(void *arg)
{
	(void)arg;
	__asm__ volatile("ud2");
}

static void do_int3(void *arg)
{
	(void)arg;
	__asm__ volatile("int3");
}

static void do_hlt(void *arg)
{
	(void)arg;
	__asm__ volatile("hlt");
}

static void do_divide(void *arg)
{
	(void)arg;
	__asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idivl %%ecx" ::
				 : "eax", "ecx", "edx");
}

/* Takes memory 16 MiB at a time (each mapping within what mmap promises) and
 * touches every page, until the kernel stops it. Exits 0 if 4 GiB were not enough. */
static void exhaust_memory(void *arg)
{
	(void)arg;
	for (int chunk = 0; chunk < 256; chunk++) {
		char *p = mmap(0, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (p == MAP_FAILED)
			_exit(2);
		for (long i = 0; i < 16 << 20; i += PAGE)
			p[i] = 1;
	}
	_exit(0);
}

/* Memory exhaustion kills the process that faults (SIGKILL, Linux's OOM killer's
 * signal), and the system goes on; the freeram test checks every frame came back. */
static void test_out_of_memory(void)
{
	EXPECT_SIGNAL(in_child(exhaust_memory, 0), SIGKILL);
}

static void test_stack_guard(void)
{
	EXPECT_SIGNAL(in_child(overflow_stack, 0), SIGSEGV);
}

static void test_wx(void)
{
	EXPECT_SIGNAL(in_child(write_text, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(write_rodata, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(run_stack, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(run_heap, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(run_mmap_rw, 0), SIGSEGV);
	/* the same code runs once its page is made executable (and not writable) */
	char *p = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(p, ret_code, sizeof ret_code);
	EXPECT_OK(mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(call_code(p), 7);
	munmap(p, PAGE);
}

static void test_faults(void)
{
	EXPECT_SIGNAL(in_child(read_addr, (void *)0), SIGSEGV);
	EXPECT_SIGNAL(in_child(read_addr, (void *)0xffffffff80100000ul), SIGSEGV);
	EXPECT_SIGNAL(in_child(read_addr, (void *)0xffff800000000000ul), SIGSEGV);
	EXPECT_SIGNAL(in_child(read_addr, (void *)0x0000800000000000ul), SIGSEGV);
	EXPECT_SIGNAL(in_child(read_addr, (void *)0x7ffffffff000ul), SIGSEGV);
	EXPECT_SIGNAL(in_child(do_ud2, 0), SIGILL);
	EXPECT_SIGNAL(in_child(do_int3, 0), SIGTRAP);
	EXPECT_SIGNAL(in_child(do_hlt, 0), SIGSEGV);
	EXPECT_SIGNAL(in_child(do_divide, 0), SIGFPE);
}

/* ---- pipes ------------------------------------------------------------------------ */

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 13));
}

static void test_pipe_big(void)
{
	enum { TOTAL = 4 << 20 };
	int p[2];
	EXPECT_OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		static unsigned char buf[70000];
		uint32_t rnd = 12345;
		size_t sent = 0;
		while (sent < TOTAL) {
			size_t n = next_random(&rnd) % sizeof buf + 1;
			if (n > TOTAL - sent)
				n = TOTAL - sent;
			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(sent + i);
			ssize_t w = write(p[1], buf, n);
			if (w <= 0)
				_exit(2);
			sent += w;
		}
		_exit(0);
	}
	close(p[1]);
	static unsigned char buf[65536];
	uint32_t rnd = 999;
	size_t got = 0;
	uint64_t sum = 14695981039346656037ull, want = sum;
	bool same = true;
	for (;;) {
		size_t n = next_random(&rnd) % sizeof buf + 1;
		ssize_t r = read(p[0], buf, n);
		if (r < 0) {
			FAIL("read after %zu bytes: errno %d (%s)", got, errno, errno_name(errno));
			break;
		}
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (same && buf[i] != pattern(got + i)) {
				FAIL("byte %zu is %d, sent %d", got + i, buf[i], pattern(got + i));
				same = false;
			}
		sum = fnv(sum, buf, r);
		got += r;
	}
	for (size_t i = 0; i < TOTAL; i += sizeof buf) {
		for (size_t j = 0; j < sizeof buf; j++)
			buf[j] = pattern(i + j);
		want = fnv(want, buf, sizeof buf);
	}
	EXPECT_EQ(got, TOTAL);
	CHECK(sum == want, "checksum %#llx, sent %#llx", (unsigned long long)sum,
	      (unsigned long long)want);
	EXPECT_EXIT(wait_status(pid), 0);
	close(p[0]);
}

static void test_pipe_eof(void)
{
	int p[2];
	char buf[16];
	pipe(p);
	EXPECT_EQ(write(p[1], "abc", 3), 3);
	int w2 = dup(p[1]);
	close(p[1]);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 3); /* what was written is read first */
	close(w2);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 0);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 0);
	close(p[0]);
	/* a reader blocked in read wakes with EOF when the last writer, a child, ends */
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		sleep_ms(30);
		write(p[1], "x", 1);
		sleep_ms(30);
		_exit(0);
	}
	close(p[1]);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 1);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 0);
	EXPECT_EXIT(wait_status(pid), 0);
	close(p[0]);
}

static void write_to_closed_pipe(void *arg)
{
	int p[2];
	pipe(p);
	close(p[0]);
	if (arg)
		signal(SIGPIPE, SIG_IGN);
	long r = write(p[1], "x", 1);
	_exit(r == -1 && errno == EPIPE ? 0 : 1);
}

static void test_pipe_epipe(void)
{
	EXPECT_SIGNAL(in_child(write_to_closed_pipe, 0), SIGPIPE);
	EXPECT_EXIT(in_child(write_to_closed_pipe, (void *)1), 0);
	/* the reader goes away while a writer is blocked on a full pipe */
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		static char buf[256 * 1024];
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		long r = write(p[1], buf, sizeof buf); /* fills 64 KiB, then waits */
		_exit(r > 0 && r < (long)sizeof buf ? 0 : r == -1 && errno == EPIPE ? 0 : 1);
	}
	close(p[1]);
	sleep_ms(50);
	close(p[0]);
	EXPECT_EXIT(wait_status(pid), 0);
}

static void test_pipe_flags(void)
{
	int p[2];
	char buf[4096];
	EXPECT_ERR(pipe2(p, 0x1234), EINVAL);
	EXPECT_OK(pipe2(p, O_CLOEXEC | O_NONBLOCK));
	EXPECT_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(fcntl(p[0], F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_NONBLOCK | O_RDONLY);
	EXPECT_EQ(fcntl(p[1], F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_NONBLOCK | O_WRONLY);
	EXPECT_ERR(read(p[0], buf, 1), EAGAIN);
	memset(buf, 1, sizeof buf);
	long total = 0, r;
	while ((r = write(p[1], buf, sizeof buf)) > 0)
		total += r;
	EXPECT_ERR(r, EAGAIN);
	EXPECT_EQ(total, 65536); /* the capacity Linux gives a pipe */
	EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	EXPECT_ERR(pread(p[0], buf, 1, 0), ESPIPE);
	EXPECT_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
	EXPECT_ERR(ftruncate(p[1], 0), EINVAL);
	EXPECT_ERR(syscall(SYS_ioctl, p[0], 0x5401 /* TCGETS */, buf), ENOTTY);
	struct stat st;
	EXPECT_OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode), "a pipe's st_mode is %#o", st.st_mode);
	close(p[0]);
	close(p[1]);
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ: 64 KiB at first; a power of two, a page at least. */
static void test_pipe_size(void)
{
	int p[2];
	char buf[4096];
	EXPECT_OK(pipe2(p, O_NONBLOCK));
	EXPECT_EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
	EXPECT_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
	EXPECT_EQ(write(p[1], "hello", 5), 5);
	EXPECT_EQ(fcntl(p[1], F_SETPIPE_SZ, 1), 4096);
	EXPECT_EQ(fcntl(p[0], F_GETPIPE_SZ), 4096); /* the pipe's, through either end */
	EXPECT_EQ(fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
	EXPECT_EQ(fcntl(p[1], F_SETPIPE_SZ, 0), 4096);
	EXPECT_EQ(read(p[0], buf, sizeof buf), 5); /* what it held is still there */
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	memset(buf, 'x', sizeof buf);
	long total = 0, r;
	while ((r = write(p[1], buf, sizeof buf)) > 0)
		total += r;
	EXPECT_ERR(r, EAGAIN);
	EXPECT_EQ(total, 4096);
	EXPECT_EQ(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
	total = 0;
	while ((r = write(p[1], buf, sizeof buf)) > 0)
		total += r;
	EXPECT_EQ(total, (1 << 20) - 4096);
	EXPECT_ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY); /* it would not hold what is there */
	EXPECT_EQ(fcntl(p[1], F_GETPIPE_SZ), 1 << 20);
	EXPECT_ERR(fcntl(p[1], F_SETPIPE_SZ, -1), EINVAL);
	close(p[0]);
	close(p[1]);
	make_file("f", "", 0, 0644);
	int fd = open("f", O_RDONLY);
	EXPECT_ERR(fcntl(fd, F_GETPIPE_SZ), EBADF);
	EXPECT_ERR(fcntl(fd, F_SETPIPE_SZ, 4096), EBADF);
	close(fd);
	unlink("f");
}

/* Writes of PIPE_BUF (4096) bytes are never interleaved: four writers, each its own
 * letter, and every 4096-byte block the reader gets is one letter. */
static void test_pipe_atomic(void)
{
	enum { WRITERS = 4, BLOCKS = 64 };
	int p[2];
	pid_t pids[WRITERS];
	EXPECT_OK(pipe(p));
	for (int w = 0; w < WRITERS; w++)
		if ((pids[w] = fork()) == 0) {
			char block[4096];
			memset(block, 'a' + w, sizeof block);
			close(p[0]);
			for (int i = 0; i < BLOCKS; i++)
				if (write(p[1], block, sizeof block) != sizeof block)
					_exit(1);
			_exit(0);
		}
	close(p[1]);
	static char all[WRITERS * BLOCKS * 4096];
	size_t got = 0;
	long r;
	while (got < sizeof all && (r = read(p[0], all + got, sizeof all - got)) > 0)
		got += r;
	EXPECT_EQ(got, sizeof all);
	int counts[WRITERS] = {0};
	for (size_t b = 0; b < got / 4096; b++) {
		char c = all[b * 4096];
		bool whole = c >= 'a' && c < 'a' + WRITERS;
		for (size_t i = 1; whole && i < 4096; i++)
			whole = all[b * 4096 + i] == c;
		CHECK(whole, "block %zu is not one writer's", b);
		if (!whole)
			break;
		counts[c - 'a']++;
	}
	for (int w = 0; w < WRITERS; w++) {
		EXPECT_EQ(counts[w], BLOCKS);
		EXPECT_EXIT(wait_status(pids[w]), 0);
	}
	close(p[0]);
}

/* ---- select and pselect6 ----------------------------------------------------------- */

static long now_ms(void);
static volatile int alarms;

static void count_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void catch_signal(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count_alarm;
	sa.sa_flags = flags;
	sigaction(sig, &sa, 0);
}

/* SIGALRM after ms milliseconds (setitimer: alarm's seconds are too coarse). */
static void alarm_in_ms(long ms)
{
	struct itimerval it = {{0, 0}, {ms / 1000, ms % 1000 * 1000}};
	setitimer(ITIMER_REAL, &it, 0);
}

/* The raw call: musl's select hands the kernel a copy of the timeval. */
static long raw_select(int n, fd_set *in, fd_set *out, fd_set *ex, struct timeval *tv)
{
	return syscall(SYS_select, (long)n, in, out, ex, tv);
}

static long tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000l + tv->tv_usec;
}

/* A child that writes a byte to fd after ms milliseconds. */
static pid_t write_later(int fd, long ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(ms);
		_exit(write(fd, "x", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void test_select(void)
{
	int p[2];
	fd_set r, w, e;
	struct timeval tv = {0, 0};
	pipe(p);
	/* an empty pipe: not readable, but writable; the sets come back with what is ready */
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	EXPECT_EQ(raw_select(p[1] + 1, &r, &w, 0, &tv), 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w), "empty pipe: r %d w %d",
	      FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
	write(p[1], "x", 1);
	FD_SET(p[0], &r);
	FD_SET(p[1], &r); /* the write end is never readable */
	EXPECT_EQ(raw_select(p[1] + 1, &r, 0, 0, &tv), 1);
	CHECK(FD_ISSET(p[0], &r) && !FD_ISSET(p[1], &r), "a byte in the pipe: not readable");
	/* a file is ready for both, and counts twice; nothing exceptional */
	make_file("f", "", 0, 0644);
	int fd = open("f", O_RDWR);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	FD_SET(fd, &e);
	EXPECT_EQ(raw_select(fd + 1, &r, &w, &e, &tv), 2);
	CHECK(FD_ISSET(fd, &r) && FD_ISSET(fd, &w) && !FD_ISSET(fd, &e), "a file: r %d w %d e %d",
	      FD_ISSET(fd, &r), FD_ISSET(fd, &w), FD_ISSET(fd, &e));
	/* a timeout runs out, and what is left (nothing) is written back */
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){0, 50000};
	long start = now_ms();
	EXPECT_EQ(raw_select(p[0] + 1, &r, 0, 0, &tv), 0);
	long took = now_ms() - start;
	CHECK(took >= 50 && took < 2000, "a 50 ms select took %ld ms", took);
	EXPECT_EQ(tv_us(&tv), 0);
	EXPECT_EQ(FD_ISSET(p[0], &r), 0);
	/* a writer wakes it; what is left of the timeout comes back */
	pid_t pid = write_later(p[1], 30);
	FD_SET(p[0], &r);
	tv = (struct timeval){2, 0};
	EXPECT_EQ(raw_select(p[0] + 1, &r, 0, 0, &tv), 1);
	CHECK(tv_us(&tv) > 0 && tv_us(&tv) < 2000000, "%ld us left of 2 s", tv_us(&tv));
	EXPECT_EXIT(wait_status(pid), 0);
	read(p[0], &c, 1);
	/* microseconds past a second carry into the seconds */
	FD_SET(p[1], &w);
	tv = (struct timeval){0, 1500000};
	EXPECT_EQ(raw_select(p[1] + 1, 0, &w, 0, &tv), 1);
	CHECK(tv_us(&tv) > 1000000 && tv_us(&tv) <= 1500000, "%ld us left of 1.5 s", tv_us(&tv));
	/* no timeout: it waits as long as it takes */
	pid = write_later(p[1], 30);
	FD_SET(p[0], &r);
	EXPECT_EQ(select(p[0] + 1, &r, 0, 0, 0), 1);
	EXPECT_EXIT(wait_status(pid), 0);
	read(p[0], &c, 1);
	/* the writers gone: readable (end of file); the readers gone: writable (EPIPE) */
	int q[2];
	pipe(q);
	close(q[1]);
	FD_ZERO(&r);
	FD_SET(q[0], &r);
	tv = (struct timeval){0, 0};
	EXPECT_EQ(raw_select(q[0] + 1, &r, 0, 0, &tv), 1);
	close(q[0]);
	pipe(q);
	close(q[0]);
	FD_ZERO(&w);
	FD_SET(q[1], &w);
	EXPECT_EQ(raw_select(q[1] + 1, 0, &w, 0, &tv), 1);
	close(q[1]);
	/* the terminal: output never waits; no one is typing */
	if (isatty(1)) {
		FD_ZERO(&w);
		FD_SET(1, &w);
		EXPECT_EQ(raw_select(2, 0, &w, 0, &tv), 1);
	}
	/* a signal ends the wait with EINTR, SA_RESTART or not (as on Linux) */
	for (int restart = 0; restart < 2; restart++) {
		catch_signal(SIGALRM, restart ? SA_RESTART : 0);
		alarms = 0;
		alarm_in_ms(30);
		FD_ZERO(&r);
		FD_SET(p[0], &r);
		tv = (struct timeval){5, 0};
		EXPECT_ERR(raw_select(p[0] + 1, &r, 0, 0, &tv), EINTR);
		EXPECT_EQ(alarms, 1);
		CHECK(tv_us(&tv) > 3000000 && tv_us(&tv) < 5000000, "%ld us left after EINTR",
		      tv_us(&tv));
	}
	signal(SIGALRM, SIG_DFL);
	/* errors: a descriptor asked about but not open, n, the timeout, the sets */
	FD_ZERO(&r);
	FD_SET(30, &r);
	tv = (struct timeval){0, 0};
	EXPECT_ERR(raw_select(31, &r, 0, 0, &tv), EBADF);
	EXPECT_EQ(raw_select(30, &r, 0, 0, &tv), 0); /* bits from n on are not looked at */
	EXPECT_ERR(raw_select(-1, 0, 0, 0, &tv), EINVAL);
	tv = (struct timeval){0, -1};
	EXPECT_ERR(raw_select(1, 0, 0, 0, &tv), EINVAL);
	tv = (struct timeval){-1, 0};
	EXPECT_ERR(raw_select(1, 0, 0, 0, &tv), EINVAL);
	tv = (struct timeval){0, 0};
	EXPECT_EQ(raw_select(0, 0, 0, 0, &tv), 0);
	FOR_EACH_BAD(0)
	{
		if (!current_bad)
			continue;
		EXPECT_ERR(syscall(SYS_select, 1l, current_bad, 0l, 0l, &tv), EFAULT);
		EXPECT_ERR(syscall(SYS_select, 1l, 0l, 0l, current_bad, &tv), EFAULT);
		EXPECT_ERR(syscall(SYS_select, 1l, 0l, 0l, 0l, current_bad), EFAULT);
	}
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink("f");
}

/* pselect6: a timespec, and a {sigset_t *, size} pair whose mask is in force while it
 * waits; ppoll writes back what is left of its timeout, as select does. */
static void test_pselect(void)
{
	int p[2];
	fd_set r;
	pipe(p);
	catch_signal(SIGUSR1, 0);
	sigset_t block, none, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, 0);
	/* a pending signal the call's mask blocks does not end it */
	raise(SIGUSR1);
	alarms = 0;
	struct timespec ts = {0, 30000000};
	struct {
		const sigset_t *set;
		size_t size;
	} pack = {&block, 8};
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	EXPECT_EQ(syscall(SYS_pselect6, (long)p[0] + 1, &r, 0l, 0l, &ts, &pack), 0);
	EXPECT_EQ(alarms, 0);
	EXPECT_EQ(ts.tv_sec * 1000000000l + ts.tv_nsec, 0);
	/* one it lets through does: EINTR, the handler has run, the old mask is back */
	pack.set = &none;
	ts = (struct timespec){5, 0};
	FD_SET(p[0], &r);
	EXPECT_ERR(syscall(SYS_pselect6, (long)p[0] + 1, &r, 0l, 0l, &ts, &pack), EINTR);
	EXPECT_EQ(alarms, 1);
	sigprocmask(SIG_BLOCK, 0, &now);
	CHECK(sigismember(&now, SIGUSR1), "pselect6 did not put the mask back");
	CHECK(ts.tv_sec >= 4 && ts.tv_sec < 5, "%ld s left of 5 after EINTR", (long)ts.tv_sec);
	/* ready at once; a NULL pair or a NULL set in it is no mask */
	write(p[1], "x", 1);
	ts = (struct timespec){1, 0};
	FD_SET(p[0], &r);
	EXPECT_EQ(syscall(SYS_pselect6, (long)p[0] + 1, &r, 0l, 0l, &ts, 0l), 1);
	pack.set = 0;
	pack.size = 1234;
	EXPECT_EQ(syscall(SYS_pselect6, (long)p[0] + 1, &r, 0l, 0l, &ts, &pack), 1);
	CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0, "%ld.%09ld left of 1 s", (long)ts.tv_sec,
	      ts.tv_nsec);
	/* errors: the mask's size, the pair, the timespec */
	pack.set = &none;
	pack.size = 4;
	EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, &ts, &pack), EINVAL);
	ts.tv_nsec = 1000000000;
	EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, &ts, 0l), EINVAL);
	ts = (struct timespec){-1, 0};
	EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, &ts, 0l), EINVAL);
	pack.size = 8;
	FOR_EACH_BAD(0)
	{
		if (!current_bad)
			continue;
		EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, &ts, current_bad), EFAULT);
		EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, current_bad, 0l), EFAULT);
		pack.set = (const sigset_t *)current_bad;
		ts = (struct timespec){0, 0};
		EXPECT_ERR(syscall(SYS_pselect6, 1l, 0l, 0l, 0l, &ts, &pack), EFAULT);
	}
	/* ppoll's timeout is written back too */
	char c;
	read(p[0], &c, 1);
	pid_t pid = write_later(p[1], 30);
	struct pollfd pfd = {p[0], POLLIN, 0};
	ts = (struct timespec){2, 0};
	EXPECT_EQ(syscall(SYS_ppoll, &pfd, 1l, &ts, 0l, 8l), 1);
	CHECK(ts.tv_sec == 1 && ts.tv_nsec > 0, "%ld.%09ld left of ppoll's 2 s", (long)ts.tv_sec,
	      ts.tv_nsec);
	EXPECT_EXIT(wait_status(pid), 0);
	sigprocmask(SIG_UNBLOCK, &block, 0);
	close(p[0]);
	close(p[1]);
}

/* ---- files ------------------------------------------------------------------------ */

static void test_file_rw(void)
{
	enum { LEN = 10000 };
	static char data[LEN], back[LEN + 10];
	for (int i = 0; i < LEN; i++)
		data[i] = (char)pattern(i);
	int fd = open("f", O_RDWR | O_CREAT | O_EXCL, 0644);
	EXPECT_OK(fd);
	EXPECT_EQ(write(fd, data, LEN), LEN);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), LEN);
	EXPECT_EQ(lseek(fd, 0, SEEK_SET), 0);
	EXPECT_EQ(read(fd, back, sizeof back), LEN);
	EXPECT_EQ(memcmp(back, data, LEN), 0);
	EXPECT_EQ(read(fd, back, sizeof back), 0); /* end of file */
	EXPECT_EQ(lseek(fd, -100, SEEK_END), LEN - 100);
	EXPECT_EQ(lseek(fd, 10, SEEK_CUR), LEN - 90);
	EXPECT_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	EXPECT_ERR(lseek(fd, -LEN - 1, SEEK_END), EINVAL);
	EXPECT_ERR(lseek(fd, 0, 7), EINVAL);
	EXPECT_EQ(write(fd, "", 0), 0);
	/* past the end: a hole that reads as zeros */
	EXPECT_EQ(lseek(fd, 3 * LEN, SEEK_SET), 3 * LEN);
	EXPECT_EQ(write(fd, "e", 1), 1);
	struct stat st;
	EXPECT_OK(fstat(fd, &st));
	EXPECT_EQ(st.st_size, 3 * LEN + 1);
	EXPECT_EQ(pread(fd, back, 10, 2 * LEN), 10);
	CHECK(memcmp(back, "\0\0\0\0\0\0\0\0\0\0", 10) == 0, "a hole does not read as zeros");
	/* pread and pwrite leave the offset alone */
	off_t at = lseek(fd, 5, SEEK_SET);
	EXPECT_EQ(pwrite(fd, "PW", 2, 100), 2);
	EXPECT_EQ(pread(fd, back, 2, 100), 2);
	EXPECT_EQ(memcmp(back, "PW", 2), 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), at);
	EXPECT_ERR(pwrite(fd, "x", 1, -1), EINVAL);
	EXPECT_ERR(pread(fd, back, 1, -1), EINVAL);
	/* readv and writev */
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	lseek(fd, 0, SEEK_SET);
	EXPECT_EQ(writev(fd, iov, 3), 5);
	char x[2], y[4];
	struct iovec in[2] = {{x, 2}, {y, 4}};
	lseek(fd, 0, SEEK_SET);
	EXPECT_EQ(readv(fd, in, 2), 6);
	CHECK(memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0, "readv got %.2s %.3s", x, y);
	EXPECT_ERR(syscall(SYS_readv, fd, in, -1), EINVAL);
	EXPECT_ERR(syscall(SYS_writev, fd, iov, 1025), EINVAL);
	EXPECT_EQ(syscall(SYS_readv, fd, in, 0), 0);
	close(fd);
	/* a bigger file, written and read in odd sizes */
	fd = open("big", O_RDWR | O_CREAT, 0644);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(write(fd, data, LEN - i), LEN - i);
	EXPECT_EQ(lseek(fd, 0, SEEK_END), 100 * LEN - 4950);
	close(fd);
	fd = open("f", O_RDONLY);
	EXPECT_OK(fsync(fd));
	EXPECT_OK(fdatasync(fd));
	sync();
	close(fd);
	unlink("f");
	unlink("big");
}

/* A child that reads a pipe to its end and checks it holds pattern(0..len). */
static pid_t pattern_reader(int p[2], size_t len)
{
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		static unsigned char buf[8192];
		size_t got = 0;
		long r;
		while ((r = read(p[0], buf, sizeof buf)) > 0)
			for (long i = 0; i < r; i++, got++)
				if (buf[i] != pattern(got))
					_exit(1);
		_exit(got == len ? 0 : 2);
	}
	close(p[0]);
	return pid;
}

static void test_sendfile(void)
{
	char buf[64];
	make_file("f", "0123456789", 10, 0644);
	int in = open("f", O_RDONLY), out = open("g", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	/* without an offset the input's own moves on; with one, it stays and the one
	 * given moves */
	EXPECT_EQ(sendfile(out, in, 0, 4), 4);
	EXPECT_EQ(lseek(in, 0, SEEK_CUR), 4);
	EXPECT_EQ(lseek(out, 0, SEEK_CUR), 4);
	off_t off = 6;
	EXPECT_EQ(sendfile(out, in, &off, 100), 4);
	EXPECT_EQ(off, 10);
	EXPECT_EQ(lseek(in, 0, SEEK_CUR), 4);
	EXPECT_EQ(read_file("g", buf, sizeof buf), 8);
	EXPECT_EQ(memcmp(buf, "01236789", 8), 0);
	off = 100; /* past the end: nothing, and the offset stays */
	EXPECT_EQ(sendfile(out, in, &off, 5), 0);
	EXPECT_EQ(off, 100);
	EXPECT_EQ(sendfile(out, in, 0, 0), 0);
	/* to /dev/null, and to the terminal where there is one */
	int null = open("/dev/null", O_WRONLY);
	off = 0;
	EXPECT_EQ(sendfile(null, in, &off, 100), 10);
	close(null);
	if (isatty(1)) {
		make_file("nl", "\n", 1, 0644);
		int nl = open("nl", O_RDONLY);
		EXPECT_EQ(sendfile(1, nl, 0, 1), 1);
		close(nl);
		unlink("nl");
	}
	/* 300,000 bytes through a pipe to a reader, in as many calls as it takes */
	enum { BIG = 300000 };
	static unsigned char data[BIG];
	for (size_t i = 0; i < BIG; i++)
		data[i] = pattern(i);
	make_file("big", data, BIG, 0644);
	int big = open("big", O_RDONLY), p[2];
	pipe(p);
	pid_t pid = pattern_reader(p, BIG);
	long sent = 0, r = 0;
	while (sent < BIG && (r = sendfile(p[1], big, 0, BIG - sent)) > 0)
		sent += r;
	EXPECT_EQ(sent, BIG);
	close(p[1]);
	EXPECT_EXIT(wait_status(pid), 0);
	/* a full pipe that will not wait: EAGAIN; no reader: EPIPE */
	pipe2(p, O_NONBLOCK);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	off = 0;
	EXPECT_EQ(sendfile(p[1], big, &off, 10000), 4096);
	EXPECT_ERR(sendfile(p[1], big, &off, 10000), EAGAIN);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	EXPECT_ERR(sendfile(p[1], big, &off, 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	/* errors, in Linux's order */
	pipe(p);
	mkdir("d", 0755);
	int dir = open("d", O_RDONLY), wo = open("f", O_WRONLY),
	    ap = open("g", O_WRONLY | O_APPEND);
	int zero = open("/dev/zero", O_RDONLY);
	EXPECT_ERR(sendfile(out, 999, 0, 1), EBADF);
	EXPECT_ERR(sendfile(999, in, 0, 1), EBADF);
	EXPECT_ERR(sendfile(out, wo, 0, 1), EBADF); /* the input not readable */
	EXPECT_ERR(sendfile(in, in, 0, 1), EBADF);  /* the output not writable */
	off = 0;
	EXPECT_ERR(sendfile(out, p[0], &off, 1), ESPIPE); /* an offset on a pipe */
	EXPECT_ERR(sendfile(out, p[0], 0, 1), EINVAL);	  /* nothing to send from */
	EXPECT_ERR(sendfile(out, dir, 0, 1), EINVAL);
	EXPECT_ERR(sendfile(out, zero, 0, 1), EINVAL);
	EXPECT_ERR(sendfile(ap, in, 0, 1), EINVAL); /* O_APPEND */
	off = -1;
	EXPECT_ERR(sendfile(out, in, &off, 1), EINVAL);
	EXPECT_ERR(sendfile(999, in, &off, 1), EINVAL); /* before the output is looked at */
	off = 0;
	EXPECT_ERR(sendfile(out, in, &off, (size_t)-1), EINVAL);
	off = INT64_MAX - 1;
	EXPECT_ERR(sendfile(out, in, &off, 5), EINVAL);
	EXPECT_EQ(off, INT64_MAX - 1);
	char *edge = edge_page();
	FOR_EACH_BAD(edge + PAGE - 4)
	{
		EXPECT_ERR(syscall(SYS_sendfile, out, in, current_bad, 1), EFAULT);
		EXPECT_ERR(syscall(SYS_sendfile, 999, 999, current_bad, 1),
			   EFAULT); /* read first */
	}
	const int fds[] = {in, out, big, p[0], p[1], dir, wo, ap, zero};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
	rmdir("d");
	unlink("f");
	unlink("g");
	unlink("big");
}

static void test_file_unlink_open(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	EXPECT_EQ(write(fd, "still here", 10), 10);
	EXPECT_OK(unlink("f"));
	EXPECT_ERR(open("f", O_RDONLY), ENOENT);
	EXPECT_ERR(unlink("f"), ENOENT);
	char buf[16];
	EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 10);
	EXPECT_EQ(memcmp(buf, "still here", 10), 0);
	EXPECT_EQ(write(fd, "!", 1), 1);
	struct stat st;
	EXPECT_OK(fstat(fd, &st));
	EXPECT_EQ(st.st_nlink, 0);
	EXPECT_EQ(st.st_size, 11);
	/* a new file of that name is another file */
	make_file("f", "new", 3, 0644);
	EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 11);
	close(fd);
	EXPECT_EQ(read_file("f", buf, sizeof buf), 3);
	unlink("f");
}

static void test_open_flags(void)
{
	char buf[32];
	make_file("f", "0123456789", 10, 0644);
	EXPECT_ERR(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	int fd = open("f", O_WRONLY | O_TRUNC);
	struct stat st;
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 0);
	write(fd, "abc", 3);
	close(fd);
	fd = open("f", O_RDWR | O_APPEND);
	EXPECT_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_RDWR | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "de", 2); /* appended all the same */
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 5);
	close(fd);
	EXPECT_EQ(read_file("f", buf, sizeof buf), 5);
	EXPECT_EQ(memcmp(buf, "abcde", 5), 0);
	mkdir("d", 0755);
	EXPECT_ERR(open("d", O_WRONLY), EISDIR);
	EXPECT_ERR(open("d", O_RDWR), EISDIR);
	EXPECT_ERR(open("d", O_WRONLY | O_CREAT, 0644), EISDIR);
	EXPECT_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	EXPECT_ERR(open("missing", O_RDONLY), ENOENT);
	EXPECT_ERR(open("", O_RDONLY), ENOENT);
	EXPECT_ERR(open("missing/x", O_RDWR | O_CREAT, 0644), ENOENT);
	EXPECT_ERR(open("f/x", O_RDONLY), ENOTDIR);
	EXPECT_ERR(open("f/", O_RDONLY), ENOTDIR);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	EXPECT_OK(fd);
	EXPECT_ERR(read(fd, buf, 1), EISDIR);
	EXPECT_ERR(write(fd, buf, 1), EBADF);
	/* openat relative to a directory descriptor */
	int g = openat(fd, "g", O_WRONLY | O_CREAT, 0600);
	EXPECT_OK(g);
	close(g);
	EXPECT_OK(access("d/g", F_OK));
	EXPECT_ERR(openat(open("f", O_RDONLY), "x", O_RDONLY), ENOTDIR);
	close(fd);
	/* creat is open(O_WRONLY | O_CREAT | O_TRUNC) */
	fd = creat("c", 0644);
	EXPECT_OK(fd);
	EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	close(fd);
	/* the new file's mode is the asked one less the umask */
	umask(027);
	fd = open("m", O_WRONLY | O_CREAT, 0777);
	fstat(fd, &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 0750);
	close(fd);
	umask(022);
	/* O_TRUNC truncates even with O_RDONLY, and so is writing for a directory */
	make_file("t", "0123456789", 10, 0644);
	fd = open("t", O_RDONLY | O_TRUNC);
	EXPECT_OK(fd);
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 0);
	close(fd);
	EXPECT_ERR(open("d", O_RDONLY | O_TRUNC), EISDIR);
	/* O_CREAT follows a dangling link and makes its target; O_EXCL will not */
	symlink("target", "dangling");
	EXPECT_ERR(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = open("dangling", O_WRONLY | O_CREAT, 0600);
	EXPECT_OK(fd);
	EXPECT_EQ(write(fd, "via", 3), 3);
	close(fd);
	EXPECT_EQ(read_file("target", buf, sizeof buf), 3);
	EXPECT_ERR(open("dangling", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644), ELOOP);
	EXPECT_ERR(open("dangling", O_RDONLY | O_NOFOLLOW | O_DIRECTORY), ENOTDIR);
	symlink("d", "dirlink");
	EXPECT_ERR(open("dirlink", O_RDONLY | O_CREAT, 0644), EISDIR);
	fd = open("dirlink", O_RDONLY | O_DIRECTORY);
	EXPECT_OK(fd);
	close(fd);
	/* O_CLOEXEC marks the descriptor; O_EXCL without O_CREAT is ignored */
	fd = open("t", O_RDONLY | O_CLOEXEC | O_EXCL);
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	/* pwrite on an O_APPEND file appends, whatever the offset (Linux's way) */
	fd = open("t", O_RDWR | O_APPEND);
	EXPECT_EQ(pwrite(fd, "ab", 2, 0), 2);
	EXPECT_EQ(pwrite(fd, "cd", 2, 0), 2);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 0);
	EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 4);
	EXPECT_EQ(memcmp(buf, "abcd", 4), 0);
	close(fd);
	unlink("t");
	unlink("target");
	unlink("dangling");
	unlink("dirlink");
	unlink("f");
	unlink("c");
	unlink("m");
	unlink("d/g");
	rmdir("d");
}

static void test_rename(void)
{
	char buf[16];
	make_file("a", "A", 1, 0644);
	make_file("b", "B", 1, 0644);
	EXPECT_OK(rename("a", "c"));
	EXPECT_ERR(access("a", F_OK), ENOENT);
	EXPECT_OK(rename("c", "b")); /* replaces b */
	EXPECT_EQ(read_file("b", buf, sizeof buf), 1);
	EXPECT_EQ(buf[0], 'A');
	EXPECT_ERR(access("c", F_OK), ENOENT);
	EXPECT_OK(rename("b", "b"));
	EXPECT_ERR(rename("missing", "x"), ENOENT);
	EXPECT_ERR(rename("b", "missing/x"), ENOENT);
	mkdir("d", 0755);
	mkdir("d/sub", 0755);
	mkdir("e", 0755);
	EXPECT_ERR(rename("d", "d/sub/x"), EINVAL); /* into itself */
	EXPECT_ERR(rename("b", "d"), EISDIR);
	EXPECT_ERR(rename("d", "b"), ENOTDIR);
	EXPECT_ERR(rename("e", "d"), ENOTEMPTY);
	EXPECT_OK(rename("d", "e")); /* over an empty directory */
	EXPECT_OK(access("e/sub", F_OK));
	EXPECT_ERR(access("d", F_OK), ENOENT);
	EXPECT_OK(rename("b", "e/sub/b"));
	EXPECT_EQ(read_file("e/sub/b", buf, sizeof buf), 1);
	make_file("x", "X", 1, 0644);
	EXPECT_ERR(syscall(SYS_renameat2, AT_FDCWD, "x", AT_FDCWD, "e/sub/b", 1 /* NOREPLACE */),
		   EEXIST);
	EXPECT_ERR(syscall(SYS_renameat2, AT_FDCWD, "x", AT_FDCWD, "y", 0x100), EINVAL);
	EXPECT_OK(syscall(SYS_renameat2, AT_FDCWD, "x", AT_FDCWD, "y", 1));
	EXPECT_OK(access("y", F_OK));
	unlink("y");
	unlink("e/sub/b");
	rmdir("e/sub");
	rmdir("e");
}

static void test_dirs(void)
{
	EXPECT_OK(mkdir("d", 0755));
	EXPECT_ERR(mkdir("d", 0755), EEXIST);
	EXPECT_ERR(mkdir("missing/d", 0755), ENOENT);
	make_file("f", "", 0, 0644);
	EXPECT_ERR(mkdir("f", 0755), EEXIST);
	EXPECT_ERR(mkdir("f/d", 0755), ENOTDIR);
	struct stat st;
	EXPECT_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode), "d's mode is %#o", st.st_mode);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_OK(mkdir("d/a", 0755));
	EXPECT_OK(mkdir("d/b", 0755));
	stat("d", &st);
	EXPECT_EQ(st.st_nlink, 4); /* ".", its name, and each child's ".." */
	EXPECT_ERR(rmdir("d"), ENOTEMPTY);
	EXPECT_ERR(rmdir("f"), ENOTDIR);
	EXPECT_ERR(unlink("d"), EISDIR);
	EXPECT_ERR(rmdir("missing"), ENOENT);
	EXPECT_ERR(rmdir("d/a/."), EINVAL);
	EXPECT_ERR(rmdir("d/a/.."), ENOTEMPTY);
	EXPECT_ERR(syscall(SYS_unlinkat, AT_FDCWD, "d/a", 0), EISDIR);
	EXPECT_OK(syscall(SYS_unlinkat, AT_FDCWD, "d/a", AT_REMOVEDIR));
	EXPECT_ERR(syscall(SYS_unlinkat, AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
	EXPECT_ERR(syscall(SYS_unlinkat, AT_FDCWD, "f", 0x1), EINVAL);
	EXPECT_OK(rmdir("d/b"));
	stat("d", &st);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_OK(syscall(SYS_mkdirat, AT_FDCWD, "d/c", 0700));
	EXPECT_OK(rmdir("d/c"));
	EXPECT_OK(rmdir("d"));
	EXPECT_ERR(rmdir("d"), ENOENT);
	unlink("f");
}

/* Reads a directory with getdents64 through a small buffer: returns how many names
 * it saw, and checks each of "." "..", f00..f(n-1) and "sub" comes once. */
static void test_getdents(void)
{
	enum { N = 60 };
	char name[16];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "f%02d", i);
		make_file(name, "", 0, 0644);
	}
	mkdir("sub", 0755);
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	int seen[N] = {0}, dots = 0, dotdots = 0, subs = 0, others = 0;
	for (int pass = 0; pass < 2; pass++) {
		memset(seen, 0, sizeof seen);
		dots = dotdots = subs = others = 0;
		lseek(fd, 0, SEEK_SET);
		char buf[200]; /* a few entries a call */
		long n;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long off = 0; off < n;) {
				struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
				int i;
				if (strcmp(d->d_name, ".") == 0)
					dots++;
				else if (strcmp(d->d_name, "..") == 0)
					dotdots++;
				else if (strcmp(d->d_name, "sub") == 0) {
					subs++;
					EXPECT_EQ(d->d_type, DT_DIR_);
				} else if (sscanf(d->d_name, "f%d", &i) == 1 && i >= 0 && i < N) {
					seen[i]++;
					EXPECT_EQ(d->d_type, DT_REG_);
				} else
					others++;
				CHECK(d->d_reclen >= 20 && d->d_reclen % 8 == 0,
				      "d_reclen %d for %s", d->d_reclen, d->d_name);
				off += d->d_reclen;
			}
		}
		EXPECT_EQ(n, 0);
	}
	EXPECT_EQ(dots, 1);
	EXPECT_EQ(dotdots, 1);
	EXPECT_EQ(subs, 1);
	EXPECT_EQ(others, 0);
	for (int i = 0; i < N; i++)
		CHECK(seen[i] == 1, "f%02d seen %d times", i, seen[i]);
	char tiny[8];
	lseek(fd, 0, SEEK_SET);
	EXPECT_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL);
	close(fd);
	fd = open("f00", O_RDONLY);
	EXPECT_ERR(syscall(SYS_getdents64, fd, tiny, sizeof tiny), ENOTDIR);
	close(fd);
	/* a removed directory, still open, cannot be read */
	fd = open("sub", O_RDONLY | O_DIRECTORY);
	rmdir("sub");
	char buf[256];
	EXPECT_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOENT);
	close(fd);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "f%02d", i);
		unlink(name);
	}
}

/* rm -r's pattern: read a few entries, unlink them, read on. Every entry must be
 * seen once, none skipped because earlier ones went away. */
static void test_getdents_removing(void)
{
	enum { N = 300 };
	char name[16];
	mkdir("many", 0755);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "many/e%03d", i);
		make_file(name, "", 0, 0644);
	}
	int fd = open("many", O_RDONLY | O_DIRECTORY), removed = 0;
	char buf[256], path[32];
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			snprintf(path, sizeof path, "many/%.20s", d->d_name);
			if (d->d_name[0] != '.' && unlink(path) == 0)
				removed++;
			off += d->d_reclen;
		}
	EXPECT_EQ(n, 0);
	close(fd);
	EXPECT_EQ(removed, N);
	EXPECT_OK(rmdir("many"));
}

static void test_symlink(void)
{
	char buf[64];
	make_file("f", "data", 4, 0644);
	EXPECT_OK(symlink("f", "s"));
	EXPECT_ERR(symlink("f", "s"), EEXIST);
	EXPECT_ERR(symlink("f", "f"), EEXIST);
	memset(buf, 'z', sizeof buf);
	EXPECT_EQ(readlink("s", buf, sizeof buf), 1);
	EXPECT_EQ(buf[0], 'f');
	EXPECT_EQ(buf[1], 'z'); /* no NUL added */
	EXPECT_OK(symlink("a/longer/target", "t"));
	EXPECT_EQ(readlink("t", buf, 4), 4); /* truncated, silently */
	EXPECT_EQ(memcmp(buf, "a/lo", 4), 0);
	EXPECT_ERR(syscall(SYS_readlink, "t", buf, 0), EINVAL);
	EXPECT_ERR(readlink("f", buf, sizeof buf), EINVAL);
	EXPECT_ERR(readlink("missing", buf, sizeof buf), ENOENT);
	struct stat st, lst;
	EXPECT_OK(lstat("s", &lst));
	CHECK(S_ISLNK(lst.st_mode), "lstat of a symlink: mode %#o", lst.st_mode);
	EXPECT_EQ(lst.st_size, 1);
	EXPECT_OK(stat("s", &st));
	CHECK(S_ISREG(st.st_mode) && st.st_size == 4, "stat through a symlink: mode %#o size %ld",
	      st.st_mode, (long)st.st_size);
	EXPECT_EQ(read_file("s", buf, sizeof buf), 4);
	/* dangling, looping, not followed */
	EXPECT_ERR(open("t", O_RDONLY), ENOENT);
	EXPECT_ERR(stat("t", &st), ENOENT);
	EXPECT_OK(lstat("t", &st));
	symlink("loop2", "loop1");
	symlink("loop1", "loop2");
	EXPECT_ERR(open("loop1", O_RDONLY), ELOOP);
	EXPECT_ERR(stat("loop1/x", &st), ELOOP);
	EXPECT_ERR(open("s", O_RDONLY | O_NOFOLLOW), ELOOP);
	/* a symlink to a directory, in the middle of a path */
	mkdir("d", 0755);
	make_file("d/in", "in", 2, 0644);
	symlink("d", "sd");
	EXPECT_EQ(read_file("sd/in", buf, sizeof buf), 2);
	symlink("/", "root");
	EXPECT_OK(stat("root/tmp", &st));
	/* unlink takes the link, not its target */
	EXPECT_OK(unlink("s"));
	EXPECT_OK(access("f", F_OK));
	EXPECT_OK(syscall(SYS_symlinkat, "f", AT_FDCWD, "s2"));
	EXPECT_EQ(syscall(SYS_readlinkat, AT_FDCWD, "s2", buf, sizeof buf), 1);
	static const char *const names[] = {"f", "t", "loop1", "loop2", "d/in", "sd", "root", "s2"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(names[i]);
	rmdir("d");
}

static void test_link(void)
{
	char buf[16];
	struct stat a, b;
	make_file("f", "linked", 6, 0644);
	EXPECT_OK(link("f", "g"));
	EXPECT_OK(stat("f", &a));
	EXPECT_OK(stat("g", &b));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(a.st_nlink, 2);
	EXPECT_ERR(link("f", "g"), EEXIST);
	EXPECT_ERR(link("missing", "h"), ENOENT);
	mkdir("d", 0755);
	EXPECT_ERR(link("d", "dl"), EPERM);
	EXPECT_OK(unlink("f"));
	EXPECT_OK(stat("g", &b));
	EXPECT_EQ(b.st_nlink, 1);
	EXPECT_EQ(read_file("g", buf, sizeof buf), 6);
	EXPECT_OK(syscall(SYS_linkat, AT_FDCWD, "g", AT_FDCWD, "d/h", 0));
	EXPECT_ERR(syscall(SYS_linkat, AT_FDCWD, "g", AT_FDCWD, "i", 0x1), EINVAL);
	/* one file under every name: what is written through one is read through another,
	 * and an open file's link count follows */
	int fd = open("g", O_RDWR);
	EXPECT_EQ(pwrite(fd, "LINKED", 6, 0), 6);
	EXPECT_EQ(read_file("d/h", buf, sizeof buf), 6);
	EXPECT_EQ(memcmp(buf, "LINKED", 6), 0);
	fstat(fd, &a);
	EXPECT_EQ(a.st_nlink, 2);
	unlink("d/h");
	fstat(fd, &a);
	EXPECT_EQ(a.st_nlink, 1);
	/* the new name is looked at first: EEXIST before EPERM */
	EXPECT_ERR(link("d", "g"), EEXIST);
	EXPECT_ERR(link("g", "missing/x"), ENOENT);
	EXPECT_ERR(link("g", "g/x"), ENOTDIR);
	/* a symlink is linked itself, unless AT_SYMLINK_FOLLOW */
	symlink("g", "s");
	EXPECT_OK(link("s", "s2"));
	EXPECT_OK(lstat("s", &a));
	EXPECT_OK(lstat("s2", &b));
	CHECK(S_ISLNK(b.st_mode) && a.st_ino == b.st_ino, "link of a symlink: mode %#o", b.st_mode);
	EXPECT_OK(syscall(SYS_linkat, AT_FDCWD, "s", AT_FDCWD, "h", AT_SYMLINK_FOLLOW));
	EXPECT_OK(stat("g", &a));
	EXPECT_OK(lstat("h", &b));
	EXPECT_EQ(b.st_ino, a.st_ino);
	EXPECT_EQ(b.st_nlink, 2);
	/* AT_EMPTY_PATH links an open file (root may); not once it has lost its last name */
	EXPECT_OK(syscall(SYS_linkat, fd, "", AT_FDCWD, "e", AT_EMPTY_PATH));
	EXPECT_OK(stat("e", &b));
	EXPECT_EQ(b.st_ino, a.st_ino);
	EXPECT_ERR(syscall(SYS_linkat, fd, "", AT_FDCWD, "e2", 0), ENOENT);
	close(fd);
	make_file("u", "", 0, 0644);
	fd = open("u", O_RDONLY);
	unlink("u");
	EXPECT_ERR(syscall(SYS_linkat, fd, "", AT_FDCWD, "u2", AT_EMPTY_PATH), ENOENT);
	close(fd);
	static const char *const names[] = {"g", "s", "s2", "h", "e"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(names[i]);
	rmdir("d");
}

static void test_dup(void)
{
	make_file("f", "0123456789", 10, 0644);
	int fd = open("f", O_RDONLY);
	int next_fd = lowest_free_fd();
	int d = dup(fd);
	EXPECT_EQ(d, next_fd); /* the lowest free */
	char c;
	read(fd, &c, 1);
	EXPECT_EQ(lseek(d, 0, SEEK_CUR), 1); /* one open file, one offset */
	EXPECT_EQ(dup2(fd, fd), fd);
	EXPECT_EQ(dup2(fd, 50), 50);
	int other = open("f", O_RDONLY);
	EXPECT_EQ(dup2(fd, other), other); /* closes what other was, silently */
	EXPECT_EQ(lseek(other, 0, SEEK_CUR), 1);
	EXPECT_ERR(dup2(fd, -1), EBADF);
	EXPECT_ERR(dup2(fd, 1 << 20), EBADF);
	EXPECT_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_dup3, fd, 51, 0x1234), EINVAL); /* musl would drop the flags */
	EXPECT_EQ(dup3(fd, 51, O_CLOEXEC), 51);
	EXPECT_EQ(fcntl(51, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(fcntl(fd, F_GETFD), 0); /* the flag is the descriptor's, not the file's */
	EXPECT_EQ(dup3(fd, 51, 0), 51);
	EXPECT_EQ(fcntl(51, F_GETFD), 0);
	close(fd);
	EXPECT_EQ(read(d, &c, 1), 1); /* the file lives while a descriptor does */
	EXPECT_EQ(c, '1');
	close(d);
	close(50);
	close(51);
	close(other);
	unlink("f");
}

static void test_fcntl(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	EXPECT_EQ(fcntl(fd, F_GETFD), 0);
	EXPECT_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
	EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	EXPECT_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR);
	EXPECT_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
	/* the access mode stays: F_SETFL changes only the status flags */
	EXPECT_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
		  O_RDWR | O_APPEND | O_NONBLOCK);
	int d = fcntl(fd, F_DUPFD, 20);
	EXPECT_EQ(d, 20);
	EXPECT_EQ(fcntl(d, F_GETFD), 0);
	EXPECT_EQ(fcntl(fd, F_DUPFD, 20), 21);
	EXPECT_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 20), 22);
	EXPECT_EQ(fcntl(22, F_GETFD), FD_CLOEXEC);
	EXPECT_ERR(fcntl(fd, F_DUPFD, 1 << 20), EINVAL);
	EXPECT_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	EXPECT_ERR(syscall(SYS_fcntl, fd, 9999), EINVAL);
	close(20);
	close(21);
	close(22);
	close(fd);
	unlink("f");
}

/* A process can hold 1024 descriptors (RLIMIT_NOFILE's soft limit): 0 to 1023. */
static void test_emfile(void)
{
	struct rlimit rl;
	EXPECT_OK(getrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_EQ(rl.rlim_cur, 1024);
	int last = -1, fd;
	while ((fd = dup(0 > fcntl(0, F_GETFD) ? open(".", O_RDONLY) : 0)) >= 0)
		last = fd;
	EXPECT_ERR(fd, EMFILE);
	EXPECT_EQ(last, 1023);
	EXPECT_ERR(open(".", O_RDONLY), EMFILE);
	int p[2];
	EXPECT_ERR(pipe(p), EMFILE);
	EXPECT_ERR(fcntl(0, F_DUPFD, 0), EMFILE);
	close(500);
	EXPECT_EQ(dup(1), 500);
	/* a lower limit is obeyed, for new descriptors */
	for (int i = 3; i < 1024; i++)
		if (i != report_fd)
			close(i);
	rl.rlim_cur = 10;
	EXPECT_OK(setrlimit(RLIMIT_NOFILE, &rl));
	while ((fd = open(".", O_RDONLY)) >= 0)
		last = fd;
	EXPECT_ERR(fd, EMFILE);
	EXPECT_EQ(last, 9);
	EXPECT_ERR(dup2(0, 10), EBADF);
}

static void test_stat(void)
{
	make_file("f", "12345", 5, 0640);
	struct stat st, fst, lst;
	EXPECT_OK(stat("f", &st));
	EXPECT_EQ(st.st_size, 5);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
	EXPECT_EQ(st.st_nlink, 1);
	EXPECT_EQ(st.st_uid, 0);
	CHECK(st.st_ino != 0, "st_ino is 0");
	CHECK(st.st_blksize > 0, "st_blksize is %ld", (long)st.st_blksize);
	int fd = open("f", O_RDONLY);
	EXPECT_OK(fstat(fd, &fst));
	EXPECT_EQ(fst.st_ino, st.st_ino);
	EXPECT_EQ(fst.st_dev, st.st_dev);
	EXPECT_OK(lstat("f", &lst));
	EXPECT_EQ(lst.st_ino, st.st_ino);
	EXPECT_OK(syscall(SYS_newfstatat, fd, "", &fst, AT_EMPTY_PATH));
	EXPECT_EQ(fst.st_ino, st.st_ino);
	EXPECT_ERR(syscall(SYS_newfstatat, fd, "", &fst, 0), ENOENT);
	EXPECT_ERR(syscall(SYS_newfstatat, AT_FDCWD, "f", &fst, 0x40000), EINVAL);
	close(fd);
	EXPECT_OK(stat(".", &st));
	CHECK(S_ISDIR(st.st_mode), ". is not a directory: %#o", st.st_mode);
	EXPECT_OK(stat("/", &st));
	EXPECT_OK(stat("/..", &fst));
	EXPECT_EQ(st.st_ino, fst.st_ino); /* .. at the root is the root */
	EXPECT_ERR(stat("missing", &st), ENOENT);
	EXPECT_ERR(stat("f/x", &st), ENOTDIR);
	EXPECT_ERR(stat("", &st), ENOENT);
	/* writing updates the size and the modification time moves forward */
	stat("f", &st);
	sleep_ms(20);
	make_file("f", "123456789", 9, 0640);
	stat("f", &fst);
	EXPECT_EQ(fst.st_size, 9);
	CHECK(fst.st_mtim.tv_sec > st.st_mtim.tv_sec || (fst.st_mtim.tv_sec == st.st_mtim.tv_sec &&
							 fst.st_mtim.tv_nsec >= st.st_mtim.tv_nsec),
	      "mtime went back");
	unlink("f");
}

static void test_cwd(void)
{
	char cwd[PATH_MAX], buf[PATH_MAX];
	EXPECT_OK(getcwd(cwd, sizeof cwd) ? 0 : -1);
	CHECK(strncmp(cwd, "/tmp/", 5) == 0, "getcwd says %s, not under /tmp", cwd);
	mkdir("d", 0755);
	make_file("d/f", "x", 1, 0644);
	EXPECT_OK(chdir("d"));
	getcwd(buf, sizeof buf);
	CHECK(strlen(buf) == strlen(cwd) + 2 && strcmp(buf + strlen(cwd), "/d") == 0,
	      "after chdir(d): %s", buf);
	EXPECT_OK(access("f", F_OK));
	EXPECT_OK(chdir(".."));
	getcwd(buf, sizeof buf);
	EXPECT_EQ(strcmp(buf, cwd), 0);
	EXPECT_ERR(chdir("d/f"), ENOTDIR);
	EXPECT_ERR(chdir("missing"), ENOENT);
	EXPECT_ERR(chdir(""), ENOENT);
	EXPECT_ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
	EXPECT_ERR(syscall(SYS_getcwd, buf, 0), ERANGE);
	long n = syscall(SYS_getcwd, buf, sizeof buf);
	EXPECT_EQ(n, strlen(cwd) + 1); /* the length with the NUL */
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	EXPECT_OK(fchdir(fd));
	EXPECT_OK(access("f", F_OK));
	close(fd);
	fd = open("f", O_RDONLY);
	EXPECT_ERR(fchdir(fd), ENOTDIR);
	close(fd);
	EXPECT_OK(chdir("/"));
	getcwd(buf, sizeof buf);
	EXPECT_EQ(strcmp(buf, "/"), 0);
	EXPECT_OK(chdir(".."));
	getcwd(buf, sizeof buf);
	EXPECT_EQ(strcmp(buf, "/"), 0);
	/* a child inherits the directory; its chdir is its own */
	chdir(cwd);
	pid_t pid = fork();
	if (pid == 0) {
		char here[PATH_MAX];
		getcwd(here, sizeof here);
		_exit(strcmp(here, cwd) == 0 && chdir("/") == 0 ? 0 : 1);
	}
	EXPECT_EXIT(wait_status(pid), 0);
	getcwd(buf, sizeof buf);
	EXPECT_EQ(strcmp(buf, cwd), 0);
	unlink("d/f");
	rmdir("d");
	/* a removed working directory: getcwd says ENOENT, and no file can be made */
	mkdir("gone", 0755);
	chdir("gone");
	rmdir("../gone");
	EXPECT_ERR(syscall(SYS_getcwd, buf, sizeof buf), ENOENT);
	EXPECT_ERR(open("x", O_WRONLY | O_CREAT, 0644), ENOENT);
	chdir(cwd);
}

static void test_chmod_chown(void)
{
	struct stat st;
	make_file("f", "", 0, 0644);
	EXPECT_OK(chmod("f", 0600));
	stat("f", &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 0600);
	int fd = open("f", O_RDONLY);
	EXPECT_OK(fchmod(fd, 04755));
	fstat(fd, &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 04755);
	close(fd);
	EXPECT_OK(syscall(SYS_fchmodat, AT_FDCWD, "f", 0640));
	stat("f", &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
	EXPECT_ERR(chmod("missing", 0644), ENOENT);
	EXPECT_OK(chown("f", 12, 34));
	stat("f", &st);
	EXPECT_EQ(st.st_uid, 12);
	EXPECT_EQ(st.st_gid, 34);
	EXPECT_OK(chown("f", -1, 56)); /* -1 leaves it */
	stat("f", &st);
	EXPECT_EQ(st.st_uid, 12);
	EXPECT_EQ(st.st_gid, 56);
	fd = open("f", O_RDONLY);
	EXPECT_OK(fchown(fd, 21, -1));
	fstat(fd, &st);
	EXPECT_EQ(st.st_uid, 21);
	EXPECT_EQ(st.st_gid, 56);
	EXPECT_OK(fchown(fd, 12, -1));
	close(fd);
	symlink("f", "s");
	EXPECT_OK(lchown("s", 7, 8));
	lstat("s", &st);
	EXPECT_EQ(st.st_uid, 7);
	stat("s", &st);
	EXPECT_EQ(st.st_uid, 12);
	EXPECT_OK(syscall(SYS_fchownat, AT_FDCWD, "s", 9, 9, AT_SYMLINK_NOFOLLOW));
	lstat("s", &st);
	EXPECT_EQ(st.st_uid, 9);
	EXPECT_ERR(chown("missing", 0, 0), ENOENT);
	EXPECT_ERR(syscall(SYS_fchownat, AT_FDCWD, "f", 0, 0, 0x1), EINVAL);
	fd = open("f", O_RDONLY);
	EXPECT_OK(fchown(fd, 21, -1));
	fstat(fd, &st);
	EXPECT_EQ(st.st_uid, 21);
	EXPECT_EQ(st.st_gid, 56);
	EXPECT_OK(syscall(SYS_fchownat, fd, "", 22, 23, AT_EMPTY_PATH));
	fstat(fd, &st);
	EXPECT_EQ(st.st_uid, 22);
	EXPECT_EQ(st.st_gid, 23);
	EXPECT_ERR(fchown(999, 0, 0), EBADF);
	EXPECT_ERR(fchmod(999, 0644), EBADF);
	/* a new owner takes set-user-ID away, even from root's chown, and set-group-ID
	 * where group execute makes it mean that */
	fchmod(fd, 06755);
	EXPECT_OK(fchown(fd, -1, -1));
	fstat(fd, &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 0755);
	fchmod(fd, 06745);
	EXPECT_OK(chown("f", 1, 1));
	fstat(fd, &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 02745);
	close(fd);
	mkdir("sd", 0755);
	chmod("sd", 03755);
	EXPECT_OK(chown("sd", 1, 1)); /* not for a directory */
	stat("sd", &st);
	EXPECT_EQ(st.st_mode, S_IFDIR | 03755);
	rmdir("sd");
	/* and mkdir's mode gives neither */
	mkdir("sd", 07755);
	stat("sd", &st);
	EXPECT_EQ(st.st_mode, S_IFDIR | 01755);
	rmdir("sd");
	/* umask returns the old mask, and masks new files and directories */
	EXPECT_EQ(umask(077), 022);
	mkdir("d", 0777);
	stat("d", &st);
	EXPECT_EQ(st.st_mode, S_IFDIR | 0700);
	EXPECT_EQ(umask(022), 077);
	EXPECT_EQ(syscall(SYS_umask, 0777 | 01000), 022); /* only the permission bits kept */
	EXPECT_EQ(umask(022), 0777);
	rmdir("d");
	unlink("s");
	unlink("f");
}

static void test_truncate(void)
{
	char buf[32];
	make_file("f", "0123456789", 10, 0644);
	int fd = open("f", O_RDWR);
	EXPECT_OK(ftruncate(fd, 4));
	struct stat st;
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 4);
	EXPECT_OK(ftruncate(fd, 20));
	EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 20);
	CHECK(memcmp(buf, "0123\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20) == 0,
	      "grown by ftruncate: not zeros past the old end");
	EXPECT_OK(truncate("f", 2));
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 2);
	EXPECT_ERR(ftruncate(fd, -1), EINVAL);
	close(fd);
	fd = open("f", O_RDONLY);
	EXPECT_ERR(ftruncate(fd, 0), EINVAL);
	close(fd);
	mkdir("d", 0755);
	EXPECT_ERR(truncate("d", 0), EISDIR);
	EXPECT_ERR(truncate("missing", 0), ENOENT);
	EXPECT_ERR(truncate("f", -1), EINVAL);
	rmdir("d");
	unlink("f");
}

static bool time_between(const struct timespec *t, time_t from, time_t to)
{
	return t->tv_sec >= from && t->tv_sec <= to;
}

#define EXPECT_TIME(ts, sec, nsec)             \
	do {                                   \
		EXPECT_EQ((ts).tv_sec, sec);   \
		EXPECT_EQ((ts).tv_nsec, nsec); \
	} while (0)

static void test_utimes(void)
{
	struct stat st;
	make_file("f", "x", 1, 0644);
	/* times as given, to the nanosecond; the change time is now */
	time_t before = time(0);
	struct timespec t[2] = {{1000000000, 123456789}, {1500000000, 987654321}};
	EXPECT_OK(utimensat(AT_FDCWD, "f", t, 0));
	stat("f", &st);
	EXPECT_TIME(st.st_atim, 1000000000, 123456789);
	EXPECT_TIME(st.st_mtim, 1500000000, 987654321);
	CHECK(time_between(&st.st_ctim, before, time(0)), "ctime %ld, not now (%ld)",
	      (long)st.st_ctim.tv_sec, (long)before);
	/* UTIME_OMIT leaves a time, UTIME_NOW makes it now: the wall clock's */
	t[0].tv_nsec = UTIME_OMIT;
	t[1] = (struct timespec){5, UTIME_NOW};
	EXPECT_OK(utimensat(AT_FDCWD, "f", t, 0));
	stat("f", &st);
	EXPECT_TIME(st.st_atim, 1000000000, 123456789);
	CHECK(time_between(&st.st_mtim, before, time(0)), "UTIME_NOW gave mtime %ld, not %ld",
	      (long)st.st_mtim.tv_sec, (long)before);
	EXPECT_OK(utimensat(AT_FDCWD, "f", 0, 0)); /* NULL: both now */
	stat("f", &st);
	CHECK(time_between(&st.st_atim, before, time(0)), "atime %ld, not now (%ld)",
	      (long)st.st_atim.tv_sec, (long)before);
	/* before 1970 is a time too */
	t[0] = (struct timespec){-1, 0};
	t[1] = (struct timespec){-86400, 5};
	EXPECT_OK(utimensat(AT_FDCWD, "f", t, 0));
	stat("f", &st);
	EXPECT_TIME(st.st_atim, -1, 0);
	EXPECT_TIME(st.st_mtim, -86400, 5);
	/* a NULL path with a descriptor is that file (futimens), and AT_EMPTY_PATH too */
	int fd = open("f", O_RDONLY);
	t[0] = (struct timespec){7, 0};
	t[1] = (struct timespec){8, 0};
	EXPECT_OK(syscall(SYS_utimensat, fd, 0L, t, 0));
	fstat(fd, &st);
	EXPECT_TIME(st.st_mtim, 8, 0);
	EXPECT_ERR(syscall(SYS_utimensat, fd, 0L, t, AT_SYMLINK_NOFOLLOW), EINVAL);
	EXPECT_ERR(syscall(SYS_utimensat, 999, 0L, t, 0), EBADF);
	EXPECT_ERR(syscall(SYS_utimensat, AT_FDCWD, 0L, t, 0), EFAULT);
	t[1].tv_sec = 9;
	EXPECT_OK(syscall(SYS_utimensat, fd, "", t, AT_EMPTY_PATH));
	fstat(fd, &st);
	EXPECT_TIME(st.st_mtim, 9, 0);
	EXPECT_ERR(syscall(SYS_utimensat, fd, "", t, 0), ENOENT);
	close(fd);
	/* a link's own times, with AT_SYMLINK_NOFOLLOW */
	symlink("f", "s");
	t[1].tv_sec = 12;
	EXPECT_OK(utimensat(AT_FDCWD, "s", t, AT_SYMLINK_NOFOLLOW));
	lstat("s", &st);
	EXPECT_TIME(st.st_mtim, 12, 0);
	stat("s", &st);
	EXPECT_TIME(st.st_mtim, 9, 0);
	/* errors: a bad nanosecond count, flags, names; nothing to do is done first */
	EXPECT_ERR(utimensat(AT_FDCWD, "missing", t, 0), ENOENT);
	EXPECT_ERR(utimensat(AT_FDCWD, "f", t, 0x1), EINVAL);
	t[0].tv_nsec = 1000000000;
	EXPECT_ERR(utimensat(AT_FDCWD, "f", t, 0), EINVAL);
	t[0].tv_nsec = -1;
	EXPECT_ERR(utimensat(AT_FDCWD, "f", t, 0), EINVAL);
	EXPECT_ERR(utimensat(AT_FDCWD, "missing", t, 0), ENOENT); /* the name is first */
	t[0].tv_nsec = t[1].tv_nsec = UTIME_OMIT;
	EXPECT_OK(syscall(SYS_utimensat, AT_FDCWD, "missing", t, 0x1234));
	t[0].tv_nsec = t[1].tv_nsec = 0;
	char *edge = edge_page();
	FOR_EACH_BAD(edge + PAGE - 8)
	{ /* the last: a pair that runs off its page */
		EXPECT_ERR(syscall(SYS_utimensat, AT_FDCWD, "f", current_bad, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_utimensat, AT_FDCWD, current_bad, t, 0), EFAULT);
		EXPECT_ERR(syscall(SYS_utimes, "f", current_bad), EFAULT);
		EXPECT_ERR(syscall(SYS_utime, "f", current_bad), EFAULT);
	}
	/* utimes and futimesat (raw: musl's go through utimensat): microseconds, below a
	 * second */
	struct timeval tv[2] = {{100, 5}, {200, 999999}};
	EXPECT_OK(syscall(SYS_utimes, "f", tv));
	stat("f", &st);
	EXPECT_TIME(st.st_atim, 100, 5000);
	EXPECT_TIME(st.st_mtim, 200, 999999000);
	tv[1].tv_usec = 1000000;
	EXPECT_ERR(syscall(SYS_utimes, "f", tv), EINVAL);
	tv[1].tv_usec = -1;
	EXPECT_ERR(syscall(SYS_utimes, "f", tv), EINVAL);
	tv[1].tv_usec = 0;
	EXPECT_OK(syscall(SYS_futimesat, AT_FDCWD, "f", tv));
	stat("f", &st);
	EXPECT_TIME(st.st_mtim, 200, 0);
	EXPECT_OK(syscall(SYS_utimes, "f", 0L));
	stat("f", &st);
	CHECK(time_between(&st.st_mtim, before, time(0)), "utimes(NULL): mtime %ld, not now",
	      (long)st.st_mtim.tv_sec);
	/* utime (raw too): seconds */
	struct utimbuf u = {300, 400};
	EXPECT_OK(syscall(SYS_utime, "f", &u));
	stat("f", &st);
	EXPECT_TIME(st.st_atim, 300, 0);
	EXPECT_TIME(st.st_mtim, 400, 0);
	EXPECT_OK(syscall(SYS_utime, "f", 0L));
	EXPECT_ERR(syscall(SYS_utime, "missing", &u), ENOENT);
	/* a new file's times, and a write's, are the wall clock's */
	make_file("g", "x", 1, 0644);
	stat("g", &st);
	CHECK(time_between(&st.st_mtim, before, time(0)) &&
		      time_between(&st.st_ctim, before, time(0)),
	      "a new file's mtime %ld ctime %ld, not now (%ld)", (long)st.st_mtim.tv_sec,
	      (long)st.st_ctim.tv_sec, (long)before);
	unlink("s");
	unlink("f");
	unlink("g");
}

/* The root is a tmpfs on Linux (its initramfs), the RAM file system on Keel: both say
 * TMPFS_MAGIC, and its free blocks are memory, which a file takes. */
static void test_statfs(void)
{
	static char mb[1 << 20];
	memset(mb, 1, sizeof mb); /* its pages taken now: on Keel, free blocks are free memory */
	struct statfs a, b;
	EXPECT_OK(statfs(".", &a));
	EXPECT_EQ(a.f_type, 0x01021994); /* TMPFS_MAGIC */
	EXPECT_EQ(a.f_bsize, 4096);
	EXPECT_EQ(a.f_frsize, 4096);
	EXPECT_EQ(a.f_namelen, 255);
	CHECK(a.f_flags & 0x20, "f_flags %#lx without ST_VALID", (long)a.f_flags);
	CHECK(a.f_blocks > 0 && a.f_bfree <= a.f_blocks && a.f_bavail == a.f_bfree,
	      "blocks %ld free %ld available %ld", (long)a.f_blocks, (long)a.f_bfree,
	      (long)a.f_bavail);
	EXPECT_OK(statfs("/dev/null", &b)); /* the same file system everywhere */
	EXPECT_EQ(b.f_type, a.f_type);
	/* a file of 1 MiB takes 256 blocks; removed, it gives them back */
	make_file("f", mb, sizeof mb, 0644);
	int fd = open("f", O_RDONLY);
	EXPECT_OK(fstatfs(fd, &b));
	long taken = (long)a.f_bfree - (long)b.f_bfree;
	CHECK(taken >= 256 && taken < 256 + 64, "a 1 MiB file took %ld blocks", taken);
	close(fd);
	unlink("f");
	EXPECT_OK(statfs(".", &b));
	taken = (long)a.f_bfree - (long)b.f_bfree;
	CHECK(taken > -64 && taken < 64, "%ld blocks not back after unlink", taken);
	/* a pipe's is pipefs */
	int p[2];
	pipe(p);
	EXPECT_OK(fstatfs(p[0], &b));
	EXPECT_EQ(b.f_type, 0x50495045); /* PIPEFS_MAGIC */
	close(p[0]);
	close(p[1]);
	/* errors */
	EXPECT_ERR(statfs("missing", &a), ENOENT);
	EXPECT_ERR(statfs("", &a), ENOENT);
	make_file("f", "", 0, 0644);
	EXPECT_ERR(statfs("f/x", &a), ENOTDIR);
	EXPECT_ERR(fstatfs(999, &a), EBADF);
	EXPECT_ERR(fstatfs(-1, &a), EBADF);
	char *edge = edge_page();
	EXPECT_ERR(syscall(SYS_statfs, edge + PAGE - 1, &a), EFAULT); /* a name off its page */
	FOR_EACH_BAD(edge + PAGE - 8)
	{
		EXPECT_ERR(syscall(SYS_statfs, ".", current_bad), EFAULT);
		EXPECT_ERR(syscall(SYS_fstatfs, 0, current_bad), EFAULT);
	}
	/* syncfs: any open file's file system; nothing to write back */
	EXPECT_OK(syscall(SYS_syncfs, 0));
	EXPECT_ERR(syscall(SYS_syncfs, 999), EBADF);
	unlink("f");
}

static long do_fallocate(int fd, int mode, long offset, long len)
{
	return syscall(SYS_fallocate, (long)fd, (long)mode, offset, len);
}

/* fallocate as tmpfs does it: pages made (the size with them, but for KEEP_SIZE) or
 * a hole punched; st_blocks counts the pages a file holds. Modes from
 * <linux/falloc.h>: KEEP_SIZE 1, PUNCH_HOLE 2, COLLAPSE_RANGE 8, ZERO_RANGE 16. */
static void test_fallocate(void)
{
	enum { KEEP = 1, PUNCH = 2, COLLAPSE = 8, ZERO = 16 };
	struct stat st;
	static char buf[10000], x[10000];
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	EXPECT_OK(do_fallocate(fd, 0, 0, 10000));
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 10000);
	EXPECT_EQ(st.st_blocks, 24); /* three pages */
	memset(buf, 1, sizeof buf);
	EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 10000);
	EXPECT_EQ(buf[0] | buf[9999], 0);
	EXPECT_OK(do_fallocate(fd, KEEP, 0, 20000));
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 10000);
	EXPECT_EQ(st.st_blocks, 40);
	/* a hole: the page wholly in it goes, the rest of it reads as zeros */
	memset(x, 'x', sizeof x);
	pwrite(fd, x, sizeof x, 0);
	EXPECT_OK(do_fallocate(fd, PUNCH | KEEP, 100, 8192));
	fstat(fd, &st);
	EXPECT_EQ(st.st_size, 10000);
	EXPECT_EQ(st.st_blocks, 32);
	pread(fd, buf, sizeof buf, 0);
	CHECK(buf[99] == 'x' && buf[100] == 0 && buf[8291] == 0 && buf[8292] == 'x',
	      "around the hole: %d %d %d %d", buf[99], buf[100], buf[8291], buf[8292]);
	/* more than memory holds: refused before anything is taken */
	EXPECT_ERR(do_fallocate(fd, KEEP, 0, 1l << 40), ENOSPC);
	fstat(fd, &st);
	EXPECT_EQ(st.st_blocks, 32);
	/* errors: arguments, then modes, then the file */
	EXPECT_ERR(do_fallocate(fd, 0, -1, 5), EINVAL);
	EXPECT_ERR(do_fallocate(fd, 0, 0, 0), EINVAL);
	EXPECT_ERR(do_fallocate(fd, 0x100, 0, 5), EOPNOTSUPP);
	EXPECT_ERR(do_fallocate(fd, PUNCH, 0, 5), EOPNOTSUPP); /* a hole keeps the size */
	EXPECT_ERR(do_fallocate(fd, COLLAPSE | KEEP, 0, 5), EINVAL);
	EXPECT_ERR(do_fallocate(fd, ZERO, 0, 5), EOPNOTSUPP); /* not tmpfs's */
	EXPECT_ERR(do_fallocate(fd, 0, INT64_MAX, 5), EFBIG);
	EXPECT_ERR(do_fallocate(999, 0, 0, 5), EBADF);
	int ro = open("f", O_RDONLY), p[2], null = open("/dev/null", O_WRONLY);
	pipe(p);
	EXPECT_ERR(do_fallocate(ro, 0, 0, 5), EBADF);
	EXPECT_ERR(do_fallocate(p[1], 0, 0, 5), ESPIPE);
	EXPECT_ERR(do_fallocate(null, 0, 0, 5), ENODEV);
	close(ro);
	close(p[0]);
	close(p[1]);
	close(null);
	close(fd);
	/* blocks are pages held: a small file one page, a sparse one only what was written */
	make_file("g", "12", 2, 0644);
	stat("g", &st);
	EXPECT_EQ(st.st_blocks, 8);
	fd = open("g", O_WRONLY);
	pwrite(fd, "x", 1, 1 << 20);
	fstat(fd, &st);
	EXPECT_EQ(st.st_blocks, 16);
	close(fd);
	unlink("f");
	unlink("g");
}

static void test_access(void)
{
	make_file("f", "", 0, 0644);
	make_file("x", "", 0, 0700);
	EXPECT_OK(access("f", F_OK));
	EXPECT_OK(access("f", R_OK | W_OK));
	EXPECT_ERR(access("f", X_OK), EACCES); /* even root needs an execute bit */
	EXPECT_OK(access("x", X_OK));
	EXPECT_OK(access(".", X_OK));
	EXPECT_ERR(access("missing", F_OK), ENOENT);
	EXPECT_ERR(access("f/x", F_OK), ENOTDIR);
	EXPECT_ERR(access("f", 8), EINVAL);
	EXPECT_OK(syscall(SYS_faccessat, AT_FDCWD, "x", X_OK));
	EXPECT_ERR(syscall(SYS_faccessat2, AT_FDCWD, "x", X_OK, 0x8000), EINVAL);
	EXPECT_OK(syscall(SYS_faccessat2, AT_FDCWD, "x", X_OK, AT_EACCESS));
	unlink("f");
	unlink("x");
}

static void test_names(void)
{
	char name[300], path[PATH_MAX + 100];
	memset(name, 'n', 256);
	name[256] = 0;
	EXPECT_ERR(open(name, O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
	EXPECT_ERR(mkdir(name, 0755), ENAMETOOLONG);
	EXPECT_ERR(access(name, F_OK), ENAMETOOLONG);
	name[255] = 0; /* 255 is the longest name */
	int fd = open(name, O_WRONLY | O_CREAT, 0644);
	EXPECT_OK(fd);
	close(fd);
	EXPECT_OK(unlink(name));
	/* a path of PATH_MAX bytes (its NUL would be one more) */
	for (size_t i = 0; i < PATH_MAX; i += 2)
		memcpy(path + i, "./", 2);
	path[PATH_MAX] = 0;
	EXPECT_ERR(access(path, F_OK), ENAMETOOLONG);
	path[PATH_MAX - 2] = 0;
	EXPECT_OK(access(path, F_OK));
}

/* mknod makes files, devices, FIFOs and sockets; what a device node opens is its
 * numbers' driver, or ENXIO. */
static void test_mknod(void)
{
	struct stat st;
	char buf[8];
	EXPECT_OK(mknod("c", S_IFCHR | 0666, makedev(1, 3))); /* /dev/null's numbers */
	EXPECT_OK(stat("c", &st));
	EXPECT_EQ(st.st_mode, S_IFCHR | 0644); /* the umask, 022, applies */
	EXPECT_EQ(st.st_rdev, makedev(1, 3));
	int fd = open("c", O_RDWR);
	EXPECT_EQ(write(fd, "gone", 4), 4);
	EXPECT_EQ(read(fd, buf, sizeof buf), 0);
	close(fd);
	EXPECT_OK(mknod("b", S_IFBLK | 0600, makedev(7, 0)));
	stat("b", &st);
	CHECK(S_ISBLK(st.st_mode) && st.st_rdev == makedev(7, 0), "block node: mode %#o rdev %#lx",
	      st.st_mode, (long)st.st_rdev);
	EXPECT_ERR(open("b", O_RDONLY), ENXIO); /* no block device driven */
	EXPECT_OK(mknod("r", 0640, 0));		/* type 0: a regular file */
	stat("r", &st);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
	EXPECT_OK(mknod("r2", S_IFREG | 0600, makedev(1, 3)));
	stat("r2", &st);
	EXPECT_EQ(st.st_rdev, 0); /* the numbers are for devices only */
	EXPECT_OK(mknod("s", S_IFSOCK | 0600, 0));
	EXPECT_ERR(open("s", O_RDONLY), ENXIO);
	EXPECT_OK(syscall(SYS_mknodat, AT_FDCWD, "f", (long)(S_IFIFO | 0600), 0l));
	stat("f", &st);
	CHECK(S_ISFIFO(st.st_mode), "a FIFO's mode: %#o", st.st_mode);
	/* errors: the type before the name */
	EXPECT_ERR(mknod("d", S_IFDIR | 0755, 0), EPERM);
	EXPECT_ERR(mknod("l", S_IFLNK | 0777, 0), EINVAL);
	EXPECT_ERR(mknod("x", 0170000 | 0600, 0), EINVAL);
	EXPECT_ERR(mknod("missing/l", S_IFLNK | 0777, 0), EINVAL);
	EXPECT_ERR(mknod("c", S_IFCHR | 0600, makedev(1, 3)), EEXIST);
	EXPECT_ERR(mknod("missing/x", S_IFIFO | 0600, 0), ENOENT);
	EXPECT_ERR(mknod("r/x", S_IFIFO | 0600, 0), ENOTDIR);
	EXPECT_ERR(syscall(SYS_mknod, 0x1000l, (long)(S_IFIFO | 0600), 0l), EFAULT);
	static const char *const names[] = {"c", "b", "r", "r2", "s", "f"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(names[i]);
}

/* Named pipes: the pipe is there while someone has it open; a reader waits for a
 * writer and the other way round, unless O_NONBLOCK or O_RDWR. */
static void test_fifo(void)
{
	char buf[16];
	EXPECT_OK(mkfifo("p", 0600));
	/* without waiting: a reader may open alone (and reads end of file), a writer not */
	EXPECT_ERR(open("p", O_WRONLY | O_NONBLOCK), ENXIO);
	int r = open("p", O_RDONLY | O_NONBLOCK);
	EXPECT_OK(r);
	EXPECT_EQ(read(r, buf, sizeof buf), 0);
	struct pollfd pfd = {r, POLLIN, 0};
	EXPECT_EQ(poll(&pfd, 1, 0), 0); /* no hang-up before a writer has come */
	int w = open("p", O_WRONLY | O_NONBLOCK);
	EXPECT_OK(w);
	EXPECT_EQ(write(w, "abc", 3), 3);
	EXPECT_EQ(read(r, buf, sizeof buf), 3);
	EXPECT_ERR(read(r, buf, sizeof buf), EAGAIN);
	EXPECT_EQ(fcntl(w, F_GETPIPE_SZ), 65536);
	struct statfs sf;
	EXPECT_OK(fstatfs(r, &sf));
	EXPECT_EQ(sf.f_type, 0x01021994); /* the file system it lives in, not pipefs */
	close(w);
	EXPECT_EQ(read(r, buf, sizeof buf), 0);
	EXPECT_EQ(poll(&pfd, 1, 0), 1); /* and gone */
	EXPECT_EQ(pfd.revents, POLLHUP);
	close(r);
	/* a reader waits until a writer opens */
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(30);
		int fd = open("p", O_WRONLY);
		_exit(fd >= 0 && write(fd, "hello", 5) == 5 ? 0 : 1);
	}
	long start = now_ms();
	r = open("p", O_RDONLY);
	EXPECT_OK(r);
	CHECK(now_ms() - start >= 20, "open for reading waited %ld ms for a writer",
	      now_ms() - start);
	size_t got = 0;
	long n;
	while ((n = read(r, buf + got, sizeof buf - got)) > 0)
		got += n;
	EXPECT_EQ(got, 5);
	EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	EXPECT_EXIT(wait_status(pid), 0);
	close(r);
	/* and a writer until a reader does */
	if ((pid = fork()) == 0) {
		sleep_ms(30);
		int fd = open("p", O_RDONLY);
		char c = 0;
		_exit(fd >= 0 && read(fd, &c, 1) == 1 && c == 'x' ? 0 : 1);
	}
	w = open("p", O_WRONLY);
	EXPECT_OK(w);
	EXPECT_EQ(write(w, "x", 1), 1);
	EXPECT_EXIT(wait_status(pid), 0);
	close(w);
	/* opened for both, it waits for no one; what it held goes with the last close */
	int rw = open("p", O_RDWR | O_NONBLOCK);
	EXPECT_OK(rw);
	EXPECT_EQ(write(rw, "zz", 2), 2);
	close(rw);
	rw = open("p", O_RDWR | O_NONBLOCK);
	EXPECT_ERR(read(rw, buf, sizeof buf), EAGAIN);
	close(rw);
	/* a signal ends the wait to open */
	catch_signal(SIGALRM, 0);
	alarm_in_ms(30);
	EXPECT_ERR(open("p", O_RDONLY), EINTR);
	signal(SIGALRM, SIG_DFL);
	unlink("p");
}

static void test_devices(void)
{
	char buf[16];
	if (access("/dev/null", F_OK) == 0) {
		int fd = open("/dev/null", O_RDWR);
		EXPECT_EQ(write(fd, "gone", 4), 4);
		EXPECT_EQ(read(fd, buf, sizeof buf), 0);
		close(fd);
	}
	if (access("/dev/zero", F_OK) == 0) {
		int fd = open("/dev/zero", O_RDONLY);
		memset(buf, 1, sizeof buf);
		EXPECT_EQ(read(fd, buf, sizeof buf), sizeof buf);
		EXPECT_EQ(buf[0] | buf[15], 0);
		close(fd);
	}
	/* TCGETS on what is not a terminal */
	make_file("f", "", 0, 0644);
	int fd = open("f", O_RDONLY);
	EXPECT_ERR(syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf), ENOTTY);
	close(fd);
	unlink("f");
}

/* syslog(2), dmesg's call: the log (Keel's holds all the console showed), its size,
 * clearing it. Actions from include/linux/syslog.h (not in the UAPI headers). */
static void test_syslog(void)
{
	enum { READ_ALL = 3, CLEAR = 5, CONSOLE_LEVEL = 8, SIZE_BUFFER = 10 };
	static char buf[1 << 16];
	long size = syscall(SYS_syslog, (long)SIZE_BUFFER, 0l, 0l);
	CHECK(size >= 4096, "the log holds %ld bytes", size);
	long n = syscall(SYS_syslog, (long)READ_ALL, buf, 1024l); /* Linux's: whole lines */
	CHECK(n > 0 && n <= 1024, "1024 bytes of the log: got %ld", n);
	long all = syscall(SYS_syslog, (long)READ_ALL, buf, (long)sizeof buf);
	CHECK(all >= n && all <= size, "all of the log: %ld bytes of %ld", all, size);
	EXPECT_EQ(syscall(SYS_syslog, (long)READ_ALL, buf, 0l), 0);
	EXPECT_OK(syscall(SYS_syslog, 0l, 0l, 0l)); /* close and open: nothing to do */
	EXPECT_OK(syscall(SYS_syslog, 1l, 0l, 0l));
	EXPECT_ERR(syscall(SYS_syslog, (long)READ_ALL, 0l, 64l), EINVAL);
	EXPECT_ERR(syscall(SYS_syslog, (long)READ_ALL, 0l, 0l), EINVAL);
	EXPECT_ERR(syscall(SYS_syslog, (long)READ_ALL, buf, -1l), EINVAL);
	EXPECT_ERR(syscall(SYS_syslog, (long)CONSOLE_LEVEL, 0l, 0l), EINVAL);
	EXPECT_ERR(syscall(SYS_syslog, (long)CONSOLE_LEVEL, 0l, 9l), EINVAL);
	EXPECT_ERR(syscall(SYS_syslog, 99l, 0l, 0l), EINVAL);
	FOR_EACH_BAD(0)
	{
		if (current_bad)
			EXPECT_ERR(syscall(SYS_syslog, (long)READ_ALL, current_bad, 1024l), EFAULT);
	}
	/* after a clear, only what came since */
	EXPECT_OK(syscall(SYS_syslog, (long)CLEAR, 0l, 0l));
	long since = syscall(SYS_syslog, (long)READ_ALL, buf, (long)sizeof buf);
	CHECK(since >= 0 && since < all, "after a clear: %ld bytes, %ld before", since, all);
}

/* ---- scheduling attributes ---------------------------------------------------------- */

static long raw_getpriority(int which, int who)
{
	return syscall(SYS_getpriority, (long)which, (long)who);
}

/* Nice values: the raw call says 20 - nice; fork passes them on; a group's is its
 * members' lowest. (Not PRIO_USER's setting: that would touch every process.) */
static void test_priority(void)
{
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, 0), 20);
	EXPECT_OK(setpriority(PRIO_PROCESS, 0, 5));
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, 0), 15);
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, getpid()), 15);
	errno = 0;
	EXPECT_EQ(getpriority(PRIO_PROCESS, 0), 5);   /* the C library's: the nice value */
	EXPECT_OK(setpriority(PRIO_PROCESS, 0, 100)); /* clamped to 19 */
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, 0), 1);
	EXPECT_OK(setpriority(PRIO_PROCESS, 0, -100)); /* and to -20 */
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, 0), 40);
	EXPECT_EQ(raw_getpriority(PRIO_USER, 0), 40); /* the best of the user's */
	/* a child starts with its parent's; the parent may change the child's */
	setpriority(PRIO_PROCESS, 0, 3);
	pid_t pid = fork();
	if (pid == 0)
		_exit(raw_getpriority(PRIO_PROCESS, 0) == 17 ? 0 : 1);
	EXPECT_EXIT(wait_status(pid), 0);
	int go[2];
	pipe(go);
	if ((pid = fork()) == 0) {
		char c;
		read(go[0], &c, 1);
		_exit(raw_getpriority(PRIO_PROCESS, 0) == 18 ? 0 : 1);
	}
	EXPECT_OK(setpriority(PRIO_PROCESS, pid, 2));
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, pid), 18);
	/* the group (the test's own, the child in it): its lowest, and all of it set */
	EXPECT_EQ(raw_getpriority(PRIO_PGRP, 0), 18);
	EXPECT_EQ(raw_getpriority(PRIO_PGRP, getpgrp()), 18);
	EXPECT_OK(setpriority(PRIO_PGRP, 0, 2));
	EXPECT_EQ(raw_getpriority(PRIO_PROCESS, 0), 18);
	write(go[1], "x", 1);
	EXPECT_EXIT(wait_status(pid), 0);
	close(go[0]);
	close(go[1]);
	/* errors */
	EXPECT_ERR(raw_getpriority(3, 0), EINVAL);
	EXPECT_ERR(raw_getpriority(-1, 0), EINVAL);
	EXPECT_ERR(setpriority(3, 0, 0), EINVAL);
	EXPECT_ERR(raw_getpriority(PRIO_PROCESS, 999999), ESRCH);
	EXPECT_ERR(raw_getpriority(PRIO_PROCESS, -1), ESRCH);
	EXPECT_ERR(raw_getpriority(PRIO_PGRP, 999999), ESRCH);
	EXPECT_ERR(raw_getpriority(PRIO_USER, 1000), ESRCH);
	EXPECT_ERR(setpriority(PRIO_PROCESS, 999999, 0), ESRCH);
}

/* One CPU: a mask of one bit, and the call's value is the bytes it wrote. */
static void test_affinity(void)
{
	unsigned long mask[16];
	memset(mask, 0xff, sizeof mask);
	EXPECT_EQ(syscall(SYS_sched_getaffinity, 0l, (long)sizeof mask, mask), 8);
	EXPECT_EQ(mask[0], 1);
	EXPECT_EQ(mask[1], ~0ul); /* past what it wrote: untouched */
	EXPECT_EQ(syscall(SYS_sched_getaffinity, (long)getpid(), 8l, mask), 8);
	EXPECT_ERR(syscall(SYS_sched_getaffinity, 0l, 0l, mask), EINVAL);
	EXPECT_ERR(syscall(SYS_sched_getaffinity, 0l, 4l, mask), EINVAL);
	EXPECT_ERR(syscall(SYS_sched_getaffinity, 0l, 12l, mask), EINVAL);
	EXPECT_ERR(syscall(SYS_sched_getaffinity, 999999l, 8l, mask), ESRCH);
	EXPECT_ERR(syscall(SYS_sched_getaffinity, -1l, 8l, mask), ESRCH);
	/* setting: it must name CPU 0; more is fine, none is not */
	mask[0] = 1;
	EXPECT_OK(syscall(SYS_sched_setaffinity, 0l, 8l, mask));
	mask[0] = 3;
	EXPECT_OK(syscall(SYS_sched_setaffinity, 0l, 8l, mask));
	EXPECT_OK(syscall(SYS_sched_setaffinity, 0l, 1l, mask)); /* short: the rest is 0 */
	mask[0] = 2;
	EXPECT_ERR(syscall(SYS_sched_setaffinity, 0l, 8l, mask), EINVAL);
	EXPECT_ERR(syscall(SYS_sched_setaffinity, 0l, 0l, mask), EINVAL);
	mask[0] = 1;
	EXPECT_ERR(syscall(SYS_sched_setaffinity, 999999l, 8l, mask), ESRCH);
	EXPECT_EQ(syscall(SYS_sched_getaffinity, 0l, 8l, mask), 8);
	EXPECT_EQ(mask[0], 1);
	FOR_EACH_BAD(0)
	{
		if (!current_bad)
			continue;
		EXPECT_ERR(syscall(SYS_sched_getaffinity, 0l, 8l, current_bad), EFAULT);
		EXPECT_ERR(syscall(SYS_sched_setaffinity, 0l, 8l, current_bad), EFAULT);
	}
}

/* ---- time and the system ---------------------------------------------------------- */

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000l + (b->tv_nsec - a->tv_nsec);
}

static void test_clocks(void)
{
	struct timespec a, b, res;
	for (int clock = 0; clock <= 7; clock++) {
		EXPECT_OK(syscall(SYS_clock_gettime, clock, &a));
		CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "clock %d: tv_nsec %ld", clock,
		      a.tv_nsec);
		EXPECT_OK(syscall(SYS_clock_getres, clock, &res));
		CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000,
		      "clock %d: resolution %ld.%09ld", clock, (long)res.tv_sec, res.tv_nsec);
	}
	EXPECT_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, 0));
	EXPECT_ERR(syscall(SYS_clock_gettime, 100, &a), EINVAL);
	EXPECT_ERR(syscall(SYS_clock_gettime, -1000, &a), EINVAL);
	EXPECT_ERR(syscall(SYS_clock_getres, 100, &res), EINVAL);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	CHECK(a.tv_sec > 1577836800, "CLOCK_REALTIME says %ld, before 2020", (long)a.tv_sec);
	/* MONOTONIC never goes back */
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000; i++) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
		if (ns_between(&a, &b) < 0) {
			FAIL("CLOCK_MONOTONIC went back by %ld ns", -ns_between(&a, &b));
			break;
		}
		a = b;
	}
	struct timeval tv;
	EXPECT_OK(syscall(SYS_gettimeofday, &tv, 0));
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);
	CHECK(a.tv_sec - tv.tv_sec <= 1 && a.tv_sec >= tv.tv_sec,
	      "gettimeofday %ld, CLOCK_REALTIME %ld", (long)tv.tv_sec, (long)a.tv_sec);
	EXPECT_OK(syscall(SYS_gettimeofday, 0, 0));
	long t = 0;
	long r = syscall(SYS_time, &t);
	EXPECT_EQ(r, t);
	CHECK(r >= tv.tv_sec && r - tv.tv_sec <= 1, "time() %ld, gettimeofday %ld", r,
	      (long)tv.tv_sec);
	EXPECT_OK(syscall(SYS_time, 0));
}

/* Setting the wall clock: it moves, file times with it; CLOCK_REALTIME only. The
 * clock is put back (by the monotonic clock's count) when done. */
static void test_set_clock(void)
{
	struct timespec was, mono0, mono1, t;
	clock_gettime(CLOCK_REALTIME, &was);
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	t = (struct timespec){was.tv_sec + 100000, 0};
	EXPECT_OK(clock_settime(CLOCK_REALTIME, &t));
	clock_gettime(CLOCK_REALTIME, &t);
	CHECK(t.tv_sec - was.tv_sec >= 100000 && t.tv_sec - was.tv_sec < 100010,
	      "the clock set 100000 s on moved %ld s", (long)(t.tv_sec - was.tv_sec));
	make_file("f", "", 0, 0644);
	struct stat st;
	stat("f", &st);
	CHECK(st.st_mtime - was.tv_sec >= 100000 && st.st_mtime - was.tv_sec < 100010,
	      "a new file's mtime is %ld s from the old clock", (long)(st.st_mtime - was.tv_sec));
	unlink("f");
	/* settimeofday: microseconds; a zone is kept and given back */
	struct timeval tv = {was.tv_sec + 200000, 500000};
	EXPECT_OK(syscall(SYS_settimeofday, &tv, 0l));
	struct timeval now;
	gettimeofday(&now, 0);
	CHECK(now.tv_sec - was.tv_sec >= 200000 && now.tv_sec - was.tv_sec < 200010,
	      "settimeofday 200000 s on moved %ld s", (long)(now.tv_sec - was.tv_sec));
	struct timezone zone = {0, 0}, back = {1, 1};	 /* zone 0 first: Linux's first call */
	EXPECT_OK(syscall(SYS_settimeofday, 0l, &zone)); /* may warp a local-time clock */
	zone.tz_minuteswest = -60;
	EXPECT_OK(syscall(SYS_settimeofday, 0l, &zone));
	EXPECT_OK(syscall(SYS_gettimeofday, &now, &back));
	EXPECT_EQ(back.tz_minuteswest, -60);
	zone.tz_minuteswest = 16 * 60;
	EXPECT_ERR(syscall(SYS_settimeofday, 0l, &zone), EINVAL);
	zone.tz_minuteswest = 0;
	syscall(SYS_settimeofday, 0l, &zone);
	/* errors */
	t = (struct timespec){was.tv_sec, 0};
	EXPECT_ERR(clock_settime(CLOCK_MONOTONIC, &t), EINVAL);
	EXPECT_ERR(syscall(SYS_clock_settime, 99l, &t), EINVAL);
	t.tv_nsec = 1000000000;
	EXPECT_ERR(syscall(SYS_clock_settime, (long)CLOCK_REALTIME, &t), EINVAL);
	t = (struct timespec){-1, 0};
	EXPECT_ERR(syscall(SYS_clock_settime, (long)CLOCK_REALTIME, &t), EINVAL);
	tv.tv_usec = 1000001;
	EXPECT_ERR(syscall(SYS_settimeofday, &tv, 0l), EINVAL);
	tv.tv_usec = -1;
	EXPECT_ERR(syscall(SYS_settimeofday, &tv, 0l), EINVAL);
	FOR_EACH_BAD(0)
	{
		if (!current_bad)
			continue;
		EXPECT_ERR(syscall(SYS_clock_settime, (long)CLOCK_REALTIME, current_bad), EFAULT);
		EXPECT_ERR(syscall(SYS_settimeofday, current_bad, 0l), EFAULT);
		EXPECT_ERR(syscall(SYS_gettimeofday, 0l, current_bad), EFAULT);
	}
	/* back to the old time, and what has passed since */
	clock_gettime(CLOCK_MONOTONIC, &mono1);
	long ns = ns_between(&mono0, &mono1) + was.tv_nsec;
	t = (struct timespec){was.tv_sec + ns / 1000000000, ns % 1000000000};
	EXPECT_OK(clock_settime(CLOCK_REALTIME, &t));
}

static void test_sleep(void)
{
	struct timespec a, b;
	struct timespec t = {0, 20000000};
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	EXPECT_OK(syscall(SYS_nanosleep, &t, 0));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	CHECK(ns_between(&a, &b) >= 20000000, "nanosleep(20 ms) slept %ld ns", ns_between(&a, &b));
	t.tv_nsec = 0;
	EXPECT_OK(syscall(SYS_nanosleep, &t, 0));
	t.tv_nsec = 1000000000;
	EXPECT_ERR(syscall(SYS_nanosleep, &t, 0), EINVAL);
	t.tv_nsec = -1;
	EXPECT_ERR(syscall(SYS_nanosleep, &t, 0), EINVAL);
	t.tv_sec = -1;
	t.tv_nsec = 0;
	EXPECT_ERR(syscall(SYS_nanosleep, &t, 0), EINVAL);
	/* clock_nanosleep: relative, absolute, a bad clock */
	t.tv_sec = 0;
	t.tv_nsec = 10000000;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	EXPECT_OK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &t, 0));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	CHECK(ns_between(&a, &b) >= 10000000, "clock_nanosleep(10 ms) slept %ld ns",
	      ns_between(&a, &b));
	struct timespec until = b;
	until.tv_nsec += 15000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	EXPECT_OK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	CHECK(ns_between(&until, &a) >= 0, "clock_nanosleep(TIMER_ABSTIME) woke %ld ns early",
	      -ns_between(&until, &a));
	/* a deadline already past returns at once */
	EXPECT_OK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &b, 0));
	EXPECT_OK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &t, 0));
	EXPECT_ERR(syscall(SYS_clock_nanosleep, 100, 0, &t, 0), EINVAL);
	t.tv_nsec = 1000000000;
	EXPECT_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &t, 0), EINVAL);
	/* a child's sleep is cut short by its death */
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec long_sleep = {30, 0};
		syscall(SYS_nanosleep, &long_sleep, 0);
		_exit(0);
	}
	sleep_ms(20);
	kill(pid, SIGTERM);
	EXPECT_SIGNAL(wait_status(pid), SIGTERM);
	EXPECT_OK(sched_yield());
	EXPECT_OK(syscall(SYS_sched_yield));
}

static void test_system(void)
{
	struct utsname u;
	EXPECT_OK(syscall(SYS_uname, &u));
	CHECK(u.sysname[0] && u.release[0] && u.version[0], "uname: empty fields: '%s' '%s' '%s'",
	      u.sysname, u.release, u.version);
	EXPECT_EQ(strcmp(u.machine, "x86_64"), 0);
	struct sysinfo si;
	EXPECT_OK(syscall(SYS_sysinfo, &si));
	CHECK(si.mem_unit >= 1 && si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram,
	      "sysinfo: totalram %lu freeram %lu mem_unit %u", si.totalram, si.freeram,
	      si.mem_unit);
	CHECK(si.procs >= 2, "sysinfo: %d processes, with at least the runner and us", si.procs);
	struct tms tms;
	long ticks = syscall(SYS_times, &tms);
	CHECK(ticks != -1, "times: errno %d", errno);
	EXPECT_EQ(syscall(SYS_times, 0) >= ticks, 1);
	struct rusage ru;
	EXPECT_OK(syscall(SYS_getrusage, RUSAGE_SELF, &ru));
	EXPECT_OK(syscall(SYS_getrusage, RUSAGE_CHILDREN, &ru));
	EXPECT_OK(syscall(SYS_getrusage, 1 /* RUSAGE_THREAD */, &ru));
	EXPECT_ERR(syscall(SYS_getrusage, 5, &ru), EINVAL);
	/* reboot with bad magic, or an unknown command: refused, nothing happens */
	EXPECT_ERR(syscall(SYS_reboot, 0x12345678, 0x28121969, 0x4321fedc, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC, 0x12345678, 0x4321fedc, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_reboot, LINUX_REBOOT_MAGIC, 0x28121969, 0x12345678, 0), EINVAL);
}

/* sethostname and setdomainname: what uname says next; put back when done. */
static void test_hostname(void)
{
	struct utsname was, u;
	uname(&was);
	EXPECT_OK(sethostname("usertests-host", 14));
	uname(&u);
	EXPECT_EQ(strcmp(u.nodename, "usertests-host"), 0);
	EXPECT_OK(sethostname("abcdef", 3)); /* the length counts, not a NUL */
	uname(&u);
	EXPECT_EQ(strcmp(u.nodename, "abc"), 0);
	char longest[65];
	memset(longest, 'h', sizeof longest);
	EXPECT_OK(sethostname(longest, 64));
	uname(&u);
	EXPECT_EQ(strlen(u.nodename), 64);
	EXPECT_ERR(syscall(SYS_sethostname, longest, 65l), EINVAL);
	EXPECT_ERR(syscall(SYS_sethostname, longest, -1l), EINVAL);
	EXPECT_ERR(syscall(SYS_sethostname, 0x1000l, 4l), EFAULT);
	EXPECT_OK(syscall(SYS_sethostname, 0l, 0l)); /* empty */
	uname(&u);
	EXPECT_EQ(u.nodename[0], 0);
	EXPECT_OK(syscall(SYS_setdomainname, "example", 7l));
	uname(&u);
	EXPECT_EQ(strcmp(u.__domainname, "example"), 0);
	EXPECT_ERR(syscall(SYS_setdomainname, longest, 65l), EINVAL);
	sethostname(was.nodename, strlen(was.nodename));
	syscall(SYS_setdomainname, was.__domainname, (long)strlen(was.__domainname));
	uname(&u);
	EXPECT_EQ(strcmp(u.nodename, was.nodename), 0);
}

static void test_getrandom(void)
{
	unsigned char a[64], b[64];
	EXPECT_EQ(syscall(SYS_getrandom, a, sizeof a, 0), sizeof a);
	EXPECT_EQ(syscall(SYS_getrandom, b, sizeof b, 1 /* GRND_NONBLOCK */), sizeof b);
	CHECK(memcmp(a, b, sizeof a) != 0, "two getrandom calls gave the same 64 bytes");
	EXPECT_EQ(syscall(SYS_getrandom, b, sizeof b, 2 /* GRND_RANDOM */), sizeof b);
	EXPECT_EQ(syscall(SYS_getrandom, a, 0, 0), 0);
	EXPECT_ERR(syscall(SYS_getrandom, a, sizeof a, 0x100), EINVAL);
	static unsigned char big[256 * 1024];
	EXPECT_EQ(syscall(SYS_getrandom, big, sizeof big, 0), sizeof big);
}

static void test_rlimit(void)
{
	struct rlimit rl, old;
	EXPECT_OK(getrlimit(RLIMIT_STACK, &rl));
	EXPECT_EQ(rl.rlim_cur, 8 << 20);
	EXPECT_OK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl));
	CHECK(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max, "NOFILE %lu/%lu",
	      (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	EXPECT_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &old));
	EXPECT_EQ(old.rlim_cur, rl.rlim_cur);
	EXPECT_OK(syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, 0, &old));
	EXPECT_ERR(syscall(SYS_prlimit64, 99999, RLIMIT_NOFILE, 0, &old), ESRCH);
	EXPECT_ERR(syscall(SYS_getrlimit, 100, &rl), EINVAL);
	EXPECT_ERR(syscall(SYS_prlimit64, 0, 100, 0, &old), EINVAL);
	struct rlimit bad = {rl.rlim_max, rl.rlim_max - 1};
	EXPECT_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, &bad), EINVAL);
	struct rlimit lower = {64, rl.rlim_max};
	EXPECT_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lower, &old));
	EXPECT_EQ(old.rlim_cur, rl.rlim_cur);
	EXPECT_OK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &old));
	EXPECT_EQ(old.rlim_cur, 64);
	/* a child inherits it */
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit c;
		getrlimit(RLIMIT_NOFILE, &c);
		_exit(c.rlim_cur == 64 ? 0 : 1);
	}
	EXPECT_EXIT(wait_status(pid), 0);
	EXPECT_OK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl));
}

static void test_prctl(void)
{
	char name[32];
	EXPECT_OK(syscall(SYS_prctl, PR_SET_NAME_, "a-rather-long-name", 0, 0, 0));
	memset(name, 'z', sizeof name);
	EXPECT_OK(syscall(SYS_prctl, PR_GET_NAME_, name, 0, 0, 0));
	CHECK(strcmp(name, "a-rather-long-n") == 0, "PR_GET_NAME: %.20s (15 bytes expected)", name);
	EXPECT_OK(syscall(SYS_prctl, PR_SET_NAME_, "short", 0, 0, 0));
	syscall(SYS_prctl, PR_GET_NAME_, name, 0, 0, 0);
	EXPECT_EQ(strcmp(name, "short"), 0);
	EXPECT_ERR(syscall(SYS_prctl, 0x7fff1234, 0, 0, 0, 0), EINVAL);
	/* no_new_privs (busybox's setpriv reads it): 0, set in a child, inherited, kept */
	EXPECT_EQ(syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	EXPECT_ERR(syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), EINVAL);
	pid_t pid = fork();
	if (pid == 0) {
		long set = syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		pid_t grandchild = fork();
		if (grandchild == 0)
			_exit(syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
		int status;
		waitpid(grandchild, &status, 0);
		_exit(set == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "PR_SET_NO_NEW_PRIVS in a child, read back in its child: status %#x", status);
}

static void test_arch_prctl(void)
{
	unsigned long fs = 0, self;
	EXPECT_OK(syscall(SYS_arch_prctl, ARCH_GET_FS_, &fs));
	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	EXPECT_EQ(fs, self); /* musl's thread pointer points at itself */
	EXPECT_ERR(syscall(SYS_arch_prctl, 0x9999, &fs), EINVAL);
	EXPECT_ERR(syscall(SYS_arch_prctl, ARCH_SET_FS_, 0x0000800000000000ul), EPERM);
	EXPECT_ERR(syscall(SYS_arch_prctl, ARCH_SET_FS_, 0xffffffff80000000ul), EPERM);
	/* a new FS base is used at once and kept across a switch; then back. It is a copy
	 * of musl's thread block (the stack canary is at %fs:0x28), with a mark at 8. */
	static unsigned long block[16];
	memcpy(block, (void *)fs, sizeof block);
	block[1] = 0x2222;
	EXPECT_OK(syscall(SYS_arch_prctl, ARCH_SET_FS_, block));
	unsigned long got;
	__asm__ volatile("mov %%fs:8, %0" : "=r"(got));
	sched_yield();
	unsigned long again;
	__asm__ volatile("mov %%fs:8, %0" : "=r"(again));
	syscall(SYS_arch_prctl, ARCH_SET_FS_, fs);
	EXPECT_EQ(got, 0x2222);
	EXPECT_EQ(again, 0x2222);
	EXPECT_OK(syscall(SYS_set_tid_address, &got) == getpid() ? 0 : -1);
	static struct {
		void *next;
		long futex_offset;
		void *pending;
	} head = {&head, 0, 0}; /* an empty robust list */
	EXPECT_OK(syscall(SYS_set_robust_list, &head, sizeof head));
	EXPECT_ERR(syscall(SYS_set_robust_list, &head, sizeof head - 1), EINVAL);
}

static void test_futex(void)
{
	static int word = 1;
	struct timespec t = {0, 10000000};
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_, 0, 0, 0, 0), EAGAIN);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_ | 128, 0, 0, 0, 0), EAGAIN);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_, 1, &t, 0, 0), ETIMEDOUT);
	EXPECT_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_, 1, 0, 0, 0), 0);
	EXPECT_EQ(syscall(SYS_futex, &word, FUTEX_WAKE_ | 128, 1, 0, 0, 0), 0);
	EXPECT_ERR(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT_, 1, 0, 0, 0), EINVAL);
	EXPECT_ERR(syscall(SYS_futex, &word, 99, 0, 0, 0, 0), ENOSYS);
	t.tv_nsec = 1000000000;
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_, 1, &t, 0, 0), EINVAL);
}

static void test_enosys(void)
{
	EXPECT_ERR(syscall(500), ENOSYS);
	EXPECT_ERR(syscall(1000), ENOSYS);
	EXPECT_ERR(syscall(100000), ENOSYS);
	EXPECT_ERR(syscall(0xffffffffl), ENOSYS); /* -1 as an int */
	EXPECT_ERR(syscall(500), ENOSYS);	  /* and again, the same */
}

/* ---- the table -------------------------------------------------------------------- */

struct test {
	const char *name;
	void (*fn)(void);
};

#define T(name)                    \
	{                          \
#name, test_##name \
	}

static const struct test tests[] = {
	T(efault_io),
	T(efault_paths),
	T(efault_out),
	T(efault_in),
	T(efault_straddle),
	T(efault_partial),
	T(ebadf),
	T(fork1000),
	T(fork_concurrent),
	T(reparent),
	T(cow),
	T(cow_after_exit),
	T(exit_status),
	T(wait),
	T(pids),
	T(ids),
	T(pgid_sid),
	T(kill),
	T(kill_new_child),
	T(signals),
	T(vfork),
	T(exec_elf_ok),
	T(exec_bad_elf),
	T(exec_bad_segments),
	T(exec_errors),
	T(exec_args),
	T(exec_e2big),
	T(brk),
	T(brk_shrunk),
	T(mmap_anon),
	T(mmap_errors),
	T(mremap),
	T(mmap_file),
	T(mmap_sees_new_bytes),
	T(out_of_memory),
	T(stack_guard),
	T(wx),
	T(faults),
	T(pipe_big),
	T(pipe_eof),
	T(pipe_epipe),
	T(pipe_flags),
	T(pipe_size),
	T(pipe_atomic),
	T(select),
	T(pselect),
	T(file_rw),
	T(sendfile),
	T(file_unlink_open),
	T(open_flags),
	T(rename),
	T(dirs),
	T(getdents),
	T(getdents_removing),
	T(symlink),
	T(link),
	T(dup),
	T(fcntl),
	T(emfile),
	T(stat),
	T(cwd),
	T(chmod_chown),
	T(utimes),
	T(statfs),
	T(truncate),
	T(fallocate),
	T(access),
	T(names),
	T(mknod),
	T(fifo),
	T(devices),
	T(clocks),
	T(sleep),
	T(set_clock),
	T(system),
	T(hostname),
	T(getrandom),
	T(rlimit),
	T(prctl),
	T(arch_prctl),
	T(futex),
	T(syslog),
	T(priority),
	T(affinity),
	T(enosys),
};
#define NTESTS (sizeof tests / sizeof tests[0])

/* ---- the helper run by execve ----------------------------------------------------- */

static int exec_child(int argc, char **argv, char **envp)
{
	const char *mode = argv[2];
	if (strcmp(mode, "args") == 0) {
		static const char *const want[] = {"A=1", "EMPTY=", "LAST=x"};
		bool ok = argc == 6 && strcmp(argv[3], "one") == 0 && argv[4][0] == 0 &&
			  strcmp(argv[5], "three words") == 0 && argv[6] == 0;
		for (int i = 0; ok && i < 3; i++)
			ok = envp[i] && strcmp(envp[i], want[i]) == 0;
		return ok && envp[3] == 0 ? EXEC_OK : 1;
	}
	if (strcmp(mode, "fds") == 0 && argc == 6) {
		bool ok = fcntl(atoi(argv[3]), F_GETFD) == 0;
		for (int i = 4; i < 6; i++)
			ok = ok && fcntl(atoi(argv[i]), F_GETFD) == -1 && errno == EBADF;
		return ok ? EXEC_OK : 1;
	}
	if (strcmp(mode, "signals") == 0) {
		struct kernel_sigaction a, b;
		syscall(SYS_rt_sigaction, SIGUSR1, 0, &a, 8);
		syscall(SYS_rt_sigaction, SIGUSR2, 0, &b, 8);
		return a.handler == SIG_DFL && b.handler == SIG_IGN ? EXEC_OK : 1;
	}
	if (strcmp(mode, "strlen") == 0 && argc == 5)
		return strlen(argv[4]) == strtoul(argv[3], 0, 10) ? EXEC_OK : 1;
	if (strcmp(mode, "count") == 0 && argc >= 4)
		return argc == atoi(argv[3]) ? EXEC_OK : 1;
	return 2;
}

/* ---- the runner ------------------------------------------------------------------- */

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof line)
		n = sizeof line - 1;
	write(1, line, n);
}

/* Removes a directory tree (a test's leftovers). After each subdirectory the listing
 * starts again, since the buffer is shared by the recursion. */
static void rmtree(int at, const char *name, int depth)
{
	static char buf[4096];
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0 || depth > 16) {
		unlinkat(at, name, 0);
		return;
	}
	long n;
again:
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (unlinkat(fd, d->d_name, 0) == 0)
				continue;
			char sub[256];
			snprintf(sub, sizeof sub, "%s", d->d_name);
			rmtree(fd, sub, depth + 1);
			lseek(fd, 0, SEEK_SET);
			goto again;
		}
	}
	close(fd);
	unlinkat(at, name, AT_REMOVEDIR);
}

/* Reaps what is ours and has ended: strays a test left (on Linux, as init, also the
 * orphans given to us). */
static void reap_strays(void)
{
	while (wait4(-1, 0, WNOHANG, 0) > 0)
		;
}

static long now_ms(void)
{
	struct timespec t;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static char reports[16384];
static size_t reports_len;

static void drain(int fd)
{
	long n;
	while (reports_len < sizeof reports - 1 &&
	       (n = read(fd, reports + reports_len, sizeof reports - 1 - reports_len)) > 0)
		reports_len += n;
	reports[reports_len] = 0;
}

/* Runs one test in a child of its own; prints its line; returns whether it passed. */
static bool run_test(const struct test *t)
{
	char dir[128];
	snprintf(dir, sizeof dir, "/tmp/usertests.%d.%s", getpid(), t->name);
	rmtree(AT_FDCWD, dir, 0);
	if (mkdir(dir, 0777) < 0) {
		say("usertests: %s FAILED: mkdir %s: errno %d (%s)\n", t->name, dir, errno,
		    errno_name(errno));
		return false;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		say("usertests: %s FAILED: pipe2: errno %d (%s)\n", t->name, errno,
		    errno_name(errno));
		return false;
	}
	long start = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		close(p[0]);
		report_fd = p[1];
		failures = 0;
		if (chdir(dir) < 0)
			FAIL("chdir %s: errno %d", dir, errno);
		else
			t->fn();
		_exit(failures ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		say("usertests: %s FAILED: fork: errno %d (%s)\n", t->name, errno,
		    errno_name(errno));
		return false;
	}
	setpgid(pid, pid);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	reports_len = 0;
	reports[0] = 0;
	int status = 0, pause_ms = 1;
	bool timed_out = false;
	for (;;) {
		drain(p[0]);
		long r = wait4(pid, &status, WNOHANG, 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = -1;
			break;
		}
		if (now_ms() - start > TEST_TIMEOUT_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			timed_out = true;
			wait4(pid, &status, 0, 0);
			break;
		}
		sleep_ms(pause_ms);
		if (pause_ms < 16)
			pause_ms *= 2;
	}
	long took = now_ms() - start;
	kill(-pid, SIGKILL); /* anything the test left running */
	drain(p[0]);
	close(p[0]);
	reap_strays();
	rmtree(AT_FDCWD, dir, 0);

	char why[128] = "";
	if (timed_out)
		snprintf(why, sizeof why, "timed out after %d s", TEST_TIMEOUT_MS / 1000);
	else if (status == -1)
		snprintf(why, sizeof why, "wait4 failed");
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0 && !reports_len)
		snprintf(why, sizeof why, "exited with status %d", WEXITSTATUS(status));
	if (!why[0] && !reports_len) {
		say("usertests: %s ok (%ld ms)\n", t->name, took);
		return true;
	}
	/* the first failure on the test's line, any others below it */
	char *line = reports, *next;
	bool first = true;
	while (*line) {
		next = strchr(line, '\n');
		if (next)
			*next = 0;
		if (first)
			say("usertests: %s FAILED: %s\n", t->name, line);
		else
			say("usertests:     %s: %s\n", t->name, line);
		first = false;
		if (!next)
			break;
		line = next + 1;
	}
	if (why[0])
		say(first ? "usertests: %s FAILED: %s\n" : "usertests:     %s: %s\n", t->name, why);
	return false;
}

/* On Linux as pid 1 without a console (no /dev in the initramfs), make one. */
static void ensure_console(void)
{
	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	mknod("/dev/console", S_IFCHR | 0600, (5 << 8) | 1);
	int fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

static void find_self(const char *argv0)
{
	if (argv0 && strchr(argv0, '/'))
		self_path = argv0;
	else if (access("/bin/usertests", X_OK) == 0)
		self_path = "/bin/usertests";
	else
		self_path = "/init";
}

/* Everything the runner itself will touch, touched once before the baseline: its
 * stack, its buffers, a fork and a directory made and removed. */
/* ru_maxrss in bytes: the most memory this process has had (Linux counts KiB). */
static long max_rss_bytes(void)
{
	struct rusage u;
	return getrusage(RUSAGE_SELF, &u) == 0 ? u.ru_maxrss * 1024 : 0;
}

/* The stack this process will use, touched now: its pages stay, so they are not
 * counted as taken by the tests (the freeram check). */
static __attribute__((noinline)) void touch_stack(void)
{
	volatile char room[96 << 10];
	for (size_t i = 0; i < sizeof room; i += PAGE)
		room[i] = 0;
}

static void warm_up(void)
{
	touch_stack();
	char dir[64];
	snprintf(dir, sizeof dir, "/tmp/usertests.%d.warmup", getpid());
	mkdir(dir, 0777);
	rmtree(AT_FDCWD, dir, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, 0, 0);
	drain(-1);
	say("usertests: starting\n");
}

int main(int argc, char **argv, char **envp)
{
	saved_envp = envp;
	if (argc >= 3 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argc, argv, envp);
	ensure_console();
	find_self(argv[0]);
	umask(022);
	if (access("/tmp", W_OK) < 0)
		mkdir("/tmp", 01777);
	signal(SIGPIPE, SIG_DFL);

	bool wanted[NTESTS];
	for (size_t i = 0; i < NTESTS; i++)
		wanted[i] = argc < 2;
	for (int a = 1; a < argc; a++) {
		size_t i = 0;
		while (i < NTESTS && strcmp(tests[i].name, argv[a]) != 0)
			i++;
		if (i == NTESTS) {
			say("usertests: no test named %s; the tests:", argv[a]);
			for (size_t j = 0; j < NTESTS; j++)
				say(" %s", tests[j].name);
			say("\n");
			return 2;
		}
		wanted[i] = true;
	}

	warm_up();
	long own_before = max_rss_bytes();
	unsigned long before = free_bytes();
	long start = now_ms();
	int passed = 0, failed = 0;
	for (size_t i = 0; i < NTESTS; i++)
		if (wanted[i]) {
			if (run_test(&tests[i]))
				passed++;
			else
				failed++;
		}

	/* Last, the memory: every test's pages, files and processes must be back. */
	for (int i = 0; i < 50; i++) { /* orphans init (maybe we) has yet to reap */
		reap_strays();
		sleep_ms(10);
	}
	unsigned long after = free_bytes();
	/* This process's own pages (its stack and heap grew while it ran the tests) are
	 * not lost: Keel's ru_maxrss counts them, and this process never gives any back. */
	long lost = (long)before - (long)after - (max_rss_bytes() - own_before);
	bool keel = on_keel();
	if (keel ? lost == 0 : lost <= 16l << 20) {
		if (lost == 0)
			say("usertests: freeram ok (all back)\n");
		else
			say("usertests: freeram ok (%ld KiB %s)\n",
			    (lost < 0 ? -lost : lost) / 1024,
			    lost > 0 ? "not back, within Linux's caches" : "more free than before");
		passed++;
	} else {
		say("usertests: freeram FAILED: free memory %lu KiB before the first test, %lu KiB "
		    "after the last: %ld KiB not back%s\n",
		    before >> 10, after >> 10, lost / 1024, keel ? " (Keel: must be exact)" : "");
		failed++;
	}
	say("usertests: %d passed, %d failed\n", passed, failed);
	say("usertests: took %ld ms\n", now_ms() - start);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	return failed ? 1 : 0;
}
