/*
 * test_readfaults.c - the reading commands (hexdump, peek, find) when a
 * page of the file cannot be read, and when the file is truncated between
 * the mapping and the output (issue 8, items 9, 10 and 11); and standard
 * input positioned before a hole on a full tmpfs (item 8).
 *
 * The promise: one report for every command.  "file changed size while
 * being read" only when the file did shrink; otherwise "cannot read a page
 * of the file through its mapping (...)".  A write(2) straight from the
 * mapping (peek -f raw) that meets the lost page as EFAULT is the same
 * fault.  And what went to standard output before is whole lines, in
 * every format.
 *
 * The unreadable pages are made deterministically:
 *   - an ext2 image (loop-mounted) whose file's indirect block points one
 *     data block off the end of the device: every read of that page is
 *     an I/O error, and the file's size never changes;
 *   - a hole in a sparse file on a full tmpfs, read through the mapping
 *     because strace makes lseek(SEEK_DATA) fail (a system that cannot
 *     say where holes are): the page must be allocated to be read.
 * The truncations happen while strace holds a system call at its entry
 * (delay_enter) between the mapping and the output; the test waits for
 * strace to report that entry, then truncates.  No sleep is relied on.
 *
 * Tests that need root, a loop device, mkfs.ext2, debugfs or strace skip
 * with a message saying why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#define CHANGED "file changed size while being read"
#define UNREADABLE "cannot read a page of the file through its mapping"

/* The file on the damaged image: 1 MiB, page BAD_PAGE unreadable. */
#define BAD_FILE_SIZE (1u << 20)
#define BAD_PAGE 100u
#define BAD_OFF (BAD_PAGE * 4096u)

/* Run a shell command quietly; 1 if it exited 0. */
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0;
}

/* Why a test cannot run here, or NULL: root, and each program named. */
static const char *cannot_run(const char *const *progs)
{
	static char why[128];

	if (geteuid() != 0)
		return "not root: cannot mount a filesystem";
	for (; *progs != NULL; progs++) {
		if (!have_program(*progs)) {
			snprintf(why, sizeof(why), "%s not found", *progs);
			return why;
		}
	}
	return NULL;
}

static void skip_because(const char *why)
{
	print_message("skipped: %s\n", why);
	skip();
}

/* ---- the damaged ext2 image --------------------------------------------- */

struct damaged {
	char dir[512];		/* mount point */
	char file[600];		/* the file with an unreadable page */
	char good[600];		/* its bytes, in a file that reads fine */
	const char *skip;
	int mounted;
};

static struct damaged dmg;

/*
 * The block number of FILE's indirect block in IMAGE, from debugfs'
 * "(IND):N"; 0 if it cannot be told.
 */
static unsigned long indirect_block(const char *image, const char *file)
{
	char cmd[1024], line[4096];
	unsigned long block = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'stat %s' '%s' 2>/dev/null",
		 file, image);
	p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		const char *ind = strstr(line, "(IND):");

		if (ind != NULL)
			block = strtoul(ind + 6, NULL, 10);
	}
	pclose(p);
	return block;
}

/*
 * ext2 with 4 KiB blocks: data blocks 0-11 are named in the inode, the
 * next 1024 in the indirect block.  Pointing entry BAD_PAGE - 12 there
 * past the end of the device makes that page an I/O error for every
 * reader (the kernel checks the block when it maps the page), while the
 * inode, the size and every other page stay as they were.
 */
static int mount_damaged(void **state)
{
	static const char *const progs[] = { "mkfs.ext2", "debugfs", NULL };
	char image[600];
	unsigned char *data;
	unsigned long ind;
	uint32_t off_device = 1000000;
	int fd;

	(void)state;
	memset(&dmg, 0, sizeof(dmg));
	dmg.skip = cannot_run(progs);
	if (dmg.skip != NULL)
		return 0;
	snprintf(dmg.dir, sizeof(dmg.dir), "%s", tmp_path("damaged"));
	snprintf(image, sizeof(image), "%s", tmp_path("damaged.img"));
	snprintf(dmg.file, sizeof(dmg.file), "%s/f", dmg.dir);
	snprintf(dmg.good, sizeof(dmg.good), "%s", tmp_path("good"));
	if (mkdir(dmg.dir, 0755) < 0 && errno != EEXIST)
		return -1;
	data = malloc(BAD_FILE_SIZE);
	assert_non_null(data);
	fill_random(data, BAD_FILE_SIZE, 8);
	write_file(dmg.good, data, BAD_FILE_SIZE);
	if (!sh("truncate -s 16M '%s' && mkfs.ext2 -q -F -b 4096 '%s' "
		">/dev/null 2>&1", image, image)) {
		dmg.skip = "mkfs.ext2 failed";
		goto out;
	}
	if (!sh("mount -o loop '%s' '%s' 2>/dev/null", image, dmg.dir)) {
		dmg.skip = "mount -o loop failed (no loop devices?)";
		goto out;
	}
	write_file(dmg.file, data, BAD_FILE_SIZE);
	if (!sh("umount '%s'", dmg.dir))
		return -1;
	ind = indirect_block(image, "/f");
	if (ind == 0) {
		dmg.skip = "debugfs did not name the indirect block";
		goto out;
	}
	fd = open(image, O_WRONLY);
	if (fd < 0 || pwrite(fd, &off_device, 4, (off_t)ind * 4096 +
			     (BAD_PAGE - 12) * 4) != 4 || close(fd) < 0)
		return -1;
	if (!sh("mount -o loop '%s' '%s' 2>/dev/null", image, dmg.dir))
		return -1;
	dmg.mounted = 1;
out:
	free(data);
	return 0;
}

static int unmount_damaged(void **state)
{
	(void)state;
	if (dmg.mounted && !sh("umount '%s'", dmg.dir)) {
		fprintf(stderr, "could not unmount %s\n", dmg.dir);
		return -1;
	}
	dmg.mounted = 0;
	return 0;
}

static void need_damaged(void)
{
	SKIP_IF_EMULATED("no SIGBUS for a page that cannot be read");
	if (dmg.skip != NULL)
		skip_because(dmg.skip);
}

/* Run ARGV, with the file PATH on standard input when STDIN. */
static void run_on(struct run *r, const char *const *argv, int on_stdin,
		   const char *path)
{
	if (on_stdin)
		run_stdin_at(r, path, 0, argv);
	else
		run_mmtool(r, NULL, 0, argv);
}

/*
 * What went out before the fault: nothing, or whole lines (the last byte
 * a newline), and exactly the start of what the command prints for the
 * good copy of the file.
 */
static void assert_whole_line_prefix(const struct run *r,
				     const char *const *good_argv, int on_stdin)
{
	struct run g;

	if (r->out_len == 0)
		return;
	if (r->out[r->out_len - 1] != '\n')
		fail_msg("output (%zu bytes) ends mid-line: [...%.40s]",
			 r->out_len, r->out + (r->out_len > 40 ?
					       r->out_len - 40 : 0));
	run_on(&g, good_argv, on_stdin, dmg.good);
	assert_int_equal(g.status, 0);
	assert_true(r->out_len < g.out_len);
	assert_memory_equal(r->out, g.out, r->out_len);
	run_free(&g);
}

/*
 * ARGS (NULL-terminated, FILE where the path goes, or - with the file on
 * standard input) on the damaged file:
 * exit 2, the one report of a page that cannot be read (never "changed
 * size": the size did not change), and whole lines of true output
 * before it.  LINES 0: raw bytes, a prefix of the file.
 */
static void unreadable(const char *const *args, int lines)
{
	const char *argv[16], *good[16];
	int on_stdin = 0;
	struct run r;
	size_t n;

	for (n = 0; args[n] != NULL; n++) {
		assert_true(n < 15);
		argv[n] = strcmp(args[n], "FILE") == 0 ? dmg.file : args[n];
		good[n] = strcmp(args[n], "FILE") == 0 ? dmg.good : args[n];
		on_stdin |= strcmp(args[n], "-") == 0;
	}
	argv[n] = good[n] = NULL;
	run_on(&r, argv, on_stdin, dmg.file);
	print_message("    %s %s: status %d, %zu bytes out, %s", args[0],
		      args[1], r.status, r.out_len, r.err);
	assert_false(r.signaled);
	assert_int_equal(r.status, 2);
	assert_true(strncmp(r.err, "mmtool: ", 8) == 0);
	assert_true(strchr(r.err, '\n')[1] == '\0');
	if (strstr(r.err, UNREADABLE) == NULL)
		fail_msg("stderr [%s] does not say [%s]", r.err, UNREADABLE);
	if (lines) {
		assert_whole_line_prefix(&r, good, on_stdin);
	} else {
		unsigned char *want;
		size_t len;

		want = read_file(dmg.good, &len);
		assert_true(r.out_len <= BAD_OFF);
		assert_memory_equal(r.out, want, r.out_len);
		free(want);
	}
	run_free(&r);
}

/* Item 9: hexdump said "file changed size" for every fault. */
static void test_unreadable_page_hexdump(void **state)
{
	static const char *const canonical[] = { "hexdump", "FILE", NULL };
	static const char *const xxd[] = { "hexdump", "-f", "xxd", "FILE",
					   NULL };
	static const char *const xxd7[] = { "hexdump", "-f", "xxd", "-c", "7",
					    "FILE", NULL };
	static const char *const plain[] = { "hexdump", "-f", "plain", "FILE",
					     NULL };
	/* On standard input, so that no variable name tells them apart. */
	static const char *const c[] = { "hexdump", "-f", "c", "-", NULL };
	static const char *const skip[] = { "hexdump", "-s", "400K", "FILE",
					    NULL };

	(void)state;
	need_damaged();
	unreadable(canonical, 1);
	unreadable(xxd, 1);
	unreadable(xxd7, 1);
	unreadable(plain, 1);
	unreadable(c, 1);
	unreadable(skip, 1);
}

/* The same report from peek and find, which said it already. */
static void test_unreadable_page_peek_find(void **state)
{
	static const char *const hex[] = { "peek", "FILE", "0", "1M", NULL };
	static const char *const typed[] = { "peek", "-t", "u32", "FILE", "0",
					     "1M", NULL };
	static const char *const plain[] = { "peek", "-f", "plain", "FILE",
					     "0", "1M", NULL };
	static const char *const find[] = { "find", "FILE", "01", NULL };
	static const char *const expect[] = { "peek", "--expect", "00",
					      "FILE", "400K", NULL };

	(void)state;
	need_damaged();
	unreadable(hex, 1);
	unreadable(typed, 1);
	unreadable(plain, 1);
	unreadable(find, 1);
	unreadable(expect, 1);
}

/*
 * Item 10: peek -f raw writes a large range with write(2) straight from
 * the mapping, which meets the unreadable page as EFAULT: that is the
 * fault, not "Bad address".  A small range goes through the buffer (a
 * SIGBUS caught by the guard).
 */
static void test_unreadable_page_raw(void **state)
{
	static const char *const big[] = { "peek", "-f", "raw", "FILE", "0",
					   "1M", NULL };
	static const char *const small[] = { "peek", "-f", "raw", "FILE",
					     "400K", "8K", NULL };

	(void)state;
	need_damaged();
	unreadable(big, 0);
	unreadable(small, 0);
}

/* ---- strace: hold a system call while the test acts ---------------------- */

struct traced {
	int status;		/* mmtool's exit status, as strace passes it */
	char err[4096];		/* its standard error */
	unsigned char *out;	/* its standard output */
	size_t out_len;
};

/* strace needs no root, only ptrace. */
static void need_strace(void)
{
	SKIP_IF_EMULATED("strace would trace the emulator");
	if (!have_program("strace"))
		skip_because("strace not found");
}

/* Read FD to its end into BUF (SIZE bytes, NUL-terminated). */
static void read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while ((r = read(fd, buf + n, size - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r > 0);
		n += (size_t)r;
		if (n == size - 1) {
			char junk[512];

			while (read(fd, junk, sizeof(junk)) > 0)
				;
			break;
		}
	}
	buf[n] = '\0';
}

/*
 * LeakSanitizer cannot run under ptrace (an ASan build then exits 86):
 * the traced mmtool runs without it.  Harmless for other builds.
 */
static void no_leak_check(void)
{
	const char *old = getenv("ASAN_OPTIONS");
	char opts[2048];

	snprintf(opts, sizeof(opts), "%s%sdetect_leaks=0", old ? old : "",
		 old && *old ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
}

/*
 * Run mmtool ARGV (argv[0] is the command) under strace, holding the
 * NTH call of SYSCALL for a second at its entry; with ON_FILE, only calls
 * on FILE count (strace -P: the sanitizers' runtime makes system calls of
 * its own).  strace reports each entry before it holds the call, so once
 * NTH entries have been reported the call is held: then FILE is truncated
 * to nothing, and the command goes on into the truncated file.  Standard
 * output goes to a file.
 */
static void run_truncated_at(struct traced *t, const char *syscall, int nth,
			     int on_file, const char *file,
			     const char *const *argv)
{
	char trace_opt[64], inject[128], seen[65536], out_path[600];
	const char *args[32];
	int trace[2], err[2], out, count = 0;
	size_t n = 0, len = 0;
	pid_t pid;
	int status;

	snprintf(trace_opt, sizeof(trace_opt), "trace=%s", syscall);
	snprintf(inject, sizeof(inject), "inject=%s:delay_enter=1000000:"
		 "when=%d", syscall, nth);
	args[n++] = "strace";
	args[n++] = "-qq";
	args[n++] = "-o";
	args[n++] = "/dev/fd/3";
	if (on_file) {
		args[n++] = "-P";
		args[n++] = file;
	}
	args[n++] = "-e";
	args[n++] = trace_opt;
	args[n++] = "-e";
	args[n++] = inject;
	args[n++] = mmtool_path();
	for (size_t i = 0; argv[i] != NULL; i++) {
		assert_true(n < 31);
		args[n++] = argv[i];
	}
	args[n] = NULL;
	snprintf(out_path, sizeof(out_path), "%s", tmp_path("traced.out"));
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(out >= 0);
	assert_int_equal(pipe(trace), 0);
	assert_int_equal(pipe(err), 0);
	alarm(60);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err[1], 2) < 0 || dup2(trace[1], 3) < 0)
			_exit(126);
		for (int fd = 4; fd < 64; fd++)
			close(fd);
		no_leak_check();
		execvp("strace", (char *const *)args);
		_exit(127);
	}
	close(out);
	close(trace[1]);
	close(err[1]);
	/* Count the reported entries of SYSCALL up to the held one. */
	while (count < nth) {
		ssize_t r = read(trace[0], seen + len, sizeof(seen) - 1 - len);
		const char *p;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			fail_msg("strace never reported call %d of %s: "
				 "[%.*s]", nth, syscall, (int)len, seen);
		len += (size_t)r;
		seen[len] = '\0';
		count = 0;
		for (p = seen; (p = strstr(p, syscall)) != NULL; p++)
			if ((p == seen || p[-1] == '\n') &&
			    p[strlen(syscall)] == '(')
				count++;
		if (len == sizeof(seen) - 1)
			len = 0;	/* a long trace: only the tail counts */
	}
	assert_int_equal(truncate(file, 0), 0);
	read_all(trace[0], seen, sizeof(seen));
	close(trace[0]);
	read_all(err[0], t->err, sizeof(t->err));
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	alarm(0);
	assert_true(WIFEXITED(status));
	t->status = WEXITSTATUS(status);
	t->out = read_file(out_path, &t->out_len);
	print_message("    %s held at call %d: status %d, %zu bytes out, %s",
		      syscall, nth, t->status, t->out_len, t->err);
}

/* Exit 2 and the one line "FILE: file changed size while being read". */
static void assert_changed(const struct traced *t)
{
	const char *nl = strchr(t->err, '\n');

	assert_int_equal(t->status, 2);
	assert_true(strncmp(t->err, "mmtool: ", 8) == 0);
	assert_non_null(nl);
	assert_true(nl[1] == '\0');
	if (strstr(t->err, CHANGED) == NULL)
		fail_msg("stderr [%s] does not say [%s]", t->err, CHANGED);
}

/*
 * Item 10: peek -f raw maps the range, then write(2)s it straight from
 * the mapping.  Truncated while that write is held, the write meets the
 * lost pages as EFAULT: "file changed size while being read", exit 2,
 * and nothing but bytes of the file went out (main said "Bad address").
 */
static void test_raw_truncated_before_write(void **state)
{
	const char *f = tmp_path("raw-truncated");
	const char *argv[] = { "peek", "-f", "raw", f, "0", "1M", NULL };
	unsigned char *data = malloc(2u << 20);
	struct traced t;

	(void)state;
	need_strace();
	assert_non_null(data);
	fill_random(data, 2u << 20, 9);
	write_file(f, data, 2u << 20);
	run_truncated_at(&t, "write", 1, 0, f, argv);
	assert_changed(&t);
	assert_true(t.out_len < (1u << 20));
	assert_memory_equal(t.out, data, t.out_len);
	free(t.out);
	free(data);
}

/*
 * Item 11: peek's hex is one line, so a fault part-way through the range
 * prints none of it.  An 8 MiB range is mapped in two 4 MiB windows; the
 * mmap of the second is held and the file truncated, after the first
 * window's 8 MiB of hex were made (more than the usual output buffer).
 * Main printed part of the line.
 */
static void test_peek_hex_truncated_mid_range(void **state)
{
	const char *f = tmp_path("hex-truncated");
	const char *argv[] = { "peek", f, "0", "8M", NULL };
	unsigned char *data;
	struct traced t;

	(void)state;
	need_strace();
	data = malloc(8u << 20);
	assert_non_null(data);
	fill_random(data, 8u << 20, 10);
	write_file(f, data, 8u << 20);
	free(data);
	run_truncated_at(&t, "mmap", 2, 1, f, argv);
	assert_changed(&t);
	assert_int_equal(t.out_len, 0);
	free(t.out);
}

/* ---- a hole on a full tmpfs, read where lseek cannot tell holes --------- */

/*
 * On a full tmpfs a hole read through a shared mapping faults: its page
 * must be allocated.  mmtool reads holes as zeros without mapping them,
 * where lseek(SEEK_DATA) says where they are; strace makes it fail
 * (EINVAL: a system that cannot say), so every byte is mapped and read,
 * as the spec says.  The size never changed: the report must not say it
 * did (item 9: hexdump said "file changed size" for every fault).
 */
struct full_tmpfs {
	char dir[512], sparse[600];
	char datahole[600];	/* a page of 'A', then a hole to 4 MiB */
	const char *skip;
	int mounted;
};

static struct full_tmpfs fulltmp;

/* A 1 MiB tmpfs filled to the last byte, holding a 4 MiB sparse file. */
static int mount_full_tmpfs(void **state)
{
	static const char *const progs[] = { "strace", NULL };
	char filler[600], buf[65536];
	int fd;

	(void)state;
	memset(&fulltmp, 0, sizeof(fulltmp));
	fulltmp.skip = cannot_run(progs);
	if (fulltmp.skip != NULL)
		return 0;
	snprintf(fulltmp.dir, sizeof(fulltmp.dir), "%s", tmp_path("fulltmp"));
	snprintf(fulltmp.sparse, sizeof(fulltmp.sparse), "%s/sparse",
		 fulltmp.dir);
	snprintf(fulltmp.datahole, sizeof(fulltmp.datahole), "%s/datahole",
		 fulltmp.dir);
	snprintf(filler, sizeof(filler), "%s/filler", fulltmp.dir);
	if (mkdir(fulltmp.dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (!sh("mount -t tmpfs -o size=1m tmpfs '%s' 2>/dev/null",
		fulltmp.dir)) {
		fulltmp.skip = "mount -t tmpfs failed (no CAP_SYS_ADMIN?)";
		return 0;
	}
	fulltmp.mounted = 1;
	fd = open(fulltmp.sparse, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 4 << 20) < 0 || close(fd) < 0)
		return -1;
	memset(buf, 'A', 4096);
	fd = open(fulltmp.datahole, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, 4096) != 4096 ||
	    ftruncate(fd, 4 << 20) < 0 || close(fd) < 0)
		return -1;
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	memset(buf, 0x5a, sizeof(buf));
	while (write(fd, buf, sizeof(buf)) > 0)
		;
	while (write(fd, buf, 1) > 0)
		;
	close(fd);
	return 0;
}

static int unmount_full_tmpfs(void **state)
{
	(void)state;
	if (fulltmp.mounted && !sh("umount '%s'", fulltmp.dir)) {
		fprintf(stderr, "could not unmount %s\n", fulltmp.dir);
		return -1;
	}
	fulltmp.mounted = 0;
	return 0;
}

/*
 * On a full tmpfs a hole read through a shared mapping faults: its page
 * must be allocated.  mmtool reads holes as zeros without mapping them
 * where lseek(SEEK_DATA) says where they are; strace makes it fail
 * (EINVAL: a system that cannot say), so every byte is mapped and read,
 * as the spec says.  The size never changed, and the report must not say
 * it did (item 9: hexdump said "file changed size" for every fault; item
 * 10: peek -f raw said "Bad address").
 */
static void test_full_tmpfs_hole_without_lookups(void **state)
{
	static const char *const cmds[][8] = {
		{ "hexdump", "SPARSE", NULL },
		{ "hexdump", "-f", "plain", "SPARSE", NULL },
		{ "find", "SPARSE", "01", NULL },
		{ "peek", "SPARSE", "2M", "4", NULL },
		{ "peek", "-f", "raw", "SPARSE", "0", "1M", NULL },
	};
	char out[600], err[700];

	(void)state;
	SKIP_IF_EMULATED("strace would trace the emulator");
	if (fulltmp.skip != NULL)
		skip_because(fulltmp.skip);
	no_leak_check();
	snprintf(out, sizeof(out), "%s", tmp_path("fulltmp.out"));
	snprintf(err, sizeof(err), "%s.err", out);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[2048], *o = cmd, *text;
		int status, raw = 0;
		size_t len, elen;

		/* -P: the file's lseeks (the sanitizers make their own). */
		o += sprintf(o, "strace -qq -o /dev/null -P '%s' -e trace=lseek "
			     "-e inject=lseek:error=EINVAL '%s'",
			     fulltmp.sparse, mmtool_path());
		for (size_t k = 0; cmds[i][k] != NULL; k++) {
			const char *w = cmds[i][k];

			raw |= strcmp(w, "raw") == 0;
			o += sprintf(o, " '%s'", strcmp(w, "SPARSE") == 0 ?
				     fulltmp.sparse : w);
		}
		sprintf(o, " >'%s' 2>'%s'", out, err);
		status = system(cmd);
		assert_true(WIFEXITED(status));
		free(read_file(out, &len));
		text = (char *)read_file(err, &elen);
		print_message("    %s: status %d, %zu bytes out, %s",
			      cmds[i][0], WEXITSTATUS(status), len, text);
		assert_int_equal(WEXITSTATUS(status), 2);
		if (strstr(text, UNREADABLE) == NULL ||
		    strstr(text, "no space left on device") == NULL ||
		    strchr(text, '\n')[1] != '\0')
			fail_msg("%s: stderr [%s]", cmds[i][0], text);
		if (!raw) {
			unsigned char *bytes = read_file(out, &len);

			assert_true(len == 0 || bytes[len - 1] == '\n');
			free(bytes);
		}
		free(text);
	}
}

/*
 * Standard input positioned past the data of a sparse file (issue 8,
 * item 8): the walk asks where data lies from the position, in file
 * offsets, so the hole after it is read as zeros, unmapped.  Asked from
 * the wrong offset, the page of data before the position would make the
 * rest look like data, and mapping the hole on the full tmpfs faults.
 */
static void test_stdin_position_in_a_hole(void **state)
{
	static const char *const argv[] = { "hexdump", NULL };
	struct run r;

	(void)state;
	SKIP_IF_EMULATED("no SIGBUS for a page that cannot be had");
	if (fulltmp.skip != NULL)
		skip_because(fulltmp.skip);
	run_stdin_at(&r, fulltmp.datahole, 8192, argv);
	assert_output(&r, "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 "
		      "00 00 00  |................|\n*\n003fe000\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest damaged[] = {
		cmocka_unit_test(test_unreadable_page_hexdump),
		cmocka_unit_test(test_unreadable_page_peek_find),
		cmocka_unit_test(test_unreadable_page_raw),
	};
	const struct CMUnitTest traced[] = {
		cmocka_unit_test(test_raw_truncated_before_write),
		cmocka_unit_test(test_peek_hex_truncated_mid_range),
		cmocka_unit_test_setup_teardown(
			test_full_tmpfs_hole_without_lookups,
			mount_full_tmpfs, unmount_full_tmpfs),
		cmocka_unit_test_setup_teardown(test_stdin_position_in_a_hole,
						mount_full_tmpfs,
						unmount_full_tmpfs),
	};
	int failed;

	signal(SIGPIPE, SIG_IGN);
	failed = cmocka_run_group_tests_name("damaged ext2 image", damaged,
					     mount_damaged, unmount_damaged);
	failed += cmocka_run_group_tests_name("strace", traced, NULL, NULL);
	return failed != 0;
}
