/* fuzz [CALLS [WORKERS]]: random system calls with hostile arguments, in the spirit
 * of xv6's grind. Workers (child processes) each make up to CHUNK calls with numbers
 * from 0 to 449 and arguments drawn from 0, -1, small numbers, kernel-half and
 * non-canonical addresses, unmapped and misaligned user addresses, huge sizes and
 * pointers into (and at the very end of) a scratch mapping. A worker that blocks or
 * dies (a random munmap of its own code, a handler at a random address) is replaced;
 * the parent stops when CALLS calls have been made. The kernel must survive it all
 * and give every frame back: the parent prints
 *   fuzz: N calls in W workers (K killed or died), free memory back: yes|no
 * A few calls are left out because they would end the test rather than the worker:
 * reboot, kill-like calls (pid -1 is everyone), and fork-like ones (the workers
 * would multiply); clone makes threads instead, with hostile stacks, TLS and tid
 * words, which die with their worker. Runs on Linux too, as a worker-level sanity
 * check. */
#define _GNU_SOURCE /* clone's flags in <sched.h> */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	     500 /* calls per worker */
#define NR_MAX	     450 /* numbers tried: 0 .. NR_MAX - 1 */
#define WORKER_LIMIT 300 /* ms a worker may take (it may block in a read) */
#define SCRATCH	     (64 * 1024)
#define PROGRESS_FD  1000 /* a worker writes a byte here every PROGRESS calls */
#define PROGRESS     50

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13; /* xorshift64 (Marsaglia, 2003) */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool excluded(long nr)
{
	switch (nr) {
	case SYS_reboot:
	case SYS_kill:
	case SYS_tkill:
	case SYS_tgkill:
	case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo:
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone:
	case SYS_clone3:
	case SYS_exit_group: /* allowed only as the worker's own end */
	case SYS_exit: return true;
	default: return false;
	}
}

static char *scratch;

static uint64_t hostile(void)
{
	switch (next() % 14) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return next() % 16;
	case 3: return next() % 4096;
	case 4: return 0xffffffff80000000ull + (next() % (1u << 24)); /* the kernel image */
	case 5: return 0xffff800000000000ull + (next() % (1u << 30)); /* the direct map */
	case 6: return 0x0000800000000000ull;			      /* first non-canonical */
	case 7: return 0x1000 + (next() % 0x10000);		      /* unmapped, low */
	case 8: return (uint64_t)scratch + next() % SCRATCH;	      /* mapped, any alignment */
	case 9: return (uint64_t)scratch + SCRATCH - 1 - next() % 8;  /* up to the edge */
	case 10: return 1ull << (next() % 64);			      /* huge sizes */
	case 11: return (uint64_t)scratch;
	case 12: return next();
	default: return (uint64_t)(int)(next() % 2048) - 1024;
	}
}

/* A thread of this worker from clone with hostile arguments. Its stack is never 0
 * (the worker's own, which two threads would wreck into anything): a thread on a
 * bad one faults at its first return and takes the worker with it. */
static void hostile_thread(void)
{
	unsigned long flags =
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	flags |= next() &
		 (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID);
	uint64_t stack = hostile();
	if (!stack)
		stack = (uint64_t)scratch + SCRATCH;
	syscall(SYS_clone, flags, stack, hostile(), hostile(), hostile());
}

static void worker(uint64_t seed)
{
	rng = seed | 1;
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++) /* no tty to block on or to fill with noise */
		dup2(null, fd);
	scratch = mmap(0, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		_exit(2);
	for (int i = 0; i < CHUNK; i++) {
		if (i % PROGRESS == 0 && i)
			write(PROGRESS_FD, "", 1); /* the calls so far count, whatever comes next */
		long nr = (long)(next() % NR_MAX);
		if (nr == SYS_clone && next() % 8 == 0)
			hostile_thread(); /* rarely: most kill their worker */
		if (excluded(nr))
			continue;
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = hostile();
		if (nr == SYS_prlimit64 || nr == SYS_setpriority)
			a[0] = 0; /* this worker's own limits, not its parent's or the shell's */
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static unsigned long free_bytes(void)
{
	struct sysinfo si;
	sysinfo(&si);
	return si.freeram * (unsigned long)si.mem_unit;
}

static long max_rss_bytes(void)
{
	struct rusage u;
	return getrusage(RUSAGE_SELF, &u) == 0 ? u.ru_maxrss * 1024 : 0;
}

/* Removes what workers made in the directory (random names, random modes). */
static void empty_dir(const char *dir)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/rm", "rm", "-rf", dir, (char *)0);
		_exit(127);
	}
	waitpid(pid, 0, 0);
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 50000;
	int parallel = argc > 2 ? atoi(argv[2]) : 4;
	static const char dir[] = "/tmp/fuzz.dir";
	mkdir("/tmp", 01777);
	empty_dir(dir);
	long own_before = max_rss_bytes();
	unsigned long before = free_bytes();
	mkdir(dir, 0777);
	if (chdir(dir) != 0) {
		perror("fuzz: chdir");
		return 1;
	}
	pid_t running[64] = {0};
	long started_at[64] = {0};
	if (parallel < 1 || parallel > 64)
		parallel = 4;
	long made = 0;
	int workers = 0, killed = 0;
	int progress[2];
	if (pipe(progress) != 0 || dup2(progress[1], PROGRESS_FD) != PROGRESS_FD) {
		perror("fuzz: pipe");
		return 1;
	}
	close(progress[1]);
	fcntl(progress[0], F_SETFL, O_NONBLOCK);
	fcntl(progress[0], F_SETFD, FD_CLOEXEC);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	for (;;) {
		bool any = false;
		for (int w = 0; w < parallel; w++) {
			if (running[w]) {
				int status;
				pid_t r = waitpid(running[w], &status, WNOHANG);
				if (r == 0 && now_ms() - started_at[w] > WORKER_LIMIT) {
					kill(running[w], SIGKILL);
					waitpid(running[w], &status, 0);
					r = running[w];
				}
				if (r != 0) {
					killed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
					running[w] = 0;
				}
			}
			if (!running[w] && made < calls) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				pid_t pid = fork();
				if (pid == 0)
					worker(seed);
				if (pid > 0) {
					running[w] = pid;
					started_at[w] = now_ms();
					workers++;
				}
			}
			any |= running[w] != 0;
		}
		char bytes[256];
		long n;
		while ((n = read(progress[0], bytes, sizeof bytes)) > 0)
			made += n * PROGRESS;
		if (!any && made >= calls)
			break;
		struct timespec t = {0, 5 * 1000000};
		nanosleep(&t, 0);
	}
	while (waitpid(-1, 0, WNOHANG) > 0) /* anything a worker left behind */
		;
	close(PROGRESS_FD);
	close(progress[0]);
	chdir("/");
	empty_dir(dir);
	long lost = (long)before - (long)free_bytes() - (max_rss_bytes() - own_before);
	printf("fuzz: %ld calls in %d workers (%d killed or died), free memory back: %s", made,
	       workers, killed, lost == 0 ? "yes" : "no");
	if (lost)
		printf(" (%ld KiB not back)", lost / 1024);
	printf("\n");
	return 0;
}
