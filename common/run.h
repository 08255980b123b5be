/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a helper program: argv only (no shell, ever), stdin from /dev/null,
 * stdout and stderr captured up to a bound, in its own process group, with
 * a parent-death signal, under the action's deadline. When the deadline
 * comes, the whole group gets SIGTERM, then SIGKILL after a grace period.
 * Also runs a function in a forked child under a deadline (run_fn), for
 * I/O that may block forever on a dead device.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "deadline.h"

#define RUN_OUTPUT_MAX (64 * 1024)      /* per stream, then truncated */
#define RUN_KILL_GRACE_MS 1000           /* all we may run past the deadline */

enum run_status {
	RUN_EXITED,     /* exit_code is valid */
	RUN_SIGNALED,   /* signal is valid (killed by someone else) */
	RUN_TIMED_OUT,  /* we killed it at the deadline */
	RUN_EXEC_FAILED, /* exec_errno is valid: the tool could not start */
};

struct run_result {
	enum run_status status;
	int exit_code;
	int signal;
	int exec_errno;         /* positive errno from execve() */
	char *out;              /* NUL-terminated, owned, never NULL on success */
	char *err;
	size_t out_len, err_len;
	bool out_truncated, err_truncated; /* the rest was read, dropped */
	pid_t pid;
	char *path;             /* copy of argv[0], owned (run_describe) */
	uint64_t elapsed_ms;    /* from start to exit, or to the deadline */
	/*
	 * RUN_TIMED_OUT only: SIGKILL did not take effect in time
	 * (uninterruptible sleep?), so pid was left unreaped.
	 */
	bool left_behind;
};

/*
 * Runs argv[0] (an absolute path) with argv, environment envp (NULL: ours),
 * until it exits or the deadline d passes. Returns 0 when the child was
 * started and reaped (what happened is in ret->status), or -errno when it
 * could not be started at all (pipe, fork; -EINVAL for a relative argv[0];
 * -ETIMEDOUT when d had already passed) or waited for. ret is always
 * initialised; release it with run_result_free().
 *
 * At the deadline the child's process group gets SIGTERM, then SIGKILL if
 * the child has not exited shortly before RUN_KILL_GRACE_MS has passed, and
 * the rest of the group gets SIGKILL once the child has exited. So a call
 * returns at most RUN_KILL_GRACE_MS after d->end_ms (the margin that
 * deadline_init() keeps before Pacemaker's timeout pays for this). A child
 * that SIGKILL cannot end in that time is left behind (ret->left_behind).
 * Once the child has exited we read what its pipes hold and return, even
 * when a grandchild keeps them open.
 */
int run_argv(const char *const argv[], char *const envp[],
	     const struct deadline *d, struct run_result *ret);

/* Frees the captured output. Safe on a zeroed or already freed result. */
void run_result_free(struct run_result *r);

/* true when the helper exited with status 0. */
bool run_ok(const struct run_result *r);

/*
 * Describes the outcome in one line for an exit reason: "exited with
 * status 4: <last stderr line>", "killed by signal 9 (Killed)", "timed out
 * after 19500 ms and was killed", "cannot execute /sbin/fsck: No such file
 * or directory". Always NUL-terminated when size > 0.
 */
void run_describe(const struct run_result *r, char *buf, size_t size);

/*
 * The last non-empty line of the captured stderr (or stdout), or "": "\r"
 * also ends a line (progress meters), blanks are trimmed and other control
 * characters become '?'. Returns buf.
 */
const char *run_last_line(const struct run_result *r, char *buf, size_t size);

/*
 * Formats argv as a shell-escaped line for logs (never executed): 'quotes'
 * where needed, $'\n' for control characters, "..." at the end when it did
 * not fit in size.
 */
void run_format_argv(const char *const argv[], char *buf, size_t size);

/*
 * Runs fn(arg) in a forked child (no exec) with stdin/stdout/stderr on
 * /dev/null, and waits until it returns or the deadline passes. fn returns
 * 0 or a positive errno (a -errno is taken as well; values above 255 become
 * 255), which becomes the child's exit status. The child stays in our
 * process group and has no parent-death signal: it may outlive us.
 * Returns fn's result as -errno (0 on success); -EINTR when the child was
 * killed by a signal (fn crashed, or someone killed it); -ETIMEDOUT when
 * the deadline passed: the child is then SIGKILLed and left behind
 * unreaped (a process stuck in uninterruptible I/O cannot be reaped; it no
 * longer holds our pipes), or when it had passed already and nothing ran.
 * Other -errno: fork or wait failed.
 */
int run_fn(int (*fn)(void *arg), void *arg, const struct deadline *d);

/*
 * Waits up to ms for process pid (any process, not only our child) to
 * exit, on a pidfd: an exit is seen at once, without polling. Returns 1
 * when it has exited or no such process exists, 0 when it still runs
 * after ms, -errno when it cannot be watched (-ENOSYS: no pidfd_open(),
 * as on kernels before 5.3 or under valgrind 3.19; poll another way).
 */
int run_await_exit(pid_t pid, uint64_t ms);
