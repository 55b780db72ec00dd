/*
 * test_faults.c - what mmtool does when the world fails under it: a file
 * truncated while it is read through a mapping, a full filesystem, a
 * read-only remount, a user without permission, a file-size limit, a full
 * or closed standard output, writers racing each other and a resize loop.
 *
 * The promise under test (SPEC.md, issue 5): never a death by a signal,
 * never a lost byte; each failure is exit 2 with one line on stderr, and a
 * refused command leaves the file as it was.
 *
 * The tests that need root (mounting a small tmpfs, remounting it
 * read-only, running as another user) skip with a message saying why when
 * they cannot run.  Processes are started with fork and exec here rather
 * than through run_mmtool, because these tests need control over standard
 * output (a pipe read slowly, /dev/full, a reader that goes away) and over
 * the child's resource limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#define CHANGED "file changed size while being read"

/* ---- Processes ---------------------------------------------------------- */

/* A started command: its pid and the read end of its standard error. */
struct proc {
	pid_t pid;
	int err_fd;
};

/* How a finished command ended. */
struct outcome {
	int status;		/* exit status, or 128+signal */
	int signaled;
	char err[4096];		/* standard error, NUL-terminated */
};

static void set_cloexec(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
}

/* pipe(2) with both ends closed on exec, so that a child holds only the
 * ends it was given: a reader that closes its end must mean EPIPE. */
static void make_pipe(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
	set_cloexec(fds[0]);
	set_cloexec(fds[1]);
}

/*
 * Start ARGV with standard input from IN_PATH (NULL: /dev/null), standard
 * output to OUT_FD (-1: /dev/null) and standard error to a pipe.  ARGV[0]
 * "mmtool" means the mmtool under test; anything else is looked up in
 * PATH.  FSIZE, when not 0, is the child's RLIMIT_FSIZE in bytes.
 */
static void start_with(struct proc *p, const char *in_path, int out_fd,
		       rlim_t fsize, const char *const *argv)
{
	int err[2];

	make_pipe(err);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int in = in_path ? open(in_path, O_RDONLY) : null;

		if (null < 0 || in < 0 || dup2(in, 0) < 0 ||
		    dup2(out_fd >= 0 ? out_fd : null, 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(126);
		if (fsize != 0) {
			struct rlimit rl;

			rl.rlim_cur = rl.rlim_max = fsize;
			if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
				_exit(126);
		}
		if (strcmp(argv[0], "mmtool") == 0)
			execv(mmtool_path(), (char *const *)argv);
		else
			execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(err[1]);
	p->err_fd = err[0];
}

/* The same with standard input from /dev/null. */
static void start(struct proc *p, int out_fd, rlim_t fsize,
		  const char *const *argv)
{
	start_with(p, NULL, out_fd, fsize, argv);
}

/* Wait for P to end; its standard error is read to the end first. */
static void finish(struct proc *p, struct outcome *o)
{
	size_t n = 0;
	int status;

	memset(o, 0, sizeof(*o));
	for (;;) {
		ssize_t r = read(p->err_fd, o->err + n, sizeof(o->err) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof(o->err) - 1) {
			char junk[512];

			while (read(p->err_fd, junk, sizeof(junk)) > 0)
				;
			break;
		}
	}
	o->err[n] = '\0';
	close(p->err_fd);
	while (waitpid(p->pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (WIFSIGNALED(status)) {
		o->signaled = 1;
		o->status = 128 + WTERMSIG(status);
	} else {
		o->status = WEXITSTATUS(status);
	}
}

/* Run ARGV to the end with standard output to OUT_FD. */
static void run_to(struct outcome *o, int out_fd, rlim_t fsize,
		   const char *const *argv)
{
	struct proc p;

	start(&p, out_fd, fsize, argv);
	finish(&p, o);
}

/* Exit STATUS, not by a signal, one line "mmtool: ..." on stderr holding
 * MSG (unless NULL). */
static void assert_failed(const struct outcome *o, int status,
			  const char *msg)
{
	const char *nl = strchr(o->err, '\n');

	print_message("    status %d%s, stderr: %s%s", o->status,
		      o->signaled ? " (killed by a signal)" : "", o->err,
		      nl ? "" : "\n");
	assert_false(o->signaled);
	assert_int_equal(o->status, status);
	assert_true(strncmp(o->err, "mmtool: ", 8) == 0);
	assert_non_null(nl);
	assert_true(nl[1] == '\0');
	if (msg != NULL && strstr(o->err, msg) == NULL)
		fail_msg("stderr [%s] does not contain [%s]", o->err, msg);
}

/* Wait until P is blocked writing to a pipe (Linux names that in
 * /proc/PID/wchan); where that cannot be seen, give it a moment. */
static void wait_blocked_in_write(pid_t pid)
{
	char path[64], wchan[128];
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	snprintf(path, sizeof(path), "/proc/%ld/wchan", (long)pid);
	for (int i = 0; i < 500; i++) {
		FILE *fp = fopen(path, "r");
		size_t n = 0;

		if (fp != NULL) {
			n = fread(wchan, 1, sizeof(wchan) - 1, fp);
			fclose(fp);
		}
		wchan[n] = '\0';
		if (strstr(wchan, "pipe_write") != NULL)
			return;
		if (i >= 30 && (n == 0 || strcmp(wchan, "0") == 0))
			return;		/* wchan hidden: 300 ms will do */
		nanosleep(&ts, NULL);
	}
	fail_msg("process %ld never blocked writing to its pipe", (long)pid);
}

/* Read and throw away everything up to end of file on FD. */
static size_t drain(int fd, char *last, size_t last_size, size_t *last_len)
{
	char buf[65536];
	size_t total = 0;
	ssize_t r;

	*last_len = 0;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			assert_int_equal(errno, EINTR);
			continue;
		}
		total += (size_t)r;
		/* Keep the tail, to check that output ends on a whole line. */
		if ((size_t)r >= last_size) {
			memcpy(last, buf + r - last_size, last_size);
			*last_len = last_size;
		} else {
			size_t keep = *last_len + (size_t)r > last_size ?
				      last_size - (size_t)r : *last_len;

			memmove(last, last + *last_len - keep, keep);
			memcpy(last + keep, buf, (size_t)r);
			*last_len = keep + (size_t)r;
		}
	}
	return total;
}

/* Read exactly N bytes from FD. */
static void read_exactly(int fd, size_t n)
{
	char buf[4096];

	while (n > 0) {
		ssize_t r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r > 0);
		n -= (size_t)r;
	}
}

static void make_random_file(const char *path, size_t len, uint32_t seed)
{
	unsigned char *buf = malloc(len);

	assert_non_null(buf);
	fill_random(buf, len, seed);
	write_file(path, buf, len);
	free(buf);
}

static void make_sparse_file(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
}

/* Run a shell command quietly; 1 if it exited 0. */
static int shell_ok(const char *fmt, ...)
{
	char cmd[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0;
}

/* ---- A file truncated under a reader held back by a slow pipe ----------- */

/*
 * Start ARGV with standard output to a pipe, read HEAD bytes of it (the
 * command is now part-way through FILE and blocked on the full pipe),
 * truncate FILE to nothing, then read the rest.  The command must stop
 * with exit 2 and "file changed size while being read", and what it wrote
 * before must end on a whole line.
 */
static void truncate_under_slow_reader(const char *file,
				       const char *const *argv, size_t head)
{
	char tail[64];
	size_t tail_len, total;
	struct outcome o;
	struct proc p;
	int out[2];

	make_pipe(out);
	start(&p, out[1], 0, argv);
	close(out[1]);
	read_exactly(out[0], head);
	wait_blocked_in_write(p.pid);
	assert_int_equal(truncate(file, 0), 0);
	total = drain(out[0], tail, sizeof(tail), &tail_len) + head;
	close(out[0]);
	finish(&p, &o);
	print_message("    %s: %zu bytes of output before the fault\n",
		      argv[1], total);
	assert_failed(&o, 2, CHANGED);
	assert_true(tail_len > 0 && tail[tail_len - 1] == '\n');
}

static void test_hexdump_truncated_under_slow_reader(void **state)
{
	const char *f = tmp_path("slow-hexdump");
	const char *argv[] = { "mmtool", "hexdump", f, NULL };

	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	make_random_file(f, 8u << 20, 1);
	truncate_under_slow_reader(f, argv, 65536);
}

static void test_find_truncated_under_slow_reader(void **state)
{
	const char *f = tmp_path("slow-find");
	const char *argv[] = { "mmtool", "find", f, "00", NULL };

	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	make_sparse_file(f, 4 << 20);	/* 4 Mi matches, 30 MB of lines */
	truncate_under_slow_reader(f, argv, 65536);
}

static void test_peek_truncated_under_slow_reader(void **state)
{
	const char *f = tmp_path("slow-peek");
	const char *argv[] = { "mmtool", "peek", "-t", "u8", f, "0", "4M",
			       NULL };

	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	make_random_file(f, 4u << 20, 2);
	truncate_under_slow_reader(f, argv, 65536);
}

/*
 * Every format ends on a whole line when the file shrinks mid-read (issue
 * 8, item 11: -f plain and -f c ended mid-line, their lines cut where the
 * output buffer was drained).  The buffer is drained when full, with the
 * command then blocked on the slow pipe: the truncation comes after a
 * drain that, on main, cut a line.
 */
static void test_every_format_truncated_under_slow_reader(void **state)
{
	static const char *const formats[][6] = {
		{ "hexdump", "-f", "plain", NULL },
		{ "hexdump", "-f", "c", NULL },
		{ "hexdump", "-f", "xxd", "-c", "7", NULL },
		{ "hexdump", "-f", "plain", "-c", "7", NULL },
		{ "peek", "-f", "plain", NULL },
		{ "peek", "-f", "c", NULL },
		{ "peek", "-f", "xxd", NULL },
		{ "peek", "-f", "canonical", NULL },
	};
	const char *f = tmp_path("slow-formats");

	(void)state;
	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		const char *argv[12];
		size_t n = 0;

		argv[n++] = "mmtool";
		for (size_t k = 0; formats[i][k] != NULL; k++)
			argv[n++] = formats[i][k];
		argv[n++] = f;
		if (strcmp(formats[i][0], "peek") == 0) {
			argv[n++] = "0";
			argv[n++] = "8M";
		}
		argv[n] = NULL;
		make_random_file(f, 8u << 20, 12);
		truncate_under_slow_reader(f, argv, 65536);
	}
}

/* Start ARGV with MMTOOL_TEST_STOP_MAPPED set and wait until it stops
 * itself, its first window mapped for writing. */
static void start_stopped_at_map(struct proc *p, const char *const *argv)
{
	int status;

	assert_int_equal(setenv("MMTOOL_TEST_STOP_MAPPED", "1", 1), 0);
	start(p, -1, 0, argv);
	unsetenv("MMTOOL_TEST_STOP_MAPPED");
	while (waitpid(p->pid, &status, WUNTRACED) < 0)
		assert_int_equal(errno, EINTR);
	if (!WIFSTOPPED(status))
		fail_msg("%s did not stop at its mapping (status 0x%x)",
			 argv[1], (unsigned)status);
}

/*
 * The file truncated under poke's mapping, between the mapping and the
 * store, by a program that knows nothing of mmtool's lock: poke stops
 * itself there (MMTOOL_TEST_STOP_MAPPED), the test truncates and lets it
 * go on.  The store faults: exit 2 with one line
 * that says the file changed, no signal, and the file as the truncation
 * left it.
 */
static void test_poke_store_into_truncated_mapping(void **state)
{
	const char *f = tmp_path("poke-truncated");
	const char *in = tmp_path("poke-input");
	const char *argv[] = { "mmtool", "poke", "--no-sync", "-i", in, f, "0",
			       NULL };
	struct outcome o;
	struct proc p;
	struct stat st;

	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	make_random_file(in, 1u << 20, 3);
	make_sparse_file(f, 16 << 20);
	start_stopped_at_map(&p, argv);
	assert_int_equal(truncate(f, 0), 0);
	assert_int_equal(kill(p.pid, SIGCONT), 0);
	finish(&p, &o);
	if (o.signaled)
		fail_msg("poke killed by signal %d", o.status - 128);
	assert_int_equal(o.status, 2);
	assert_true(strncmp(o.err, "mmtool: poke: ", 14) == 0);
	assert_true(strchr(o.err, '\n')[1] == '\0');
	if (strstr(o.err, CHANGED) == NULL)
		fail_msg("%s", o.err);
	assert_int_equal(stat(f, &st), 0);
	assert_true(st.st_size == 0);
}

/*
 * A signal that ends programs, sent to poke stopped between mapping and
 * store: held until the store and its sync are done, then poke ends by
 * it, with the bytes whole in the file (patch's case is
 * test_signal_held_while_storing).
 */
static void test_poke_signal_held_while_storing(void **state)
{
	const char *f = tmp_path("poke-signal");
	const char *in = tmp_path("poke-signal-in");
	const char *argv[] = { "mmtool", "poke", "-i", in, f, "4097", NULL };
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t flen = 4u << 20, ilen = 1u << 20;
	unsigned char *orig = malloc(flen), *want = malloc(flen);
	struct rlimit core, no_core = { 0, 0 };

	(void)state;
	assert_non_null(orig);
	assert_non_null(want);
	fill_random(orig, flen, 6);
	memcpy(want, orig, flen);
	fill_random(want + 4097, ilen, 5);
	write_file(in, want + 4097, ilen);
	/* SIGQUIT dumps core: not here. */
	assert_int_equal(getrlimit(RLIMIT_CORE, &core), 0);
	assert_int_equal(setrlimit(RLIMIT_CORE, &no_core), 0);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct outcome o;
		struct proc p;

		write_file(f, orig, flen);
		start_stopped_at_map(&p, argv);
		assert_int_equal(kill(p.pid, sigs[i]), 0);
		assert_int_equal(kill(p.pid, SIGCONT), 0);
		finish(&p, &o);
		if (!o.signaled || o.status != 128 + sigs[i])
			fail_msg("signal %d: status %d%s, stderr [%s]", sigs[i],
				 o.status, o.signaled ? " (signal)" : "",
				 o.err);
		assert_file(f, want, flen);
	}
	setrlimit(RLIMIT_CORE, &core);
	free(orig);
	free(want);
}

/* ---- A small full tmpfs, and a read-only remount (root) ----------------- */

struct small_fs {
	char dir[512];
	char sparse[600];	/* 4 MiB, all hole, on a 1 MiB filesystem */
	char dump[600];		/* tmpfs: a dump that writes into the hole;
				 * ext4: a 64 KiB input for poke -i */
	const char *skip;	/* why the test cannot run, or NULL */
	int mounted;
};

/* Mount a 1 MiB tmpfs on a fresh directory NAME.  0 (fs->skip says why
 * it could not, if it could not), or -1. */
static int mount_tmpfs(struct small_fs *fs, const char *name)
{
	if (geteuid() != 0) {
		fs->skip = "not root: cannot mount a small tmpfs";
		return 0;
	}
	snprintf(fs->dir, sizeof(fs->dir), "%s", tmp_path(name));
	if (mkdir(fs->dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (!shell_ok("mount -t tmpfs -o size=1m tmpfs '%s' 2>/dev/null",
		      fs->dir)) {
		fs->skip = "mount -t tmpfs failed (no CAP_SYS_ADMIN?)";
		return 0;
	}
	fs->mounted = 1;
	return 0;
}

static int fill_up(const char *dir);

static int mount_small_fs(void **state)
{
	static struct small_fs fs;
	int fd;

	memset(&fs, 0, sizeof(fs));
	*state = &fs;
	if (mount_tmpfs(&fs, "smallfs") < 0)
		return -1;
	if (!fs.mounted)
		return 0;
	snprintf(fs.sparse, sizeof(fs.sparse), "%s/sparse", fs.dir);
	snprintf(fs.dump, sizeof(fs.dump), "%s", tmp_path("hole.dump"));
	make_sparse_file(fs.sparse, 4 << 20);
	/* A dump that writes 4 bytes at 2 MiB: in the hole. */
	write_file(fs.dump, "00200000: 4142 4344  ABCD\n", 26);
	/* Fill the filesystem to the last block. */
	fd = fill_up(fs.dir);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/*
 * Make an image of SIZE bytes with MKFS, the name of a mkfs program (its
 * options are for 1 KiB blocks), and mount it on a fresh directory NAME.
 * 0 (fs->skip says why it could not run, if it could not), or -1.
 */
static int mount_image(struct small_fs *fs, const char *mkfs,
		       const char *name, off_t size)
{
	char image[600];

	if (geteuid() != 0) {
		fs->skip = "not root: cannot mount a filesystem image";
		return 0;
	}
	if (!have_program(mkfs)) {
		fs->skip = strcmp(mkfs, "mkfs.ext2") == 0 ?
			   "mkfs.ext2 not found (e2fsprogs)" :
			   "mkfs.ext4 not found (e2fsprogs)";
		return 0;
	}
	snprintf(fs->dir, sizeof(fs->dir), "%s", tmp_path(name));
	snprintf(image, sizeof(image), "%s.img", fs->dir);
	if (mkdir(fs->dir, 0755) < 0 && errno != EEXIST)
		return -1;
	make_sparse_file(image, size);
	if (!shell_ok("%s -q -F -m 0 -b 1024 '%s' >/dev/null 2>&1", mkfs,
		      image)) {
		fs->skip = "mkfs failed";
		return 0;
	}
	if (!shell_ok("mount -o loop '%s' '%s' 2>/dev/null", image, fs->dir)) {
		fs->skip = "mount -o loop failed (no loop devices?)";
		return 0;
	}
	fs->mounted = 1;
	return 0;
}

/* Create FILLER on a mounted filesystem and write until no block is
 * left.  Returns its descriptor, open for writing, or -1. */
static int fill_up(const char *dir)
{
	char filler[600], buf[65536];
	int fd;

	snprintf(filler, sizeof(filler), "%s/filler", dir);
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	memset(buf, 0x5a, sizeof(buf));
	while (write(fd, buf, sizeof(buf)) > 0)
		;
	while (write(fd, buf, 1) > 0)
		;
	return fd;
}

/*
 * The same on ext4 with 1 KiB blocks, a quarter of a page: a store into a
 * page of a hole needs all four blocks, not just the one under the bytes
 * written, so the reservation must cover whole pages.
 */
static int mount_small_ext4(void **state)
{
	static struct small_fs fs;
	struct stat st;
	int fd;

	memset(&fs, 0, sizeof(fs));
	*state = &fs;
	if (mount_image(&fs, "mkfs.ext4", "ext4", 8 << 20) < 0)
		return -1;
	if (!fs.mounted)
		return 0;
	snprintf(fs.sparse, sizeof(fs.sparse), "%s/sparse", fs.dir);
	snprintf(fs.dump, sizeof(fs.dump), "%s", tmp_path("64k-input"));
	make_sparse_file(fs.sparse, 64 << 20);
	fd = fill_up(fs.dir);
	if (fd < 0)
		return -1;
	/* Give back two or three blocks: room for the one block under the
	 * bytes a poke writes, not for the whole page around them. */
	if (fsync(fd) < 0 || fstat(fd, &st) < 0 ||
	    ftruncate(fd, st.st_size - st.st_size % 1024 - 2048) < 0 ||
	    fsync(fd) < 0)
		return -1;
	close(fd);
	return 0;
}

static int unmount_small_fs(void **state)
{
	struct small_fs *fs = *state;

	if (fs->mounted && !shell_ok("umount '%s'", fs->dir)) {
		fprintf(stderr, "could not unmount %s\n", fs->dir);
		return -1;
	}
	fs->mounted = 0;
	return 0;
}

static struct small_fs *small_fs(void **state)
{
	struct small_fs *fs = *state;

	if (fs->skip != NULL) {
		print_message("skipped: %s\n", fs->skip);
		skip();
	}
	return fs;
}

/* Run ARGV against the full filesystem's sparse file: exit 2, MSG, file
 * unchanged (bytes, size, mtime). */
static void refused_on_small_fs(const struct small_fs *fs,
				const char *const *argv, const char *msg)
{
	struct snapshot s;
	struct outcome o;

	snapshot_take(&s, fs->sparse);
	run_to(&o, -1, 0, argv);
	assert_failed(&o, 2, msg);
	snapshot_assert_same(&s, fs->sparse);
	snapshot_free(&s);
}

/*
 * Run ARGV against the full ext4's sparse file: exit 2, "No space left on
 * device", the file's bytes and size as they were.  (Not its mtime: ext4
 * stamps it on entry to fallocate, before the call fails.)
 */
static void refused_on_ext4(const struct small_fs *fs, const char *const *argv)
{
	struct snapshot s;
	struct outcome o;
	struct stat st;
	unsigned char *now;
	size_t len;

	snapshot_take(&s, fs->sparse);
	run_to(&o, -1, 0, argv);
	assert_failed(&o, 2, "No space left on device");
	assert_int_equal(stat(fs->sparse, &st), 0);
	assert_int_equal(st.st_size, s.st.st_size);
	now = read_file(fs->sparse, &len);
	assert_int_equal(len, s.len);
	assert_memory_equal(now, s.data, len);
	free(now);
	snapshot_free(&s);
}

static void test_full_ext4_poke_into_hole(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *poke[] = { "mmtool", "poke", fs->sparse, "2M", "aabb",
			       NULL };
	const char *grow[] = { "mmtool", "poke", "--grow", "-i", fs->dump,
			       fs->sparse, "65M", NULL };
	const char *resize[] = { "mmtool", "resize", "-a", fs->sparse, "65M",
				 NULL };

	make_random_file(fs->dump, 64 << 10, 6);
	refused_on_ext4(fs, poke);
	refused_on_ext4(fs, grow);
	refused_on_ext4(fs, resize);
}

static void test_full_fs_poke_into_hole(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *argv[] = { "mmtool", "poke", fs->sparse, "2M", "aabb",
			       NULL };

	refused_on_small_fs(fs, argv, "No space left on device");
}

static void test_full_fs_resize_allocate(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *argv[] = { "mmtool", "resize", "-a", fs->sparse, "8M",
			       NULL };

	refused_on_small_fs(fs, argv, "No space left on device");
}

static void test_full_fs_poke_grow(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *argv[] = { "mmtool", "poke", "--grow", fs->sparse, "9M",
			       "aabb", NULL };

	refused_on_small_fs(fs, argv, "No space left on device");
}

static void test_full_fs_patch_into_hole(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *argv[] = { "mmtool", "patch", fs->sparse, fs->dump, NULL };

	SKIP_IF_EMULATED("no SIGBUS for a page that cannot be had");
	/* "No space left on device" or "no space left on device": the
	 * fallocate failing, or reading the hole failing first. */
	refused_on_small_fs(fs, argv, "o space left on device");
}

static void test_full_fs_patch_grow(void **state)
{
	struct small_fs *fs = small_fs(state);
	char dump[600];
	const char *argv[] = { "mmtool", "patch", "--grow", fs->sparse, dump,
			       NULL };

	snprintf(dump, sizeof(dump), "%s", tmp_path("grow.dump"));
	write_file(dump, "00900000: 4142 4344  ABCD\n", 26);
	refused_on_small_fs(fs, argv, "No space left on device");
}

/*
 * Run ARGV (without "mmtool") against the full filesystem's sparse file:
 * exit STATUS, stdout exactly WANT, nothing on stderr, the file as it was.
 */
static void read_on_small_fs(const struct small_fs *fs,
			     const char *const *argv, int status,
			     const char *want)
{
	struct snapshot s;
	struct run r;

	snapshot_take(&s, fs->sparse);
	run_mmtool(&r, NULL, 0, argv);
	if (r.status != status || strcmp(r.out, want) != 0 || r.err_len != 0)
		fail_msg("%s: status %d, stdout [%s], stderr [%s]", argv[0],
			 r.status, r.out, r.err);
	run_free(&r);
	snapshot_assert_same(&s, fs->sparse);
	snapshot_free(&s);
}

/*
 * Reading a hole never allocates it (through a shared mapping it would,
 * on tmpfs): on a full tmpfs every reader still reads the 4 MiB hole as
 * zeros.  A writer still reserves first and is refused.
 */
static void test_full_fs_read_hole(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *peek[] = { "peek", fs->sparse, "2M", "4", NULL };
	const char *find[] = { "find", fs->sparse, "01", NULL };
	const char *find0[] = { "find", "-m", "3", "-o", "4194302", fs->sparse,
				"00", NULL };
	const char *dump[] = { "hexdump", fs->sparse, NULL };
	const char *dry[] = { "patch", "--dry-run", fs->sparse, fs->dump,
			      NULL };
	const char *expect[] = { "mmtool", "poke", "--expect", "00",
				 fs->sparse, "2M", "01", NULL };

	SKIP_IF_EMULATED("no SIGBUS for a page that cannot be had");
	read_on_small_fs(fs, peek, 0, "00000000\n");
	read_on_small_fs(fs, find, 1, "");
	read_on_small_fs(fs, find0, 0, "4194302\n4194303\n");
	read_on_small_fs(fs, dump, 0, "00000000  00 00 00 00 00 00 00 00  "
			 "00 00 00 00 00 00 00 00  |................|\n*\n"
			 "00400000\n");
	read_on_small_fs(fs, dry, 0, "0x200000: 00000000 -> 41424344\n");
	refused_on_small_fs(fs, expect, "o space left on device");
}

static void test_read_only_remount(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *poke[] = { "mmtool", "poke", fs->sparse, "0", "aa", NULL };
	const char *resize[] = { "mmtool", "resize", fs->sparse, "5M", NULL };
	const char *patch[] = { "mmtool", "patch", fs->sparse, fs->dump,
				NULL };
	const char *create[] = { "mmtool", "resize", "-c", NULL, "1", NULL };
	char created[700];

	snprintf(created, sizeof(created), "%s/new", fs->dir);
	create[3] = created;
	if (!shell_ok("mount -o remount,ro '%s'", fs->dir))
		fail_msg("mount -o remount,ro %s failed", fs->dir);
	refused_on_small_fs(fs, poke, "Read-only file system");
	refused_on_small_fs(fs, resize, "Read-only file system");
	refused_on_small_fs(fs, patch, "Read-only file system");
	refused_on_small_fs(fs, create, "Read-only file system");
}

/* ---- An unprivileged user (root runs it through setpriv) ---------------- */

/* Not root: the same refusals for a file of our own with mode 0, whose
 * size and mtime (all that can be seen of it) stay as they were. */
static void no_permission_as_owner(const char *f, const char *(*cmds)[6],
				   size_t n)
{
	write_file(f, "0123456789abcdef", 16);
	assert_int_equal(chmod(f, 0), 0);
	for (size_t i = 0; i < n; i++) {
		const char *argv[8] = { "mmtool" };
		struct stat before, after;
		struct outcome o;

		for (size_t k = 0; cmds[i][k] != NULL; k++)
			argv[1 + k] = cmds[i][k];
		assert_int_equal(stat(f, &before), 0);
		run_to(&o, -1, 0, argv);
		assert_failed(&o, 2, "Permission denied");
		assert_int_equal(stat(f, &after), 0);
		assert_int_equal(after.st_size, before.st_size);
		assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
		assert_int_equal(after.st_mtim.tv_nsec,
				 before.st_mtim.tv_nsec);
	}
}

static void test_no_permission(void **state)
{
	const char *f = tmp_path("secret");
	char tool[600], cmd[700];
	const char *cmds[][6] = {
		{ "poke", f, "0", "aa", NULL },
		{ "resize", f, "100", NULL },
		{ "peek", f, "0", NULL },
		{ "hexdump", f, NULL },
		{ "find", f, "30", NULL },
		{ "patch", f, "/dev/null", NULL },
	};

	(void)state;
	if (geteuid() != 0) {
		no_permission_as_owner(f, cmds, sizeof(cmds) / sizeof(cmds[0]));
		return;
	}
	if (!have_program("setpriv")) {
		print_message("skipped: setpriv not found\n");
		skip();
	}
	snprintf(tool, sizeof(tool), "%s", mmtool_path());
	snprintf(cmd, sizeof(cmd), "setpriv --reuid=65534 --regid=65534 "
		 "--clear-groups '%s' --version >/dev/null 2>&1", tool);
	if (!shell_ok("%s", cmd)) {
		print_message("skipped: user 65534 cannot run %s\n", tool);
		skip();
	}
	/* Let the user reach the file, so that the refusal is its own. */
	assert_int_equal(chmod(test_tmpdir(), 0711), 0);
	write_file(f, "0123456789abcdef", 16);
	assert_int_equal(chmod(f, 0600), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[12] = { "setpriv", "--reuid=65534",
					 "--regid=65534", "--clear-groups",
					 tool };
		struct snapshot s;
		struct outcome o;

		for (size_t k = 0; cmds[i][k] != NULL; k++)
			argv[5 + k] = cmds[i][k];
		snapshot_take(&s, f);
		run_to(&o, -1, 0, argv);
		assert_failed(&o, 2, "Permission denied");
		snapshot_assert_same(&s, f);
		snapshot_free(&s);
	}
}

/* ---- A file-size limit (ulimit -f) -------------------------------------- */

/* Run each of CMDS under a 64 KiB RLIMIT_FSIZE, which each would pass:
 * EFBIG, exit 2, not SIGXFSZ, FILE as it was. */
static void refused_past_size_limit(const char *f, const char *(*cmds)[9],
				    size_t n)
{
	write_file(f, "0123456789abcdef", 16);
	for (size_t i = 0; i < n; i++) {
		struct snapshot s;
		struct outcome o;

		snapshot_take(&s, f);
		run_to(&o, -1, 64 << 10, cmds[i]);
		assert_failed(&o, 2, "File too large");
		snapshot_assert_same(&s, f);
		snapshot_free(&s);
	}
}

static void test_file_size_limit(void **state)
{
	const char *f = tmp_path("limited");
	const char *cmds[][9] = {
		{ "mmtool", "resize", f, "1M", NULL },
		{ "mmtool", "resize", "-a", f, "1M", NULL },
		{ "mmtool", "resize", "-c", f, "+1M", NULL },
		{ "mmtool", "poke", "--grow", f, "1M", "aa", NULL },
		{ "mmtool", "poke", "--grow", "-t", "u64", f, "1M", "1", NULL },
	};

	(void)state;
	refused_past_size_limit(f, cmds, sizeof(cmds) / sizeof(cmds[0]));
}

static void test_file_size_limit_patch(void **state)
{
	const char *f = tmp_path("limited-patch");
	char dump[600];
	const char *cmds[][9] = {
		{ "mmtool", "patch", "--grow", f, dump, NULL },
	};

	(void)state;
	snprintf(dump, sizeof(dump), "%s", tmp_path("limit.dump"));
	write_file(dump, "00100000: 4142\n", 15);
	refused_past_size_limit(f, cmds, sizeof(cmds) / sizeof(cmds[0]));
}

/* ---- Standard output full, or closed by its reader ---------------------- */

static void test_stdout_full(void **state)
{
	const char *f = tmp_path("to-dev-full");
	char in[512], past[512];
	/* KEEPS_MTIME 0: the line goes out after the blocks are reserved (a
	 * reservation that fails must not follow a success line) and the
	 * growth, which is taken back when the line fails: size and bytes
	 * as they were, not the mtime, which fallocate and ftruncate stamp.
	 * patch -v and poke -v used to store first and then fail. */
	const struct {
		const char *argv[8];
		int keeps_mtime;
	} cmds[] = {
		{ { "mmtool", "peek", f, "0", "16", NULL }, 1 },
		{ { "mmtool", "peek", "-t", "u32", f, "0", NULL }, 1 },
		{ { "mmtool", "hexdump", f, NULL }, 1 },
		{ { "mmtool", "hexdump", "-f", "xxd", f, NULL }, 1 },
		{ { "mmtool", "find", f, "30", NULL }, 1 },
		{ { "mmtool", "poke", "-v", f, "0", "ff", NULL }, 1 },
		{ { "mmtool", "patch", "-v", f, in, NULL }, 1 },
		{ { "mmtool", "patch", "--dry-run", f, in, NULL }, 1 },
		/* A shrink cannot be taken back, so its line goes out
		 * first. */
		{ { "mmtool", "resize", "-v", "--shrink", f, "8", NULL }, 1 },
		{ { "mmtool", "poke", "-v", "--grow", f, "20", "ff", NULL }, 0 },
		{ { "mmtool", "patch", "-v", "--grow", f, past, NULL }, 0 },
		{ { "mmtool", "resize", "-v", f, "100", NULL }, 0 },
	};
	int full = open("/dev/full", O_WRONLY);

	(void)state;
	if (full < 0) {
		print_message("skipped: no /dev/full\n");
		skip();
	}
	set_cloexec(full);
	snprintf(in, sizeof(in), "%s", tmp_path("full-in.dump"));
	snprintf(past, sizeof(past), "%s", tmp_path("full-past.dump"));
	write_file(in, "00000004: ffff\n", 15);
	write_file(past, "00000014: ffff\n", 15);
	write_file(f, "0123456789abcdef", 16);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct snapshot s;
		struct outcome o;

		snapshot_take(&s, f);
		run_to(&o, full, 0, cmds[i].argv);
		assert_failed(&o, 2, "write error on standard output: "
			      "No space left on device");
		if (cmds[i].keeps_mtime)
			snapshot_assert_same(&s, f);
		else
			assert_file(f, s.data, s.len);
		snapshot_free(&s);
	}
	close(full);
}

/* `| head -1`: read one line, close the pipe; mmtool ends quietly, 0. */
static void test_stdout_closed_by_reader(void **state)
{
	const char *rnd = tmp_path("head-random");
	const char *zeros = tmp_path("head-zeros");
	const char *cmds[][8] = {
		{ "mmtool", "peek", "-t", "u8", rnd, "0", "1M", NULL },
		{ "mmtool", "peek", rnd, "0", "1M", NULL },
		{ "mmtool", "hexdump", rnd, NULL },
		{ "mmtool", "hexdump", "-f", "plain", rnd, NULL },
		{ "mmtool", "find", zeros, "00", NULL },
	};

	(void)state;
	make_random_file(rnd, 1u << 20, 4);
	make_sparse_file(zeros, 1 << 20);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct outcome o;
		struct proc p;
		char c;
		int out[2];

		make_pipe(out);
		start(&p, out[1], 0, cmds[i]);
		close(out[1]);
		while (read(out[0], &c, 1) == 1 && c != '\n')
			;
		close(out[0]);
		finish(&p, &o);
		if (o.status != 0 || o.err[0] != '\0')
			print_error("%s: status %d, stderr [%s]\n", cmds[i][1],
				    o.status, o.err);
		assert_false(o.signaled);
		assert_int_equal(o.status, 0);
		assert_string_equal(o.err, "");
	}
}

/* ---- Writers racing ----------------------------------------------------- */

#define POKES 200

/* In a child: run ARGV; 0 if it exited 0.  No cmocka here. */
static int child_run(const char *const *argv, int quiet_out)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet_out) {
			int null = open("/dev/null", O_WRONLY);

			if (null < 0 || dup2(null, 1) < 0)
				_exit(126);
		}
		if (strcmp(argv[0], "mmtool") == 0)
			execv(mmtool_path(), (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/*
 * Start two writer processes, W = 0 and 1, each running the ARGV that
 * MAKE_ARGV builds for its I-th of POKES runs; wait for both, and assert
 * that every run exited 0.
 */
typedef void (*make_argv_fn)(const char *f, int w, int i, char *a, char *b,
			     const char **argv);

static void two_writers(const char *f, make_argv_fn make_argv)
{
	pid_t pids[2];

	for (int w = 0; w < 2; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			int bad = 0;

			for (int i = 0; i < POKES; i++) {
				char a[32], b[32];
				const char *argv[12];
				int st;

				make_argv(f, w, i, a, b, argv);
				st = child_run(argv, 0);
				if (st != 0) {
					fprintf(stderr, "writer %d run %d: "
						"status 0x%x\n", w, i, st);
					bad = 1;
				}
			}
			_exit(bad);
		}
	}
	for (int w = 0; w < 2; w++) {
		int status;

		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* Writer W's I-th record: 8 bytes that say whose it is. */
static void record(int w, int i, char *hex)
{
	snprintf(hex, 32, "%02x%04x%06x%04x", 0xa0 + w, i, 0, i);
}

static int is_record(const unsigned char *p, int w, int i)
{
	return p[0] == 0xa0 + w && p[1] == (i >> 8) && p[2] == (i & 0xff) &&
	       p[6] == (i >> 8) && p[7] == (i & 0xff);
}

static void poke_at_slot(const char *f, int w, int i, char *a, char *b,
			 const char **argv)
{
	snprintf(a, 32, "%d", 16 * i + 8 * w);
	record(w, i, b);
	argv[0] = "mmtool";
	argv[1] = "poke";
	argv[2] = "--no-sync";
	argv[3] = f;
	argv[4] = a;
	argv[5] = b;
	argv[6] = NULL;
}

/* Writer W pokes at offsets 16*i + 8*W of a file big enough for all:
 * every poke lands. */
static void test_two_writers(void **state)
{
	const char *f = tmp_path("two-writers");
	unsigned char *got;
	size_t len;

	(void)state;
	make_sparse_file(f, 16 * POKES);
	two_writers(f, poke_at_slot);
	got = read_file(f, &len);
	assert_int_equal(len, 16 * POKES);
	for (int i = 0; i < POKES; i++)
		for (int w = 0; w < 2; w++)
			if (!is_record(got + 16 * i + 8 * w, w, i))
				fail_msg("poke %d of writer %d did not land",
					 i, w);
	free(got);
}

static void poke_append(const char *f, int w, int i, char *a, char *b,
			const char **argv)
{
	(void)a;
	record(w, i, b);
	argv[0] = "mmtool";
	argv[1] = "poke";
	argv[2] = "--grow";
	argv[3] = "--no-sync";
	argv[4] = f;
	argv[5] = "-0";
	argv[6] = b;
	argv[7] = NULL;
}

/*
 * Both writers append (poke --grow FILE -0): each poke takes the size
 * under the lock, so no record overwrites another, and each writer's
 * records come in its order.  Without the lock two appends would meet at
 * the same offset.
 */
static void test_two_writers_appending(void **state)
{
	const char *f = tmp_path("two-appenders");
	int next[2] = { 0, 0 };
	unsigned char *got;
	size_t len;

	(void)state;
	write_file(f, "", 0);
	two_writers(f, poke_append);
	got = read_file(f, &len);
	assert_int_equal(len, 2 * 8 * POKES);
	for (size_t k = 0; k < len; k += 8) {
		int w = got[k] - 0xa0;

		if (w < 0 || w > 1 || !is_record(got + k, w, next[w]))
			fail_msg("record at %zu is not writer %d's next", k, w);
		next[w]++;
	}
	free(got);
}

static void resize_by_16(const char *f, int w, int i, char *a, char *b,
			 const char **argv)
{
	(void)w;
	(void)i;
	(void)a;
	(void)b;
	argv[0] = "mmtool";
	argv[1] = "resize";
	argv[2] = f;
	argv[3] = "+16";
	argv[4] = NULL;
}

/* Two writers each growing the file by 16 bytes POKES times: the size
 * each grows from is the one the other left. */
static void test_two_resizers(void **state)
{
	const char *f = tmp_path("two-resizers");
	struct stat st;

	(void)state;
	write_file(f, "", 0);
	two_writers(f, resize_by_16);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 2 * 16 * POKES);
}

/* ---- Everyone racing a resize loop -------------------------------------- */

#define SMALL "4096"
#define BIG "256K"

/* In a child: resize FILE between SMALL and BIG until DEADLINE; mmtool's
 * resize (which takes the lock) when RAW is 0, else plain truncate(2),
 * as a program that knows nothing of the lock would. */
static void resize_loop(const char *f, time_t deadline, int raw)
{
	unsigned n = 0;

	while (time(NULL) < deadline) {
		if (raw) {
			if (truncate(f, n % 2 ? 256 << 10 : 4096) < 0)
				_exit(1);
		} else {
			const char *argv[] = { "mmtool", "resize", "--shrink", f,
					       n % 2 ? BIG : SMALL, NULL };

			if (child_run(argv, 0) != 0)
				_exit(1);
		}
		n++;
	}
	_exit(0);
}

struct tally {
	unsigned ok, trouble, negative;
	char messages[4][256];	/* the first distinct messages seen */
	unsigned nmessages;
};

static void count(struct tally *t, const struct outcome *o, int may_be_1)
{
	if (o->signaled || (o->status != 0 && o->status != 2 &&
			    !(may_be_1 && o->status == 1)))
		fail_msg("status %d%s, stderr [%s]", o->status,
			 o->signaled ? " (killed by a signal)" : "", o->err);
	if (o->status == 0) {
		t->ok++;
		return;
	}
	if (o->status == 1) {
		t->negative++;
		return;
	}
	t->trouble++;
	assert_true(strncmp(o->err, "mmtool: ", 8) == 0);
	assert_non_null(strchr(o->err, '\n'));
	assert_true(strchr(o->err, '\n')[1] == '\0');
	for (unsigned i = 0; i < t->nmessages; i++)
		if (strncmp(t->messages[i], o->err,
			    sizeof(t->messages[i]) - 1) == 0)
			return;
	if (t->nmessages < 4)
		snprintf(t->messages[t->nmessages++],
			 sizeof(t->messages[0]), "%.254s", o->err);
}

static void print_tally(const char *what, const struct tally *t)
{
	print_message("    %-8s exit 0: %u, exit 1: %u, exit 2: %u\n", what,
		      t->ok, t->negative, t->trouble);
	for (unsigned i = 0; i < t->nmessages; i++)
		print_message("             %s", t->messages[i]);
}

/*
 * For about a second, one child resizes the file between 4 KiB and
 * 256 KiB while poke, hexdump, peek and find run against it in turn.
 * Each run ends with 0 (or find's 1) or with 2 and one line; none dies by
 * a signal.  RAW: the resizing is plain truncate(2), which no lock holds
 * back, so that poke's store can fault too.
 */
static void race_resize_loop(int raw)
{
	const char *f = tmp_path(raw ? "race-raw" : "race-mmtool");
	const char *poke[] = { "mmtool", "poke", "--no-sync", f, "200000",
			       "deadbeef", NULL };
	const char *hexdump[] = { "mmtool", "hexdump", f, NULL };
	const char *peek[] = { "mmtool", "peek", "-f", "raw", f, "0", "200000",
			       NULL };
	const char *find[] = { "mmtool", "find", f, "deadbeef", NULL };
	struct tally tp = { 0 }, th = { 0 }, tk = { 0 }, tf = { 0 };
	time_t deadline;
	int status;
	pid_t pid;

	make_random_file(f, 256u << 10, 5);
	deadline = time(NULL) + 2;	/* 1 to 2 seconds */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		resize_loop(f, deadline, raw);
	while (time(NULL) < deadline) {
		struct outcome o;

		run_to(&o, -1, 0, poke);
		count(&tp, &o, 0);
		run_to(&o, -1, 0, hexdump);
		count(&th, &o, 0);
		run_to(&o, -1, 0, peek);
		count(&tk, &o, 0);
		run_to(&o, -1, 0, find);
		count(&tf, &o, 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	print_tally("poke", &tp);
	print_tally("hexdump", &th);
	print_tally("peek", &tk);
	print_tally("find", &tf);
}

static void test_race_mmtool_resize_loop(void **state)
{
	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	race_resize_loop(0);
}

static void test_race_raw_truncate_loop(void **state)
{
	SKIP_IF_EMULATED("no SIGBUS past the end of a mapping");
	(void)state;
	race_resize_loop(1);
}

/* ---- Writers held inside a system call by strace (issue 8) ------------- */

/*
 * strace -e inject=CALL:delay_enter=US holds mmtool at the entry of CALL
 * for US microseconds.  The test watches /proc/PID/syscall until mmtool is
 * seen there (so nothing hangs on a guess of how long the steps before
 * take), acts (truncates the file, probes the lock, sends a signal), and
 * then looks again: if mmtool had left the call before the act was done,
 * the run proves nothing and is repeated with a hold four times longer.
 * strace ends as mmtool does: its exit status, or killed by the same
 * signal.
 */

static const char *strace_missing(void)
{
	static int state;	/* 0: not asked yet, 1: works, 2: missing */

	if (state == 0)
		state = have_program("strace") &&
			shell_ok("strace -qq -o /dev/null true >/dev/null "
				 "2>&1") ? 1 : 2;
	return state == 1 ? NULL :
	       "strace not found, or it cannot trace here (ptrace refused)";
}

static void need_strace(void)
{
	const char *why = strace_missing();

	SKIP_IF_EMULATED("strace would trace the emulator");
	if (why != NULL) {
		print_message("skipped: %s\n", why);
		skip();
	}
}

/* What a run under strace needs: the call to hold and what to do then. */
struct held_run {
	const char *call;	/* for strace's -e inject: "msync" */
	long nr, nr2;		/* its numbers in /proc/PID/syscall (nr2: an
				 * alternative, as open for openat, or -1) */
	unsigned long flags;	/* open/openat: only with these flags set */
	const char *only;	/* strace -P: only calls on this path, and
				 * every one of them held (else the first) */
	const char *in_path;	/* standard input from this file, or NULL */
	int out_fd;		/* standard output (-1: /dev/null) */
	void (*prepare)(void *ctx);	/* before each attempt */
	void (*act)(void *ctx, pid_t pid);	/* while mmtool is held */
	void *ctx;
};

/* Start mmtool ARGV under strace, holding R's call for DELAY us. */
static void start_traced(struct proc *p, const struct held_run *r,
			 long delay, const char *const *argv)
{
	char inject[128], asan[1024];
	const char *args[64], *opts = getenv("ASAN_OPTIONS");
	size_t n = 0;

	snprintf(inject, sizeof(inject), "inject=%s:delay_enter=%ld%s",
		 r->call, delay, r->only ? "" : ":when=1");
	args[n++] = "strace";
	args[n++] = "-qq";
	args[n++] = "-o";
	args[n++] = "/dev/null";
	args[n++] = "-e";
	args[n++] = inject;
	/* LeakSanitizer cannot work under ptrace, and says so at exit
	 * (make check-asan): the traced mmtool runs without it. */
	if (getenv("MMTOOL_SANITIZED") != NULL) {
		snprintf(asan, sizeof(asan), "ASAN_OPTIONS=%s%sdetect_leaks=0",
			 opts ? opts : "", opts && *opts ? ":" : "");
		args[n++] = "-E";
		args[n++] = asan;
	}
	if (r->only != NULL) {
		args[n++] = "-P";
		args[n++] = r->only;
	}
	args[n++] = "--";
	args[n++] = mmtool_path();
	for (size_t i = 0; argv[i] != NULL && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	start_with(p, r->in_path, r->out_fd, 0, args);
}

/* Is PID running the mmtool under test (its name, as /proc shows it)? */
static int is_mmtool(long pid)
{
	const char *base = strrchr(mmtool_path(), '/');
	char path[64], comm[64] = "";
	FILE *fp;

	base = base ? base + 1 : mmtool_path();
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return 0;
	if (fgets(comm, sizeof(comm), fp) != NULL)
		comm[strcspn(comm, "\n")] = '\0';
	fclose(fp);
	/* The kernel keeps 15 bytes of the name. */
	return strncmp(comm, base, 15) == 0;
}

/*
 * The child of PARENT that runs mmtool, or 0 if there is none yet.  strace
 * forks short-lived children of its own first (to probe what ptrace can
 * do), and its tracee is strace until it has exec'd.
 */
static pid_t child_of(pid_t parent)
{
	char path[64], buf[512], *p = buf, *end;
	long child = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
		 (long)parent, (long)parent);
	fp = fopen(path, "r");
	if (fp == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	for (;;) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (is_mmtool(pid)) {
			child = pid;
			break;
		}
		p = end;
	}
	return (pid_t)child;
}

/* Is PID inside system call R->nr (or nr2) now, with R->flags set? */
static int in_call(pid_t pid, const struct held_run *r)
{
	char path[64], buf[512];
	unsigned long a[3];
	long nr;
	FILE *fp;
	int n;

	snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return 0;
	n = fgets(buf, sizeof(buf), fp) == NULL ? 0 :
	    sscanf(buf, "%ld %lx %lx %lx", &nr, &a[0], &a[1], &a[2]);
	fclose(fp);
	if (n < 4 || (nr != r->nr && nr != r->nr2))
		return 0;
	/* open(path, flags): flags second; openat(dir, path, flags): third. */
	if (r->flags == 0)
		return 1;
	return ((nr == SYS_openat ? a[2] : a[1]) & r->flags) == r->flags;
}

/* Has PID ended?  (It is left to finish() to reap.) */
static int ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	       si.si_pid == pid;
}

/*
 * Run mmtool ARGV under strace, R's call held at entry, and R->act while
 * it is held (see above).  O: how the run ended.
 */
static void run_held(const struct held_run *r, const char *const *argv,
		     struct outcome *o)
{
	for (long delay = 300000;; delay *= 4) {
		struct timespec ms = { 0, 1000 * 1000 };
		struct proc p;
		pid_t pid = 0;
		int seen = 0, valid;

		if (r->prepare != NULL)
			r->prepare(r->ctx);
		start_traced(&p, r, delay, argv);
		/* Up to 30 s for mmtool to get there on a loaded machine. */
		for (int i = 0; i < 30000 && !seen; i++) {
			if (pid == 0)
				pid = child_of(p.pid);
			if (pid != 0 && in_call(pid, r))
				seen = 1;
			else
				nanosleep(&ms, NULL);
			if (!seen && ended(p.pid))
				break;
		}
		if (!seen) {
			finish(&p, o);
			fail_msg("mmtool %s never entered %s (status %d, "
				 "stderr [%s])", argv[0], r->call, o->status,
				 o->err);
		}
		r->act(r->ctx, pid);
		valid = in_call(pid, r);
		finish(&p, o);
		if (valid)
			return;
		if (delay > 5000000)
			fail_msg("mmtool %s left %s before the test could act, "
				 "%ld us after entering", argv[0], r->call,
				 delay);
		print_message("    %s: acted too late for a hold of %ld us; "
			      "again\n", argv[0], delay);
	}
}

/* ---- resize -c racing another creator (item 1) ------------------------- */

struct creator {
	const char *path;
	size_t len;		/* bytes the other program writes */
};

static void creator_prepare(void *ctx)
{
	struct creator *c = ctx;

	unlink(c->path);
}

/* The other program creates the file while resize -c is about to. */
static void creator_act(void *ctx, pid_t pid)
{
	struct creator *c = ctx;
	char buf[256];

	(void)pid;
	memset(buf, 'o', sizeof(buf));
	write_file(c->path, buf, c->len);
}

/*
 * resize -c found no file, and while it holds at the open that creates
 * one, another program creates it.  resize must then treat it as an
 * existing file: a refused shrink leaves it (once, resize unlinked it as
 * its own), and a growth keeps its bytes.
 */
static void test_create_races_another_creator(void **state)
{
	const char *f = tmp_path("crt.bin");
	struct creator c = { f, 100 };
	struct held_run r = {
		"open,openat", SYS_openat, -1, O_CREAT, f, NULL, -1,
		creator_prepare, creator_act, &c
	};
	const char *shrink[] = { "resize", "-c", f, "10", NULL };
	const char *grow[] = { "resize", "-c", f, "200", NULL };
	unsigned char want[200];
	struct outcome o;

	(void)state;
	need_strace();
#ifdef SYS_open
	r.nr2 = SYS_open;
#endif
	run_held(&r, shrink, &o);
	assert_failed(&o, 2, "would discard 90 bytes");
	if (access(f, F_OK) < 0)
		fail_msg("resize -c removed the file another program made");
	memset(want, 'o', 100);
	assert_file(f, want, 100);
	run_held(&r, grow, &o);
	if (o.status != 0)
		fail_msg("resize -c: status %d, stderr [%s]", o.status, o.err);
	memset(want + 100, 0, 100);
	assert_file(f, want, 200);
}

/* ---- The lock while DUMP or INPUT is FILE itself (item 2) -------------- */

#define SELF_DUMP "00000000: 7a\n"
#define SELF_PATCHED "z0000000: 7a\n"

struct lock_probe {
	const char *path;
	int was_free;
};

static void self_prepare(void *ctx)
{
	struct lock_probe *l = ctx;

	write_file(l->path, SELF_DUMP, strlen(SELF_DUMP));
}

/* Could another process take a write lock on the file now? */
static void probe_lock(void *ctx, pid_t pid)
{
	struct lock_probe *l = ctx;
	struct flock fl;
	int fd = open(l->path, O_RDWR), rc, err;

	(void)pid;
	assert_true(fd >= 0);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	rc = fcntl(fd, F_SETLK, &fl);
	err = errno;
	close(fd);
	if (rc < 0 && err != EAGAIN && err != EACCES)
		fail_msg("F_SETLK: %s", strerror(err));
	l->was_free = rc == 0;
}

/*
 * FILE is its own dump (a line that sets byte 0 to 'z') or poke's input:
 * patch f f, through a hard link, through a symbolic link, on standard
 * input; poke -i f f.  While the writer holds in msync after its store,
 * another process must find the lock taken (a close of the dump's
 * descriptor used to drop it before the store).
 */
static void test_lock_held_when_dump_is_file(void **state)
{
	const char *f = tmp_path("self.dump");
	char hard[512], soft[512];
	struct lock_probe l = { f, 0 };
	struct held_run r = {
		"msync", SYS_msync, -1, 0, NULL, NULL, -1, self_prepare,
		probe_lock, &l
	};
	const char *cases[][6] = {
		{ "patch", f, f, NULL },
		{ "patch", f, hard, NULL },
		{ "patch", f, soft, NULL },
		{ "patch", f, "-", NULL },
		{ "poke", "-i", f, f, "0", NULL },
	};

	(void)state;
	need_strace();
	snprintf(hard, sizeof(hard), "%s", tmp_path("self.hard"));
	snprintf(soft, sizeof(soft), "%s", tmp_path("self.soft"));
	self_prepare(&l);
	unlink(hard);
	unlink(soft);
	assert_int_equal(link(f, hard), 0);
	assert_int_equal(symlink(f, soft), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int is_poke = strcmp(cases[i][0], "poke") == 0;
		struct outcome o;

		r.in_path = strcmp(cases[i][2], "-") == 0 ? f : NULL;
		run_held(&r, cases[i], &o);
		if (o.status != 0)
			fail_msg("%s %s: status %d, stderr [%s]", cases[i][0],
				 cases[i][2], o.status, o.err);
		if (l.was_free)
			fail_msg("%s %s %s: the lock was free while it stored",
				 cases[i][0], cases[i][1], cases[i][2]);
		assert_file(f, is_poke ? SELF_DUMP : SELF_PATCHED,
			    strlen(SELF_DUMP));
	}
}

/* ---- Truncated by another program while blocks are reserved (item 3) -- */

struct truncation {
	const char *path;
	off_t size;		/* the file's size before */
};

static void truncation_prepare(void *ctx)
{
	struct truncation *t = ctx;

	make_sparse_file(t->path, t->size);
}

static void truncate_now(void *ctx, pid_t pid)
{
	struct truncation *t = ctx;

	(void)pid;
	assert_int_equal(truncate(t->path, 0), 0);
}

/*
 * poke and patch into a sparse file reserve blocks with fallocate; while
 * one holds there, a program that knows nothing of mmtool's lock
 * truncates the file.  The writer must see the size change: exit 2, and
 * the file keeps the size that program gave it (mode-0 posix_fallocate
 * used to grow it back, and the write went on).
 */
static void test_truncated_while_reserving(void **state)
{
	const char *f = tmp_path("race.bin");
	char dump[512], past[512];
	struct truncation t = { f, 1 << 20 };
	struct held_run r = {
		"fallocate", SYS_fallocate, -1, 0, NULL, NULL, -1,
		truncation_prepare, truncate_now, &t
	};
	const char *cases[][6] = {
		{ "poke", f, "500000", "aa", NULL },
		{ "poke", "--grow", f, "2M", "aa", NULL },
		{ "patch", f, dump, NULL },
		{ "patch", "--grow", f, past, NULL },
	};

	(void)state;
	need_strace();
	snprintf(dump, sizeof(dump), "%s", tmp_path("race.dump"));
	snprintf(past, sizeof(past), "%s", tmp_path("race-past.dump"));
	/* 0x7a120 is 500000; 0x200000 is past the end. */
	write_file(dump, "0007a120: 4142  AB\n", 19);
	write_file(past, "00200000: 4142  AB\n", 19);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o;
		struct stat st;

		run_held(&r, cases[i], &o);
		assert_failed(&o, 2, "another program changed its size");
		assert_int_equal(stat(f, &st), 0);
		if (st.st_size != 0)
			fail_msg("%s %s: the file is %lld bytes, not the 0 "
				 "another program left", cases[i][0],
				 cases[i][1], (long long)st.st_size);
	}
}

/* ---- Signals held while a writer stores (item 6) ---------------------- */

#define SIG_FILE_LEN (16 * 4096)

struct signal_run {
	const char *path;
	int sig;
	unsigned char *orig;
};

static void signal_prepare(void *ctx)
{
	struct signal_run *s = ctx;

	write_file(s->path, s->orig, SIG_FILE_LEN);
}

static void send_signal(void *ctx, pid_t pid)
{
	struct signal_run *s = ctx;

	assert_int_equal(kill(pid, s->sig), 0);
}

/*
 * patch stores 16 runs, one in each 4 KiB window (MMTOOL_TEST_WINDOW), and
 * msyncs each window.  A signal that ends a program arrives while it holds
 * in the first msync: the patch must be whole, and the program then end by
 * that signal.  (It used to die after the first window: 1 run of 16.)
 */
static void test_signal_held_while_storing(void **state)
{
	const char *f = tmp_path("signal.bin");
	char dump[512], line[64];
	unsigned char orig[SIG_FILE_LEN], want[SIG_FILE_LEN];
	struct signal_run s = { f, 0, orig };
	struct held_run r = {
		"msync", SYS_msync, -1, 0, NULL, NULL, -1, signal_prepare,
		send_signal, &s
	};
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	const char *argv[] = { "patch", f, dump, NULL };
	struct rlimit core, no_core = { 0, 0 };
	FILE *fp;

	(void)state;
	need_strace();
	snprintf(dump, sizeof(dump), "%s", tmp_path("signal.dump"));
	fill_random(orig, sizeof(orig), 81);
	memcpy(want, orig, sizeof(want));
	fp = fopen(dump, "w");
	assert_non_null(fp);
	for (int i = 0; i < 16; i++) {
		want[i * 4096 + 100] = (unsigned char)~orig[i * 4096 + 100];
		snprintf(line, sizeof(line), "%08x: %02x\n", i * 4096 + 100,
			 want[i * 4096 + 100]);
		fputs(line, fp);
	}
	assert_int_equal(fclose(fp), 0);
	/* SIGQUIT dumps core: not here. */
	assert_int_equal(getrlimit(RLIMIT_CORE, &core), 0);
	assert_int_equal(setrlimit(RLIMIT_CORE, &no_core), 0);
	assert_int_equal(setenv("MMTOOL_TEST_WINDOW", "4096", 1), 0);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct outcome o;

		s.sig = sigs[i];
		run_held(&r, argv, &o);
		if (!o.signaled || o.status != 128 + sigs[i])
			fail_msg("signal %d: status %d%s, stderr [%s]", sigs[i],
				 o.status, o.signaled ? " (signal)" : "",
				 o.err);
		assert_file(f, want, sizeof(want));
	}
	unsetenv("MMTOOL_TEST_WINDOW");
	setrlimit(RLIMIT_CORE, &core);
}


/* ---- A full ext2 image: no fallocate at all (item 4) ------------------- */

/*
 * ext2 cannot reserve blocks (fallocate is EOPNOTSUPP; musl's
 * posix_fallocate says so too, where glibc's writes a byte per block).  A
 * full one, made from an image file, holds "sparse": 4 KiB of data, then
 * a hole to 64 KiB.  A write that covers the data page and a hole page
 * must fail with the data page as it was: once, the musl build stored the
 * first page, then faulted on the second.
 */
static int mount_full_ext2(void **state)
{
	static struct small_fs fs;
	unsigned char data[4096];
	int fd;

	memset(&fs, 0, sizeof(fs));
	*state = &fs;
	if (mount_image(&fs, "mkfs.ext2", "ext2", 4 << 20) < 0)
		return -1;
	if (!fs.mounted)
		return 0;
	snprintf(fs.sparse, sizeof(fs.sparse), "%s/sparse", fs.dir);
	snprintf(fs.dump, sizeof(fs.dump), "%s", tmp_path("pay8k"));
	fill_random(data, sizeof(data), 91);
	write_file(fs.sparse, data, sizeof(data));
	if (truncate(fs.sparse, 64 << 10) < 0)
		return -1;
	fd = fill_up(fs.dir);
	if (fd < 0 || fsync(fd) < 0)
		return -1;
	close(fd);
	return 0;
}

static void test_full_ext2_all_or_nothing(void **state)
{
	struct small_fs *fs = small_fs(state);
	char dump[600], out[600];
	const char *poke[] = { "mmtool", "poke", "-i", fs->dump, fs->sparse,
			       "0", NULL };
	const char *patch[] = { "mmtool", "patch", fs->sparse, dump, NULL };
	const char *grow[] = { "mmtool", "poke", "--grow", fs->sparse, "1M",
			       "aabb", NULL };
	const char *verbose[] = { "mmtool", "poke", "-v", "-i", fs->dump,
				  fs->sparse, "0", NULL };
	const char *inside[] = { "mmtool", "poke", fs->sparse, "100", "aabb",
				 NULL };
	unsigned char want[4096];
	struct outcome o;
	struct stat st;
	size_t len;
	unsigned char *got;
	int fd;

	snprintf(dump, sizeof(dump), "%s", tmp_path("ext2.dump"));
	snprintf(out, sizeof(out), "%s", tmp_path("ext2.out"));
	make_random_file(fs->dump, 8192, 92);
	/* One run in the data page, one in the hole after it. */
	write_file(dump, "00000010: 4142\n00001010: 4344\n", 30);
	refused_on_ext4(fs, poke);
	refused_on_ext4(fs, patch);
	refused_on_ext4(fs, grow);
	/* -v prints nothing when the write cannot be done. */
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	set_cloexec(fd);
	run_to(&o, fd, 0, verbose);
	close(fd);
	assert_failed(&o, 2, "No space left on device");
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* Inside the data page there is nothing to allocate: it works. */
	got = read_file(fs->sparse, &len);
	memcpy(want, got, sizeof(want));
	free(got);
	want[100] = 0xaa;
	want[101] = 0xbb;
	run_to(&o, -1, 0, inside);
	if (o.status != 0)
		fail_msg("poke inside the data: status %d, stderr [%s]",
			 o.status, o.err);
	got = read_file(fs->sparse, &len);
	assert_int_equal(len, 64 << 10);
	assert_memory_equal(got, want, sizeof(want));
	free(got);
}

/* ---- The last page below 2^63 (item 7) --------------------------------- */

/*
 * On tmpfs a file can be 2^63-1 bytes (truncate -s 9223372036854775807).
 * Its last page does not map (EOVERFLOW) and lseek(SEEK_DATA) never finds
 * data in it: every command reads and writes it with pread and pwrite.
 */
static int mount_huge_tmpfs(void **state)
{
	static struct small_fs fs;

	memset(&fs, 0, sizeof(fs));
	*state = &fs;
	if (mount_tmpfs(&fs, "hugefs") < 0)
		return -1;
	if (!fs.mounted)
		return 0;
	snprintf(fs.sparse, sizeof(fs.sparse), "%s/huge", fs.dir);
	snprintf(fs.dump, sizeof(fs.dump), "%s/grown", fs.dir);
	make_sparse_file(fs.sparse, INT64_MAX);
	make_sparse_file(fs.dump, 0);
	return 0;
}

/* Run mmtool ARGV: exit 0, nothing on stderr, stdout exactly WANT. */
static void prints(const char *const *argv, const char *want)
{
	struct run r;

	run_mmtool(&r, NULL, 0, argv + 1);
	assert_output(&r, want);
	run_free(&r);
}

/* Run mmtool ARGV: refused with STATUS, and PATH's mtime unchanged. */
static void refused_keeping_mtime(const char *path, const char *const *argv,
				  int status)
{
	struct stat before, after;
	struct outcome o;

	assert_int_equal(stat(path, &before), 0);
	run_to(&o, -1, 0, argv);
	assert_failed(&o, status, NULL);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

static void test_last_page_below_2_63(void **state)
{
	struct small_fs *fs = small_fs(state);
	const char *huge = fs->sparse, *grown = fs->dump;
	char dump[600], finds[100 * 21 + 1];
	const char *peek[] = { "mmtool", "peek", huge, "-1", NULL };
	const char *peek2[] = { "mmtool", "peek", huge, "-2", "2", NULL };
	const char *hexdump[] = { "mmtool", "hexdump", "-s", "-32", huge,
				  NULL };
	const char *find[] = { "mmtool", "find", "-o", "-100", huge, "00",
			       NULL };
	const char *find_aa[] = { "mmtool", "find", "-o", "-100", huge, "aa",
				  NULL };
	const char *poke[] = { "mmtool", "poke", huge, "-1", "aa", NULL };
	const char *past[] = { "mmtool", "poke", huge, "-1", "aabb", NULL };
	const char *past_grow[] = { "mmtool", "poke", "--grow", huge, "-1",
				    "aabb", NULL };
	const char *expect[] = { "mmtool", "poke", "--expect", "01", huge,
				 "-1", "bb", NULL };
	const char *patch[] = { "mmtool", "patch", "--grow", grown, dump,
				NULL };
	const char *peek_grown[] = { "mmtool", "peek", grown,
				     "0x7fffffffffffff00", "4", NULL };
	size_t n = 0;
	struct outcome o;
	struct stat st;

	snprintf(dump, sizeof(dump), "%s", tmp_path("top.dump"));
	write_file(dump, "7fffffffffffff00: 4142 4344  ABCD\n", 34);
	prints(peek, "00\n");
	prints(hexdump, "7fffffffffffffdf  00 00 00 00 00 00 00 00  "
		"00 00 00 00 00 00 00 00  |................|\n*\n"
		"7fffffffffffffff\n");
	for (uint64_t off = INT64_MAX - 100; off < INT64_MAX; off++)
		n += (size_t)snprintf(finds + n, sizeof(finds) - n, "%llu\n",
				      (unsigned long long)off);
	prints(find, finds);
	run_to(&o, -1, 0, poke);
	if (o.status != 0)
		fail_msg("poke -1: status %d, stderr [%s]", o.status, o.err);
	prints(peek2, "00aa\n");
	prints(find_aa, "9223372036854775806\n");
	/* Refused writes leave the mtime alone. */
	refused_keeping_mtime(huge, past, 2);
	refused_keeping_mtime(huge, past_grow, 2);
	refused_keeping_mtime(huge, expect, 1);
	run_to(&o, -1, 0, patch);
	if (o.status != 0)
		fail_msg("patch --grow: status %d, stderr [%s]", o.status,
			 o.err);
	assert_int_equal(stat(grown, &st), 0);
	assert_int_equal(st.st_size, INT64_MAX - 0xff + 4);
	prints(peek_grown, "41424344\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hexdump_truncated_under_slow_reader),
		cmocka_unit_test(test_find_truncated_under_slow_reader),
		cmocka_unit_test(test_peek_truncated_under_slow_reader),
		cmocka_unit_test(test_every_format_truncated_under_slow_reader),
		cmocka_unit_test(test_poke_store_into_truncated_mapping),
		cmocka_unit_test(test_poke_signal_held_while_storing),
		cmocka_unit_test_setup_teardown(test_full_fs_poke_into_hole,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_fs_resize_allocate,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_fs_poke_grow,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_fs_patch_into_hole,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_fs_patch_grow,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_fs_read_hole,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_read_only_remount,
						mount_small_fs,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_full_ext4_poke_into_hole,
						mount_small_ext4,
						unmount_small_fs),
		cmocka_unit_test(test_no_permission),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_file_size_limit_patch),
		cmocka_unit_test(test_stdout_full),
		cmocka_unit_test(test_stdout_closed_by_reader),
		cmocka_unit_test(test_two_writers),
		cmocka_unit_test(test_two_writers_appending),
		cmocka_unit_test(test_two_resizers),
		cmocka_unit_test(test_race_mmtool_resize_loop),
		cmocka_unit_test(test_race_raw_truncate_loop),
		cmocka_unit_test_setup_teardown(test_full_ext2_all_or_nothing,
						mount_full_ext2,
						unmount_small_fs),
		cmocka_unit_test_setup_teardown(test_last_page_below_2_63,
						mount_huge_tmpfs,
						unmount_small_fs),
		cmocka_unit_test(test_create_races_another_creator),
		cmocka_unit_test(test_lock_held_when_dump_is_file),
		cmocka_unit_test(test_truncated_while_reserving),
		cmocka_unit_test(test_signal_held_while_storing),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
