/*
 * outbuf.c - a big output buffer drained with write(2).
 *
 * The dump formatters produce several times more bytes than they read, so
 * the cost of output matters: one write(2) per OUTBUF_SIZE bytes, no stdio,
 * no per-line calls.
 */
/* F_GETPIPE_SZ and F_SETPIPE_SZ are Linux's (fcntl.h shows them with
 * _GNU_SOURCE); elsewhere grow_pipe does nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"

int
outbuf_init(struct outbuf *ob, int fd, size_t cap)
{
	if (cap == 0)
		cap = OUTBUF_SIZE;
	memset(ob, 0, sizeof(*ob));
	ob->buf = malloc(cap);
	if (ob->buf == NULL) {
		ob->fd = -1;
		errno = ENOMEM;
		return -1;
	}
	ob->fd = fd;
	ob->cap = cap;
	ob->write_fn = write;
	return 0;
}

/* Remember the first failure; every later call reports the same errno. */
static int
fail(struct outbuf *ob, int e)
{
	if (ob->err == 0)
		ob->err = e;
	errno = ob->err;
	return -1;
}

/*
 * The first time a big write goes to a pipe, make the pipe hold PIPE_WANT
 * bytes, when it holds less.  Linux's pipes hold 64 KiB: a reader such as
 * cat, faster than the formatter, drains that at once and sleeps, so
 * each 64 KiB costs two wake-ups across CPUs (seen doubling the time of
 * hexdump -r | cat on 32 MiB).  A failure (not a pipe, or over the
 * user's pipe quota: EPERM) leaves the pipe as it was, which is fine.
 */
#define PIPE_WANT (1 << 20)

static void
grow_pipe(struct outbuf *ob)
{
	ob->pipe_tried = 1;
#if defined(F_GETPIPE_SZ) && defined(F_SETPIPE_SZ)
	{
		int size = fcntl(ob->fd, F_GETPIPE_SZ);

		if (size > 0 && size < PIPE_WANT)
			(void)fcntl(ob->fd, F_SETPIPE_SZ, PIPE_WANT);
	}
#endif
}

/*
 * Write all N bytes of P to the descriptor.  A write may be cut short by a
 * signal (EINTR, or a partial count) or by a full non-blocking pipe
 * (EAGAIN): then wait until the descriptor takes more and go on.
 */
static int
write_all(struct outbuf *ob, const unsigned char *p, size_t n)
{
	/* An outbuf set up by hand, not by outbuf_init, has no write_fn. */
	ssize_t (*write_fn)(int, const void *, size_t) =
		ob->write_fn != NULL ? ob->write_fn : write;

	if (!ob->pipe_tried && n >= (64u << 10))
		grow_pipe(ob);
	while (n > 0) {
		ssize_t w = write_fn(ob->fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == 0) {
			/* write(2) never returns 0 for n > 0; do not spin. */
			return fail(ob, EIO);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd;

			pfd.fd = ob->fd;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return fail(ob, errno);
		} else if (errno != EINTR) {
			return fail(ob, errno);
		}
	}
	return 0;
}

int
outbuf_flush(struct outbuf *ob)
{
	if (ob->err != 0)
		return fail(ob, ob->err);
	if (ob->len == 0)
		return 0;
	if (write_all(ob, ob->buf, ob->len) < 0)
		return -1;
	ob->len = 0;
	return 0;
}

/* Bytes of buf up to and including its last newline; 0 if none. */
static size_t
whole_line_bytes(const struct outbuf *ob)
{
	size_t i = ob->len;

	while (i > 0 && ob->buf[i - 1] != '\n')
		i--;
	return i;
}

/*
 * Make room for N (<= cap) more bytes.  In whole-line mode write only the
 * whole lines and move the partial one to the front, unless it leaves no
 * room: a line longer than the buffer cannot wait for its end.
 */
static int
make_room(struct outbuf *ob, size_t n)
{
	size_t k;

	if (n <= ob->cap - ob->len)
		return 0;
	if (!ob->whole_lines)
		return outbuf_flush(ob);
	k = whole_line_bytes(ob);
	if (k == 0 || n > ob->cap - (ob->len - k))
		return outbuf_flush(ob);
	if (write_all(ob, ob->buf, k) < 0)
		return -1;
	memmove(ob->buf, ob->buf + k, ob->len - k);
	ob->len -= k;
	return 0;
}

int
outbuf_flush_lines(struct outbuf *ob)
{
	if (ob->err != 0)
		return fail(ob, ob->err);
	ob->len = whole_line_bytes(ob);
	return outbuf_flush(ob);
}

unsigned char *
outbuf_reserve(struct outbuf *ob, size_t n)
{
	if (ob->err != 0) {
		fail(ob, ob->err);
		return NULL;
	}
	if (n > ob->cap) {
		errno = EINVAL;
		return NULL;
	}
	if (make_room(ob, n) < 0)
		return NULL;
	return ob->buf + ob->len;
}

int
outbuf_write(struct outbuf *ob, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (ob->err != 0)
		return fail(ob, ob->err);
	if (n <= ob->cap - ob->len) {
		memcpy(ob->buf + ob->len, s, n);
		ob->len += n;
		return 0;
	}
	/* Lines: through the buffer, a buffer's worth at a time. */
	while (ob->whole_lines && n > 0) {
		size_t k = n < ob->cap ? n : ob->cap;

		if (make_room(ob, k) < 0)
			return -1;
		if (k > ob->cap - ob->len)
			k = ob->cap - ob->len;
		memcpy(ob->buf + ob->len, s, k);
		ob->len += k;
		s += k;
		n -= k;
	}
	if (n == 0)
		return 0;
	/* Top up the buffer, drain it, then write big pieces directly. */
	if (ob->len > 0) {
		size_t k = ob->cap - ob->len;

		memcpy(ob->buf + ob->len, s, k);
		ob->len += k;
		s += k;
		n -= k;
		if (outbuf_flush(ob) < 0)
			return -1;
	}
	if (n >= ob->cap)
		return write_all(ob, s, n);
	memcpy(ob->buf, s, n);
	ob->len = n;
	return 0;
}

void
outbuf_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = 0;
	ob->cap = 0;
}
