/*
 * main.c - mmtool's entry point: a table of commands and a short main that
 * looks the name up and returns the handler's exit status.
 */
#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"

static int cmd_help(int argc, char **argv);
static int cmd_completion(int argc, char **argv);

static const struct opt no_opts[] = { { 0, NULL, 0, NULL, NULL, NULL, 0 } };

static const struct cmdopts help_options = {
	"help",
	"usage: mmtool help [COMMAND] | mmtool --help | mmtool --version\n"
	"\n"
	"Print COMMAND's options, or the list of commands.\n"
	"\n",
	no_opts, opt_operand_commands
};

static const struct command commands[] = {
	{ "peek", cmd_peek, "read bytes at an offset", 0, &peek_options },
	{ "poke", cmd_poke, "write bytes in place", CMD_WRITES, &poke_options },
	{ "resize", cmd_resize, "set a file's size", CMD_WRITES,
	  &resize_options },
	{ "hexdump", cmd_hexdump, "dump a file or a stream", 0,
	  &hexdump_options },
	{ "patch", cmd_patch, "apply an edited dump", CMD_WRITES,
	  &patch_options },
	{ "find", cmd_find, "search for bytes", 0, &find_options },
	{ "diff", cmd_diff, "compare two files", 0, &diff_options },
	{ "completion", cmd_completion, "print a shell completion script", 0,
	  &completion_options },
	{ "help", cmd_help, "show a command's options", CMD_HIDDEN,
	  &help_options },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_text[] =
	"usage: mmtool COMMAND [OPTION]... [ARG]...\n"
	"       mmtool help [COMMAND] | mmtool --help | mmtool --version\n"
	"\n"
	"Inspect and patch files in place through memory mappings.\n"
	"\n"
	"Commands:\n";

static const struct command *lookup(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Levenshtein distance of two short words, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t row[64], la = strlen(a), lb = strlen(b);

	if (lb >= sizeof(row) / sizeof(row[0]) || la >= 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag_prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag_prev +
				(a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag_prev = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static void print_usage(FILE *fp)
{
	int width = 0;

	/* One column of summaries, however long the longest name. */
	for (size_t i = 0; i < NCOMMANDS; i++)
		if ((int)strlen(commands[i].name) > width)
			width = (int)strlen(commands[i].name);
	fputs(usage_text, fp);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-*s  %s\n", width, commands[i].name,
			commands[i].summary);
	fputs("\nRun 'mmtool help COMMAND' for a command's options.\n", fp);
}

static int unknown_command(const char *name)
{
	const struct command *best = NULL;
	size_t best_d = 3;	/* suggest only close misspellings */

	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t d = distance(name, commands[i].name);

		if (d < best_d) {
			best_d = d;
			best = &commands[i];
		}
	}
	if (best != NULL)
		diag(NULL, "unknown command '%s'; did you mean '%s'?", name,
		     best->name);
	else
		diag(NULL, "unknown command '%s' (see 'mmtool --help')", name);
	return EXIT_TROUBLE;
}

/*
 * mmtool help [COMMAND]: the command's own --help, or the overview.
 * mmtool --help [COMMAND] is the same.
 */
static int show_help(int nops, char **ops)
{
	char help_opt[] = "--help";
	char *args[3];
	const struct command *cmd;

	if (nops == 0) {
		print_usage(stdout);
		return diag_close_stdout(NULL) == 0 ? EXIT_DONE : EXIT_TROUBLE;
	}
	if (nops > 1)
		return usage_error("help", "too many operands");
	cmd = lookup(ops[0]);
	if (cmd == NULL)
		return unknown_command(ops[0]);
	args[0] = ops[0];
	args[1] = help_opt;
	args[2] = NULL;
	return cmd->run(2, args);
}

static int cmd_help(int argc, char **argv)
{
	struct optparse op;

	opt_init(&op, &help_options, argc, argv);
	switch (opt_next(&op)) {
	case OPT_END: return show_help(argc - optind, argv + optind);
	case OPT_HELP: return opt_help(&help_options);
	default: return EXIT_TROUBLE;
	}
}

/* The completion scripts are made from this table. */
static int cmd_completion(int argc, char **argv)
{
	return cmd_completion_of(argc, argv, commands, NCOMMANDS);
}

/* mmtool's own options: -h/--help [COMMAND] and -V/--version. */
static const struct opt top_opts[] = {
	{ 'V', "version", OPT_NOARG, NULL, "print the version", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

static const struct cmdopts top_options = {
	NULL, usage_text, top_opts, NULL
};

static int top_option(int argc, char **argv)
{
	struct optparse op;

	opt_init(&op, &top_options, argc, argv);
	switch (opt_next(&op)) {
	case OPT_HELP:
		return show_help(argc - optind, argv + optind);
	case 'V':
		if (optind < argc)
			return usage_error(NULL, "--version takes no operand "
					   "('%s')", argv[optind]);
		puts("mmtool " MMTOOL_VERSION);
		return diag_close_stdout(NULL) == 0 ? EXIT_DONE : EXIT_TROUBLE;
	case OPT_END:	/* "mmtool -- peek ...", or "mmtool -" */
		if (optind < argc && lookup(argv[optind]) != NULL)
			return lookup(argv[optind])->run(argc - optind,
							 argv + optind);
		if (optind < argc)
			return unknown_command(argv[optind]);
		print_usage(stderr);
		return EXIT_TROUBLE;
	default:
		return EXIT_TROUBLE;
	}
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (mapfile_guard_std_fds() < 0)
		return EXIT_TROUBLE;
	ignore_signals();
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_TROUBLE;
	}
	if (argv[1][0] == '-' && argv[1][1] != '\0')
		return top_option(argc, argv);
	cmd = lookup(argv[1]);
	if (cmd == NULL)
		return unknown_command(argv[1]);
	return cmd->run(argc - 1, argv + 1);
}
