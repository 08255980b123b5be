/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run: real children, no mocks. The helpers are coreutils and /bin/sh (a
 * test may use a shell; the library may not). Timing is never asserted
 * tightly: "returned well before the child's sleep would have ended".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "run.h"

/* Every child here should be done (or killed) in far less than this. */
#define SLOW_MS 5000

static struct deadline deadline_in(uint64_t ms)
{
	return (struct deadline){ .end_ms = deadline_now_ms() + ms,
				  .timeout_ms = ms };
}

/* Runs argv with a deadline ms from now; asserts that it was started. */
static void run(const char *const argv[], uint64_t ms, struct run_result *r)
{
	struct deadline d = deadline_in(ms);

	assert_int_equal(run_argv(argv, NULL, &d, r), 0);
	assert_non_null(r->out);
	assert_non_null(r->err);
	assert_int_equal(r->out[r->out_len], '\0');
	assert_int_equal(r->err[r->err_len], '\0');
}

/* 'Z' for a zombie, 0 when there is no such process, else its state. */
static char pid_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0; /* ESRCH: gone between open() and read() */
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/*
 * Waits until pid has exited (reaped, or a zombie waiting for its new
 * parent), at most ms. A pidfd polls readable on exit for any process;
 * where there is none (valgrind 3.19 lacks pidfd_open), /proc is asked.
 */
static bool pid_gone_within(pid_t pid, int ms)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	int err = errno;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct deadline d = deadline_in((uint64_t)ms);
	char state;

	if (fd >= 0)
		return poll(&p, 1, ms) == 1;
	if (err == ESRCH)
		return true;
	while ((state = pid_state(pid)) != 0 && state != 'Z') {
		if (deadline_expired(&d))
			return false;
		deadline_sleep(&d, 10); /* a test, without a pidfd */
	}
	return true;
}

/* CPU time this process has used, in ms. */
static uint64_t cpu_ms(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

/* Parses a pid on its own line of s (the first such line). */
static pid_t pid_in(const char *s)
{
	long v = strtol(s, NULL, 10);

	assert_true(v > 1);
	return (pid_t)v;
}

/*
 * Asserts that pid (a grandchild) has exited, and reaps it: main() made us
 * the subreaper, so it is our child once its parent, the helper, is gone.
 */
static void assert_gone(pid_t pid)
{
	assert_true(pid_gone_within(pid, SLOW_MS));
	/* ECHILD: someone else's, reaped already or by init */
	(void)waitpid(pid, NULL, 0);
}

static void kill_and_reap(pid_t pid)
{
	(void)kill(pid, SIGKILL); /* ESRCH: already gone, fine */
	assert_gone(pid);
}

/*
 * Puts a pipe on our fds first..last (the read end on 0, the write end on 1
 * and 2), both ends held open, so that a child that inherited them would
 * show it: the harness may well run us on /dev/null already.
 */
struct stdio_swap {
	int first, last;
	int saved[3];
	int pipe[2];
};

static void stdio_on_pipe(struct stdio_swap *s, int first, int last)
{
	s->first = first;
	s->last = last;
	assert_int_equal(pipe2(s->pipe, O_CLOEXEC), 0);
	for (int fd = first; fd <= last; fd++) {
		s->saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		assert_true(s->saved[fd] >= 0);
		assert_true(dup2(s->pipe[fd == 0 ? 0 : 1], fd) == fd);
	}
}

static void stdio_restore(struct stdio_swap *s)
{
	for (int fd = s->first; fd <= s->last; fd++) {
		assert_true(dup2(s->saved[fd], fd) == fd);
		(void)close(s->saved[fd]);
	}
	(void)close(s->pipe[0]);
	(void)close(s->pipe[1]);
}

/* ---- exit status ---- */

static void test_true(void **state)
{
	const char *argv[] = { "/bin/true", NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_EXITED);
	assert_int_equal(r.exit_code, 0);
	assert_true(run_ok(&r));
	assert_int_equal(r.out_len, 0);
	assert_int_equal(r.err_len, 0);
	assert_string_equal(r.path, "/bin/true");
	assert_true(r.pid > 0);
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 0");
	run_result_free(&r);
	run_result_free(&r); /* twice is fine */
}

static void test_false(void **state)
{
	const char *argv[] = { "/bin/false", NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_EXITED);
	assert_int_equal(r.exit_code, 1);
	assert_false(run_ok(&r));
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 1");
	run_result_free(&r);
}

static void test_exit_reason_from_stderr(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "echo progress; echo 'fsck: bad superblock' >&2;"
			       " exit 4",
			       NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_EXITED);
	assert_int_equal(r.exit_code, 4);
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 4: fsck: bad superblock");
	run_result_free(&r);
}

static void test_exit_reason_from_stdout(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "echo one; echo two; exit 2",
			       NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 2: two");
	run_result_free(&r);
}

static void test_signaled(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_SIGNALED);
	assert_int_equal(r.signal, SIGKILL);
	assert_false(run_ok(&r));
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 9 (Killed)");
	run_result_free(&r);
}

/* ---- exec failures and refusals ---- */

static void test_exec_missing(void **state)
{
	const char *argv[] = { "/nonexistent/sbin/fsck", "-n", NULL };
	struct run_result r;
	char buf[256];

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_EXEC_FAILED);
	assert_int_equal(r.exec_errno, ENOENT);
	assert_false(run_ok(&r));
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "cannot execute /nonexistent/sbin/fsck: "
				 "No such file or directory");
	run_result_free(&r);
}

static void test_exec_not_executable(void **state)
{
	/* 0644: even root may not execute it */
	const char *argv[] = { "/etc/passwd", NULL };
	struct run_result r;

	run(argv, SLOW_MS, &r);
	assert_int_equal(r.status, RUN_EXEC_FAILED);
	assert_int_equal(r.exec_errno, EACCES);
	run_result_free(&r);
}

static void test_refused(void **state)
{
	const char *relative[] = { "true", NULL };
	const char *empty[] = { NULL };
	const char *argv[] = { "/bin/true", NULL };
	struct deadline d = deadline_in(SLOW_MS);
	struct deadline past = { .end_ms = deadline_now_ms() - 1 };
	struct run_result r;

	assert_int_equal(run_argv(relative, NULL, &d, &r), -EINVAL);
	assert_null(r.out);
	run_result_free(&r);
	assert_int_equal(run_argv(empty, NULL, &d, &r), -EINVAL);
	run_result_free(&r);
	/* no time left: nothing is started */
	assert_int_equal(run_argv(argv, NULL, &past, &r), -ETIMEDOUT);
	assert_int_equal(r.pid, 0);
	run_result_free(&r);
}

/* ---- output ---- */

static void test_capture_separately(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "echo out1; echo err1 >&2; echo out2;"
			       " printf err2 >&2",
			       NULL };
	struct run_result r;

	run(argv, SLOW_MS, &r);
	assert_true(run_ok(&r));
	assert_string_equal(r.out, "out1\nout2\n");
	assert_int_equal(r.out_len, 10);
	assert_string_equal(r.err, "err1\nerr2");
	assert_int_equal(r.err_len, 9);
	assert_false(r.out_truncated);
	assert_false(r.err_truncated);
	run_result_free(&r);
}

static void test_output_bound(void **state)
{
	const char *head[] = { "/usr/bin/head", "-c", "200000", "/dev/zero",
			       NULL };
	const char *head_err[] = { "/bin/sh", "-c",
				   "/usr/bin/head -c 200000 /dev/zero >&2",
				   NULL };
	const char *exact[] = { "/usr/bin/head", "-c", "65536", "/dev/zero",
				NULL };
	uint64_t t0 = deadline_now_ms();
	struct run_result r;

	_Static_assert(RUN_OUTPUT_MAX == 65536, "exact[] needs updating");

	run(head, SLOW_MS, &r);
	/* kept draining: head was not blocked on a full pipe, it exited */
	assert_true(run_ok(&r));
	assert_int_equal(r.out_len, RUN_OUTPUT_MAX);
	assert_true(r.out_truncated);
	assert_false(r.err_truncated);
	run_result_free(&r);

	run(head_err, SLOW_MS, &r);
	assert_true(run_ok(&r));
	assert_int_equal(r.err_len, RUN_OUTPUT_MAX);
	assert_true(r.err_truncated);
	assert_int_equal(r.out_len, 0);
	run_result_free(&r);

	run(exact, SLOW_MS, &r);
	assert_int_equal(r.out_len, RUN_OUTPUT_MAX);
	assert_false(r.out_truncated);
	run_result_free(&r);

	assert_true(deadline_now_ms() - t0 < SLOW_MS);
}

/* An endless writer still times out: reading must not starve the clock. */
static void test_flood_times_out(void **state)
{
	const char *argv[] = { "/usr/bin/yes", NULL };
	uint64_t t0 = deadline_now_ms();
	struct run_result r;

	run(argv, 300, &r);
	assert_int_equal(r.status, RUN_TIMED_OUT);
	assert_int_equal(r.out_len, RUN_OUTPUT_MAX);
	assert_true(r.out_truncated);
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	run_result_free(&r);
}

/* ---- the child's environment ---- */

static void test_stdin_is_dev_null(void **state)
{
	const char *cat[] = { "/bin/cat", NULL };
	const char *link[] = { "/usr/bin/readlink", "/proc/self/fd/0", NULL };
	struct stdio_swap swap;
	struct run_result r;

	/* our stdin is a pipe nobody writes to: cat would wait on it */
	stdio_on_pipe(&swap, 0, 0);
	run(cat, SLOW_MS, &r);
	stdio_restore(&swap);
	assert_true(run_ok(&r));
	assert_string_equal(r.out, "");
	assert_int_equal(r.out_len, 0);
	run_result_free(&r);

	stdio_on_pipe(&swap, 0, 0);
	run(link, SLOW_MS, &r);
	stdio_restore(&swap);
	assert_string_equal(r.out, "/dev/null\n");
	run_result_free(&r);
}

static void test_fds_closed(void **state)
{
	const char *argv[] = { "/bin/ls", "/proc/self/fd", NULL };
	/* an fd of ours without O_CLOEXEC: it must not reach the child */
	_cleanup_close_ int leak = open("/dev/null", O_RDONLY);
	struct run_result r;

	assert_true(leak >= 0);
	run(argv, SLOW_MS, &r);
	assert_true(run_ok(&r));
	/* 3 is ls's own directory fd */
	assert_string_equal(r.out, "0\n1\n2\n3\n");
	run_result_free(&r);
}

static void test_signals_reset(void **state)
{
	const char *argv[] = { "/bin/grep", "-E",
			       "^Sig(Blk|Ign):", "/proc/self/status", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe, old_usr1;
	sigset_t block, old_mask;
	struct run_result r;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old_mask), 0);
	assert_int_equal(sigaction(SIGPIPE, &ign, &old_pipe), 0);
	assert_int_equal(sigaction(SIGUSR1, &ign, &old_usr1), 0);

	run(argv, SLOW_MS, &r);

	assert_int_equal(sigprocmask(SIG_SETMASK, &old_mask, NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &old_pipe, NULL), 0);
	assert_int_equal(sigaction(SIGUSR1, &old_usr1, NULL), 0);
	{
		unsigned long long blk = ~0ULL, ign = ~0ULL;

		assert_int_equal(sscanf(r.out, "SigBlk:\t%llx\nSigIgn:\t%llx",
					&blk, &ign), 2);
		assert_int_equal(blk, 0);
		/*
		 * Signals 32 and 33 are glibc's own (SIGCANCEL, SIGSETXID):
		 * sigaction() refuses to touch them, so a disposition
		 * inherited from whoever started the tests stays; glibc
		 * installs its handlers in the helper at start-up anyway.
		 */
		assert_int_equal(ign & ~(3ULL << 31), 0);
	}
	run_result_free(&r);
}

static void test_own_process_group(void **state)
{
	const char *argv[] = { "/bin/cat", "/proc/self/stat", NULL };
	struct run_result r;
	int pid, ppid, pgrp;

	run(argv, SLOW_MS, &r);
	assert_int_equal(
		sscanf(r.out, "%d (cat) %*c %d %d", &pid, &ppid, &pgrp), 3);
	assert_int_equal(pid, r.pid);
	assert_int_equal(ppid, getpid());
	assert_int_equal(pgrp, pid);
	run_result_free(&r);
}

static void test_envp(void **state)
{
	const char *argv[] = { "/usr/bin/env", NULL };
	char *envp[] = { "A=1", "B=two words", NULL };
	struct deadline d = deadline_in(SLOW_MS);
	struct run_result r;

	assert_int_equal(run_argv(argv, envp, &d, &r), 0);
	assert_string_equal(r.out, "A=1\nB=two words\n");
	run_result_free(&r);
}

/*
 * A private directory for FIFOs, and the processes a test forks: teardown
 * runs even when an assertion fails, so nothing is left behind.
 */
struct fixture {
	char dir[32];
	pid_t forked;           /* a fork of this test program */
	pid_t helper;           /* a child of ours left to reap */
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-run.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	char path[64];

	/* errors: already gone, or never started */
	if (f->forked > 0) {
		(void)kill(f->forked, SIGKILL);
		(void)waitpid(f->forked, NULL, 0);
	}
	if (f->helper > 0) {
		(void)kill(f->helper, SIGKILL);
		(void)waitpid(f->helper, NULL, 0);
	}
	snprintf(path, sizeof(path), "%s/pid", f->dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/go", f->dir);
	(void)unlink(path);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* A FIFO in the fixture's directory; its path in buf. */
static const char *fixture_fifo(struct fixture *f, const char *name, char *buf,
				size_t size)
{
	snprintf(buf, size, "%s/%s", f->dir, name);
	if (access(buf, F_OK) < 0)
		assert_int_equal(mkfifo(buf, 0600), 0);
	return buf;
}

/*
 * In a fork of the test program: dies with it, and holds none of the
 * harness's pipes (they would keep a harness waiting for our output).
 */
static void forked_setup(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || fd < 0)
		_exit(100);
	if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(100);
}

/* Reads a pid from a FIFO that a helper writes to, waiting at most SLOW_MS. */
static pid_t pid_from_fifo(const char *fifo)
{
	/* O_NONBLOCK: no waiting for a writer that may never come */
	_cleanup_close_ int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char line[32] = "";

	assert_true(fd >= 0);
	assert_int_equal(poll(&p, 1, SLOW_MS), 1);
	assert_true(read(fd, line, sizeof(line) - 1) > 0);
	return pid_in(line);
}

/* If the agent dies (Pacemaker's SIGKILL), its helper dies with it. */
static void test_parent_death_kills_child(void **state)
{
	struct fixture *f = *state;
	char fifo[64], script[128];
	pid_t helper;
	int status;

	/* the helper tells us its pid, then waits far beyond the test */
	snprintf(script, sizeof(script), "echo $$ > %s; exec /bin/sleep 30",
		 fixture_fifo(f, "pid", fifo, sizeof(fifo)));

	f->forked = fork(); /* the agent */
	assert_true(f->forked >= 0);
	if (f->forked == 0) {
		const char *argv[] = { "/bin/sh", "-c", script, NULL };
		struct deadline d = deadline_in(20000);
		struct run_result r;

		forked_setup();
		(void)run_argv(argv, NULL, &d, &r); /* killed in there */
		_exit(1);
	}
	helper = pid_from_fifo(fifo);

	assert_int_equal(kill(f->forked, SIGKILL), 0);
	assert_int_equal(waitpid(f->forked, &status, 0), f->forked);
	f->forked = 0;
	assert_true(WIFSIGNALED(status));
	assert_gone(helper);
}

/* ---- deadline ---- */

static void test_timeout(void **state)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	uint64_t t0 = deadline_now_ms();
	struct run_result r;
	char buf[256];

	run(argv, 300, &r);
	assert_int_equal(r.status, RUN_TIMED_OUT);
	assert_int_equal(r.signal, SIGTERM); /* it obeyed the first signal */
	assert_false(r.left_behind);
	assert_false(run_ok(&r));
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	run_describe(&r, buf, sizeof(buf));
	assert_true(strncmp(buf, "timed out after ", 16) == 0);
	assert_non_null(strstr(buf, " ms and was killed"));
	run_result_free(&r);
}

/* SIGTERM ignored by the child and its grandchild: SIGKILL ends both. */
static void test_timeout_term_ignored(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "trap '' TERM; /bin/sleep 30 & echo $!; wait",
			       NULL };
	uint64_t t0 = deadline_now_ms();
	struct run_result r;
	pid_t grandchild;

	run(argv, 500, &r);
	assert_int_equal(r.status, RUN_TIMED_OUT);
	assert_int_equal(r.signal, SIGKILL);
	assert_false(r.left_behind);
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	grandchild = pid_in(r.out);
	/* sleep 30 would still run: only our group SIGKILL explains this */
	assert_gone(grandchild);
	run_result_free(&r);
}

/* The child dies of SIGTERM, a grandchild ignores it: the group is KILLed. */
static void test_timeout_kills_group_leftovers(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "(trap '' TERM; exec /bin/sleep 30) & echo $!;"
			       " exec /bin/sleep 30",
			       NULL };
	struct run_result r;
	pid_t grandchild;

	run(argv, 500, &r);
	assert_int_equal(r.status, RUN_TIMED_OUT);
	assert_int_equal(r.signal, SIGTERM);
	grandchild = pid_in(r.out);
	assert_gone(grandchild);
	run_result_free(&r);
}

/*
 * Stands in for a child in uninterruptible sleep, which SIGKILL cannot end
 * in time: a tracer that seizes the helper and never waits for it holds
 * its zombie, so that we, the parent, cannot see it exit.
 */
_Noreturn static void tracer(const char *pid_fifo, const char *go_fifo)
{
	char line[32] = "";
	pid_t pid;
	int fd;

	forked_setup();
	fd = open(pid_fifo, O_RDONLY | O_CLOEXEC); /* until the helper writes */
	if (fd < 0 || read(fd, line, sizeof(line) - 1) <= 0)
		_exit(1);
	pid = (pid_t)strtol(line, NULL, 10);
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		_exit(2);
	fd = open(go_fifo, O_WRONLY | O_CLOEXEC); /* until the helper reads */
	if (fd < 0 || write(fd, "\n", 1) != 1)
		_exit(3);
	for (;;)
		pause(); /* the test kills us */
}

static void test_timeout_left_behind(void **state)
{
	struct fixture *f = *state;
	char script[256], pid_fifo[64], go_fifo[64], buf[256], tail[64];
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	uint64_t t0, cpu0;
	struct run_result r;
	int status;

	fixture_fifo(f, "pid", pid_fifo, sizeof(pid_fifo));
	fixture_fifo(f, "go", go_fifo, sizeof(go_fifo));
	/* the helper waits until it is traced, then outlasts the deadline */
	snprintf(script, sizeof(script),
		 "echo $$ > %s; read x < %s; exec /bin/sleep 30", pid_fifo,
		 go_fifo);

	f->forked = fork(); /* the tracer */
	assert_true(f->forked >= 0);
	if (f->forked == 0)
		tracer(pid_fifo, go_fifo);

	t0 = deadline_now_ms();
	cpu0 = cpu_ms();
	run(argv, 1000, &r);
	f->helper = r.pid;
	if (waitpid(f->forked, &status, WNOHANG) == f->forked) {
		f->forked = 0;
		run_result_free(&r);
		/* exit 2: ptrace not allowed here (Yama, a container) */
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
			skip();
		fail_msg("tracer failed: status %#x", status);
	}
	/* waited, not spun: the dead helper's pidfd stays readable */
	assert_true(cpu_ms() - cpu0 < 50);
	assert_int_equal(r.status, RUN_TIMED_OUT);
	assert_true(r.left_behind);
	/* the deadline plus at most the grace, with room for a slow host */
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	run_describe(&r, buf, sizeof(buf));
	snprintf(tail, sizeof(tail), " ms and could not be killed (pid %d)",
		 (int)r.pid);
	assert_non_null(strstr(buf, tail));
	run_result_free(&r);

	/* without its tracer, the zombie comes back to us */
	assert_int_equal(kill(f->forked, SIGKILL), 0);
	assert_int_equal(waitpid(f->forked, &status, 0), f->forked);
	f->forked = 0;
	assert_true(WIFSIGNALED(status)); /* not a tracer failure: exit 1-3 */
	assert_int_equal(waitpid(f->helper, &status, 0), f->helper);
	f->helper = 0;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* A grandchild holding stdout open must not keep us past the child's exit. */
static void test_grandchild_holds_pipe(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "/bin/sleep 30 & echo $!; echo hi", NULL };
	uint64_t t0 = deadline_now_ms();
	struct run_result r;
	char line[64];
	pid_t grandchild;

	run(argv, 20000, &r);
	assert_true(run_ok(&r));
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	grandchild = pid_in(r.out);
	assert_non_null(strstr(r.out, "\nhi\n"));
	assert_string_equal(run_last_line(&r, line, sizeof(line)), "hi");
	/* a clean exit leaves the group alone: daemons may live on */
	assert_int_equal(kill(grandchild, 0), 0);
	kill_and_reap(grandchild);
	run_result_free(&r);
}

/* ---- run_fn ---- */

static int fn_ok(void *arg)
{
	return 0;
}

static int fn_erofs(void *arg)
{
	return EROFS;
}

static int fn_minus_eio(void *arg)
{
	return -EIO;
}

static int fn_killed(void *arg)
{
	(void)kill(getpid(), SIGKILL);
	return 0;
}

/* 0 when fds 0-2 are /dev/null, as run_fn promises */
static int fn_stdio_null(void *arg)
{
	for (int fd = 0; fd <= 2; fd++) {
		char path[32], target[32];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return errno;
		target[n] = '\0';
		if (strcmp(target, "/dev/null") != 0)
			return EBADF;
	}
	return 0;
}

/* Tells the test its pid through the pipe in arg, then hangs. */
static int fn_hang(void *arg)
{
	pid_t pid = getpid();

	if (write(*(int *)arg, &pid, sizeof(pid)) != sizeof(pid))
		return EIO;
	for (;;)
		pause();
}

static void test_fn_results(void **state)
{
	struct deadline d = deadline_in(SLOW_MS);
	struct deadline past = { .end_ms = deadline_now_ms() - 1 };
	struct stdio_swap swap;
	int r;

	assert_int_equal(run_fn(fn_ok, NULL, &d), 0);
	assert_int_equal(run_fn(fn_erofs, NULL, &d), -EROFS);
	assert_int_equal(run_fn(fn_minus_eio, NULL, &d), -EIO);
	assert_int_equal(run_fn(fn_killed, NULL, &d), -EINTR);
	assert_int_equal(run_fn(fn_ok, NULL, &past), -ETIMEDOUT);

	stdio_on_pipe(&swap, 0, 2);
	r = run_fn(fn_stdio_null, NULL, &d);
	stdio_restore(&swap);
	assert_int_equal(r, 0);
}

static void test_fn_timeout(void **state)
{
	struct deadline d = deadline_in(200);
	uint64_t t0 = deadline_now_ms();
	int p[2], status;
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(run_fn(fn_hang, &p[1], &d), -ETIMEDOUT);
	assert_true(deadline_now_ms() - t0 < SLOW_MS);
	assert_int_equal(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	(void)close(p[0]);
	(void)close(p[1]);
	/* left unreaped, as promised, but SIGKILLed: reap it here */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* ---- without pidfd_open (kernels before 5.3) ---- */

static int fallback_checks(void)
{
	const char *sh[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3",
			     NULL };
	const char *sleep30[] = { "/bin/sleep", "30", NULL };
	struct deadline d = deadline_in(SLOW_MS), d300 = deadline_in(300);
	struct deadline d200;
	struct run_result r;
	int step = 0, p[2], status;
	pid_t pid;

#define CHECK(c)                     \
	do {                         \
		step++;              \
		if (!(c))            \
			return step; \
	} while (0)

	CHECK(syscall(SYS_pidfd_open, getpid(), 0) < 0 && errno == ENOSYS);

	CHECK(run_argv(sh, NULL, &d, &r) == 0);
	CHECK(r.status == RUN_EXITED && r.exit_code == 3);
	CHECK(strcmp(r.out, "out\n") == 0 && strcmp(r.err, "err\n") == 0);
	run_result_free(&r);

	CHECK(run_argv(sleep30, NULL, &d300, &r) == 0);
	CHECK(r.status == RUN_TIMED_OUT && r.signal == SIGTERM);
	run_result_free(&r);

	CHECK(run_fn(fn_erofs, NULL, &d) == -EROFS);
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	d200 = deadline_in(200);
	CHECK(run_fn(fn_hang, &p[1], &d200) == -ETIMEDOUT);
	CHECK(read(p[0], &pid, sizeof(pid)) == sizeof(pid));
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* no pidfd: the caller is told to watch another way */
	CHECK(run_await_exit(getpid(), 10) == -ENOSYS);
#undef CHECK
	return 0;
}

/* pidfd_open() fails with ENOSYS, as on an old kernel */
static int deny_pidfd_open(void)
{
	struct sock_filter filter[] = {
		/* a test: the syscall number alone, whatever the arch */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ELEMENTSOF(filter),
				   .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

static void test_fallback_without_pidfd(void **state)
{
	int status;
	pid_t pid;

	/* the filter cannot be undone: a child of ours runs the checks */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(deny_pidfd_open() < 0 ? 100 : fallback_checks());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	/* nonzero: the number of the CHECK() that failed */
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- run_await_exit ---- */

static void test_await_exit(void **state)
{
	uint64_t t0;
	int status;
	pid_t pid;

	/* a process that runs on: 0 after the time asked, no sooner */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	t0 = deadline_now_ms();
	assert_int_equal(run_await_exit(pid, 100), 0);
	assert_true(deadline_now_ms() - t0 >= 100);
	/* its exit is seen at once, long before the time asked */
	assert_int_equal(kill(pid, SIGKILL), 0);
	t0 = deadline_now_ms();
	assert_int_equal(run_await_exit(pid, 5000), 1);
	assert_true(deadline_now_ms() - t0 < 2500);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* no such process (reaped): gone */
	assert_int_equal(run_await_exit(pid, 5000), 1);
}

/* ---- formatting ---- */

static void test_format_argv(void **state)
{
	const char *plain[] = { "/sbin/fsck", "-n", "/dev/sda1", NULL };
	const char *quote[] = { "/bin/echo", "a b", "it's", "", "$HOME", NULL };
	const char *safe[] = { "/bin/echo", "x=1,y@h:%", NULL };
	const char *control[] = { "/bin/echo", "a\nb", "t\tq'\\", "\x01",
				  NULL };
	const char *utf8[] = { "/bin/echo", "caf\xc3\xa9 au lait", NULL };
	char buf[128], small[12];

	run_format_argv(plain, buf, sizeof(buf));
	assert_string_equal(buf, "/sbin/fsck -n /dev/sda1");
	run_format_argv(quote, buf, sizeof(buf));
	assert_string_equal(buf, "/bin/echo 'a b' 'it'\\''s' '' '$HOME'");
	run_format_argv(safe, buf, sizeof(buf));
	assert_string_equal(buf, "/bin/echo x=1,y@h:%");
	run_format_argv(control, buf, sizeof(buf));
	assert_string_equal(buf, "/bin/echo $'a\\nb' $'t\\tq\\'\\\\' $'\\x01'");
	run_format_argv(utf8, buf, sizeof(buf));
	assert_string_equal(buf, "/bin/echo 'caf\xc3\xa9 au lait'");

	/* cut short: "..." marks it, the NUL is in bounds */
	run_format_argv(plain, small, sizeof(small));
	assert_string_equal(small, "/sbin/fs...");
	/* never half a UTF-8 character: "/bin/echo 'caf" + "..." */
	run_format_argv(utf8, buf, 19);
	assert_string_equal(buf, "/bin/echo 'caf...");
	run_format_argv(utf8, buf, 20);
	assert_string_equal(buf, "/bin/echo 'caf\xc3\xa9...");
	run_format_argv(plain, small, 3);
	assert_string_equal(small, "/s");
	run_format_argv(plain, small, 1);
	assert_string_equal(small, "");
	run_format_argv(NULL, small, sizeof(small));
	assert_string_equal(small, "");
}

static struct run_result fake(const char *out, const char *err)
{
	return (struct run_result){ .out = (char *)out,
				    .err = (char *)err,
				    .out_len = out ? strlen(out) : 0,
				    .err_len = err ? strlen(err) : 0 };
}

static void test_last_line(void **state)
{
	struct run_result r;
	char buf[64], tiny[6];

	r = fake("out\n", "first\n  last one  \n\n \t\n");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "last one");
	/* stderr empty or blank: stdout's */
	r = fake("x\ny  \n", " \n");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "y");
	r = fake("", "");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "");
	r = fake(NULL, NULL);
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "");
	assert_string_equal(run_last_line(NULL, buf, sizeof(buf)), "");
	/* no final newline; a progress meter's \r ends a line too */
	r = fake("", "10%\r20%\rerror: device busy");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)),
			    "error: device busy");
	r = fake("", "error: bad\r\n");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "error: bad");
	/* control characters cannot break an exit reason */
	r = fake("", "a\tb\x1b[0mc\n");
	assert_string_equal(run_last_line(&r, buf, sizeof(buf)), "a b?[0mc");
	/* bounded, and never half a UTF-8 character */
	r = fake("", "abcdefgh\n");
	assert_string_equal(run_last_line(&r, tiny, sizeof(tiny)), "abcde");
	r = fake("", "abcd\xc3\xa9\n");
	assert_string_equal(run_last_line(&r, tiny, sizeof(tiny)), "abcd");
	r = fake("", "abc\xc3\xa9\n");
	assert_string_equal(run_last_line(&r, tiny, sizeof(tiny)),
			    "abc\xc3\xa9");
}

static void test_describe_bounds(void **state)
{
	struct run_result r = fake("", "no space left on device\n");
	char buf[20];

	r.status = RUN_EXITED;
	r.exit_code = 1;
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status ");
	r.status = RUN_TIMED_OUT;
	r.elapsed_ms = 1500;
	run_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "timed out after 150");
	r.left_behind = true;
	r.pid = 42;
	{
		char big[128];

		run_describe(&r, big, sizeof(big));
		assert_string_equal(big, "timed out after 1500 ms and could "
					 "not be killed (pid 42)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_true),
		cmocka_unit_test(test_false),
		cmocka_unit_test(test_exit_reason_from_stderr),
		cmocka_unit_test(test_exit_reason_from_stdout),
		cmocka_unit_test(test_signaled),
		cmocka_unit_test(test_exec_missing),
		cmocka_unit_test(test_exec_not_executable),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_capture_separately),
		cmocka_unit_test(test_output_bound),
		cmocka_unit_test(test_flood_times_out),
		cmocka_unit_test(test_stdin_is_dev_null),
		cmocka_unit_test(test_fds_closed),
		cmocka_unit_test(test_signals_reset),
		cmocka_unit_test(test_own_process_group),
		cmocka_unit_test(test_envp),
		cmocka_unit_test_setup_teardown(test_parent_death_kills_child,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_term_ignored),
		cmocka_unit_test(test_timeout_kills_group_leftovers),
		cmocka_unit_test_setup_teardown(test_timeout_left_behind,
						fixture_setup,
						fixture_teardown),
		cmocka_unit_test(test_grandchild_holds_pipe),
		cmocka_unit_test(test_fn_results),
		cmocka_unit_test(test_fn_timeout),
		cmocka_unit_test(test_fallback_without_pidfd),
		cmocka_unit_test(test_await_exit),
		cmocka_unit_test(test_format_argv),
		cmocka_unit_test(test_last_line),
		cmocka_unit_test(test_describe_bounds),
	};

	/* orphaned grandchildren come to us, to be checked and reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
