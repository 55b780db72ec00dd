/*
 * mapfile.c - the mapping layer: see include/mapfile.h for the contracts.
 */
/* SEEK_DATA and SEEK_HOLE (POSIX.1-2024) are behind _GNU_SOURCE in glibc,
 * and so is fallocate(2) with FALLOC_FL_KEEP_SIZE, Linux's, in glibc and
 * musl (elsewhere the layer reserves inside the size only, with
 * posix_fallocate). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/vfs.h>
#endif

#include "mapfile.h"

/* Offsets past 4 GiB must work in a 32-bit build too. */
typedef char assert_off_t_is_64_bit[sizeof(off_t) == 8 ? 1 : -1];

/* Largest offset an off_t holds: files and ranges never go beyond it. */
#define OFF_MAX ((uint64_t)INT64_MAX)

/* Room for a symbolic link's target (PATH_MAX is not in every libc's
 * headers without extensions; Linux's is 4096). */
#define PATH_MAX_GUESS 4096

/* Streams are read through a buffer of at most this size. */
#define STREAM_CHUNK (1u << 20)

static int real_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

static int real_fcntl_lock(int fd, int cmd, struct flock *lock)
{
	return fcntl(fd, cmd, lock);
}

static int real_fallocate(int fd, int mode, off_t off, off_t len)
{
#if defined(FALLOC_FL_KEEP_SIZE)
	return fallocate(fd, mode, off, len);
#else
	(void)fd;
	(void)mode;
	(void)off;
	(void)len;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

const struct mapfile_syscalls mapfile_real_syscalls = {
	real_open, fstat, lseek, ftruncate, posix_fallocate, mmap, msync,
	munmap, fsync, read, close, real_fcntl_lock, real_fallocate, pread,
	pwrite, lstat, readlink, unlink
};

static struct mapfile_syscalls sys = {
	real_open, fstat, lseek, ftruncate, posix_fallocate, mmap, msync,
	munmap, fsync, read, close, real_fcntl_lock, real_fallocate, pread,
	pwrite, lstat, readlink, unlink
};

/* A NULL entry in a test's table stands for the real call. */
#define FILL(name) \
	if (sys.name == NULL) \
		sys.name = mapfile_real_syscalls.name

void mapfile_set_syscalls(const struct mapfile_syscalls *table)
{
	sys = table ? *table : mapfile_real_syscalls;
	FILL(open); FILL(fstat); FILL(lseek); FILL(ftruncate);
	FILL(posix_fallocate); FILL(mmap); FILL(msync); FILL(munmap);
	FILL(fsync); FILL(read); FILL(close); FILL(fcntl_lock);
	FILL(fallocate); FILL(pread); FILL(pwrite); FILL(lstat);
	FILL(readlink); FILL(unlink);
}

#undef FILL

static uint64_t page_size(void)
{
	static uint64_t cached;

	if (cached == 0) {
		long ps = sysconf(_SC_PAGESIZE);
		cached = ps > 0 ? (uint64_t)ps : 4096;
	}
	return cached;
}

/* close() keeping the errno of the failure that made us close. */
static void close_keep_errno(int fd)
{
	int saved = errno;

	sys.close(fd);
	errno = saved;
}

/* The bytes from mf->base to END, the end of the file: none when the
 * position stands past the end (lseek allows that). */
static uint64_t size_from_base(const struct mapfile *mf, off_t end)
{
	return (uint64_t)end > mf->base ? (uint64_t)end - mf->base : 0;
}

/*
 * Does this regular file's st_size lie?  /proc and /sys report 0 or 4096
 * whatever they hold, and mapping them fails or shows garbage.  Elsewhere an
 * empty-looking file is probed with a one-byte read.  Returns 1 (stream), 0
 * (trust st_size) or -1 with errno.
 */
static int size_lies(struct mapfile *mf, off_t st_size)
{
#if defined(__linux__)
	struct statfs fs;

	if (fstatfs(mf->fd, &fs) == 0 &&
	    (fs.f_type == 0x9fa0 /* PROC_SUPER_MAGIC */ ||
	     fs.f_type == 0x62656572 /* SYSFS_MAGIC */))
		return 1;
#endif
	if (st_size == 0 && !mf->writable) {
		ssize_t n;

		do
			n = sys.read(mf->fd, &mf->probe, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -1;
		if (n == 1) {
			mf->have_probe = 1;
			return 1;
		}
	}
	return 0;
}

/* Decide the kind and size of the open mf->fd; on failure fd stays open. */
static int classify(struct mapfile *mf)
{
	struct stat st;
	int lies;

	if (sys.fstat(mf->fd, &st) < 0)
		return -1;
	mf->mode = st.st_mode;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		mf->kind = MF_REGULAR;
		mf->size = size_from_base(mf, st.st_size);
		lies = size_lies(mf, st.st_size);
		if (lies < 0)
			return -1;
		if (lies) {
			mf->kind = MF_STREAM;
			mf->size = 0;
		}
	} else if (S_ISBLK(st.st_mode)) {
		off_t end = sys.lseek(mf->fd, 0, SEEK_END);

		/* Put the position back: mapped bytes do not need it, but
		 * the descriptor may be shared with the process that gave
		 * it to us (standard input). */
		if (end < 0 || sys.lseek(mf->fd, (off_t)mf->base, SEEK_SET) < 0)
			return -1;
		mf->kind = MF_BLOCK;
		mf->size = size_from_base(mf, end);
	} else {
		mf->kind = MF_STREAM;
	}
	return 0;
}

int mapfile_adopt(struct mapfile *mf, int fd)
{
	off_t pos;

	memset(mf, 0, sizeof(*mf));
	mf->window = MAPFILE_WINDOW;
	mf->fd = fd;
	/* Where the caller's reading stands (cat and xxd start there); a
	 * pipe or terminal has no position (ESPIPE), and needs none. */
	pos = sys.lseek(fd, 0, SEEK_CUR);
	if (pos > 0)
		mf->base = (uint64_t)pos;
	if (classify(mf) < 0) {
		mf->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * Where a missing PATH is to be created: PATH itself, or the end of the
 * chain of symbolic links it starts (a dangling link is followed, as
 * open(O_CREAT) and truncate(1) follow it, but O_EXCL would refuse the
 * link itself).  Returns a malloc'd path, or NULL with errno (ELOOP after
 * 40 links, as the kernel counts; EEXIST when the name now leads to an
 * existing file: someone created it meanwhile).
 */
static char *free_keep_errno(char *p)
{
	int saved = errno;

	free(p);
	errno = saved;
	return NULL;
}

static char *creation_target(const char *path)
{
	char *cur = strdup(path);
	int links = 0;

	while (cur != NULL) {
		char target[PATH_MAX_GUESS], *next;
		const char *slash;
		struct stat st;
		size_t dirlen;
		ssize_t n;

		if (sys.lstat(cur, &st) < 0)
			return errno == ENOENT ? cur : free_keep_errno(cur);
		if (!S_ISLNK(st.st_mode)) {
			errno = EEXIST;
			return free_keep_errno(cur);
		}
		if (++links > 40) {
			errno = ELOOP;
			return free_keep_errno(cur);
		}
		n = sys.readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return free_keep_errno(cur);
		target[n] = '\0';
		/* A relative target is relative to the link's directory. */
		slash = target[0] == '/' ? NULL : strrchr(cur, '/');
		dirlen = slash ? (size_t)(slash - cur) + 1 : 0;
		next = malloc(dirlen + (size_t)n + 1);
		if (next != NULL) {
			memcpy(next, cur, dirlen);
			memcpy(next + dirlen, target, (size_t)n + 1);
		}
		free(cur);
		cur = next;
	}
	return NULL;	/* ENOMEM */
}

/*
 * Open PATH with OFLAGS (no O_CREAT), creating it with O_EXCL if it is
 * missing.  Another process may create the file between our two opens; then
 * O_EXCL fails and the file, not ours, is opened as an existing one.
 * Sets mf->fd, and mf->created and created_path when we made the file.
 */
static int open_or_create(struct mapfile *mf, const char *path, int oflags)
{
	for (int tries = 0; tries < 8; tries++) {
		char *target;

		mf->fd = sys.open(path, oflags, 0666);
		if (mf->fd >= 0 || errno != ENOENT)
			return mf->fd < 0 ? -1 : 0;
		target = creation_target(path);
		if (target == NULL) {
			if (errno == EEXIST)
				continue;	/* created meanwhile */
			return -1;
		}
		mf->fd = sys.open(target, oflags | O_CREAT | O_EXCL, 0666);
		if (mf->fd >= 0) {
			mf->created = 1;
			mf->created_path = target;
			return 0;
		}
		free(target);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int mapfile_open(struct mapfile *mf, const char *path, int flags)
{
	int oflags = O_CLOEXEC, rc;

	memset(mf, 0, sizeof(*mf));
	mf->fd = -1;
	mf->window = MAPFILE_WINDOW;
	if (flags & MF_WRITE)
		oflags |= O_RDWR | O_NONBLOCK;
	else
		oflags |= O_RDONLY;
	if ((flags & MF_WRITE) && (flags & MF_CREATE))
		rc = open_or_create(mf, path, oflags);
	else
		rc = (mf->fd = sys.open(path, oflags, 0666)) < 0 ? -1 : 0;
	if (rc < 0) {
		mf->fd = -1;
		return -1;
	}
	mf->writable = (flags & MF_WRITE) != 0;
	if (classify(mf) == 0)
		return 0;
	close_keep_errno(mf->fd);
	mf->fd = -1;
	if (mf->created) {
		/* Ours, and of no use: leave no file where there was none. */
		int saved = errno;

		sys.unlink(mf->created_path);
		errno = saved;
	}
	free(mf->created_path);
	mf->created_path = NULL;
	mf->created = 0;
	return -1;
}

/* pwrite all N bytes at OFF, retrying EINTR and short writes. */
static int pwrite_all(int fd, const unsigned char *p, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t w = sys.pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* pread all N bytes at OFF; a file that ends first is EIO. */
static int pread_all(int fd, unsigned char *p, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t r = sys.pread(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/*
 * The pages mmap refused (EOVERFLOW: Linux checks that a mapping ends
 * below the largest file size, 2^63-1, so the last page below 2^63 never
 * maps): read [START, START+SPAN) into a buffer that stands in for the
 * mapping.  A writer keeps a copy to tell its changes by.
 */
static int map_buffered(struct mapfile *mf, uint64_t start, size_t span)
{
	unsigned char *buf = malloc(span), *shadow = NULL;

	if (buf == NULL)
		return -1;
	if (mf->writable && (shadow = malloc(span)) == NULL) {
		free(buf);
		return -1;
	}
	if (pread_all(mf->fd, buf, span, start) < 0) {
		int saved = errno;

		/* No bytes where the size said: the file shrank. */
		if (saved == EIO)
			mf->faulted = 1;
		free(buf);
		free(shadow);
		errno = saved;
		return -1;
	}
	if (shadow != NULL)
		memcpy(shadow, buf, span);
	mf->buffered = 1;
	mf->shadow = shadow;
	mf->map_base = buf;
	return 0;
}

/* Write back the bytes of a buffered mapping that differ from the copy
 * read (only those: a byte stored again could undo another writer's). */
static int flush_buffered(struct mapfile *mf)
{
	const unsigned char *b = mf->map_base;
	/* The file offset of b[0]. */
	uint64_t base_off = mf->base + mf->data_off - (uint64_t)(mf->data - b);
	size_t i = 0;

	if (mf->shadow == NULL)
		return 0;
	while (i < mf->map_len) {
		size_t j = i;

		if (b[i] == mf->shadow[i]) {
			i++;
			continue;
		}
		while (j < mf->map_len && b[j] != mf->shadow[j])
			j++;
		if (pwrite_all(mf->fd, b + i, j - i, base_off + i) < 0)
			return -1;
		memcpy(mf->shadow + i, b + i, j - i);
		i = j;
	}
	return 0;
}

int mapfile_map(struct mapfile *mf, uint64_t off, size_t len)
{
	uint64_t start, span;
	int prot = PROT_READ;
	void *p;

	if (mapfile_unmap(mf) < 0)
		return -1;
	if (mf->kind == MF_STREAM || off > mf->size || len > mf->size - off) {
		errno = EINVAL;
		return -1;
	}
	if (len == 0)
		return 0;
	/* The range lies inside the file, which ends by OFF_MAX: base + off
	 * cannot wrap. */
	off += mf->base;
	start = off - off % page_size();
	span = off - start + len;
	if (span > SIZE_MAX) {
		errno = ENOMEM;
		return -1;
	}
	if (mf->writable)
		prot |= PROT_WRITE;
	p = sys.mmap(NULL, (size_t)span, prot, MAP_SHARED, mf->fd,
		     (off_t)start);
	if (p == MAP_FAILED) {
		if (errno != EOVERFLOW || map_buffered(mf, start,
						       (size_t)span) < 0)
			return -1;
	} else {
		mf->map_base = p;
	}
	mf->map_len = (size_t)span;
	mf->data = (unsigned char *)mf->map_base + (off - start);
	mf->data_off = off - mf->base;
	mf->data_len = len;
	/* A test changes the file here, with the window mapped and nothing
	 * stored yet, then lets the process go on (SIGCONT). */
	if (mf->writable && mf->test_stop)
		raise(SIGSTOP);
	return 0;
}

int mapfile_unmap(struct mapfile *mf)
{
	int rc = 0;

	if (mf->buffered) {
		if (mf->writable)
			rc = flush_buffered(mf);
		free(mf->map_base);
		free(mf->shadow);
	} else if (mf->map_base != NULL) {
		rc = sys.munmap(mf->map_base, mf->map_len);
	}
	mf->buffered = 0;
	mf->shadow = NULL;
	mf->map_base = NULL;
	mf->map_len = 0;
	mf->data = NULL;
	mf->data_off = 0;
	mf->data_len = 0;
	return rc < 0 ? -1 : 0;
}

int mapfile_sync(struct mapfile *mf)
{
	if (mf->map_base == NULL)
		return 0;
	if (mf->buffered)
		return flush_buffered(mf) < 0 ? -1 : mapfile_fsync(mf);
	return sys.msync(mf->map_base, mf->map_len, MS_SYNC) < 0 ? -1 : 0;
}

int mapfile_fsync(struct mapfile *mf)
{
	int rc;

	do
		rc = sys.fsync(mf->fd);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -1 : 0;
}

int mapfile_resize(struct mapfile *mf, uint64_t size)
{
	int rc;

	if (size > OFF_MAX) {
		errno = EFBIG;
		return -1;
	}
	do
		rc = sys.ftruncate(mf->fd, (off_t)size);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	mf->size = size;
	return 0;
}

int mapfile_allocate(struct mapfile *mf, uint64_t off, uint64_t len)
{
	int rc;

	if (off > OFF_MAX || len > OFF_MAX - off) {
		errno = EFBIG;
		return -1;
	}
	if (len == 0)
		return 0;
	do
		rc = sys.posix_fallocate(mf->fd, (off_t)off, (off_t)len);
	while (rc == EINTR);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	if (off + len > mf->size)
		mf->size = off + len;
	return 0;
}

/*
 * Could [LO, HI), inside the file, hold a hole?  Only a file with fewer
 * blocks than bytes can, and then only where lseek(SEEK_HOLE) finds one.
 * Both are asked because some filesystems (ext2, through the generic
 * lseek) report no holes at all.  When in doubt, yes.
 */
static int may_hold_holes(struct mapfile *mf, uint64_t lo, uint64_t hi)
{
	struct stat st;

	if (sys.fstat(mf->fd, &st) < 0 || st.st_size < 0 || st.st_blocks < 0 ||
	    (uint64_t)st.st_blocks < ((uint64_t)st.st_size + 511) / 512)
		return 1;
#if defined(SEEK_HOLE)
	{
		off_t h = sys.lseek(mf->fd, (off_t)lo, SEEK_HOLE);

		return h < 0 || (uint64_t)h < hi;
	}
#else
	(void)lo;
	(void)hi;
	return 1;
#endif
}

int mapfile_reserve(struct mapfile *mf, uint64_t off, uint64_t len)
{
	int rc;

	if (off > OFF_MAX || len > OFF_MAX - off) {
		errno = EFBIG;
		return -1;
	}
	/* A block device has its blocks. */
	if (len == 0 || mf->kind != MF_REGULAR)
		return 0;
	if (off + len <= mf->size && !may_hold_holes(mf, off, off + len))
		return 0;
#if defined(FALLOC_FL_KEEP_SIZE)
	do
		rc = sys.fallocate(mf->fd, FALLOC_FL_KEEP_SIZE, (off_t)off,
				   (off_t)len);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -1 : 0;
#else
	/* posix_fallocate grows a file: inside the size only. */
	if (off + len > mf->size) {
		errno = EOPNOTSUPP;
		return -1;
	}
	do
		rc = sys.posix_fallocate(mf->fd, (off_t)off, (off_t)len);
	while (rc == EINTR);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
#endif
}

/* Pages written back at a time by mapfile_prefill. */
#define PREFILL_CHUNK (64u << 10)

int mapfile_prefill(struct mapfile *mf, uint64_t off, uint64_t len)
{
	uint64_t pos, end;
	unsigned char *buf;

	if (mf->kind != MF_REGULAR || len == 0 || off >= mf->size)
		return 0;
	/* Whole pages (inside the file): a store dirties the page, not
	 * just its bytes.  Sizes end by 2^63-1, so rounding cannot wrap. */
	end = len > mf->size - off ? mf->size : off + len;
	if (end % page_size() != 0)
		end += page_size() - end % page_size();
	if (end > mf->size)
		end = mf->size;
	pos = off - off % page_size();
	buf = malloc(PREFILL_CHUNK);
	if (buf == NULL)
		return -1;
	while (pos < end) {
		size_t n = end - pos < PREFILL_CHUNK ? (size_t)(end - pos) :
			   PREFILL_CHUNK;
		ssize_t r;

		do
			r = sys.pread(mf->fd, buf, n, (off_t)pos);
		while (r < 0 && errno == EINTR);
		/* Ended early: the file shrank, which the caller's look at
		 * the size finds. */
		if (r == 0)
			break;
		if (r < 0 || pwrite_all(mf->fd, buf, (size_t)r, pos) < 0) {
			free_keep_errno((char *)buf);
			return -1;
		}
		pos += (uint64_t)r;
	}
	free(buf);
	return 0;
}

/* Is the size still WANT?  Another program may have changed it. */
static int size_is(struct mapfile *mf, uint64_t want)
{
	if (mapfile_refresh(mf) < 0)
		return -1;
	if (mf->size == want)
		return 0;
	mf->resized_by_other = 1;
	errno = EAGAIN;
	return -1;
}

/* Spans clipped to SIZE: [*lo, *hi), empty when *lo >= *hi. */
static void clip_span(const struct mapfile_span *s, uint64_t size,
		      uint64_t *lo, uint64_t *hi)
{
	*lo = s->off;
	*hi = s->end < size ? s->end : size;
}

int mapfile_prepare(struct mapfile *mf, const struct mapfile_span *spans,
		    size_t n, uint64_t new_size)
{
	uint64_t old = mf->size, lo, hi;
	int prefill = 0;

	mf->resized_by_other = 0;
	if (new_size < old) {
		errno = EINVAL;
		return -1;
	}
	/* Last span first: those past the end, where ENOSPC and EFBIG
	 * mostly arise, fail before any work inside the file. */
	for (size_t i = n; i-- > 0 && !prefill;) {
		clip_span(&spans[i], new_size, &lo, &hi);
		if (lo >= hi || mapfile_reserve(mf, lo, hi - lo) == 0)
			continue;
		if (errno != EOPNOTSUPP && errno != EINVAL &&
		    errno != ENODEV && errno != ENOSYS)
			return -1;
		prefill = 1;
	}
	if (size_is(mf, old) < 0)
		return -1;
	if (new_size > old && mapfile_resize(mf, new_size) < 0)
		return -1;
	if (!prefill)
		return 0;
	for (size_t i = 0; i < n; i++) {
		clip_span(&spans[i], new_size, &lo, &hi);
		if (lo < hi && mapfile_prefill(mf, lo, hi - lo) < 0) {
			int saved = errno;

			/* Nothing was stored: give back what we grew. */
			if (new_size > old && mapfile_refresh(mf) == 0 &&
			    mf->size == new_size)
				mapfile_resize(mf, old);
			errno = saved;
			return -1;
		}
	}
	return size_is(mf, new_size);
}

int mapfile_read(struct mapfile *mf, void *buf, size_t n, size_t *got)
{
	ssize_t r;

	*got = 0;
	if (n == 0)
		return 0;
	if (mf->have_probe) {
		*(unsigned char *)buf = mf->probe;
		mf->have_probe = 0;
		mf->stream_pos++;
		*got = 1;
		return 0;
	}
	do
		r = sys.read(mf->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	*got = (size_t)r;
	mf->stream_pos += (uint64_t)r;
	return 0;
}

/* The walk over a stream: skip OFF bytes by reading, then LEN bytes. */
static int walk_stream(struct mapfile *mf, uint64_t off, uint64_t len,
		       mapfile_walk_fn fn, void *ctx)
{
	size_t chunk = mf->window && mf->window < STREAM_CHUNK ? mf->window :
		       STREAM_CHUNK;
	unsigned char *buf = malloc(chunk);
	uint64_t pos = 0;
	int rc = 0;

	if (buf == NULL)
		return -1;
	while (len > 0) {
		size_t want = chunk, got;
		size_t skip;

		if (pos < off && off - pos < want)
			want = (size_t)(off - pos);
		else if (pos >= off && len < want)
			want = (size_t)len;
		if (mapfile_read(mf, buf, want, &got) < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		skip = 0;
		if (pos < off)
			skip = off - pos < got ? (size_t)(off - pos) : got;
		pos += got;
		if (got > skip) {
			rc = fn(ctx, buf + skip, got - skip, pos - got + skip);
			len -= got - skip;
			if (rc != 0)
				break;
		}
	}
	if (rc == -1) {
		int saved = errno;

		free(buf);
		errno = saved;
		return -1;
	}
	free(buf);
	return rc;
}

/*
 * The SIGBUS guard.  Guards nest (a walk over one mapped file whose
 * callback guards another mapping): each frame lives on its caller's stack
 * and links to the one it shadows.  The handler jumps to the innermost
 * frame whose mapping holds the faulting address; mmtool is single-threaded.
 */
struct guard_frame {
	sigjmp_buf env;
	uintptr_t lo, hi;
	struct guard_frame *outer;
};

static struct guard_frame *volatile guard_top;

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct guard_frame *g;
	struct sigaction dfl;

	(void)uctx;
	for (g = guard_top; g != NULL; g = g->outer)
		if (addr >= g->lo && addr < g->hi)
			siglongjmp(g->env, 1);
	/* Not a fault of ours: returning re-runs the access, which then
	 * ends the process as it would have without us. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
}

int mapfile_guard(struct mapfile *mf, int (*fn)(void *ctx), void *ctx)
{
	struct sigaction sa, old;
	struct guard_frame frame;
	int rc;

	if (mf->map_base == NULL)
		return fn(ctx);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) < 0)
		return -1;
	frame.lo = (uintptr_t)mf->map_base;
	frame.hi = frame.lo + mf->map_len;
	frame.outer = guard_top;
	/* sigsetjmp(env, 1) saves the signal mask, so the jump out of the
	 * handler unblocks SIGBUS again; plain setjmp would leave it blocked
	 * and the next fault would kill.  A jump here from a fault in an
	 * inner frame's callback drops those frames too. */
	if (sigsetjmp(frame.env, 1) != 0) {
		guard_top = frame.outer;
		sigaction(SIGBUS, &old, NULL);
		mf->faulted = 1;
		errno = EIO;
		return -1;
	}
	guard_top = &frame;
	rc = fn(ctx);
	guard_top = frame.outer;
	sigaction(SIGBUS, &old, NULL);
	return rc;
}

int mapfile_lock(struct mapfile *mf)
{
	struct flock fl;
	int rc;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;		/* to the end, however far it grows */
	do
		rc = sys.fcntl_lock(mf->fd, F_SETLKW, &fl);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	/* Another writer may have changed the size while we waited. */
	return mapfile_refresh(mf);
}

int mapfile_refresh(struct mapfile *mf)
{
	struct stat st;
	off_t end;

	switch (mf->kind) {
	case MF_REGULAR:
		if (sys.fstat(mf->fd, &st) < 0)
			return -1;
		mf->size = size_from_base(mf, st.st_size);
		return 0;
	case MF_BLOCK:
		end = sys.lseek(mf->fd, 0, SEEK_END);
		if (end < 0)
			return -1;
		mf->size = size_from_base(mf, end);
		return 0;
	case MF_STREAM:
		break;
	}
	return 0;
}

/*
 * Where the data lies, as the walk learns it: [data_lo, data_hi) is the
 * next run of data at or after the walk's position (data_lo > pos: a hole
 * comes first).  With holes 0 the system cannot say, and all is data.
 */
struct extents {
	int holes;		/* ask lseek(SEEK_DATA/SEEK_HOLE) */
	uint64_t data_lo, data_hi;
};

/*
 * The longest hole handed over in one call.  After each, the size is
 * checked: a file that shrinks under a long hole is noticed, as a fault
 * would notice it in data, after at most this many zeros.  A callback
 * that squeezes zeros (hexdump -C, find) spends next to nothing per call,
 * so the call count is what a huge hole costs: 1 TiB a call walks the
 * largest file, 8 EiB, in 2^23 calls (seconds), where 64 MiB would take
 * 2^37 (a day).  A 32-bit size_t holds less.
 */
#if SIZE_MAX > 0xffffffffu
#define HOLE_CALL_MAX ((size_t)1 << 40)
#else
#define HOLE_CALL_MAX ((size_t)1 << 30)
#endif

/*
 * Learn the run of data at or after POS (< END, the walk's end).  Any
 * answer but ENXIO (EINVAL: a system or filesystem that cannot say) turns
 * the lookups off: the rest is walked as data, byte by byte.  ENXIO means
 * no data after POS: a hole to the end, unless the file shrank under us
 * (then -1 with errno EIO and mf->faulted set, as a SIGBUS would).
 */
static int find_data(struct mapfile *mf, struct extents *ex, uint64_t pos,
		     uint64_t end)
{
#ifdef SEEK_DATA
	off_t d, h;
	struct stat st;

	/*
	 * The last page below 2^63 is taken for data whatever lseek says:
	 * Linux computes its page index past the largest offset and finds no
	 * data there (tmpfs: ENXIO for a page poke just wrote).
	 */
	uint64_t last = OFF_MAX + 1 - page_size() > mf->base ?
			OFF_MAX + 1 - page_size() - mf->base : 0;

	if (ex->holes && pos >= last) {
		ex->data_lo = pos;
		ex->data_hi = end;
		return 0;
	}
	if (ex->holes) {
		/* lseek speaks in file offsets, the walk from mf->base. */
		d = sys.lseek(mf->fd, (off_t)(pos + mf->base), SEEK_DATA);
		if (d < 0 && errno == ENXIO) {
			if (sys.fstat(mf->fd, &st) == 0 &&
			    size_from_base(mf, st.st_size) < end) {
				mf->faulted = 1;
				errno = EIO;
				return -1;
			}
			ex->data_lo = end > last ? last : end;
			ex->data_hi = end;
			return 0;
		}
		if (d >= 0 && (uint64_t)d > last + mf->base)
			d = (off_t)(last + mf->base);
		h = d < 0 ? -1 : sys.lseek(mf->fd, d, SEEK_HOLE);
		if (h >= 0) {
			/* Back to offsets from base (d >= pos + base). */
			d = (off_t)size_from_base(mf, d);
			h = (off_t)size_from_base(mf, h);
			ex->data_lo = (uint64_t)d < pos ? pos : (uint64_t)d;
			ex->data_hi = (uint64_t)h;
			if (ex->data_lo > end)
				ex->data_lo = end;
			if (ex->data_hi > end || ex->data_hi <= ex->data_lo)
				ex->data_hi = end;
			return 0;
		}
		ex->holes = 0;
	}
#else
	(void)mf;
#endif
	ex->data_lo = pos;
	ex->data_hi = end;
	return 0;
}

/* A walk in progress over a mapped file. */
struct walk {
	struct mapfile *mf;
	mapfile_walk_fn fn;
	void *ctx;
	struct extents ex;
	uint64_t pos, end;	/* the next byte to hand over; the range's end */
	uint64_t wend;		/* end of the window mapped at mf->data */
	int rc;			/* FN's non-zero value, or -1 */
};

/*
 * Hand over the hole [w->pos, HEND) in calls of at most HOLE_CALL_MAX,
 * checking after each that the file still holds it.  0, or -1 with w->rc
 * FN's non-zero value, or -1 with errno EIO and mf->faulted set.
 */
static int give_hole(struct walk *w, uint64_t hend)
{
	struct stat st;

	while (w->pos < hend) {
		uint64_t n = hend - w->pos;

		if (n > HOLE_CALL_MAX)
			n = HOLE_CALL_MAX;
		w->rc = w->fn(w->ctx, NULL, (size_t)n, w->pos);
		w->pos += n;
		if (w->rc != 0)
			return -1;
		if (sys.fstat(w->mf->fd, &st) == 0 &&
		    size_from_base(w->mf, st.st_size) < w->pos) {
			w->mf->faulted = 1;
			errno = EIO;
			w->rc = -1;
			return -1;
		}
	}
	return 0;
}

/*
 * Guarded: hand over the data and holes of the mapped window from w->pos
 * (in data) to w->wend, stopping early at a hole that runs past the
 * window (the walk hands that over unmapped).  0, or -1 with w->rc set.
 */
static int walk_window(void *arg)
{
	struct walk *w = arg;
	struct mapfile *mf = w->mf;

	for (;;) {
		uint64_t dend = w->ex.data_hi < w->wend ? w->ex.data_hi :
			       w->wend;

		errno = 0;
		w->rc = w->fn(w->ctx, mf->data + (w->pos - mf->data_off),
			      (size_t)(dend - w->pos), w->pos);
		w->pos = dend;
		if (w->rc != 0) {
			/* A write(2) straight from the window meets the lost
			 * page as EFAULT where a load would raise SIGBUS:
			 * the same fault. */
			if (errno == EFAULT)
				mf->faulted = 1;
			return -1;
		}
		if (w->pos == w->wend)
			return 0;
		if (find_data(mf, &w->ex, w->pos, w->end) < 0) {
			w->rc = -1;
			return -1;
		}
		if (w->ex.data_lo >= w->wend)
			return 0;
		if (give_hole(w, w->ex.data_lo) < 0)
			return -1;
	}
}

/*
 * The walk over a mapped file.  Windows end on window-aligned offsets so
 * that each mmap covers whole pages and never overlaps the next one; a
 * window is mapped from its first byte of data, and one with no data is
 * not mapped at all.  HOLES 0: every byte is data (writers store there).
 */
static int walk_mapped(struct mapfile *mf, uint64_t off, uint64_t len,
		       mapfile_walk_fn fn, void *ctx, int holes)
{
	size_t window = mf->window;
	struct walk w;

	if (off >= mf->size)
		return 0;
	memset(&w, 0, sizeof(w));
	w.mf = mf;
	w.fn = fn;
	w.ctx = ctx;
	w.pos = off;
	w.end = len > mf->size - off ? mf->size : off + len;
	w.ex.holes = holes && mf->kind == MF_REGULAR;
	if (window < page_size())
		window = (size_t)page_size();
	window -= window % page_size();
	if (find_data(mf, &w.ex, w.pos, w.end) < 0)
		return -1;
	while (w.pos < w.end) {
		int rc;

		if (w.pos >= w.ex.data_hi &&
		    find_data(mf, &w.ex, w.pos, w.end) < 0)
			return -1;
		if (w.pos < w.ex.data_lo) {
			/* No mapping is held: a hole costs no page. */
			if (give_hole(&w, w.ex.data_lo) < 0)
				return w.rc;
			continue;
		}
		w.wend = w.pos - w.pos % window + window;
		if (w.wend > w.end)
			w.wend = w.end;
		if (mapfile_map(mf, w.pos, (size_t)(w.wend - w.pos)) < 0)
			return -1;
		if (!mf->buffered)
			posix_madvise(mf->map_base, mf->map_len,
				      POSIX_MADV_SEQUENTIAL);
		rc = mapfile_guard(mf, walk_window, &w);
		if (mf->faulted) {
			mapfile_unmap(mf);
			errno = EIO;
			return -1;
		}
		if (mapfile_unmap(mf) < 0)
			return -1;
		if (rc != 0)
			return w.rc;
	}
	return 0;
}

int mapfile_walk(struct mapfile *mf, uint64_t off, uint64_t len,
		 mapfile_walk_fn fn, void *ctx)
{
	if (mf->kind == MF_STREAM)
		return walk_stream(mf, off, len, fn, ctx);
	return walk_mapped(mf, off, len, fn, ctx, 1);
}

int mapfile_walk_all(struct mapfile *mf, uint64_t off, uint64_t len,
		     mapfile_walk_fn fn, void *ctx)
{
	if (mf->kind == MF_STREAM)
		return walk_stream(mf, off, len, fn, ctx);
	return walk_mapped(mf, off, len, fn, ctx, 0);
}

int mapfile_feed_zeros(mapfile_walk_fn fn, void *ctx, uint64_t n,
		       uint64_t offset)
{
	static const unsigned char zeros[64 << 10];

	while (n > 0) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		int rc = fn(ctx, zeros, k, offset);

		if (rc != 0)
			return rc;
		n -= k;
		offset += k;
	}
	return 0;
}

/* The file still reaches POS (a hole handed over was not cut off): 0, or
 * -1 with errno EIO and mf->faulted set, as a fault in data would. */
static int check_holds(struct mapfile *mf, uint64_t pos)
{
	struct stat st;

	if (sys.fstat(mf->fd, &st) == 0 &&
	    size_from_base(mf, st.st_size) < pos) {
		mf->faulted = 1;
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * One side of mapfile_walk2: the chunk of its file not yet handed to the
 * callback.  A mapped file holds one window at a time; a stream one
 * buffer, filled completely (or to its end) so that chunks stay large.
 */
struct walk_side {
	struct mapfile *mf;
	struct extents ex;	/* where the data lies (mapped files) */
	int in_hole;		/* the chunk at p is a hole (p NULL) */
	uint64_t pos;		/* file offset of p[0] */
	uint64_t end;		/* end of the range in this file */
	uint64_t skip;		/* streams: bytes still to skip by reading */
	const unsigned char *p;
	size_t n;		/* bytes left at p; 0: fetch the next chunk */
	unsigned char *buf;	/* streams */
	size_t cap;
	int eof;		/* streams: read(2) has returned 0 */
	int ended;
};

/* Map the next window, or read the next buffer.  0 (ended set at the
 * end), or -1 with errno. */
static int side_fetch(struct walk_side *s)
{
	struct mapfile *mf = s->mf;

	if (mf->kind != MF_STREAM) {
		size_t window = mf->window < page_size() ? (size_t)page_size()
							 : mf->window;
		uint64_t wend;

		window -= window % page_size();
		if (mapfile_unmap(mf) < 0)
			return -1;
		/* After a hole, as give_hole does: the file still holds it. */
		if (s->in_hole && check_holds(mf, s->pos) < 0)
			return -1;
		s->in_hole = 0;
		if (s->pos >= s->end) {
			s->ended = 1;
			return 0;
		}
		if (s->pos >= s->ex.data_hi &&
		    find_data(mf, &s->ex, s->pos, s->end) < 0)
			return -1;
		if (s->pos < s->ex.data_lo) {
			/* A hole: handed over unmapped, never read. */
			uint64_t n = s->ex.data_lo - s->pos;

			s->p = NULL;
			s->n = n > HOLE_CALL_MAX ? HOLE_CALL_MAX : (size_t)n;
			s->in_hole = 1;
			return 0;
		}
		/* Windows end on window-aligned offsets, as in mapfile_walk,
		 * or where the data does. */
		wend = s->pos - s->pos % window + window;
		if (wend > s->ex.data_hi)
			wend = s->ex.data_hi;
		if (mapfile_map(mf, s->pos, (size_t)(wend - s->pos)) < 0)
			return -1;
		if (!mf->buffered)
			posix_madvise(mf->map_base, mf->map_len,
				      POSIX_MADV_SEQUENTIAL);
		s->p = mf->data;
		s->n = mf->data_len;
		return 0;
	}
	s->n = 0;
	while (!s->eof && s->n < s->cap && s->pos + s->n < s->end) {
		size_t want = s->cap - s->n, got;

		if (s->skip > 0 && s->skip < want)
			want = (size_t)s->skip;
		else if (s->skip == 0 && s->end - (s->pos + s->n) < want)
			want = (size_t)(s->end - (s->pos + s->n));
		if (mapfile_read(mf, s->buf + s->n, want, &got) < 0)
			return -1;
		if (got == 0) {
			/* Not read again: a terminal would wait anew. */
			s->eof = 1;
			break;
		}
		if (s->skip > 0) {
			s->skip -= got;
			continue;
		}
		s->n += got;
	}
	s->p = s->buf;
	if (s->n == 0)
		s->ended = 1;
	return 0;
}

static int side_init(struct walk_side *s, struct mapfile *mf, uint64_t off,
		     uint64_t len)
{
	memset(s, 0, sizeof(*s));
	s->mf = mf;
	s->pos = off;
	if (mf->kind == MF_STREAM) {
		s->skip = off;
		s->end = len > UINT64_MAX - off ? UINT64_MAX : off + len;
		s->cap = mf->window && mf->window < STREAM_CHUNK ? mf->window
								 : STREAM_CHUNK;
		s->buf = malloc(s->cap);
		return s->buf == NULL ? -1 : 0;
	}
	if (off >= mf->size)
		s->end = off;
	else
		s->end = len > mf->size - off ? mf->size : off + len;
	s->ex.holes = mf->kind == MF_REGULAR;
	return s->end > off ? find_data(mf, &s->ex, off, s->end) : 0;
}

/* N bytes of S's chunk have been handed over. */
static void side_advance(struct walk_side *s, size_t n)
{
	if (s->ended)
		return;
	if (s->p != NULL)
		s->p += n;
	s->n -= n;
	s->pos += n;
}

/* The callback of one chunk, under the guards of both mappings. */
struct walk2_call {
	mapfile_walk2_fn fn;
	void *ctx;
	struct mapfile *inner;
	const unsigned char *a, *b;
	size_t na, nb;
	uint64_t off;
};

static int call_pair(void *arg)
{
	struct walk2_call *c = arg;

	return c->fn(c->ctx, c->a, c->na, c->b, c->nb, c->off);
}

static int call_guard_inner(void *arg)
{
	struct walk2_call *c = arg;

	return mapfile_guard(c->inner, call_pair, c);
}

int mapfile_walk2(struct mapfile *a, struct mapfile *b, uint64_t off,
		  uint64_t len, mapfile_walk2_fn fn, void *ctx)
{
	struct walk_side sa, sb;
	struct walk2_call call;
	int rc = 0, saved;

	if (side_init(&sa, a, off, len) < 0)
		return -1;
	if (side_init(&sb, b, off, len) < 0) {
		free(sa.buf);
		return -1;
	}
	call.fn = fn;
	call.ctx = ctx;
	call.inner = b;
	for (;;) {
		size_t n;

		if ((sa.n == 0 && !sa.ended && side_fetch(&sa) < 0) ||
		    (sb.n == 0 && !sb.ended && side_fetch(&sb) < 0)) {
			rc = -1;
			break;
		}
		if (sa.ended && sb.ended)
			break;
		n = sa.ended ? sb.n : sb.ended ? sa.n :
		    sa.n < sb.n ? sa.n : sb.n;
		call.a = sa.ended ? NULL : sa.p;
		call.na = sa.ended ? 0 : n;
		call.b = sb.ended ? NULL : sb.p;
		call.nb = sb.ended ? 0 : n;
		call.off = sa.ended ? sb.pos : sa.pos;
		rc = mapfile_guard(a, call_guard_inner, &call);
		if (a->faulted || b->faulted) {
			errno = EIO;
			rc = -1;
			break;
		}
		if (rc != 0)
			break;
		side_advance(&sa, n);
		side_advance(&sb, n);
	}
	saved = errno;
	if (mapfile_unmap(a) < 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (mapfile_unmap(b) < 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	free(sa.buf);
	free(sb.buf);
	errno = saved;
	return rc;
}

int mapfile_close(struct mapfile *mf)
{
	int rc = 0, saved = 0;

	if (mapfile_unmap(mf) < 0) {
		rc = -1;
		saved = errno;
	}
	if (mf->fd >= 0 && sys.close(mf->fd) < 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	mf->fd = -1;
	free(mf->created_path);
	mf->created_path = NULL;
	mf->created = 0;
	if (rc < 0)
		errno = saved;
	return rc;
}

int mapfile_close_discard(struct mapfile *mf)
{
	char *target = mf->created_path;
	struct stat ours, now;
	int rc, same = 0;

	/* Remove the name only while it leads to the file we made: another
	 * program may have replaced it since. */
	if (mf->created && mf->fd >= 0 && sys.fstat(mf->fd, &ours) == 0 &&
	    sys.lstat(target, &now) == 0)
		same = ours.st_dev == now.st_dev && ours.st_ino == now.st_ino;
	mf->created_path = NULL;
	rc = mapfile_close(mf);
	if (same && sys.unlink(target) < 0)
		rc = -1;
	free(target);
	return rc;
}

int mapfile_guard_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open returns the lowest free descriptor: this one. */
		nfd = sys.open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
		if (nfd < 0)
			return -1;
		if (nfd != fd) {
			close_keep_errno(nfd);
			errno = EBADF;
			return -1;
		}
	}
	return 0;
}
