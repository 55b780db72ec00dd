/*
 * completion.c - mmtool completion bash|zsh|fish: a completion script
 * written from the command table and each command's option table, so
 * that a new option or command completes without a second list.
 *
 * What each script completes: the commands (and mmtool's own -h, -V);
 * after a command, its options until the first operand (options come
 * before operands), the values of an option that has a list (-f, -t,
 * --color), file names for an option that takes a file (-i) and for
 * operands, the shells for `completion` and the commands for `help`.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mmtool.h"
#include "opttab.h"

static const char *const shell_words[] = { "bash", "zsh", "fish", NULL };

static const struct opt completion_opts[] = {
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts completion_options = {
	"completion",
	"usage: mmtool completion bash | zsh | fish\n"
	"\n"
	"Print a script that completes mmtool's commands, options, their\n"
	"values and file names in SHELL.  To enable it:\n"
	"  bash: eval \"$(mmtool completion bash)\"   (in ~/.bashrc)\n"
	"  zsh:  mmtool completion zsh > ~/.zfunc/_mmtool, with\n"
	"        fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc\n"
	"  fish: mmtool completion fish > ~/.config/fish/completions/mmtool.fish\n"
	"\n",
	completion_opts, shell_words
};

static int has_letter(const struct opt *o)
{
	return o->id > 0 && o->id < OPT_LONG && o->has != OPT_OPTARG;
}

/* O's help as one line, for a description. */
static int help_len(const struct opt *o)
{
	return (int)strlen(o->help);
}

/* Print WORDS separated by blanks. */
static void print_words(const char *const *words)
{
	for (size_t i = 0; words[i] != NULL; i++)
		printf("%s%s", i ? " " : "", words[i]);
}

/* The words a command's operands complete to: NULL for file names. */
static const char *const *operand_words(const struct cmdopts *spec)
{
	return spec->operand_words;
}

/* Print the names of the commands completion offers, separated by
 * blanks. */
static void print_command_names(const struct command *cmds, size_t n)
{
	int first = 1;

	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		printf("%s%s", first ? "" : " ", cmds[i].name);
		first = 0;
	}
}

/* ---- bash ------------------------------------------------------------ */

/*
 * The kind of an option's value, as the bash script's _mmtool_optarg
 * prints it: "w WORDS" (a list), "o WORDS" (an optional value, only
 * after '='), "f" (a file name), "n" (anything: nothing to offer).
 */
static void bash_optarg_case(const char *cmd, const struct opt *o)
{
	if (o->has == OPT_NOARG)
		return;
	printf("\t%s:", cmd);
	if (has_letter(o))
		printf("-%c%s", o->id, o->name ? "|" : "");
	if (has_letter(o) && o->name)
		printf("%s:", cmd);
	if (o->name)
		printf("--%s", o->name);
	printf(") echo '");
	if (o->words != NULL) {
		printf("%c ", o->has == OPT_OPTARG ? 'o' : 'w');
		print_words(o->words);
	} else {
		printf("%s", o->file ? "f" : "n");
	}
	printf("' ;;\n");
}

static void bash_options(const struct cmdopts *spec)
{
	const struct opt *o;
	int first = 1;

	for (size_t i = 0; (o = opt_row(spec, i)) != NULL; i++) {
		if (has_letter(o)) {
			printf("%s-%c", first ? "" : " ", o->id);
			first = 0;
		}
		if (o->name != NULL) {
			printf("%s--%s%s", first ? "" : " ", o->name,
			       o->has == OPT_NOARG ? "" : "=");
			first = 0;
		}
	}
}

static const char bash_main[] =
	"# The completions of REPLY's kind (see _mmtool_optarg) for $cur,\n"
	"# each prefixed with $2.\n"
	"_mmtool_reply() {\n"
	"\tcase $1 in\n"
	"\tw\\ *|o\\ *)\n"
	"\t\tCOMPREPLY=($(compgen -P \"$2\" -W \"${1#? }\" -- \"${cur#\"$2\"}\")) ;;\n"
	"\tf)\n"
	"\t\tcompopt -o filenames 2>/dev/null\n"
	"\t\tCOMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\t*)\n"
	"\t\tCOMPREPLY=() ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"_mmtool() {\n"
	"\tlocal cur prev cmd kind i w\n"
	"\tCOMPREPLY=()\n"
	"\tcur=${COMP_WORDS[COMP_CWORD]}\n"
	"\tprev=\n"
	"\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\tif [ \"$COMP_CWORD\" -le 1 ]; then\n"
	"\t\tcase $cur in\n"
	"\t\t-*) COMPREPLY=($(compgen -W '-h --help -V --version' -- \"$cur\")) ;;\n"
	"\t\t*) COMPREPLY=($(compgen -W \"$(_mmtool_commands)\" -- \"$cur\")) ;;\n"
	"\t\tesac\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tcmd=${COMP_WORDS[1]}\n"
	"\t# --format=x: bash splits the word at '=' (COMP_WORDBREAKS), so\n"
	"\t# the value is the word after a lone '='; without that split it\n"
	"\t# is the end of $cur.\n"
	"\tif [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -ge 3 ] &&\n"
	"\t   kind=$(_mmtool_optarg \"$cmd\" \"${COMP_WORDS[COMP_CWORD-2]}\"); then\n"
	"\t\t_mmtool_reply \"$kind\" \"\"\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tcase $cur in\n"
	"\t--*=*)\n"
	"\t\tif kind=$(_mmtool_optarg \"$cmd\" \"${cur%%=*}\"); then\n"
	"\t\t\t_mmtool_reply \"$kind\" \"${cur%%=*}=\"\n"
	"\t\t\treturn 0\n"
	"\t\tfi ;;\n"
	"\tesac\n"
	"\tif kind=$(_mmtool_optarg \"$cmd\" \"$prev\") &&\n"
	"\t   [ \"${kind%% *}\" != o ]; then\n"
	"\t\t_mmtool_reply \"$kind\" \"\"\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\t# Options come before operands: find where the operands begin.\n"
	"\ti=2\n"
	"\twhile [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t--) i=$((i + 1)); break ;;\n"
	"\t\t=) i=$((i + 1)) ;;\n"
	"\t\t-?*)\n"
	"\t\t\tif kind=$(_mmtool_optarg \"$cmd\" \"$w\") &&\n"
	"\t\t\t   [ \"${kind%% *}\" != o ]; then\n"
	"\t\t\t\t[ \"${COMP_WORDS[i+1]}\" = \"=\" ] && i=$((i + 1))\n"
	"\t\t\t\ti=$((i + 1))\n"
	"\t\t\tfi ;;\n"
	"\t\t*) break ;;\n"
	"\t\tesac\n"
	"\t\ti=$((i + 1))\n"
	"\tdone\n"
	"\tif [ \"$i\" -ge \"$COMP_CWORD\" ] && [ \"${COMP_WORDS[i-1]}\" != -- ]; then\n"
	"\t\tcase $cur in\n"
	"\t\t-*)\n"
	"\t\t\tCOMPREPLY=($(compgen -W \"$(_mmtool_options \"$cmd\")\" -- \"$cur\"))\n"
	"\t\t\tcase ${COMPREPLY[*]} in *=) compopt -o nospace 2>/dev/null ;; esac\n"
	"\t\t\treturn 0 ;;\n"
	"\t\tesac\n"
	"\tfi\n"
	"\t_mmtool_reply \"$(_mmtool_operands \"$cmd\")\" \"\"\n"
	"\treturn 0\n"
	"}\n"
	"\n"
	"complete -F _mmtool mmtool\n";

static void print_bash(const struct command *cmds, size_t n)
{
	const struct opt *o;

	printf("# bash completion for mmtool, written by 'mmtool completion "
	       "bash'.\n# Enable: eval \"$(mmtool completion bash)\", or "
	       "install as\n# share/bash-completion/completions/mmtool.\n\n");
	printf("_mmtool_commands() {\n\techo '");
	print_command_names(cmds, n);
	printf("'\n}\n\n");
	printf("# The options of command $1.\n_mmtool_options() {\n"
	       "\tcase $1 in\n");
	for (size_t i = 0; i < n; i++) {
		printf("\t%s) echo '", cmds[i].name);
		bash_options(cmds[i].opts);
		printf("' ;;\n");
	}
	printf("\tesac\n}\n\n");
	printf("# How option $2 of command $1 takes its value: 'w WORDS', "
	       "'o WORDS'\n# (optional, after '='), 'f' (a file) or 'n' "
	       "(anything); status 1 for\n# an option without one.\n"
	       "_mmtool_optarg() {\n\tcase $1:$2 in\n");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; (o = opt_row(cmds[i].opts, j)) != NULL; j++)
			bash_optarg_case(cmds[i].name, o);
	printf("\t*) return 1 ;;\n\tesac\n}\n\n");
	printf("# What the operands of command $1 complete to.\n"
	       "_mmtool_operands() {\n\tcase $1 in\n");
	for (size_t i = 0; i < n; i++) {
		const char *const *w = operand_words(cmds[i].opts);

		if (cmds[i].opts->operand_words == opt_operand_commands) {
			printf("\t%s) echo 'w ", cmds[i].name);
			print_command_names(cmds, n);
			printf("' ;;\n");
		} else if (w != NULL) {
			printf("\t%s) echo 'w ", cmds[i].name);
			print_words(w);
			printf("' ;;\n");
		}
	}
	printf("\t*) echo f ;;\n\tesac\n}\n\n");
	fputs(bash_main, stdout);
}

/* ---- zsh ------------------------------------------------------------- */

/* Print TEXT's first LEN bytes for a zsh _arguments description inside
 * single quotes, on one line: ' and the brackets and colons _arguments
 * gives meaning to are escaped. */
static void zsh_text(const char *text, int len)
{
	for (int i = 0; i < len && text[i] != '\0'; i++) {
		if (text[i] == '\n')
			putchar(' ');
		else if (text[i] == '\'')
			fputs("'\\''", stdout);
		else if (strchr("[]:\\", text[i]) != NULL)
			printf("\\%c", text[i]);
		else
			putchar(text[i]);
	}
}

static void zsh_option(const struct opt *o)
{
	const char *arg = o->argname ? o->argname : "VALUE";

	printf("\t\t\t'");
	if (has_letter(o) && o->name != NULL)
		printf("(-%c --%s)'{-%c%s,--%s%s}'", o->id, o->name, o->id,
		       o->has == OPT_ARG ? "+" : "", o->name,
		       o->has == OPT_ARG ? "=" : "");
	else if (has_letter(o))
		printf("-%c%s", o->id, o->has == OPT_ARG ? "+" : "");
	else
		printf("--%s%s", o->name, o->has == OPT_ARG ? "=" :
		       o->has == OPT_OPTARG ? "=-" : "");
	putchar('[');
	zsh_text(o->help, help_len(o));
	putchar(']');
	if (o->has != OPT_NOARG) {
		printf("%s%s:", o->has == OPT_OPTARG ? "::" : ":", arg);
		if (o->words != NULL) {
			putchar('(');
			print_words(o->words);
			putchar(')');
		} else if (o->file) {
			fputs("_files", stdout);
		} else {
			putchar(' ');
		}
	}
	printf("' \\\n");
}

static void print_zsh(const struct command *cmds, size_t n)
{
	const struct opt *o;

	printf("#compdef mmtool\n# zsh completion for mmtool, written by "
	       "'mmtool completion zsh'.\n# Install as _mmtool in a directory "
	       "of $fpath (share/zsh/site-functions).\n\n");
	printf("_mmtool() {\n\tlocal -a commands\n\tcommands=(\n");
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		printf("\t\t'%s:", cmds[i].name);
		zsh_text(cmds[i].summary, (int)strlen(cmds[i].summary));
		printf("'\n");
	}
	printf("\t)\n"
	       "\tif (( CURRENT == 2 )); then\n"
	       "\t\tif [[ $words[CURRENT] == -* ]]; then\n"
	       "\t\t\tcompadd -- -h --help -V --version\n"
	       "\t\telse\n"
	       "\t\t\t_describe -t commands 'mmtool command' commands\n"
	       "\t\tfi\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tlocal cmd=$words[2]\n"
	       "\tshift words\n"
	       "\t(( CURRENT-- ))\n"
	       "\tcase $cmd in\n");
	for (size_t i = 0; i < n; i++) {
		const struct cmdopts *spec = cmds[i].opts;

		printf("\t%s)\n\t\t_arguments -s -S -A '-*' \\\n",
		       cmds[i].name);
		for (size_t j = 0; (o = opt_row(spec, j)) != NULL; j++)
			zsh_option(o);
		if (spec->operand_words == opt_operand_commands) {
			printf("\t\t\t'1:command:(");
			print_command_names(cmds, n);
			printf(")'\n");
		} else if (spec->operand_words != NULL) {
			printf("\t\t\t'1:%s:(", spec->cmd);
			print_words(spec->operand_words);
			printf(")'\n");
		} else {
			printf("\t\t\t'*:file:_files'\n");
		}
		printf("\t\t;;\n");
	}
	printf("\tesac\n}\n\n_mmtool \"$@\"\n");
}

/* ---- fish ------------------------------------------------------------ */

/* TEXT's first LEN bytes inside fish single quotes, on one line. */
static void fish_text(const char *text, int len)
{
	for (int i = 0; i < len && text[i] != '\0'; i++) {
		if (text[i] == '\n') {
			putchar(' ');
			continue;
		}
		if (text[i] == '\'' || text[i] == '\\')
			putchar('\\');
		putchar(text[i]);
	}
}

static void print_fish(const struct command *cmds, size_t n)
{
	const struct opt *o;

	printf("# fish completion for mmtool, written by 'mmtool completion "
	       "fish'.\n# Install as share/fish/vendor_completions.d/"
	       "mmtool.fish.\n\n");
	/* Options only until the first operand: the word count after the
	 * command says nothing about option values, so this asks fish's
	 * own parser whether an operand has been typed. */
	printf("function __mmtool_no_operand\n"
	       "\tset -l words (commandline -opc)\n"
	       "\tset -e words[1..2]\n"
	       "\tset -l skip 0\n"
	       "\tfor w in $words\n"
	       "\t\tif test $skip = 1\n"
	       "\t\t\tset skip 0\n"
	       "\t\t\tcontinue\n"
	       "\t\tend\n"
	       "\t\tswitch $w\n"
	       "\t\t\tcase --\n"
	       "\t\t\t\treturn 1\n"
	       "\t\t\tcase '--*=*' '-'\n"
	       "\t\t\t\tcontinue\n"
	       "\t\t\tcase '-*'\n"
	       "\t\t\t\tif contains -- $w $argv\n"
	       "\t\t\t\t\tset skip 1\n"
	       "\t\t\t\tend\n"
	       "\t\t\tcase '*'\n"
	       "\t\t\t\treturn 1\n"
	       "\t\tend\n"
	       "\tend\n"
	       "\treturn 0\n"
	       "end\n\n");
	printf("complete -c mmtool -f\n");
	printf("complete -c mmtool -n __fish_use_subcommand -s h -l help "
	       "-d 'show the usage'\n");
	printf("complete -c mmtool -n __fish_use_subcommand -s V -l version "
	       "-d 'print the version'\n");
	for (size_t i = 0; i < n; i++) {
		if (cmds[i].flags & CMD_HIDDEN)
			continue;
		printf("complete -c mmtool -n __fish_use_subcommand -a %s -d '",
		       cmds[i].name);
		fish_text(cmds[i].summary, (int)strlen(cmds[i].summary));
		printf("'\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct cmdopts *spec = cmds[i].opts;
		char cond[512];
		int at;

		/* The condition: this command, no operand yet; the
		 * arguments are the options that take a separate value. */
		at = snprintf(cond, sizeof(cond),
			      "__fish_seen_subcommand_from %s; and "
			      "__mmtool_no_operand", cmds[i].name);
		for (size_t j = 0; (o = opt_row(spec, j)) != NULL && at > 0 &&
		     (size_t)at < sizeof(cond); j++) {
			if (o->has != OPT_ARG)
				continue;
			if (has_letter(o))
				at += snprintf(cond + at, sizeof(cond) -
					       (size_t)at, " -%c", o->id);
			if (o->name != NULL && (size_t)at < sizeof(cond))
				at += snprintf(cond + at, sizeof(cond) -
					       (size_t)at, " --%s", o->name);
		}
		for (size_t j = 0; (o = opt_row(spec, j)) != NULL; j++) {
			printf("complete -c mmtool -n '%s'", cond);
			if (has_letter(o))
				printf(" -s %c", o->id);
			if (o->name != NULL)
				printf(" -l %s", o->name);
			if (o->has != OPT_NOARG)
				printf(" %s", o->file ? "-r -F" : "-x");
			if (o->words != NULL) {
				printf(" -a '");
				print_words(o->words);
				putchar('\'');
			}
			printf(" -d '");
			fish_text(o->help, help_len(o));
			printf("'\n");
		}
		printf("complete -c mmtool -n '__fish_seen_subcommand_from %s'",
		       cmds[i].name);
		if (spec->operand_words == opt_operand_commands) {
			printf(" -x -a '");
			print_command_names(cmds, n);
			printf("'\n");
		} else if (spec->operand_words != NULL) {
			printf(" -x -a '");
			print_words(spec->operand_words);
			printf("'\n");
		} else {
			printf(" -F\n");
		}
	}
}

int cmd_completion_of(int argc, char **argv, const struct command *cmds,
		      size_t ncmds)
{
	struct optparse op;
	const char *shell;

	opt_init(&op, &completion_options, argc, argv);
	switch (opt_next(&op)) {
	case OPT_END: break;
	case OPT_HELP: return opt_help(&completion_options);
	default: return EXIT_TROUBLE;
	}
	if (opt_operands(&op, 1, 1, "bash | zsh | fish") < 0)
		return EXIT_TROUBLE;
	shell = argv[optind];
	if (strcmp(shell, "bash") == 0)
		print_bash(cmds, ncmds);
	else if (strcmp(shell, "zsh") == 0)
		print_zsh(cmds, ncmds);
	else if (strcmp(shell, "fish") == 0)
		print_fish(cmds, ncmds);
	else {
		diag("completion", "unknown shell '%s' (bash, zsh, fish)",
		     shell);
		return EXIT_TROUBLE;
	}
	return diag_close_stdout("completion") == 0 ? EXIT_DONE :
	       EXIT_TROUBLE;
}
