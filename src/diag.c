/*
 * diag.c - messages on stderr and the final check of stdout.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/*
 * Build the whole line first and write it with one fputs, so that a
 * message is never interleaved with another process's output.
 */
static void vdiag(const char *cmd, int with_errno, int err, const char *fmt,
		  va_list ap)
{
	char line[1024];
	size_t n;

	if (cmd != NULL)
		n = (size_t)snprintf(line, sizeof(line), "mmtool: %s: ", cmd);
	else
		n = (size_t)snprintf(line, sizeof(line), "mmtool: ");
	if (n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (with_errno && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
	n = strlen(line);
	/* Keep it to one line even when a file name holds a newline. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = '?';
	fputs(line, stderr);
	fputc('\n', stderr);
	fflush(stderr);
}

void diag(const char *cmd, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vdiag(cmd, 0, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void diag_errno(const char *cmd, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vdiag(cmd, 1, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

const char *plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}

int diag_close_stdout(const char *cmd)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return 0;
	diag_errno(cmd, "write error on standard output");
	return -1;
}
