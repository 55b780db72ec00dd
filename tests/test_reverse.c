/*
 * test_reverse.c - mmtool hexdump -r: a dump back to its bytes.
 *
 *   round trips  hexdump -f F [opts] f | hexdump -r -f F [opts] | cmp - f
 *                for every layout: plain, canonical (squeezed or not),
 *                xxd with -c/-g, -u, -e, -b, -d, -a.
 *   references   where xxd is installed, the bytes of xxd -r -p and of
 *                xxd -r into a pipe for the same dumps of xxd.
 *   edges        gaps written as NULs, '*' repeating the line above it,
 *                the final offset of hexdump -C, the empty dump.
 *   refusals     bad lines: status 2, DUMP:LINE:, nothing on standard
 *                output; -e/-b dumps read without the option; options -r
 *                does not take.
 *   patch        -e, -b, -d: an edited dump of each layout changes
 *                exactly the edited byte; without the option an -e or -b
 *                dump is refused with the hint, FILE untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define MAXARGS 16

/* Run mmtool with the blank-separated words of ARGS (and then FILE, if
 * not NULL), STDIN_DATA on standard input. */
static void run_words(struct run *r, const char *args, const char *file,
		      const void *stdin_data, size_t len)
{
	char words[256], *w, *save = NULL;
	const char *argv[MAXARGS + 2];
	int n = 0;

	snprintf(words, sizeof(words), "%s", args);
	for (w = strtok_r(words, " ", &save); w != NULL && n < MAXARGS;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	if (file != NULL)
		argv[n++] = file;
	argv[n] = NULL;
	run_mmtool(r, stdin_data, len, argv);
}

static void assert_bytes(const char *what, const struct run *r,
			 const unsigned char *want, size_t len)
{
	size_t i = 0;

	if (r->status != 0 || r->err_len != 0)
		print_error("%s: status %d, stderr [%s]\n", what, r->status,
			    r->err);
	assert_int_equal(r->status, 0);
	assert_int_equal(r->err_len, 0);
	while (i < len && i < r->out_len &&
	       (unsigned char)r->out[i] == want[i])
		i++;
	if (i < len || r->out_len != len) {
		print_error("%s: %zu bytes, want %zu; first difference at "
			    "%zu\n", what, r->out_len, len, i);
		fail();
	}
}

/* An input (N >= 1500) with runs of zeros, repeated lines and text. */
static unsigned char *make_input(size_t n)
{
	unsigned char *p = malloc(n);
	size_t i;

	assert_non_null(p);
	fill_random(p, n, 4242);
	memset(p + 100, 0, 300);
	memset(p + 600, 'A', 200);
	memcpy(p + 900, "text with  blanks  \t and tabs   ", 32);
	for (i = 1200; i < 1500 && i < n; i++)
		p[i] = (unsigned char)(i % 3 == 0 ? ' ' : '0' + i % 2);
	memset(p + n - 40, ' ', 40);	/* a tail of blanks */
	return p;
}

/* Every layout there is, each dumped and read back. */
static void test_round_trips(void **state)
{
	static const struct {
		const char *dump, *back;
	} layouts[] = {
		{ "-f plain", "-f plain" },
		{ "-f plain -c 0", "-f plain" },
		{ "-f plain -c 7 -u", "-f plain" },
		{ "", "" },
		{ "-v", "-f canonical" },
		{ "-f xxd", "-f xxd" },
		{ "-f xxd", "" },
		{ "-f xxd -c 7 -g 3", "-f xxd" },
		{ "-f xxd -c 1", "-f xxd" },
		{ "-f xxd -c 256 -g 0 -u", "-f xxd" },
		{ "-f xxd -a", "-f xxd" },
		{ "-f xxd -d", "-f xxd -d" },
		{ "-f xxd -e", "-f xxd -e" },
		{ "-f xxd -e -c 6", "-f xxd -e" },
		{ "-f xxd -e -c 5 -g 2", "-f xxd -e" },
		{ "-f xxd -e -g 8 -c 256", "-f xxd -e" },
		{ "-f xxd -e -g 3 -c 33", "-f xxd -e" },
		{ "-f xxd -e -a -d -u", "-f xxd -e -d" },
		{ "-f xxd -b", "-f xxd -b" },
		{ "-f xxd -b -c 7 -g 3", "-f xxd -b" },
		{ "-f xxd -b -c 256 -g 256", "-f xxd -b" },
		{ "-f xxd -b -a -d", "-f xxd -b -d" },
	};
	static const size_t sizes[] = { 1577, 0, 1, 64 };
	size_t s, i;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		/* The big input, nothing, one byte, a line of zeros. */
		unsigned char *in = n > 64 ? make_input(n) : calloc(1, 65);
		const char *path = tmp_path("round.bin");

		write_file(path, in, n);
		for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
			struct run d, r;
			char args[128], what[256];

			snprintf(args, sizeof(args), "hexdump %s",
				 layouts[i].dump);
			run_words(&d, args, path, NULL, 0);
			assert_int_equal(d.status, 0);
			snprintf(args, sizeof(args), "hexdump -r %s",
				 layouts[i].back);
			run_words(&r, args, NULL, d.out, d.out_len);
			snprintf(what, sizeof(what), "hexdump %s | hexdump "
				 "-r %s, %zu bytes", layouts[i].dump,
				 layouts[i].back, n);
			assert_bytes(what, &r, in, n);
			run_free(&d);
			run_free(&r);
		}
		free(in);
	}
}

/* Run the shell command CMD; its output. */
static unsigned char *run_sh(const char *cmd, size_t *len)
{
	size_t cap = 65536, n = 0, k;
	unsigned char *b = malloc(cap);
	FILE *p = popen(cmd, "r");

	assert_non_null(b);
	assert_non_null(p);
	while ((k = fread(b + n, 1, cap - n, p)) > 0) {
		n += k;
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap);
			assert_non_null(b);
		}
	}
	assert_int_equal(pclose(p), 0);
	*len = n;
	return b;
}

/* The same bytes as xxd -r -p, and as xxd -r writing into a pipe. */
static void test_against_xxd(void **state)
{
	static const struct {
		const char *dump, *ref, *mm;
	} cases[] = {
		{ "xxd -p", "xxd -r -p", "-f plain" },
		{ "xxd -p -c 0", "xxd -r -p", "-f plain" },
		{ "xxd -p -c 5 -u", "xxd -r -p", "-f plain" },
		{ "xxd", "xxd -r", "-f xxd" },
		{ "xxd", "xxd -r", "" },
		{ "xxd -g 1 -u", "xxd -r", "-f xxd" },
		{ "xxd -c 33", "xxd -r -c 33", "-f xxd" },
		{ "xxd -a", "xxd -r", "-f xxd" },
		{ "xxd -s 100", "xxd -r", "-f xxd" },
		{ "xxd -o 4096", "xxd -r", "-f xxd" },
		{ "xxd -s 1000 -l 100 -c 7 -g 3", "xxd -r -c 7", "-f xxd" },
	};
	const char *in = tmp_path("live.bin"), *dump = tmp_path("live.dump");
	unsigned char *data = make_input(1577);
	size_t i;

	(void)state;
	if (!have_program("xxd")) {
		print_message("SKIPPED: xxd not installed\n");
		free(data);
		skip();
	}
	write_file(in, data, 1577);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[512], what[256];
		unsigned char *want;
		size_t wlen, dlen;
		struct run r;
		unsigned char *d;

		snprintf(cmd, sizeof(cmd), "%s '%s' > '%s' && %s '%s' | cat",
			 cases[i].dump, in, dump, cases[i].ref, dump);
		want = run_sh(cmd, &wlen);
		d = read_file(dump, &dlen);
		snprintf(cmd, sizeof(cmd), "hexdump -r %s", cases[i].mm);
		run_words(&r, cmd, NULL, d, dlen);
		snprintf(what, sizeof(what), "%s | mmtool hexdump -r %s "
			 "(ref: %s)", cases[i].dump, cases[i].mm,
			 cases[i].ref);
		assert_bytes(what, &r, want, wlen);
		run_free(&r);
		free(want);
		free(d);
	}
	free(data);
}

/* Gaps, '*', final offsets and nothing at all. */
static void test_gaps_and_repeats(void **state)
{
	static const char gap[] = "00000004: 4142  AB\n00000008: 43  C\n";
	static const char canon[] =
		"00000000  41 42 41 42 41 42 41 42  41 42 41 42 41 42 41 42  "
		"|ABABABABABABABAB|\n*\n00000030  43  |C|\n00000031\n";
	static const char fin[] = "00000000  41  |A|\n*\n00000010\n";
	static const char xxda[] = "00000000: 0000 0000 0000 0000 0000 "
		"0000 0000 0000  ................\n*\n00000040: 0000 0000 0000 "
		"0000 0000 0000 0000 0000  ................\n";
	unsigned char want[128];
	struct run r;

	(void)state;
	run_words(&r, "hexdump -r -f xxd", NULL, gap, strlen(gap));
	assert_bytes("gap", &r, (const unsigned char *)"\0\0\0\0AB\0\0C", 9);
	run_free(&r);
	run_words(&r, "hexdump -r", NULL, canon, strlen(canon));
	for (size_t i = 0; i < 48; i++)
		want[i] = i % 2 ? 'B' : 'A';
	want[48] = 'C';
	assert_bytes("'*' repeats the line above", &r, want, 49);
	run_free(&r);
	run_words(&r, "hexdump -r", NULL, fin, strlen(fin));
	memset(want, 'A', 16);
	assert_bytes("'*' up to the final offset", &r, want, 16);
	run_free(&r);
	run_words(&r, "hexdump -r -f xxd", NULL, xxda, strlen(xxda));
	memset(want, 0, 80);
	assert_bytes("xxd -a's '*'", &r, want, 80);
	run_free(&r);
	run_words(&r, "hexdump -r", NULL, "", 0);
	assert_bytes("nothing", &r, want, 0);
	run_free(&r);
	run_words(&r, "hexdump -r -f plain", NULL, " \n\t\r\n", 5);
	assert_bytes("blanks", &r, want, 0);
	run_free(&r);
}

/* A bad line: status 2, "DUMP:LINE: what", nothing written. */
static void refused_dump(const char *args, const char *dump,
			 const char *text)
{
	struct run r;

	run_words(&r, args, NULL, dump, strlen(dump));
	if (r.status != 2)
		print_error("%s on [%s]: status %d\n", args, dump, r.status);
	assert_refused(&r, 2);
	assert_err_contains(&r, text);
	run_free(&r);
}

static void test_bad_lines(void **state)
{
	const char *path = tmp_path("bad.dump");
	struct run r;

	(void)state;
	refused_dump("hexdump -r -f xxd",
		     "00000000: 4142  AB\nnot a dump line\n",
		     "standard input:2: not a dump line");
	refused_dump("hexdump -r",
		     "00000010: 4142  AB\n00000000: 4344  CD\n",
		     "standard input:2: offset 0x0 goes back");
	refused_dump("hexdump -r -f plain", "4142\n41zz\n",
		     "standard input:2: not a hex digit");
	refused_dump("hexdump -r -f plain", "0x41\n",
		     "standard input:1: 'x' in a plain dump (hex digits and "
		     "blanks only, no 0x) (column 2)");
	refused_dump("hexdump -r -f plain", "41\n4\n\n",
		     "standard input:2: half a byte at the end");
	refused_dump("hexdump -r", "-00000000  41  |A|\n",
		     "standard input:1: a line of a guarded dump");
	refused_dump("hexdump -r", "*\n", "'*' with no dump line above");
	refused_dump("hexdump -r", "7f454c46\n", "bare hex");
	/* xxd -b and xxd -e dumps read without the option. */
	refused_dump("hexdump -r -f xxd",
		     "00000000: 01100001 01100010 01100011 01100100 01100101 "
		     "01100110  abcdef\n", "use -b");
	refused_dump("hexdump -r -f xxd",
		     "00000000: 64636261 68676665 6c6b6a69 706f6e6d  "
		     "abcdefghijklmnop\n", "use -e");
	/* Binary digits that are not bits, and decimal offsets with hex. */
	refused_dump("hexdump -r -f xxd -b", "00000000: 0120  ..\n",
		     "invalid binary digit");
	refused_dump("hexdump -r -f xxd -d", "0000000a: 41  A\n",
		     "invalid decimal digit");
	refused_dump("hexdump -r -f xxd -e", "00000000  41  |A|\n",
		     "expected ':' after the offset");
	/* The dump's name and line number. */
	write_file(path, "00000000: 41  A\n\n00000001: 4g  .\n", 34);
	run_args(&r, "hexdump", "-r", path, NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "bad.dump:3: invalid hex digit (column 12)");
	run_free(&r);
}

/* The one exception to "nothing written": the bytes of lines before the
 * bad one that have left the output buffer already. */
static void test_bad_line_late(void **state)
{
	const size_t n = 1 << 20;
	char *dump = malloc(n * 2 + 64);
	struct run r;
	size_t i;

	(void)state;
	assert_non_null(dump);
	for (i = 0; i < n; i++)
		memcpy(dump + 2 * i, "ab", 2);
	memcpy(dump + 2 * n, "\nzz\n", 5);
	run_words(&r, "hexdump -r -f plain", NULL, dump, 2 * n + 4);
	assert_int_equal(r.status, 2);
	assert_err_contains(&r, "standard input:2: not a hex digit");
	assert_true(r.out_len > 0 && r.out_len < n);
	for (i = 0; i < r.out_len; i++)
		assert_int_equal((unsigned char)r.out[i], 0xab);
	run_free(&r);
	free(dump);
}

static void refused_args(const char *args, const char *text)
{
	struct run r;

	run_words(&r, args, NULL, "", 0);
	assert_refused(&r, 2);
	assert_err_contains(&r, text);
	run_free(&r);
}

static void test_usage(void **state)
{
	(void)state;
	refused_args("hexdump -r -u", "-u does not apply to -r");
	refused_args("hexdump -r -s 4", "-s does not apply to -r");
	refused_args("hexdump -r -c 4", "-c does not apply to -r");
	refused_args("hexdump -r -f c", "not C source");
	refused_args("hexdump -r -f plain -e", "-e does not apply to -f plain");
	refused_args("hexdump -r -e -b", "-e and -b exclude each other");
	refused_args("hexdump -r --color=always", "--color does not apply");
}

/* Dump FILE with hexdump ARGS into DUMP, then replace the characters at
 * column COL (0-based) of line LINE with REPL. */
static void dump_and_edit(const char *args, const char *file,
			  const char *dump, int line, size_t col,
			  const char *repl)
{
	struct run r;
	char *p;
	int l;

	run_words(&r, args, file, NULL, 0);
	assert_int_equal(r.status, 0);
	p = r.out;
	for (l = 1; l < line; l++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	memcpy(p + col, repl, strlen(repl));
	write_file(dump, r.out, r.out_len);
	run_free(&r);
}

static void test_patch_layouts(void **state)
{
	static const struct {
		const char *dump, *patch;
		int line;
		size_t col;
		const char *repl;
		size_t at;		/* the byte the edit changes */
		unsigned char to;
	} cases[] = {
		/* -e: a group's first pair is its last byte. */
		{ "hexdump -f xxd -e", "patch -e", 2, 10, "ee", 16 + 3, 0xee },
		{ "hexdump -f xxd -e -g 8 -c 12", "patch -e", 1, 10, "ab",
		  7, 0xab },
		/* -b: the third byte of the second line is 2 * 9 digits in. */
		{ "hexdump -f xxd -b", "patch -b", 2, 10 + 18, "11111111",
		  6 + 2, 0xff },
		/* -d: line 2 of -c 10 starts at decimal 10. */
		{ "hexdump -f xxd -d -c 10", "patch -d", 2, 10, "99", 10,
		  0x99 },
		{ "hexdump -f xxd -d -e -c 8", "patch -d -e", 3, 10, "77",
		  16 + 3, 0x77 },
	};
	const char *file = tmp_path("layout.bin");
	const char *dump = tmp_path("layout.dump");
	unsigned char in[64], want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(0x20 + i);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		char args[128];

		write_file(file, in, sizeof(in));
		dump_and_edit(cases[i].dump, file, dump, cases[i].line,
			      cases[i].col, cases[i].repl);
		snprintf(args, sizeof(args), "%s %s", cases[i].patch, file);
		run_words(&r, args, dump, NULL, 0);
		if (r.status != 0)
			print_error("%s | %s: %s\n", cases[i].dump, args,
				    r.err);
		assert_int_equal(r.status, 0);
		run_free(&r);
		memcpy(want, in, sizeof(in));
		want[cases[i].at] = cases[i].to;
		assert_file(file, want, sizeof(want));
	}
}

/* An xxd -b or -e dump given to patch without the option: refused with a
 * hint at the first line that shows it, FILE untouched.  Before, an xxd -b
 * dump was read as hex and refused at line 2 as "offset goes back". */
static void test_patch_hints(void **state)
{
	static const struct {
		const char *dump, *hint;
	} cases[] = {
		{ "hexdump -f xxd -b", "layout.dump:1: this looks like an xxd "
		  "-b dump (bits): use -b" },
		{ "hexdump -f xxd -e", "layout.dump:1: this looks like an xxd "
		  "-e dump (little-endian groups): use -e" },
		{ "hexdump -f xxd -e -g 8", "use -e" },
	};
	const char *file = tmp_path("layout.bin");
	const char *dump = tmp_path("layout.dump");
	unsigned char in[64];
	struct snapshot snap;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)('a' + i % 26);
	write_file(file, in, sizeof(in));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		dump_and_edit(cases[i].dump, file, dump, 1, 0, "0");
		snapshot_take(&snap, file);
		run_args(&r, "patch", file, dump, NULL);
		assert_refused(&r, 2);
		assert_err_contains(&r, cases[i].hint);
		run_free(&r);
		snapshot_assert_same(&snap, file);
		snapshot_free(&snap);
	}
	{
		struct run r;

		run_args(&r, "patch", "-e", "-b", file, dump, NULL);
		assert_refused(&r, 2);
		assert_err_contains(&r, "-e and -b exclude each other");
		run_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_against_xxd),
		cmocka_unit_test(test_gaps_and_repeats),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bad_line_late),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_patch_layouts),
		cmocka_unit_test(test_patch_hints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
