/*
 * fuzz_argv.c - libFuzzer harness for one command's whole argument vector,
 * run in-process against fresh temporary files.  Built once per command:
 * -DFUZZ_COMMAND=cmd_poke -DFUZZ_NAME='"poke"' (see the Makefile).
 *
 * The input is split at NUL bytes into the words after the command name
 * (at most MAX_WORDS).  Each run starts in a private directory holding
 * only the seed files below, so "f", "d", "x", "e" and "g" name them;
 * every '/' in a word becomes '_', so that no path can leave the
 * directory (".." is a directory, which every command refuses) -- except
 * a leading '/' of resize's last word, its SIZE.  Standard input is /dev/null.
 *
 * Invariants checked after every run:
 *   - the handler returns 0, 1 or 2, and leaks no descriptor;
 *   - 2: nothing on stdout, exactly one line "mmtool: CMD: ..." on stderr;
 *     1: nothing on stdout (diff: what differs), at most that one line
 *     (patch: one such line per conflict);
 *     0: nothing on stderr;
 *   - peek, hexdump, find: the seed files are never changed;
 *     poke, patch, resize: when the status is not 0, the seed files keep
 *     their bytes and size and no file has been created (building with
 *     -DFUZZ_ALLOW_CREATED drops that last check, to fuzz on past it).
 *
 * Safety: RLIMIT_FSIZE is 64 MiB (with SIGXFSZ ignored, as main does, so a
 * larger size is an EFBIG error) and the directory is emptied before each
 * run.  MMTOOL_TEST_WINDOW is one page, so the 5000-byte seed file is
 * walked in two windows.  libFuzzer's own output is kept apart with
 * -close_fd_mask=3, its SIGXFSZ handler is off (-handle_xfsz=0) and crash
 * files go to the directory the harness was started in (-artifact_prefix),
 * all added to the command line unless given.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdutil.h"
#include "mmtool.h"
#include "fuzzutil.h"

#ifndef FUZZ_COMMAND
#error "build with -DFUZZ_COMMAND=cmd_NAME -DFUZZ_NAME='\"NAME\"'"
#endif

#define MAX_WORDS 24
#define FSIZE_LIMIT (64L << 20)

/* The files every run starts with. */
static unsigned char seed_f[5000];

static const char seed_d[] =	/* a hexdump -C dump, edited */
	"00000000  de ad be ef 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|\n"
	"00000100  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
	"*\n"
	"00000140  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
	"00000ff8  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|\n"
	"00001388\n";

static const char seed_x[] =	/* an xxd dump: a page boundary, the end */
	"00000ffc: 4142 4344 4546 4748  ABCDEFGH\n"
	"00001380: 0102 0304 0506 0708 090a  ..........\n";

static const char seed_g[] =	/* a guarded dump of f, as diff prints it */
	"--- f\n"
	"+++ f2\n"
	"@@ -0x00000000 +0x00000000 @@\n"
	"-00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|\n"
	"+00000000  ff 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|\n"
	"@@ -0x00001380 +0x00001380 @@\n"
	"-00001380  87 0a 8d 10 93 16 99 1c                           |........|\n"
	"+00001380  87 0a 9d 10 93 16 99 1c  41 41 41 41 41 41 41 41  |........AAAAAAAA|\n"
	"-00001388\n"
	"+00001390\n";

static const struct seed {
	const char *name;
	const void *data;
	size_t len;
} seeds[] = {
	{ "f", seed_f, sizeof(seed_f) },
	{ "d", seed_d, sizeof(seed_d) - 1 },
	{ "x", seed_x, sizeof(seed_x) - 1 },
	{ "e", "", 0 },
	{ "g", seed_g, sizeof(seed_g) - 1 },
};
#define NSEEDS (sizeof(seeds) / sizeof(seeds[0]))

static char workdir[PATH_MAX];
static int devnull = -1, out_fd = -1, err_fd = -1, home_fd = -1;

static int command_writes(void)
{
	return strcmp(FUZZ_NAME, "poke") == 0 ||
	       strcmp(FUZZ_NAME, "patch") == 0 ||
	       strcmp(FUZZ_NAME, "resize") == 0;
}

/* diff's negative answer ("they differ") comes with what differs. */
static int negative_prints(void)
{
	return strcmp(FUZZ_NAME, "diff") == 0;
}

/* patch's negative answer (a guarded dump conflicts) names each conflict
 * on a line of its own, as peek -t --expect VALUES names each field that
 * differs. */
static int conflicts_listed(void)
{
	return strcmp(FUZZ_NAME, "patch") == 0 ||
	       strcmp(FUZZ_NAME, "peek") == 0;
}

static int is_seed(const char *name)
{
	for (size_t i = 0; i < NSEEDS; i++)
		if (strcmp(name, seeds[i].name) == 0)
			return 1;
	return 0;
}

/* Remove everything but the seed files from the work directory; returns
 * how many other entries there were. */
static int clean_workdir(void)
{
	int dfd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), extra = 0;
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *e;

	CHECK(dir != NULL, "open %s: %s", workdir, strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0
		    || is_seed(e->d_name))
			continue;
		extra++;
		if (unlinkat(dfd, e->d_name, 0) < 0)
			unlinkat(dfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
	return extra;
}

static void write_seeds(void)
{
	for (size_t i = 0; i < NSEEDS; i++) {
		char path[PATH_MAX + 8];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", workdir, seeds[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
		CHECK(fchmod(fd, 0644) == 0, "chmod %s", path);
		CHECK(write(fd, seeds[i].data, seeds[i].len) ==
		      (ssize_t)seeds[i].len, "write %s", path);
		close(fd);
	}
}

/* 1 if every seed file still holds exactly its bytes. */
static int seeds_intact(const char **which)
{
	static unsigned char buf[sizeof(seed_f) + 1];

	for (size_t i = 0; i < NSEEDS; i++) {
		char path[PATH_MAX + 8];
		struct stat st;
		ssize_t got;
		int fd;

		*which = seeds[i].name;
		snprintf(path, sizeof(path), "%s/%s", workdir, seeds[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (fstat(fd, &st) < 0 || st.st_size != (off_t)seeds[i].len) {
			close(fd);
			return 0;
		}
		got = read(fd, buf, sizeof(buf));
		close(fd);
		if (got != (ssize_t)seeds[i].len ||
		    memcmp(buf, seeds[i].data, seeds[i].len) != 0)
			return 0;
	}
	return 1;
}

/* The lowest free descriptor: a leak shows as a higher one after a run. */
static int lowest_free_fd(void)
{
	int fd = dup(devnull);

	CHECK(fd >= 0, "dup: %s", strerror(errno));
	close(fd);
	return fd;
}

/* Read what a run wrote to a capture file (NUL-terminated, malloc'd). */
static char *slurp(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *s;

	CHECK(end >= 0, "lseek: %s", strerror(errno));
	s = malloc((size_t)end + 1);
	CHECK(s != NULL, "malloc");
	CHECK(pread(fd, s, (size_t)end, 0) == end, "pread");
	s[end] = '\0';
	*len = (size_t)end;
	return s;
}

static int temp_file(void)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/capture.XXXXXX", workdir);
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, "cloexec");
	return fd;
}

static void remove_workdir(void)
{
	if (workdir[0] == '\0')
		return;
	clean_workdir();
	for (size_t i = 0; i < NSEEDS; i++) {
		char path[PATH_MAX + 8];

		snprintf(path, sizeof(path), "%s/%s", workdir, seeds[i].name);
		unlink(path);
	}
	rmdir(workdir);
}

/*
 * Add FLAG to libFuzzer's command line unless a flag with PREFIX is there.
 * The new vector lives as long as the process (libFuzzer keeps it), in a
 * static array so that the leak checker does not count it.
 */
static char *fuzz_argv[256];

static void add_flag(int *argc, char ***argv, const char *prefix,
		     const char *flag)
{
	for (int i = 1; i < *argc; i++)
		if (strncmp((*argv)[i], prefix, strlen(prefix)) == 0)
			return;
	CHECK(*argc + 2 <= (int)(sizeof(fuzz_argv) / sizeof(fuzz_argv[0])),
	      "too many arguments");
	if (*argv != fuzz_argv)
		memcpy(fuzz_argv, *argv, (size_t)*argc * sizeof(fuzz_argv[0]));
	fuzz_argv[*argc] = (char *)flag;
	fuzz_argv[*argc + 1] = NULL;
	++*argc;
	*argv = fuzz_argv;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct rlimit rl = { FSIZE_LIMIT, FSIZE_LIMIT };
	static char flag[PATH_MAX + 32];
	char cwd[PATH_MAX];

	/* Messages of this harness go where stderr is now: libFuzzer's
	 * -close_fd_mask sends fd 2 to /dev/null later. */
	fuzz_report_fd = fcntl(2, F_DUPFD_CLOEXEC, 10);
	CHECK(fuzz_report_fd >= 0, "dup stderr");
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
	add_flag(argc, argv, "-close_fd_mask=", "-close_fd_mask=3");
	/* A file-size limit must be EFBIG for the command, not a crash. */
	add_flag(argc, argv, "-handle_xfsz=", "-handle_xfsz=0");
	snprintf(flag, sizeof(flag), "-artifact_prefix=%s/", cwd);
	add_flag(argc, argv, "-artifact_prefix=", flag);

	snprintf(workdir, sizeof(workdir), "%s/mmtool-fuzz-%s.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", FUZZ_NAME);
	CHECK(mkdtemp(workdir) != NULL, "mkdtemp %s: %s", workdir,
	      strerror(errno));
	atexit(remove_workdir);
	for (size_t i = 0; i < sizeof(seed_f); i++)	/* patterns, zeros, text */
		seed_f[i] = i < 256 ? (unsigned char)i :
			i < 512 ? 0 :
			i >= 1000 && i < 1013 ? (unsigned char)"hello, world\n"[i - 1000] :
			(unsigned char)(i * 131 + 7);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(devnull >= 0 && home_fd >= 0, "open: %s", strerror(errno));
	out_fd = temp_file();
	err_fd = temp_file();

	CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit: %s",
	      strerror(errno));
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	unsetenv("NO_COLOR");
	unsetenv("POSIXLY_CORRECT");
	return 0;
}

/* How many lines TEXT (LEN bytes) holds; 1 only if it ends in '\n'. */
/* Does every line of TEXT start with PREFIX (and end with a newline)? */
static int lines_prefixed(const char *text, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);

		if (nl == NULL || len - i < plen ||
		    strncmp(text + i, prefix, plen) != 0)
			return 0;
		i = (size_t)(nl - text) + 1;
	}
	return 1;
}

static int count_lines(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return len > 0 && text[len - 1] != '\n' ? n + 1000 : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS + 2], *store, *out, *err, name[] = FUZZ_NAME;
	const char *which = "", *prefix = "mmtool: " FUZZ_NAME ": ";
	size_t out_len, err_len;
	int n, argc, rc, fd_before, fd_after, extra, intact;

	n = fuzz_split(data, size, words + 1, MAX_WORDS, &store);
	for (char *p = store; p < store + size; p++)
		if (*p == '/')
			*p = '_';
	/* resize's "/N" (round down): SIZE is always the last word, and a
	 * last word is never FILE, since resize takes exactly FILE SIZE. */
	if (strcmp(FUZZ_NAME, "resize") == 0 && n > 0 && words[n][0] == '_' &&
	    (const char *)words[n] - store < (ptrdiff_t)size &&
	    data[words[n] - store] == '/')
		words[n][0] = '/';
	words[0] = name;
	argc = n + 1;

	ignore_signals();	/* SIGXFSZ and SIGPIPE, as main does */
	clean_workdir();
	write_seeds();
	/* Empty the capture files; the offset must go back too (the
	 * descriptors dup2'd onto 1 and 2 share it). */
	CHECK(ftruncate(out_fd, 0) == 0 && ftruncate(err_fd, 0) == 0 &&
	      lseek(out_fd, 0, SEEK_SET) == 0 && lseek(err_fd, 0, SEEK_SET) == 0,
	      "ftruncate");
	fflush(stdout);
	fflush(stderr);
	CHECK(dup2(devnull, 0) == 0 && dup2(out_fd, 1) == 1 &&
	      dup2(err_fd, 2) == 2, "dup2: %s", strerror(errno));
	clearerr(stdin);
	clearerr(stdout);
	clearerr(stderr);
	fd_before = lowest_free_fd();
	CHECK(chdir(workdir) == 0, "chdir %s", workdir);

	optind = 0;	/* glibc: start getopt afresh */
	rc = FUZZ_COMMAND(argc, words);

	fflush(stdout);	/* as exit() would */
	fflush(stderr);
	CHECK(fchdir(home_fd) == 0, "fchdir");
	CHECK(dup2(devnull, 0) == 0, "dup2");
	fd_after = lowest_free_fd();
	dup2(devnull, 1);
	dup2(devnull, 2);

	out = slurp(out_fd, &out_len);
	err = slurp(err_fd, &err_len);
	intact = seeds_intact(&which);
	extra = clean_workdir();

	CHECK(rc == EXIT_DONE || rc == EXIT_NEGATIVE || rc == EXIT_TROUBLE,
	      "%s returned %d", FUZZ_NAME, rc);
	CHECK(fd_after == fd_before, "%s leaked a descriptor (rc %d; lowest "
	      "free fd %d, was %d)", FUZZ_NAME, rc, fd_after, fd_before);
	if (rc == EXIT_TROUBLE)
		CHECK(out_len == 0 && count_lines(err, err_len) == 1 &&
		      strncmp(err, prefix, strlen(prefix)) == 0,
		      "exit 2 with %zu bytes on stdout and stderr '%s'",
		      out_len, err);
	if (rc == EXIT_NEGATIVE)
		CHECK((out_len == 0 || negative_prints()) && (err_len == 0 ||
		      (count_lines(err, err_len) == 1 &&
		       strncmp(err, prefix, strlen(prefix)) == 0) ||
		      (conflicts_listed() &&
		       lines_prefixed(err, err_len, prefix))),
		      "exit 1 with %zu bytes on stdout and stderr '%s'",
		      out_len, err);
	if (rc == EXIT_DONE)
		CHECK(err_len == 0, "exit 0 with stderr '%s'", err);
	if (!command_writes() || rc != EXIT_DONE) {
		CHECK(intact, "%s exited %d but changed seed file '%s' "
		      "(stderr: %s)", FUZZ_NAME, rc, which, err);
#ifdef FUZZ_ALLOW_CREATED	/* to go on fuzzing while that is open */
		(void)extra;
#else
		CHECK(extra == 0, "%s exited %d but created %d file(s) "
		      "(stderr: %s)", FUZZ_NAME, rc, extra, err);
#endif
	}
	free(out);
	free(err);
	free(store);
	return 0;
}
