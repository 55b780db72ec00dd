/*
 * opttab.h - one table per command says what options it takes.  The table
 * (short letter, long name, argument, help text, values for completion)
 * feeds getopt_long, the option lines of --help and `mmtool completion`,
 * so that a new option is one new row (git's parse-options does the same).
 *
 * The parser on top of getopt_long adds what the spec asks of every
 * command: long options abbreviate to any unambiguous prefix, an
 * ambiguous one is an error listing the candidates, and an option after
 * an operand is an error saying that options come before operands.
 */
#ifndef OPTTAB_H
#define OPTTAB_H

#include <getopt.h>

/* What an option takes after it. */
enum opt_has {
	OPT_NOARG,		/* a flag: -v, --grow */
	OPT_ARG,		/* a value: -f FMT, --format=FMT */
	OPT_OPTARG		/* long only, value after '=': --color[=WHEN] */
};

/* Ids of long-only options start here, past every letter. */
#define OPT_LONG 256

/* Most rows a table may have (the help row included). */
#define OPT_MAX 40

/*
 * One row.  ID is the letter of the short option, or OPT_LONG + n for a
 * long-only one; it is what opt_next returns.  NAME is the long name
 * without "--" (NULL: short only).  ARGNAME names the value in --help
 * ("FMT"); HELP is the help text, lines separated by '\n'.  WORDS, when
 * not NULL, is the NULL-terminated list of the values completion offers;
 * FILE set means the value is a file name.  A table ends with a row whose
 * id is 0.  Every table gets -h/--help without a row of its own.
 */
struct opt {
	int id;
	const char *name;
	enum opt_has has;
	const char *argname;
	const char *help;
	const char *const *words;
	int file;
};

/* The --color values, and the row of every command that colours a dump
 * (hexdump, diff): ID is that command's own id for it. */
extern const char *const opt_color_words[];
#define OPT_COLOR_ROW(ID)                                                   \
	{ (ID), "color", OPT_OPTARG, "WHEN",                                \
	  "auto (default: on a terminal, unless NO_COLOR\n"                 \
	  "is set or TERM is unset, empty or dumb), always\n"               \
	  "or never; --color alone means always", opt_color_words, 0 }

/*
 * What a command takes.  USAGE is the hand-written head of --help: the
 * usage line(s), word for word the man page's SYNOPSIS, and the
 * description, ending with a blank line; the option lines follow it.
 * OPERAND_WORDS, when not NULL, are what completion offers for operands
 * (otherwise file names).
 */
struct cmdopts {
	const char *cmd;
	const char *usage;
	const struct opt *opts;
	const char *const *operand_words;
};

/* Parser state for one command line. */
struct optparse {
	const struct cmdopts *spec;
	int argc;
	char **argv;
	const char *arg;	/* the current option's value, or NULL */
	int dashdash;		/* "--" ended the options */
	struct option longopts[OPT_MAX + 1];
	char shortopts[3 * OPT_MAX + 3];
};

/* What opt_next returns besides an option id. */
enum {
	OPT_END = -1,		/* the options are over: operands from optind */
	OPT_HELP = -2,		/* -h or --help: print opt_help */
	OPT_FAIL = -3		/* a usage error, already reported */
};

/*
 * Start parsing ARGV (ARGV[0] is the command's name) against SPEC; resets
 * getopt's state (optind = 1).
 */
void opt_init(struct optparse *p, const struct cmdopts *spec, int argc,
	      char **argv);

/*
 * The next option: its id, with p->arg its value (NULL when it has none),
 * or OPT_END when the operands begin at optind, OPT_HELP, or OPT_FAIL
 * after a one-line message: an unknown or ambiguous option, a missing or
 * unwanted value, or, at the end, an option written after an operand.
 * Parsing stops at the first operand; past it, a word that is one of this
 * command's options, or looks like a long option, is refused as coming
 * after an operand (a negative number such as "-4" is an operand); after
 * "--" nothing is.
 */
int opt_next(struct optparse *p);

/*
 * Check that the operands from optind number between MIN and MAX (MAX -1:
 * no limit).  0, or -1 after "missing operand: NAMES" or "too many
 * operands".
 */
int opt_operands(const struct optparse *p, int min, int max,
		 const char *names);

/* Print SPEC's --help (usage head, then the option lines) to stdout.
 * EXIT_DONE, or EXIT_TROUBLE after a write error. */
int opt_help(const struct cmdopts *spec);

/* The row for -h/--help that every table gets. */
extern const struct opt opt_help_row;

/* Row I of SPEC's table, its -h/--help row last, then NULL. */
const struct opt *opt_row(const struct cmdopts *spec, size_t i);

/* As a table's operand_words: the operands are command names (help). */
extern const char *const opt_operand_commands[];

#endif
