/*
 * cmdutil.c - the shared front-end pieces of the commands (cmdutil.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmdutil.h"
#include "diag.h"
#include "mmtool.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	diag(cmd, "%s", text);
	return EXIT_TROUBLE;
}

int arg_offset(const char *cmd, const char *what, const char *text,
	       struct offset *out)
{
	const char *why = "";

	if (parse_offset(text, out, &why) == 0)
		return 0;
	diag(cmd, "invalid %s '%s': %s", what, text, why);
	return -1;
}

int arg_count(const char *cmd, const char *what, const char *text,
	      uint64_t *out)
{
	const char *why = "";

	if (parse_count(text, out, &why) == 0)
		return 0;
	diag(cmd, "invalid %s '%s': %s", what, text, why);
	return -1;
}

/* TEXT as a message quotes it: whole, or its start when it is long (the
 * column still says where). */
static const char *shown_text(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text);

	if (len <= 64)
		return text;
	snprintf(buf, size, "%.48s...", text);
	return buf;
}

int arg_hex(const char *cmd, const char *what, char *const *ops, int count,
	    int flags, struct hexbytes *out)
{
	struct hex_error e;
	char buf[64], ch[16];
	const char *text;

	if (hex_parse(ops, count, flags & HEX_WILDCARD, out, &e) < 0) {
		if (errno == ENOMEM) {
			diag_errno(cmd, "%s", what);
			return -1;
		}
		text = shown_text(ops[e.operand], buf, sizeof(buf));
		if (e.ch > ' ' && e.ch < 127)
			snprintf(ch, sizeof(ch), "'%c'", e.ch);
		else
			snprintf(ch, sizeof(ch), "byte 0x%02x", e.ch);
		if (e.why == HEX_BAD_CHAR)
			diag(cmd, "invalid %s '%s': %s at column %zu", what,
			     text, ch, e.column);
		else if (e.why == HEX_ODD)
			diag(cmd, "invalid %s '%s': %s (%s at column %zu has "
			     "no pair)", what, text, e.why, ch, e.column);
		else
			diag(cmd, "invalid %s '%s': %s at column %zu", what,
			     text, e.why, e.column);
		return -1;
	}
	if ((flags & HEX_NONEMPTY) && out->len == 0) {
		diag(cmd, "invalid %s '%s': no hex bytes", what,
		     count > 0 ? shown_text(ops[0], buf, sizeof(buf)) : "");
		hexbytes_free(out);
		return -1;
	}
	return 0;
}

int arg_record(const char *cmd, const char *text, struct record *rec)
{
	struct record_error err;

	if (record_parse(text, rec, &err) == 0)
		return 0;
	if (errno == ENOMEM)
		diag_errno(cmd, "-t");
	else if (err.len == 0)
		usage_error(cmd, "invalid FIELDS '%s': %s at column %zu", text,
			    err.why, err.at + 1);
	else
		usage_error(cmd, "invalid FIELDS '%s': %s '%.*s' at column %zu",
			    text, err.why, (int)err.len, text + err.at,
			    err.at + 1);
	return -1;
}

int resolve_offset(const char *cmd, const char *path, const char *text,
		   const struct offset *off, uint64_t size, uint64_t *abs)
{
	if (offset_resolve(off, size, abs) == 0)
		return 0;
	diag(cmd, "offset %s reaches before the start of %s (%llu byte%s)",
	     text, path, (unsigned long long)size, plural(size));
	return -1;
}

int check_range(const char *cmd, const char *path, uint64_t off,
		uint64_t len, uint64_t size, const char *hint)
{
	const char *sep = hint ? "; " : "";

	if (off <= size && len <= size - off)
		return 0;
	if (hint == NULL)
		hint = "";
	if (len > UINT64_MAX - off)
		diag(cmd, "range of %llu byte%s at offset %llu is outside %s "
		     "(%llu byte%s)%s%s", (unsigned long long)len, plural(len),
		     (unsigned long long)off, path, (unsigned long long)size,
		     plural(size), sep, hint);
	else
		diag(cmd, "range [%llu, %llu) is outside %s (%llu byte%s)%s%s",
		     (unsigned long long)off, (unsigned long long)(off + len),
		     path, (unsigned long long)size, plural(size), sep, hint);
	return -1;
}

/*
 * PATH as a message names it.  A message is one line of at most 1 KiB, so
 * a path too long to open (ENAMETOOLONG) would push the reason off its
 * end: such a path is shown by its start and its length.
 */
static const char *shown_path(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path);

	if (len <= 128)
		return path;
	snprintf(buf, size, "%.64s... (a path of %zu bytes)", path, len);
	return buf;
}

int open_file(const char *cmd, const char *path, int flags,
	      struct mapfile *mf)
{
	char buf[128];

	if (path[0] == '\0') {
		diag(cmd, "empty file name");
		return -1;
	}
	if (mapfile_open(mf, path, flags) < 0) {
		diag_errno(cmd, "%s", shown_path(path, buf, sizeof(buf)));
		return -1;
	}
	if ((flags & MF_WRITE) && mf->kind == MF_STREAM) {
		diag(cmd, "%s: not a regular file",
		     shown_path(path, buf, sizeof(buf)));
		mapfile_close(mf);
		return -1;
	}
	return 0;
}

int lock_file(const char *cmd, const char *path, struct mapfile *mf)
{
	if (mapfile_lock(mf) < 0) {
		diag_errno(cmd, "%s: cannot lock", path);
		return -1;
	}
	return 0;
}

int check_size_limit(const char *cmd, const char *path, uint64_t size)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur == RLIM_SAVED_CUR || rl.rlim_cur == RLIM_SAVED_MAX ||
	    size <= (uint64_t)rl.rlim_cur)
		return 0;
	errno = EFBIG;
	diag_errno(cmd, "%s", path);
	return -1;
}

void report_fault(const char *cmd, const char *path, struct mapfile *mf,
		  uint64_t end, int writing)
{
	if (!mf->faulted) {
		/* The guard itself failed (sigaction): no fault to explain. */
		diag_errno(cmd, "%s", path);
		return;
	}
	if (mapfile_refresh(mf) < 0 || mf->size < end)
		diag(cmd, "%s: file changed size while being read", path);
	else
		diag(cmd, "%s: cannot %s a page of the file through its "
		     "mapping (no space left on device, an I/O error, or the "
		     "file changed size)", path, writing ? "write" : "read");
}

void report_read_failure(const char *cmd, const char *path,
			 struct mapfile *mf, uint64_t off, uint64_t len,
			 struct outbuf *out)
{
	int saved = errno;
	uint64_t end = off;

	/* Where the walk meant to stop: the range, clipped to the size it
	 * was walked with (the one the fault is measured against). */
	if (off < mf->size)
		end = len > mf->size - off ? mf->size : off + len;
	if (out != NULL)
		outbuf_flush_lines(out);
	errno = saved;
	report_fault(cmd, path, mf, end, 0);
}

void report_prepare_failure(const char *cmd, const char *path,
			    const struct mapfile *mf, uint64_t old_size)
{
	if (mf->resized_by_other)
		diag(cmd, "%s: another program changed its size (%llu -> %llu "
		     "bytes) before the write; nothing written", path,
		     (unsigned long long)old_size,
		     (unsigned long long)mf->size);
	else
		diag_errno(cmd, "%s", path);
}

/* The signals that end a program when a user or the system asks. */
static void ending_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

void signals_hold(sigset_t *saved)
{
	sigset_t set;

	ending_signals(&set);
	sigprocmask(SIG_BLOCK, &set, saved);
}

void signals_release(const sigset_t *saved)
{
	/* A held signal is delivered as the mask drops: mmtool installs no
	 * handler for these, so its default action ends the program with
	 * the status a shell reports for that signal. */
	sigprocmask(SIG_SETMASK, saved, NULL);
}

int open_input(const char *cmd, const char *path, struct mapfile *mf)
{
	if (strcmp(path, "-") != 0)
		return open_file(cmd, path, MF_READ, mf);
	if (mapfile_adopt(mf, 0) < 0) {
		diag_errno(cmd, "standard input");
		return -1;
	}
	return 0;
}

struct growbuf {
	unsigned char *p;
	size_t len, cap;
};

static int append(void *ctx, const unsigned char *p, size_t n, uint64_t off)
{
	struct growbuf *g = ctx;

	(void)off;
	if (n > g->cap - g->len) {
		size_t cap = g->cap ? g->cap : 65536;
		unsigned char *q;

		while (cap - g->len < n) {
			if (cap > SIZE_MAX / 2) {
				errno = ENOMEM;
				return -1;
			}
			cap *= 2;
		}
		q = realloc(g->p, cap);
		if (q == NULL)
			return -1;
		g->p = q;
		g->cap = cap;
	}
	/* A hole (P NULL) is zeros: the input is held whole anyway. */
	if (p != NULL)
		memcpy(g->p + g->len, p, n);
	else
		memset(g->p + g->len, 0, n);
	g->len += n;
	return 0;
}

int read_input(const char *cmd, const char *path, unsigned char **buf,
	       size_t *len)
{
	struct growbuf g = { NULL, 0, 0 };
	struct mapfile mf;
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;

	if (open_input(cmd, path, &mf) < 0)
		return -1;
	if (mapfile_walk(&mf, 0, UINT64_MAX, append, &g) != 0) {
		report_read_failure(cmd, name, &mf, 0, UINT64_MAX, NULL);
		mapfile_close(&mf);
		free(g.p);
		return -1;
	}
	if (close_file(cmd, name, &mf) < 0) {
		free(g.p);
		return -1;
	}
	*buf = g.p;
	*len = g.len;
	return 0;
}

int close_file(const char *cmd, const char *path, struct mapfile *mf)
{
	if (mapfile_close(mf) == 0)
		return 0;
	diag_errno(cmd, "%s", path);
	return -1;
}

void apply_test_window(struct mapfile *mf)
{
	const char *text = getenv("MMTOOL_TEST_WINDOW");
	uint64_t n;

	if (text != NULL && parse_count(text, &n, NULL) == 0 && n > 0 &&
	    n <= (1u << 30))
		mf->window = (size_t)n;
	if (getenv("MMTOOL_TEST_STOP_MAPPED") != NULL)
		mf->test_stop = 1;
}

void ignore_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
#ifdef SIGXFSZ
	sigaction(SIGXFSZ, &sa, NULL);
#endif
}
