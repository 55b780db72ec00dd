/*
 * cmdutil.h - pieces every command's front end shares: option errors, help
 * text, operands parsed with the number grammar and reported the same way.
 * All of these print their own one-line message and return -1 on failure.
 */
#ifndef CMDUTIL_H
#define CMDUTIL_H

#include <signal.h>
#include <stdint.h>
#include "numparse.h"
#include "hexdata.h"
#include "mapfile.h"
#include "outbuf.h"
#include "record.h"

/* Report a usage error "mmtool: CMD: <text>".  Returns EXIT_TROUBLE. */
int usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/*
 * Parse operand TEXT named WHAT ("offset", "length", ...) with the number
 * grammar.  0 on success; on failure -1 after "invalid WHAT 'TEXT': why".
 */
int arg_offset(const char *cmd, const char *what, const char *text,
	       struct offset *out);
int arg_count(const char *cmd, const char *what, const char *text,
	      uint64_t *out);

/*
 * Parse the COUNT hex operands OPS (hexdata.h; FLAGS HEX_WILDCARD and
 * HEX_NONEMPTY, which refuses zero bytes) into *OUT.  0, or -1 after the
 * one message every command gives: "invalid WHAT 'TEXT': ',' at column 3"
 * (TEXT the operand at fault), and *OUT zeroed.
 */
#define HEX_NONEMPTY 2
int arg_hex(const char *cmd, const char *what, char *const *ops, int count,
	    int flags, struct hexbytes *out);

/*
 * Parse -t FIELDS (record.h) into *rec.  0 on success; on failure -1 after
 * "invalid FIELDS 'TEXT': why 'PART' at column N".
 */
int arg_record(const char *cmd, const char *text, struct record *rec);

/*
 * Resolve OFF against a file of SIZE bytes (PATH names it in the message).
 * 0 and *abs; -1 after "offset -N reaches before the start of PATH (SIZE
 * bytes)".
 */
int resolve_offset(const char *cmd, const char *path, const char *text,
		   const struct offset *off, uint64_t size, uint64_t *abs);

/*
 * Check that [OFF, OFF+LEN) lies inside a file of SIZE bytes, by
 * subtraction so that nothing wraps.  0, or -1 after "range [A, B) is
 * outside PATH (SIZE bytes)" followed by "; HINT" when HINT is not NULL.
 */
int check_range(const char *cmd, const char *path, uint64_t off,
		uint64_t len, uint64_t size, const char *hint);

/*
 * Open PATH through the mapping layer with FLAGS, reporting failures as
 * "PATH: strerror".  Writers (MF_WRITE) refuse anything but a regular file
 * or block device with "PATH: not a regular file".  0 or -1.
 */
int open_file(const char *cmd, const char *path, int flags,
	      struct mapfile *mf);

/*
 * Writers: take the whole-file write lock on MF (waiting while another
 * mmtool writer holds it), then refresh mf->size, which that writer may
 * have changed meanwhile.  The lock goes with close_file.  0, or -1 after
 * "PATH: cannot lock: strerror" (the file is untouched).
 */
int lock_file(const char *cmd, const char *path, struct mapfile *mf);

/*
 * Refuse a new size for PATH past the process's file-size limit (ulimit
 * -f) before the file is touched.  The system call would fail with EFBIG
 * too, but some filesystems (ext4) stamp the file's mtime before they
 * check, and a refused command leaves the file as it was.  0, or -1 after
 * "PATH: File too large".
 */
int check_size_limit(const char *cmd, const char *path, uint64_t size);

/*
 * Report a fault that the mapping guard caught (mf->faulted) while
 * reading, or (WRITING) writing, bytes of PATH up to offset END.  When
 * the file now ends before END it shrank under the mapping: "PATH: file
 * changed size while being read".  When it still covers END, the page
 * could not be had for another reason (a hole on a full filesystem, an
 * I/O error, or a shrink undone before we looked), and the message says
 * so.  Refreshes mf->size.  Without mf->faulted (the guard could not be
 * set up) it reports errno as "PATH: strerror".
 */
void report_fault(const char *cmd, const char *path, struct mapfile *mf,
		  uint64_t end, int writing);

/*
 * A reading command's walk of [OFF, OFF+LEN) of PATH failed (mapfile_walk
 * returned -1; errno is its errno): what was printed before is true, so
 * the whole lines buffered in OUT (NULL: none) go out first, then the
 * reason, through report_fault: a fault (file changed size, or a page
 * that could not be read) or errno.  The one report of hexdump, peek,
 * find and diff.
 */
void report_read_failure(const char *cmd, const char *path,
			 struct mapfile *mf, uint64_t off, uint64_t len,
			 struct outbuf *out);

/*
 * Report a failed mapfile_prepare of PATH, whose size was OLD_SIZE when
 * checked: "PATH: another program changed its size (OLD -> NOW bytes)
 * before the write; nothing written" when mf->resized_by_other, else
 * "PATH: strerror".
 */
void report_prepare_failure(const char *cmd, const char *path,
			    const struct mapfile *mf, uint64_t old_size);

/*
 * Writers: hold SIGINT, SIGTERM, SIGHUP and SIGQUIT (block them) from the
 * first change to the file until its last store and sync, so that an
 * interrupt never leaves a write half done.  signals_release puts the
 * mask saved in *SAVED back; a signal that came meanwhile then takes
 * effect, and the program ends as that signal ends it.
 */
void signals_hold(sigset_t *saved);
void signals_release(const sigset_t *saved);

/*
 * Open PATH for reading, or adopt standard input when PATH is "-".
 * Reports failures as open_file does.  0 or -1.
 */
int open_input(const char *cmd, const char *path, struct mapfile *mf);

/*
 * Read the whole of PATH ("-": standard input) into a fresh buffer.
 * 0 with *buf (malloc'd, caller frees; NULL when *len is 0) and *len, or
 * -1 after a message.
 */
int read_input(const char *cmd, const char *path, unsigned char **buf,
	       size_t *len);

/*
 * Close MF, reporting a failure (which after writing means the data may
 * not have landed).  0 or -1.
 */
int close_file(const char *cmd, const char *path, struct mapfile *mf);

/*
 * Tests only: when the environment sets MMTOOL_TEST_WINDOW to a number of
 * bytes, use it as MF's walk window, so that window boundaries can be hit
 * with small files; when it sets MMTOOL_TEST_STOP_MAPPED, the process
 * stops itself (SIGSTOP) each time a window of MF is mapped for writing,
 * so that a test can truncate the file at that point.  Without them
 * (every real use) nothing changes.
 */
void apply_test_window(struct mapfile *mf);

/* Ignore SIGPIPE (a closed pipe is an EPIPE write error, ended quietly)
 * and SIGXFSZ (a file-size limit is an EFBIG error). */
void ignore_signals(void);

#endif
