/*
 * test_manpage.c - man/mmtool.1 renders as written, in mandoc and in groff
 * (issue 13, defect 1).  Lint alone passed a page whose nested .Ql macros
 * rendered as "(‘de:ad be ef, ‘0xdeadbeef’’)"; so the page is rendered
 * here with `mandoc -Tutf8` and `groff -mandoc -Tutf8`, and every quote
 * of the output is checked: none opens inside another, there is one per
 * .Ql of the source, both renderers quote the same text, and each .Ql of
 * plain words quotes exactly those words.  Skipped, saying so, where a
 * renderer is missing (CI installs both).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testutil.h"

#define OQ "\xe2\x80\x98"	/* U+2018, the quote Ql opens with */
#define CQ "\xe2\x80\x99"	/* U+2019, the one it closes with */
#define MAX_QUOTES 1024

static const char *man_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/../man/mmtool.1", tests_dir());
	return path;
}

static char *capture(const char *cmd, int err_too)
{
	return shell_output(cmd, err_too, NULL);
}

/*
 * TEXT as plain words: overstrike ("X\bX", "_\bX") undone, the dashes
 * groff prints for '-' and '\-' (U+2010, U+2212) made '-', and every run
 * of blanks and newlines one space, so that a quote broken across lines
 * reads as one.  In place.
 */
static void plain_text(char *text)
{
	char *r = text, *w = text;
	int blank = 0;

	while (*r != '\0') {
		if (r[0] != '\0' && r[1] == '\b') {
			r += 2;
			continue;
		}
		if (strncmp(r, "\xe2\x80\x90", 3) == 0 ||
		    strncmp(r, "\xe2\x88\x92", 3) == 0) {
			r += 3;
			*w++ = '-';
			blank = 0;
			continue;
		}
		if (*r == ' ' || *r == '\n' || *r == '\t') {
			r++;
			if (!blank)
				*w++ = ' ';
			blank = 1;
			continue;
		}
		*w++ = *r++;
		blank = 0;
	}
	*w = '\0';
}

struct quotes {
	char *text[MAX_QUOTES];
	size_t n;
};

/* Every ‘...’ of TEXT into *Q; fails on a quote opened inside another. */
static void find_quotes(const char *renderer, const char *text,
			struct quotes *q)
{
	const char *p = text, *open = NULL;

	q->n = 0;
	while ((p = strstr(p, "\xe2\x80")) != NULL) {
		if (strncmp(p, OQ, 3) == 0) {
			if (open != NULL) {
				print_error("%s: a quote opens inside another: "
					    "[%.60s]\n", renderer, open - 3);
				fail();
			}
			open = p + 3;
		} else if (strncmp(p, CQ, 3) == 0 && open != NULL) {
			assert_true(q->n < MAX_QUOTES);
			q->text[q->n] = malloc((size_t)(p - open) + 1);
			assert_non_null(q->text[q->n]);
			memcpy(q->text[q->n], open, (size_t)(p - open));
			q->text[q->n][p - open] = '\0';
			q->n++;
			open = NULL;
		}
		p += 3;
	}
	if (open != NULL) {
		print_error("%s: a quote never closes: [%.60s]\n", renderer,
			    open - 3);
		fail();
	}
}

static void free_quotes(struct quotes *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->text[i]);
	q->n = 0;
}

static int is_delimiter(const char *tok)
{
	return tok[0] != '\0' && tok[1] == '\0' && strchr(".,:;)(!?]", tok[0]);
}

/* A two-letter mdoc macro that may be called on a line (Ar, Fl, Ns). */
static int is_macro(const char *tok)
{
	return strlen(tok) == 2 && tok[0] >= 'A' && tok[0] <= 'Z' &&
	       tok[1] >= 'a' && tok[1] <= 'z';
}

/*
 * The .Ql macros of the page: their number, and for each whose arguments
 * are plain words, the text it must quote (escapes \&, \- and \e undone,
 * trailing delimiters dropped).  A .Ql followed on its line by another
 * quoting macro, or by No (text meant to stand outside the quote), is a
 * nested quote: fails, naming the line.
 */
static size_t source_quotes(struct quotes *want)
{
	size_t count = 0, lineno = 0, len;
	char *page = (char *)read_file(man_path(), &len);
	char *line, *save = NULL;

	assert_true(len > 1000);
	want->n = 0;
	for (line = strtok_r(page, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok[64], *s = line + 1, *tsave = NULL;
		size_t ntok = 0;

		lineno++;
		if (line[0] != '.')
			continue;
		for (char *t = strtok_r(s, " ", &tsave); t && ntok < 64;
		     t = strtok_r(NULL, " ", &tsave))
			tok[ntok++] = t;
		for (size_t i = 0; i < ntok; i++) {
			size_t end = ntok, j;
			int plain = 1, other_escape = 0;
			char text[512] = "";

			if (strcmp(tok[i], "Ql") != 0)
				continue;
			count++;
			for (j = i + 1; j < ntok; j++) {
				static const char *const nested[] = {
					"Ql", "Dq", "Sq", "Qq", "Pq", "No",
				};

				for (size_t k = 0; k < 6; k++) {
					if (strcmp(tok[j], nested[k]) == 0) {
						print_error("man/mmtool.1:%zu: "
							    ".Ql with %s inside "
							    "its quote\n",
							    lineno, nested[k]);
						fail();
					}
				}
				if (is_macro(tok[j]))
					plain = 0;
			}
			while (end > i + 1 && is_delimiter(tok[end - 1]))
				end--;
			if (!plain || end == i + 1)
				continue;
			for (j = i + 1; j < end; j++) {
				const char *r = tok[j];
				size_t n = strlen(text);

				if (j > i + 1)
					text[n++] = ' ';
				for (; *r != '\0' && n + 2 < sizeof(text); r++) {
					if (r[0] == '\\' && r[1] == '&') {
						r++;
						continue;
					}
					if (r[0] == '\\' && (r[1] == '-' ||
							     r[1] == 'e')) {
						text[n++] = r[1] == 'e' ? '\\' :
							    '-';
						r++;
						continue;
					}
					if (r[0] == '\\')
						other_escape = 1;
					text[n++] = *r;
				}
				text[n] = '\0';
			}
			if (other_escape)
				continue;	/* \(aq and the like: not here */
			assert_true(want->n < MAX_QUOTES);
			want->text[want->n] = strdup(text);
			assert_non_null(want->text[want->n]);
			want->n++;
		}
	}
	free(page);
	return count;
}

/* Render the page with CMD (where %s is the page) and check its quotes
 * against the source's WANT and COUNT; *GOT keeps them. */
static void check_rendered(const char *renderer, const char *cmd_fmt,
			   const struct quotes *want, size_t count,
			   struct quotes *got)
{
	char cmd[4400], *out;

	snprintf(cmd, sizeof(cmd), cmd_fmt, man_path());
	out = capture(cmd, 0);
	plain_text(out);
	assert_true(strlen(out) > 1000);
	find_quotes(renderer, out, got);
	if (got->n != count)
		print_error("%s: %zu quotes rendered for %zu .Ql macros\n",
			    renderer, got->n, count);
	assert_int_equal(got->n, count);
	for (size_t i = 0; i < want->n; i++) {
		size_t j;

		for (j = 0; j < got->n; j++)
			if (strcmp(got->text[j], want->text[i]) == 0)
				break;
		if (j == got->n) {
			print_error("%s: no quote reads [%s]\n", renderer,
				    want->text[i]);
			fail();
		}
	}
	free(out);
}

static void test_mandoc_lint_is_clean(void **state)
{
	char cmd[4200], *out;

	(void)state;
	if (!have_program("mandoc")) {
		print_message("skipped: mandoc is not installed\n");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "mandoc -Tlint -W warning '%s'", man_path());
	out = capture(cmd, 1);
	if (out[0] != '\0')
		print_error("%s", out);
	assert_string_equal(out, "");
	free(out);
}

static void test_quotes_render_in_mandoc_and_groff(void **state)
{
	struct quotes want, by_mandoc = { { NULL }, 0 }, by_groff = { { NULL }, 0 };
	size_t count;
	int have_mandoc = have_program("mandoc"), have_groff = have_program("groff");

	(void)state;
	if (!have_mandoc && !have_groff) {
		print_message("skipped: neither mandoc nor groff is installed\n");
		skip();
	}
	count = source_quotes(&want);
	assert_true(want.n > 50);
	/* The quotes the issue saw broken, as they must read. */
	{
		static const char *const named[] = {
			"de:ad be ef", "0xdeadbeef", "0x1000", "0X1000", "010",
		};

		for (size_t i = 0; i < 5; i++) {
			size_t j;

			for (j = 0; j < want.n; j++)
				if (strcmp(want.text[j], named[i]) == 0)
					break;
			assert_true(j < want.n);
		}
	}
	/* Wide lines and no hyphenation, so that no quote is split by a
	 * hyphen the renderer adds. */
	if (have_mandoc)
		check_rendered("mandoc", "mandoc -Tutf8 -Owidth=250 '%s'",
			       &want, count, &by_mandoc);
	else
		print_message("skipped the mandoc rendering: not installed\n");
	if (have_groff)
		check_rendered("groff", "groff -mandoc -Tutf8 -rHY=0 -rLL=250n "
			       "-P-cbou '%s'", &want, count, &by_groff);
	else
		print_message("skipped the groff rendering: not installed\n");
	if (have_mandoc && have_groff) {
		for (size_t i = 0; i < count; i++) {
			if (strcmp(by_mandoc.text[i], by_groff.text[i]) != 0)
				print_error("quote %zu: mandoc [%s], groff "
					    "[%s]\n", i, by_mandoc.text[i],
					    by_groff.text[i]);
			assert_string_equal(by_mandoc.text[i],
					    by_groff.text[i]);
		}
	}
	free_quotes(&want);
	free_quotes(&by_mandoc);
	free_quotes(&by_groff);
}

static void test_groff_has_no_warnings(void **state)
{
	char cmd[4200], *out;

	(void)state;
	if (!have_program("groff")) {
		print_message("skipped: groff is not installed\n");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "groff -mandoc -Tutf8 -ww -z '%s'",
		 man_path());
	out = capture(cmd, 1);
	if (out[0] != '\0')
		print_error("%s", out);
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mandoc_lint_is_clean),
		cmocka_unit_test(test_quotes_render_in_mandoc_and_groff),
		cmocka_unit_test(test_groff_has_no_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
