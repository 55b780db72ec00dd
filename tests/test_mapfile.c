/*
 * test_mapfile.c - the mapping layer (mapfile.h) against its contracts.
 *
 * Every system call of the layer goes through counting wrappers installed
 * with mapfile_set_syscalls(), which fall through to mapfile_real_syscalls
 * unless a test has told one of them to fail (call number FROM and the N
 * calls after it fail with ERR).  So each test can assert how often mmap,
 * munmap, close... were called, with which arguments, and what the layer
 * does when one of them fails: ENOSPC, EINVAL, EIO from msync, a failed
 * munmap or close, EINTR to be retried.
 *
 * Children made by fork() leave with _exit(): exit() would run testutil's
 * atexit handler and remove the parent's temporary directory.
 */
/* SEEK_DATA and SEEK_HOLE: behind _GNU_SOURCE in glibc. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapfile.h"
#include "testutil.h"

static size_t ps;		/* the page size */

/* ---- the fake system call layer ---------------------------------------- */

/* Calls FROM .. FROM+N-1 (1-based) fail with ERR; FROM 0: none fails. */
struct inject {
	int from;
	int n;
	int err;
};

static struct fake {
	struct inject open_inj, fstat_inj, lseek_inj, ftruncate_inj,
		      fallocate_inj, mmap_inj, msync_inj, munmap_inj,
		      fsync_inj, read_inj, close_inj, keep_inj, pread_inj,
		      pwrite_inj;
	int open_calls, fstat_calls, lseek_calls, ftruncate_calls,
	    fallocate_calls, mmap_calls, msync_calls, munmap_calls,
	    fsync_calls, read_calls, close_calls, keep_calls, pread_calls,
	    pwrite_calls;

	/* fallocate (Linux's, FALLOC_FL_KEEP_SIZE) and pwrite */
	off_t keep_off, keep_len;
	off_t pwrite_off;
	size_t pwrite_len, pwrite_bytes;

	/* open */
	int open_flags;
	mode_t open_mode;
	int last_fd;		/* descriptor the last successful open gave */

	/* fstat: lie about the size (>= 0) or the file type (non-zero) */
	off_t fake_size;
	mode_t fake_type;

	/* lseek */
	off_t lseek_off;
	int lseek_whence;
	int seek_data_calls;	/* SEEK_DATA and SEEK_HOLE calls */
	/* Made-up holes: with nruns > 0 (or no_data), SEEK_DATA/SEEK_HOLE
	 * answer as if the file of ext_size bytes held data only in the
	 * runs [run_lo[i], run_hi[i]), in order and apart. */
	int nruns, no_data;
	off_t run_lo[8], run_hi[8], ext_size;

	/* mmap */
	void *mmap_ret;
	size_t mmap_len;
	off_t mmap_off;
	int mmap_prot, mmap_flags, mmap_fd;
	int mmap_unaligned;	/* an offset that was not page-aligned */
	size_t mmap_max_len;
	int live, max_live;	/* mappings held at once */

	/* msync */
	void *msync_addr;
	size_t msync_len;
	int msync_flags;

	/* munmap */
	void *munmap_addr;
	size_t munmap_len;
	int munmap_mismatch;	/* munmap of something mmap did not give */

	/* posix_fallocate, ftruncate */
	off_t falloc_off, falloc_len;
	off_t ftruncate_size;
} fk;

static int should_fail(const struct inject *in, int call)
{
	return in->from > 0 && call >= in->from && call < in->from + in->n;
}

static void fail_calls(struct inject *in, int from, int n, int err)
{
	in->from = from;
	in->n = n;
	in->err = err;
}

static int w_open(const char *path, int flags, mode_t mode)
{
	int fd;

	fk.open_calls++;
	fk.open_flags = flags;
	fk.open_mode = mode;
	if (should_fail(&fk.open_inj, fk.open_calls)) {
		errno = fk.open_inj.err;
		return -1;
	}
	fd = mapfile_real_syscalls.open(path, flags, mode);
	if (fd >= 0)
		fk.last_fd = fd;
	return fd;
}

static int w_fstat(int fd, struct stat *st)
{
	int rc;

	fk.fstat_calls++;
	if (should_fail(&fk.fstat_inj, fk.fstat_calls)) {
		errno = fk.fstat_inj.err;
		return -1;
	}
	rc = mapfile_real_syscalls.fstat(fd, st);
	if (rc == 0 && fk.fake_size >= 0)
		st->st_size = fk.fake_size;
	if (rc == 0 && fk.fake_type != 0)
		st->st_mode = (st->st_mode & ~(mode_t)S_IFMT) | fk.fake_type;
	return rc;
}

static off_t w_lseek(int fd, off_t off, int whence)
{
	fk.lseek_calls++;
	fk.lseek_off = off;
	fk.lseek_whence = whence;
	if (whence == SEEK_DATA || whence == SEEK_HOLE)
		fk.seek_data_calls++;
	if (should_fail(&fk.lseek_inj, fk.lseek_calls)) {
		errno = fk.lseek_inj.err;
		return -1;
	}
	if ((fk.nruns > 0 || fk.no_data) &&
	    (whence == SEEK_DATA || whence == SEEK_HOLE)) {
		if (off >= fk.ext_size) {
			errno = ENXIO;
			return -1;
		}
		for (int i = 0; i < fk.nruns; i++) {
			if (fk.run_hi[i] <= off)
				continue;
			if (whence == SEEK_DATA)
				return fk.run_lo[i] > off ? fk.run_lo[i] : off;
			return fk.run_lo[i] > off ? off : fk.run_hi[i];
		}
		if (whence == SEEK_DATA) {
			errno = ENXIO;
			return -1;
		}
		return off;
	}
	return mapfile_real_syscalls.lseek(fd, off, whence);
}

static int w_ftruncate(int fd, off_t size)
{
	fk.ftruncate_calls++;
	fk.ftruncate_size = size;
	if (should_fail(&fk.ftruncate_inj, fk.ftruncate_calls)) {
		errno = fk.ftruncate_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.ftruncate(fd, size);
}

/* posix_fallocate returns the error number and leaves errno alone: poison
 * errno so that a layer reading errno instead would be caught. */
static int w_fallocate(int fd, off_t off, off_t len)
{
	fk.fallocate_calls++;
	fk.falloc_off = off;
	fk.falloc_len = len;
	if (should_fail(&fk.fallocate_inj, fk.fallocate_calls)) {
		errno = EPERM;
		return fk.fallocate_inj.err;
	}
	return mapfile_real_syscalls.posix_fallocate(fd, off, len);
}

static void *w_mmap(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	void *p;

	fk.mmap_calls++;
	fk.mmap_len = len;
	fk.mmap_off = off;
	fk.mmap_prot = prot;
	fk.mmap_flags = flags;
	fk.mmap_fd = fd;
	if (off < 0 || (uint64_t)off % ps != 0)
		fk.mmap_unaligned = 1;
	if (len > fk.mmap_max_len)
		fk.mmap_max_len = len;
	if (should_fail(&fk.mmap_inj, fk.mmap_calls)) {
		errno = fk.mmap_inj.err;
		return MAP_FAILED;
	}
	p = mapfile_real_syscalls.mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		fk.mmap_ret = p;
		if (++fk.live > fk.max_live)
			fk.max_live = fk.live;
	}
	return p;
}

static int w_msync(void *addr, size_t len, int flags)
{
	fk.msync_calls++;
	fk.msync_addr = addr;
	fk.msync_len = len;
	fk.msync_flags = flags;
	if (should_fail(&fk.msync_inj, fk.msync_calls)) {
		errno = fk.msync_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.msync(addr, len, flags);
}

/* A failing munmap still unmaps, so that no test leaks address space. */
static int w_munmap(void *addr, size_t len)
{
	int rc;

	fk.munmap_calls++;
	fk.munmap_addr = addr;
	fk.munmap_len = len;
	if (addr != fk.mmap_ret || len != fk.mmap_len)
		fk.munmap_mismatch = 1;
	rc = mapfile_real_syscalls.munmap(addr, len);
	if (rc == 0)
		fk.live--;
	if (should_fail(&fk.munmap_inj, fk.munmap_calls)) {
		errno = fk.munmap_inj.err;
		return -1;
	}
	return rc;
}

static int w_fsync(int fd)
{
	fk.fsync_calls++;
	if (should_fail(&fk.fsync_inj, fk.fsync_calls)) {
		errno = fk.fsync_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.fsync(fd);
}

static ssize_t w_read(int fd, void *buf, size_t n)
{
	fk.read_calls++;
	if (should_fail(&fk.read_inj, fk.read_calls)) {
		errno = fk.read_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.read(fd, buf, n);
}

/* A failing close still closes, as Linux's does (the descriptor is gone
 * whatever close returns). */
static int w_close(int fd)
{
	int rc;

	fk.close_calls++;
	rc = mapfile_real_syscalls.close(fd);
	if (should_fail(&fk.close_inj, fk.close_calls)) {
		errno = fk.close_inj.err;
		return -1;
	}
	return rc;
}

static int w_fcntl_lock(int fd, int cmd, struct flock *lock)
{
	return mapfile_real_syscalls.fcntl_lock(fd, cmd, lock);
}

static int w_keep_fallocate(int fd, int mode, off_t off, off_t len)
{
	fk.keep_calls++;
	fk.keep_off = off;
	fk.keep_len = len;
	if (should_fail(&fk.keep_inj, fk.keep_calls)) {
		errno = fk.keep_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.fallocate(fd, mode, off, len);
}

static ssize_t w_pread(int fd, void *buf, size_t n, off_t off)
{
	fk.pread_calls++;
	if (should_fail(&fk.pread_inj, fk.pread_calls)) {
		errno = fk.pread_inj.err;
		return -1;
	}
	return mapfile_real_syscalls.pread(fd, buf, n, off);
}

static ssize_t w_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	fk.pwrite_calls++;
	fk.pwrite_off = off;
	fk.pwrite_len = n;
	if (should_fail(&fk.pwrite_inj, fk.pwrite_calls)) {
		errno = fk.pwrite_inj.err;
		return -1;
	}
	fk.pwrite_bytes += n;
	return mapfile_real_syscalls.pwrite(fd, buf, n, off);
}

/* lstat, readlink and unlink: the real ones (NULL). */
static const struct mapfile_syscalls wrappers = {
	w_open, w_fstat, w_lseek, w_ftruncate, w_fallocate, w_mmap, w_msync,
	w_munmap, w_fsync, w_read, w_close, w_fcntl_lock, w_keep_fallocate,
	w_pread, w_pwrite, NULL, NULL, NULL
};

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.last_fd = -1;
	fk.fake_size = -1;
	mapfile_set_syscalls(&wrappers);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mapfile_set_syscalls(NULL);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static int fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

/* Descriptors open in this process, counted in /proc/self/fd. */
static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* A file NAME of LEN pseudo-random bytes; *bytes (if not NULL) gets a copy
 * the caller frees. */
static const char *random_file(const char *name, size_t len, uint32_t seed,
			       unsigned char **bytes)
{
	unsigned char *buf = malloc(len ? len : 1);
	const char *path = tmp_path(name);

	assert_non_null(buf);
	fill_random(buf, len, seed);
	write_file(path, buf, len);
	if (bytes != NULL)
		*bytes = buf;
	else
		free(buf);
	return path;
}

static void assert_nothing_mapped(const struct mapfile *mf)
{
	assert_null(mf->map_base);
	assert_int_equal(mf->map_len, 0);
	assert_null(mf->data);
	assert_int_equal(mf->data_off, 0);
	assert_int_equal(mf->data_len, 0);
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

/* What a walk saw: the bytes, in order, and where each chunk was. */
#define MAX_CHUNKS 1024
struct walk_log {
	unsigned char *bytes;
	size_t len, cap;
	int calls;
	uint64_t off[MAX_CHUNKS];
	size_t n[MAX_CHUNKS];
	int gap;		/* a chunk that did not start where the last ended */
	int empty;		/* a chunk of 0 bytes or a NULL pointer */
	int stop_at;		/* return stop_rc from this call (1-based) */
	int stop_rc;
	const struct mapfile *mf;	/* if set: chunk must be inside its mapping */
	int outside;
};

static int log_chunk(void *ctx, const unsigned char *p, size_t n,
		     uint64_t offset)
{
	struct walk_log *w = ctx;

	if (p == NULL || n == 0)
		w->empty = 1;
	if (w->calls > 0 &&
	    offset != w->off[w->calls - 1] + w->n[w->calls - 1])
		w->gap = 1;
	if (w->mf != NULL && w->mf->kind != MF_STREAM &&
	    (w->mf->map_base == NULL ||
	     p < (const unsigned char *)w->mf->map_base ||
	     p + n > (const unsigned char *)w->mf->map_base + w->mf->map_len))
		w->outside = 1;
	if (w->calls < MAX_CHUNKS) {
		w->off[w->calls] = offset;
		w->n[w->calls] = n;
	}
	w->calls++;
	if (p != NULL && n > 0) {
		if (w->len + n > w->cap) {
			w->cap = (w->len + n) * 2;
			w->bytes = realloc(w->bytes, w->cap);
			assert_non_null(w->bytes);
		}
		memcpy(w->bytes + w->len, p, n);
		w->len += n;
	}
	return w->calls == w->stop_at ? w->stop_rc : 0;
}

static void log_free(struct walk_log *w)
{
	free(w->bytes);
	w->bytes = NULL;
}

/* A pipe holding DATA with its write end closed: read end returned. */
static int pipe_with(const void *data, size_t len)
{
	int p[2];

	assert_true(len <= 65536);	/* fits the pipe buffer: no blocking */
	assert_int_equal(pipe(p), 0);
	if (len > 0)
		assert_int_equal(write(p[1], data, len), (ssize_t)len);
	assert_int_equal(close(p[1]), 0);
	return p[0];
}

/* Wait for child PID and return its exit status (or 200+signal). */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFSIGNALED(st))
		return 200 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* ---- mapfile_open ------------------------------------------------------ */

static void test_open_regular_read(void **state)
{
	struct mapfile mf;
	const char *path = random_file("reg", 10000, 1, NULL);
	int before = count_open_fds();

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_true(mf.fd >= 0);
	assert_int_equal(mf.fd, fk.last_fd);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 10000);
	assert_int_equal(mf.writable, 0);
	assert_true(S_ISREG(mf.mode));
	assert_int_equal(mf.window, MAPFILE_WINDOW);
	assert_int_equal(mf.have_probe, 0);
	assert_nothing_mapped(&mf);
	assert_int_equal(fk.mmap_calls, 0);
	/* read-only, blocking, close-on-exec */
	assert_int_equal(fk.open_flags & O_ACCMODE, O_RDONLY);
	assert_true(fk.open_flags & O_CLOEXEC);
	assert_false(fk.open_flags & (O_CREAT | O_NONBLOCK | O_TRUNC));
	assert_int_equal(fcntl(mf.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_true(fcntl(mf.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(count_open_fds(), before + 1);

	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(mf.fd, -1);
	assert_false(fd_is_open(fk.last_fd));
	assert_int_equal(fk.close_calls, 1);
	assert_int_equal(count_open_fds(), before);
}

static void test_open_write_flags(void **state)
{
	struct mapfile mf;
	const char *path = random_file("regw", 100, 2, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mf.writable, 1);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 100);
	assert_int_equal(fk.open_flags & O_ACCMODE, O_RDWR);
	assert_true(fk.open_flags & O_NONBLOCK);
	assert_true(fk.open_flags & O_CLOEXEC);
	assert_false(fk.open_flags & (O_CREAT | O_TRUNC));
	assert_int_equal(fcntl(mf.fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_true(fcntl(mf.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(mf.fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(mapfile_close(&mf), 0);
	/* MF_WRITE alone never creates */
	errno = 0;
	assert_int_equal(mapfile_open(&mf, tmp_path("nonexistent-w"),
				      MF_WRITE), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(access(tmp_path("nonexistent-w"), F_OK), -1);
}

static void test_open_create(void **state)
{
	struct mapfile mf;
	const char *path = tmp_path("created");
	mode_t old = umask(022);
	struct stat st;

	(void)state;
	unlink(path);
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE | MF_CREATE), 0);
	umask(old);
	/* O_EXCL: a file someone else creates meanwhile is not ours. */
	assert_true(fk.open_flags & O_CREAT);
	assert_true(fk.open_flags & O_EXCL);
	assert_false(fk.open_flags & O_TRUNC);
	assert_int_equal(mf.created, 1);
	assert_int_equal(fk.open_mode, 0666);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mf.writable, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);	/* 0666 & ~022 */
	assert_int_equal(st.st_size, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_open_create_keeps_existing(void **state)
{
	struct mapfile mf;
	unsigned char *want, *got;
	size_t len;
	const char *path = random_file("keep", 5000, 3, &want);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE | MF_CREATE), 0);
	assert_int_equal(mf.size, 5000);
	assert_int_equal(mapfile_close(&mf), 0);
	got = read_file(path, &len);
	assert_int_equal(len, 5000);
	assert_memory_equal(got, want, 5000);
	free(got);
	free(want);
}

static void test_open_create_needs_write(void **state)
{
	struct mapfile mf;
	const char *path = tmp_path("not-created");

	(void)state;
	unlink(path);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_CREATE), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(mf.fd, -1);
	assert_false(fk.open_flags & O_CREAT);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_open_missing(void **state)
{
	struct mapfile mf;
	int before = count_open_fds();

	(void)state;
	errno = 0;
	assert_int_equal(mapfile_open(&mf, tmp_path("missing"), MF_READ), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(fk.fstat_calls, 0);
	assert_int_equal(count_open_fds(), before);
}

static void test_open_directory(void **state)
{
	struct mapfile mf;
	int before = count_open_fds();

	(void)state;
	errno = 0;
	assert_int_equal(mapfile_open(&mf, test_tmpdir(), MF_READ), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(mf.fd, -1);
	/* the directory was opened, then closed again */
	assert_int_equal(fk.open_calls, 1);
	assert_int_equal(fk.close_calls, 1);
	assert_false(fd_is_open(fk.last_fd));
	assert_int_equal(count_open_fds(), before);

	errno = 0;
	assert_int_equal(mapfile_open(&mf, test_tmpdir(), MF_WRITE), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(count_open_fds(), before);
}

static void open_fails_with(int err)
{
	struct mapfile mf;
	const char *path = random_file("openfail", 10, 4, NULL);
	int before = count_open_fds();

	fail_calls(&fk.open_inj, 1, 1, err);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), -1);
	assert_int_equal(errno, err);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(fk.fstat_calls, 0);
	assert_int_equal(fk.close_calls, 0);
	assert_int_equal(count_open_fds(), before);
}

static void test_open_eacces(void **state)
{
	(void)state;
	open_fails_with(EACCES);
}

static void test_open_emfile(void **state)
{
	(void)state;
	open_fails_with(EMFILE);
}

static void test_open_fstat_fails_no_leak(void **state)
{
	struct mapfile mf;
	const char *path = random_file("fstatfail", 10, 5, NULL);
	int before = count_open_fds();

	(void)state;
	fail_calls(&fk.fstat_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(fk.open_calls, 1);
	assert_int_equal(fk.close_calls, 1);
	assert_false(fd_is_open(fk.last_fd));
	assert_int_equal(count_open_fds(), before);
}

/* The close after a failed fstat must not replace fstat's errno. */
static void test_open_fstat_fails_close_fails_keeps_errno(void **state)
{
	struct mapfile mf;
	const char *path = random_file("fstatfail2", 10, 6, NULL);
	int before = count_open_fds();

	(void)state;
	fail_calls(&fk.fstat_inj, 1, 1, EOVERFLOW);
	fail_calls(&fk.close_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), -1);
	assert_int_equal(errno, EOVERFLOW);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(fk.close_calls, 1);
	assert_int_equal(count_open_fds(), before);
}

static void test_open_empty_regular(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = write_file(tmp_path("empty"), "", 0);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mf.have_probe, 0);
	/* a zero-length mmap is EINVAL: the layer must not make one */
	assert_int_equal(mapfile_map(&mf, 0, 0), 0);
	assert_null(mf.data);
	assert_null(mf.map_base);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.calls, 0);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_sync(&mf), 0);
	assert_int_equal(fk.msync_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.munmap_calls, 0);
	log_free(&w);
}

/* A writer is not probed: reading a byte there would be pointless. */
static void test_open_empty_writer(void **state)
{
	struct mapfile mf;
	const char *path = write_file(tmp_path("emptyw"), "", 0);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mf.have_probe, 0);
	assert_int_equal(fk.read_calls, 0);
	assert_int_equal(mapfile_map(&mf, 0, 0), 0);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

/*
 * A regular file whose st_size says 0 but which holds bytes (as files on
 * some pseudo file systems do): a stream, the probe byte handed out first.
 */
static void test_open_size_lies_probe_byte(void **state)
{
	struct mapfile mf;
	unsigned char buf[100];
	size_t got = 99;
	const char *path = write_file(tmp_path("liar"), "hello", 5);

	(void)state;
	fk.fake_size = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mf.have_probe, 1);
	assert_int_equal(mf.probe, 'h');
	assert_int_equal(mf.stream_pos, 0);

	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 1);
	assert_int_equal(buf[0], 'h');
	assert_int_equal(mf.have_probe, 0);
	assert_int_equal(mf.stream_pos, 1);
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 4);
	assert_memory_equal(buf, "ello", 4);
	assert_int_equal(mf.stream_pos, 5);
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_open_probe_read_eintr_retried(void **state)
{
	struct mapfile mf;
	const char *path = write_file(tmp_path("liar2"), "xyz", 3);

	(void)state;
	fk.fake_size = 0;
	fail_calls(&fk.read_inj, 1, 2, EINTR);
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(fk.read_calls, 3);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mf.have_probe, 1);
	assert_int_equal(mf.probe, 'x');
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_open_probe_read_eio(void **state)
{
	struct mapfile mf;
	const char *path = write_file(tmp_path("liar3"), "xyz", 3);
	int before = count_open_fds();

	(void)state;
	fk.fake_size = 0;
	fail_calls(&fk.read_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mf.fd, -1);
	assert_false(fd_is_open(fk.last_fd));
	assert_int_equal(count_open_fds(), before);
}

/* A writer opening a FIFO with no reader must not block. */
static void test_open_fifo_writer_does_not_hang(void **state)
{
	struct mapfile mf;
	const char *path = tmp_path("fifo-w");

	(void)state;
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);		/* a hang kills the test program */
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	alarm(0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_true(S_ISFIFO(mf.mode));
	assert_true(fcntl(mf.fd, F_GETFL) & O_NONBLOCK);
	errno = 0;
	assert_int_equal(mapfile_map(&mf, 0, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* A reader of a FIFO waits for the writer, then reads it as a stream. */
static void test_open_fifo_reader_stream(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = tmp_path("fifo-r");
	static const char msg[] = "through the fifo";
	pid_t pid;

	(void)state;
	memset(&w, 0, sizeof(w));
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		if (fd < 0 || write(fd, msg, sizeof(msg) - 1) !=
		    (ssize_t)(sizeof(msg) - 1))
			_exit(1);
		_exit(0);
	}
	alarm(10);
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	alarm(0);
	assert_int_equal(child_status(pid), 0);
	assert_int_equal(w.len, sizeof(msg) - 1);
	assert_memory_equal(w.bytes, msg, sizeof(msg) - 1);
	assert_int_equal(w.off[0], 0);
	assert_false(w.gap);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* /proc files claim a size that has nothing to do with their contents. */
static void test_open_proc_is_stream(void **state)
{
	struct mapfile mf;
	struct walk_log w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, "/proc/self/status", MF_READ), 0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_true(S_ISREG(mf.mode));
	assert_int_equal(mf.size, 0);
	errno = 0;
	assert_int_equal(mapfile_map(&mf, 0, 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_true(w.len > 5);
	assert_memory_equal(w.bytes, "Name:", 5);
	assert_false(w.gap);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* A writer is not probed, so only the file system tells /proc apart:
 * /proc/self/comm is writable by its owner and claims to be empty.
 * Nothing is written to it. */
static void test_open_proc_writer_is_stream(void **state)
{
	struct mapfile mf;

	(void)state;
	assert_int_equal(mapfile_open(&mf, "/proc/self/comm", MF_WRITE), 0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mf.size, 0);
	assert_int_equal(fk.read_calls, 0);
	errno = 0;
	assert_int_equal(mapfile_map(&mf, 0, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* A block device (here a regular file that fstat calls one): its size
 * comes from lseek(SEEK_END), and the position goes back to 0. */
static void test_open_block_device_size(void **state)
{
	struct mapfile mf;
	unsigned char *want;
	const char *path = random_file("blk", 3 * 4096 + 17, 7, &want);

	(void)state;
	fk.fake_type = S_IFBLK;
	fk.fake_size = 0;	/* block devices report st_size 0 */
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mf.kind, MF_BLOCK);
	assert_int_equal(mf.size, 3 * 4096 + 17);
	assert_int_equal(fk.lseek_calls, 2);
	assert_int_equal(fk.lseek_whence, SEEK_SET);
	assert_int_equal(lseek(mf.fd, 0, SEEK_CUR), 0);
	assert_int_equal(mapfile_map(&mf, mf.size - 4, 4), 0);
	assert_memory_equal(mf.data, want + mf.size - 4, 4);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

static void test_open_block_device_lseek_fails(void **state)
{
	struct mapfile mf;
	const char *path = random_file("blk2", 100, 8, NULL);
	int before = count_open_fds();

	(void)state;
	fk.fake_type = S_IFBLK;
	fail_calls(&fk.lseek_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mf.fd, -1);
	assert_false(fd_is_open(fk.last_fd));
	assert_int_equal(count_open_fds(), before);
}

/* 64 GiB of hole: sizes and offsets past 4 GiB work end to end. */
static void test_sparse_64g(void **state)
{
	const uint64_t big = (uint64_t)64 << 30;
	struct mapfile mf;
	struct walk_log w;
	const char *path = tmp_path("sparse");
	unsigned char back[4];
	int fd;

	(void)state;
	memset(&w, 0, sizeof(w));
	unlink(path);
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE | MF_CREATE), 0);
	assert_int_equal(mapfile_resize(&mf, big), 0);
	assert_int_equal(fk.ftruncate_size, (off_t)big);
	assert_int_equal(mf.size, big);
	assert_int_equal(file_size(path), big);
	assert_int_equal(mapfile_close(&mf), 0);

	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, big);
	assert_int_equal(mapfile_map(&mf, big - 4, 4), 0);
	assert_int_equal(fk.mmap_off, (off_t)(big - ps));
	assert_int_equal(mf.data_off, big - 4);
	assert_memory_equal(mf.data, "\0\0\0\0", 4);
	assert_int_equal(mapfile_walk(&mf, big - 10, UINT64_MAX, log_chunk,
				      &w), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.off[0], big - 10);
	assert_int_equal(w.n[0], 10);
	assert_int_equal(mapfile_close(&mf), 0);

	/* write the last four bytes through a mapping */
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_map(&mf, big - 4, 4), 0);
	memcpy(mf.data, "\xde\xad\xbe\xef", 4);
	assert_int_equal(mapfile_sync(&mf), 0);
	assert_int_equal(mapfile_close(&mf), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, back, 4, (off_t)(big - 4)), 4);
	assert_memory_equal(back, "\xde\xad\xbe\xef", 4);
	close(fd);
	assert_int_equal(file_size(path), big);
	unlink(path);
	log_free(&w);
}

/* ---- mapfile_adopt ----------------------------------------------------- */

static void test_adopt_pipe_walk_with_skip(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char data[10000];
	int fd;

	(void)state;
	memset(&w, 0, sizeof(w));
	fill_random(data, sizeof(data), 9);
	fd = pipe_with(data, sizeof(data));
	assert_int_equal(mapfile_adopt(&mf, fd), 0);
	assert_int_equal(mf.fd, fd);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mf.writable, 0);
	assert_true(S_ISFIFO(mf.mode));
	mf.window = 4096;
	assert_int_equal(mapfile_walk(&mf, 1000, 5000, log_chunk, &w), 0);
	assert_true(w.calls >= 2);	/* bounded buffer: 4096 at a time */
	assert_int_equal(w.off[0], 1000);
	assert_false(w.gap);
	assert_false(w.empty);
	assert_int_equal(w.len, 5000);
	assert_memory_equal(w.bytes, data + 1000, 5000);
	for (int i = 0; i < w.calls; i++)
		assert_true(w.n[i] <= 4096);
	assert_int_equal(fk.mmap_calls, 0);
	/* mf owns the descriptor now */
	assert_int_equal(mapfile_close(&mf), 0);
	assert_false(fd_is_open(fd));
	log_free(&w);
}

/*
 * A regular file on standard input is read from where its descriptor
 * stands, as cat and xxd read it: offset 0 of the walk and of a mapping is
 * the byte at the position, and the size counts from there.  (Issue 8,
 * item 8: before, the walk began at byte 0 of the file.)
 */
static void test_adopt_regular_maps_from_position(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char *want;
	const char *path = random_file("adopt", 3 * 4096, 10, &want);
	int fd = open(path, O_RDONLY);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 5000, SEEK_SET), 5000);
	assert_int_equal(mapfile_adopt(&mf, fd), 0);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.base, 5000);
	assert_int_equal(mf.size, 3 * 4096 - 5000);
	assert_int_equal(mf.window, MAPFILE_WINDOW);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.len, 3 * 4096 - 5000);
	assert_memory_equal(w.bytes, want + 5000, 3 * 4096 - 5000);
	assert_int_equal(w.off[0], 0);
	/* A mapping at offset 100 holds the file's byte 5100, though 5100
	 * is not on a page boundary. */
	assert_int_equal(mapfile_map(&mf, 100, 16), 0);
	assert_int_equal(mf.data_off, 100);
	assert_memory_equal(mf.data, want + 5100, 16);
	/* A size that changed is counted from the position too. */
	assert_int_equal(truncate(path, 6000), 0);
	assert_int_equal(mapfile_refresh(&mf), 0);
	assert_int_equal(mf.size, 1000);
	assert_int_equal(truncate(path, 10), 0);
	assert_int_equal(mapfile_refresh(&mf), 0);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_false(fd_is_open(fd));
	free(want);
	log_free(&w);
}

/* A position past the end: nothing to read, not a huge size. */
static void test_adopt_position_past_end(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = random_file("adopt-past", 100, 12, NULL);
	int fd = open(path, O_RDONLY);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 4096, SEEK_SET), 4096);
	assert_int_equal(mapfile_adopt(&mf, fd), 0);
	assert_int_equal(mf.kind, MF_REGULAR);
	assert_int_equal(mf.size, 0);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.len, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_adopt_failure_leaves_fd_open(void **state)
{
	struct mapfile mf;
	const char *path = random_file("adopt2", 10, 11, NULL);
	int fd = open(path, O_RDONLY);
	int dfd = open(test_tmpdir(), O_RDONLY);

	(void)state;
	assert_true(fd >= 0 && dfd >= 0);
	fail_calls(&fk.fstat_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_adopt(&mf, fd), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mf.fd, -1);
	assert_true(fd_is_open(fd));
	assert_int_equal(fk.close_calls, 0);

	errno = 0;
	assert_int_equal(mapfile_adopt(&mf, dfd), -1);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(mf.fd, -1);
	assert_true(fd_is_open(dfd));
	assert_int_equal(fk.close_calls, 0);
	close(fd);
	close(dfd);
}

/* ---- mapfile_map ------------------------------------------------------- */

/* Offset 5000 in a 3-page file: the mapping starts at page 1. */
static void test_map_covers_pages(void **state)
{
	struct mapfile mf;
	unsigned char *want;
	const size_t size = 3 * ps;
	const uint64_t off = ps + 904;	/* 5000 with 4 KiB pages */
	const char *path = random_file("map3", size, 12, &want);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, off, 100), 0);
	assert_int_equal(fk.mmap_calls, 1);
	assert_int_equal(fk.mmap_off, (off_t)ps);
	assert_int_equal(fk.mmap_len, 904 + 100);
	assert_int_equal(fk.mmap_prot, PROT_READ);
	assert_int_equal(fk.mmap_flags, MAP_SHARED);
	assert_int_equal(fk.mmap_fd, mf.fd);
	assert_ptr_equal(mf.map_base, fk.mmap_ret);
	assert_int_equal(mf.map_len, 904 + 100);
	assert_ptr_equal(mf.data, (unsigned char *)mf.map_base + 904);
	assert_int_equal(mf.data_off, off);
	assert_int_equal(mf.data_len, 100);
	assert_int_equal(mf.data[0], want[off]);
	assert_memory_equal(mf.data, want + off, 100);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.munmap_calls, 1);
	assert_false(fk.munmap_mismatch);
	assert_int_equal(fk.live, 0);
	free(want);
}

static void test_map_aligned_and_edges(void **state)
{
	struct mapfile mf;
	unsigned char *want;
	const size_t size = 3 * ps + 10;
	const char *path = random_file("map4", size, 13, &want);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	/* an aligned offset: data is the start of the mapping */
	assert_int_equal(mapfile_map(&mf, 2 * ps, 10), 0);
	assert_int_equal(fk.mmap_off, (off_t)(2 * ps));
	assert_int_equal(fk.mmap_len, 10);
	assert_ptr_equal(mf.data, mf.map_base);
	assert_memory_equal(mf.data, want + 2 * ps, 10);
	/* the last byte */
	assert_int_equal(mapfile_map(&mf, size - 1, 1), 0);
	assert_int_equal(fk.mmap_off, (off_t)(3 * ps));
	assert_int_equal(mf.data[0], want[size - 1]);
	/* the whole file */
	assert_int_equal(mapfile_map(&mf, 0, size), 0);
	assert_int_equal(fk.mmap_off, 0);
	assert_int_equal(fk.mmap_len, size);
	assert_memory_equal(mf.data, want, size);
	/* a range spanning a page boundary maps both pages */
	assert_int_equal(mapfile_map(&mf, ps - 2, 4), 0);
	assert_int_equal(fk.mmap_off, 0);
	assert_int_equal(fk.mmap_len, ps + 2);
	assert_memory_equal(mf.data, want + ps - 2, 4);
	assert_false(fk.mmap_unaligned);
	assert_int_equal(fk.max_live, 1);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.live, 0);
	free(want);
}

static void test_map_len_zero(void **state)
{
	struct mapfile mf;
	const char *path = random_file("map0", 1000, 14, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 100, 0), 0);
	assert_null(mf.data);
	assert_null(mf.map_base);
	assert_int_equal(mapfile_map(&mf, 1000, 0), 0);	/* at the end */
	assert_null(mf.data);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void map_einval(struct mapfile *mf, uint64_t off, size_t len)
{
	errno = 0;
	assert_int_equal(mapfile_map(mf, off, len), -1);
	assert_int_equal(errno, EINVAL);
	assert_nothing_mapped(mf);
}

static void test_map_outside_file_einval(void **state)
{
	struct mapfile mf;
	const char *path = random_file("mapout", 1000, 15, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	map_einval(&mf, 1001, 0);
	map_einval(&mf, 1000, 1);
	map_einval(&mf, 999, 2);
	map_einval(&mf, 0, 1001);
	map_einval(&mf, 2000, 10);
	/* would wrap past 2^64 if the check added instead of subtracting */
	map_einval(&mf, UINT64_MAX - 1, 4);
	map_einval(&mf, 1, SIZE_MAX);
	map_einval(&mf, UINT64_MAX, SIZE_MAX);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_map_replaces_earlier(void **state)
{
	struct mapfile mf;
	unsigned char *want;
	const char *path = random_file("maprep", 4 * ps, 16, &want);
	void *first_base;
	size_t first_len;

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 10, 20), 0);
	first_base = mf.map_base;
	first_len = mf.map_len;
	assert_int_equal(mapfile_map(&mf, 3 * ps + 1, 5), 0);
	assert_int_equal(fk.munmap_calls, 1);
	assert_ptr_equal(fk.munmap_addr, first_base);
	assert_int_equal(fk.munmap_len, first_len);
	assert_int_equal(fk.live, 1);
	assert_int_equal(mf.data_off, 3 * ps + 1);
	assert_memory_equal(mf.data, want + 3 * ps + 1, 5);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.live, 0);
	assert_false(fk.munmap_mismatch);
	free(want);
}

/* A failed map, for whatever reason, leaves no mapping behind. */
static void test_map_invalid_drops_earlier(void **state)
{
	struct mapfile mf;
	const char *path = random_file("mapdrop", 1000, 17, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	map_einval(&mf, 0, 2000);
	assert_int_equal(fk.munmap_calls, 1);
	assert_int_equal(fk.live, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.munmap_calls, 1);
}

static void map_fails_with(int err)
{
	struct mapfile mf;
	const char *path = random_file("mapfail", 3 * ps, 18, NULL);

	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	fail_calls(&fk.mmap_inj, 2, 1, err);
	errno = 0;
	assert_int_equal(mapfile_map(&mf, ps + 1, 10), -1);
	assert_int_equal(errno, err);
	assert_nothing_mapped(&mf);
	assert_int_equal(fk.mmap_calls, 2);
	assert_int_equal(fk.munmap_calls, 1);	/* the first one, dropped */
	assert_int_equal(fk.live, 0);
	/* and the next map works again */
	assert_int_equal(mapfile_map(&mf, ps + 1, 10), 0);
	assert_non_null(mf.data);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.live, 0);
}

static void test_map_mmap_einval(void **state)
{
	(void)state;
	map_fails_with(EINVAL);
}

static void test_map_mmap_enomem(void **state)
{
	(void)state;
	map_fails_with(ENOMEM);
}

static void test_map_stream_einval(void **state)
{
	struct mapfile mf;
	int fd = pipe_with("abc", 3);

	(void)state;
	assert_int_equal(mapfile_adopt(&mf, fd), 0);
	map_einval(&mf, 0, 1);
	map_einval(&mf, 0, 0);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_map_write_through(void **state)
{
	struct mapfile mf;
	unsigned char *want, *got;
	size_t len;
	const size_t size = 3 * ps;
	const uint64_t off = ps + 904;
	const char *path = random_file("mapw", size, 19, &want);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_map(&mf, off, 4), 0);
	assert_int_equal(fk.mmap_prot, PROT_READ | PROT_WRITE);
	assert_int_equal(fk.mmap_flags, MAP_SHARED);
	memcpy(mf.data, "\x01\x02\x03\x04", 4);
	memcpy(want + off, "\x01\x02\x03\x04", 4);
	assert_int_equal(mapfile_sync(&mf), 0);
	assert_int_equal(fk.msync_calls, 1);
	assert_ptr_equal(fk.msync_addr, mf.map_base);
	assert_int_equal(fk.msync_len, mf.map_len);
	assert_int_equal(fk.msync_flags, MS_SYNC);
	assert_int_equal(mapfile_close(&mf), 0);
	got = read_file(path, &len);
	assert_int_equal(len, size);
	assert_memory_equal(got, want, size);	/* only those 4 bytes changed */
	free(got);
	free(want);
}

/* ---- unmap, sync, close ------------------------------------------------ */

static void test_unmap_without_mapping(void **state)
{
	struct mapfile mf;
	const char *path = random_file("unmap0", 10, 20, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_unmap(&mf), 0);
	assert_int_equal(mapfile_unmap(&mf), 0);
	assert_int_equal(fk.munmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.munmap_calls, 0);
}

static void test_unmap_failure_clears_fields(void **state)
{
	struct mapfile mf;
	const char *path = random_file("unmapf", 2 * ps, 21, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 5, 10), 0);
	fail_calls(&fk.munmap_inj, 1, 1, EINVAL);
	errno = 0;
	assert_int_equal(mapfile_unmap(&mf), -1);
	assert_int_equal(errno, EINVAL);
	assert_nothing_mapped(&mf);
	/* nothing left to unmap */
	assert_int_equal(mapfile_unmap(&mf), 0);
	assert_int_equal(fk.munmap_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_sync_eio(void **state)
{
	struct mapfile mf;
	const char *path = random_file("synceio", 2 * ps, 22, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_map(&mf, 100, 10), 0);
	mf.data[0] ^= 0xff;
	fail_calls(&fk.msync_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_sync(&mf), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(fk.msync_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_sync_without_mapping(void **state)
{
	struct mapfile mf;
	const char *path = random_file("sync0", 10, 23, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_sync(&mf), 0);
	assert_int_equal(fk.msync_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_close_munmap_fails(void **state)
{
	struct mapfile mf;
	const char *path = random_file("closeum", 2 * ps, 24, NULL);
	int fd;

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fd = mf.fd;
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	fail_calls(&fk.munmap_inj, 1, 1, EINVAL);
	errno = 0;
	assert_int_equal(mapfile_close(&mf), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mf.fd, -1);
	assert_nothing_mapped(&mf);
	/* the descriptor is closed all the same */
	assert_int_equal(fk.close_calls, 1);
	assert_false(fd_is_open(fd));
}

static void test_close_fails_eio(void **state)
{
	struct mapfile mf;
	const char *path = random_file("closeeio", 10, 25, NULL);
	int fd;

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fd = mf.fd;
	fail_calls(&fk.close_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_close(&mf), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mf.fd, -1);
	assert_false(fd_is_open(fd));
	/* a second close does nothing */
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.close_calls, 1);
}

/* The first failure's errno is the one reported. */
static void test_close_first_error_wins(void **state)
{
	struct mapfile mf;
	const char *path = random_file("close2", 2 * ps, 26, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	fail_calls(&fk.munmap_inj, 1, 1, EINVAL);
	fail_calls(&fk.close_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_close(&mf), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(mf.fd, -1);
	assert_int_equal(fk.close_calls, 1);
}

/* ---- resize, allocate, fsync ------------------------------------------ */

static void test_resize_grow_and_shrink(void **state)
{
	struct mapfile mf;
	unsigned char *got;
	size_t len;
	const char *path = write_file(tmp_path("resize"), "abcdef", 6);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_resize(&mf, 10000), 0);
	assert_int_equal(mf.size, 10000);
	assert_int_equal(file_size(path), 10000);
	/* the new bytes read as zeros, through a mapping too */
	assert_int_equal(mapfile_map(&mf, 0, 10000), 0);
	assert_memory_equal(mf.data, "abcdef\0\0\0\0", 10);
	assert_int_equal(mf.data[9999], 0);
	assert_int_equal(mapfile_unmap(&mf), 0);
	assert_int_equal(mapfile_resize(&mf, 3), 0);
	assert_int_equal(mf.size, 3);
	assert_int_equal(mapfile_fsync(&mf), 0);
	assert_int_equal(fk.fsync_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
	got = read_file(path, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "abc", 3);
	free(got);
}

static void resize_fails_with(int err)
{
	struct mapfile mf;
	const char *path = random_file("resizef", 1234, 27, NULL);

	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.ftruncate_inj, 1, 1, err);
	errno = 0;
	assert_int_equal(mapfile_resize(&mf, 1 << 20), -1);
	assert_int_equal(errno, err);
	assert_int_equal(mf.size, 1234);
	assert_int_equal(file_size(path), 1234);
	assert_int_equal(fk.ftruncate_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_resize_efbig(void **state)
{
	(void)state;
	resize_fails_with(EFBIG);
}

static void test_resize_enospc(void **state)
{
	(void)state;
	resize_fails_with(ENOSPC);
}

static void test_resize_eintr_retried(void **state)
{
	struct mapfile mf;
	const char *path = random_file("resizei", 10, 28, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.ftruncate_inj, 1, 2, EINTR);
	assert_int_equal(mapfile_resize(&mf, 77), 0);
	assert_int_equal(fk.ftruncate_calls, 3);
	assert_int_equal(mf.size, 77);
	assert_int_equal(file_size(path), 77);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* A size an off_t cannot hold is refused without calling ftruncate with a
 * negative number. */
static void test_resize_past_off_max(void **state)
{
	struct mapfile mf;
	const char *path = random_file("resizeb", 10, 29, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	errno = 0;
	assert_int_equal(mapfile_resize(&mf, (uint64_t)INT64_MAX + 1), -1);
	assert_int_equal(errno, EFBIG);
	errno = 0;
	assert_int_equal(mapfile_resize(&mf, UINT64_MAX), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(fk.ftruncate_calls, 0);
	assert_int_equal(mf.size, 10);
	assert_int_equal(file_size(path), 10);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_allocate_real(void **state)
{
	struct mapfile mf;
	struct stat st;
	const char *path = write_file(tmp_path("alloc"), "", 0);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_allocate(&mf, 0, 4 * ps), 0);
	assert_int_equal(fk.fallocate_calls, 1);
	assert_int_equal(fk.falloc_off, 0);
	assert_int_equal(fk.falloc_len, (off_t)(4 * ps));
	assert_int_equal(mf.size, 4 * ps);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)(4 * ps));
	assert_true((uint64_t)st.st_blocks * 512 >= 4 * ps);
	/* inside the file: the size stays */
	assert_int_equal(mapfile_allocate(&mf, ps, ps), 0);
	assert_int_equal(mf.size, 4 * ps);
	assert_int_equal(file_size(path), 4 * ps);
	/* past the end: the size follows */
	assert_int_equal(mapfile_allocate(&mf, 4 * ps, 100), 0);
	assert_int_equal(mf.size, 4 * ps + 100);
	assert_int_equal(file_size(path), 4 * ps + 100);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* posix_fallocate reports by its return value, not errno. */
static void test_allocate_enospc(void **state)
{
	struct mapfile mf;
	const char *path = random_file("allocf", 100, 30, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.fallocate_inj, 1, 1, ENOSPC);
	errno = 0;
	assert_int_equal(mapfile_allocate(&mf, 100, 1 << 20), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(mf.size, 100);
	assert_int_equal(file_size(path), 100);
	assert_int_equal(fk.fallocate_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_allocate_eintr_retried(void **state)
{
	struct mapfile mf;
	const char *path = random_file("alloci", 100, 31, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.fallocate_inj, 1, 2, EINTR);
	assert_int_equal(mapfile_allocate(&mf, 0, 200), 0);
	assert_int_equal(fk.fallocate_calls, 3);
	assert_int_equal(mf.size, 200);
	assert_int_equal(file_size(path), 200);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_allocate_limits(void **state)
{
	struct mapfile mf;
	const char *path = random_file("allocl", 100, 32, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_allocate(&mf, 50, 0), 0);
	errno = 0;
	assert_int_equal(mapfile_allocate(&mf, INT64_MAX, 1), -1);
	assert_int_equal(errno, EFBIG);
	errno = 0;
	assert_int_equal(mapfile_allocate(&mf, 1, UINT64_MAX), -1);
	assert_int_equal(errno, EFBIG);
	errno = 0;
	assert_int_equal(mapfile_allocate(&mf, (uint64_t)INT64_MAX + 1, 0),
			 -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(fk.fallocate_calls, 0);
	assert_int_equal(mf.size, 100);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_fsync_eio(void **state)
{
	struct mapfile mf;
	const char *path = random_file("fsynce", 10, 33, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.fsync_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_fsync(&mf), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(fk.fsync_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_fsync_eintr_retried(void **state)
{
	struct mapfile mf;
	const char *path = random_file("fsynci", 10, 34, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.fsync_inj, 1, 3, EINTR);
	assert_int_equal(mapfile_fsync(&mf), 0);
	assert_int_equal(fk.fsync_calls, 4);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* ---- mapfile_read ------------------------------------------------------ */

static void test_read_eintr_retried(void **state)
{
	struct mapfile mf;
	unsigned char buf[16];
	size_t got = 99;

	(void)state;
	assert_int_equal(mapfile_adopt(&mf, pipe_with("abc", 3)), 0);
	fail_calls(&fk.read_inj, 1, 2, EINTR);
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(fk.read_calls, 3);
	assert_int_equal(mf.stream_pos, 3);
	/* end of stream */
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(mf.stream_pos, 3);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_read_eio(void **state)
{
	struct mapfile mf;
	unsigned char buf[16];
	size_t got = 99;

	(void)state;
	assert_int_equal(mapfile_adopt(&mf, pipe_with("abc", 3)), 0);
	fail_calls(&fk.read_inj, 1, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(got, 0);
	assert_int_equal(mf.stream_pos, 0);
	/* the data is still there for the next read */
	assert_int_equal(mapfile_read(&mf, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(mapfile_close(&mf), 0);
}

static void test_read_zero_bytes_keeps_probe(void **state)
{
	struct mapfile mf;
	unsigned char buf[4];
	size_t got = 99;
	const char *path = write_file(tmp_path("liar4"), "QR", 2);

	(void)state;
	fk.fake_size = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.have_probe, 1);
	fk.read_calls = 0;
	assert_int_equal(mapfile_read(&mf, buf, 0, &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(fk.read_calls, 0);
	assert_int_equal(mf.have_probe, 1);
	assert_int_equal(mapfile_read(&mf, buf, 1, &got), 0);
	assert_int_equal(got, 1);
	assert_int_equal(buf[0], 'Q');
	assert_int_equal(fk.read_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* ---- mapfile_walk: mapped files --------------------------------------- */

static void test_walk_window_boundaries(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char *want;
	const size_t size = 3 * ps + 100;
	const char *path = random_file("walk", size, 35, &want);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = ps;
	w.mf = &mf;
	assert_int_equal(mapfile_walk(&mf, 1000, UINT64_MAX, log_chunk, &w),
			 0);
	assert_int_equal(w.calls, 4);
	assert_int_equal(w.off[0], 1000);
	assert_int_equal(w.n[0], ps - 1000);
	assert_int_equal(w.off[1], ps);
	assert_int_equal(w.n[1], ps);
	assert_int_equal(w.off[2], 2 * ps);
	assert_int_equal(w.n[2], ps);
	assert_int_equal(w.off[3], 3 * ps);
	assert_int_equal(w.n[3], 100);
	assert_false(w.gap);
	assert_false(w.empty);
	assert_false(w.outside);
	assert_int_equal(w.len, size - 1000);
	assert_memory_equal(w.bytes, want + 1000, size - 1000);
	/* one mapping per window, each dropped before the next */
	assert_int_equal(fk.mmap_calls, 4);
	assert_int_equal(fk.munmap_calls, 4);
	assert_int_equal(fk.max_live, 1);
	assert_int_equal(fk.live, 0);
	assert_false(fk.mmap_unaligned);
	assert_false(fk.munmap_mismatch);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
	log_free(&w);
}

/* Every chunk but the first starts on a multiple of the window. */
static void walk_with_window(size_t window, size_t effective)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char *want;
	const size_t size = 10 * ps + 3;
	const char *path = random_file("walkw", size, 36, &want);

	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = window;
	assert_int_equal(mapfile_walk(&mf, 7, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.off[0], 7);
	for (int i = 0; i < w.calls; i++) {
		assert_true(w.n[i] <= effective);
		if (i > 0)
			assert_int_equal(w.off[i] % effective, 0);
		if (i < w.calls - 1)
			assert_int_equal((w.off[i] + w.n[i]) % effective, 0);
	}
	assert_int_equal(w.calls, (int)((size + effective - 1) / effective));
	assert_false(w.gap);
	assert_int_equal(w.len, size - 7);
	assert_memory_equal(w.bytes, want + 7, size - 7);
	/* the first window maps from 0: whole pages, one window at most */
	assert_int_equal(fk.mmap_max_len, effective);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
	log_free(&w);
}

static void test_walk_window_multiple_pages(void **state)
{
	(void)state;
	walk_with_window(3 * ps, 3 * ps);
}

/* A window that is not a multiple of the page rounds down to one; a window
 * below a page (0 included) is a page. */
static void test_walk_window_rounded(void **state)
{
	(void)state;
	walk_with_window(ps + ps / 2, ps);
	memset(&fk, 0, sizeof(fk));
	fk.fake_size = -1;
	walk_with_window(100, ps);
	memset(&fk, 0, sizeof(fk));
	fk.fake_size = -1;
	walk_with_window(0, ps);
}

static void test_walk_clipped_ranges(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char *want;
	const size_t size = 2 * ps + 50;
	const char *path = random_file("walkc", size, 37, &want);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = ps;

	/* an exact range inside one window */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_walk(&mf, 10, 20, log_chunk, &w), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.off[0], 10);
	assert_int_equal(w.n[0], 20);
	assert_memory_equal(w.bytes, want + 10, 20);
	log_free(&w);

	/* an exact range across windows, ending inside the file */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_walk(&mf, ps - 5, ps + 10, log_chunk, &w), 0);
	assert_int_equal(w.calls, 3);
	assert_int_equal(w.len, ps + 10);
	assert_int_equal(w.off[2] + w.n[2], 2 * ps + 5);
	assert_memory_equal(w.bytes, want + ps - 5, ps + 10);
	log_free(&w);

	/* a length that would wrap past 2^64 is clipped to the size */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_walk(&mf, 10, UINT64_MAX - 5, log_chunk, &w),
			 0);
	assert_int_equal(w.len, size - 10);
	assert_int_equal(w.off[w.calls - 1] + w.n[w.calls - 1], size);
	log_free(&w);

	/* a length past the end is clipped too */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_walk(&mf, size - 3, 1000, log_chunk, &w), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.n[0], 3);
	assert_memory_equal(w.bytes, want + size - 3, 3);
	log_free(&w);

	/* empty ranges: no callback, no mapping */
	fk.mmap_calls = 0;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_walk(&mf, 5, 0, log_chunk, &w), 0);
	assert_int_equal(mapfile_walk(&mf, size, UINT64_MAX, log_chunk, &w),
			 0);
	assert_int_equal(mapfile_walk(&mf, size + 1, 10, log_chunk, &w), 0);
	assert_int_equal(mapfile_walk(&mf, UINT64_MAX, UINT64_MAX, log_chunk,
				      &w), 0);
	assert_int_equal(w.calls, 0);
	assert_int_equal(fk.mmap_calls, 0);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
	log_free(&w);
}

static void test_walk_callback_stops(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = random_file("walks", 5 * ps, 38, NULL);

	(void)state;
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	w.stop_rc = 7;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = ps;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 7);
	assert_int_equal(w.calls, 2);
	assert_int_equal(fk.mmap_calls, 2);
	assert_int_equal(fk.munmap_calls, 2);
	assert_int_equal(fk.live, 0);
	assert_nothing_mapped(&mf);
	log_free(&w);

	/* a negative value is returned as well */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	w.stop_rc = -5;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), -5);
	assert_int_equal(w.calls, 1);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_mmap_fails_midway(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = random_file("walkf", 5 * ps, 39, NULL);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = ps;
	fail_calls(&fk.mmap_inj, 3, 1, ENOMEM);
	errno = 0;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(w.calls, 2);
	assert_int_equal(w.len, 2 * ps);
	assert_int_equal(fk.mmap_calls, 3);
	assert_int_equal(fk.live, 0);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_munmap_fails(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = random_file("walku", 5 * ps, 40, NULL);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = ps;
	fail_calls(&fk.munmap_inj, 2, 1, EINVAL);
	errno = 0;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(w.calls, 2);
	assert_int_equal(fk.live, 0);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* Memory stays bounded: never more than one window mapped. */
static void test_walk_bounded_memory(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char *want;
	const size_t size = 1 << 20;
	const char *path = random_file("walkb", size, 41, &want);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = 64 << 10;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.calls, 16);
	assert_int_equal(fk.mmap_max_len, 64 << 10);
	assert_int_equal(fk.max_live, 1);
	assert_int_equal(fk.live, 0);
	assert_int_equal(w.len, size);
	assert_memory_equal(w.bytes, want, size);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
	log_free(&w);
}

/* A walk drops a mapping made earlier, and leaves none. */
static void test_walk_drops_earlier_mapping(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = random_file("walkd", 2 * ps, 42, NULL);

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.len, 2 * ps);
	assert_int_equal(fk.live, 0);
	assert_int_equal(fk.max_live, 1);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* ---- mapfile_walk2: two files together ------------------------------ */

/* What a two-file walk saw. */
struct pair_log {
	int calls;
	uint64_t next;			/* where the next call must start */
	const unsigned char *fa, *fb;	/* the files' bytes */
	size_t na, nb;
	int bad;			/* a call broke the contract */
	int holes;			/* calls with a NULL pointer and bytes */
	uint64_t seen_a, seen_b;	/* bytes handed over of each */
	int stop_at;			/* return 7 at this call (1-based) */
};

static int log_pair(void *ctx, const unsigned char *a, size_t na,
		    const unsigned char *b, size_t nb, uint64_t off)
{
	struct pair_log *l = ctx;

	l->calls++;
	if (off != l->next || (na == 0 && nb == 0) ||
	    (na != 0 && nb != 0 && na != nb) ||
	    (na == 0 && a != NULL) || (nb == 0 && b != NULL) ||
	    (na > 0 && off + na > l->na) || (nb > 0 && off + nb > l->nb))
		l->bad = 1;
	if (a != NULL && na > 0 && memcmp(a, l->fa + off, na) != 0)
		l->bad = 1;
	if (b != NULL && nb > 0 && memcmp(b, l->fb + off, nb) != 0)
		l->bad = 1;
	/* A file has no bytes only past its end. */
	if ((na == 0 && off < l->na) || (nb == 0 && off < l->nb))
		l->bad = 1;
	l->holes += (a == NULL && na > 0) || (b == NULL && nb > 0);
	l->seen_a += na;
	l->seen_b += nb;
	l->next = off + (na > nb ? na : nb);
	return l->calls == l->stop_at ? 7 : 0;
}

/*
 * Two regular files of different sizes and windows: consecutive chunks,
 * the same count from both while both have bytes, then only the longer
 * one; one window of each mapped at a time, nothing left mapped.
 */
static void test_walk2_regular(void **state)
{
	struct mapfile ma, mb;
	struct pair_log l;
	unsigned char *wa, *wb;
	const char *pa = random_file("pa", 3 * ps + 100, 50, &wa);
	const char *pb = random_file("pb", 5 * ps + 7, 51, &wb);

	(void)state;
	memset(&l, 0, sizeof(l));
	l.fa = wa;
	l.fb = wb;
	l.na = 3 * ps + 100;
	l.nb = 5 * ps + 7;
	assert_int_equal(mapfile_open(&ma, pa, MF_READ), 0);
	assert_int_equal(mapfile_open(&mb, pb, MF_READ), 0);
	ma.window = ps;
	mb.window = 2 * ps;
	assert_int_equal(mapfile_walk2(&ma, &mb, 0, UINT64_MAX, log_pair, &l),
			 0);
	assert_false(l.bad);
	assert_int_equal(l.seen_a, 3 * ps + 100);
	assert_int_equal(l.seen_b, 5 * ps + 7);
	assert_int_equal(l.next, 5 * ps + 7);
	assert_true(fk.max_live <= 2);
	assert_nothing_mapped(&ma);
	assert_nothing_mapped(&mb);
	/* A range inside both, and one past the shorter's end. */
	memset(&l, 0, sizeof(l));
	l.fa = wa;
	l.fb = wb;
	l.na = 3 * ps + 100;
	l.nb = 5 * ps + 7;
	l.next = 10;
	assert_int_equal(mapfile_walk2(&ma, &mb, 10, ps, log_pair, &l), 0);
	assert_false(l.bad);
	assert_true(l.seen_a == ps && l.seen_b == ps);
	memset(&l, 0, sizeof(l));
	l.fa = wa;
	l.fb = wb;
	l.na = 3 * ps + 100;
	l.nb = 5 * ps + 7;
	l.next = 4 * ps;
	assert_int_equal(mapfile_walk2(&ma, &mb, 4 * ps, UINT64_MAX, log_pair,
				       &l), 0);
	assert_false(l.bad);
	assert_true(l.seen_a == 0 && l.seen_b == ps + 7);
	/* The callback stops the walk: its value, nothing mapped. */
	memset(&l, 0, sizeof(l));
	l.fa = wa;
	l.fb = wb;
	l.na = 3 * ps + 100;
	l.nb = 5 * ps + 7;
	l.stop_at = 2;
	assert_int_equal(mapfile_walk2(&ma, &mb, 0, UINT64_MAX, log_pair, &l),
			 7);
	assert_int_equal(l.calls, 2);
	assert_nothing_mapped(&ma);
	assert_nothing_mapped(&mb);
	assert_int_equal(mapfile_close(&ma), 0);
	assert_int_equal(mapfile_close(&mb), 0);
	free(wa);
	free(wb);
}

/* A stream against a regular file: read(2) in a bounded buffer, skipping
 * OFF bytes by reading, the bytes in step with the mapped file's. */
static void test_walk2_stream(void **state)
{
	struct mapfile ma, mb;
	struct pair_log l;
	unsigned char data[10000], *wb;
	const char *pb = random_file("ps", 9000, 52, &wb);
	int fd;

	(void)state;
	fill_random(data, sizeof(data), 53);
	fd = pipe_with(data, sizeof(data));
	assert_int_equal(mapfile_adopt(&ma, fd), 0);
	assert_int_equal(mapfile_open(&mb, pb, MF_READ), 0);
	ma.window = 3000;
	memset(&l, 0, sizeof(l));
	l.fa = data;
	l.fb = wb;
	l.na = sizeof(data);
	l.nb = 9000;
	l.next = 500;
	assert_int_equal(mapfile_walk2(&ma, &mb, 500, UINT64_MAX, log_pair,
				       &l), 0);
	assert_false(l.bad);
	assert_int_equal(l.seen_a, sizeof(data) - 500);
	assert_int_equal(l.seen_b, 9000 - 500);
	assert_int_equal(ma.stream_pos, sizeof(data));
	assert_int_equal(mapfile_close(&ma), 0);
	assert_int_equal(mapfile_close(&mb), 0);
	free(wb);
}

/* Holes against holes come as two NULL pointers, never mapped; a window
 * is mapped only where one of the files has data. */
static void test_walk2_holes(void **state)
{
	struct mapfile ma, mb;
	struct pair_log l;
	unsigned char *wa, *wb;
	const size_t size = 8 * ps;
	const char *pa = random_file("ha", size, 54, &wa);
	const char *pb = random_file("hb", size, 55, &wb);

	(void)state;
	fk.nruns = 1;
	fk.run_lo[0] = 5 * (off_t)ps;
	fk.run_hi[0] = 5 * (off_t)ps + 100;
	fk.ext_size = (off_t)size;
	/* What the walk hands over for a hole is zeros: say so. */
	memset(wa, 0, 5 * ps);
	memset(wb, 0, 5 * ps);
	assert_int_equal(mapfile_open(&ma, pa, MF_READ), 0);
	assert_int_equal(mapfile_open(&mb, pb, MF_READ), 0);
	ma.window = mb.window = 2 * ps;
	memset(&l, 0, sizeof(l));
	l.fa = wa;
	l.fb = wb;
	l.na = l.nb = size;
	assert_int_equal(mapfile_walk2(&ma, &mb, 0, UINT64_MAX, log_pair, &l),
			 0);
	assert_false(l.bad);
	assert_true(l.holes >= 2);
	assert_int_equal(l.seen_a, size);
	/* Only the data run is mapped: once for each file. */
	assert_int_equal(fk.mmap_calls, 2);
	assert_nothing_mapped(&ma);
	assert_nothing_mapped(&mb);
	assert_int_equal(mapfile_close(&ma), 0);
	assert_int_equal(mapfile_close(&mb), 0);
	free(wa);
	free(wb);
}

/* The callback cuts FILE2 short, then reads its chunk: a fault. */
static int shrink_then_read(void *ctx, const unsigned char *a, size_t na,
			    const unsigned char *b, size_t nb, uint64_t off)
{
	const char *path = ctx;
	volatile unsigned char x;

	(void)a;
	(void)na;
	(void)off;
	assert_int_equal(truncate(path, 0), 0);
	x = b[nb - 1];
	(void)x;
	return 0;
}

/* A file that shrinks under its window: -1, EIO, that file's faulted
 * set, nothing left mapped. */
static void test_walk2_file_shrinks(void **state)
{
	struct mapfile ma, mb;
	unsigned char *wa, *wb;
	const char *pa = random_file("sa", 4 * ps, 56, &wa);
	const char *pb = random_file("sb", 4 * ps, 57, &wb);

	(void)state;
	assert_int_equal(mapfile_open(&ma, pa, MF_READ), 0);
	assert_int_equal(mapfile_open(&mb, pb, MF_READ), 0);
	errno = 0;
	assert_int_equal(mapfile_walk2(&ma, &mb, 0, UINT64_MAX,
				       shrink_then_read, (void *)pb), -1);
	assert_int_equal(errno, EIO);
	assert_true(mb.faulted);
	assert_false(ma.faulted);
	assert_nothing_mapped(&ma);
	assert_nothing_mapped(&mb);
	assert_int_equal(mapfile_close(&ma), 0);
	assert_int_equal(mapfile_close(&mb), 0);
	free(wa);
	free(wb);
}

/* ---- mapfile_walk: holes ----------------------------------------------- */

/* What a walk over holes saw: each call, whether it was a hole. */
struct hole_log {
	int calls;
	uint64_t off[64];
	size_t n[64];
	int hole[64];
	const unsigned char *file;	/* the file's bytes, to check data */
	int bad_data;			/* data that is not the file's */
	int gap;
};

static int log_piece(void *ctx, const unsigned char *p, size_t n,
		     uint64_t offset)
{
	struct hole_log *h = ctx;

	assert_true(h->calls < 64);
	if (h->calls > 0 &&
	    offset != h->off[h->calls - 1] + h->n[h->calls - 1])
		h->gap = 1;
	if (p != NULL && memcmp(p, h->file + offset, n) != 0)
		h->bad_data = 1;
	h->off[h->calls] = offset;
	h->n[h->calls] = n;
	h->hole[h->calls] = p == NULL;
	h->calls++;
	return 0;
}

static void expect_piece(const struct hole_log *h, int i, int hole,
			 uint64_t off, size_t n)
{
	if (h->hole[i] != hole || h->off[i] != off || h->n[i] != n)
		fail_msg("call %d: %s at %llu, %zu bytes; expected %s at %llu, "
			 "%zu", i, h->hole[i] ? "hole" : "data",
			 (unsigned long long)h->off[i], h->n[i],
			 hole ? "hole" : "data", (unsigned long long)off, n);
}

/*
 * Data in [ps+10, 2ps+5) and [5ps, 5ps+1) of 8 pages, windows of two
 * pages: holes come as NULL (inside a window too), data as the file's
 * bytes, and only windows with data are mapped, from their first data.
 */
static void test_walk_holes(void **state)
{
	struct mapfile mf;
	struct hole_log h;
	unsigned char *want;
	const size_t size = 8 * ps;
	const char *path = random_file("holes", size, 40, &want);

	(void)state;
	memset(&h, 0, sizeof(h));
	h.file = want;
	fk.nruns = 2;
	fk.run_lo[0] = (off_t)ps + 10;
	fk.run_hi[0] = 2 * (off_t)ps + 5;
	fk.run_lo[1] = 5 * (off_t)ps;
	fk.run_hi[1] = 5 * (off_t)ps + 1;
	fk.ext_size = (off_t)size;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	mf.window = 2 * ps;
	assert_int_equal(mapfile_walk(&mf, 3, UINT64_MAX, log_piece, &h), 0);
	assert_int_equal(h.calls, 6);
	expect_piece(&h, 0, 1, 3, ps + 7);
	expect_piece(&h, 1, 0, ps + 10, ps - 10);
	expect_piece(&h, 2, 0, 2 * ps, 5);
	expect_piece(&h, 3, 1, 2 * ps + 5, 3 * ps - 5);
	expect_piece(&h, 4, 0, 5 * ps, 1);
	expect_piece(&h, 5, 1, 5 * ps + 1, 3 * ps - 1);
	assert_false(h.gap);
	assert_false(h.bad_data);
	assert_int_equal(fk.mmap_calls, 3);
	assert_int_equal(fk.munmap_calls, 3);
	assert_int_equal(fk.max_live, 1);
	assert_false(fk.mmap_unaligned);
	assert_nothing_mapped(&mf);
	/* A range that ends inside a hole and inside data. */
	memset(&h, 0, sizeof(h));
	h.file = want;
	assert_int_equal(mapfile_walk(&mf, ps, 10, log_piece, &h), 0);
	assert_int_equal(h.calls, 1);
	expect_piece(&h, 0, 1, ps, 10);
	memset(&h, 0, sizeof(h));
	h.file = want;
	assert_int_equal(mapfile_walk(&mf, ps, 20, log_piece, &h), 0);
	assert_int_equal(h.calls, 2);
	expect_piece(&h, 1, 0, ps + 10, 10);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

/*
 * Open a file of three pages of random bytes (SEED) with FLAGS, whose
 * made-up layout is all hole; H logs against its bytes (*WANT, freed by
 * the caller).  Windows of one page.
 */
static void open_all_hole(struct mapfile *mf, struct hole_log *h,
			  const char *name, uint32_t seed, int flags,
			  unsigned char **want)
{
	const char *path = random_file(name, 3 * ps, seed, want);

	memset(h, 0, sizeof(*h));
	h->file = *want;
	fk.no_data = 1;
	fk.ext_size = 3 * (off_t)ps;
	assert_int_equal(mapfile_open(mf, path, flags), 0);
	mf->window = ps;
}

/* A file with no data at all: one hole, nothing mapped. */
static void test_walk_all_hole(void **state)
{
	struct mapfile mf;
	struct hole_log h;
	unsigned char *want;

	(void)state;
	open_all_hole(&mf, &h, "allhole", 41, MF_READ, &want);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_piece, &h), 0);
	assert_int_equal(h.calls, 1);
	expect_piece(&h, 0, 1, 0, 3 * ps);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

/* Where lseek cannot say (EINVAL), every byte is data, as without holes. */
static void test_walk_holes_unsupported(void **state)
{
	struct mapfile mf;
	struct hole_log h;
	unsigned char *want;

	(void)state;
	open_all_hole(&mf, &h, "noholes", 42, MF_READ, &want);
	fail_calls(&fk.lseek_inj, fk.lseek_calls + 1, 100, EINVAL);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_piece, &h), 0);
	assert_int_equal(h.calls, 3);
	for (int i = 0; i < 3; i++)
		expect_piece(&h, i, 0, i * ps, ps);
	assert_false(h.bad_data);
	/* asked once, then no more */
	assert_int_equal(fk.seek_data_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

/* Writers walk every byte mapped, holes too, and never ask. */
static void test_walk_all_maps_holes(void **state)
{
	struct mapfile mf;
	struct hole_log h;
	unsigned char *want;

	(void)state;
	open_all_hole(&mf, &h, "walkall", 43, MF_WRITE, &want);
	assert_int_equal(mapfile_walk_all(&mf, 0, UINT64_MAX, log_piece, &h),
			 0);
	assert_int_equal(h.calls, 3);
	assert_false(h.bad_data);
	assert_int_equal(fk.seek_data_calls, 0);
	assert_int_equal(fk.mmap_calls, 3);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

/* A file that shrinks under a hole is a fault, as under a mapping. */
static void test_walk_hole_file_shrank(void **state)
{
	struct mapfile mf;
	struct hole_log h;
	unsigned char *want;

	(void)state;
	open_all_hole(&mf, &h, "holeshrank", 44, MF_READ, &want);
	fk.fake_size = (off_t)ps;	/* what fstat says from now on */
	errno = 0;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_piece, &h), -1);
	assert_int_equal(errno, EIO);
	assert_true(mf.faulted);
	assert_nothing_mapped(&mf);
	assert_int_equal(mapfile_close(&mf), 0);
	free(want);
}

/* mapfile_feed_zeros: N zeros at OFFSET in bounded chunks; a stop ends it. */
static int count_zeros(void *ctx, const unsigned char *p, size_t n,
		       uint64_t offset)
{
	uint64_t *seen = ctx;

	assert_non_null(p);
	assert_int_equal(offset, 1000 + seen[0]);
	assert_true(n <= 65536);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i], 0);
	seen[0] += n;
	return ++seen[1] == 3 ? 9 : 0;
}

static void test_feed_zeros(void **state)
{
	uint64_t seen[2] = { 0, 0 };

	(void)state;
	assert_int_equal(mapfile_feed_zeros(count_zeros, seen, 100000, 1000),
			 0);
	assert_int_equal(seen[0], 100000);
	seen[0] = seen[1] = 0;
	assert_int_equal(mapfile_feed_zeros(count_zeros, seen, 1000000, 1000),
			 9);
	assert_int_equal(seen[0], 3 * 65536);
}

/* ---- mapfile_walk: streams -------------------------------------------- */

static void test_walk_stream_whole(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char data[50000];

	(void)state;
	memset(&w, 0, sizeof(w));
	fill_random(data, sizeof(data), 43);
	assert_int_equal(mapfile_adopt(&mf, pipe_with(data, sizeof(data))), 0);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.off[0], 0);
	assert_false(w.gap);
	assert_false(w.empty);
	assert_int_equal(w.len, sizeof(data));
	assert_memory_equal(w.bytes, data, sizeof(data));
	assert_int_equal(mf.stream_pos, sizeof(data));
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_stream_skip_past_end(void **state)
{
	struct mapfile mf;
	struct walk_log w;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_adopt(&mf, pipe_with("0123456789", 10)), 0);
	mf.window = 4;
	assert_int_equal(mapfile_walk(&mf, 10, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);

	/* skipping one short of the end leaves the last byte */
	assert_int_equal(mapfile_adopt(&mf, pipe_with("0123456789", 10)), 0);
	mf.window = 4;
	assert_int_equal(mapfile_walk(&mf, 9, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.off[0], 9);
	assert_int_equal(w.n[0], 1);
	assert_int_equal(w.bytes[0], '9');
	assert_int_equal(mapfile_close(&mf), 0);

	/* a zero length reads nothing */
	log_free(&w);
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_adopt(&mf, pipe_with("0123456789", 10)), 0);
	fk.read_calls = 0;
	assert_int_equal(mapfile_walk(&mf, 0, 0, log_chunk, &w), 0);
	assert_int_equal(w.calls, 0);
	assert_int_equal(fk.read_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_stream_exact_range(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char rest[32];
	size_t got;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_adopt(&mf, pipe_with("abcdefghijklmnop", 16)),
			 0);
	mf.window = 3;
	assert_int_equal(mapfile_walk(&mf, 2, 7, log_chunk, &w), 0);
	assert_int_equal(w.len, 7);
	assert_memory_equal(w.bytes, "cdefghi", 7);
	assert_int_equal(w.off[0], 2);
	assert_false(w.gap);
	for (int i = 0; i < w.calls; i++)
		assert_true(w.n[i] <= 3);
	/* it read no further than the range */
	assert_int_equal(mf.stream_pos, 9);
	assert_int_equal(mapfile_read(&mf, rest, sizeof(rest), &got), 0);
	assert_int_equal(got, 7);
	assert_memory_equal(rest, "jklmnop", 7);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_stream_callback_stops(void **state)
{
	struct mapfile mf;
	struct walk_log w;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	w.stop_rc = 3;
	assert_int_equal(mapfile_adopt(&mf, pipe_with("0123456789", 10)), 0);
	mf.window = 2;
	assert_int_equal(mapfile_walk(&mf, 1, UINT64_MAX, log_chunk, &w), 3);
	assert_int_equal(w.calls, 2);
	assert_memory_equal(w.bytes, "1234", 4);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

static void test_walk_stream_read_errors(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	unsigned char data[9000];

	(void)state;
	memset(&w, 0, sizeof(w));
	fill_random(data, sizeof(data), 44);
	assert_int_equal(mapfile_adopt(&mf, pipe_with(data, sizeof(data))), 0);
	mf.window = 4096;
	/* EINTR is retried, EIO ends the walk */
	fail_calls(&fk.read_inj, 1, 1, EINTR);
	assert_int_equal(mapfile_walk(&mf, 0, 4096, log_chunk, &w), 0);
	assert_int_equal(w.len, 4096);
	assert_memory_equal(w.bytes, data, 4096);
	fail_calls(&fk.read_inj, 3, 1, EIO);
	errno = 0;
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* A file whose size lies walks as a stream, the probe byte first. */
static void test_walk_stream_probe_first(void **state)
{
	struct mapfile mf;
	struct walk_log w;
	const char *path = write_file(tmp_path("liar5"), "hello world", 11);

	(void)state;
	memset(&w, 0, sizeof(w));
	fk.fake_size = 0;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mf.kind, MF_STREAM);
	assert_int_equal(mapfile_walk(&mf, 0, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.len, 11);
	assert_memory_equal(w.bytes, "hello world", 11);
	assert_int_equal(w.off[0], 0);
	assert_false(w.gap);
	assert_int_equal(fk.mmap_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);

	/* skipping one byte skips exactly the probe */
	memset(&w, 0, sizeof(w));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_walk(&mf, 1, UINT64_MAX, log_chunk, &w), 0);
	assert_int_equal(w.len, 10);
	assert_memory_equal(w.bytes, "ello world", 10);
	assert_int_equal(w.off[0], 1);
	assert_int_equal(mapfile_close(&mf), 0);
	log_free(&w);
}

/* ---- mapfile_guard_std_fds -------------------------------------------- */

/* Is FD open on /dev/null with access mode ACC?  0 if so, else a code. */
static int is_dev_null(int fd, int acc)
{
	struct stat a, b;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return 10;
	if ((fl & O_ACCMODE) != acc)
		return 11;
	if (fstat(fd, &a) < 0 || stat("/dev/null", &b) < 0)
		return 12;
	if (!S_ISCHR(a.st_mode) || a.st_rdev != b.st_rdev ||
	    a.st_ino != b.st_ino)
		return 13;
	return 0;
}

static void test_guard_reopens_stderr(void **state)
{
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		close(2);
		if (fcntl(2, F_GETFD) >= 0)
			_exit(2);
		if (mapfile_guard_std_fds() != 0)
			_exit(3);
		if ((rc = is_dev_null(2, O_WRONLY)) != 0)
			_exit(rc);
		/* the next file opened does not land on 2 */
		rc = open(".", O_RDONLY);
		_exit(rc > 2 ? 0 : 4);
	}
	assert_int_equal(child_status(pid), 0);
}

static void test_guard_reopens_all(void **state)
{
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		close(0);
		close(1);
		close(2);
		if (mapfile_guard_std_fds() != 0)
			_exit(3);
		if ((rc = is_dev_null(0, O_RDONLY)) != 0)
			_exit(rc);
		if ((rc = is_dev_null(1, O_WRONLY)) != 0)
			_exit(rc + 10);
		if ((rc = is_dev_null(2, O_WRONLY)) != 0)
			_exit(rc + 20);
		_exit(fk.open_calls == 3 ? 0 : 5);
	}
	assert_int_equal(child_status(pid), 0);
}

/* Only the closed one is opened: 0 and 2 closed, 1 open. */
static void test_guard_reopens_only_closed(void **state)
{
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;
		struct stat before, after;

		if (fstat(1, &before) < 0)
			_exit(2);
		close(0);
		close(2);
		if (mapfile_guard_std_fds() != 0)
			_exit(3);
		if ((rc = is_dev_null(0, O_RDONLY)) != 0)
			_exit(rc);
		if ((rc = is_dev_null(2, O_WRONLY)) != 0)
			_exit(rc + 10);
		if (fstat(1, &after) < 0 || after.st_ino != before.st_ino ||
		    after.st_dev != before.st_dev)
			_exit(4);
		_exit(fk.open_calls == 2 ? 0 : 5);
	}
	assert_int_equal(child_status(pid), 0);
}

static void test_guard_noop_when_open(void **state)
{
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int before;

		/* make sure all three are open, whatever the test runner
		 * left us */
		for (int fd = 0; fd <= 2; fd++)
			if (fcntl(fd, F_GETFD) < 0 &&
			    open("/dev/null", O_RDWR) != fd)
				_exit(2);
		before = count_open_fds();
		if (mapfile_guard_std_fds() != 0)
			_exit(3);
		if (fk.open_calls != 0)
			_exit(4);
		_exit(count_open_fds() == before ? 0 : 5);
	}
	assert_int_equal(child_status(pid), 0);
}

static void test_guard_open_fails(void **state)
{
	pid_t pid;

	(void)state;
	fail_calls(&fk.open_inj, 1, 1, EMFILE);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(2);
		errno = 0;
		if (mapfile_guard_std_fds() != -1)
			_exit(2);
		_exit(errno == EMFILE ? 0 : 3);
	}
	assert_int_equal(child_status(pid), 0);
}

/* ---- prepare: reserve, prefill, grow (issue 8) ------------------------- */

/* Blocks are reserved with FALLOC_FL_KEEP_SIZE, never by growing: a range
 * past the end leaves the size to the ftruncate, and inside a hole-free
 * file nothing is called at all (fallocate would stamp the mtime). */
static void test_prepare_reserves_keeping_size(void **state)
{
	struct mapfile mf;
	struct mapfile_span span = { 0, 3 * ps };
	const char *path = tmp_path("prepare-keep");
	int fd;

	(void)state;
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)(2 * ps)), 0);	/* a hole */
	close(fd);
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_prepare(&mf, &span, 1, 2 * ps + 10), 0);
	assert_int_equal(fk.keep_calls, 1);
	assert_int_equal(fk.keep_off, 0);
	assert_int_equal(fk.keep_len, (off_t)(2 * ps + 10));
	assert_int_equal(fk.fallocate_calls, 0);	/* posix_fallocate */
	assert_int_equal(fk.ftruncate_size, (off_t)(2 * ps + 10));
	assert_int_equal(mf.size, 2 * ps + 10);
	assert_int_equal(file_size(path), 2 * ps + 10);
	assert_int_equal(mapfile_close(&mf), 0);

	random_file("prepare-keep", 2 * ps, 61, NULL);
	span.end = 2 * ps;
	memset(&fk, 0, sizeof(fk));
	fk.fake_size = -1;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mapfile_prepare(&mf, &span, 1, 2 * ps), 0);
	assert_int_equal(fk.keep_calls, 0);
	assert_int_equal(mapfile_close(&mf), 0);
}

/*
 * Where blocks cannot be reserved (EOPNOTSUPP: ext2, musl), each page is
 * written back with its own bytes first; a pwrite that fails for space
 * stops it, with the bytes as they were and the growth taken back.
 */
static void test_prepare_prefills_without_fallocate(void **state)
{
	struct mapfile mf;
	struct mapfile_span spans[2] = { { 0, ps }, { 2 * ps, 4 * ps } };
	unsigned char *want, *got;
	const char *path = random_file("prefill", 3 * ps, 62, &want);
	size_t len;

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	/* The span past the end is reserved, and cannot be. */
	fail_calls(&fk.keep_inj, 1, 10, EOPNOTSUPP);
	fail_calls(&fk.pwrite_inj, 2, 10, ENOSPC);
	fk.fake_size = -1;
	assert_int_equal(mapfile_prepare(&mf, spans, 2, 4 * ps), -1);
	assert_int_equal(errno, ENOSPC);
	assert_false(mf.resized_by_other);
	assert_int_equal(fk.keep_calls, 1);
	assert_int_equal(fk.pwrite_calls, 2);
	assert_int_equal(file_size(path), 3 * ps);
	assert_int_equal(mf.size, 3 * ps);
	got = read_file(path, &len);
	assert_int_equal(len, 3 * ps);
	assert_memory_equal(got, want, len);
	free(got);

	/* Room enough: the pages are written back, nothing changes but
	 * the size. */
	memset(&fk, 0, sizeof(fk));
	fk.fake_size = -1;
	fail_calls(&fk.keep_inj, 1, 10, EOPNOTSUPP);
	assert_int_equal(mapfile_prepare(&mf, spans, 2, 4 * ps), 0);
	assert_int_equal(mf.size, 4 * ps);
	assert_int_equal(fk.pwrite_bytes, 3 * ps);	/* pages 0, 2, 3 */
	got = read_file(path, &len);
	assert_int_equal(len, 4 * ps);
	assert_memory_equal(got, want, 3 * ps);
	free(got);
	free(want);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* The last page below 2^63 does not map (EOVERFLOW): it is read with
 * pread, and only the bytes changed go back with pwrite. */
static void test_map_eoverflow_reads_and_writes_back(void **state)
{
	struct mapfile mf;
	unsigned char *want, *got;
	const char *path = random_file("eoverflow", 3 * ps, 63, &want);
	size_t len;

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	fail_calls(&fk.mmap_inj, 1, 1, EOVERFLOW);
	assert_int_equal(mapfile_map(&mf, ps + 10, ps), 0);
	assert_int_equal(mf.buffered, 1);
	assert_int_equal(fk.pread_calls, 1);
	assert_memory_equal(mf.data, want + ps + 10, ps);
	mf.data[5] ^= 0xff;
	mf.data[6] ^= 0xff;
	mf.data[100] ^= 0xff;
	want[ps + 15] ^= 0xff;
	want[ps + 16] ^= 0xff;
	want[ps + 110] ^= 0xff;
	assert_int_equal(mapfile_sync(&mf), 0);
	assert_int_equal(fk.pwrite_calls, 2);
	assert_int_equal(fk.pwrite_bytes, 3);
	assert_int_equal(fk.fsync_calls, 1);
	/* Synced: dropping the mapping writes nothing more. */
	assert_int_equal(mapfile_unmap(&mf), 0);
	assert_int_equal(fk.pwrite_calls, 2);
	assert_int_equal(fk.munmap_calls, 0);
	got = read_file(path, &len);
	assert_memory_equal(got, want, 3 * ps);
	free(got);

	/* Unsynced changes go back when the mapping is dropped; a failing
	 * pwrite there is the unmap's failure. */
	fail_calls(&fk.mmap_inj, 2, 1, EOVERFLOW);
	assert_int_equal(mapfile_map(&mf, 0, 10), 0);
	mf.data[0] ^= 0xff;
	fail_calls(&fk.pwrite_inj, 3, 1, EIO);
	assert_int_equal(mapfile_unmap(&mf), -1);
	assert_int_equal(errno, EIO);
	assert_null(mf.data);
	free(want);
	assert_int_equal(mapfile_close(&mf), 0);
}

/* ---- the syscall table itself ----------------------------------------- */

/* The table is copied; NULL puts the real calls back. */
static void test_set_syscalls_copies_and_restores(void **state)
{
	struct mapfile mf;
	struct mapfile_syscalls table = wrappers;
	const char *path = random_file("table", 100, 45, NULL);

	(void)state;
	mapfile_set_syscalls(&table);
	table.mmap = NULL;	/* would crash if the layer kept a pointer */
	table.open = NULL;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 100), 0);
	assert_int_equal(fk.open_calls, 1);
	assert_int_equal(fk.mmap_calls, 1);
	assert_int_equal(mapfile_close(&mf), 0);

	mapfile_set_syscalls(NULL);
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 100), 0);
	assert_non_null(mf.data);
	assert_int_equal(mapfile_close(&mf), 0);
	assert_int_equal(fk.open_calls + fk.fstat_calls + fk.mmap_calls +
			 fk.munmap_calls + fk.close_calls, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)


/* ---- the SIGBUS guard and the write lock -------------------------------- */

/* Read one byte of a mapping at *(const volatile unsigned char **)ctx. */
static int touch_byte(void *ctx)
{
	const volatile unsigned char *p = ctx;

	return *p == 0xfe ? 7 : 8;
}

static void test_guard_catches_shrink_twice(void **state)
{
	struct mapfile mf;
	const char *path = random_file("guard", 3 * ps, 41, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_READ), 0);
	assert_int_equal(mapfile_map(&mf, 0, 3 * ps), 0);
	/* In range: the callback's own value comes back. */
	assert_true(mapfile_guard(&mf, touch_byte, mf.data + 5) >= 7);
	assert_false(mf.faulted);
	assert_int_equal(truncate(path, 0), 0);
	/* Past the new end: caught, twice (SIGBUS is unblocked again after
	 * the first jump, or the second fault would kill us). */
	for (int i = 0; i < 2; i++) {
		errno = 0;
		assert_int_equal(mapfile_guard(&mf, touch_byte,
					       mf.data + 2 * ps), -1);
		assert_int_equal(errno, EIO);
		assert_true(mf.faulted);
	}
	assert_int_equal(mapfile_close(&mf), 0);
}

struct nested {
	struct mapfile *inner;
	const unsigned char *outer_byte;
	int inner_rc;
};

static int touch_outer(void *ctx)
{
	struct nested *n = ctx;

	return touch_byte((void *)n->outer_byte);
}

static int guard_inner(void *ctx)
{
	struct nested *n = ctx;

	n->inner_rc = mapfile_guard(n->inner, touch_outer, n);
	return n->inner_rc;
}

static void test_guard_nested_fault_reaches_outer(void **state)
{
	struct mapfile a, b;
	struct nested n;
	const char *pa = random_file("guard-a", 2 * ps, 42, NULL);
	const char *pb = random_file("guard-b", 2 * ps, 43, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&a, pa, MF_READ), 0);
	assert_int_equal(mapfile_open(&b, pb, MF_READ), 0);
	assert_int_equal(mapfile_map(&a, 0, 2 * ps), 0);
	assert_int_equal(mapfile_map(&b, 0, 2 * ps), 0);
	assert_int_equal(truncate(pa, 0), 0);
	n.inner = &b;
	n.outer_byte = a.data + ps;
	n.inner_rc = 99;
	/* The fault is in A's mapping, taken under B's guard: A's guard
	 * (the outer one) catches it; B's never returns. */
	assert_int_equal(mapfile_guard(&a, guard_inner, &n), -1);
	assert_true(a.faulted);
	assert_false(b.faulted);
	assert_int_equal(n.inner_rc, 99);
	/* And the guard still works afterwards. */
	assert_int_equal(mapfile_guard(&a, touch_byte, a.data + ps), -1);
	assert_int_equal(mapfile_close(&a), 0);
	assert_int_equal(mapfile_close(&b), 0);
}

static void test_lock_rereads_size(void **state)
{
	struct mapfile mf;
	const char *path = random_file("lock", 100, 44, NULL);

	(void)state;
	assert_int_equal(mapfile_open(&mf, path, MF_WRITE), 0);
	assert_int_equal(mf.size, 100);
	/* Another writer grows the file between our open and our lock. */
	assert_int_equal(truncate(path, 5000), 0);
	assert_int_equal(mapfile_lock(&mf), 0);
	assert_int_equal(mf.size, 5000);
	assert_int_equal(mapfile_close(&mf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_regular_read),
		T(test_open_write_flags),
		T(test_open_create),
		T(test_open_create_keeps_existing),
		T(test_open_create_needs_write),
		T(test_open_missing),
		T(test_open_directory),
		T(test_open_eacces),
		T(test_open_emfile),
		T(test_open_fstat_fails_no_leak),
		T(test_open_fstat_fails_close_fails_keeps_errno),
		T(test_open_empty_regular),
		T(test_open_empty_writer),
		T(test_open_size_lies_probe_byte),
		T(test_open_probe_read_eintr_retried),
		T(test_open_probe_read_eio),
		T(test_open_fifo_writer_does_not_hang),
		T(test_open_fifo_reader_stream),
		T(test_open_proc_is_stream),
		T(test_open_proc_writer_is_stream),
		T(test_open_block_device_size),
		T(test_open_block_device_lseek_fails),
		T(test_sparse_64g),
		T(test_adopt_pipe_walk_with_skip),
		T(test_adopt_regular_maps_from_position),
		T(test_adopt_position_past_end),
		T(test_adopt_failure_leaves_fd_open),
		T(test_map_covers_pages),
		T(test_map_aligned_and_edges),
		T(test_map_len_zero),
		T(test_map_outside_file_einval),
		T(test_map_replaces_earlier),
		T(test_map_invalid_drops_earlier),
		T(test_map_mmap_einval),
		T(test_map_mmap_enomem),
		T(test_map_stream_einval),
		T(test_map_write_through),
		T(test_unmap_without_mapping),
		T(test_unmap_failure_clears_fields),
		T(test_sync_eio),
		T(test_sync_without_mapping),
		T(test_close_munmap_fails),
		T(test_close_fails_eio),
		T(test_close_first_error_wins),
		T(test_resize_grow_and_shrink),
		T(test_resize_efbig),
		T(test_resize_enospc),
		T(test_resize_eintr_retried),
		T(test_resize_past_off_max),
		T(test_allocate_real),
		T(test_allocate_enospc),
		T(test_allocate_eintr_retried),
		T(test_allocate_limits),
		T(test_prepare_reserves_keeping_size),
		T(test_prepare_prefills_without_fallocate),
		T(test_map_eoverflow_reads_and_writes_back),
		T(test_fsync_eio),
		T(test_fsync_eintr_retried),
		T(test_read_eintr_retried),
		T(test_read_eio),
		T(test_read_zero_bytes_keeps_probe),
		T(test_guard_catches_shrink_twice),
		T(test_guard_nested_fault_reaches_outer),
		T(test_lock_rereads_size),
		T(test_walk_holes),
		T(test_walk2_regular),
		T(test_walk2_stream),
		T(test_walk2_holes),
		T(test_walk2_file_shrinks),
		T(test_walk_all_hole),
		T(test_walk_holes_unsupported),
		T(test_walk_all_maps_holes),
		T(test_walk_hole_file_shrank),
		T(test_feed_zeros),
		T(test_walk_window_boundaries),
		T(test_walk_window_multiple_pages),
		T(test_walk_window_rounded),
		T(test_walk_clipped_ranges),
		T(test_walk_callback_stops),
		T(test_walk_mmap_fails_midway),
		T(test_walk_munmap_fails),
		T(test_walk_bounded_memory),
		T(test_walk_drops_earlier_mapping),
		T(test_walk_stream_whole),
		T(test_walk_stream_skip_past_end),
		T(test_walk_stream_exact_range),
		T(test_walk_stream_callback_stops),
		T(test_walk_stream_read_errors),
		T(test_walk_stream_probe_first),
		T(test_guard_reopens_stderr),
		T(test_guard_reopens_all),
		T(test_guard_reopens_only_closed),
		T(test_guard_noop_when_open),
		T(test_guard_open_fails),
		T(test_set_syscalls_copies_and_restores),
	};
	long p = sysconf(_SC_PAGESIZE);

	ps = p > 0 ? (size_t)p : 4096;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
