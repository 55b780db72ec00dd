/*
 * test_tty.c - what mmtool does when standard output is a terminal: a
 * pseudo-terminal made here (posix_openpt), with TERM and NO_COLOR set as
 * each case says.  --color=auto colours only on a terminal whose TERM is
 * set, not empty and not "dumb", and only without NO_COLOR (issue 13,
 * defect 7: xxd leaves TERM unset uncoloured).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

/*
 * Run "mmtool hexdump OPT FILE" with its standard output on a fresh
 * pseudo-terminal, TERM set to TERM_VALUE (NULL: unset) and NO_COLOR to
 * NO_COLOR_VALUE (NULL: unset).  Returns 1 if the output held an escape
 * sequence, 0 if not; skips the test where no pseudo-terminal can be had.
 */
static int colours_on_tty(const char *opt, const char *term_value,
			  const char *no_color_value)
{
	char buf[65536], *slave;
	const char *f = write_file(tmp_path("tty.bin"), "\0A \x7f\xff", 5);
	size_t got = 0;
	int master, status;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (slave = ptsname(master)) == NULL) {
		print_message("skipped: no pseudo-terminal (%s)\n",
			      strerror(errno));
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(slave, O_RDWR | O_NOCTTY);

		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		if (term_value != NULL)
			setenv("TERM", term_value, 1);
		else
			unsetenv("TERM");
		if (no_color_value != NULL)
			setenv("NO_COLOR", no_color_value, 1);
		else
			unsetenv("NO_COLOR");
		execl(mmtool_path(), "mmtool", "hexdump", opt, f, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The child has gone, so the slave has no writer left: read what
	 * the terminal holds without blocking. */
	fcntl(master, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(master, buf + got, sizeof(buf) - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(master);
	buf[got] = '\0';
	assert_true(got > 0);
	return memchr(buf, '\033', got) != NULL;
}

static void test_auto_colours_a_terminal(void **state)
{
	(void)state;
	assert_int_equal(colours_on_tty("--color=auto", "xterm", NULL), 1);
	assert_int_equal(colours_on_tty("--color", "dumb", NULL), 1);
	assert_int_equal(colours_on_tty("--color=never", "xterm", NULL), 0);
}

static void test_auto_without_term_is_plain(void **state)
{
	(void)state;
	assert_int_equal(colours_on_tty("--color=auto", NULL, NULL), 0);
	assert_int_equal(colours_on_tty("--color=auto", "", NULL), 0);
	assert_int_equal(colours_on_tty("--color=auto", "dumb", NULL), 0);
	/* --color=always does not ask TERM. */
	assert_int_equal(colours_on_tty("--color=always", NULL, NULL), 1);
}

static void test_auto_with_no_color_is_plain(void **state)
{
	(void)state;
	assert_int_equal(colours_on_tty("--color=auto", "xterm", "1"), 0);
	assert_int_equal(colours_on_tty("--color=auto", "xterm", ""), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_colours_a_terminal),
		cmocka_unit_test(test_auto_without_term_is_plain),
		cmocka_unit_test(test_auto_with_no_color_is_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
