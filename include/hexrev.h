/*
 * hexrev.h - hexdump -r: a dump back to its bytes on standard output.
 */
#ifndef HEXREV_H
#define HEXREV_H

struct reverse_opts {
	const char *path;	/* the dump; NULL: standard input */
	int plain;		/* -f plain: hex digits (xxd -r -p); else
				 * lines with offsets, xxd or hexdump -C */
	unsigned flags;		/* DUMPLINE_LITTLE_ENDIAN, _BITS, _DECIMAL */
};

/*
 * Read the dump at O->path and write its bytes to standard output, as
 * xxd -r -p (plain) or xxd -r into a pipe do: a gap between lines is
 * written as NULs, a '*' repeats the data line above it.  A bad line is
 * reported as "DUMP:LINE: what" and ends the run; bytes of earlier lines
 * may have been written by then only when they passed the output buffer.
 * Returns the exit status (EXIT_DONE, or EXIT_TROUBLE after a message).
 */
int hexdump_reverse(const struct reverse_opts *o);

#endif
