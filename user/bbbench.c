/* bbbench: busybox workloads, run as /init on Keel and on Linux in the same QEMU
 * (tests/bench_busybox.py), in a root holding /bin/busybox and its applets, a 1 MiB
 * file of text lines (/data/lines) and a tree of files (/data/tree). Each workload
 * is a command for busybox's sh, timed from fork to its end (CLOCK_MONOTONIC):
 *   pipelines  a shell loop of 200 `echo | md5sum` pipelines
 *   find       find / | wc -l (/proc pruned: only one of the kernels may have it)
 *   sort       sort of the 1 MiB file
 *   tar        tar of the tree to /dev/null
 * It prints `bench: started`, then for each workload what its check command printed
 * (the same on both kernels when they computed the same thing)
 *   bench: check NAME OUTPUT
 * then, as user/bench.c does, one line per workload with the median over RUNS runs
 *   bench NAME OPS ops NS ns/op (N runs MIN-MAX)
 * or `bench NAME failed: WHY`, and last `bench: done in NS ns`. As pid 1 it then
 * powers the machine off. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS	 5
#define SETTLE_S 1

static const struct workload {
	const char *name;
	long ops; /* what the time is divided by */
	const char *command;
	const char *check; /* its output is printed, for the host to compare */
} WORKLOADS[] = {
	{"pipelines", 200,
	 "i=0; while [ $i -lt 200 ]; do echo | md5sum >/dev/null; i=$((i + 1)); done",
	 "echo | md5sum"},
	{"find", 1, "find / -path /proc -prune -o -print | wc -l >/dev/null",
	 "find / -path /proc -prune -o -print | wc -l"},
	{"sort", 1, "sort /data/lines >/dev/null", "sort /data/lines | md5sum"},
	{"tar", 1, "tar -cf - /data/tree >/dev/null", "tar -cf - /data/tree | wc -c"},
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs `command` under busybox's sh with its output to out_fd (-1: ours). Returns its
 * wait status, or -1 if it could not start. */
static int shell(const char *command, int out_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, 1);
		execl("/bin/busybox", "sh", "-c", command, (char *)0);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The check's output (its first line; small, so the pipe holds it all), after
 * "bench: check NAME". */
static void check(const struct workload *w)
{
	int p[2];
	if (pipe(p) != 0)
		return;
	int status = shell(w->check, p[1]);
	close(p[1]);
	char out[128];
	size_t n = 0;
	ssize_t got;
	while (n < sizeof out - 1 && (got = read(p[0], out + n, sizeof out - 1 - n)) > 0)
		n += (size_t)got;
	close(p[0]);
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
	printf("bench: check %s %s%s\n", w->name, out, status == 0 ? "" : " (failed)");
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void run(const struct workload *w)
{
	uint64_t ns[RUNS];
	for (int i = 0; i < RUNS; i++) {
		uint64_t t = now_ns();
		int status = shell(w->command, -1);
		ns[i] = now_ns() - t;
		if (status != 0) {
			printf("bench %s failed: wait status %#x\n", w->name, status);
			return;
		}
	}
	qsort(ns, RUNS, sizeof ns[0], by_value);
	uint64_t per = (uint64_t)w->ops;
	printf("bench %s %ld ops %llu ns/op (%d runs %llu-%llu)\n", w->name, w->ops,
	       (unsigned long long)((ns[RUNS / 2] + per / 2) / per), RUNS,
	       (unsigned long long)((ns[0] + per / 2) / per),
	       (unsigned long long)((ns[RUNS - 1] + per / 2) / per));
}

int main(void)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	printf("bench: started\n");
	uint64_t t0 = now_ns();
	struct utsname u;
	if (uname(&u) == 0)
		printf("bench: kernel %s %s\n", u.sysname, u.release);
	/* Linux's initramfs has /dev/console only; Keel makes its devices itself. */
	if (access("/dev/null", F_OK) != 0)
		mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3));
	mkdir("/tmp", 01777);
	struct timespec settle = {SETTLE_S, 0}; /* as user/bench.c: the kernel's own work first */
	while (nanosleep(&settle, &settle) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++)
		check(&WORKLOADS[i]);
	for (size_t i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++)
		run(&WORKLOADS[i]);
	printf("bench: done in %llu ns\n", (unsigned long long)(now_ns() - t0));
	if (getpid() != 1)
		return 0;
	sync();
	reboot(RB_POWER_OFF);
	printf("bench: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	for (;;) /* init must not exit */
		pause();
}
