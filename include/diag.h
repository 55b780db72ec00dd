/*
 * diag.h - the one place that talks to the user on stderr.
 *
 * Every message is a single line "mmtool: CMD: text\n".  CMD may be NULL
 * for messages that belong to no command (then "mmtool: text").
 */
#ifndef DIAG_H
#define DIAG_H

#if defined(__GNUC__)
#define DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DIAG_PRINTF(a, b)
#endif

/* Print "mmtool: CMD: <fmt...>\n". Preserves errno. */
void diag(const char *cmd, const char *fmt, ...) DIAG_PRINTF(2, 3);

/* As diag(), then ": strerror(errno)" for the errno current at the call. */
void diag_errno(const char *cmd, const char *fmt, ...) DIAG_PRINTF(2, 3);

/*
 * "" for a count of 1, else "s": every count in a message agrees in number
 * through this one helper ("%llu byte%s", n, plural(n)).
 */
const char *plural(unsigned long long n);

/*
 * Flush and check stdout before a successful exit.  Returns 0 when every
 * byte reached its destination (or the reader closed the pipe: EPIPE is a
 * quiet end, not an error), -1 after reporting a write error for CMD.
 */
int diag_close_stdout(const char *cmd);

#endif
