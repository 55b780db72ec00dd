/*
 * outbuf.h - large output buffer written with write(2) in big chunks.
 * Formatters fill it in place; nothing here goes through stdio.
 */
#ifndef OUTBUF_H
#define OUTBUF_H

#include <stddef.h>
#include <sys/types.h>

struct outbuf {
	int fd;
	unsigned char *buf;
	size_t len;		/* bytes waiting in buf */
	size_t cap;
	int err;		/* errno of the first failed write, 0 if none */
	/*
	 * Whole-line mode (set by the owner; dumper_init sets it): making
	 * room writes only up to the last newline buffered and keeps the
	 * partial line after it, so that what has gone out always ends on
	 * a line boundary, and outbuf_flush_lines can stop there.  Only a
	 * line longer than the whole buffer goes out part by part.
	 */
	int whole_lines;
	int pipe_tried;		/* a pipe on fd was grown, or tried */
	/*
	 * The write(2) used to drain buf: outbuf_init sets it to write;
	 * tests replace it to force short writes, EINTR, EAGAIN, ENOSPC.
	 */
	ssize_t (*write_fn)(int fd, const void *p, size_t n);
};

/* Default capacity: big enough that write(2) calls are few. */
#define OUTBUF_SIZE (256u << 10)

/*
 * Allocate CAP bytes (OUTBUF_SIZE if 0) for writes to FD.
 * Success: 0.  Failure: -1, errno ENOMEM, *ob zeroed with fd -1.
 */
int outbuf_init(struct outbuf *ob, int fd, size_t cap);

/*
 * Make room for N more bytes (N <= cap), flushing if needed, and return
 * where to write them; outbuf_commit(ob, n) then counts what was written.
 * Returns NULL after a write error (ob->err holds errno; EPIPE means the
 * reader went away), or with errno EINVAL when N > cap.  Once a write has
 * failed, every later call fails with the same errno.
 */
unsigned char *outbuf_reserve(struct outbuf *ob, size_t n);
#define outbuf_commit(ob, n) ((ob)->len += (n))

/* Append N bytes (any size).  0, or -1 with errno (ob->err) on failure. */
int outbuf_write(struct outbuf *ob, const void *p, size_t n);

/*
 * Write out everything buffered, retrying after EINTR and short writes,
 * and waiting in poll(2) when FD is non-blocking and full (EAGAIN).
 * 0 with ob->len 0, or -1 with errno (also in ob->err).
 */
int outbuf_flush(struct outbuf *ob);

/*
 * For output cut short (the input faulted or failed): write out the whole
 * lines buffered and drop the partial line after the last newline, so
 * that the output ends on a line boundary.  0, or -1 with errno.
 */
int outbuf_flush_lines(struct outbuf *ob);

/* Free the buffer (does not flush, does not close fd). */
void outbuf_free(struct outbuf *ob);

#endif
