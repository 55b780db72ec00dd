/*
 * mmtool.h - what every command shares: exit statuses and the handler type.
 */
#ifndef MMTOOL_H
#define MMTOOL_H

#include <stddef.h>

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

struct cmdopts;

#define CMD_WRITES 1	/* maps the file for writing */
#define CMD_HIDDEN 2	/* not offered by completion ("he" completes to
			 * hexdump; help is also -h and --help) */

/* A row of the command table (main.c): name, handler, one-line summary,
 * flags, and the option table that parses its options, prints its --help
 * and feeds completion. */
struct command {
	const char *name;
	command_fn run;
	const char *summary;
	unsigned flags;
	const struct cmdopts *opts;
};

int cmd_peek(int argc, char **argv);
int cmd_poke(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_hexdump(int argc, char **argv);
int cmd_patch(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/*
 * mmtool completion bash|zsh|fish: print the script for the shell, made
 * from the NCMDS commands of CMDS and their option tables.
 */
int cmd_completion_of(int argc, char **argv, const struct command *cmds,
		      size_t ncmds);
extern const struct cmdopts completion_options;

/* Each command's option table (opttab.h), defined next to its handler. */
extern const struct cmdopts peek_options, poke_options, resize_options,
	hexdump_options, patch_options, find_options, diff_options;

#endif
