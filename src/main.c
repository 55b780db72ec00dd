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

#define CMD_WRITES 1	/* maps the file for writing */

static const struct command {
	const char *name;
	command_fn run;
	const char *summary;
	unsigned flags;
} commands[] = {
	{ "peek", cmd_peek, "read bytes at an offset", 0 },
	{ "poke", cmd_poke, "write bytes in place", CMD_WRITES },
	{ "resize", cmd_resize, "set a file's size", CMD_WRITES },
	{ "hexdump", cmd_hexdump, "dump a file or a stream", 0 },
	{ "patch", cmd_patch, "apply an edited dump", CMD_WRITES },
	{ "find", cmd_find, "search for bytes", 0 },
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
	fputs(usage_text, fp);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name,
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

/* mmtool help [COMMAND]: the command's own --help, or the overview. */
static int help(int argc, char **argv)
{
	char help_opt[] = "--help";
	char *args[3];
	const struct command *cmd;

	if (argc < 2) {
		print_usage(stdout);
		return diag_close_stdout(NULL) == 0 ? EXIT_DONE : EXIT_TROUBLE;
	}
	if (argc > 2)
		return usage_error("help", "too many arguments");
	cmd = lookup(argv[1]);
	if (cmd == NULL)
		return unknown_command(argv[1]);
	args[0] = argv[1];
	args[1] = help_opt;
	args[2] = NULL;
	return cmd->run(2, args);
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
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		puts("mmtool " MMTOOL_VERSION);
		return diag_close_stdout(NULL) == 0 ? EXIT_DONE : EXIT_TROUBLE;
	}
	cmd = lookup(argv[1]);
	if (cmd == NULL)
		return unknown_command(argv[1]);
	return cmd->run(argc - 1, argv + 1);
}
