/*
 * mapfile.h - the mapping layer.  The only code that calls open, fstat,
 * lstat, readlink, unlink, lseek, ftruncate, fallocate, mmap, msync,
 * munmap, fsync, read, pread, pwrite, fcntl and close on the user's files.
 *
 * It never prints and never exits: every function returns -1 with errno set
 * on failure, and the command reports.  Offsets are 64-bit everywhere
 * (the build defines _FILE_OFFSET_BITS=64; mapfile.c asserts off_t is 8).
 */
#ifndef MAPFILE_H
#define MAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>

enum mapfile_kind {
	MF_REGULAR,	/* a regular file: mapped */
	MF_BLOCK,	/* a block device: mapped; size from lseek(SEEK_END) */
	MF_STREAM	/* anything else, or a file whose size lies: read(2) */
};

/* Flags for mapfile_open. */
#define MF_READ   0	/* read only; streams allowed */
#define MF_WRITE  1	/* read-write, O_NONBLOCK: never hangs on a FIFO */
#define MF_CREATE 2	/* with MF_WRITE: create the file (mode 0666 & ~umask) */

/* A stretch [off, end) of a file, for mapfile_prepare. */
struct mapfile_span {
	uint64_t off, end;
};

/* Bytes per window in mapfile_walk unless mf->window is changed. */
#define MAPFILE_WINDOW (4u << 20)

struct mapfile {
	int fd;			/* -1 when closed */
	int writable;
	enum mapfile_kind kind;
	uint64_t size;		/* bytes from base to the end of the file; 0 and
				 * meaningless for streams */
	uint64_t base;		/* file offset of byte 0: where an adopted
				 * descriptor stood (0 for a path).  Every
				 * offset below and in the API counts from it */
	mode_t mode;		/* st_mode from fstat */

	/* The current mapping (at most one); all zero/NULL when none. */
	void *map_base;		/* page-aligned start returned by mmap */
	size_t map_len;		/* bytes mapped from map_base */
	unsigned char *data;	/* first requested byte inside the mapping */
	uint64_t data_off;	/* file offset of data[0] */
	size_t data_len;	/* bytes requested */

	/* Streams: a byte read ahead by the size probe, and bytes consumed. */
	int have_probe;
	unsigned char probe;
	uint64_t stream_pos;

	size_t window;		/* window size for mapfile_walk (multiple of page) */
	int test_stop;		/* tests only: SIGSTOP after mapping a window
				 * for writing (see apply_test_window) */

	/* Set when a guarded access to the mapping raised SIGBUS: the file
	 * shrank (or a write hit a hole on a full disk) under the mapping. */
	int faulted;

	/* Set when mapfile_open (MF_CREATE) made the file with O_EXCL: it
	 * did not exist, and created_path names it (the target, when the
	 * path was a dangling symbolic link). */
	int created;
	char *created_path;

	/* The current "mapping" is a buffer read with pread instead (mmap
	 * refused the range with EOVERFLOW: the last page below 2^63).  A
	 * writer's buffer keeps a copy as read (shadow), and the bytes
	 * that differ from it are written back with pwrite by mapfile_sync
	 * and mapfile_unmap. */
	int buffered;
	unsigned char *shadow;

	/* Set when mapfile_prepare found the size changed by another
	 * program (one that does not take the lock) while it reserved. */
	int resized_by_other;
};

/*
 * Open PATH.  MF_READ opens O_RDONLY (blocking, so a FIFO waits for its
 * writer); MF_WRITE opens O_RDWR|O_NONBLOCK.  With MF_CREATE a missing
 * file is created with O_CREAT|O_EXCL, so that mf->created means this
 * process made it (another creator racing us wins, and its file is then
 * opened as an existing one); a dangling symbolic link is followed and
 * its target created, as truncate(1) does.  All opens use O_CLOEXEC.  Then fstat decides the kind: regular files and
 * block devices are MF_REGULAR/MF_BLOCK with their size; everything else is
 * MF_STREAM, and so is a regular file whose size lies (on /proc or /sys, or
 * an empty-looking file that read(2) finds bytes in; such a byte is kept in
 * mf->probe and handed out first).
 * Success: 0, mf filled, nothing mapped.  A writer on a file that is not
 * MF_REGULAR or MF_BLOCK still succeeds: the command refuses it by kind.
 * Failure: -1, errno from the failing call (EISDIR for a directory), mf->fd
 * is -1 and no descriptor is left open.
 */
int mapfile_open(struct mapfile *mf, const char *path, int flags);

/*
 * As mapfile_open(MF_READ) for the already open descriptor FD (standard
 * input: "-"), which mf now owns: mapfile_close closes it.  A regular file
 * or block device is read from FD's current position, as cat and xxd read
 * it: mf->base is that position, offset 0 of the walk and of mapfile_map
 * is the byte there, and mf->size counts the bytes from there to the end
 * (0 when the position is past the end).  A stream goes on from where it
 * is anyway.
 * Success: 0.  Failure: -1, errno, FD left open and mf->fd -1.
 */
int mapfile_adopt(struct mapfile *mf, int fd);

/*
 * Map exactly the pages that cover [OFF, OFF+LEN) (OFF aligned down to the
 * page size), replacing any earlier mapping.  Writers map PROT_READ|WRITE,
 * MAP_SHARED.  The caller has checked that the range lies inside mf->size.
 * Where mmap refuses the range with EOVERFLOW (Linux cannot map the last
 * page below 2^63), the pages are read into a buffer with pread instead
 * (mf->buffered) and a writer's changes go back with pwrite when the
 * mapping is synced or dropped; the caller sees no difference.
 * Success: 0, mf->data points at byte OFF, data_off/data_len are OFF/LEN.
 * LEN 0 calls no mmap (a zero-length mmap is EINVAL) and leaves data NULL.
 * Failure: -1, errno set (EINVAL for a range outside the file or a stream;
 * EIO with mf->faulted when a buffered read found the file shorter), and
 * no mapping is held.
 */
int mapfile_map(struct mapfile *mf, uint64_t off, size_t len);

/*
 * Drop the current mapping, if any (a writer's buffered one is written
 * back first).  Success: 0.  Failure: -1 with errno from munmap or
 * pwrite; the mapping fields are cleared either way.
 */
int mapfile_unmap(struct mapfile *mf);

/*
 * msync(MS_SYNC) the pages of the current mapping that cover the requested
 * range (a buffered one: pwrite what changed, then fsync).  No mapping: 0.
 * Failure: -1, errno from msync, pwrite or fsync (EIO: data lost).
 */
int mapfile_sync(struct mapfile *mf);

/* fsync the descriptor (after a size change).  0, or -1 with errno. */
int mapfile_fsync(struct mapfile *mf);

/*
 * Set the file's size with ftruncate; mf->size follows.  The caller has
 * decided whether data may go.  Failure: -1, errno, size unchanged.
 */
int mapfile_resize(struct mapfile *mf, uint64_t size);

/*
 * Reserve blocks for [OFF, OFF+LEN) with posix_fallocate (which may grow
 * the file; mf->size follows).  Failure: -1, errno (ENOSPC, EFBIG,
 * EOPNOTSUPP...); the caller restores the old size if it must.
 */
int mapfile_allocate(struct mapfile *mf, uint64_t off, uint64_t len);

/*
 * Reserve blocks for [OFF, OFF+LEN) without changing the file's size
 * (fallocate with FALLOC_FL_KEEP_SIZE; past the end too), so that stores
 * through a mapping cannot fault for lack of space.  A range inside the
 * file that holds no hole (lseek SEEK_HOLE, and st_blocks covering the
 * size) is left alone: fallocate would stamp the mtime for nothing.
 * Failure: -1, errno (ENOSPC...; EOPNOTSUPP where the filesystem or the
 * system cannot reserve: ext2, vfat past the end, no FALLOC_FL_KEEP_SIZE,
 * which mapfile_prepare answers with mapfile_prefill).  Size unchanged.
 */
int mapfile_reserve(struct mapfile *mf, uint64_t off, uint64_t len);

/*
 * Where blocks cannot be reserved: give the pages that cover [OFF,
 * OFF+LEN), clipped to mf->size, their blocks by writing each page's
 * bytes back as pread finds them (a hole's zeros), a chunk of pages at a
 * time, stopping at the first error.  No byte changes, so a failure half
 * way (ENOSPC) leaves the file as it was.  0, or -1 with errno.
 */
int mapfile_prefill(struct mapfile *mf, uint64_t off, uint64_t len);

/*
 * Make a write into the pages of SPANS (N of them, in order, clipped to
 * NEW_SIZE) safe, and grow the file to NEW_SIZE (>= mf->size): reserve the
 * blocks (mapfile_reserve, last span first), check that the size is still
 * the one the caller checked against (another program may have truncated
 * the file; the lock holds back only mmtool's writers), grow with
 * ftruncate, and where the filesystem cannot reserve, grow first and
 * prefill (mapfile_prefill).  Nothing grows the file past mf->size but
 * the ftruncate to NEW_SIZE.
 * Success: 0, mf->size == NEW_SIZE.  Failure: -1 with errno, and the file
 * has its old size again; or, when another program changed the size,
 * -1 with mf->resized_by_other set and mf->size as that program left it
 * (which is not ours to undo).
 */
int mapfile_prepare(struct mapfile *mf, const struct mapfile_span *spans,
		    size_t n, uint64_t new_size);

/*
 * Read up to N bytes of a stream (the probe byte first).  Retries EINTR.
 * Success: 0 and *got bytes (0 at end of stream).  Failure: -1, errno.
 */
int mapfile_read(struct mapfile *mf, void *buf, size_t n, size_t *got);

/*
 * Walk [OFF, OFF+LEN) in order, calling FN(CTX, p, n, offset) on
 * consecutive chunks (offset is the file offset of p[0]).  LEN may be
 * UINT64_MAX for "to the end".  Regular files and block devices are mapped
 * one window (mf->window bytes) at a time and unmapped as the walk goes, so
 * memory stays bounded; the range is clipped to mf->size.  Streams skip OFF
 * bytes by reading, then read the rest into a bounded buffer.
 *
 * Holes.  A regular file's data is found with lseek(SEEK_DATA/SEEK_HOLE),
 * and a hole is handed over as p == NULL: N zero bytes at OFFSET, never
 * mapped, read or faulted in (so reading a sparse file allocates no page
 * and no tmpfs space for it).  FN must treat it as N zero bytes without
 * allocating per byte: N may be terabytes.  A hole may come in several
 * consecutive calls (a size_t holds each), may start or end anywhere
 * (also inside a window, and filesystems report holes at block
 * granularity, so some zeros come as data), and data and holes alternate
 * in any pattern; the output of a caller must not depend on where they
 * fall.  Where the system or filesystem cannot say (no SEEK_DATA; EINVAL),
 * every byte is handed over as data, as from a file without holes.
 * Streams and block devices never have holes.
 *
 * FN returns 0 to go on; any other value stops the walk.
 * FN runs under mapfile_guard while a window is mapped: if the file
 * shrinks under the walk (a fault in the window, or the data lookup finds
 * the file shorter than the range), the walk returns -1 with errno EIO and
 * mf->faulted set.  So does an FN that gave up on a window's bytes with
 * errno EFAULT: a write(2) straight from the mapping meets a lost page so
 * (errno is cleared before each call, so only FN's own EFAULT counts).
 * Returns 0 after the whole range, FN's non-zero value if it stopped the
 * walk, or -1 with errno on an I/O or mapping error (nothing mapped then).
 */
typedef int (*mapfile_walk_fn)(void *ctx, const unsigned char *p, size_t n,
			       uint64_t offset);
int mapfile_walk(struct mapfile *mf, uint64_t off, uint64_t len,
		 mapfile_walk_fn fn, void *ctx);

/*
 * As mapfile_walk, but holes are mapped and handed over as data like every
 * other byte (p is never NULL), one call per window, with mf->data == p:
 * for writers, which store through the window (into holes too, after
 * reserving blocks).
 */
int mapfile_walk_all(struct mapfile *mf, uint64_t off, uint64_t len,
		     mapfile_walk_fn fn, void *ctx);

/*
 * For a walk callback with no faster way to take a hole: call FN(CTX, z,
 * k, offset) on N zero bytes at OFFSET, in chunks of at most 64 KiB from a
 * static block of zeros (cost follows N: fine for holes a caller holds in
 * memory anyway).  Returns 0, or FN's first non-zero value.
 */
int mapfile_feed_zeros(mapfile_walk_fn fn, void *ctx, uint64_t n,
		       uint64_t offset);

/*
 * Walk [OFF, OFF+LEN) of two files together, as diff compares them:
 * FN(CTX, a, na, b, nb, offset) is called on consecutive chunks at the
 * same OFFSET of both.  While both files have bytes there, na == nb; once
 * one of them has ended (its size, the end of its stream, or OFF+LEN), its
 * pointer is NULL and its count 0, and only the other goes on.  Each file
 * is walked as mapfile_walk walks it (one window mapped at a time, or a
 * stream read into a bounded buffer, skipping OFF bytes by reading), so
 * memory stays flat whatever the sizes.  The two files' windows need not
 * line up: a chunk ends where either window ends.
 * A hole of a regular file (lseek SEEK_DATA/SEEK_HOLE, as mapfile_walk
 * asks) is handed over as a NULL pointer with a count above 0: that many
 * zero bytes, neither mapped nor read; a hole against a hole is two NULL
 * pointers, which compare equal without touching either file.
 * Each FN call runs under the guards of both mappings: if either file
 * shrinks under its window, the walk returns -1 with errno EIO and that
 * file's faulted set.  After the walk, a stream's stream_pos says where
 * it ended.
 * Returns 0 after the whole range, FN's non-zero value if it stopped the
 * walk, or -1 with errno on an I/O or mapping error (nothing mapped then).
 */
typedef int (*mapfile_walk2_fn)(void *ctx, const unsigned char *a, size_t na,
				const unsigned char *b, size_t nb,
				uint64_t offset);
int mapfile_walk2(struct mapfile *a, struct mapfile *b, uint64_t off,
		  uint64_t len, mapfile_walk2_fn fn, void *ctx);

/*
 * Run FN(CTX) with the current mapping guarded: if touching it raises
 * SIGBUS (the file was truncated under the mapping, or a store into a hole
 * found no space), the fault is caught, mf->faulted is set and -1 is
 * returned with errno EIO.  FN must not call stdio or malloc while it
 * touches the mapping (the jump out may land in the middle of it).  A
 * SIGBUS at any other address keeps its default action.  Guards nest: a
 * fault in an outer guard's mapping, taken inside an inner guard, unwinds
 * to the outer one (which reports it).
 * Returns FN's value otherwise.  mapfile_walk guards its callback this way.
 */
int mapfile_guard(struct mapfile *mf, int (*fn)(void *ctx), void *ctx);

/*
 * Read the size of a regular file or block device again from its open
 * descriptor (another process may have resized it).  0 with mf->size
 * current, or -1 with errno and mf->size unchanged.  Streams: 0, no-op.
 */
int mapfile_refresh(struct mapfile *mf);

/*
 * Take a whole-file write lock (fcntl F_SETLKW, waiting for other mmtool
 * writers) so that two writers never interleave a resize with a write,
 * then re-read the size (another writer may have changed it meanwhile).
 * The lock goes with mapfile_close.  0, or -1 with errno.
 */
int mapfile_lock(struct mapfile *mf);

/*
 * Unmap, then close.  Returns 0 when every step succeeded, else -1 with the
 * errno of the first failure (a failed munmap or close after writing means
 * the write may not have landed).  mf->fd is -1 afterwards either way.
 */
int mapfile_close(struct mapfile *mf);

/*
 * Make sure descriptors 0, 1 and 2 are open, opening /dev/null on any that
 * is closed, so that no file mmtool opens later lands there (a message on
 * stderr would otherwise be written into the user's file).  Call first in
 * main.  0, or -1 with errno.
 */
int mapfile_guard_std_fds(void);

/*
 * For a command that fails after mapfile_open created the file: close it
 * as mapfile_close does and, if mf->created, remove the file again (the
 * target, when the path was a dangling symbolic link), so that a failed
 * command leaves no file where there was none.  The file is removed only
 * while the name still leads to the file this process created.  0, or -1
 * with errno.
 */
int mapfile_close_discard(struct mapfile *mf);

/*
 * The system calls used above, replaceable so that tests can force
 * failures (ENOSPC, EINVAL, EIO from msync, a failed munmap) and make up
 * holes (lseek SEEK_DATA/SEEK_HOLE) on any filesystem.  Production
 * code never calls mapfile_set_syscalls.  fallocate is Linux's, returning
 * -1 with errno (EOPNOTSUPP where the system has none).
 */
struct mapfile_syscalls {
	int (*open)(const char *path, int flags, mode_t mode);
	int (*fstat)(int fd, struct stat *st);
	off_t (*lseek)(int fd, off_t off, int whence);
	int (*ftruncate)(int fd, off_t size);
	int (*posix_fallocate)(int fd, off_t off, off_t len);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off);
	int (*msync)(void *addr, size_t len, int flags);
	int (*munmap)(void *addr, size_t len);
	int (*fsync)(int fd);
	ssize_t (*read)(int fd, void *buf, size_t n);
	int (*close)(int fd);
	int (*fcntl_lock)(int fd, int cmd, struct flock *lock);
	int (*fallocate)(int fd, int mode, off_t off, off_t len);
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
	ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
	int (*lstat)(const char *path, struct stat *st);
	ssize_t (*readlink)(const char *path, char *buf, size_t size);
	int (*unlink)(const char *path);
};

/* Replace the system calls (tests only); NULL restores the real ones.  The
 * table is copied; a NULL entry in it stands for the real call. */
void mapfile_set_syscalls(const struct mapfile_syscalls *sys);

/* The real system calls, for a test's wrapper to fall through to. */
extern const struct mapfile_syscalls mapfile_real_syscalls;

#endif
