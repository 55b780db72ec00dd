/*
 * test_hexdump.c - end-to-end tests of `mmtool hexdump` against SPEC.md
 * (hexdump, Kinds of file, Errors), run through the built binary.
 *
 * Three kinds of check:
 *   - golden: every case of tests/golden/cases (made once by hexdump -C
 *     and xxd, see make-golden.sh) is turned back into an mmtool command
 *     line and must print the golden bytes.  Needs no reference tool.
 *   - live: the same command run by the reference tool installed here, on
 *     the inputs of geninput.h, on freshly generated random files and on
 *     a sparse 5 GiB file.  Skipped (visibly) when the tool is missing.
 *   - behaviour: streams, windows, colour, errors and exit statuses, with
 *     the expected output written out or taken from a regular-file run.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt, grantpt, ptsname, realpath */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"
#include "golden/geninput.h"

static char start_dir[PATH_MAX];

/* ---- helpers --------------------------------------------------------- */

static const char *const inputs[] = {
	"empty", "a1", "rand15", "rand16", "rand17", "rand31", "rand32",
	"rand33", "ramp256", "zero4k", "repmid", "repend", "text", "rand1m",
};
#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))

/* An absolute path in the temporary directory, in a fresh buffer. */
static char *path_of(const char *name)
{
	char *p = malloc(PATH_MAX);

	assert_non_null(p);
	snprintf(p, PATH_MAX, "%s/%s", test_tmpdir(), name);
	return p;
}

/* The file holding geninput NAME (made once); the caller frees. */
static char *input_file(const char *name)
{
	char file[64];
	char *path;
	unsigned char *data;
	size_t len;

	snprintf(file, sizeof(file), "in-%s", name);
	path = path_of(file);
	if (access(path, F_OK) == 0)
		return path;
	data = geninput(name, &len);
	assert_non_null(data);
	write_file(path, data, len);
	free(data);
	return path;
}

/* A file of LEN pseudo-random bytes from SEED; the caller frees. */
static char *random_file(const char *name, size_t len, uint32_t seed)
{
	unsigned char *data = malloc(len ? len : 1);
	char *path = path_of(name);

	assert_non_null(data);
	fill_random(data, len, seed);
	write_file(path, data, len);
	free(data);
	return path;
}

/* Is PROG installed?  Asked once per program. */
static int have(const char *prog)
{
	static struct { const char *prog; int have; } seen[8];
	static size_t nseen;

	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i].prog, prog) == 0)
			return seen[i].have;
	assert_true(nseen < sizeof(seen) / sizeof(seen[0]));
	seen[nseen].prog = prog;
	seen[nseen].have = have_program(prog);
	return seen[nseen++].have;
}

/* Skip the test, saying why, unless PROG is installed. */
static void need(const char *prog)
{
	if (!have(prog)) {
		print_message("[  SKIP    ] %s is not installed: no live "
			      "comparison\n", prog);
		skip();
	}
}

/* Standard output of `sh -c CMD`, which must exit 0; *len set. */
static unsigned char *sh_output(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 65536, n = 0, got;
	unsigned char *buf = malloc(cap + 1);
	int status;

	assert_non_null(p);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n, p)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
	}
	status = pclose(p);
	if (status != 0)
		print_error("'%s' exited with status %d\n", cmd, status);
	assert_int_equal(status, 0);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Run `sh -c CMD` with MMTOOL in its environment; stdout and stderr are
 * caught in files and returned in R as run_mmtool does.
 */
static void run_sh(struct run *r, const char *cmd)
{
	char *out = path_of("sh.out"), *err = path_of("sh.err");
	char *full = malloc(strlen(cmd) + 2 * PATH_MAX + 32);
	int status;

	assert_non_null(full);
	sprintf(full, "( %s ) >'%s' 2>'%s'", cmd, out, err);
	setenv("MMTOOL", mmtool_path(), 1);
	status = system(full);
	memset(r, 0, sizeof(*r));
	assert_true(status != -1 && WIFEXITED(status));
	r->status = WEXITSTATUS(status);
	r->out = (char *)read_file(out, &r->out_len);
	r->out = realloc(r->out, r->out_len + 1);
	r->out[r->out_len] = '\0';
	r->err = (char *)read_file(err, &r->err_len);
	r->err = realloc(r->err, r->err_len + 1);
	r->err[r->err_len] = '\0';
	free(full);
	free(out);
	free(err);
}

/*
 * Run mmtool with ARGS (words separated by single blanks), then PATH if
 * not NULL, with IN (LEN bytes) on standard input (NULL: /dev/null).
 */
static void run_mm(struct run *r, const char *args, const char *path,
		   const void *in, size_t len)
{
	char words[512], *save = NULL, *w;
	const char *argv[64];
	size_t n = 0;

	snprintf(words, sizeof(words), "%s", args);
	for (w = strtok_r(words, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		assert_true(n < 62);
		argv[n++] = w;
	}
	if (path != NULL)
		argv[n++] = path;
	argv[n] = NULL;
	run_mmtool(r, in, len, argv);
}

/* Assert GOT (GLEN bytes) equals WANT, showing the first differing line. */
static void assert_same(const char *what, const void *got, size_t glen,
			const void *want, size_t wlen)
{
	const unsigned char *g = got, *w = want;
	size_t i = 0, line = 0, lstart = 0;

	while (i < glen && i < wlen && g[i] == w[i]) {
		if (g[i] == '\n') {
			line++;
			lstart = i + 1;
		}
		i++;
	}
	if (i == glen && i == wlen)
		return;
	print_error("%s: output differs at byte %zu (line %zu; %zu bytes, "
		    "want %zu)\n  got:  [%.*s]\n  want: [%.*s]\n", what, i,
		    line + 1, glen, wlen,
		    (int)(glen - lstart < 100 ? glen - lstart : 100),
		    (const char *)g + lstart,
		    (int)(wlen - lstart < 100 ? wlen - lstart : 100),
		    (const char *)w + lstart);
	fail();
}

/* Exit 0, nothing on stderr. */
static void assert_ok(const char *what, const struct run *r)
{
	if (r->status != 0 || r->err_len != 0 || r->signaled)
		print_error("%s: status %d, stderr [%s]\n", what, r->status,
			    r->err);
	assert_false(r->signaled);
	assert_int_equal(r->status, 0);
	assert_int_equal(r->err_len, 0);
}

/* mmtool ARGS PATH must print exactly WANT (a C string) and exit 0. */
static void expect_output(const char *args, const char *path,
			  const char *want)
{
	struct run r;

	run_mm(&r, args, path, NULL, 0);
	assert_ok(args, &r);
	assert_same(args, r.out, r.out_len, want, strlen(want));
	run_free(&r);
}

/* mmtool ARGS (PATH appended if not NULL) must refuse: exit 2, one line
 * on stderr containing MSG, nothing on stdout. */
static void expect_refused(const char *args, const char *path,
			   const char *msg)
{
	struct run r;

	run_mm(&r, args, path, NULL, 0);
	assert_refused(&r, 2);
	if (msg != NULL)
		assert_err_contains(&r, msg);
	run_free(&r);
}

/*
 * The reference command REF run on PATH (`REF 'PATH'`, or `REF < 'PATH'`
 * when STDIN) and mmtool ARGS on the same file (or the same bytes on
 * standard input) must print the same bytes.
 */
static void compare_ref(const char *args, const char *ref, const char *path,
			int stdin_too)
{
	char cmd[PATH_MAX + 256], what[PATH_MAX + 512];
	unsigned char *want, *data = NULL;
	size_t wlen, dlen = 0;
	struct run r;

	snprintf(cmd, sizeof(cmd), "%s %s'%s'", ref, stdin_too ? "< " : "",
		 path);
	want = sh_output(cmd, &wlen);
	if (stdin_too) {
		data = read_file(path, &dlen);
		run_mm(&r, args, NULL, data, dlen);
	} else {
		run_mm(&r, args, path, NULL, 0);
	}
	snprintf(what, sizeof(what), "mmtool %s vs %s", args, cmd);
	assert_ok(what, &r);
	assert_same(what, r.out, r.out_len, want, wlen);
	run_free(&r);
	free(want);
	free(data);
}

/* mmtool output for ARGS on PATH, which must succeed; the caller frees. */
static char *mm_output(const char *args, const char *path, size_t *len)
{
	struct run r;
	char *out;

	run_mm(&r, args, path, NULL, 0);
	assert_ok(args, &r);
	out = r.out;
	*len = r.out_len;
	free(r.err);
	return out;
}

/* mmtool ARGS with DATA on standard input must print what ARGS prints for
 * FILE (a regular file holding the same bytes). */
static void compare_stdin_to_file(const char *args, const char *file,
				  const char *dash)
{
	unsigned char *data;
	char *want, words[256];
	size_t dlen, wlen;
	struct run r;

	data = read_file(file, &dlen);
	want = mm_output(args, file, &wlen);
	snprintf(words, sizeof(words), "%s%s%s", args, dash ? " " : "",
		 dash ? dash : "");
	run_mm(&r, words, NULL, data, dlen);
	assert_ok(words, &r);
	assert_same(words, r.out, r.out_len, want, wlen);
	run_free(&r);
	free(want);
	free(data);
}

/* Remove SGR escapes (ESC [ ... m) in place; returns the new length. */
static size_t strip_sgr(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && s[i] != 'm')
				i++;
			i++;
			continue;
		}
		s[o++] = s[i++];
	}
	s[o] = '\0';
	return o;
}

static size_t count_of(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), c = 0;

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			c++;
	return c;
}

/* The variable name xxd -i derives from PATH (as dumpfmt.c does). */
static void c_name(const char *path, char *out)
{
	const unsigned char *s = (const unsigned char *)path;
	size_t n = 0;

	if (*s >= '0' && *s <= '9') {
		out[n++] = '_';
		out[n++] = '_';
	}
	for (; *s; s++)
		out[n++] = (char)(((*s >= '0' && *s <= '9') ||
				   (*s >= 'a' && *s <= 'z') ||
				   (*s >= 'A' && *s <= 'Z')) ? *s : '_');
	out[n] = '\0';
}

/* POSIX cksum of P (the golden .cksum files hold it for long outputs). */
static uint32_t cksum_of(const unsigned char *p, size_t n)
{
	uint32_t table[256], crc = 0;
	size_t len;

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;

		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04c11db7u : c << 1;
		table[i] = c;
	}
	for (size_t i = 0; i < n; i++)
		crc = crc << 8 ^ table[(crc >> 24 ^ p[i]) & 0xff];
	for (len = n; len != 0; len >>= 8)
		crc = crc << 8 ^ table[(crc >> 24 ^ len) & 0xff];
	return ~crc;
}

/* A sparse file of SIZE bytes with DATA (LEN bytes) written at AT. */
static void sparse_file(const char *path, uint64_t size, uint64_t at,
			const void *data, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	if (len > 0)
		assert_int_equal(pwrite(fd, data, len, (off_t)at),
				 (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* ---- golden files, turned back into mmtool command lines ------------- */

struct golden {
	char id[64], input[32], name[64], cmd[200];
	unsigned long long hole;
};

/*
 * The reference command of a golden case as mmtool arguments: the tool
 * picks the format (hexdump -C, xxd, xxd -p, xxd -i), -l is -n, and
 * every other option is the same.  *from_stdin is set for "< {}".
 * Returns the format, or NULL for a command this does not know.
 */
static const char *golden_args(const char *cmd, char *args, size_t size,
			       int *from_stdin)
{
	char words[200], *save = NULL, *w;
	const char *format = NULL;
	size_t n;

	*from_stdin = 0;
	snprintf(words, sizeof(words), "%s", cmd);
	w = strtok_r(words, " ", &save);
	if (w != NULL && strcmp(w, "hexdump") == 0)
		format = "canonical";
	else if (w != NULL && strcmp(w, "xxd") == 0)
		format = "xxd";
	else
		return NULL;
	n = (size_t)snprintf(args, size, "hexdump");
	while ((w = strtok_r(NULL, " ", &save)) != NULL) {
		/* hexdump -C is the format; xxd -C capitalises, as here. */
		if (strcmp(w, "-C") == 0 && strcmp(format, "canonical") == 0)
			continue;
		if (strcmp(w, "-p") == 0) {
			format = "plain";
			continue;
		}
		if (strcmp(w, "-i") == 0) {
			format = "c";
			continue;
		}
		if (strcmp(w, "<") == 0) {
			*from_stdin = 1;
			continue;
		}
		if (strcmp(w, "{}") == 0)
			continue;
		if (strcmp(w, "-l") == 0)
			w = "-n";
		n += (size_t)snprintf(args + n, size - n, " %s", w);
	}
	n += (size_t)snprintf(args + n, size - n, " -f %s", format);
	assert_true(n < size);
	return format;
}

/* Run every golden case of FORMAT; returns how many ran. */
static int run_golden(const char *want_format)
{
	char path[PATH_MAX], line[512], args[256], dir[PATH_MAX];
	FILE *f;
	int ran = 0;

	snprintf(path, sizeof(path), "%s/golden/cases", tests_dir());
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct golden g;
		char skip[32], count[32], fmt[48], cols[16], group[16];
		char sq[8], *slash, what[1024];
		const char *format, *name;
		unsigned char *data, *want, *stdin_data = NULL;
		size_t dlen, wlen = 0, slen = 0;
		int used = 0, from_stdin;
		struct run r;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		memset(&g, 0, sizeof(g));
		assert_int_equal(sscanf(line, "%63s %31s %llu %31s %31s %47s "
					"%15s %15s %7s %63s %n", g.id, g.input,
					&g.hole, skip, count, fmt, cols, group,
					sq, g.name, &used), 10);
		snprintf(g.cmd, sizeof(g.cmd), "%s", line + used);
		g.cmd[strcspn(g.cmd, "\n")] = '\0';
		format = golden_args(g.cmd, args, sizeof(args), &from_stdin);
		assert_non_null(format);
		if (strcmp(format, want_format) != 0)
			continue;

		/* The case's file, in a directory of its own, named as the
		 * reference saw it (xxd -i takes the name from it). */
		snprintf(dir, sizeof(dir), "%s/golden-%s", test_tmpdir(), g.id);
		mkdir(dir, 0755);
		assert_int_equal(chdir(dir), 0);
		name = strcmp(g.name, "-") == 0 ? "in" : g.name;
		snprintf(path, sizeof(path), "%s", name);
		if ((slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			{
				char mk[PATH_MAX + 16];

				snprintf(mk, sizeof(mk), "mkdir -p '%s'", path);
				assert_int_equal(system(mk), 0);
			}
		}
		data = geninput(g.input, &dlen);
		assert_non_null(data);
		sparse_file(name, g.hole + dlen, g.hole, data, dlen);
		if (from_stdin) {
			stdin_data = read_file(name, &slen);
			run_mm(&r, args, NULL, stdin_data, slen);
		} else {
			run_mm(&r, args, name, NULL, 0);
		}
		snprintf(what, sizeof(what), "golden %s: mmtool %s%s%s (ref: %s)",
			 g.id, args, from_stdin ? " < " : " ", name, g.cmd);
		assert_ok(what, &r);

		snprintf(path, sizeof(path), "%s/golden/%s.out", tests_dir(),
			 g.id);
		if (access(path, F_OK) == 0) {
			want = read_file(path, &wlen);
			assert_same(what, r.out, r.out_len, want, wlen);
			free(want);
		} else {
			unsigned long crc = 0, size = 0;
			FILE *cf;

			snprintf(path, sizeof(path), "%s/golden/%s.cksum",
				 tests_dir(), g.id);
			cf = fopen(path, "r");
			if (cf == NULL)
				print_error("%s: no golden file\n", g.id);
			assert_non_null(cf);
			assert_int_equal(fscanf(cf, "%lu %lu", &crc, &size), 2);
			fclose(cf);
			if (cksum_of((unsigned char *)r.out, r.out_len) != crc ||
			    r.out_len != size) {
				print_error("%s: cksum %lu %zu, want %lu %lu\n",
					    what, (unsigned long)cksum_of(
					    (unsigned char *)r.out, r.out_len),
					    r.out_len, crc, size);
				fail();
			}
		}
		/* The sparse files reach 5 GiB: do not keep them. */
		unlink(name);
		run_free(&r);
		free(data);
		free(stdin_data);
		assert_int_equal(chdir(start_dir), 0);
		ran++;
	}
	fclose(f);
	return ran;
}

static void test_golden_canonical(void **state)
{
	(void)state;
	assert_true(run_golden("canonical") >= 20);
}

static void test_golden_xxd(void **state)
{
	(void)state;
	assert_true(run_golden("xxd") >= 20);
}

static void test_golden_plain(void **state)
{
	(void)state;
	assert_true(run_golden("plain") >= 15);
}

static void test_golden_c(void **state)
{
	(void)state;
	assert_true(run_golden("c") >= 20);
}

/* ---- live comparison with the reference tools -------------------------- */

/* mmtool ARGS and REF on every input of geninput.h. */
static void compare_inputs(const char *args, const char *ref)
{
	for (size_t i = 0; i < NINPUTS; i++) {
		char *f = input_file(inputs[i]);

		compare_ref(args, ref, f, 0);
		free(f);
	}
}

static void test_live_canonical_inputs(void **state)
{
	(void)state;
	need("hexdump");
	compare_inputs("hexdump", "hexdump -C");
	compare_inputs("hexdump -f canonical", "hexdump -C");
}

static void test_live_canonical_no_squeeze(void **state)
{
	(void)state;
	need("hexdump");
	compare_inputs("hexdump -v", "hexdump -C -v");
}

static void test_live_xxd_inputs(void **state)
{
	(void)state;
	need("xxd");
	compare_inputs("hexdump -f xxd", "xxd");
	/* xxd never squeezes: -v changes nothing. */
	compare_inputs("hexdump -f xxd -v", "xxd");
}

static void test_live_plain_inputs(void **state)
{
	(void)state;
	need("xxd");
	compare_inputs("hexdump -f plain", "xxd -p");
}

static void test_live_c_inputs(void **state)
{
	(void)state;
	need("xxd");
	compare_inputs("hexdump -f c", "xxd -i");
}

static void test_live_xxd_layouts(void **state)
{
	static const char *const layouts[][2] = {
		{ "-c 8", "-c 8" }, { "-c 32 -g 4", "-c 32 -g 4" },
		{ "-c 7 -g 3", "-c 7 -g 3" }, { "-g 1", "-g 1" },
		{ "-g 0", "-g 0" }, { "-c 1", "-c 1" },
		{ "-c 256", "-c 256" }, { "-c 0", "-c 0" },
		{ "-c 5 -g 16", "-c 5 -g 16" }, { "-c 0x10 -g 8", "-c 16 -g 8" },
	};

	(void)state;
	need("xxd");
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		char args[64], ref[64];

		snprintf(args, sizeof(args), "hexdump -f xxd %s", layouts[i][0]);
		snprintf(ref, sizeof(ref), "xxd %s", layouts[i][1]);
		compare_inputs(args, ref);
	}
}

static void test_live_plain_cols(void **state)
{
	(void)state;
	need("xxd");
	compare_inputs("hexdump -f plain -c 16", "xxd -p -c 16");
	compare_inputs("hexdump -f plain -c 0", "xxd -p -c 0");
	compare_inputs("hexdump -f plain -c 7", "xxd -p -c 7");
	compare_inputs("hexdump -f plain -c 300", "xxd -p -c 300");
}

static void test_live_c_cols(void **state)
{
	(void)state;
	need("xxd");
	compare_inputs("hexdump -f c -c 8", "xxd -i -c 8");
	compare_inputs("hexdump -f c -c 1", "xxd -i -c 1");
	compare_inputs("hexdump -f c -c 0", "xxd -i -c 0");
}

/*
 * One range in every format: mmtool -s SKIP -n LEN against hexdump -C
 * -s HSKIP -n LEN and xxd -s XSKIP -l LEN (LEN NULL: to the end).
 * hexdump -C has no negative offsets, xxd no units: each gets its own
 * spelling of the same offset.
 */
static void compare_range(const char *path, const char *skip,
			  const char *hskip, const char *xskip,
			  const char *len)
{
	char args[128], ref[128], nopt[40] = "", lopt[40] = "";

	if (len != NULL) {
		snprintf(nopt, sizeof(nopt), " -n %s", len);
		snprintf(lopt, sizeof(lopt), " -l %s", len);
	}
	if (have("hexdump")) {
		snprintf(args, sizeof(args), "hexdump -s %s%s", skip, nopt);
		snprintf(ref, sizeof(ref), "hexdump -C -s %s%s", hskip, nopt);
		compare_ref(args, ref, path, 0);
		snprintf(args, sizeof(args), "hexdump -v -s %s%s", skip, nopt);
		snprintf(ref, sizeof(ref), "hexdump -C -v -s %s%s", hskip,
			 nopt);
		compare_ref(args, ref, path, 0);
	}
	if (!have("xxd"))
		return;
	snprintf(args, sizeof(args), "hexdump -f xxd -s %s%s", skip, nopt);
	snprintf(ref, sizeof(ref), "xxd -s %s%s", xskip, lopt);
	compare_ref(args, ref, path, 0);
	snprintf(args, sizeof(args), "hexdump -f xxd -c 7 -g 3 -s %s%s",
		 skip, nopt);
	snprintf(ref, sizeof(ref), "xxd -c 7 -g 3 -s %s%s", xskip, lopt);
	compare_ref(args, ref, path, 0);
	snprintf(args, sizeof(args), "hexdump -f plain -s %s%s", skip, nopt);
	snprintf(ref, sizeof(ref), "xxd -p -s %s%s", xskip, lopt);
	compare_ref(args, ref, path, 0);
	snprintf(args, sizeof(args), "hexdump -f c -s %s%s", skip, nopt);
	snprintf(ref, sizeof(ref), "xxd -i -s %s%s", xskip, lopt);
	compare_ref(args, ref, path, 0);
}

static void need_some_reference(void)
{
	if (!have("hexdump"))
		need("xxd");
	if (!have("xxd"))
		print_message("[  NOTE    ] xxd is not installed: xxd formats "
			      "not compared\n");
}

static void test_live_skip_length_decimal(void **state)
{
	char *ramp = input_file("ramp256"), *rep = input_file("repmid");
	char *big = input_file("rand1m");

	(void)state;
	need_some_reference();
	compare_range(ramp, "5", "5", "5", "40");
	compare_range(ramp, "5", "5", "5", NULL);
	compare_range(ramp, "16", "16", "16", "16");
	compare_range(rep, "5", "5", "5", NULL);
	compare_range(rep, "3", "3", "3", "100");
	compare_range(big, "1000", "1000", "1000", "70000");
	compare_range(big, "1K", "1024", "1024", "1");
	free(ramp);
	free(rep);
	free(big);
}

static void test_live_skip_length_hex(void **state)
{
	char *ramp = input_file("ramp256"), *big = input_file("rand1m");

	(void)state;
	need_some_reference();
	compare_range(ramp, "0x10", "0x10", "0x10", "0x20");
	compare_range(ramp, "0X1f", "0x1f", "0X1f", NULL);
	compare_range(big, "0xfff0", "0xfff0", "0xfff0", "0x1000");
	free(ramp);
	free(big);
}

static void test_live_skip_negative(void **state)
{
	char *ramp = input_file("ramp256"), *big = input_file("rand1m");
	char *zero = input_file("zero4k");

	(void)state;
	need_some_reference();
	/* -s -N is N bytes before the end: xxd -s -N, hexdump -C -s SIZE-N */
	compare_range(ramp, "-16", "240", "-16", NULL);
	compare_range(ramp, "-100", "156", "-100", "20");
	compare_range(ramp, "-256", "0", "-256", NULL);
	compare_range(ramp, "-0", "256", "-0", NULL);
	compare_range(zero, "-100", "3996", "-100", NULL);
	compare_range(big, "-70000", "978576", "-70000", "33333");
	free(ramp);
	free(big);
	free(zero);
}

static void test_live_skip_length_past_end(void **state)
{
	char *ramp = input_file("ramp256"), *empty = input_file("empty");

	(void)state;
	need_some_reference();
	compare_range(ramp, "300", "300", "300", NULL);
	compare_range(ramp, "256", "256", "256", NULL);
	compare_range(ramp, "250", "250", "250", "100");
	compare_range(ramp, "0", "0", "0", "1000000");
	compare_range(empty, "5", "5", "5", NULL);
	compare_range(empty, "0", "0", "0", "5");
	free(ramp);
	free(empty);
}

static void test_live_length_zero(void **state)
{
	char *ramp = input_file("ramp256");

	(void)state;
	need_some_reference();
	compare_range(ramp, "0", "0", "0", "0");
	compare_range(ramp, "5", "5", "5", "0");
	compare_range(ramp, "300", "300", "300", "0");
	if (have("xxd"))
		compare_ref("hexdump -f plain -c 0 -n 0", "xxd -p -c 0 -l 0",
			    ramp, 0);
	free(ramp);
}

/* Fresh random files, sizes and options, against the references. */
static void test_live_fresh_random(void **state)
{
	uint32_t seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;

	(void)state;
	need("xxd");
	need("hexdump");
	print_message("[  SEED    ] %lu\n", (unsigned long)seed);
	srand(seed);
	for (int i = 0; i < 12; i++) {
		size_t size = (size_t)rand() % 70000;
		char name[32], args[128], ref[128], skip[24], len[24];
		char *f;
		unsigned cols = 1 + (unsigned)rand() % 40;
		unsigned group = (unsigned)rand() % 10;

		snprintf(name, sizeof(name), "fresh%d", i);
		if (i % 4 == 0)	/* long runs of one byte: squeezing */
			size &= ~(size_t)15;
		f = random_file(name, size, (uint32_t)rand());
		if (i % 4 == 0) {
			unsigned char *z = calloc(1, size + 1);

			write_file(f, z, size);
			free(z);
		}
		snprintf(skip, sizeof(skip), "%zu",
			 size ? (size_t)rand() % size : 0);
		snprintf(len, sizeof(len), "%d", rand() % 30000);
		snprintf(args, sizeof(args), "hexdump -s %s -n %s", skip, len);
		snprintf(ref, sizeof(ref), "hexdump -C -s %s -n %s", skip, len);
		compare_ref(args, ref, f, 0);
		compare_ref("hexdump", "hexdump -C", f, 0);
		snprintf(args, sizeof(args), "hexdump -f xxd -c %u -g %u -s %s",
			 cols, group, skip);
		snprintf(ref, sizeof(ref), "xxd -c %u -g %u -s %s", cols, group,
			 skip);
		compare_ref(args, ref, f, 0);
		snprintf(args, sizeof(args), "hexdump -f plain -c %u -n %s",
			 cols, len);
		snprintf(ref, sizeof(ref), "xxd -p -c %u -l %s", cols, len);
		compare_ref(args, ref, f, 0);
		snprintf(args, sizeof(args), "hexdump -f c -c %u", cols);
		snprintf(ref, sizeof(ref), "xxd -i -c %u", cols);
		compare_ref(args, ref, f, 0);
		free(f);
	}
}

static void test_live_stdin(void **state)
{
	char *text = input_file("text"), *big = input_file("rand1m");
	char *empty = input_file("empty"), *rep = input_file("repmid");

	(void)state;
	need("xxd");
	need("hexdump");
	/* xxd -i from standard input prints the byte lines only. */
	compare_ref("hexdump -f c", "xxd -i", text, 1);
	compare_ref("hexdump -f c -c 5", "xxd -i -c 5", big, 1);
	compare_ref("hexdump -f c", "xxd -i", empty, 1);
	compare_ref("hexdump -f xxd", "xxd", big, 1);
	compare_ref("hexdump -f xxd -s 5", "xxd -s 5", rep, 1);
	compare_ref("hexdump -f plain", "xxd -p", big, 1);
	compare_ref("hexdump", "hexdump -C", big, 1);
	compare_ref("hexdump", "hexdump -C", rep, 1);
	compare_ref("hexdump -", "hexdump -C", text, 1);
	free(text);
	free(big);
	free(empty);
	free(rep);
}

/*
 * A regular file on standard input whose position is not 0 (dd skip=N
 * count=0 moves it and reads nothing) is dumped from that position, with
 * offsets counting from there, as hexdump -C, xxd, xxd -p and xxd -i print
 * it.  (Issue 8, item 8: mmtool dumped from byte 0 of the file.)
 */
static void compare_at_position(const char *args, const char *ref,
				const char *path, unsigned skip)
{
	char cmd[PATH_MAX + 256], what[2 * PATH_MAX + 600];
	char skip_cmd[64];
	unsigned char *want;
	size_t wlen;
	struct run r;

	snprintf(skip_cmd, sizeof(skip_cmd),
		 "dd bs=1 skip=%u count=0 status=none", skip);
	snprintf(cmd, sizeof(cmd), "{ %s; %s; } < '%s'", skip_cmd, ref, path);
	want = sh_output(cmd, &wlen);
	snprintf(cmd, sizeof(cmd), "{ %s; \"$MMTOOL\" %s; } < '%s'",
		 skip_cmd, args, path);
	run_sh(&r, cmd);
	snprintf(what, sizeof(what), "%s vs %s at %u", args, ref, skip);
	assert_ok(what, &r);
	assert_same(what, r.out, r.out_len, want, wlen);
	run_free(&r);
	free(want);
}

static void test_live_stdin_position(void **state)
{
	static const unsigned skips[] = { 5, 16, 4095, 4097, 1048575,
					  1048576, 2000000 };
	static const unsigned sparse_skips[] = { 7, 599999, 600001, 600004,
						 2097153 };
	char *f = input_file("rand1m"), *t = input_file("text");
	char *sp = path_of("sparse-position");

	(void)state;
	need("xxd");
	need("hexdump");
	need("dd");
	for (size_t i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		compare_at_position("hexdump", "hexdump -C", f, skips[i]);
		compare_at_position("hexdump -f xxd", "xxd", f, skips[i]);
	}
	/* A sparse file: the walk asks where data lies in file offsets
	 * and hands holes over in offsets from the position. */
	sparse_file(sp, 3 << 20, 600000, "DATA", 4);
	for (size_t i = 0; i < sizeof(sparse_skips) / sizeof(sparse_skips[0]);
	     i++) {
		compare_at_position("hexdump", "hexdump -C", sp,
				    sparse_skips[i]);
		compare_at_position("hexdump -f xxd -c 9", "xxd -c 9", sp,
				    sparse_skips[i]);
	}
	compare_at_position("hexdump", "hexdump -C", t, 5);
	compare_at_position("hexdump -v", "hexdump -C -v", t, 3);
	compare_at_position("hexdump -f xxd -c 7", "xxd -c 7", t, 5);
	compare_at_position("hexdump -f plain", "xxd -p", t, 5);
	compare_at_position("hexdump -f c", "xxd -i", t, 5);
	compare_at_position("hexdump -", "hexdump -C", t, 5);
	free(f);
	free(t);
	free(sp);
}

/*
 * -s counts from the position too, as it does on a pipe: standard input
 * is the bytes from where it stands.  (hexdump -C -s and xxd -s seek to
 * an absolute offset instead, and xxd -s +N shows absolute offsets: the
 * man page says so.)  A negative -s may not reach before the position.
 */
static void test_stdin_position_skip(void **state)
{
	const char *f = tmp_path("pos.bin");
	const char *skip3[] = { "hexdump", "-s", "3", NULL };
	const char *tail4[] = { "hexdump", "-s", "-4", "-", NULL };
	const char *before[] = { "hexdump", "-s", "-32", NULL };
	const char *len4[] = { "hexdump", "-f", "plain", "-n", "4", NULL };
	struct run r;

	(void)state;
	write_file(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36);
	run_stdin_at(&r, f, 5, skip3);
	assert_output(&r, "00000003  49 4a 4b 4c 4d 4e 4f 50  51 52 53 54 55 "
		      "56 57 58  |IJKLMNOPQRSTUVWX|\n00000013  59 5a 30 31 "
		      "32 33 34 35  36 37 38 39              |YZ0123456789|"
		      "\n0000001f\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, tail4);
	assert_output(&r, "0000001b  36 37 38 39                           "
		      "            |6789|\n0000001f\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, len4);
	assert_output(&r, "46474849\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, before);
	assert_refused(&r, 2);
	assert_err_contains(&r, "offset -32 reaches before the start of "
			    "standard input (31 bytes)");
	run_free(&r);
}

/*
 * Windows of 4096 bytes (MMTOOL_TEST_WINDOW, inherited by mmtool): a
 * 100 KiB file crosses 25 boundaries, mid-line for -c 7 and for -s 5.
 */
static void test_live_windows(void **state)
{
	static const char *const cases[][2] = {
		{ "hexdump", "hexdump -C" },
		{ "hexdump -s 5", "hexdump -C -s 5" },
		{ "hexdump -f xxd", "xxd" },
		{ "hexdump -f xxd -c 7 -g 3", "xxd -c 7 -g 3" },
		{ "hexdump -f xxd -c 7 -g 3 -s 5 -n 90000",
		  "xxd -c 7 -g 3 -s 5 -l 90000" },
		{ "hexdump -f plain", "xxd -p" },
		{ "hexdump -f plain -c 7", "xxd -p -c 7" },
		{ "hexdump -f c -c 7", "xxd -i -c 7" },
	};
	char *f = random_file("win100k", 100 << 10, 7);

	(void)state;
	need("xxd");
	need("hexdump");
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		compare_ref(cases[i][0], cases[i][1], f, 0);
	unsetenv("MMTOOL_TEST_WINDOW");
	free(f);
}

/* Past 4 GiB: offsets at full width, -s with a unit, hex and negative. */
static void test_live_sparse_5g(void **state)
{
	const uint64_t size = 5ull << 30, at = (4ull << 30) + 1000;
	unsigned char data[8192];
	char *f = path_of("sparse5g");

	(void)state;
	need_some_reference();
	fill_random(data, sizeof(data), 5);
	memset(data + 4000, 0, 200);	/* a run to squeeze */
	sparse_file(f, size, at, data, sizeof(data));
	compare_range(f, "4294968290", "4294968290", "4294968290", "9000");
	compare_range(f, "0x100000000", "0x100000000", "0x100000000", "2000");
	compare_range(f, "4G", "4294967296", "4294967296", "1100");
	compare_range(f, "-300", "5368708820", "-300", NULL);
	compare_range(f, "5GiB", "5368709120", "5368709120", NULL);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	compare_range(f, "4294968290", "4294968290", "4294968290", "9000");
	unsetenv("MMTOOL_TEST_WINDOW");
	unlink(f);
	free(f);
}

static void test_live_color_never(void **state)
{
	char *text = input_file("text");

	(void)state;
	need("xxd");
	need("hexdump");
	compare_ref("hexdump --color=never", "hexdump -C", text, 0);
	compare_ref("hexdump --color=never -f xxd -c 7", "xxd -c 7", text, 0);
	compare_ref("hexdump --color=never -f plain", "xxd -p", text, 0);
	compare_ref("hexdump --color=auto -f xxd", "xxd", text, 0);
	free(text);
}

/* ---- exact outputs, no reference needed -------------------------------- */

static void test_empty_file_every_format(void **state)
{
	char *f = input_file("empty"), name[PATH_MAX + 4], want[3 * PATH_MAX];

	(void)state;
	expect_output("hexdump", f, "");
	expect_output("hexdump -f xxd", f, "");
	expect_output("hexdump -f plain", f, "");
	expect_output("hexdump -f plain -c 0", f, "\n");
	c_name(f, name);
	snprintf(want, sizeof(want), "unsigned char %s[] = {\n};\n"
		 "unsigned int %s_len = 0;\n", name, name);
	expect_output("hexdump -f c", f, want);
	free(f);
}

static void test_squeeze_and_no_squeeze(void **state)
{
	static const char line[] = "  00 00 00 00 00 00 00 00  00 00 00 00 "
		"00 00 00 00  |................|\n";
	unsigned char zero[64] = { 0 };
	char *f = path_of("zero64"), want[512];

	(void)state;
	write_file(f, zero, sizeof(zero));
	snprintf(want, sizeof(want), "00000000%s*\n00000040\n", line);
	expect_output("hexdump", f, want);
	snprintf(want, sizeof(want), "00000000%s00000010%s00000020%s"
		 "00000030%s00000040\n", line, line, line, line);
	expect_output("hexdump -v", f, want);
	expect_output("hexdump --no-squeeze", f, want);
	free(f);
}

static void test_length_zero_and_skip_to_end(void **state)
{
	char *f = path_of("abc36"), name[PATH_MAX + 4], want[3 * PATH_MAX];

	(void)state;
	write_file(f, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
	/* hexdump -C -n 0 prints nothing at all. */
	expect_output("hexdump -n 0", f, "");
	expect_output("hexdump -s 5 -n 0", f, "");
	/* -s at or past the end: hexdump -C prints the size. */
	expect_output("hexdump -s 36", f, "00000024\n");
	expect_output("hexdump -s 1000", f, "00000024\n");
	expect_output("hexdump -s -0", f, "00000024\n");
	expect_output("hexdump -f xxd -s 36", f, "");
	expect_output("hexdump -f xxd -n 0", f, "");
	expect_output("hexdump -f plain -c 0 -n 0", f, "\n");
	c_name(f, name);
	snprintf(want, sizeof(want), "unsigned char %s[] = {\n};\n"
		 "unsigned int %s_len = 0;\n", name, name);
	expect_output("hexdump -f c -n 0", f, want);
	expect_output("hexdump -f c -s 100", f, want);
	expect_output("hexdump -s 5 -n 3", f,
		      "00000005  66 67 68                                 "
		      "         |fgh|\n00000008\n");
	free(f);
}

static void test_long_options_equal_short(void **state)
{
	char *f = input_file("rand1m");
	char *a, *b;
	size_t alen, blen;

	(void)state;
	a = mm_output("hexdump -f xxd -s 5 -n 40000 -c 7 -g 3", f, &alen);
	b = mm_output("hexdump --format=xxd --skip=5 --length=40000 --cols=7 "
		      "--group=3", f, &blen);
	assert_same("long options", b, blen, a, alen);
	free(b);
	b = mm_output("hexdump --format xxd --skip 5 --length 40000 --cols 7 "
		      "--group 3", f, &blen);
	assert_same("long options, separate", b, blen, a, alen);
	free(b);
	free(a);
	free(f);
}

/* -g means nothing to plain and c, as to xxd -p and xxd -i. */
static void test_group_ignored_by_plain_and_c(void **state)
{
	char *f = input_file("rand33"), *a, *b;
	size_t alen, blen;

	(void)state;
	a = mm_output("hexdump -f plain", f, &alen);
	b = mm_output("hexdump -f plain -g 4", f, &blen);
	assert_same("plain -g 4", b, blen, a, alen);
	free(a);
	free(b);
	a = mm_output("hexdump -f c", f, &alen);
	b = mm_output("hexdump -f c -g 4", f, &blen);
	assert_same("c -g 4", b, blen, a, alen);
	free(a);
	free(b);
	free(f);
}

/* A sparse 5 GiB file, from past 4 GiB: offsets at full width. */
static void test_sparse_5g_offsets(void **state)
{
	const uint64_t size = 5ull << 30;
	char *f = path_of("sparse5g-exact");

	(void)state;
	sparse_file(f, size, size - 16, "0123456789abcdef", 16);
	expect_output("hexdump -s -16", f,
		      "13ffffff0  30 31 32 33 34 35 36 37  38 39 61 62 63 64 "
		      "65 66  |0123456789abcdef|\n140000000\n");
	expect_output("hexdump -s -20 -n 8", f,
		      "13fffffec  00 00 00 00 30 31 32 33"
		      "                           |....0123|\n13ffffff4\n");
	expect_output("hexdump -f xxd -s 0x13ffffff8", f,
		      "13ffffff8: 3839 6162 6364 6566                      "
		      "89abcdef\n");
	expect_output("hexdump -s 4G -n 32", f,
		      "100000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 "
		      "00 00  |................|\n*\n100000020\n");
	unlink(f);
	free(f);
}

/* ---- windows ------------------------------------------------------------ */

/* Windowed output equals unwindowed output, for every layout. */
static void test_windows_match_whole_file(void **state)
{
	static const char *const cases[] = {
		"hexdump", "hexdump -s 5", "hexdump -f xxd",
		"hexdump -f xxd -c 7 -g 3", "hexdump -f xxd -c 7 -s 4093",
		"hexdump -f plain", "hexdump -f plain -c 7",
		"hexdump -f c -c 7", "hexdump -s 4000 -n 10000",
		"hexdump --color=always -f xxd -c 7",
	};
	char *f = random_file("win-whole", 100 << 10, 8);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want, *got;
		size_t wlen, glen;

		unsetenv("MMTOOL_TEST_WINDOW");
		want = mm_output(cases[i], f, &wlen);
		setenv("MMTOOL_TEST_WINDOW", "4096", 1);
		got = mm_output(cases[i], f, &glen);
		assert_same(cases[i], got, glen, want, wlen);
		free(want);
		free(got);
	}
	unsetenv("MMTOOL_TEST_WINDOW");
	free(f);
}

/* Repeated lines squeeze across window boundaries: one '*' in all. */
static void test_window_squeeze_across_boundaries(void **state)
{
	unsigned char *zero = calloc(1, 100 << 10);
	char *f = path_of("win-zero");

	(void)state;
	assert_non_null(zero);
	write_file(f, zero, 100 << 10);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	expect_output("hexdump", f,
		      "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 "
		      "00  |................|\n*\n00019000\n");
	expect_output("hexdump -s 7", f,
		      "00000007  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 "
		      "00  |................|\n*\n00018ff7  00 00 00 00 00 00 00 "
		      "00  00                       |.........|\n00019000\n");
	unsetenv("MMTOOL_TEST_WINDOW");
	free(zero);
	free(f);
}

/* ---- streams ------------------------------------------------------------ */

static void test_stdin_without_file(void **state)
{
	char *f = input_file("rand1m"), *r = input_file("repmid");

	(void)state;
	compare_stdin_to_file("hexdump", f, NULL);
	compare_stdin_to_file("hexdump", r, NULL);
	compare_stdin_to_file("hexdump -f xxd -c 7 -g 3", f, NULL);
	compare_stdin_to_file("hexdump -f plain", f, NULL);
	free(f);
	free(r);
}

static void test_stdin_dash(void **state)
{
	char *f = input_file("rand1m"), *e = input_file("empty");

	(void)state;
	compare_stdin_to_file("hexdump", f, "-");
	compare_stdin_to_file("hexdump -f xxd", f, "-");
	compare_stdin_to_file("hexdump", e, "-");
	compare_stdin_to_file("hexdump -f xxd", e, "-");
	compare_stdin_to_file("hexdump -f plain -c 0", e, "-");
	free(f);
	free(e);
}

/* The c format names no variable for standard input. */
static void test_stdin_c_has_no_name(void **state)
{
	struct run r;

	(void)state;
	run_mm(&r, "hexdump -f c -c 4", NULL, "ABCDEF", 6);
	assert_ok("c stdin", &r);
	assert_string_equal(r.out, "  0x41, 0x42, 0x43, 0x44,\n"
			    "  0x45, 0x46\n");
	run_free(&r);
	run_mm(&r, "hexdump -f c -", NULL, "", 0);
	assert_ok("c empty stdin", &r);
	assert_string_equal(r.out, "");
	run_free(&r);
}

/* A positive -s on a pipe skips by reading; offsets stay absolute. */
static void test_pipe_skips_by_reading(void **state)
{
	char *f = input_file("rand1m"), *want, words[128];
	unsigned char *data;
	size_t dlen, wlen;
	static const char *const cases[] = {
		"hexdump -s 5", "hexdump -s 5 -n 100000", "hexdump -s 1M",
		"hexdump -f xxd -c 7 -s 70000 -n 9999",
		"hexdump -f plain -s 0x10", "hexdump -f c -s 3 -n 10",
	};

	(void)state;
	data = read_file(f, &dlen);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);	/* many short reads */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		want = mm_output(cases[i], f, &wlen);
		if (strstr(cases[i], "-f c") != NULL) {
			/* From a file c names the array: keep the lines. */
			char *open = strchr(want, '\n'), *close;

			close = strstr(want, "};");
			memmove(want, open + 1, (size_t)(close - open - 1));
			wlen = (size_t)(close - open - 1);
		}
		snprintf(words, sizeof(words), "%s", cases[i]);
		run_mm(&r, words, NULL, data, dlen);
		assert_ok(words, &r);
		assert_same(words, r.out, r.out_len, want, wlen);
		run_free(&r);
		free(want);
	}
	unsetenv("MMTOOL_TEST_WINDOW");
	free(data);
	free(f);
}

/* A stream that ends before -s: canonical prints where it ended. */
static void test_stream_ends_before_skip(void **state)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct run r;

	(void)state;
	run_mm(&r, "hexdump -s 50", NULL, abc, 36);
	assert_ok("stream -s 50", &r);
	assert_string_equal(r.out, "00000024\n");
	run_free(&r);
	run_mm(&r, "hexdump -s 36", NULL, abc, 36);
	assert_ok("stream -s 36", &r);
	assert_string_equal(r.out, "00000024\n");
	run_free(&r);
	run_mm(&r, "hexdump -f xxd -s 50", NULL, abc, 36);
	assert_ok("stream xxd -s 50", &r);
	assert_string_equal(r.out, "");
	run_free(&r);
	run_mm(&r, "hexdump", NULL, "", 0);
	assert_ok("empty stream", &r);
	assert_string_equal(r.out, "");
	run_free(&r);
	run_mm(&r, "hexdump -s 34", NULL, abc, 36);
	assert_ok("stream -s 34", &r);
	assert_string_equal(r.out, "00000022  38 39                             "
			    "                |89|\n00000024\n");
	run_free(&r);
}

static void test_negative_skip_on_stream_refused(void **state)
{
	struct run r;

	(void)state;
	run_mm(&r, "hexdump -s -16", NULL, "0123456789abcdefghij", 20);
	assert_refused(&r, 2);
	assert_err_contains(&r, "standard input");
	assert_err_contains(&r, "negative offset");
	run_free(&r);
	run_mm(&r, "hexdump -f xxd -s -1 -", NULL, "xy", 2);
	assert_refused(&r, 2);
	run_free(&r);
	/* A character device is a stream too. */
	expect_refused("hexdump -s -16", "/dev/zero", "negative offset");
}

/* Standard input that is a regular file is mapped: -s -N works there. */
static void test_stdin_regular_file_maps(void **state)
{
	char *f = input_file("ramp256"), cmd[PATH_MAX + 64];
	struct run r;

	(void)state;
	snprintf(cmd, sizeof(cmd), "\"$MMTOOL\" hexdump -s -4 < '%s'", f);
	run_sh(&r, cmd);
	assert_ok(cmd, &r);
	assert_string_equal(r.out, "000000fc  fc fd fe ff"
			    "                                       "
			    "|....|\n00000100\n");
	run_free(&r);
	free(f);
}

/* A FIFO, its writer a child process. */
static void test_fifo(void **state)
{
	char *fifo = path_of("fifo"), *f = random_file("fifo-data", 300000, 9);
	static const char *const cases[] = {
		"hexdump", "hexdump -f xxd -c 7 -g 3 -s 5 -n 200000",
	};
	unsigned char *data;
	size_t dlen;

	(void)state;
	data = read_file(f, &dlen);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *want, *got;
		size_t wlen, glen;
		pid_t pid;
		int status;

		want = mm_output(cases[i], f, &wlen);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int fd;
			size_t done = 0;

			alarm(20);	/* never hang if mmtool never opens */
			signal(SIGPIPE, SIG_IGN);
			fd = open(fifo, O_WRONLY);
			while (fd >= 0 && done < dlen) {
				ssize_t n = write(fd, data + done, dlen - done);

				if (n <= 0)
					break;
				done += (size_t)n;
			}
			_exit(0);
		}
		got = mm_output(cases[i], fifo, &glen);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_same(cases[i], got, glen, want, wlen);
		free(want);
		free(got);
	}
	unlink(fifo);
	free(data);
	free(fifo);
	free(f);
}

/* /proc/version says size 0: it is read, and reads as read(2) reads it. */
static void test_proc_file(void **state)
{
	unsigned char buf[8192];
	char *copy = path_of("proc-version"), *want, *got;
	size_t n = 0, wlen, glen;
	ssize_t k;
	int fd = open("/proc/version", O_RDONLY);

	(void)state;
	if (fd < 0) {
		print_message("[  SKIP    ] no /proc/version\n");
		skip();
	}
	while ((k = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)k;
	close(fd);
	assert_true(n > 0);
	write_file(copy, buf, n);
	want = mm_output("hexdump", copy, &wlen);
	got = mm_output("hexdump", "/proc/version", &glen);
	assert_true(glen > 0);
	assert_same("/proc/version", got, glen, want, wlen);
	free(want);
	free(got);
	want = mm_output("hexdump -f xxd -s 3 -n 20", copy, &wlen);
	got = mm_output("hexdump -f xxd -s 3 -n 20", "/proc/version", &glen);
	assert_same("/proc/version -s 3 -n 20", got, glen, want, wlen);
	free(want);
	free(got);
	free(copy);
}

/* A character device that never ends: -n stops the reading. */
static void test_char_device_dev_zero(void **state)
{
	(void)state;
	expect_output("hexdump -n 100", "/dev/zero",
		      "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 "
		      "00  |................|\n*\n00000060  00 00 00 00          "
		      "                             |....|\n00000064\n");
	expect_output("hexdump -s 8 -n 100", "/dev/zero",
		      "00000008  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 "
		      "00  |................|\n*\n00000068  00 00 00 00          "
		      "                             |....|\n0000006c\n");
	expect_output("hexdump -f plain -n 20", "/dev/zero",
		      "0000000000000000000000000000000000000000\n");
}

/* ---- colour ------------------------------------------------------------- */

/* --color=always has escapes; without them it is the plain output. */
static void test_color_always_strips_to_plain(void **state)
{
	static const char *const formats[] = {
		"", " -f xxd", " -f xxd -c 7 -g 3", " -f plain", " -f plain -c 0",
		" -v", " -s 3 -n 300",
	};
	char *f = input_file("text"), *r = input_file("rand1m");

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		for (int k = 0; k < 2; k++) {
			char args[128], *plain, *color;
			size_t plen, clen;
			const char *file = k ? r : f;

			snprintf(args, sizeof(args), "hexdump --color=never%s",
				 formats[i]);
			plain = mm_output(args, file, &plen);
			snprintf(args, sizeof(args), "hexdump --color=always%s",
				 formats[i]);
			color = mm_output(args, file, &clen);
			assert_true(count_of(color, clen, "\033[") > 0);
			clen = strip_sgr(color, clen);
			assert_same(args, color, clen, plain, plen);
			free(plain);
			free(color);
		}
	}
	free(f);
	free(r);
}

static void test_color_bare_means_always(void **state)
{
	char *f = input_file("text"), *a, *b;
	size_t alen, blen;

	(void)state;
	a = mm_output("hexdump --color=always", f, &alen);
	b = mm_output("hexdump --color", f, &blen);
	assert_same("--color", b, blen, a, alen);
	free(a);
	free(b);
	free(f);
}

/* auto off a terminal, NO_COLOR, TERM=dumb: no colour. */
static void test_color_auto_off_a_terminal(void **state)
{
	char *f = input_file("text"), *a, *b;
	size_t alen, blen;

	(void)state;
	a = mm_output("hexdump --color=never", f, &alen);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("NO_COLOR");
	b = mm_output("hexdump", f, &blen);
	assert_same("auto, not a tty", b, blen, a, alen);
	free(b);
	b = mm_output("hexdump --color=auto", f, &blen);
	assert_same("--color=auto, not a tty", b, blen, a, alen);
	free(b);
	setenv("NO_COLOR", "1", 1);
	b = mm_output("hexdump --color=auto", f, &blen);
	assert_same("NO_COLOR", b, blen, a, alen);
	free(b);
	/* An explicit --color=always wins over NO_COLOR (no-color.org). */
	b = mm_output("hexdump --color=always", f, &blen);
	assert_true(count_of(b, blen, "\033[") > 0);
	free(b);
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	b = mm_output("hexdump --color=auto", f, &blen);
	assert_same("TERM=dumb", b, blen, a, alen);
	free(b);
	free(a);
	free(f);
}

/*
 * mmtool ARGS PATH with standard output on a pseudo-terminal and the
 * environment variables NAME=VALUE (VALUE NULL: unset) pairs in ENV.
 * Returns what the terminal received; the caller frees.
 */
static char *run_on_tty(const char *args, const char *path,
			const char *const *env, size_t *len)
{
	char *argv[16], words[256], *save = NULL, *w, *out;
	size_t n = 1, cap = 65536, got = 0;
	int master, slave, status;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		print_message("[  SKIP    ] no pseudo-terminal\n");
		if (master >= 0)
			close(master);
		skip();
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	snprintf(words, sizeof(words), "%s", args);
	argv[0] = (char *)mmtool_path();
	for (w = strtok_r(words, " ", &save); w != NULL && n < 14;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n++] = (char *)path;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (; env[0] != NULL; env += 2) {
			if (env[1] != NULL)
				setenv(env[0], env[1], 1);
			else
				unsetenv(env[0]);
		}
		dup2(slave, 1);
		close(slave);
		close(master);
		execv(argv[0], argv);
		_exit(127);
	}
	/* The output is small: it fits the terminal's buffer, so the child
	 * ends before we read; the slave stays open until then. */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(slave);
	out = malloc(cap + 1);
	assert_non_null(out);
	for (;;) {
		ssize_t k = read(master, out + got, cap - got);

		if (k <= 0)	/* EIO once the slave side is closed */
			break;
		got += (size_t)k;
		assert_true(got < cap);
	}
	close(master);
	out[got] = '\0';
	*len = got;
	return out;
}

static void test_color_auto_on_a_terminal(void **state)
{
	static const char *const plain_term[] = {
		"TERM", "xterm", "NO_COLOR", NULL, NULL };
	static const char *const no_color[] = {
		"TERM", "xterm", "NO_COLOR", "1", NULL };
	static const char *const empty_no_color[] = {
		"TERM", "xterm", "NO_COLOR", "", NULL };
	static const char *const dumb[] = {
		"TERM", "dumb", "NO_COLOR", NULL, NULL };
	char *f = input_file("rand33"), *out;
	size_t len;

	(void)state;
	out = run_on_tty("hexdump", f, plain_term, &len);
	assert_true(count_of(out, len, "\033[") > 0);
	free(out);
	out = run_on_tty("hexdump --color=auto -f xxd", f, plain_term, &len);
	assert_true(count_of(out, len, "\033[") > 0);
	free(out);
	out = run_on_tty("hexdump", f, no_color, &len);
	assert_true(len > 0);
	assert_int_equal(count_of(out, len, "\033["), 0);
	free(out);
	/* no-color.org: NO_COLOR counts when "present and not empty". */
	out = run_on_tty("hexdump", f, empty_no_color, &len);
	assert_true(count_of(out, len, "\033[") > 0);
	free(out);
	out = run_on_tty("hexdump", f, dumb, &len);
	assert_true(len > 0);
	assert_int_equal(count_of(out, len, "\033["), 0);
	free(out);
	out = run_on_tty("hexdump --color=never", f, plain_term, &len);
	assert_int_equal(count_of(out, len, "\033["), 0);
	free(out);
	out = run_on_tty("hexdump --color=always", f, dumb, &len);
	assert_true(count_of(out, len, "\033[") > 0);
	free(out);
	free(f);
}

/* One escape where a run of a class starts, not one per byte. */
static void test_color_one_escape_per_run(void **state)
{
	char *f = path_of("runs"), *out;
	size_t len;

	(void)state;
	write_file(f, "AAAAAAAAAAAAAAAA", 16);
	out = mm_output("hexdump --color=always", f, &len);
	/* Cyan for the hex run and the ASCII run, a reset after each. */
	assert_int_equal(count_of(out, len, "\033["), 4);
	assert_int_equal(count_of(out, len, "\033[36m"), 2);
	assert_int_equal(count_of(out, len, "\033[0m"), 2);
	free(out);
	/* NUL, printable, whitespace, other ASCII, non-ASCII: five runs. */
	write_file(f, "\0\0AA  \x01\x01\x80\x80", 10);
	out = mm_output("hexdump --color=always -f xxd", f, &len);
	assert_int_equal(count_of(out, len, "\033[38;5;242m"), 2);
	assert_int_equal(count_of(out, len, "\033[36m"), 2);
	assert_int_equal(count_of(out, len, "\033[32m"), 2);
	assert_int_equal(count_of(out, len, "\033[35m"), 2);
	assert_int_equal(count_of(out, len, "\033[33m"), 2);
	assert_int_equal(count_of(out, len, "\033["), 12);
	free(out);
	free(f);
}

static void test_color_never_in_c(void **state)
{
	char *f = input_file("text"), *a, *b;
	size_t alen, blen;

	(void)state;
	a = mm_output("hexdump -f c", f, &alen);
	b = mm_output("hexdump -f c --color=always", f, &blen);
	assert_same("c is source code", b, blen, a, alen);
	free(a);
	free(b);
	free(f);
}

static void test_color_bad_value_refused(void **state)
{
	char *f = input_file("text");

	(void)state;
	expect_refused("hexdump --color=sometimes", f, "--color");
	expect_refused("hexdump --color=", f, "--color");
	free(f);
}

/* ---- errors ------------------------------------------------------------- */

static void test_bad_format_refused(void **state)
{
	char *f = input_file("text");

	(void)state;
	expect_refused("hexdump -f hex", f, "unknown format 'hex'");
	expect_refused("hexdump --format=C", f, "unknown format");
	expect_refused("hexdump -f", NULL, "-f");
	free(f);
}

/* -c and -g are for the xxd family; given with canonical, even as 0. */
static void test_cols_group_with_canonical_refused(void **state)
{
	char *f = input_file("text");

	(void)state;
	expect_refused("hexdump -c 16", f, "canonical");
	expect_refused("hexdump -c 0", f, "canonical");
	expect_refused("hexdump -g 2", f, "canonical");
	expect_refused("hexdump -f canonical -g 0", f, "canonical");
	expect_refused("hexdump --cols=8", f, "canonical");
	free(f);
}

static void test_cols_out_of_range_refused(void **state)
{
	char *f = input_file("text");

	(void)state;
	/* xxd: "invalid number of columns (max. 256)". */
	expect_refused("hexdump -f xxd -c 257", f, "256");
	expect_refused("hexdump -f plain -c 4294967295", f, "columns");
	expect_refused("hexdump -f c -c 0x80000000", f, "columns");
	expect_refused("hexdump -f xxd -c -1", f, "negative");
	expect_refused("hexdump -f xxd -g -2", f, "negative");
	free(f);
}

static void test_bad_numbers_refused(void **state)
{
	char *f = input_file("text");

	(void)state;
	expect_refused("hexdump -s 1k2", f, "'1k2'");
	expect_refused("hexdump -s 0x1K", f, "'0x1K'");
	expect_refused("hexdump -n -5", f, "'-5'");
	expect_refused("hexdump -n 9E", f, "'9E'");
	expect_refused("hexdump -f xxd -c x", f, "'x'");
	expect_refused("hexdump -s +", f, "'+'");
	free(f);
}

static void test_negative_skip_before_start_refused(void **state)
{
	char *f = input_file("rand33");

	(void)state;
	expect_refused("hexdump -s -34", f, "-34");
	expect_refused("hexdump -f xxd -s -1", "/dev/null", NULL);
	free(f);
}

static void test_directory_refused(void **state)
{
	(void)state;
	expect_refused("hexdump", test_tmpdir(), "Is a directory");
	expect_refused("hexdump -f xxd", "/", "Is a directory");
}

static void test_missing_file_refused(void **state)
{
	char *f = path_of("no-such-file");

	(void)state;
	expect_refused("hexdump", f, "No such file or directory");
	assert_non_null(strstr(f, "no-such-file"));
	/* Even when nothing would be dumped, the file must exist. */
	expect_refused("hexdump -n 0", f, "no-such-file");
	expect_refused("hexdump", "", "empty file name");
	free(f);
}

static void test_usage_errors(void **state)
{
	char *f = input_file("text");
	struct run r;

	(void)state;
	run_args(&r, "hexdump", f, f, NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "too many operands");
	run_free(&r);
	expect_refused("hexdump -z", f, "-z");
	expect_refused("hexdump --bogus", f, "--bogus");
	expect_refused("hexdump --no-squeeze=1", f, "--no-squeeze");
	expect_refused("hexdump -s", NULL, "-s");
	free(f);
}

static void test_help(void **state)
{
	static const char first[] = "usage: mmtool hexdump [-f FMT] [-s OFFSET] "
		"[-n LENGTH] [-c COLS] [-g BYTES] [-u] [-e | -b] [-d] [-o OFF] "
		"[-a] [--name NAME] [-C] [-v] [--color=WHEN] [FILE | -]\n";
	struct run r;

	(void)state;
	run_args(&r, "hexdump", "-h", NULL);
	assert_ok("-h", &r);
	assert_true(strncmp(r.out, first, strlen(first)) == 0);
	assert_non_null(strstr(r.out, "--no-squeeze"));
	assert_non_null(strstr(r.out, "--color"));
	run_free(&r);
	run_args(&r, "hexdump", "--help", "no-such-file", NULL);
	assert_ok("--help", &r);
	assert_true(strncmp(r.out, first, strlen(first)) == 0);
	run_free(&r);
}

/* > /dev/full: exit 2 and one message, for a small and a large dump. */
static void test_write_error_is_exit_2(void **state)
{
	char *small = input_file("a1"), *big = input_file("rand1m");
	char cmd[2 * PATH_MAX];
	struct run r;

	(void)state;
	if (access("/dev/full", W_OK) != 0) {
		print_message("[  SKIP    ] no /dev/full\n");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "\"$MMTOOL\" hexdump '%s' >/dev/full", small);
	run_sh(&r, cmd);
	assert_refused(&r, 2);
	assert_err_contains(&r, "write error");
	run_free(&r);
	snprintf(cmd, sizeof(cmd), "\"$MMTOOL\" hexdump -f xxd '%s' >/dev/full",
		 big);
	run_sh(&r, cmd);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No space left on device");
	run_free(&r);
	snprintf(cmd, sizeof(cmd), "cat '%s' 2>/dev/null | \"$MMTOOL\" hexdump "
		 ">/dev/full",
		 big);
	run_sh(&r, cmd);
	assert_refused(&r, 2);
	run_free(&r);
	free(small);
	free(big);
}

/* | head -1: mmtool ends quietly, exit 0, from a file or a stream. */
static void test_closed_pipe_is_quiet(void **state)
{
	char *big = input_file("rand1m"), *st = path_of("pipe.status");
	char cmd[4 * PATH_MAX];
	static const char *const forms[] = {
		"\"$MMTOOL\" hexdump '%s'",
		"\"$MMTOOL\" hexdump -f plain '%s'",
		/* cat's own EPIPE complaint is not mmtool's */
		"cat '%s' 2>/dev/null | \"$MMTOOL\" hexdump -f xxd",
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char inner[2 * PATH_MAX];
		unsigned char *status;
		size_t slen;

		snprintf(inner, sizeof(inner), forms[i], big);
		snprintf(cmd, sizeof(cmd), "{ %s; echo $? >'%s'; } | head -1",
			 inner, st);
		run_sh(&r, cmd);
		if (r.err_len != 0)
			print_error("%s: stderr [%s]\n", cmd, r.err);
		assert_int_equal(r.err_len, 0);
		assert_int_equal(r.status, 0);
		assert_int_equal(count_of(r.out, r.out_len, "\n"), 1);
		status = read_file(st, &slen);
		assert_true(slen >= 2);
		assert_memory_equal(status, "0\n", 2);
		free(status);
		run_free(&r);
	}
	free(big);
	free(st);
}

/* ---- main --------------------------------------------------------------- */

/* Undo what a test may have set when it failed half-way. */
static int restore(void **state)
{
	(void)state;
	unsetenv("MMTOOL_TEST_WINDOW");
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	return chdir(start_dir);
}

#define T(fn) cmocka_unit_test_teardown(fn, restore)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_golden_canonical),
		T(test_golden_xxd),
		T(test_golden_plain),
		T(test_golden_c),
		T(test_live_canonical_inputs),
		T(test_live_canonical_no_squeeze),
		T(test_live_xxd_inputs),
		T(test_live_plain_inputs),
		T(test_live_c_inputs),
		T(test_live_xxd_layouts),
		T(test_live_plain_cols),
		T(test_live_c_cols),
		T(test_live_skip_length_decimal),
		T(test_live_skip_length_hex),
		T(test_live_skip_negative),
		T(test_live_skip_length_past_end),
		T(test_live_length_zero),
		T(test_live_fresh_random),
		T(test_live_stdin),
		T(test_live_stdin_position),
		T(test_stdin_position_skip),
		T(test_live_windows),
		T(test_live_sparse_5g),
		T(test_live_color_never),
		T(test_empty_file_every_format),
		T(test_squeeze_and_no_squeeze),
		T(test_length_zero_and_skip_to_end),
		T(test_long_options_equal_short),
		T(test_group_ignored_by_plain_and_c),
		T(test_sparse_5g_offsets),
		T(test_windows_match_whole_file),
		T(test_window_squeeze_across_boundaries),
		T(test_stdin_without_file),
		T(test_stdin_dash),
		T(test_stdin_c_has_no_name),
		T(test_pipe_skips_by_reading),
		T(test_stream_ends_before_skip),
		T(test_negative_skip_on_stream_refused),
		T(test_stdin_regular_file_maps),
		T(test_fifo),
		T(test_proc_file),
		T(test_char_device_dev_zero),
		T(test_color_always_strips_to_plain),
		T(test_color_bare_means_always),
		T(test_color_auto_off_a_terminal),
		T(test_color_auto_on_a_terminal),
		T(test_color_one_escape_per_run),
		T(test_color_never_in_c),
		T(test_color_bad_value_refused),
		T(test_bad_format_refused),
		T(test_cols_group_with_canonical_refused),
		T(test_cols_out_of_range_refused),
		T(test_bad_numbers_refused),
		T(test_negative_skip_before_start_refused),
		T(test_directory_refused),
		T(test_missing_file_refused),
		T(test_usage_errors),
		T(test_help),
		T(test_write_error_is_exit_2),
		T(test_closed_pipe_is_quiet),
	};
	char abs[PATH_MAX];

	/* Golden cases run in directories of their own: make the paths of
	 * mmtool and of the tests absolute first. */
	assert_non_null(getcwd(start_dir, sizeof(start_dir)));
	if (realpath(mmtool_path(), abs) != NULL)
		setenv("MMTOOL", abs, 1);
	if (realpath(tests_dir(), abs) != NULL)
		setenv("MMTOOL_TESTS", abs, 1);
	/* Tests of --color=auto set TERM and NO_COLOR themselves. */
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
