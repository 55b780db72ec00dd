/*
 * opttab.c - option tables: getopt_long, --help and the rules every
 * command's command line follows (opttab.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "mmtool.h"
#include "opttab.h"

const char *const opt_color_words[] = { "auto", "always", "never", NULL };

const struct opt opt_help_row = {
	'h', "help", OPT_NOARG, NULL, "show this help", NULL, 0
};

const char *const opt_operand_commands[] = { NULL };

const struct opt *opt_row(const struct cmdopts *spec, size_t i)
{
	size_t n = 0;

	while (spec->opts[n].id != 0)
		n++;
	if (i < n)
		return &spec->opts[i];
	return i == n ? &opt_help_row : NULL;
}

static int is_letter(int id)
{
	return id > 0 && id < OPT_LONG;
}

void opt_init(struct optparse *p, const struct cmdopts *spec, int argc,
	      char **argv)
{
	static const int has_arg[] = {
		no_argument, required_argument, optional_argument
	};
	const struct opt *o;
	size_t i, nl = 0, ns = 0;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->argc = argc;
	p->argv = argv;
	/* '+': stop at the first operand (POSIX); ':': report a missing
	 * argument as ':' rather than '?'. */
	p->shortopts[ns++] = '+';
	p->shortopts[ns++] = ':';
	for (i = 0; (o = opt_row(spec, i)) != NULL && i < OPT_MAX; i++) {
		if (o->name != NULL) {
			p->longopts[nl].name = o->name;
			p->longopts[nl].has_arg = has_arg[o->has];
			p->longopts[nl].flag = NULL;
			p->longopts[nl].val = o->id;
			nl++;
		}
		/* A short option's value is never optional (-cVALUE or
		 * -c VALUE): OPT_OPTARG rows are long only. */
		if (is_letter(o->id) && o->has != OPT_OPTARG) {
			p->shortopts[ns++] = (char)o->id;
			if (o->has == OPT_ARG)
				p->shortopts[ns++] = ':';
		}
	}
	p->shortopts[ns] = '\0';
	/* 0, not 1: glibc and musl both restart their scan from scratch,
	 * forgetting a cluster left half read by an earlier parse. */
	optind = 0;
	opterr = 0;
}

static const struct opt *find_letter(const struct cmdopts *spec, int c)
{
	const struct opt *o;

	for (size_t i = 0; (o = opt_row(spec, i)) != NULL; i++)
		if (is_letter(o->id) && o->id == c && o->has != OPT_OPTARG)
			return o;
	return NULL;
}

/*
 * The row the long option TEXT ("--name" or "--name=value") names: an
 * exact name, else the one name it is a prefix of.  NULL after a message
 * when it names none or several.
 */
static const struct opt *resolve_long(const struct cmdopts *spec,
				      const char *text)
{
	const char *name = text + 2;
	size_t len = strcspn(name, "=");
	const struct opt *o, *hit = NULL;
	const char *cand[OPT_MAX];
	size_t n = 0;

	for (size_t i = 0; (o = opt_row(spec, i)) != NULL; i++) {
		if (o->name == NULL || strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		hit = o;
		if (n < OPT_MAX)
			cand[n++] = o->name;
	}
	if (n == 1)
		return hit;
	if (n == 0) {
		diag(spec->cmd, "unknown option --%.*s (see 'mmtool %s%s')",
		     (int)len, name, spec->cmd ? "help " : "--help",
		     spec->cmd ? spec->cmd : "");
	} else {
		char list[512];
		size_t at = 0;

		list[0] = '\0';
		for (size_t i = 0; i < n && at < sizeof(list); i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at,
					       "%s--%s", i == 0 ? "" :
					       i + 1 == n ? " or " : ", ",
					       cand[i]);
		diag(spec->cmd, "option --%.*s is ambiguous: %s", (int)len,
		     name, list);
	}
	return NULL;
}

/* Is WORD spelt as one of SPEC's options, or as any long option ("--"
 * and a letter)?  Then *NAME and *LEN say how to name it. */
static int looks_like_option(const struct cmdopts *spec, const char *word,
			     const char **name, int *len)
{
	if (word[0] != '-' || word[1] == '\0')
		return 0;
	*name = word;
	if (word[1] == '-') {
		/* "--1" is a malformed number, not an option. */
		*len = (int)strcspn(word, "=");
		return isalpha((unsigned char)word[2]);
	}
	*len = 2;
	return find_letter(spec, (unsigned char)word[1]) != NULL;
}

/*
 * At the end of the options: refuse a word among the operands that is
 * one of the command's options, since getopt stopped at the first operand
 * and would take it for an operand.
 */
static int check_operands(const struct optparse *p)
{
	const char *name;
	int len;

	if (p->dashdash)
		return 0;
	for (int i = optind + 1; i < p->argc; i++) {
		if (strcmp(p->argv[i], "--") == 0)
			return 0;
		if (looks_like_option(p->spec, p->argv[i], &name, &len)) {
			diag(p->spec->cmd, "option %.*s after operand '%s': "
			     "options come before operands", len, name,
			     p->argv[optind]);
			return -1;
		}
	}
	return 0;
}

/* --color always: the value of an optional-argument option given as a
 * separate word, which getopt takes for an operand. */
static int check_detached_value(const struct optparse *p, const struct opt *o)
{
	const char *next = optind < p->argc ? p->argv[optind] : NULL;

	if (o->words == NULL || next == NULL)
		return 0;
	for (size_t i = 0; o->words[i] != NULL; i++) {
		if (strcmp(o->words[i], next) == 0) {
			diag(p->spec->cmd, "option --%s takes its value after "
			     "'=': --%s=%s", o->name, o->name, next);
			return -1;
		}
	}
	return 0;
}

int opt_next(struct optparse *p)
{
	int at = optind > 0 ? optind : 1, c;
	const char *word = at < p->argc ? p->argv[at] : NULL;
	const struct opt *o = NULL;

	p->arg = NULL;
	/* A long option is looked up here, so that every message about it
	 * names it: getopt's '?' does not say unknown from ambiguous. */
	if (word != NULL && strncmp(word, "--", 2) == 0 && word[2] != '\0') {
		o = resolve_long(p->spec, word);
		if (o == NULL)
			return OPT_FAIL;
		if (o->has == OPT_NOARG && strchr(word, '=') != NULL) {
			diag(p->spec->cmd, "option --%s takes no argument",
			     o->name);
			return OPT_FAIL;
		}
		if (o->has == OPT_ARG && strchr(word, '=') == NULL &&
		    at + 1 >= p->argc) {
			diag(p->spec->cmd, "option --%s needs an argument",
			     o->name);
			return OPT_FAIL;
		}
	}
	c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
	if (c == -1) {
		if (word != NULL && strcmp(word, "--") == 0 && optind > at)
			p->dashdash = 1;
		return check_operands(p) < 0 ? OPT_FAIL : OPT_END;
	}
	if (c == ':') {
		diag(p->spec->cmd, "option -%c needs an argument", optopt);
		return OPT_FAIL;
	}
	if (c == '?') {
		const char *cmd = p->spec->cmd;

		if (optopt > ' ' && optopt < 127)
			diag(cmd, "unknown option -%c (see 'mmtool %s%s')",
			     optopt, cmd ? "help " : "--help", cmd ? cmd : "");
		else
			diag(cmd, "unknown option in '%s' (see 'mmtool %s%s')",
			     word ? word : "", cmd ? "help " : "--help",
			     cmd ? cmd : "");
		return OPT_FAIL;
	}
	if (c == 'h')
		return OPT_HELP;
	p->arg = optarg;
	if (o != NULL && o->has == OPT_OPTARG && optarg == NULL &&
	    check_detached_value(p, o) < 0)
		return OPT_FAIL;
	return c;
}

int opt_operands(const struct optparse *p, int min, int max,
		 const char *names)
{
	int n = p->argc - optind;

	if (n < min) {
		diag(p->spec->cmd, "missing operand: %s", names);
		return -1;
	}
	if (max >= 0 && n > max) {
		diag(p->spec->cmd, "too many operands");
		return -1;
	}
	return 0;
}

/* The left column of row O: "  -f, --format FMT", "      --color=WHEN". */
static int left_column(const struct opt *o, char *buf, size_t size)
{
	const char *sep = o->has == OPT_OPTARG ? "=" : " ";
	const char *arg = o->has == OPT_NOARG || o->argname == NULL ? "" :
			  o->argname;
	int n;

	if (!o->has || o->argname == NULL)
		sep = "";
	if (is_letter(o->id) && o->has != OPT_OPTARG && o->name != NULL)
		n = snprintf(buf, size, "  -%c, --%s%s%s", o->id, o->name,
			     sep, arg);
	else if (o->name != NULL)
		n = snprintf(buf, size, "      --%s%s%s", o->name, sep, arg);
	else
		n = snprintf(buf, size, "  -%c%s%s", o->id, sep, arg);
	return n < 0 ? 0 : n;
}

/* Help texts start in this column at most; a longer left column puts its
 * text on the next line. */
#define HELP_COLUMN_MAX 24

int opt_help(const struct cmdopts *spec)
{
	const struct opt *o;
	char left[128];
	int width = 0;

	for (size_t i = 0; (o = opt_row(spec, i)) != NULL; i++) {
		int n = left_column(o, left, sizeof(left)) + 2;

		if (n > width)
			width = n;
	}
	if (width > HELP_COLUMN_MAX)
		width = HELP_COLUMN_MAX;
	fputs(spec->usage, stdout);
	for (size_t i = 0; (o = opt_row(spec, i)) != NULL; i++) {
		const char *text = o->help;
		int n = left_column(o, left, sizeof(left));

		fputs(left, stdout);
		if (n + 2 > width)
			printf("\n%*s", width, "");
		else
			printf("%*s", width - n, "");
		for (;;) {
			size_t k = strcspn(text, "\n");

			printf("%.*s\n", (int)k, text);
			if (text[k] == '\0')
				break;
			text += k + 1;
			printf("%*s", width, "");
		}
	}
	return diag_close_stdout(spec->cmd) == 0 ? EXIT_DONE : EXIT_TROUBLE;
}
