/*
 * testutil.c - see testutil.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

extern char **environ;

const char *mmtool_path(void)
{
	const char *p = getenv("MMTOOL");

	return p && *p ? p : "./mmtool";
}

int mmtool_emulated(void)
{
	const char *e = getenv("MMTOOL_EMULATOR");

	return e != NULL && *e != '\0';
}

int mmtool_big_endian(void)
{
	const char *e = getenv("MMTOOL_TARGET_ENDIAN");
	const unsigned one = 1;

	if (e != NULL && strcmp(e, "big") == 0)
		return 1;
	if (e != NULL && strcmp(e, "little") == 0)
		return 0;
	return *(const unsigned char *)&one == 0;
}

const char *tests_dir(void)
{
	const char *p = getenv("MMTOOL_TESTS");

	return p && *p ? p : "tests";
}

static char tmpdir[256];

static void remove_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *test_tmpdir(void)
{
	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/mmtool-test.XXXXXX",
			 base && *base ? base : "/tmp");
		assert_non_null(mkdtemp(tmpdir));
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

const char *tmp_path(const char *name)
{
	static char bufs[8][512];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", test_tmpdir(), name);
	return b;
}

const char *write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	const char *p = data;

	assert_true(fd >= 0);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
	assert_int_equal(close(fd), 0);
	return path;
}

unsigned char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);

	assert_true(fd >= 0);
	assert_non_null(buf);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = read(fd, buf + n, cap - n);
		assert_true(r >= 0);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	/* A NUL after the bytes (never counted), so tests may use string
	 * functions on text files. */
	if (n == cap) {
		buf = realloc(buf, cap + 1);
		assert_non_null(buf);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

void fill_random(void *buf, size_t len, uint32_t seed)
{
	unsigned char *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		/* xorshift32: deterministic, good enough for test data */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)(x >> 24);
	}
}

void snapshot_take(struct snapshot *s, const char *path)
{
	assert_int_equal(stat(path, &s->st), 0);
	s->data = read_file(path, &s->len);
}

void snapshot_assert_same(const struct snapshot *s, const char *path)
{
	struct stat st;
	size_t len;
	unsigned char *data;

	assert_int_equal(stat(path, &st), 0);
	data = read_file(path, &len);
	assert_int_equal(len, s->len);
	assert_int_equal(st.st_size, s->st.st_size);
	if (len > 0)
		assert_memory_equal(data, s->data, len);
	assert_int_equal(st.st_mtim.tv_sec, s->st.st_mtim.tv_sec);
	assert_int_equal(st.st_mtim.tv_nsec, s->st.st_mtim.tv_nsec);
	free(data);
}

void snapshot_free(struct snapshot *s)
{
	free(s->data);
	s->data = NULL;
}

/* Append what is readable on FD to *buf; returns 0 at EOF. */
static int drain(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t n;

	if (*cap - *len < 65536) {
		*cap = *cap * 2 + 65536;
		*buf = realloc(*buf, *cap + 1);
		assert_non_null(*buf);
	}
	n = read(fd, *buf + *len, *cap - *len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	assert_true(n >= 0);
	*len += (size_t)n;
	return n > 0;
}

/* run_mmtool, with standard input from STDIN_FD instead when it is not
 * -1 (the child shares its open file description: its position too). */
static void run_spawn(struct run *r, const void *stdin_data, size_t len,
		      int stdin_fd, const char *const *argv)
{
	int in[2], out[2], err[2], status;
	size_t argc = 0, written = 0, out_cap = 0, err_cap = 0;
	posix_spawn_file_actions_t fa;
	const char **args;
	pid_t pid;
	int open_out = 1, open_err = 1, open_in;

	while (argv[argc] != NULL)
		argc++;
	args = calloc(argc + 2, sizeof(*args));
	assert_non_null(args);
	args[0] = mmtool_path();
	for (size_t i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	memset(r, 0, sizeof(*r));
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	posix_spawn_file_actions_init(&fa);
	if (stdin_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
	else if (stdin_data != NULL)
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						 O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	for (int i = 0; i < 2; i++) {
		posix_spawn_file_actions_addclose(&fa, in[i]);
		posix_spawn_file_actions_addclose(&fa, out[i]);
		posix_spawn_file_actions_addclose(&fa, err[i]);
	}
	assert_int_equal(posix_spawn(&pid, args[0], &fa, NULL,
				     (char *const *)args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	open_in = stdin_data != NULL && len > 0;
	if (!open_in)
		close(in[1]);
	signal(SIGPIPE, SIG_IGN);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	while (open_out || open_err || open_in) {
		struct pollfd p[3];
		int np = 0;

		if (open_out)
			p[np].fd = out[0], p[np++].events = POLLIN;
		if (open_err)
			p[np].fd = err[0], p[np++].events = POLLIN;
		if (open_in)
			p[np].fd = in[1], p[np++].events = POLLOUT;
		if (poll(p, (nfds_t)np, -1) < 0)
			continue;
		for (int i = 0; i < np; i++) {
			if (p[i].revents == 0)
				continue;
			if (p[i].fd == out[0])
				open_out = drain(out[0], &r->out, &r->out_len,
						 &out_cap);
			else if (p[i].fd == err[0])
				open_err = drain(err[0], &r->err, &r->err_len,
						 &err_cap);
			else {
				ssize_t n = write(in[1],
					(const char *)stdin_data + written,
					len - written);

				if (n > 0)
					written += (size_t)n;
				if ((n < 0 && errno != EAGAIN &&
				     errno != EINTR) || written == len) {
					close(in[1]);
					open_in = 0;
				}
			}
		}
	}
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFSIGNALED(status)) {
		r->signaled = 1;
		r->status = 128 + WTERMSIG(status);
	} else {
		r->status = WEXITSTATUS(status);
	}
	if (r->out == NULL)
		r->out = calloc(1, 1);
	else
		r->out[r->out_len] = '\0';
	if (r->err == NULL)
		r->err = calloc(1, 1);
	else
		r->err[r->err_len] = '\0';
	free(args);
}

void run_mmtool(struct run *r, const void *stdin_data, size_t len,
		const char *const *argv)
{
	run_spawn(r, stdin_data, len, -1, argv);
}

void run_stdin_at(struct run *r, const char *path, off_t pos,
		  const char *const *argv)
{
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, pos, SEEK_SET), pos);
	run_spawn(r, NULL, 0, fd, argv);
	close(fd);
}

void run_args(struct run *r, ...)
{
	const char *argv[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, r);
	while (n < 63 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_mmtool(r, NULL, 0, argv);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void assert_refused(const struct run *r, int expect_status)
{
	const char *nl;

	if (r->status != expect_status || r->out_len != 0)
		print_error("status %d (want %d), stdout [%s], stderr [%s]\n",
			    r->status, expect_status, r->out, r->err);
	assert_false(r->signaled);
	assert_int_equal(r->status, expect_status);
	assert_int_equal(r->out_len, 0);
	assert_true(strncmp(r->err, "mmtool: ", 8) == 0);
	nl = strchr(r->err, '\n');
	assert_non_null(nl);
	assert_true(nl[1] == '\0');
}

void assert_err_contains(const struct run *r, const char *text)
{
	if (strstr(r->err, text) == NULL)
		print_error("stderr [%s] does not contain [%s]\n", r->err,
			    text);
	assert_non_null(strstr(r->err, text));
}

void assert_output(const struct run *r, const char *want)
{
	if (r->status != 0 || r->err_len != 0 || strcmp(r->out, want) != 0)
		print_error("status %d, stdout [%s] (want [%s]), stderr [%s]\n",
			    r->status, r->out, want, r->err);
	assert_int_equal(r->status, 0);
	assert_int_equal(r->err_len, 0);
	assert_string_equal(r->out, want);
}

void assert_file(const char *path, const void *want, size_t len)
{
	const unsigned char *w = want;
	size_t got_len;
	unsigned char *got = read_file(path, &got_len);

	assert_int_equal(got_len, len);
	for (size_t i = 0; i < len; i++)
		if (got[i] != w[i])
			fail_msg("%s: byte %zu is %02x, want %02x", path, i,
				 got[i], w[i]);
	free(got);
}

char *shell_output(const char *cmd, int err_too, int *status)
{
	char *line, *out = NULL;
	size_t len = 0, n;
	FILE *p;
	int rc;

	line = malloc(strlen(cmd) + 8);
	assert_non_null(line);
	sprintf(line, "%s%s", cmd, err_too ? " 2>&1" : "");
	p = popen(line, "r");
	free(line);
	assert_non_null(p);
	for (;;) {
		char buf[65536];

		n = fread(buf, 1, sizeof(buf), p);
		if (n == 0)
			break;
		out = realloc(out, len + n + 1);
		assert_non_null(out);
		memcpy(out + len, buf, n);
		len += n;
	}
	rc = pclose(p);
	if (status != NULL)
		*status = rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	if (out == NULL)
		out = calloc(1, 1);
	assert_non_null(out);
	out[len] = '\0';
	return out;
}

int have_program(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}
