/*
 * mmtool.h - what every command shares: exit statuses and the handler type.
 */
#ifndef MMTOOL_H
#define MMTOOL_H

#define MMTOOL_VERSION "0.1.0"

/* Exit statuses, as the spec defines them. */
enum {
	EXIT_DONE = 0,		/* the command did what was asked */
	EXIT_NEGATIVE = 1,	/* a negative answer: no match, --expect differed */
	EXIT_TROUBLE = 2	/* usage error, bad number, range, I/O error */
};

/*
 * A command handler.  argv[0] is the command's name; the handler parses its
 * own options with getopt_long, reports through diag.h and returns one of
 * the exit statuses above.  It never calls exit().
 */
typedef int (*command_fn)(int argc, char **argv);

int cmd_peek(int argc, char **argv);
int cmd_poke(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_hexdump(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_find(int argc, char **argv);

#endif
