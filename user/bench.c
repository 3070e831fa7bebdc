/* bench: system-call costs, run as /init on Keel and on Linux in the same QEMU
 * (tests/bench_user.py). Prints `bench: started` first (the host times the boot to
 * it), waits SETTLE_S seconds for the kernel's own start-up work, then prints one line
 * per row:
 *   bench NAME OPS ops NS ns/op (N runs MIN-MAX)
 * where NS is the median over N runs of the row's OPS operations (CLOCK_MONOTONIC),
 * or
 *   bench NAME failed: WHAT: ERROR (errno N)
 * and last `bench: done in NS ns`, the clock's reading since `bench: started`, which
 * the host checks against its own. As pid 1 it then powers the machine off (init
 * must not exit on Linux: the kernel would panic); run from a shell it just exits.
 * It opens nothing to write to: fds 0, 1 and 2 are the console, as either kernel
 * gives them to init. It needs /bin/true and a writable /tmp. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5
#define SETTLE_S 1
#define MAX_RUNS 9
_Static_assert(RUNS <= MAX_RUNS, "run_row keeps MAX_RUNS times");
#define SMALL_FILE "/tmp/bench.dat"
#define SMALL_FILE_SIZE 4096
#define MAP_BYTES (1u << 20)
#define PAGE 4096

/* One line to fd 1 in one write, so that lines never interleave. */
static void say(const char *format, ...)
{
	char line[256];
	va_list args;
	va_start(args, format);
	int n = vsnprintf(line, sizeof line, format, args);
	va_end(args);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	const char *p = line;
	while (n > 0) {
		ssize_t done = write(1, p, (size_t)n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return;
		p += done;
		n -= (int)done;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A row's failure: what failed, and errno. Rows return 0, or set this and return -1. */
static const char *failed_what;
static int failed_errno;

static int fail(const char *what)
{
	failed_what = what;
	failed_errno = errno;
	return -1;
}

/* Waits for pid; a child that did not exit with status 0 fails the row. */
static int reap(pid_t pid, const char *what)
{
	int status;
	pid_t got;
	while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (got < 0)
		return fail("wait4");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	static char why[128];
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "%s ended by signal %d", what, WTERMSIG(status));
	else
		snprintf(why, sizeof why, "%s exited with status %d", what, WEXITSTATUS(status));
	failed_what = why;
	failed_errno = 0;
	return -1;
}

/* Ends a child whose row failed half-way, so the next row starts clean. */
static void stop_child(pid_t pid)
{
	int status;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static int read_byte(int fd)
{
	char c;
	ssize_t n;
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 0)
		errno = EPIPE;
	return n == 1 ? 0 : -1;
}

static int write_byte(int fd)
{
	ssize_t n;
	while ((n = write(fd, "x", 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : -1;
}

/* ---- the rows: each does `ops` operations and puts the time they took in *ns ---- */

static int row_getpid(long ops, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < ops; i++)
		syscall(SYS_getpid); /* raw: no libc cache can answer it */
	*ns = now_ns() - t0;
	return 0;
}

/* One round trip: parent writes a byte down one pipe, the child writes it back up the
 * other. The clock starts after a first untimed round trip, once the child runs. */
static int row_pipe(long ops, uint64_t *ns)
{
	int down[2], up[2];
	if (pipe(down) < 0)
		return fail("pipe");
	if (pipe(up) < 0) {
		fail("pipe");
		close(down[0]), close(down[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail("fork");
		close(down[0]), close(down[1]), close(up[0]), close(up[1]);
		return -1;
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		while (read_byte(down[0]) == 0)
			if (write_byte(up[1]) < 0)
				_exit(1);
		_exit(0); /* end of file: the parent is done */
	}
	close(down[0]);
	close(up[1]);
	int result = 0;
	if (write_byte(down[1]) < 0 || read_byte(up[0]) < 0) {
		result = fail("first round trip");
	} else {
		uint64_t t0 = now_ns();
		for (long i = 0; i < ops; i++) {
			if (write_byte(down[1]) < 0) {
				result = fail("write");
				break;
			}
			if (read_byte(up[0]) < 0) {
				result = fail("read");
				break;
			}
		}
		*ns = now_ns() - t0;
	}
	close(down[1]);
	close(up[0]);
	if (result < 0) {
		stop_child(pid);
		return -1;
	}
	return reap(pid, "child");
}

static int row_fork(long ops, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return fail("fork");
		if (reap(pid, "child") < 0)
			return -1;
	}
	*ns = now_ns() - t0;
	return 0;
}

static int row_exec(long ops, uint64_t *ns)
{
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	uint64_t t0 = now_ns();
	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve("/bin/true", argv, envp);
			_exit(127);
		}
		if (pid < 0)
			return fail("fork");
		if (reap(pid, "/bin/true (missing, or execve failed)") < 0)
			return -1;
	}
	*ns = now_ns() - t0;
	return 0;
}

static int make_small_file(void)
{
	static char data[SMALL_FILE_SIZE];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	mkdir("/tmp", 01777); /* there already, normally */
	int fd = open(SMALL_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("creating " SMALL_FILE);
	ssize_t n = write(fd, data, sizeof data);
	if (n != (ssize_t)sizeof data) {
		if (n >= 0)
			errno = EIO;
		fail("writing " SMALL_FILE);
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return fail("closing " SMALL_FILE);
	return 0;
}

static int row_open_read(long ops, uint64_t *ns)
{
	static char buf[SMALL_FILE_SIZE];
	uint64_t t0 = now_ns();
	for (long i = 0; i < ops; i++) {
		int fd = open(SMALL_FILE, O_RDONLY);
		if (fd < 0)
			return fail("open");
		ssize_t n = read(fd, buf, sizeof buf);
		if (n != (ssize_t)sizeof buf) {
			if (n >= 0)
				errno = EIO;
			fail("read");
			close(fd);
			return -1;
		}
		if (close(fd) < 0)
			return fail("close");
	}
	*ns = now_ns() - t0;
	return 0;
}

static int row_mmap(long ops, uint64_t *ns)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < ops; i++) {
		volatile char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail("mmap");
		for (size_t off = 0; off < MAP_BYTES; off += PAGE)
			p[off] = 1;
		if (munmap((void *)p, MAP_BYTES) < 0)
			return fail("munmap");
	}
	*ns = now_ns() - t0;
	return 0;
}

/* Two processes calling sched_yield, ops / 2 times each; a pipe starts the child and
 * another tells the parent it has finished. The time runs from the start until both
 * have done all their yields. */
static int row_yield(long ops, uint64_t *ns)
{
	int go[2], done[2];
	long each = ops / 2;
	if (pipe(go) < 0)
		return fail("pipe");
	if (pipe(done) < 0) {
		fail("pipe");
		close(go[0]), close(go[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fail("fork");
		close(go[0]), close(go[1]), close(done[0]), close(done[1]);
		return -1;
	}
	if (pid == 0) {
		close(go[1]);
		close(done[0]);
		if (read_byte(go[0]) < 0)
			_exit(1);
		for (long i = 0; i < each; i++)
			if (sched_yield() < 0)
				_exit(2);
		_exit(write_byte(done[1]) < 0 ? 3 : 0);
	}
	close(go[0]);
	close(done[1]);
	int result = 0;
	uint64_t t0 = now_ns();
	if (write_byte(go[1]) < 0) {
		result = fail("write");
	} else {
		for (long i = 0; i < each && result == 0; i++)
			if (sched_yield() < 0)
				result = fail("sched_yield");
		if (result == 0 && read_byte(done[0]) < 0)
			result = fail("the child's yields");
		*ns = now_ns() - t0;
	}
	close(go[1]);
	close(done[0]);
	if (result < 0) {
		stop_child(pid);
		return -1;
	}
	return reap(pid, "child");
}

/* ---- running them ---- */

struct row {
	const char *name;
	long ops; /* sized for about 0.2-1 s a run on Keel under QEMU TCG */
	int (*run)(long ops, uint64_t *ns);
	int (*setup)(void);
};

static const struct row ROWS[] = {
	{"getpid", 100000, row_getpid, NULL},
	{"pipe_pingpong", 10000, row_pipe, NULL},
	{"fork_exit_wait", 1000, row_fork, NULL},
	{"fork_exec_wait", 300, row_exec, NULL},
	{"open_read_close", 20000, row_open_read, make_small_file},
	{"mmap_touch_munmap_1m", 500, row_mmap, NULL},
	{"sched_yield_pingpong", 40000, row_yield, NULL},
};

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void run_row(const struct row *row, int runs)
{
	uint64_t ns[MAX_RUNS];
	failed_what = NULL;
	if (row->setup && row->setup() < 0)
		goto failed;
	for (int i = 0; i < runs; i++)
		if (row->run(row->ops, &ns[i]) < 0)
			goto failed;
	qsort(ns, (size_t)runs, sizeof ns[0], by_value);
	uint64_t per = (uint64_t)row->ops;
	say("bench %s %ld ops %llu ns/op (%d runs %llu-%llu)\n", row->name, row->ops,
	    (unsigned long long)((ns[runs / 2] + per / 2) / per), runs,
	    (unsigned long long)((ns[0] + per / 2) / per),
	    (unsigned long long)((ns[runs - 1] + per / 2) / per));
	return;
failed:
	if (failed_errno)
		say("bench %s failed: %s: %s (errno %d)\n", row->name,
		    failed_what ? failed_what : "?", strerror(failed_errno), failed_errno);
	else
		say("bench %s failed: %s\n", row->name, failed_what ? failed_what : "?");
}

int main(void)
{
	say("bench: started\n");
	uint64_t t0 = now_ns();
	struct utsname u;
	if (uname(&u) == 0)
		say("bench: kernel %s %s\n", u.sysname, u.release);
	/* A kernel just booted may still have work of its own queued (Linux refines its
	 * TSC calibration about a second after /init starts): let it run first. */
	struct timespec settle = {SETTLE_S, 0};
	while (nanosleep(&settle, &settle) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
		run_row(&ROWS[i], RUNS);
	unlink(SMALL_FILE);
	/* The host compares this with its own clock, to check the guest's. */
	say("bench: done in %llu ns\n", (unsigned long long)(now_ns() - t0));
	if (getpid() != 1)
		return 0;
	sync();
	reboot(RB_POWER_OFF);
	say("bench: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	for (;;) /* init must not exit */
		pause();
}
