/*
 * test_cli.c - end-to-end tests of mmtool's command line against SPEC.md:
 * the command table, help and usage, option syntax, the number grammar as
 * every command sees it, and the Errors section (exit statuses, one-line
 * messages, closed standard descriptors, /dev/full, closed pipes, file-size
 * limits).
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
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

static const char digits16[] = "0123456789abcdef";

static const char *make_digits(const char *name)
{
	return write_file(tmp_path(name), digits16, 16);
}

/*
 * Run the shell script FMT... with /bin/sh, where "$M" is the mmtool under
 * test, capturing its stdout, stderr and status as run_mmtool does.
 */
static void run_sh(struct run *r, const char *fmt, ...)
{
	char script[4096], tool[4096];
	const char *argv[] = { "-c", script, NULL };
	const char *saved;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(script, sizeof(script), fmt, ap);
	va_end(ap);
	saved = mmtool_path();
	if (saved[0] == '/') {
		snprintf(tool, sizeof(tool), "%s", saved);
	} else {
		char cwd[2048];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		snprintf(tool, sizeof(tool), "%s/%s", cwd, saved);
	}
	assert_int_equal(setenv("M", tool, 1), 0);
	/* run_mmtool runs $MMTOOL: point it at the shell for this call. */
	assert_int_equal(setenv("MMTOOL", "/bin/sh", 1), 0);
	run_mmtool(r, NULL, 0, argv);
	assert_int_equal(setenv("MMTOOL", tool, 1), 0);
}

/* ---- the command table, usage, help -------------------------------- */

static void test_no_command_prints_usage_to_stderr(void **state)
{
	const char *argv[] = { NULL };
	struct run r;

	(void)state;
	run_mmtool(&r, NULL, 0, argv);
	assert_int_equal(r.status, 2);
	assert_int_equal(r.out_len, 0);
	assert_true(strncmp(r.err, "usage: mmtool", 13) == 0);
	run_free(&r);
}

static void test_unknown_command_suggests_nearest(void **state)
{
	static const char *const cases[][2] = {
		{ "peak", "peek" }, { "pokee", "poke" }, { "resise", "resize" },
		{ "hexdmp", "hexdump" }, { "pach", "patch" }, { "fnd", "find" },
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char quoted[64];

		run_args(&r, cases[i][0], "f", "0", NULL);
		assert_refused(&r, 2);
		assert_err_contains(&r, cases[i][0]);
		snprintf(quoted, sizeof(quoted), "'%s'", cases[i][1]);
		assert_err_contains(&r, quoted);
		run_free(&r);
	}
	run_args(&r, "xyzzyplugh", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "xyzzyplugh");
	run_free(&r);
}

static void test_version(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "--version", NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	assert_true(strncmp(r.out, "mmtool ", 7) == 0);
	assert_true(r.out[7] >= '0' && r.out[7] <= '9');
	assert_non_null(strchr(r.out, '\n'));
	assert_int_equal(strchr(r.out, '\n')[1], '\0');
	run_free(&r);
}

/* The summaries after "Commands:" start in one column, two blanks after
 * the longest name ("completion" once pushed its summary one blank off). */
static void assert_commands_line_up(const char *out)
{
	const char *line = strstr(out, "Commands:\n");
	size_t column = 0;

	assert_non_null(line);
	for (line = strchr(line, '\n') + 1; strncmp(line, "  ", 2) == 0;
	     line = strchr(line, '\n') + 1) {
		size_t name = 2 + strcspn(line + 2, " \n");
		size_t summary = name + strspn(line + name, " ");

		if (column == 0)
			column = summary;
		if (summary != column || summary - name < 2)
			fail_msg("summary not in column %zu: %.*s", column,
				 (int)strcspn(line, "\n"), line);
	}
	assert_true(column > 0);
}

static void test_help_overview(void **state)
{
	static const char *const forms[][2] = {
		{ "help", NULL }, { "--help", NULL }, { "-h", NULL },
	};
	static const char *const names[] = {
		"peek", "poke", "resize", "hexdump", "patch", "find", "diff",
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		run_args(&r, forms[i][0], NULL);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.err_len, 0);
		assert_true(strncmp(r.out, "usage: mmtool ", 14) == 0);
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			assert_non_null(strstr(r.out, names[j]));
		assert_commands_line_up(r.out);
		run_free(&r);
	}
}

static void test_help_errors(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "help", "peak", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "'peek'");
	run_free(&r);
	run_args(&r, "help", "peek", "poke", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

/* The synopsis lines of SPEC.md, "Commands". */
static const char *const synopsis[] = {
	"mmtool peek    [-f FMT | -t FIELDS [--json]] [--expect HEX | "
	"--expect VALUES] FILE OFFSET [LENGTH]",
	"mmtool poke    [-s | -t FIELDS | -i INPUT] [--expect HEX] [--grow] "
	"[--no-sync] [-v] FILE OFFSET [DATA...]",
	"mmtool resize  [-c] [--shrink] [-a] [-v] FILE SIZE",
	"mmtool hexdump [-f FMT] [-s OFFSET] [-n LENGTH] [-c COLS] [-g BYTES] "
	"[-u] [-e | -b] [-d] [-o OFF] [-a] [--name NAME] [-C] [-v] "
	"[--color=WHEN] [FILE | -]",
	"mmtool patch   [--dry-run] [-R] [--grow] [--shrink] [-e | -b] [-d] "
	"[--no-sync] [-v] FILE [DUMP | -]",
	"mmtool find    [-s] [-x] [-m MAX] [-o OFFSET] [-n LENGTH] FILE PATTERN",
	"mmtool diff    [-q] [-f FMT] [-c COLS] [-U LINES] [-s OFFSET] "
	"[-n LENGTH] [--color=WHEN] FILE1 FILE2",
	"mmtool completion bash | zsh | fish",
};

/* TEXT's first line with every run of blanks made one space. */
static void first_line_squeezed(const char *text, char *out, size_t size)
{
	size_t n = 0;
	int blank = 0;

	for (; *text != '\0' && *text != '\n' && n + 1 < size; text++) {
		if (*text == ' ' || *text == '\t') {
			blank = 1;
			continue;
		}
		if (blank && n > 0)
			out[n++] = ' ';
		blank = 0;
		out[n++] = *text;
	}
	out[n] = '\0';
}

/* CMD -h, CMD --help and help CMD: the usage on stdout, exit 0, its first
 * line the spec's synopsis. */
static void check_command_help(size_t i)
{
	char name[16], want[512], got[512];
	struct run r;

	sscanf(synopsis[i], "mmtool %15s", name);
	snprintf(got, sizeof(got), "usage: %s", synopsis[i]);
	first_line_squeezed(got, want, sizeof(want));
	for (int form = 0; form < 3; form++) {
		if (form == 0)
			run_args(&r, name, "-h", NULL);
		else if (form == 1)
			run_args(&r, name, "--help", NULL);
		else
			run_args(&r, "help", name, NULL);
		if (r.status != 0 || r.err_len != 0)
			print_error("%s help (form %d): status %d, [%s]\n",
				    name, form, r.status, r.err);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.err_len, 0);
		first_line_squeezed(r.out, got, sizeof(got));
		assert_string_equal(got, want);
		run_free(&r);
	}
}

static void test_help_peek(void **state)
{
	(void)state;
	check_command_help(0);
}

static void test_help_poke(void **state)
{
	(void)state;
	check_command_help(1);
}

static void test_help_resize(void **state)
{
	(void)state;
	check_command_help(2);
}

static void test_help_hexdump(void **state)
{
	(void)state;
	check_command_help(3);
}

static void test_help_patch(void **state)
{
	(void)state;
	check_command_help(4);
}

static void test_help_find(void **state)
{
	(void)state;
	check_command_help(5);
}

static void test_help_diff(void **state)
{
	(void)state;
	check_command_help(6);
}

static void test_help_completion(void **state)
{
	(void)state;
	check_command_help(7);
}

static void test_help_wins_over_bad_operands(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "poke", "-h", "no-such-file", "x", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "usage: mmtool poke", 18) == 0);
	run_free(&r);
}

/* ---- option syntax ------------------------------------------------- */

static void test_dash_dash_ends_options(void **state)
{
	char cwd[2048], tool[4096];
	const char *f = make_digits("dashdash");
	struct run r;

	(void)state;
	run_args(&r, "peek", "--", f, "-4", "4", NULL);
	assert_output(&r, "63646566\n");
	run_free(&r);
	run_args(&r, "peek", "-f", "raw", "--", f, "-2", "2", NULL);
	assert_output(&r, "ef");
	run_free(&r);
	/* A file named like an option. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	if (mmtool_path()[0] != '/') {
		snprintf(tool, sizeof(tool), "%s/%s", cwd, mmtool_path());
		assert_int_equal(setenv("MMTOOL", tool, 1), 0);
	}
	assert_int_equal(chdir(test_tmpdir()), 0);
	write_file("-f", "xyz", 3);
	run_args(&r, "peek", "--", "-f", "1", NULL);
	assert_output(&r, "79\n");
	run_free(&r);
	run_args(&r, "resize", "--", "-f", "+1", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file("-f", "xyz\0", 4);
	unlink("-f");
	assert_int_equal(chdir(cwd), 0);
}

static void test_options_stop_at_first_operand(void **state)
{
	const char *f = make_digits("optstop");
	const char *a1[] = { "peek", f, "0", "-f", NULL };
	const char *a2[] = { "poke", f, "0", "00", "--grow", NULL };
	const char *a3[] = { "resize", f, "20", "-v", NULL };
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	/* "-f" is LENGTH here, "--grow" is DATA, "-v" a third operand. */
	run_mmtool(&r, NULL, 0, a1);
	assert_refused(&r, 2);
	run_free(&r);
	run_mmtool(&r, NULL, 0, a2);
	assert_refused(&r, 2);
	run_free(&r);
	run_mmtool(&r, NULL, 0, a3);
	assert_refused(&r, 2);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

/* Run ARGV on F, assert a refusal naming TEXT, F unchanged. */
static void check_option_error(const char *f, const char *const *argv,
			       const char *text)
{
	struct snapshot s;
	struct run r;
	char cmdprefix[64];

	snapshot_take(&s, f);
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	snprintf(cmdprefix, sizeof(cmdprefix), "mmtool: %s: ", argv[0]);
	assert_true(strncmp(r.err, cmdprefix, strlen(cmdprefix)) == 0);
	assert_err_contains(&r, text);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	run_free(&r);
}

static void test_unknown_options(void **state)
{
	const char *f = make_digits("unknownopt");
	const char *a1[] = { "peek", "-z", f, "0", NULL };
	const char *a2[] = { "poke", "--bogus", f, "0", "00", NULL };
	const char *a3[] = { "resize", "-q", f, "20", NULL };
	const char *a4[] = { "poke", "-vz", f, "0", "00", NULL };
	const char *a5[] = { "poke", "--grow", "-zv", f, "20", "00", NULL };
	const char *a6[] = { "peek", "--expect=30", "--bogus=1", f, "0",
			     NULL };

	(void)state;
	check_option_error(f, a1, "-z");
	check_option_error(f, a2, "--bogus");
	check_option_error(f, a3, "-q");
	check_option_error(f, a4, "-z");
	check_option_error(f, a5, "-z");
	check_option_error(f, a6, "--bogus");
}

static void test_missing_option_argument(void **state)
{
	const char *f = make_digits("missingarg");
	const char *a1[] = { "peek", "-f", NULL };
	const char *a2[] = { "peek", "--expect", NULL };
	const char *a3[] = { "poke", "-t", NULL };
	const char *a4[] = { "poke", "--input", NULL };
	const char *a5[] = { "poke", "--expect", NULL };
	const char *a6[] = { "peek", "--format", NULL };

	(void)state;
	check_option_error(f, a1, "-f");
	check_option_error(f, a2, "--expect");
	check_option_error(f, a3, "-t");
	check_option_error(f, a4, "--input");
	check_option_error(f, a5, "--expect");
	check_option_error(f, a6, "--format");
}

static void test_argument_to_flag_option(void **state)
{
	const char *f = make_digits("flagarg");
	const char *a1[] = { "poke", "--grow=yes", f, "20", "00", NULL };
	const char *a2[] = { "resize", "--shrink=1", f, "1", NULL };
	const char *a3[] = { "peek", "--help=x", f, "0", NULL };
	const char *a4[] = { "poke", "--no-sync=0", f, "0", "00", NULL };

	(void)state;
	check_option_error(f, a1, "--grow");
	check_option_error(f, a2, "--shrink");
	check_option_error(f, a3, "--help");
	check_option_error(f, a4, "--no-sync");
}

static void test_missing_operands(void **state)
{
	const char *f = make_digits("operands");
	const char *a1[] = { "peek", f, NULL };
	const char *a2[] = { "peek", NULL };
	const char *a3[] = { "poke", f, NULL };
	const char *a4[] = { "resize", f, NULL };
	const char *a5[] = { "peek", f, "0", "1", "2", NULL };

	(void)state;
	check_option_error(f, a1, "operand");
	check_option_error(f, a2, "operand");
	check_option_error(f, a3, "operand");
	check_option_error(f, a4, "operand");
	check_option_error(f, a5, "operand");
}

static void test_long_options(void **state)
{
	const char *f = make_digits("longopts");
	struct run r;
	char want[512];

	(void)state;
	run_args(&r, "poke", "--string", "--verbose", "--no-sync", "--grow",
		 f, "16", "Z", NULL);
	snprintf(want, sizeof(want), "%s: 0x10: 00 -> 5a\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "peek", "--type=u8", f, "16", NULL);
	assert_output(&r, "90\n");
	run_free(&r);
	run_args(&r, "peek", "--expect", "5a", f, "-1", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "resize", "--verbose", "--allocate", "--create", f, "20",
		 NULL);
	snprintf(want, sizeof(want), "%s: 17 -> 20\n", f);
	assert_output(&r, want);
	run_free(&r);
}

/* Issue 12: a long option may be abbreviated to an unambiguous prefix, in
 * every command. */
static void test_long_option_prefixes(void **state)
{
	const char *f = make_digits("prefixes");
	struct run r;
	char want[512];

	(void)state;
	run_args(&r, "peek", "--form", "raw", "--", f, "-2", NULL);
	assert_output(&r, "e");
	run_free(&r);
	run_args(&r, "peek", "--ty=u8", f, "1", NULL);
	assert_output(&r, "49\n");
	run_free(&r);
	run_args(&r, "peek", "--exp", "31", f, "1", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "hexdump", "--fo=plain", "--len", "2", "--sk=1", f, NULL);
	assert_output(&r, "3132\n");
	run_free(&r);
	run_args(&r, "hexdump", "--colo=never", "--cols", "2", "-f", "xxd",
		 "-n", "2", f, NULL);
	assert_output(&r, "00000000: 3031  01\n");
	run_free(&r);
	run_args(&r, "find", "--str", "--max=1", "--off", "1", "--le=15", f,
		 "a", NULL);
	assert_output(&r, "10\n");
	run_free(&r);
	run_args(&r, "poke", "--verb", "--no", "--str", f, "0", "Z", NULL);
	snprintf(want, sizeof(want), "%s: 0x0: 30 -> 5a\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "resize", "--verb", "--shr", f, "8", NULL);
	snprintf(want, sizeof(want), "%s: 16 -> 8\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "patch", "--dry", "--verb", f, "/dev/null", NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	run_args(&r, "peek", "--he", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "usage: mmtool peek", 18) == 0);
	run_free(&r);
}

/* An ambiguous prefix names every option it could be. */
static void test_ambiguous_long_option(void **state)
{
	const char *f = make_digits("ambiguous");
	const char *a1[] = { "hexdump", "--co", f, NULL };
	const char *a2[] = { "hexdump", "--c=2", f, NULL };
	const char *a3[] = { "poke", "--s", f, "0", "x", "y", NULL };

	(void)state;
	check_option_error(f, a1, "option --co is ambiguous: --cols or "
			   "--color");
	check_option_error(f, a2, "option --c is ambiguous: --cols, "
			   "--capitalize or --color");
	/* poke's --s is not ambiguous: --string is its only s option. */
	check_option_error(f, a3, "-s takes exactly one DATA");
}

/* Issue 13, defect 3: an option after an operand says options come
 * before operands, naming it; a negative number stays an operand. */
static void test_option_after_operand(void **state)
{
	const char *f = make_digits("afteroperand");
	const char *a1[] = { "hexdump", f, "-n", "16", NULL };
	const char *a2[] = { "hexdump", f, "--color", "always", NULL };
	const char *a3[] = { "poke", f, "0", "-v", "7f", NULL };
	const char *a4[] = { "peek", f, "0", "--format=raw", NULL };
	const char *a5[] = { "resize", f, "-v", "20", NULL };
	const char *a6[] = { "find", f, "30", "-m", "1", NULL };
	const char *a7[] = { "patch", f, "--dry-run", NULL };
	const char *a8[] = { "hexdump", "--color", "always", f, NULL };
	const char *a9[] = { "poke", f, "0", "--bogus", NULL };
	struct run r;

	(void)state;
	check_option_error(f, a1, "option -n after operand");
	check_option_error(f, a1, "options come before operands");
	check_option_error(f, a2, "option --color after operand");
	check_option_error(f, a3, "option -v after operand");
	check_option_error(f, a4, "option --format after operand");
	check_option_error(f, a5, "option -v after operand");
	check_option_error(f, a6, "option -m after operand");
	check_option_error(f, a7, "option --dry-run after operand");
	check_option_error(f, a8, "--color=always");
	check_option_error(f, a9, "option --bogus after operand");
	/* Operands that only look like options. */
	run_args(&r, "peek", f, "-4", "4", NULL);
	assert_output(&r, "63646566\n");
	run_free(&r);
	run_args(&r, "poke", "-t", "i8", f, "-2", "-1", "-2", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", f, "-2", NULL);
	assert_output(&r, "ff\n");
	run_free(&r);
	run_args(&r, "poke", f, "-4", "aa", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "poke", "-s", "--", f, "0", "-v", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "-f", "raw", f, "0", "2", NULL);
	assert_output(&r, "-v");
	run_free(&r);
}

/* Issue 13, defect 2: help and version in every spelling. */
static void test_help_and_version_forms(void **state)
{
	static const char *const help_forms[][3] = {
		{ "help", "--help", NULL }, { "help", "-h", NULL },
		{ "help", "help", NULL }, { "help", "--he", NULL },
	};
	static const char *const version_forms[] = {
		"-V", "--version", "--vers", "--v",
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(help_forms) / sizeof(help_forms[0]);
	     i++) {
		run_mmtool(&r, NULL, 0, (const char *const *)help_forms[i]);
		if (r.status != 0)
			print_error("help %s: %s", help_forms[i][1], r.err);
		assert_int_equal(r.status, 0);
		assert_int_equal(r.err_len, 0);
		assert_true(strncmp(r.out, "usage: mmtool help [COMMAND]",
				    28) == 0);
		run_free(&r);
	}
	for (size_t i = 0; i < sizeof(version_forms) /
	     sizeof(version_forms[0]); i++) {
		run_args(&r, version_forms[i], NULL);
		assert_int_equal(r.status, 0);
		assert_true(strncmp(r.out, "mmtool ", 7) == 0);
		run_free(&r);
	}
	/* --help COMMAND is help COMMAND; an operand that is no command,
	 * or any operand after --version, is an error. */
	run_args(&r, "--help", "peek", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "usage: mmtool peek", 18) == 0);
	run_free(&r);
	run_args(&r, "-h", "resize", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "usage: mmtool resize", 20) == 0);
	run_free(&r);
	run_args(&r, "--help", "extra", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "'extra'");
	run_free(&r);
	run_args(&r, "--version", "extra", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "'extra'");
	run_free(&r);
	run_args(&r, "-V", "-h", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	run_args(&r, "--bogus", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "--bogus");
	run_free(&r);
	run_args(&r, "help", "peek", "-x", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

/* Issue 13, defect 5: counts agree in number. */
static void test_counts_agree_in_number(void **state)
{
	const char *one = write_file(tmp_path("count1"), "A", 1);
	const char *two = write_file(tmp_path("count2"), "AB", 2);
	struct run r;

	(void)state;
	run_args(&r, "peek", one, "1", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "(1 byte)");
	run_free(&r);
	run_args(&r, "peek", one, "-2", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "(1 byte)");
	run_free(&r);
	run_args(&r, "resize", two, "1", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "would discard 1 byte (");
	run_free(&r);
	run_args(&r, "resize", two, "0", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "would discard 2 bytes (");
	run_free(&r);
	run_args(&r, "peek", "--expect", "41", two, "0", "2", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "the 1 byte of --expect");
	run_free(&r);
	run_args(&r, "poke", one, "1", "00", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "(1 byte)");
	run_free(&r);
}

/* Issue 13, defect 6: poke -v shows at most 32 bytes of each side. */
static void test_poke_verbose_is_short(void **state)
{
	static unsigned char zeros[4096];
	char want[512], data[2 * 33 + 1], hex32[2 * 32 + 1];
	const char *f = write_file(tmp_path("pokev"), zeros, sizeof(zeros));
	const char *in;
	static unsigned char big[100000];
	struct run r;

	(void)state;
	memset(data, 'a', 66);
	data[66] = '\0';
	memset(hex32, 'a', 64);
	hex32[64] = '\0';
	run_args(&r, "poke", "-v", f, "0", data, NULL);
	snprintf(want, sizeof(want), "%s: 0x0: %064d... (33 bytes) -> %s... "
		 "(33 bytes)\n", f, 0, hex32);
	assert_output(&r, want);
	run_free(&r);
	/* 32 bytes: whole, nothing added. */
	run_args(&r, "poke", "-v", f, "100", hex32, NULL);
	snprintf(want, sizeof(want), "%s: 0x64: %064d -> %s\n", f, 0, hex32);
	assert_output(&r, want);
	run_free(&r);
	/* A 100000-byte input: one short line. */
	memset(big, 0xab, sizeof(big));
	in = write_file(tmp_path("pokev.in"), big, sizeof(big));
	write_file(tmp_path("pokev2"), big, 0);
	run_args(&r, "poke", "--grow", "-v", "-i", in, tmp_path("pokev2"), "0",
		 NULL);
	assert_int_equal(r.status, 0);
	assert_true(r.out_len < 300);
	assert_err_contains(&r, "");
	assert_non_null(strstr(r.out, "... (100000 bytes) -> abababab"));
	run_free(&r);
}

/* ---- numbers ------------------------------------------------------- */

/* peek OFF [LEN] on a 4000-byte file of known bytes, expecting the bytes
 * from WANT_OFF, WANT_LEN of them. */
static void check_number(const char *off, const char *len, size_t want_off,
			 size_t want_len)
{
	static unsigned char data[4000];
	const char *f;
	struct run r;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i % 251);
	f = write_file(tmp_path("numbers"), data, sizeof(data));
	if (len != NULL)
		run_args(&r, "peek", "-f", "raw", f, off, len, NULL);
	else
		run_args(&r, "peek", "-f", "raw", f, off, NULL);
	if (r.status != 0 || r.out_len != want_len)
		print_error("peek %s %s: status %d, %zu bytes, [%s]\n", off,
			    len ? len : "", r.status, r.out_len, r.err);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len, want_len);
	assert_memory_equal(r.out, data + want_off, want_len);
	run_free(&r);
}

static void test_numbers_decimal_hex_units(void **state)
{
	(void)state;
	check_number("0x10", "1", 16, 1);
	check_number("0X10", "0x2", 16, 2);
	check_number("010", NULL, 10, 1);	/* a leading zero is decimal */
	check_number("0x1B", NULL, 27, 1);	/* B is a digit, not a unit */
	check_number("+1", "+3", 1, 3);
	check_number("0", "1K", 0, 1024);
	check_number("0", "1KiB", 0, 1024);
	check_number("0", "1KB", 0, 1000);
	check_number("2K", "0x10", 2048, 16);
	check_number("-1KB", "1000", 3000, 1000);
	check_number("-0x10", "16", 3984, 16);
	check_number("-0", "0", 4000, 0);
	check_number("000000000000000000000000000001", "2", 1, 2);
}

static void test_numbers_large_units(void **state)
{
	const char *f = make_digits("bigunits");
	static const char *const valid[] = {
		"1M", "1G", "1T", "1P", "1E", "7E", "1MiB", "1EiB", "1MB",
		"1EB", "9223372036854775807", "0x7fffffffffffffff",
	};

	(void)state;
	/* Valid numbers: the refusal is about the range, not the text. */
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const char *argv[] = { "peek", f, valid[i], NULL };
		struct run r;

		run_mmtool(&r, NULL, 0, argv);
		assert_refused(&r, 2);
		if (strstr(r.err, "invalid") != NULL)
			print_error("%s: %s", valid[i], r.err);
		assert_null(strstr(r.err, "invalid"));
		assert_err_contains(&r, "16");
		run_free(&r);
	}
}

static void test_numbers_invalid(void **state)
{
	static const char *const bad[] = {
		"8E", "9E", "8EiB", "9223372036854775808", "0x8000000000000000",
		"18446744073709551616", "9300PB", "1k2", "1kb", "12 ",
		" 1", "1 K", "", "+", "-", "--1", "+-1", "0x", "0x1K", "0x1KiB",
		"1.5", "1e3", "1KK", "1Ki", "K", "0b101", "one", "1_000",
	};
	const char *f = make_digits("badnumbers");
	struct snapshot s;

	(void)state;
	snapshot_take(&s, f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *as_off[] = { "peek", f, bad[i], NULL };
		const char *as_len[] = { "peek", f, "0", bad[i], NULL };
		const char *as_poke[] = { "poke", f, bad[i], "00", NULL };
		const char *const *runs[] = { as_off, as_len, as_poke };
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		for (size_t j = 0; j < 3; j++) {
			struct run r;

			run_mmtool(&r, NULL, 0, runs[j]);
			/* An error naming the text. */
			assert_refused(&r, 2);
			assert_err_contains(&r, quoted);
			run_free(&r);
		}
	}
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_numbers_negative_length_and_offset(void **state)
{
	const char *f = make_digits("negnumbers");
	const char *a1[] = { "peek", f, "0", "-1", NULL };
	const char *a2[] = { "peek", f, "0", "-0", NULL };
	const char *a3[] = { "peek", f, "-17", NULL };
	const char *a4[] = { "peek", f, "-1K", NULL };
	const char *a5[] = { "poke", f, "-17", "00", NULL };
	const char *a6[] = { "resize", f, "-1", NULL };

	(void)state;
	/* A negative LENGTH is an error naming the text. */
	check_option_error(f, a1, "'-1'");
	check_option_error(f, a2, "'-0'");
	/* A negative offset reaching before byte 0. */
	check_option_error(f, a3, "-17");
	check_option_error(f, a4, "-1K");
	check_option_error(f, a5, "-17");
	/* resize's -N shrinks; refused without --shrink. */
	check_option_error(f, a6, "1");
}

/* ---- errors -------------------------------------------------------- */

static void test_error_lines_name_command_and_file(void **state)
{
	const char *f = tmp_path("no-such");
	static const char *const cmds[] = { "peek", "poke", "resize" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		const char *argv[] = { cmds[i], f, "1", "00", NULL };
		char want[1024];
		struct run r;

		if (i != 1)
			argv[3] = NULL;
		run_mmtool(&r, NULL, 0, argv);
		assert_refused(&r, 2);
		snprintf(want, sizeof(want), "mmtool: %s: ", cmds[i]);
		assert_true(strncmp(r.err, want, strlen(want)) == 0);
		snprintf(want, sizeof(want), "%s: %s", f, strerror(ENOENT));
		assert_err_contains(&r, want);
		run_free(&r);
	}
}

static void test_dev_full_is_an_error(void **state)
{
	const char *f = make_digits("devfull");
	static const char *const scripts[] = {
		"\"$M\" peek '%s' 0 16 >/dev/full",
		"\"$M\" peek -f raw '%s' 0 16 >/dev/full",
		"\"$M\" peek -t u8 '%s' 0 4 >/dev/full",
		"\"$M\" peek -f xxd '%s' 0 16 >/dev/full",
		"\"$M\" --version >/dev/full",
		"\"$M\" help >/dev/full",
		"\"$M\" peek --help >/dev/full",
		"\"$M\" help resize >/dev/full",
	};
	struct run r;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		run_sh(&r, scripts[i], f);
		if (r.status != 2)
			print_error("%s: status %d\n", scripts[i], r.status);
		assert_refused(&r, 2);
		assert_err_contains(&r, strerror(ENOSPC));
		run_free(&r);
	}
}

static void test_dev_full_leaves_file_unchanged(void **state)
{
	const char *f = make_digits("devfull2");
	struct run r;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	/* A failed command leaves the file as it was: -v that cannot be
	 * printed fails the command, so nothing is written. */
	run_sh(&r, "\"$M\" poke -v '%s' 0 4142 >/dev/full", f);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, digits16, 16);
	run_sh(&r, "\"$M\" poke -v --grow '%s' 20 4142 >/dev/full", f);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, digits16, 16);
	run_sh(&r, "\"$M\" resize -v '%s' 1M >/dev/full", f);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, digits16, 16);
	run_sh(&r, "\"$M\" resize -v --shrink '%s' 4 >/dev/full", f);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, digits16, 16);
}

static void test_closed_pipe_ends_quietly(void **state)
{
	unsigned char *data = malloc(1 << 20);
	const char *f;
	struct run r;

	(void)state;
	assert_non_null(data);
	fill_random(data, 1 << 20, 9);
	f = write_file(tmp_path("bigpipe"), data, 1 << 20);
	free(data);
	run_sh(&r, "{ \"$M\" peek '%s' 0 1M; echo \"status=$?\" >&2; } | "
	       "dd bs=2 count=1 >/dev/null 2>&1", f);
	assert_string_equal(r.err, "status=0\n");
	run_free(&r);
	run_sh(&r, "{ \"$M\" peek -f raw '%s' 0 1M; echo \"status=$?\" >&2; } "
	       "| dd bs=2 count=1 >/dev/null 2>&1", f);
	assert_string_equal(r.err, "status=0\n");
	run_free(&r);
}

static void test_closed_stdout_at_start(void **state)
{
	const char *f = make_digits("closedout");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_sh(&r, "\"$M\" peek '%s' 0 4 >&-", f);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	/* poke -v with stdout closed: the line must not land in the file
	 * that poke opens (which would otherwise become descriptor 1). */
	run_sh(&r, "\"$M\" poke -v '%s' 0 41 >&-", f);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(f, "A123456789abcdef", 16);
	run_sh(&r, "\"$M\" resize -v '%s' 20 >&-", f);
	assert_int_equal(r.status, 0);
	run_free(&r);
	assert_file(f, "A123456789abcdef\0\0\0\0", 20);
}

static void test_closed_stderr_at_start(void **state)
{
	const char *f = make_digits("closederr");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	/* Errors found after the file is open: the message must not be
	 * written into it. */
	run_sh(&r, "\"$M\" poke '%s' 100 00 2>&-", f);
	assert_int_equal(r.status, 2);
	assert_int_equal(r.out_len, 0);
	run_free(&r);
	run_sh(&r, "\"$M\" poke --expect ffff '%s' 0 00 2>&-", f);
	assert_int_equal(r.status, 1);
	run_free(&r);
	run_sh(&r, "\"$M\" resize '%s' 1 2>&-", f);
	assert_int_equal(r.status, 2);
	run_free(&r);
	run_sh(&r, "\"$M\" peek '%s' 10 10 2>&-", f);
	assert_int_equal(r.status, 2);
	assert_int_equal(r.out_len, 0);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_closed_stdin_at_start(void **state)
{
	const char *f = make_digits("closedin");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	/* Standard input reads as empty: zero bytes of data, refused. */
	run_sh(&r, "\"$M\" poke -i - '%s' 0 <&-", f);
	assert_refused(&r, 2);
	run_free(&r);
	run_sh(&r, "\"$M\" peek '%s' 0 4 <&- >&- 2>&-", f);
	assert_int_equal(r.status, 0);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_file_size_limit_is_efbig(void **state)
{
	const char *f = make_digits("fsizelimit");
	struct snapshot s;
	struct stat st;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	/* SIGXFSZ is ignored: the limit is an EFBIG error, not a kill. */
	run_sh(&r, "ulimit -f 1 && exec \"$M\" resize '%s' 1M", f);
	assert_refused(&r, 2);
	assert_err_contains(&r, strerror(EFBIG));
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	/* posix_fallocate updates the mtime even when it fails, so only the
	 * bytes and the size are compared after -a and --grow. */
	run_sh(&r, "ulimit -f 1 && exec \"$M\" resize -a '%s' 1M", f);
	assert_refused(&r, 2);
	assert_err_contains(&r, strerror(EFBIG));
	run_free(&r);
	assert_file(f, digits16, 16);
	run_sh(&r, "ulimit -f 1 && exec \"$M\" poke --grow '%s' 1M 00", f);
	assert_refused(&r, 2);
	assert_err_contains(&r, strerror(EFBIG));
	run_free(&r);
	assert_file(f, digits16, 16);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_command_prints_usage_to_stderr),
		cmocka_unit_test(test_unknown_command_suggests_nearest),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_help_overview),
		cmocka_unit_test(test_help_errors),
		cmocka_unit_test(test_help_peek),
		cmocka_unit_test(test_help_poke),
		cmocka_unit_test(test_help_resize),
		cmocka_unit_test(test_help_hexdump),
		cmocka_unit_test(test_help_patch),
		cmocka_unit_test(test_help_find),
		cmocka_unit_test(test_help_diff),
		cmocka_unit_test(test_help_completion),
		cmocka_unit_test(test_help_wins_over_bad_operands),
		cmocka_unit_test(test_dash_dash_ends_options),
		cmocka_unit_test(test_options_stop_at_first_operand),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_missing_option_argument),
		cmocka_unit_test(test_argument_to_flag_option),
		cmocka_unit_test(test_missing_operands),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_numbers_decimal_hex_units),
		cmocka_unit_test(test_numbers_large_units),
		cmocka_unit_test(test_long_option_prefixes),
		cmocka_unit_test(test_ambiguous_long_option),
		cmocka_unit_test(test_option_after_operand),
		cmocka_unit_test(test_help_and_version_forms),
		cmocka_unit_test(test_counts_agree_in_number),
		cmocka_unit_test(test_poke_verbose_is_short),
		cmocka_unit_test(test_numbers_invalid),
		cmocka_unit_test(test_numbers_negative_length_and_offset),
		cmocka_unit_test(test_error_lines_name_command_and_file),
		cmocka_unit_test(test_dev_full_is_an_error),
		cmocka_unit_test(test_dev_full_leaves_file_unchanged),
		cmocka_unit_test(test_closed_pipe_ends_quietly),
		cmocka_unit_test(test_closed_stdout_at_start),
		cmocka_unit_test(test_closed_stderr_at_start),
		cmocka_unit_test(test_closed_stdin_at_start),
		cmocka_unit_test(test_file_size_limit_is_efbig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
