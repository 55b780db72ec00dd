/*
 * test_completion.c - `mmtool completion bash|zsh|fish` run in the real
 * shells.  bash: the script is sourced and its function called with
 * COMP_WORDS/COMP_CWORD as bash's completion would set them.  zsh: an
 * interactive zsh on a zsh/zpty pseudo-terminal types the line and a TAB
 * (tests/zsh_complete.zsh).  fish: `complete -C LINE`.  Each shell is
 * asked the same questions; zsh and fish are skipped, saying so, where
 * they are not installed (CI installs both).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "testutil.h"

enum shell { BASH, ZSH, FISH };

static const char *const shell_name[] = { "bash", "zsh", "fish" };

/* ARG in single quotes for sh. */
static void quote(char *out, size_t size, const char *arg)
{
	size_t n = 0;

	out[n++] = '\'';
	for (; *arg != '\0' && n + 5 < size; arg++) {
		if (*arg == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *arg;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

/* Write `mmtool completion SHELL` to PATH. */
static void write_script(enum shell sh, const char *path)
{
	char cmd[8192], tool[4096];
	int status;
	char *out;

	quote(tool, sizeof(tool), mmtool_path());
	snprintf(cmd, sizeof(cmd), "%s completion %s > '%s'", tool,
		 shell_name[sh], path);
	out = shell_output(cmd, 1, &status);
	assert_string_equal(out, "");
	assert_int_equal(status, 0);
	free(out);
}

static int have_shell(enum shell sh)
{
	if (have_program(shell_name[sh]))
		return 1;
	print_message("skipped: %s is not installed\n", shell_name[sh]);
	return 0;
}

/*
 * What SH offers for LINE, where LINE is what the user typed before TAB
 * ("mmtool peek -"): the candidates, one per line, sorted.  For bash,
 * WORDS is LINE as COMP_WORDS (the last word the one completed), since
 * bash splits "--color=" into "--color" "=" "".
 */
static char *complete(enum shell sh, const char *line,
		      const char *const *words)
{
	static char dir[4096];
	char cmd[16384], q[4096], *out;
	int status;

	snprintf(dir, sizeof(dir), "%s/completion", test_tmpdir());
	mkdir(dir, 0755);
	switch (sh) {
	case BASH: {
		char script[4200], list[8192] = "";
		size_t n = 0, at = 0;

		snprintf(script, sizeof(script), "%s/mmtool.bash", dir);
		write_script(BASH, script);
		for (; words[n] != NULL; n++) {
			quote(q, sizeof(q), words[n]);
			at += (size_t)snprintf(list + at, sizeof(list) - at,
					       " %s", q);
		}
		snprintf(cmd, sizeof(cmd), "bash --norc --noprofile -c "
			 "'. \"$0\"; COMP_WORDS=(\"$@\"); "
			 "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mmtool; "
			 "printf \"%%s\\n\" \"${COMPREPLY[@]}\"' '%s'%s "
			 "| grep -v '^$' | sort -u", script, list);
		break;
	}
	case ZSH: {
		char fn[4200];

		snprintf(fn, sizeof(fn), "%s/_mmtool", dir);
		write_script(ZSH, fn);
		quote(q, sizeof(q), line);
		snprintf(cmd, sizeof(cmd), "zsh -f '%s/zsh_complete.zsh' '%s' "
			 "%s", tests_dir(), dir, q);
		break;
	}
	case FISH: {
		char script[4200];

		snprintf(script, sizeof(script), "%s/mmtool.fish", dir);
		write_script(FISH, script);
		quote(q, sizeof(q), line);
		snprintf(cmd, sizeof(cmd), "fish --no-config -c \"source '%s'; "
			 "complete -C \\$argv[1]\" %s | cut -f1 | sort -u",
			 script, q);
		break;
	}
	}
	out = shell_output(cmd, 0, &status);
	if (status == 77) {
		print_message("skipped: %s has no zsh/zpty module\n",
			      shell_name[sh]);
		free(out);
		skip();
	}
	if (status != 0)
		print_error("%s: [%s] exit status %d\n", shell_name[sh], line,
			    status);
	assert_int_equal(status, 0);
	return out;
}

/* Assert that SH offers for LINE exactly WANT (sorted, one a line). */
static void offers(enum shell sh, const char *line, const char *const *words,
		   const char *want)
{
	char *got = complete(sh, line, words);

	if (strcmp(got, want) != 0)
		print_error("%s: [%s] offered\n%s--- want ---\n%s", shell_name[sh],
			    line, got, want);
	assert_string_equal(got, want);
	free(got);
}

/* Assert that every line of WANT is among what SH offers for LINE, and
 * that everything offered starts with PREFIX. */
static void offers_all(enum shell sh, const char *line,
		       const char *const *words, const char *want,
		       const char *prefix)
{
	char *got = complete(sh, line, words), *copy = strdup(want), *save;
	char *lines = malloc(strlen(got) + 2);

	assert_non_null(copy);
	assert_non_null(lines);
	sprintf(lines, "\n%s", got);
	for (char *w = strtok_r(copy, "\n", &save); w != NULL;
	     w = strtok_r(NULL, "\n", &save)) {
		char needle[256];

		snprintf(needle, sizeof(needle), "\n%s\n", w);
		if (strstr(lines, needle) == NULL) {
			print_error("%s: [%s] lacks [%s]:\n%s", shell_name[sh],
				    line, w, got);
			fail();
		}
	}
	for (char *p = got; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, prefix, strlen(prefix)) != 0) {
			print_error("%s: [%s] offers [%.*s]\n", shell_name[sh],
				    line, (int)strcspn(p, "\n"), p);
			fail();
		}
		if (strchr(p, '\n') == NULL)
			break;
	}
	free(lines);
	free(copy);
	free(got);
}

static void check_commands(enum shell sh)
{
	static const char *const w1[] = { "mmtool", "he", NULL };
	static const char *const w2[] = { "mmtool", "pe", NULL };
	static const char *const w3[] = { "mmtool", "completion", "", NULL };
	static const char *const w4[] = { "mmtool", "help", "re", NULL };

	offers(sh, "mmtool he", w1, "hexdump\n");
	offers(sh, "mmtool pe", w2, "peek\n");
	offers(sh, "mmtool completion ", w3, "bash\nfish\nzsh\n");
	offers(sh, "mmtool help re", w4, "resize\n");
}

static void check_values(enum shell sh)
{
	static const char *const w1[] = { "mmtool", "hexdump", "-f", "", NULL };
	static const char *const w2[] = { "mmtool", "peek", "-t", "u3", NULL };
	static const char *const w3[] = { "mmtool", "hexdump", "--color", "=",
					  "", NULL };
	static const char *const w4[] = { "mmtool", "peek", "--format", "r",
					  NULL };
	static const char *const w5[] = { "mmtool", "poke", "--type", "i1",
					  NULL };

	offers(sh, "mmtool hexdump -f ", w1, "c\ncanonical\nplain\nxxd\n");
	offers(sh, "mmtool peek -t u3", w2, "u32\nu32be\nu32le\n");
	offers(sh, "mmtool hexdump --color=", w3,
	       sh == FISH ? "--color=always\n--color=auto\n--color=never\n"
			  : "always\nauto\nnever\n");
	offers(sh, "mmtool peek --format r", w4, "raw\n");
	offers(sh, "mmtool poke --type i1", w5, "i16\ni16be\ni16le\n");
}

static void check_options(enum shell sh)
{
	static const char *const w1[] = { "mmtool", "peek", "-", NULL };
	static const char *const w2[] = { "mmtool", "peek", "-f", "raw", "-",
					  NULL };
	static const char *const w3[] = { "mmtool", "resize", "--", NULL };
	/* bash offers "--format=" (no space after it); zsh and fish the
	 * name. */
	const char *peek = sh == BASH ?
		"-f\n--format=\n-t\n--type=\n--expect=\n-h\n--help\n" :
		"-f\n--format\n-t\n--type\n--expect\n-h\n--help\n";

	offers_all(sh, "mmtool peek -", w1, peek, "-");
	/* zsh leaves out an option already given. */
	offers_all(sh, "mmtool peek -f raw -", w2, strstr(peek, "-t\n"), "-");
	offers_all(sh, "mmtool resize --", w3,
		   "--create\n--shrink\n--allocate\n--verbose\n--help\n", "--");
}

/* Options come before operands: after one, none is offered; operands
 * and -i complete to file names. */
static void check_operands(enum shell sh)
{
	char dir[4096], file[4200], line[8400], want[4300];
	const char *w1[] = { "mmtool", "peek", NULL, "-", NULL };
	const char *w2[] = { "mmtool", "peek", NULL, NULL };
	const char *w3[] = { "mmtool", "poke", "-i", NULL, NULL };

	snprintf(dir, sizeof(dir), "%s/ops", test_tmpdir());
	mkdir(dir, 0755);
	snprintf(file, sizeof(file), "%s/sample.bin", dir);
	write_file(file, "x", 1);
	w1[2] = file;
	snprintf(line, sizeof(line), "mmtool peek %s -", file);
	offers(sh, line, w1, "");
	snprintf(line, sizeof(line), "%s/sam", dir);
	w2[2] = line;
	w3[3] = line;
	snprintf(want, sizeof(want), "%s\n", file);
	{
		char typed[8500];

		snprintf(typed, sizeof(typed), "mmtool peek %s", line);
		offers(sh, typed, w2, sh == ZSH ? "sample.bin\n" : want);
		snprintf(typed, sizeof(typed), "mmtool poke -i %s", line);
		offers(sh, typed, w3, sh == ZSH ? "sample.bin\n" : want);
	}
}

static void test_bash(void **state)
{
	(void)state;
	check_commands(BASH);
	check_values(BASH);
	check_options(BASH);
	check_operands(BASH);
}

static void test_zsh(void **state)
{
	(void)state;
	if (!have_shell(ZSH))
		skip();
	check_commands(ZSH);
	check_values(ZSH);
	check_options(ZSH);
	check_operands(ZSH);
}

static void test_fish(void **state)
{
	(void)state;
	if (!have_shell(FISH))
		skip();
	check_commands(FISH);
	check_values(FISH);
	check_options(FISH);
	check_operands(FISH);
}

static void test_bad_shell(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "completion", "tcsh", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "unknown shell 'tcsh'");
	run_free(&r);
	run_args(&r, "completion", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "missing operand");
	run_free(&r);
	run_args(&r, "completion", "bash", "zsh", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

/*
 * The options of every command's --help, and bash's completions of
 * "mmtool CMD -", are the same set: both come from the one table, so a
 * new option can not be missing from either.
 */
static void test_every_option_completes(void **state)
{
	char tool[4096], cmd[8192];
	char *overview, *save = NULL;

	(void)state;
	quote(tool, sizeof(tool), mmtool_path());
	snprintf(cmd, sizeof(cmd), "%s --help | sed -n 's/^  \\([a-z]*\\) .*/\\1/p'",
		 tool);
	overview = shell_output(cmd, 0, NULL);
	assert_non_null(strstr(overview, "completion\n"));
	for (char *name = strtok_r(overview, "\n", &save); name != NULL;
	     name = strtok_r(NULL, "\n", &save)) {
		const char *words[] = { "mmtool", name, "-", NULL };
		char *from_help, *from_bash;

		/* The option names of the help's option lines, sorted. */
		snprintf(cmd, sizeof(cmd), "%s %s --help | grep -E '^ +-' | "
			 "grep -oE '^ +(-[A-Za-z], )?--?[A-Za-z-]+' | "
			 "tr ', ' '\\n\\n' | grep . | sort -u", tool, name);
		from_help = shell_output(cmd, 0, NULL);
		from_bash = complete(BASH, "", words);
		/* bash writes "--format=" for an option with a value. */
		for (char *p = from_bash; (p = strchr(p, '=')) != NULL;)
			memmove(p, p + 1, strlen(p));
		snprintf(cmd, sizeof(cmd), "printf '%%s' '%s' | sort -u",
			 from_bash);
		free(from_bash);
		from_bash = shell_output(cmd, 0, NULL);
		if (strcmp(from_help, from_bash) != 0)
			print_error("%s: --help has\n%s--- bash offers ---\n%s",
				    name, from_help, from_bash);
		assert_true(strlen(from_help) > 0);
		assert_string_equal(from_help, from_bash);
		free(from_help);
		free(from_bash);
	}
	free(overview);
}

/* make install puts the three scripts where the shells look, under
 * PREFIX and DESTDIR, as the program writes them; make uninstall removes
 * them. */
static void test_make_install(void **state)
{
	static const char *const files[][2] = {
		{ "usr/share/bash-completion/completions/mmtool", "bash" },
		{ "usr/share/zsh/site-functions/_mmtool", "zsh" },
		{ "usr/share/fish/vendor_completions.d/mmtool.fish", "fish" },
		{ "usr/bin/mmtool", NULL },
		{ "usr/share/man/man1/mmtool.1", NULL },
	};
	char cmd[32768], dest[4096], tool[4096], src[4096], path[8192];
	int status;
	char *out;

	(void)state;
	if (!have_program("make")) {
		print_message("skipped: make is not installed\n");
		skip();
	}
	snprintf(dest, sizeof(dest), "%s/destdir", test_tmpdir());
	quote(tool, sizeof(tool), mmtool_path());
	quote(src, sizeof(src), tests_dir());
	/* -o: install the program under test as it is, never rebuilt. */
	snprintf(cmd, sizeof(cmd), "cd %s/.. && env -u MAKEFLAGS -u MFLAGS "
		 "-u MAKELEVEL make -s install DESTDIR='%s' PREFIX=/usr "
		 "BIN=%s -o %s", src, dest, tool, tool);
	out = shell_output(cmd, 1, &status);
	if (status != 0)
		print_error("%s\n", out);
	assert_int_equal(status, 0);
	free(out);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dest, files[i][0]);
		assert_int_equal(stat(path, &st), 0);
		if (files[i][1] != NULL) {
			char *want, *got;
			size_t len;

			snprintf(cmd, sizeof(cmd), "%s completion %s", tool,
				 files[i][1]);
			want = shell_output(cmd, 0, NULL);
			got = (char *)read_file(path, &len);
			assert_int_equal(len, strlen(want));
			assert_string_equal(got, want);
			free(want);
			free(got);
		}
	}
	snprintf(cmd, sizeof(cmd), "cd %s/.. && env -u MAKEFLAGS -u MFLAGS "
		 "-u MAKELEVEL make -s uninstall DESTDIR='%s' PREFIX=/usr",
		 src, dest);
	out = shell_output(cmd, 1, &status);
	assert_int_equal(status, 0);
	free(out);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dest, files[i][0]);
		assert_int_not_equal(stat(path, &st), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bash),
		cmocka_unit_test(test_zsh),
		cmocka_unit_test(test_fish),
		cmocka_unit_test(test_bad_shell),
		cmocka_unit_test(test_every_option_completes),
		cmocka_unit_test(test_make_install),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
