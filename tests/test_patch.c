/*
 * test_patch.c - mmtool patch, end to end: round trips through xxd (every
 * layout), hexdump -C and mmtool's own hexdump; '*' lines; malformed dumps
 * (first, middle, last line) leaving FILE untouched; --dry-run, -v,
 * --grow; standard input; an unedited dump leaving even the mtime alone;
 * sparse files (untouched pages stay holes, offsets past 4 GiB); window
 * boundaries (MMTOOL_TEST_WINDOW).
 *
 * Dumps come from the reference tools when installed (else the test is
 * skipped, visibly), or are generated here by formatters that write the
 * tools' layouts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* A dump layout: canonical (hexdump -C), or xxd with COLS and GROUP. */
struct layout {
	int canonical;
	unsigned cols, group;
};

static const struct layout CANON = { 1, 16, 0 };
static const struct layout XXD = { 0, 16, 2 };

/* Set PATH's times far in the past, so that any write would show. */
static void age_file(const char *path)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = 946684800;	/* 2000-01-01 */
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* Run a shell command line; assert it succeeded. */
static void shell(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* Read a whole text file as a NUL-terminated string. */
static char *read_text(const char *path)
{
	size_t len;
	unsigned char *p = read_file(path, &len);
	char *s = realloc(p, len + 1);

	assert_non_null(s);
	s[len] = '\0';
	return s;
}

static void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

/*
 * In DUMP (text of LAYOUT), overwrite the hex digits of the byte at file
 * offset OFF with V.  The line holding it must be there (not squeezed).
 */
static void edit_byte(char *dump, const struct layout *l, uint64_t off,
		      unsigned char v)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t lo = off - off % l->cols;
	unsigned k = (unsigned)(off - lo);
	char prefix[40];
	size_t plen, col;
	char *line = dump;

	plen = (size_t)snprintf(prefix, sizeof(prefix),
				l->canonical ? "%08llx  " : "%08llx: ",
				(unsigned long long)lo);
	while (line != NULL && strncmp(line, prefix, plen) != 0) {
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	if (line == NULL)
		fail_msg("no dump line for offset %llu",
			 (unsigned long long)off);
	if (l->canonical)
		col = plen + 3 * k + (k >= 8);
	else
		col = plen + 2 * k + (l->group ? k / l->group : 0);
	line[col] = digits[v >> 4];
	line[col + 1] = digits[v & 15];
}

/* The -v line for FILE, N bytes in R runs, VERB "changed" or "would
 * change", and SIZE ("" or ", size A -> B"). */
static void summary(char *out, size_t cap, const char *file, size_t n,
		    size_t r, const char *verb, const char *size)
{
	snprintf(out, cap, "%s: %zu byte%s %s in %zu run%s%s\n", file, n,
		 n == 1 ? "" : "s", verb, r, r == 1 ? "" : "s", size);
}

/* Count the bytes and the runs of bytes that differ between A and B. */
static void count_diff(const unsigned char *a, const unsigned char *b,
		       size_t n, size_t *bytes, size_t *runs)
{
	*bytes = *runs = 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == b[i])
			continue;
		(*bytes)++;
		if (i == 0 || a[i - 1] == b[i - 1])
			(*runs)++;
	}
}

/* Random bytes with some runs of zeros (so hexdump -C squeezes). */
static unsigned char *make_data(size_t len, uint32_t seed)
{
	unsigned char *d = malloc(len);

	assert_non_null(d);
	fill_random(d, len, seed);
	for (size_t at = 1000; at + 300 < len; at += 5000)
		memset(d + at, 0, 300);
	return d;
}

/*
 * Format DATA as hexdump -C does: squeezed '*' lines and the final offset
 * line.  Returns a malloc'd string.
 */
static char *format_canonical(const unsigned char *d, size_t n)
{
	char *out = malloc(n / 16 * 80 + 200), *o = out;
	int starred = 0;

	assert_non_null(out);
	for (size_t at = 0; at < n; at += 16) {
		size_t k = n - at < 16 ? n - at : 16;

		if (at > 0 && k == 16 && memcmp(d + at, d + at - 16, 16) == 0) {
			if (!starred)
				o += sprintf(o, "*\n");
			starred = 1;
			continue;
		}
		starred = 0;
		o += sprintf(o, "%08llx ", (unsigned long long)at);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				*o++ = ' ';
			if (i < k)
				o += sprintf(o, " %02x", d[at + i]);
			else
				o += sprintf(o, "   ");
		}
		o += sprintf(o, "  |");
		for (size_t i = 0; i < k; i++)
			*o++ = d[at + i] >= 0x20 && d[at + i] < 0x7f ?
			       (char)d[at + i] : '.';
		o += sprintf(o, "|\n");
	}
	if (n > 0)
		sprintf(o, "%08llx\n", (unsigned long long)n);
	else
		*o = '\0';
	return out;
}

/* Format DATA as xxd -c COLS -g GROUP does (no squeezing). */
static char *format_xxd(const unsigned char *d, size_t n, uint64_t base,
			unsigned cols, unsigned group)
{
	char *out = malloc((n / cols + 1) * (20 + 4 * cols) + 16), *o = out;
	unsigned width = 2 * cols + (group ? (cols - 1) / group : 0);

	assert_non_null(out);
	*o = '\0';
	for (size_t at = 0; at < n; at += cols) {
		size_t k = n - at < cols ? n - at : cols;
		char *h;

		o += sprintf(o, "%08llx: ", (unsigned long long)(base + at));
		h = o;
		for (size_t i = 0; i < k; i++) {
			o += sprintf(o, "%02x", d[at + i]);
			if (group && (i + 1) % group == 0 && i + 1 < cols)
				*o++ = ' ';
		}
		while ((unsigned)(o - h) < width)
			*o++ = ' ';
		*o++ = ' ';
		*o++ = ' ';
		for (size_t i = 0; i < k; i++)
			*o++ = d[at + i] >= 0x20 && d[at + i] < 0x7f ?
			       (char)d[at + i] : '.';
		*o++ = '\n';
		*o = '\0';
	}
	return out;
}

/* Edit offsets spread through a file of LEN bytes (line ends, runs). */
static void spread_edits(char *dump, const struct layout *l,
			 unsigned char *want, size_t len)
{
	size_t at[] = { 0, 1, 15, 16, 17, 99, 100, 101, 102, 2047, 2048,
			len / 2, len / 2 + 1, len - 2, len - 1 };

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		unsigned char v = (unsigned char)(want[at[i]] ^ 0x5a);

		/* Bytes inside a zero run would sit in a squeezed line. */
		if (l->canonical && want[at[i]] == 0)
			continue;
		edit_byte(dump, l, at[i], v);
		want[at[i]] = v;
	}
}

/* Round trip: FILE -> dump (text given) -> edits -> patch -> compare. */
static void round_trip(const char *file, const unsigned char *orig,
		       size_t len, char *dump, const struct layout *l)
{
	const char *dpath = tmp_path("rt.dump");
	unsigned char *want = malloc(len);
	size_t nbytes, nruns;
	char expect[512];
	struct run r;

	assert_non_null(want);
	memcpy(want, orig, len);
	spread_edits(dump, l, want, len);
	count_diff(orig, want, len, &nbytes, &nruns);
	assert_true(nbytes > 0);
	write_text(dpath, dump);
	run_args(&r, "patch", "-v", file, dpath, NULL);
	if (r.status != 0)
		fail_msg("patch: status %d: %s", r.status, r.err);
	summary(expect, sizeof(expect), file, nbytes, nruns, "changed", "");
	assert_string_equal(r.out, expect);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	assert_file(file, want, len);
	free(want);
}

/* Write a file of LEN test bytes; dump it with the shell command CMD
 * (containing %s twice: input, output); edit; patch; compare. */
static void tool_round_trip(const char *tool, const char *cmd,
			    const struct layout *l, size_t len)
{
	const char *file = tmp_path("rt.bin");
	const char *raw = tmp_path("rt.raw");
	unsigned char *orig;
	char *dump;

	if (!have_program(tool)) {
		skip();
		return;
	}
	orig = make_data(len, (uint32_t)len + l->cols * 7 + l->group);
	write_file(file, orig, len);
	shell(cmd, file, raw);
	dump = read_text(raw);
	round_trip(file, orig, len, dump, l);
	free(dump);
	free(orig);
}

/* ---- round trips ----------------------------------------------------- */

static void test_help(void **state)
{
	struct run r;
	static const char first[] = "usage: mmtool patch [--dry-run] [-R] "
				    "[--grow] [--shrink] [-e | -b] [-d] "
				    "[--no-sync] [-v] FILE [DUMP | -]\n";

	(void)state;
	run_args(&r, "patch", "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, first, strlen(first)) == 0);
	run_free(&r);
	run_args(&r, "patch", "-h", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, first, strlen(first)) == 0);
	run_free(&r);
}

static void test_round_trip_xxd_default(void **state)
{
	static const struct layout l = { 0, 16, 2 };

	(void)state;
	tool_round_trip("xxd", "xxd %s > %s", &l, 20000);
}

static void test_round_trip_xxd_c7_g3(void **state)
{
	static const struct layout l = { 0, 7, 3 };

	(void)state;
	tool_round_trip("xxd", "xxd -c 7 -g 3 %s > %s", &l, 10001);
}

static void test_round_trip_xxd_g0(void **state)
{
	static const struct layout l = { 0, 32, 0 };

	(void)state;
	tool_round_trip("xxd", "xxd -c 32 -g 0 %s > %s", &l, 10003);
}

static void test_round_trip_xxd_c32_g4(void **state)
{
	static const struct layout l = { 0, 32, 4 };

	(void)state;
	tool_round_trip("xxd", "xxd -c 32 -g 4 %s > %s", &l, 9999);
}

static void test_round_trip_xxd_uppercase(void **state)
{
	static const struct layout l = { 0, 16, 2 };

	(void)state;
	tool_round_trip("xxd", "xxd -u %s > %s", &l, 5000);
}

static void test_round_trip_hexdump_c(void **state)
{
	(void)state;
	tool_round_trip("hexdump", "hexdump -C %s > %s", &CANON, 20000);
}

/* The generated layouts, without the tools: both formats. */
static void test_round_trip_generated(void **state)
{
	const char *file = tmp_path("gen.bin");
	size_t len = 12345;
	unsigned char *orig = make_data(len, 7);
	char *dump;
	static const struct layout l5 = { 0, 5, 2 };

	(void)state;
	write_file(file, orig, len);
	dump = format_canonical(orig, len);
	round_trip(file, orig, len, dump, &CANON);
	free(dump);
	free(orig);
	orig = read_file(file, &len);
	dump = format_xxd(orig, len, 0, 5, 2);
	round_trip(file, orig, len, dump, &l5);
	free(dump);
	free(orig);
}

/* mmtool's own hexdump, once it exists: both formats. */
static void test_round_trip_mmtool_hexdump(void **state)
{
	const char *file = tmp_path("own.bin");
	size_t len = 7000;
	unsigned char *orig = make_data(len, 3);
	const char *formats[] = { "canonical", "xxd" };
	const struct layout *layouts[] = { &CANON, &XXD };
	struct run r;

	(void)state;
	write_file(file, orig, len);
	run_args(&r, "hexdump", "-f", "xxd", file, NULL);
	if (r.status != 0) {
		run_free(&r);
		free(orig);
		skip();	/* the hexdump command is not there yet */
		return;
	}
	run_free(&r);
	for (int i = 0; i < 2; i++) {
		unsigned char *now;
		size_t n;

		now = read_file(file, &n);
		run_args(&r, "hexdump", "-f", formats[i], file, NULL);
		assert_int_equal(r.status, 0);
		round_trip(file, now, n, r.out, layouts[i]);
		run_free(&r);
		free(now);
	}
	free(orig);
}

/* '*' lines write nothing: the squeezed lines keep their bytes even when
 * the line they repeat was edited. */
static void test_star_lines_write_nothing(void **state)
{
	const char *file = tmp_path("star.bin"), *dpath = tmp_path("star.d");
	unsigned char data[16 * 8];
	unsigned char want[sizeof(data)];
	char *dump;
	struct run r;

	(void)state;
	memset(data, 0x41, sizeof(data));
	data[sizeof(data) - 1] = 0x42;
	write_file(file, data, sizeof(data));
	dump = format_canonical(data, sizeof(data));
	assert_non_null(strstr(dump, "\n*\n"));
	memcpy(want, data, sizeof(data));
	edit_byte(dump, &CANON, 3, 0x7a);	/* the line '*' repeats */
	want[3] = 0x7a;
	edit_byte(dump, &CANON, sizeof(data) - 16, 0x7b);
	want[sizeof(data) - 16] = 0x7b;
	write_text(dpath, dump);
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len + r.err_len, 0);
	run_free(&r);
	assert_file(file, want, sizeof(data));
	free(dump);
}

/* ---- nothing to do ----------------------------------------------------- */

static void test_unedited_dump_leaves_mtime(void **state)
{
	const char *file = tmp_path("same.bin"), *dpath = tmp_path("same.d");
	size_t len = 50000;
	unsigned char *data = make_data(len, 11);
	struct snapshot snap;
	char *dump;
	struct run r;
	char expect[256];

	(void)state;
	write_file(file, data, len);
	age_file(file);
	snapshot_take(&snap, file);
	dump = format_xxd(data, len, 0, 16, 2);
	write_text(dpath, dump);
	run_args(&r, "patch", "-v", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "%s: 0 bytes changed in 0 runs\n",
		 file);
	assert_string_equal(r.out, expect);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	free(dump);
	dump = format_canonical(data, len);
	write_text(dpath, dump);
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len + r.err_len, 0);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	free(dump);
	free(data);
}

static void test_empty_dump(void **state)
{
	const char *file = tmp_path("e.bin"), *dpath = tmp_path("e.d");
	struct snapshot snap;
	struct run r;

	(void)state;
	write_file(file, "abc", 3);
	age_file(file);
	snapshot_take(&snap, file);
	write_text(dpath, "");
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	/* The dump of an empty file, and blank lines. */
	write_text(dpath, "\n  \n");
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
}

/* Only pages with changes are written: in a sparse file, an xxd dump of
 * every (zero) line patches one byte and allocates about one page. */
static void test_untouched_pages_stay_holes(void **state)
{
	const char *file = tmp_path("sparse.bin"), *dpath = tmp_path("sp.d");
	size_t len = 1 << 20;
	unsigned char *zeros = calloc(1, len);
	struct stat before, after;
	char *dump;
	struct run r;
	int fd;

	(void)state;
	assert_non_null(zeros);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	close(fd);
	assert_int_equal(stat(file, &before), 0);
	if (before.st_blocks > 64) {
		free(zeros);
		skip();	/* this filesystem does not keep holes */
		return;
	}
	dump = format_xxd(zeros, len, 0, 16, 2);
	edit_byte(dump, &XXD, 700000, 0xee);
	write_text(dpath, dump);
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_int_equal(stat(file, &after), 0);
	assert_true(after.st_size == (off_t)len);
	/* One page, whatever the filesystem's block size (64 KiB at most). */
	assert_true(after.st_blocks - before.st_blocks <= 128);
	zeros[700000] = 0xee;
	assert_file(file, zeros, len);
	free(dump);
	free(zeros);
}

/* ---- malformed dumps --------------------------------------------------- */

/*
 * A dump with one edit and one bad line (LINE, 1-based, replaced by BAD):
 * exit 2, "mmtool: patch: DUMP:LINE: WHY", and FILE untouched.
 */
static void malformed(unsigned line, const char *bad, const char *why)
{
	const char *file = tmp_path("bad.bin"), *dpath = tmp_path("bad.d");
	size_t len = 16 * 40;
	unsigned char *data = make_data(len, 5);
	struct snapshot snap;
	char *dump, *out, *o, *p;
	char expect[512];
	struct run r;
	unsigned n = 1;

	write_file(file, data, len);
	age_file(file);
	snapshot_take(&snap, file);
	dump = format_xxd(data, len, 0, 16, 2);
	edit_byte(dump, &XXD, 20, (unsigned char)(data[20] ^ 1));
	edit_byte(dump, &XXD, len - 1, (unsigned char)(data[len - 1] ^ 1));
	out = malloc(strlen(dump) + strlen(bad) + 2);
	assert_non_null(out);
	o = out;
	for (p = dump; *p != '\0'; n++) {
		char *nl = strchr(p, '\n');
		size_t k = (size_t)(nl - p) + 1;

		if (n == line)
			o += sprintf(o, "%s\n", bad);
		else
			memcpy(o, p, k), o += k;
		p += k;
	}
	*o = '\0';
	write_text(dpath, out);
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	snprintf(expect, sizeof(expect), "mmtool: patch: %s:%u: %s", dpath,
		 line, why);
	if (strncmp(r.err, expect, strlen(expect)) != 0)
		fail_msg("stderr [%s], want [%s...]", r.err, expect);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	free(out);
	free(dump);
	free(data);
}

static void test_malformed_first_line(void **state)
{
	(void)state;
	malformed(1, "00000000: 12g4 5678", "invalid hex digit");
}

static void test_malformed_middle_line(void **state)
{
	(void)state;
	malformed(20, "00000130: 1234 567  xx", "half a byte");
}

static void test_malformed_last_line(void **state)
{
	(void)state;
	malformed(40, "hello world", "not a dump line");
}

static void test_malformed_bad_offset(void **state)
{
	(void)state;
	malformed(7, "0000006o: 1234", "invalid character in the offset");
}

static void test_lines_going_back(void **state)
{
	(void)state;
	/* Line 10 (offset 0x90) moved back to 0x10: a duplicate. */
	malformed(10, "00000010: 4142", "offset 0x10 goes back");
}

/*
 * Input that is not a dump is refused, naming the line and what it looks
 * like, with FILE untouched and nothing on stdout (issue 8, item 13:
 * `peek /bin/ls 0 2 | patch -v copy` said "0 bytes changed", exit 0; an
 * xxd -p dump said "offset larger than 2^63-1"; a lone offset in the
 * middle of a dump that went back was taken).
 */
static void not_a_dump(const char *text, const char *const *opts,
		       const char *want)
{
	const char *file = tmp_path("notdump.bin");
	const char *argv[8];
	struct snapshot snap;
	struct run r;
	size_t n = 0;

	write_file(file, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36);
	age_file(file);
	snapshot_take(&snap, file);
	argv[n++] = "patch";
	while (opts != NULL && *opts != NULL)
		argv[n++] = *opts++;
	argv[n++] = file;
	argv[n] = NULL;
	run_mmtool(&r, text, strlen(text), argv);
	assert_refused(&r, 2);
	if (strncmp(r.err, want, strlen(want)) != 0)
		fail_msg("stderr [%s], want [%s...]", r.err, want);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
}

static void test_not_a_dump_refused(void **state)
{
	static const char *const verbose[] = { "-v", NULL };
	static const char *const dry[] = { "--dry-run", NULL };
	struct run r;
	char *plain;

	(void)state;
	/* What peek prints: two bytes, four bytes (a plausible offset),
	 * and eight. */
	not_a_dump("7f45\n", verbose, "mmtool: patch: standard input:1: bare "
		   "hex digits with no offset, as peek and xxd -p print them");
	not_a_dump("7f454c46\n", verbose, "mmtool: patch: standard input:1: "
		   "an offset alone with no dump line above it: bare hex (as "
		   "peek prints), or a dump of no bytes");
	not_a_dump("7f454c4602010100\n", NULL,
		   "mmtool: patch: standard input:1: an offset alone");
	/* An xxd -p dump, made by mmtool and by xxd -c 4 (lines of eight
	 * digits). */
	run_args(&r, "hexdump", "-f", "plain", "-n", "100", mmtool_path(),
		 NULL);
	assert_int_equal(r.status, 0);
	plain = strdup(r.out);
	assert_non_null(plain);
	run_free(&r);
	not_a_dump(plain, dry, "mmtool: patch: standard input:1: bare hex "
		   "digits with no offset");
	free(plain);
	not_a_dump("7f454c46\n02010100\n00000000\n", dry,
		   "mmtool: patch: standard input:1: an offset alone");
	/* A lone offset in the middle of a dump that goes back. */
	not_a_dump("00000010  41 42  |AB|\n00000004\n00000020  43  |C|\n",
		   NULL, "mmtool: patch: standard input:2: final offset 0x4 "
		   "goes back before the end of the bytes above (0x12)");
	not_a_dump("00000010: 4142  AB\n00000020\n00000018: 43  C\n", NULL,
		   "mmtool: patch: standard input:3: offset 0x18 goes back "
		   "before the end of the bytes above (0x20)");
	not_a_dump("*\n00000000: 41\n", NULL,
		   "mmtool: patch: standard input:1: '*' with no dump line");
}

/* Deep in a dump read through 4 KiB windows and a 4 KiB pipe buffer
 * (lines cut by the reader's windows): the line number is still exact. */
static void test_malformed_deep_small_windows(void **state)
{
	const char *file = tmp_path("deep.bin"), *dpath = tmp_path("deep.d");
	size_t len = 64 * 1024;
	unsigned char *data = make_data(len, 9);
	const char *argv[] = { "patch", NULL, "-", NULL };
	struct snapshot snap;
	char *dump, *line;
	char expect[256];
	struct run r;

	(void)state;
	write_file(file, data, len);
	age_file(file);
	snapshot_take(&snap, file);
	dump = format_xxd(data, len, 0, 16, 2);
	edit_byte(dump, &XXD, 5, (unsigned char)(data[5] ^ 1));
	/* Line 3001 (offset 0xbb80): one digit becomes 'x'. */
	line = strstr(dump, "\n0000bb80: ");
	assert_non_null(line);
	line[1 + 10 + 7] = 'x';
	write_text(dpath, dump);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	snprintf(expect, sizeof(expect), "mmtool: patch: %s:3001: invalid hex "
		 "digit (column 18)\n", dpath);
	assert_string_equal(r.err, expect);
	run_free(&r);
	argv[1] = file;
	run_mmtool(&r, dump, strlen(dump), argv);
	unsetenv("MMTOOL_TEST_WINDOW");
	assert_refused(&r, 2);
	assert_string_equal(r.err, "mmtool: patch: standard input:3001: "
			    "invalid hex digit (column 18)\n");
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	free(dump);
	free(data);
}

static void test_malformed_stdin_names_it(void **state)
{
	const char *file = tmp_path("bad2.bin");
	static const char dump[] = "00000000: 4142\n0000000x: 43\n";
	struct snapshot snap;
	struct run r;
	const char *argv[] = { "patch", NULL, NULL };

	(void)state;
	write_file(file, "xyzw", 4);
	age_file(file);
	snapshot_take(&snap, file);
	argv[1] = file;
	run_mmtool(&r, dump, sizeof(dump) - 1, argv);
	assert_refused(&r, 2);
	assert_true(strncmp(r.err, "mmtool: patch: standard input:2: ",
			    33) == 0);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
}

/* ---- standard input, --dry-run, -v ----------------------------------- */

static void test_stdin_dash_and_default(void **state)
{
	const char *file = tmp_path("in.bin");
	static const char dump[] = "00000000: 4142 4344  ABCD\n"
				   "00000004  45 46 47 48  |EFGH|\n";
	const char *argv1[] = { "patch", NULL, "-", NULL };
	const char *argv2[] = { "patch", NULL, NULL };
	struct run r;

	(void)state;
	write_file(file, "........", 8);
	argv1[1] = file;
	run_mmtool(&r, dump, sizeof(dump) - 1, argv1);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(file, (const unsigned char *)"ABCDEFGH", 8);
	write_file(file, "........", 8);
	argv2[1] = file;
	run_mmtool(&r, dump, sizeof(dump) - 1, argv2);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(file, (const unsigned char *)"ABCDEFGH", 8);
}

static void test_dry_run(void **state)
{
	const char *file = tmp_path("dry.bin"), *dpath = tmp_path("dry.d");
	struct snapshot snap;
	char expect[256];
	struct run r;

	(void)state;
	write_file(file, "0123456789abcdefghij", 20);
	age_file(file);
	snapshot_take(&snap, file);
	write_text(dpath, "00000000: 3031 7878 3435 3637 3839 6162 6364 "
		   "6566  01xx456789abcdef\n"
		   "00000010: 6768 6a6a  ghjj\n");
	run_args(&r, "patch", "--dry-run", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "0x2: 3233 -> 7878\n0x12: 69 -> 6a\n");
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	run_args(&r, "patch", "--dry-run", "-v", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "0x2: 3233 -> 7878\n0x12: 69 -> 6a\n"
		 "%s: 3 bytes would change in 2 runs\n", file);
	assert_string_equal(r.out, expect);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	run_args(&r, "patch", "--verbose", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "%s: 3 bytes changed in 2 runs\n",
		 file);
	assert_string_equal(r.out, expect);
	run_free(&r);
	assert_file(file, (const unsigned char *)"01xx456789abcdefghjj", 20);
}

static void test_no_sync(void **state)
{
	const char *file = tmp_path("ns.bin"), *dpath = tmp_path("ns.d");
	struct run r;

	(void)state;
	write_file(file, "abcd", 4);
	write_text(dpath, "00000001  42 43  |BC|\n00000004\n");
	run_args(&r, "patch", "--no-sync", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(file, (const unsigned char *)"aBCd", 4);
}

static void test_crlf_dump(void **state)
{
	const char *file = tmp_path("crlf.bin"), *dpath = tmp_path("crlf.d");
	struct run r;

	(void)state;
	write_file(file, "abcdef", 6);
	write_text(dpath, "00000000: 4142 4344  ABCD\r\n"
		   "00000004  45 46  |EF|\r\n00000006\r\n");
	run_args(&r, "patch", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(file, (const unsigned char *)"ABCDEF", 6);
}

/* ---- the end of the file ------------------------------------------------ */

static void test_past_end_refused(void **state)
{
	const char *file = tmp_path("end.bin"), *dpath = tmp_path("end.d");
	struct snapshot snap;
	struct run r;

	(void)state;
	write_file(file, "abcd", 4);
	age_file(file);
	snapshot_take(&snap, file);
	write_text(dpath, "00000000: 4142  AB\n00000003: 4445  DE\n");
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, ":2: range [3, 5) is outside"));
	assert_non_null(strstr(r.err, "--grow"));
	run_free(&r);
	run_args(&r, "patch", "--dry-run", file, dpath, NULL);
	assert_refused(&r, 2);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
}

static void test_grow(void **state)
{
	const char *file = tmp_path("grow.bin"), *dpath = tmp_path("grow.d");
	unsigned char want[40];
	char expect[256];
	struct run r;

	(void)state;
	write_file(file, "abcd", 4);
	write_text(dpath, "00000002: 5859  XY\n00000020  41 42 43 44 45 46 "
		   "47 48  |ABCDEFGH|\n00000028\n");
	run_args(&r, "patch", "--grow", "-v", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "%s: 10 bytes changed in 2 runs, "
		 "size 4 -> 40\n", file);
	assert_string_equal(r.out, expect);
	run_free(&r);
	memset(want, 0, sizeof(want));
	memcpy(want, "abXY", 4);
	memcpy(want + 32, "ABCDEFGH", 8);
	assert_file(file, want, sizeof(want));
}

/*
 * A dump of xxd's default lines (read many at a time) that runs past the
 * end of FILE: refused at the first line outside without --grow, and with
 * it the file grows to the dump's bytes; the dump's windows cut lines.
 */
static void test_default_lines_past_end(void **state)
{
	const char *file = tmp_path("runend.bin"), *dpath = tmp_path("runend.d");
	size_t len = 1600, have = 1000;
	unsigned char *data = make_data(len, 77);
	char *dump = format_xxd(data, len, 0, 16, 2);
	struct snapshot snap;
	struct run r;

	(void)state;
	write_file(file, data, have);
	write_text(dpath, dump);
	age_file(file);
	snapshot_take(&snap, file);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	/* Line 63 holds [992, 1008). */
	if (strstr(r.err, ":63: range [992, 1008) is outside") == NULL)
		fail_msg("%s", r.err);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	run_args(&r, "patch", "--grow", file, dpath, NULL);
	unsetenv("MMTOOL_TEST_WINDOW");
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(file, data, len);
	free(dump);
	free(data);
}

static void test_grow_dry_run_and_zeros(void **state)
{
	const char *file = tmp_path("grow2.bin"), *dpath = tmp_path("g2.d");
	struct snapshot snap;
	unsigned char want[16];
	char expect[256];
	struct run r;

	(void)state;
	write_file(file, "abcd", 4);
	age_file(file);
	snapshot_take(&snap, file);
	/* Zeros past the end: no byte differs from what the gap reads as,
	 * but the file still grows. */
	write_text(dpath, "00000008: 0000 0000 0000 0001  ........\n"
		   "00000014\n");
	run_args(&r, "patch", "--grow", "--dry-run", "-v", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "0xf: 00 -> 01\n%s: 1 byte would "
		 "change in 1 run, size 4 -> 16\n", file);
	assert_string_equal(r.out, expect);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	write_text(dpath, "00000008: 0000 0000 0000 0000  ........\n");
	run_args(&r, "patch", "--grow", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	memset(want, 0, sizeof(want));
	memcpy(want, "abcd", 4);
	assert_file(file, want, 16);
}

/* Growing fails (a file-size limit: EFBIG): exit 2 and FILE's bytes and
 * size as they were, the edit inside it included, since nothing is written
 * before all the room is there.  Not the mtime: Linux stamps it on entry
 * to fallocate, even when the call then fails. */
static void test_grow_failure_writes_nothing(void **state)
{
	const char *file = tmp_path("lim.bin"), *dpath = tmp_path("lim.d");
	const char *err = tmp_path("lim.err");
	char cmd[1024];
	size_t len;
	unsigned char *text;
	int st;

	(void)state;
	write_file(file, "abcdefgh", 8);
	write_text(dpath, "00000000: 7a  z\n00100000: 4142  AB\n");
	/* ulimit -f counts 512-byte blocks in POSIX sh (1024 in bash):
	 * either way far below 1 MiB. */
	snprintf(cmd, sizeof(cmd), "ulimit -f 64 && exec '%s' patch --grow "
		 "'%s' '%s' 2> '%s'", mmtool_path(), file, dpath, err);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	text = read_file(err, &len);
	text = realloc(text, len + 1);
	assert_non_null(text);
	text[len] = '\0';
	assert_true(strncmp((char *)text, "mmtool: patch: ", 15) == 0);
	assert_non_null(strstr((char *)text, "File too large"));
	free(text);
	assert_file(file, (const unsigned char *)"abcdefgh", 8);
}

static void test_past_4gib(void **state)
{
	const char *file = tmp_path("big.bin"), *dpath = tmp_path("big.d");
	uint64_t size = (4ull << 30) + 8192;
	unsigned char got[8];
	struct run r;
	int fd;

	(void)state;
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		skip();	/* no large files here */
		return;
	}
	write_text(dpath, "100000010: dead beef  ....\n"
		   "100000800  01 02 03  |...|\n*\n100002000\n");
	run_args(&r, "patch", "-v", file, dpath, NULL);
	if (r.status != 0)
		fail_msg("status %d: %s", r.status, r.err);
	assert_non_null(strstr(r.out, ": 7 bytes changed in 2 runs"));
	run_free(&r);
	assert_int_equal(pread(fd, got, 4, (off_t)0x100000010ull), 4);
	assert_memory_equal(got, "\xde\xad\xbe\xef", 4);
	assert_int_equal(pread(fd, got, 4, (off_t)0x100000800ull), 4);
	assert_memory_equal(got, "\x01\x02\x03\x00", 4);
	assert_int_equal(pread(fd, got, 4, (off_t)0xfffffffeull), 4);
	assert_memory_equal(got, "\0\0\0\0", 4);
	close(fd);
	/* The offset past 4 GiB prints at full width. */
	write_text(dpath, "100000010: 0102  ..\n");
	run_args(&r, "patch", "--dry-run", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "0x100000010: dead -> 0102\n");
	run_free(&r);
	unlink(file);
}

/* ---- windows ------------------------------------------------------------ */

/* With 4 KiB windows: a changed run straddling two windows is one run,
 * and dump lines cut by the reader's windows are joined. */
static void test_window_boundaries(void **state)
{
	const char *file = tmp_path("win.bin"), *dpath = tmp_path("win.d");
	size_t len = 64 * 1024;
	unsigned char *data = make_data(len, 21), *want = malloc(len);
	char *dump;
	struct run r;

	(void)state;
	assert_non_null(want);
	write_file(file, data, len);
	memcpy(want, data, len);
	dump = format_xxd(data, len, 0, 7, 3);
	for (size_t at = 4093; at < 4099; at++) {
		const struct layout l = { 0, 7, 3 };

		want[at] = (unsigned char)~data[at];
		edit_byte(dump, &l, at, want[at]);
	}
	write_text(dpath, dump);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	run_args(&r, "patch", "--dry-run", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "0xffd: "));
	assert_int_equal(strchr(r.out, '\n') - r.out + 1, (long)r.out_len);
	run_free(&r);
	run_args(&r, "patch", "-v", file, dpath, NULL);
	unsetenv("MMTOOL_TEST_WINDOW");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, ": 6 bytes changed in 1 run\n"));
	run_free(&r);
	assert_file(file, want, len);
	free(dump);
	free(data);
	free(want);
}

/* Many random edits, small windows, both formats: exactly those bytes. */
static void test_random_edits_small_windows(void **state)
{
	const char *file = tmp_path("rnd.bin"), *dpath = tmp_path("rnd.d");
	size_t len = 100003, nbytes, nruns;
	unsigned char *data = make_data(len, 33), *want = malloc(len);
	char expect[256];
	uint32_t x = 7;

	(void)state;
	assert_non_null(want);
	for (int fmt = 0; fmt < 2; fmt++) {
		const struct layout *l = fmt ? &CANON : &XXD;
		char *dump;
		struct run r;

		write_file(file, data, len);
		memcpy(want, data, len);
		dump = fmt ? format_canonical(data, len) :
		       format_xxd(data, len, 0, 16, 2);
		for (int i = 0; i < 300; i++) {
			size_t at;

			x = x * 1103515245u + 12345u;
			at = (x >> 8) % len;
			if (fmt && data[at] == 0)
				continue;
			want[at] = (unsigned char)(x >> 3);
			edit_byte(dump, l, at, want[at]);
		}
		count_diff(data, want, len, &nbytes, &nruns);
		write_text(dpath, dump);
		setenv("MMTOOL_TEST_WINDOW", "8192", 1);
		run_args(&r, "patch", "-v", file, dpath, NULL);
		unsetenv("MMTOOL_TEST_WINDOW");
		assert_int_equal(r.status, 0);
		summary(expect, sizeof(expect), file, nbytes, nruns,
			"changed", "");
		assert_string_equal(r.out, expect);
		run_free(&r);
		assert_file(file, want, len);
		free(dump);
	}
	free(data);
	free(want);
}

/* ---- large files, one streaming pass ------------------------------------ */

#define BIG_LEN ((size_t)64 << 20)
/* hexdump -C: "OFFSET  16 bytes in two groups  |ASCII|\n", 79 bytes. */
#define CANON_LINE 79

/*
 * A file of BIG_LEN pseudo-random bytes (no two lines alike, so nothing is
 * squeezed) and its full canonical dump written by mmtool hexdump.
 * Returns the bytes, or NULL after skip() when hexdump is not there yet.
 */
static unsigned char *big_file_and_dump(const char *file, const char *dump)
{
	unsigned char *data = malloc(BIG_LEN);
	struct stat st;
	char cmd[1024];

	assert_non_null(data);
	fill_random(data, BIG_LEN, 64);
	write_file(file, data, BIG_LEN);
	snprintf(cmd, sizeof(cmd), "'%s' hexdump '%s' > '%s' 2>/dev/null",
		 mmtool_path(), file, dump);
	if (system(cmd) != 0) {
		free(data);
		skip();	/* the hexdump command is not there yet */
		return NULL;
	}
	assert_int_equal(stat(dump, &st), 0);
	/* Every line there, then "04000000\n". */
	assert_true(st.st_size == (off_t)(BIG_LEN / 16 * CANON_LINE + 9));
	return data;
}

/* In the canonical dump file DUMP of a file with no squeezed lines, set
 * the byte at file offset OFF to V, in place. */
static void edit_canonical_file(const char *dump, uint64_t off,
				unsigned char v)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t line = off / 16;
	unsigned k = (unsigned)(off % 16);
	off_t at = (off_t)(line * CANON_LINE);
	char prefix[32], got[16], hex[2];
	int fd = open(dump, O_RDWR);

	assert_true(fd >= 0);
	snprintf(prefix, sizeof(prefix), "%08llx  ",
		 (unsigned long long)(line * 16));
	assert_int_equal(pread(fd, got, 10, at), 10);
	assert_memory_equal(got, prefix, 10);
	hex[0] = digits[v >> 4];
	hex[1] = digits[v & 15];
	assert_int_equal(pwrite(fd, hex, 2, at + 10 + 3 * k + (k >= 8)), 2);
	assert_int_equal(close(fd), 0);
}

/* A 64 MiB file patched from its full mmtool hexdump with a few edits
 * (at the ends, across a line, across a 4 MiB window): exactly those
 * bytes change. */
static void test_big_full_dump_few_edits(void **state)
{
	const char *file = tmp_path("big64.bin"), *dpath = tmp_path("big64.d");
	static const uint64_t at[] = {
		0, 15, 16, (4u << 20) - 1, 4u << 20, (32u << 20) + 5,
		BIG_LEN - 1
	};
	unsigned char *data = big_file_and_dump(file, dpath), *want;
	size_t nbytes, nruns;
	char expect[512];
	struct run r;

	(void)state;
	if (data == NULL)
		return;
	want = malloc(BIG_LEN);
	assert_non_null(want);
	memcpy(want, data, BIG_LEN);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		want[at[i]] = (unsigned char)~data[at[i]];
		edit_canonical_file(dpath, at[i], want[at[i]]);
	}
	count_diff(data, want, BIG_LEN, &nbytes, &nruns);
	assert_int_equal(nbytes, 7);
	assert_int_equal(nruns, 5);
	run_args(&r, "patch", "-v", file, dpath, NULL);
	if (r.status != 0)
		fail_msg("patch: status %d: %s", r.status, r.err);
	summary(expect, sizeof(expect), file, nbytes, nruns, "changed", "");
	assert_string_equal(r.out, expect);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	assert_file(file, want, BIG_LEN);
	unlink(dpath);
	unlink(file);
	free(want);
	free(data);
}

/* An unedited full dump of a large file: nothing changes, not the mtime. */
static void test_big_unedited_dump_leaves_mtime(void **state)
{
	const char *file = tmp_path("big64u.bin");
	const char *dpath = tmp_path("big64u.d");
	unsigned char *data = big_file_and_dump(file, dpath);
	struct snapshot snap;
	char expect[512];
	struct run r;

	(void)state;
	if (data == NULL)
		return;
	age_file(file);
	snapshot_take(&snap, file);
	run_args(&r, "patch", "-v", file, dpath, NULL);
	assert_int_equal(r.status, 0);
	snprintf(expect, sizeof(expect), "%s: 0 bytes changed in 0 runs\n",
		 file);
	assert_string_equal(r.out, expect);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	unlink(dpath);
	unlink(file);
	free(data);
}

/* A dump on standard input, long enough to be compared in many batches
 * as it streams in, through small windows: exactly the edits land. */
static void test_stdin_many_batches(void **state)
{
	const char *file = tmp_path("sb.bin");
	size_t len = (3u << 20) + 77, nbytes, nruns;
	unsigned char *data = make_data(len, 41), *want = malloc(len);
	const char *argv[] = { "patch", "-v", NULL, "-", NULL };
	char *dump, expect[512];
	struct run r;

	(void)state;
	assert_non_null(want);
	write_file(file, data, len);
	memcpy(want, data, len);
	dump = format_xxd(data, len, 0, 16, 2);
	for (size_t at = 5; at < len; at += 65521) {
		want[at] = (unsigned char)~data[at];
		edit_byte(dump, &XXD, at, want[at]);
	}
	/* Across a window and a batch of queued bytes. */
	for (size_t at = (1u << 20) - 3; at < (1u << 20) + 3; at++) {
		want[at] = (unsigned char)(data[at] ^ 0x81);
		edit_byte(dump, &XXD, at, want[at]);
	}
	count_diff(data, want, len, &nbytes, &nruns);
	argv[2] = file;
	setenv("MMTOOL_TEST_WINDOW", "8192", 1);
	run_mmtool(&r, dump, strlen(dump), argv);
	unsetenv("MMTOOL_TEST_WINDOW");
	if (r.status != 0)
		fail_msg("patch: status %d: %s", r.status, r.err);
	summary(expect, sizeof(expect), file, nbytes, nruns, "changed", "");
	assert_string_equal(r.out, expect);
	run_free(&r);
	assert_file(file, want, len);
	free(dump);
	free(data);
	free(want);
}

/* A bad line far into a big dump, after many batches were compared (the
 * walk over a mapped dump pauses for each): the line number is exact, and
 * nothing was written, the edits before it included. */
static void test_malformed_after_many_batches(void **state)
{
	const char *file = tmp_path("mb.bin"), *dpath = tmp_path("mb.d");
	size_t len = 2u << 20;
	unsigned char *data = make_data(len, 43);
	const char *argv[] = { "patch", NULL, "-", NULL };
	struct snapshot snap;
	char *dump, *line, expect[512];
	struct run r;

	(void)state;
	write_file(file, data, len);
	age_file(file);
	snapshot_take(&snap, file);
	dump = format_xxd(data, len, 0, 16, 2);
	edit_byte(dump, &XXD, 7, (unsigned char)~data[7]);
	edit_byte(dump, &XXD, len / 2, (unsigned char)~data[len / 2]);
	/* Line 120001 holds offset 0x1d4c00. */
	line = strstr(dump, "\n001d4c00: ");
	assert_non_null(line);
	line[1 + 10 + 2] = 'z';
	write_text(dpath, dump);
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	snprintf(expect, sizeof(expect), "mmtool: patch: %s:120001: invalid "
		 "hex digit (column 13)\n", dpath);
	assert_string_equal(r.err, expect);
	run_free(&r);
	argv[1] = file;
	run_mmtool(&r, dump, strlen(dump), argv);
	assert_refused(&r, 2);
	assert_string_equal(r.err, "mmtool: patch: standard input:120001: "
			    "invalid hex digit (column 13)\n");
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
	free(dump);
	free(data);
}

/* A line past the end names that line; a malformed line further on is
 * what gets reported, since the whole dump is read first. */
static void test_past_end_then_malformed(void **state)
{
	const char *file = tmp_path("pm.bin"), *dpath = tmp_path("pm.d");
	struct snapshot snap;
	char expect[512];
	struct run r;

	(void)state;
	write_file(file, "abcdefgh", 8);
	age_file(file);
	snapshot_take(&snap, file);
	write_text(dpath, "00000000: 7a7a  zz\n00000004: 4142 4344 4546  "
		   "ABCDEF\n0000000a: 4748  GH\n");
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	snprintf(expect, sizeof(expect), "mmtool: patch: %s:2: range [4, 10) "
		 "is outside %s (8 bytes); --grow extends the file\n", dpath,
		 file);
	assert_string_equal(r.err, expect);
	run_free(&r);
	write_text(dpath, "00000000: 7a7a  zz\n00000004: 4142 4344 4546  "
		   "ABCDEF\n0000000a: 47x8  GH\n");
	run_args(&r, "patch", file, dpath, NULL);
	assert_refused(&r, 2);
	snprintf(expect, sizeof(expect), "mmtool: patch: %s:3: invalid hex "
		 "digit", dpath);
	assert_true(strncmp(r.err, expect, strlen(expect)) == 0);
	run_free(&r);
	snapshot_assert_same(&snap, file);
	snapshot_free(&snap);
}

/* ---- other writers ------------------------------------------------------ */

extern char **environ;

/*
 * Start mmtool with ARGV (after "mmtool"), standard input the read end of
 * a pipe whose write end goes to *in (or /dev/null if IN is NULL), and
 * standard error into the file ERR.  Returns the pid.
 */
static pid_t spawn_mmtool(const char *const *argv, int *in, const char *err)
{
	posix_spawn_file_actions_t fa;
	const char *args[8];
	int p[2] = { -1, -1 };
	size_t n = 0;
	pid_t pid;

	args[n++] = mmtool_path();
	for (; *argv != NULL && n < 7; argv++)
		args[n++] = *argv;
	args[n] = NULL;
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	if (in != NULL) {
		assert_int_equal(pipe(p), 0);
		posix_spawn_file_actions_adddup2(&fa, p[0], 0);
		posix_spawn_file_actions_addclose(&fa, p[0]);
		posix_spawn_file_actions_addclose(&fa, p[1]);
	} else {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						 O_RDONLY, 0);
	}
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_equal(posix_spawn(&pid, args[0], &fa, NULL,
				     (char *const *)args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	if (in != NULL) {
		close(p[0]);
		*in = p[1];
	}
	return pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Wait (up to 10 s) until process PID holds a write lock on FD's file. */
static void wait_for_lock(int fd, pid_t pid)
{
	for (int i = 0; i < 1000; i++) {
		struct flock fl;

		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		assert_int_equal(fcntl(fd, F_GETLK, &fl), 0);
		if (fl.l_type == F_WRLCK && fl.l_pid == pid)
			return;
		sleep_ms(10);
	}
	fail_msg("mmtool never took the lock");
}

/* patch waits for another writer's lock, then does its work. */
static void test_waits_for_write_lock(void **state)
{
	const char *file = tmp_path("lk.bin"), *dpath = tmp_path("lk.d");
	const char *err = tmp_path("lk.err");
	const char *argv[] = { "patch", NULL, NULL, NULL };
	struct flock fl;
	char got[8];
	pid_t pid;
	int fd, st;

	(void)state;
	write_file(file, "abcdefgh", 8);
	write_text(dpath, "00000002: 5859  XY\n");
	/* Any close of the file by this process drops the lock: FD stays
	 * open, and the file is read through it, until the end. */
	fd = open(file, O_RDWR);
	assert_true(fd >= 0);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	assert_int_equal(fcntl(fd, F_SETLK, &fl), 0);
	argv[1] = file;
	argv[2] = dpath;
	pid = spawn_mmtool(argv, NULL, err);
	sleep_ms(300);
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0);
	assert_int_equal(pread(fd, got, 8, 0), 8);
	assert_memory_equal(got, "abcdefgh", 8);
	fl.l_type = F_UNLCK;
	assert_int_equal(fcntl(fd, F_SETLK, &fl), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(pread(fd, got, 8, 0), 8);
	assert_memory_equal(got, "abXYefgh", 8);
	close(fd);
}

/* FILE shrinks (a writer that ignores the lock) after patch opened it and
 * before the dump arrives: reading the lost pages is caught, not a death
 * by SIGBUS.  The first batch is compared long before the dump ends, so
 * patch stops while this test is still writing (EPIPE here, not SIGPIPE). */
static void test_file_shrinks_while_compared(void **state)
{
	const char *file = tmp_path("sh.bin"), *err = tmp_path("sh.err");
	const char *argv[] = { "patch", NULL, "-", NULL };
	size_t len = 4u << 20, elen;
	unsigned char *data = make_data(len, 47);
	void (*old_pipe)(int);
	char *dump, *text, expect[512];
	pid_t pid;
	int fd, in, st;
	size_t off = 0;

	(void)state;
	write_file(file, data, len);
	dump = format_xxd(data, len, 0, 16, 2);
	edit_byte(dump, &XXD, len - 1, (unsigned char)~data[len - 1]);
	argv[1] = file;
	pid = spawn_mmtool(argv, &in, err);
	fd = open(file, O_RDWR);
	assert_true(fd >= 0);
	wait_for_lock(fd, pid);
	assert_int_equal(ftruncate(fd, 0), 0);
	old_pipe = signal(SIGPIPE, SIG_IGN);
	while (off < strlen(dump)) {
		ssize_t n = write(in, dump + off, strlen(dump) - off);

		if (n < 0 && errno == EPIPE)
			break;	/* it gave up reading: fine */
		assert_true(n > 0);
		off += (size_t)n;
	}
	close(in);
	signal(SIGPIPE, old_pipe);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st))
		fail_msg("mmtool died by signal %d", WTERMSIG(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	text = (char *)read_file(err, &elen);
	text = realloc(text, elen + 1);
	assert_non_null(text);
	text[elen] = '\0';
	snprintf(expect, sizeof(expect), "mmtool: patch: %s: file changed "
		 "size while being read\n", file);
	assert_string_equal(text, expect);
	close(fd);
	free(text);
	free(dump);
	free(data);
}

/* ---- refusals ----------------------------------------------------------- */

static void test_missing_file_and_dump(void **state)
{
	const char *dpath = tmp_path("m.d"), *file = tmp_path("m.bin");
	struct run r;

	(void)state;
	write_text(dpath, "00000000: 41\n");
	run_args(&r, "patch", tmp_path("nope"), dpath, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "No such file or directory"));
	run_free(&r);
	write_file(file, "a", 1);
	run_args(&r, "patch", file, tmp_path("nodump"), NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "nodump: No such file or directory"));
	run_free(&r);
}

static void test_directory_and_fifo(void **state)
{
	const char *dpath = tmp_path("df.d"), *fifo = tmp_path("fifo");
	struct run r;

	(void)state;
	write_text(dpath, "00000000: 41\n");
	run_args(&r, "patch", test_tmpdir(), dpath, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "Is a directory"));
	run_free(&r);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	run_args(&r, "patch", fifo, dpath, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "not a regular file"));
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	const char *file = tmp_path("u.bin");
	struct run r;

	(void)state;
	write_file(file, "a", 1);
	run_args(&r, "patch", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "missing operand"));
	run_free(&r);
	run_args(&r, "patch", file, "-", "x", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "too many operands"));
	run_free(&r);
	run_args(&r, "patch", "--bogus", file, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "unknown option"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_round_trip_xxd_default),
		cmocka_unit_test(test_round_trip_xxd_c7_g3),
		cmocka_unit_test(test_round_trip_xxd_g0),
		cmocka_unit_test(test_round_trip_xxd_c32_g4),
		cmocka_unit_test(test_round_trip_xxd_uppercase),
		cmocka_unit_test(test_round_trip_hexdump_c),
		cmocka_unit_test(test_round_trip_generated),
		cmocka_unit_test(test_round_trip_mmtool_hexdump),
		cmocka_unit_test(test_star_lines_write_nothing),
		cmocka_unit_test(test_unedited_dump_leaves_mtime),
		cmocka_unit_test(test_empty_dump),
		cmocka_unit_test(test_untouched_pages_stay_holes),
		cmocka_unit_test(test_malformed_first_line),
		cmocka_unit_test(test_malformed_middle_line),
		cmocka_unit_test(test_malformed_last_line),
		cmocka_unit_test(test_malformed_bad_offset),
		cmocka_unit_test(test_lines_going_back),
		cmocka_unit_test(test_not_a_dump_refused),
		cmocka_unit_test(test_malformed_deep_small_windows),
		cmocka_unit_test(test_malformed_stdin_names_it),
		cmocka_unit_test(test_stdin_dash_and_default),
		cmocka_unit_test(test_dry_run),
		cmocka_unit_test(test_no_sync),
		cmocka_unit_test(test_crlf_dump),
		cmocka_unit_test(test_past_end_refused),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_default_lines_past_end),
		cmocka_unit_test(test_grow_dry_run_and_zeros),
		cmocka_unit_test(test_grow_failure_writes_nothing),
		cmocka_unit_test(test_past_4gib),
		cmocka_unit_test(test_window_boundaries),
		cmocka_unit_test(test_random_edits_small_windows),
		cmocka_unit_test(test_big_full_dump_few_edits),
		cmocka_unit_test(test_big_unedited_dump_leaves_mtime),
		cmocka_unit_test(test_stdin_many_batches),
		cmocka_unit_test(test_malformed_after_many_batches),
		cmocka_unit_test(test_past_end_then_malformed),
		cmocka_unit_test(test_waits_for_write_lock),
		cmocka_unit_test(test_file_shrinks_while_compared),
		cmocka_unit_test(test_missing_file_and_dump),
		cmocka_unit_test(test_directory_and_fifo),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
