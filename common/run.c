/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "run.h"

/*
 * Without a pidfd (kernel < 5.3, valgrind 3.19) we learn of the exit by
 * asking this often.
 */
#define POLL_FALLBACK_MS 50

/*
 * The end of the grace kept for SIGKILL to take effect: it interrupts any
 * sleep but a process in uninterruptible I/O, and freeing a large address
 * space takes a moment.
 */
#define KILL_REAP_MS 250

/*
 * What we read from a pipe once the child has exited. A grandchild that
 * holds the pipe open and keeps writing must not keep us here; the pipe
 * itself holds at most 1 MiB (the default fs.pipe-max-size).
 */
#define DRAIN_MAX (1024 * 1024)

/* Bytes read (and dropped) at a time once a stream's buffer is full. */
#define DISCARD_CHUNK 16384

struct stream {
	int fd;                 /* our read end, O_NONBLOCK; -1 after EOF */
	char *buf;              /* RUN_OUTPUT_MAX + 1 bytes */
	size_t len;
	bool truncated;
};

/* Closes fd if open; returns -1, for "fd = close_fd(fd)". */
static int close_fd(int fd)
{
	if (fd >= 0)
		(void)close(fd); /* nothing useful to do on a failed close */
	return -1;
}

static void stream_release(struct stream *s)
{
	s->fd = close_fd(s->fd);
	free(s->buf);
}

/*
 * One read(): > 0 bytes consumed (kept or dropped), 0 at EOF (the fd is
 * then closed), -EAGAIN when nothing is there now.
 */
static ssize_t stream_read(struct stream *s)
{
	char discard[DISCARD_CHUNK];
	ssize_t n;

	if (s->fd < 0)
		return 0;
	do {
		if (s->len < RUN_OUTPUT_MAX)
			n = read(s->fd, s->buf + s->len,
				 RUN_OUTPUT_MAX - s->len);
		else
			n = read(s->fd, discard, sizeof(discard));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (n <= 0) {
		/* a read error on a pipe (EIO?) ends the stream like EOF */
		s->fd = close_fd(s->fd);
		return 0;
	}
	if (s->len < RUN_OUTPUT_MAX)
		s->len += (size_t)n;
	else
		s->truncated = true;
	return n;
}

/* Reads what the pipe holds now, without waiting for writers to finish. */
static void stream_drain(struct stream *s)
{
	size_t total = 0;
	ssize_t n;

	while (total < DRAIN_MAX && (n = stream_read(s)) > 0)
		total += (size_t)n;
	/* grandchildren may write on; what they say later is not ours */
	s->fd = close_fd(s->fd);
}

static int stream_init(struct stream *s)
{
	s->buf = malloc(RUN_OUTPUT_MAX + 1);
	return s->buf ? 0 : -ENOMEM;
}

/* A pipe whose read end (ours) does not block; both ends O_CLOEXEC. */
static int make_pipe(int *ret_read, int *ret_write)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* not O_NONBLOCK in pipe2(): the child's end must block */
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		int r = -errno;

		(void)close(p[0]); /* fresh pipe: nothing to lose */
		(void)close(p[1]);
		return r;
	}
	*ret_read = p[0];
	*ret_write = p[1];
	return 0;
}

/* A poll() timeout; a deadline weeks away is not waited for in one go. */
static int poll_ms(uint64_t ms)
{
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static int pidfd_of(pid_t pid)
{
	/* syscall(): glibc < 2.36 has no wrapper; pidfds are O_CLOEXEC */
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * 1 when the child has exited, 0 when not, or -errno. WNOWAIT leaves the
 * zombie: its pid, and the group named after it, stay ours until reaped.
 */
static int child_exited(pid_t pid)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
			   WEXITED | WNOHANG | WNOWAIT) == 0)
			return si.si_pid == pid;
		if (errno != EINTR)
			return -errno;
	}
}

/* Reaps a child known to have exited. */
static int child_reap(pid_t pid, siginfo_t *ret_si)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, WEXITED) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_si = si;
	return 0;
}

static void kill_group(pid_t pid, int sig)
{
	/*
	 * Both we and the child make it a group leader before anything
	 * else; should the group still not exist, the child at least gets
	 * the signal. Errors: the child can only be gone already.
	 */
	if (kill(-pid, sig) < 0)
		(void)kill(pid, sig);
}

/* ---- the child, between fork() and execve() ---- */

struct child_fds {
	int null;               /* /dev/null, for stdin */
	int out, err;           /* write ends */
	int exec;               /* write end: errno if we cannot exec */
};

_Noreturn static void child_fail(int exec_fd, int err)
{
	ssize_t n;

	do
		n = write(exec_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	_exit(127);
}

/* So that installing fds 0-2 cannot overwrite one we still need. */
static int child_above_stdio(int fd)
{
	return fd > STDERR_FILENO ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

static void child_reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	/*
	 * execve() resets handled signals but keeps ignored ones (SIGPIPE
	 * ignored here would make a tool's write to a closed pipe fail
	 * with EPIPE instead of ending it) and the mask. Errors: SIGKILL,
	 * SIGSTOP and libc's internal signals cannot be changed.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL); /* cannot fail so */
}

/* Marks fds from 3 up close-on-exec, on kernels without close_range too. */
static void child_cloexec_from_3(void)
{
	struct rlimit rl;

	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* before Linux 5.11: walk the table (no opendir(): it may malloc) */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > INT32_MAX)
		rl.rlim_cur = 65536;
	for (int fd = 3; fd < (int)rl.rlim_cur; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC); /* EBADF: not open */
}

/* Only async-signal-safe calls here: we may be a fork of a threaded parent. */
_Noreturn static void child_exec(const char *const argv[], char *const envp[],
				 pid_t parent, struct child_fds f)
{
	/* our own group, so that the deadline reaches grandchildren too */
	if (setpgid(0, 0) < 0)
		child_fail(f.exec, errno);
	child_reset_signals();
	/*
	 * SIGKILL if the agent dies (Pacemaker's own SIGKILL, a crash):
	 * a helper must not outlive the action it was run for. The parent
	 * may have died before prctl(): then we belong to a reaper now.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		child_fail(f.exec, errno);
	if (getppid() != parent)
		_exit(127);

	f.exec = child_above_stdio(f.exec);
	if (f.exec < 0)
		_exit(127); /* nowhere to report it: the parent sees 127 */
	f.null = child_above_stdio(f.null);
	f.out = child_above_stdio(f.out);
	f.err = child_above_stdio(f.err);
	if (f.null < 0 || f.out < 0 || f.err < 0)
		child_fail(f.exec, errno);
	/* dup2() clears FD_CLOEXEC on the copies: they survive the exec */
	if (dup2(f.null, STDIN_FILENO) < 0 || dup2(f.out, STDOUT_FILENO) < 0 ||
	    dup2(f.err, STDERR_FILENO) < 0)
		child_fail(f.exec, errno);
	child_cloexec_from_3();

	execve(argv[0], (char *const *)argv, envp ? envp : environ);
	child_fail(f.exec, errno);
}

/* ---- the parent ---- */

struct child {
	pid_t pid;
	int pidfd;              /* -1: no pidfd_open(), poll waitid() */
	int exec_fd;            /* read end: errno from a failed exec */
	uint64_t start_ms;
	struct stream out, err;
};

static void child_release(struct child *c)
{
	stream_release(&c->out);
	stream_release(&c->err);
	(void)close_fd(c->pidfd);
	(void)close_fd(c->exec_fd);
}

/*
 * Forks and execs argv. On success the child's pid is in c, with the read
 * ends of its pipes; the write ends are closed here, so EOF means that
 * only the child's descendants still hold them.
 */
static int spawn(const char *const argv[], char *const envp[], struct child *c)
{
	_cleanup_close_ int null_fd = -1, out_w = -1, err_w = -1;
	_cleanup_close_ int exec_w = -1;
	pid_t parent = getpid();
	int p[2];
	pid_t pid;
	int r;

	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return -errno;
	r = make_pipe(&c->out.fd, &out_w);
	if (r < 0)
		return r;
	r = make_pipe(&c->err.fd, &err_w);
	if (r < 0)
		return r;
	/* O_CLOEXEC: a successful execve() closes it, so EOF means "ran" */
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	c->exec_fd = p[0];
	exec_w = p[1];

	c->start_ms = deadline_now_ms();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(argv, envp, parent,
			   (struct child_fds){ .null = null_fd,
					       .out = out_w,
					       .err = err_w,
					       .exec = exec_w });
	/*
	 * The child does the same; whichever of us comes first, the group
	 * exists before we might signal it. EACCES: the child has already
	 * exec'd, so it did it itself.
	 */
	(void)setpgid(pid, pid);
	c->pid = pid;
	return 0;
}

/*
 * Waits for the child, reading its pipes, until it exits or the deadline
 * has passed and the kill sequence has ended. Returns 1 when the child was
 * reaped (*ret_si), 0 when it was left behind, or -errno.
 */
static int wait_child(struct child *c, const struct deadline *d,
		      struct run_result *ret, bool *ret_timed_out,
		      siginfo_t *ret_si)
{
	enum { RUNNING, TERMINATING, KILLING } phase = RUNNING;
	uint64_t until = d->end_ms, term_ms = 0;
	bool use_pidfd = c->pidfd >= 0;
	int r;

	for (;;) {
		struct pollfd p[3];
		nfds_t n = 0;
		uint64_t now, wait_ms;

		r = child_exited(c->pid);
		if (r < 0)
			return r;
		if (r > 0)
			break;

		now = deadline_now_ms();
		if (now >= until) {
			if (phase == RUNNING) {
				ret->elapsed_ms = now - c->start_ms;
				term_ms = now;
				kill_group(c->pid, SIGTERM);
				phase = TERMINATING;
				until = now + RUN_KILL_GRACE_MS - KILL_REAP_MS;
			} else if (phase == TERMINATING) {
				kill_group(c->pid, SIGKILL);
				phase = KILLING;
				until = term_ms + RUN_KILL_GRACE_MS;
			} else {
				*ret_timed_out = true;
				ret->left_behind = true;
				return 0;
			}
			continue;
		}

		wait_ms = until - now;
		if (use_pidfd)
			p[n++] = (struct pollfd){ .fd = c->pidfd,
						  .events = POLLIN };
		else if (wait_ms > POLL_FALLBACK_MS)
			wait_ms = POLL_FALLBACK_MS;
		if (c->out.fd >= 0)
			p[n++] = (struct pollfd){ .fd = c->out.fd,
						  .events = POLLIN };
		if (c->err.fd >= 0)
			p[n++] = (struct pollfd){ .fd = c->err.fd,
						  .events = POLLIN };
		if (poll(p, n, poll_ms(wait_ms)) < 0 && errno != EINTR)
			return -errno;
		/*
		 * Readable for good once the child has exited. Should
		 * waitid() still not see it, a tracer (strace, gdb) holds
		 * the zombie: poll waitid() then, rather than spin.
		 */
		if (use_pidfd && p[0].revents)
			use_pidfd = false;
		/* one read per wakeup: a flood must not hide the deadline */
		for (nfds_t i = 0; i < n; i++) {
			if (!p[i].revents || p[i].fd == c->pidfd)
				continue;
			(void)stream_read(p[i].fd == c->out.fd ? &c->out :
								 &c->err);
		}
	}

	if (phase != RUNNING)
		/*
		 * A timeout ends the whole group, also the grandchildren
		 * that survived SIGTERM. Still before reaping: the zombie
		 * keeps the group's id from being reused.
		 */
		kill_group(c->pid, SIGKILL);
	else
		ret->elapsed_ms = deadline_now_ms() - c->start_ms;
	*ret_timed_out = phase != RUNNING;
	r = child_reap(c->pid, ret_si);
	return r < 0 ? r : 1;
}

/* The errno the child sent if it could not exec, else 0. */
static int exec_error(int fd)
{
	int e;

	/* the child writes before _exit(), so it is there once it exited */
	if (read(fd, &e, sizeof(e)) != (ssize_t)sizeof(e) || e <= 0)
		return 0;
	return e;
}

/* Hands a stream's buffer over to the result, NUL-terminated. */
static char *stream_take(struct stream *s, size_t *ret_len, bool *ret_truncated)
{
	s->buf[s->len] = '\0';
	*ret_len = s->len;
	*ret_truncated = s->truncated;
	return TAKE_PTR(s->buf);
}

int run_argv(const char *const argv[], char *const envp[],
	     const struct deadline *d, struct run_result *ret)
{
	_cleanup_(child_release) struct child c = {
		.pidfd = -1, .exec_fd = -1, .out.fd = -1, .err.fd = -1
	};
	bool timed_out = false;
	siginfo_t si;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	ret->path = strdup(argv[0]);
	if (!ret->path)
		return -ENOMEM;
	if (deadline_expired(d))
		return -ETIMEDOUT;
	if (stream_init(&c.out) < 0 || stream_init(&c.err) < 0)
		return -ENOMEM;

	r = spawn(argv, envp, &c);
	if (r < 0)
		return r;
	ret->pid = c.pid;

	c.pidfd = pidfd_of(c.pid);
	if (c.pidfd < 0 && errno != ENOSYS) {
		r = -errno;
		kill_group(c.pid, SIGKILL);
		(void)child_reap(c.pid, &si); /* just forked: it dies now */
		return r;
	}

	r = wait_child(&c, d, ret, &timed_out, &si);
	if (r < 0) {
		kill_group(c.pid, SIGKILL); /* do not leave it running */
		return r;
	}
	stream_drain(&c.out);
	stream_drain(&c.err);

	if (r > 0) {
		if (si.si_code == CLD_EXITED)
			ret->exit_code = si.si_status;
		else /* CLD_KILLED, CLD_DUMPED */
			ret->signal = si.si_status;
		ret->exec_errno = exec_error(c.exec_fd);
	}
	if (ret->exec_errno)
		ret->status = RUN_EXEC_FAILED;
	else if (timed_out)
		ret->status = RUN_TIMED_OUT;
	else if (si.si_code == CLD_EXITED)
		ret->status = RUN_EXITED;
	else
		ret->status = RUN_SIGNALED;

	ret->out = stream_take(&c.out, &ret->out_len, &ret->out_truncated);
	ret->err = stream_take(&c.err, &ret->err_len, &ret->err_truncated);
	return 0;
}

void run_result_free(struct run_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	free(r->path);
	r->out = r->err = r->path = NULL;
	r->out_len = r->err_len = 0;
}

bool run_ok(const struct run_result *r)
{
	return r && r->status == RUN_EXITED && r->exit_code == 0;
}

/* ---- formatting ---- */

/* The length of s[0..n) without a UTF-8 sequence cut at its end. */
static size_t utf8_whole(const char *s, size_t n)
{
	size_t i = n, need;
	unsigned char c;

	/* back to the last lead byte, at most 3 continuation bytes away */
	while (i > 0 && n - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return n;
	c = (unsigned char)s[i - 1];
	if (c < 0xc0)
		return n; /* ASCII, or stray continuation bytes: leave them */
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return n - i + 1 >= need ? n : i - 1;
}

/* Appends to a NUL-terminated buffer, remembering whether all fitted. */
struct writer {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void put(struct writer *w, const char *s, size_t n)
{
	size_t room = w->size - 1 - w->len;

	if (w->overflow)
		return;
	if (n > room) {
		n = room;
		w->overflow = true;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_(struct writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Ends an overflowed buffer in "...", never within a UTF-8 character. */
static void writer_finish(struct writer *w)
{
	size_t n;

	if (!w->overflow)
		return;
	if (w->size < 4) {
		w->buf[utf8_whole(w->buf, w->len)] = '\0';
		return;
	}
	n = w->len < w->size - 4 ? w->len : w->size - 4;
	n = utf8_whole(w->buf, n);
	memcpy(w->buf + n, "...", 4);
}

static bool is_line_end(char c)
{
	return c == '\n' || c == '\r';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* Finds the last non-blank line of s[0..len); false if there is none. */
static bool last_line(const char *s, size_t len, const char **ret_start,
		      size_t *ret_len)
{
	size_t end = len, start;

	for (;;) {
		while (end > 0 &&
		       (is_line_end(s[end - 1]) || is_blank(s[end - 1])))
			end--;
		if (end == 0)
			return false;
		start = end;
		while (start > 0 && !is_line_end(s[start - 1]))
			start--;
		while (start < end && is_blank(s[start]))
			start++;
		if (start < end)
			break;
		end = start;
	}
	*ret_start = s + start;
	*ret_len = end - start;
	return true;
}

/* For exit reasons: one line, no control characters. */
static char printable(char c)
{
	if (c == '\t')
		return ' ';
	if ((unsigned char)c < 0x20 || c == 0x7f)
		return '?';
	return c;
}

const char *run_last_line(const struct run_result *r, char *buf, size_t size)
{
	struct writer w = { .buf = buf, .size = size };
	const char *line;
	size_t len;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (!r)
		return buf;
	if (!(r->err && last_line(r->err, r->err_len, &line, &len)) &&
	    !(r->out && last_line(r->out, r->out_len, &line, &len)))
		return buf;
	for (size_t i = 0; i < len && !w.overflow; i++) {
		char c = printable(line[i]);

		put(&w, &c, 1);
	}
	if (w.overflow)
		buf[utf8_whole(buf, w.len)] = '\0';
	return buf;
}

void run_describe(const struct run_result *r, char *buf, size_t size)
{
	char line[512];
	const char *sep;

	if (size == 0)
		return;
	if (!r) {
		snprintf(buf, size, "not run");
		return;
	}
	run_last_line(r, line, sizeof(line));
	sep = line[0] ? ": " : "";
	switch (r->status) {
	case RUN_EXITED:
		snprintf(buf, size, "exited with status %d%s%s", r->exit_code,
			 sep, line);
		break;
	case RUN_SIGNALED:
		snprintf(buf, size, "killed by signal %d (%s)%s%s", r->signal,
			 strsignal(r->signal), sep, line);
		break;
	case RUN_TIMED_OUT:
		if (r->left_behind)
			snprintf(buf, size,
				 "timed out after %" PRIu64
				 " ms and could not be killed (pid %d)",
				 r->elapsed_ms, (int)r->pid);
		else
			snprintf(buf, size,
				 "timed out after %" PRIu64
				 " ms and was killed",
				 r->elapsed_ms);
		break;
	case RUN_EXEC_FAILED:
		snprintf(buf, size, "cannot execute %s: %s",
			 r->path ? r->path : "(null)", strerror(r->exec_errno));
		break;
	default:
		snprintf(buf, size, "unknown outcome %d", (int)r->status);
		break;
	}
	/* snprintf() may have cut a UTF-8 character of the line in two */
	buf[utf8_whole(buf, strlen(buf))] = '\0';
}

/* Whether s needs no quoting as a POSIX shell word. */
static bool is_shell_safe(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789@%_+=:,./-";

	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(safe, *s))
			return false;
	return true;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* $'...' quoting, so that a newline in an argument cannot forge a line */
static void put_ansi_c(struct writer *w, const char *s)
{
	char esc[8];

	puts_(w, "$'");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '\n':
			puts_(w, "\\n");
			break;
		case '\t':
			puts_(w, "\\t");
			break;
		case '\r':
			puts_(w, "\\r");
			break;
		case '\\':
		case '\'':
			esc[0] = '\\';
			esc[1] = (char)c;
			put(w, esc, 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
				puts_(w, esc);
			} else {
				put(w, s, 1);
			}
			break;
		}
	}
	puts_(w, "'");
}

static void put_quoted(struct writer *w, const char *s)
{
	puts_(w, "'");
	for (; *s; s++) {
		if (*s == '\'')
			puts_(w, "'\\''");
		else
			put(w, s, 1);
	}
	puts_(w, "'");
}

void run_format_argv(const char *const argv[], char *buf, size_t size)
{
	struct writer w = { .buf = buf, .size = size };

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; argv && argv[i] && !w.overflow; i++) {
		if (i > 0)
			puts_(&w, " ");
		if (is_shell_safe(argv[i]))
			puts_(&w, argv[i]);
		else if (has_control(argv[i]))
			put_ansi_c(&w, argv[i]);
		else
			put_quoted(&w, argv[i]);
	}
	writer_finish(&w);
}

/* ---- run_await_exit ---- */

int run_await_exit(pid_t pid, uint64_t ms)
{
	_cleanup_close_ int fd = pidfd_of(pid);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	if (fd < 0)
		return errno == ESRCH ? 1 : -errno;
	do
		n = poll(&p, 1, poll_ms(ms));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n > 0;
}

/* ---- run_fn ---- */

_Noreturn static void fn_child(int (*fn)(void *arg), void *arg, int null_fd)
{
	int r;

	/* a stuck child must not hold our stdout/stderr (Pacemaker's pipes) */
	if (dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(null_fd, STDOUT_FILENO) < 0 ||
	    dup2(null_fd, STDERR_FILENO) < 0)
		_exit(errno);
	r = fn(arg);
	if (r < 0)
		r = -r;
	/* _exit(): our atexit handlers and stdio buffers are the parent's */
	_exit(r > 255 ? 255 : r);
}

int run_fn(int (*fn)(void *arg), void *arg, const struct deadline *d)
{
	_cleanup_close_ int null_fd = -1, pidfd = -1;
	siginfo_t si;
	pid_t pid;
	int r;

	if (deadline_expired(d))
		return -ETIMEDOUT;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		fn_child(fn, arg, null_fd);

	pidfd = pidfd_of(pid);
	if (pidfd < 0 && errno != ENOSYS) {
		r = -errno;
		(void)kill(pid, SIGKILL); /* cannot fail: it is our child */
		return r;
	}
	for (int poll_fd = pidfd;;) {
		struct pollfd p = { .fd = poll_fd, .events = POLLIN };
		uint64_t left;

		r = child_exited(pid);
		if (r < 0) {
			(void)kill(pid, SIGKILL); /* as above */
			return r;
		}
		if (r > 0)
			break;
		left = deadline_left_ms(d);
		if (left == 0) {
			/*
			 * Not reaped: in uninterruptible I/O it would not
			 * die, and waiting for it is what we must not do.
			 */
			(void)kill(pid, SIGKILL); /* as above */
			return -ETIMEDOUT;
		}
		if (poll_fd < 0 && left > POLL_FALLBACK_MS)
			left = POLL_FALLBACK_MS;
		/* a negative fd is ignored: then poll() only sleeps */
		if (poll(&p, 1, poll_ms(left)) < 0 && errno != EINTR) {
			r = -errno;
			(void)kill(pid, SIGKILL); /* as above */
			return r;
		}
		if (p.revents)
			poll_fd = -1; /* as in wait_child(): a tracer? */
	}

	r = child_reap(pid, &si);
	if (r < 0)
		return r;
	if (si.si_code != CLD_EXITED)
		return -EINTR;
	return -si.si_status;
}
