/* threads: POSIX threads as Linux runs them, one line per check, so that the output
 * on Keel can be compared with Linux's line for line (tests/test_userspace.py does,
 * for this musl build and for a glibc build of the same file). 8 threads count
 * under a mutex and pass work through condition variables to exact totals; thread
 * ids, thread-local storage, join and detach, a signal to one thread, a fault in a
 * thread, exit_group from a thread, fork and execve from a thread. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS	   8
#define INCREMENTS 20000
#define ITEMS	   4000

static void say(const char *what, long value)
{
	printf("%s: %ld\n", what, value);
	fflush(stdout);
}

static long tid(void)
{
	return syscall(SYS_gettid);
}

/* ---- a counter under a mutex ----------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long mine; /* each thread's own */

static void *count_up(void *arg)
{
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
		mine++;
		if (i % 1000 == 0)
			sched_yield();
	}
	return (void *)(mine + (long)arg); /* INCREMENTS + its index: TLS was its own */
}

static void mutex_counter(void)
{
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], 0, count_up, (void *)i) != 0)
			say("pthread_create failed", i);
	long returned = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		returned += (long)r;
	}
	say("mutex counter", counter);
	say("returned", returned);
	say("main's own TLS", mine);
}

/* ---- producers and consumers through condition variables ------------------------- */

#define SLOTS 16
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long queue[SLOTS];
static int head, used;
static long consumed_sum, consumed_count;

static void *produce(void *arg)
{
	long base = (long)arg * ITEMS;
	for (long i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&queue_lock);
		while (used == SLOTS)
			pthread_cond_wait(&not_full, &queue_lock);
		queue[(head + used++) % SLOTS] = base + i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&queue_lock);
	}
	return 0;
}

static void *consume(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&queue_lock);
		while (used == 0)
			pthread_cond_wait(&not_empty, &queue_lock);
		long item = queue[head];
		head = (head + 1) % SLOTS, used--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&queue_lock);
		if (item < 0) /* the end marker */
			return 0;
		__atomic_add_fetch(&consumed_sum, item, __ATOMIC_RELAXED);
		__atomic_add_fetch(&consumed_count, 1, __ATOMIC_RELAXED);
	}
}

static void condition_queue(void)
{
	pthread_t p[THREADS / 2], c[THREADS / 2];
	for (long i = 0; i < THREADS / 2; i++) {
		pthread_create(&p[i], 0, produce, (void *)i);
		pthread_create(&c[i], 0, consume, 0);
	}
	for (int i = 0; i < THREADS / 2; i++)
		pthread_join(p[i], 0);
	for (int i = 0; i < THREADS / 2; i++) { /* one end marker per consumer */
		pthread_mutex_lock(&queue_lock);
		while (used == SLOTS)
			pthread_cond_wait(&not_full, &queue_lock);
		queue[(head + used++) % SLOTS] = -1;
		pthread_cond_broadcast(&not_empty);
		pthread_mutex_unlock(&queue_lock);
	}
	for (int i = 0; i < THREADS / 2; i++)
		pthread_join(c[i], 0);
	long n = (long)ITEMS * (THREADS / 2);
	say("items consumed", consumed_count);
	say("sum right", consumed_sum == n * (n + 1) / 2);
}

/* ---- a barrier and a broadcast --------------------------------------------------- */

static pthread_barrier_t barrier;
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int gate_open, through;

static void *wait_at_gate(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&barrier);
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate, &gate_lock);
	through++;
	pthread_mutex_unlock(&gate_lock);
	return 0;
}

static void barrier_and_broadcast(void)
{
	pthread_t t[THREADS];
	pthread_barrier_init(&barrier, 0, THREADS + 1);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], 0, wait_at_gate, 0);
	int serial = pthread_barrier_wait(&barrier);
	say("barrier passed", serial == 0 || serial == PTHREAD_BARRIER_SERIAL_THREAD);
	usleep(20000);
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate);
	pthread_mutex_unlock(&gate_lock);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], 0);
	say("through the gate", through);
}

/* ---- ids, detach, timed waits ---------------------------------------------------- */

static long thread_tid;
static void *report_ids(void *arg)
{
	(void)arg;
	thread_tid = tid();
	return (void *)(long)getpid();
}

static volatile int detached_ran;
static void *detached(void *arg)
{
	(void)arg;
	detached_ran = 1;
	return 0;
}

static void ids_and_detach(void)
{
	pthread_t t;
	void *pid;
	pthread_create(&t, 0, report_ids, 0);
	pthread_join(t, &pid);
	say("same pid in a thread", (long)pid == getpid());
	say("own thread id", thread_tid != tid() && thread_tid > 0);
	say("main's tid is its pid", tid() == getpid());
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &attr, detached, 0);
	for (int i = 0; i < 200 && !detached_ran; i++)
		usleep(1000);
	say("detached thread ran", detached_ran);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 30 * 1000000;
	if (deadline.tv_nsec >= 1000000000)
		deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
	pthread_mutex_lock(&gate_lock);
	int r = pthread_cond_timedwait(&gate, &gate_lock, &deadline);
	pthread_mutex_unlock(&gate_lock);
	say("timed wait times out", r == ETIMEDOUT);
}

/* ---- signals and threads --------------------------------------------------------- */

static volatile long handled_by;
static void on_usr1(int sig)
{
	(void)sig;
	handled_by = tid();
}

static volatile int stop_spinning;
static void *spin(void *arg)
{
	*(volatile long *)arg = tid();
	while (!stop_spinning)
		sched_yield();
	return 0;
}

static void signal_to_a_thread(void)
{
	signal(SIGUSR1, on_usr1);
	volatile long spinner = 0;
	pthread_t t;
	pthread_create(&t, 0, spin, (void *)&spinner);
	while (!spinner)
		sched_yield();
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < 200 && !handled_by; i++)
		usleep(1000);
	say("pthread_kill reached that thread", handled_by == spinner);
	stop_spinning = 1;
	pthread_join(t, 0);
}

/* In a child, so that what ends it is seen from outside. */
static int in_child(void (*what)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		what();
		_exit(99);
	}
	int status;
	waitpid(pid, &status, 0);
	return status;
}

static int *volatile nowhere; /* NULL, where the compiler cannot see it */
static void *segfault(void *arg)
{
	(void)arg;
	*nowhere = 1;
	return 0;
}
static void *sleep_long(void *arg)
{
	(void)arg;
	sleep(100);
	return 0;
}
static void fault_in_thread(void)
{
	pthread_t t, u;
	pthread_create(&u, 0, sleep_long, 0);
	pthread_create(&t, 0, segfault, 0);
	pthread_join(t, 0);
}

static void *exit_everything(void *arg)
{
	(void)arg;
	exit(7);
}
static void exit_from_thread(void)
{
	pthread_t t, u;
	pthread_create(&u, 0, sleep_long, 0);
	pthread_create(&t, 0, exit_everything, 0);
	pthread_join(t, 0);
	sleep(100);
}

static void *exit_main_thread_only(void *arg)
{
	(void)arg;
	usleep(20000);
	_exit(5); /* whole process: _exit is exit_group too */
}
static void main_thread_exits(void)
{
	pthread_t t;
	pthread_create(&t, 0, exit_main_thread_only, 0);
	pthread_exit(0); /* the process lives on in the other thread */
}

static void *fork_from_thread(void *arg)
{
	(void)arg;
	pid_t pid = fork();
	if (pid == 0)
		_exit(3); /* the child has only this thread */
	int status;
	waitpid(pid, &status, 0);
	return (void *)(long)WEXITSTATUS(status);
}

static void *exec_from_thread(void *arg)
{
	char *argv[] = {arg, "exec-ok", 0};
	execv(argv[0], argv);
	_exit(13); /* no such file */
}
static const char *self;
static void exec_in_thread(void)
{
	pthread_t t, u;
	pthread_create(&u, 0, sleep_long, 0);
	pthread_create(&t, 0, exec_from_thread, (void *)self);
	pthread_join(t, 0);
	sleep(100);
}

static void ending(void)
{
	int s = in_child(fault_in_thread);
	say("a fault in a thread ends the process with SIGSEGV",
	    WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV);
	s = in_child(exit_from_thread);
	say("exit in a thread ends them all, status", WEXITSTATUS(s));
	s = in_child(main_thread_exits);
	say("the process outlives its main thread, status", WEXITSTATUS(s));
	pthread_t t;
	void *r;
	pthread_create(&t, 0, fork_from_thread, 0);
	pthread_join(t, &r);
	say("fork in a thread, child status", (long)r);
	s = in_child(exec_in_thread);
	say("execve in a thread, status", WEXITSTATUS(s));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-ok") == 0) {
		/* After execve from a thread: one thread, with the pid as its tid. */
		return tid() == getpid() ? 11 : 12;
	}
	self = strchr(argv[0], '/') ? argv[0] : "/bin/threads"; /* a shell's bare name */
	mutex_counter();
	condition_queue();
	barrier_and_broadcast();
	ids_and_detach();
	signal_to_a_thread();
	ending();
	printf("threads: done\n");
	return 0;
}
