/*
 * test_badinput.c - the bad-input table: every row is one bad invocation
 * of one of the six commands, and becomes one cmocka test named after the
 * row, so that a failure names the invocation.
 *
 * Each row asserts what SPEC.md promises for a refusal: exit 2 (1 for an
 * --expect that does not match), exactly one line on stderr beginning
 * "mmtool: " (containing the row's text, when it gives one), nothing on
 * stdout, and the files the row could touch unchanged: bytes, size and
 * mtime.  Nothing is created where a missing file was named.
 *
 * Operands starting with '@' stand for the odd files made in the group
 * setup (see placeholder()).  Rows marked AS_NOBODY run mmtool, as root,
 * as user 65534 (setpriv) against a root-owned 0600 file, and otherwise
 * against a file of the tester's own with mode 0.  Rows marked ON_RO run
 * against a file on a read-only tmpfs, which needs root; they are skipped
 * with a message saying why otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

enum need {
	ANYONE,		/* runs everywhere */
	AS_NOBODY,	/* root only: mmtool runs as 65534 through setpriv */
	ON_RO		/* root only: the file lies on a read-only tmpfs */
};

struct bad_row {
	const char *name;	/* the test's name */
	int status;		/* 2, or 1 for an --expect mismatch */
	const char *in;		/* standard input, or NULL for /dev/null */
	const char *msg;	/* text the message must hold, or NULL */
	enum need need;
	const char *argv[12];	/* NULL-terminated */
};

#define ROW(name, msg, ...) \
	{ name, 2, NULL, msg, ANYONE, { __VA_ARGS__, NULL } }
#define ROW_IN(name, in, msg, ...) \
	{ name, 2, in, msg, ANYONE, { __VA_ARGS__, NULL } }
#define ROW_STATUS(name, status, msg, ...) \
	{ name, status, NULL, msg, ANYONE, { __VA_ARGS__, NULL } }
#define ROW_NEED(name, need, in, msg, ...) \
	{ name, 2, in, msg, need, { __VA_ARGS__, NULL } }

/* The target @F holds this four times: 64 bytes, F[0] is '0' (0x30). */
static const char digits16[] = "0123456789abcdef";

#define TOOBIG "9223372036854775808"	/* 2^63 */
#define MAXOFF "9223372036854775807"	/* 2^63-1 */
/* glibc's strerror text | musl's (the musl build runs this table too) */
#define LOOP "Too many levels of symbolic links|Symbolic link loop"
#define NOTDIR "Not a directory"
#define ISDIR "Is a directory"
#define NOENT "No such file or directory"
#define LONGNAME "File name too long|Filename too long"
#define NOTREG "not a regular file"
#define ACCES "Permission denied"
#define ROFS "Read-only file system"
#define OUTSIDE "is outside"
#define PAST_MAX "larger than 2^63-1"
#define TRAILING "trailing characters"

/* Does TEXT contain one of the '|'-separated ALTERNATIVES? */
static int contains_one_of(const char *text, const char *alternatives)
{
	char buf[256];
	char *alt, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", alternatives);
	for (alt = strtok_r(buf, "|", &save); alt != NULL;
	     alt = strtok_r(NULL, "|", &save))
		if (strstr(text, alt) != NULL)
			return 1;
	return 0;
}

static const struct bad_row rows[] = {
	/* ---- peek: numbers at and past every limit ---- */
	ROW("peek_offset_2p63", PAST_MAX, "peek", "@F", TOOBIG),
	ROW("peek_offset_2p63_minus_1", OUTSIDE, "peek", "@F", MAXOFF),
	ROW("peek_offset_8E", PAST_MAX, "peek", "@F", "8E"),
	ROW("peek_offset_9E", PAST_MAX, "peek", "@F", "9E"),
	ROW("peek_offset_hex_2p63", PAST_MAX, "peek", "@F",
	    "0x8000000000000000"),
	ROW("peek_offset_hex_max", OUTSIDE, "peek", "@F",
	    "0x7fffffffffffffff"),
	ROW("peek_offset_1k2", TRAILING, "peek", "@F", "1k2"),
	ROW("peek_offset_leading_blank", "' 1'", "peek", "@F", " 1"),
	ROW("peek_offset_trailing_blank", "'1 '", "peek", "@F", "1 "),
	ROW("peek_offset_empty", "invalid offset ''", "peek", "@F", ""),
	ROW("peek_offset_bare_minus", "invalid offset '-'", "peek", "@F", "-"),
	ROW("peek_offset_bare_plus", "invalid offset '+'", "peek", "@F", "+"),
	ROW("peek_offset_unit_on_hex", "0x1K", "peek", "@F", "0x1K"),
	ROW("peek_offset_0x_alone", "'0x'", "peek", "@F", "0x"),
	ROW("peek_offset_lowercase_unit", "'1kb'", "peek", "@F", "1kb"),
	ROW("peek_offset_before_start", "reaches before the start", "peek",
	    "@F", "-65"),
	ROW("peek_offset_minus_2p63", "'-" TOOBIG "'", "peek", "@F",
	    "-" TOOBIG),
	ROW("peek_length_negative", "negative", "peek", "@F", "0", "-1"),
	ROW("peek_length_2p63", PAST_MAX, "peek", "@F", "0", TOOBIG),
	ROW("peek_length_max", OUTSIDE, "peek", "@F", "1", MAXOFF),
	ROW("peek_range_at_end", OUTSIDE, "peek", "@F", "64"),
	ROW("peek_range_past_end", "[1, 65)", "peek", "@F", "1", "64"),
	ROW("peek_empty_file", OUTSIDE, "peek", "@E", "0"),
	/* ---- peek: types, formats, options, operands ---- */
	ROW("peek_unknown_type", "unknown type 'u24'", "peek", "-t", "u24",
	    "@F", "0"),
	ROW("peek_type_length_not_multiple", "not a multiple", "peek", "-t",
	    "u32", "@F", "0", "3"),
	ROW("peek_unknown_format", "unknown format", "peek", "-f", "bogus",
	    "@F", "0"),
	ROW("peek_format_and_type", "cannot be combined", "peek", "-f", "hex",
	    "-t", "u8", "@F", "0"),
	ROW("peek_expect_bad_hex", "invalid --expect", "peek", "--expect",
	    "zz", "@F", "0"),
	ROW("peek_expect_odd_digits", "invalid --expect", "peek", "--expect",
	    "abc", "@F", "0"),
	ROW("peek_expect_empty", "no hex bytes", "peek", "--expect=",
	    "@F", "0"),
	ROW("peek_expect_length_differs", "differs", "peek", "--expect",
	    "00", "@F", "0", "2"),
	ROW_STATUS("peek_expect_mismatch", 1, "expected 00", "peek",
		   "--expect", "00", "@F", "0"),
	ROW("peek_unknown_long_option", "unknown option --bogus", "peek",
	    "--bogus", "@F", "0"),
	ROW("peek_unknown_short_option", "unknown option -x", "peek", "-x",
	    "@F", "0"),
	ROW("peek_option_needs_argument", "needs an argument", "peek", "-f"),
	ROW("peek_missing_operands", "missing operand", "peek", "@F"),
	ROW("peek_too_many_operands", "too many operands", "peek", "@F", "0",
	    "1", "2"),
	/* ---- peek: odd files ---- */
	ROW("peek_directory", ISDIR, "peek", "@D", "0"),
	ROW("peek_missing_file", NOENT, "peek", "@M", "0"),
	ROW("peek_symlink_loop", LOOP, "peek", "@L", "0"),
	ROW("peek_file_slash", NOTDIR, "peek", "@F/", "0"),
	ROW("peek_empty_path", "empty file name", "peek", "", "0"),
	ROW("peek_long_name", LONGNAME, "peek", "@LONGNAME", "0"),
	ROW("peek_long_path", LONGNAME, "peek", "@LONGPATH", "0"),
	ROW("peek_dev_null", "ended after 0 bytes", "peek", "/dev/null", "0"),
	ROW("peek_negative_offset_on_stream", "negative offset on a stream",
	    "peek", "/dev/zero", "-1"),
	ROW_NEED("peek_no_permission", AS_NOBODY, NULL, ACCES, "peek", "@RD",
		 "0"),

	/* ---- poke ---- */
	ROW("poke_no_data", "no DATA", "poke", "@F", "0"),
	/* Issue 13.4: the text, the character and its column. */
	ROW("poke_data_comma", "invalid DATA '7f,45': ',' at column 3", "poke",
	    "@F", "0", "7f,45"),
	ROW("poke_data_second_operand", "invalid DATA 'be:eg': 'g' at column 5",
	    "poke", "@F", "0", "dead", "be:eg"),
	ROW("poke_data_odd", "invalid DATA 'abc': odd number of hex digits "
	    "('c' at column 3 has no pair)", "poke", "@F", "0", "abc"),
	ROW("poke_data_control", "invalid DATA 'a\001': byte 0x01 at column 2",
	    "poke", "@F", "0", "a\001"),
	/* Issue 8.14: --expect says why, as peek does. */
	ROW("poke_expect_odd", "invalid --expect '4': odd number of hex digits",
	    "poke", "--expect", "4", "@F", "0", "00"),
	ROW("poke_expect_zz", "invalid --expect 'zz': 'z' at column 1", "poke",
	    "--expect", "zz", "@F", "0", "00"),
	ROW("poke_expect_0x", "invalid --expect '0x': no digits after 0x at "
	    "column 1", "poke", "--expect", "0x", "@F", "0", "00"),
	ROW("poke_expect_wild", "invalid --expect '?\?': '?' at column 1",
	    "poke", "--expect", "??", "@F", "0", "00"),
	ROW("poke_expect_empty", "invalid --expect '': no hex bytes", "poke",
	    "--expect=", "@F", "0", "00"),
	/* --expect HEX takes "??" as find does: a lone '?' is unpaired. */
	ROW("peek_expect_column", "invalid --expect 'de:a?': unpaired '?' "
	    "wildcard at column 5", "peek", "--expect", "de:a?", "@F", "0"),
	ROW("peek_expect_bad_char_column", "invalid --expect 'de,ad': ',' at "
	    "column 3", "peek", "--expect", "de,ad", "@F", "0"),
	ROW("find_pattern_column", "invalid PATTERN 'de,ad': ',' at column 3",
	    "find", "@F", "de,ad"),
	ROW("find_pattern_unpaired", "invalid PATTERN 'de?': unpaired '?' "
	    "wildcard at column 3", "find", "@F", "de?"),
	ROW("poke_odd_digits", "invalid DATA", "poke", "@F", "0", "abc"),
	ROW("poke_bad_hex", "invalid DATA", "poke", "@F", "0", "zz"),
	ROW("poke_odd_digits_joined", "invalid DATA", "poke", "@F", "0",
	    "aa bb cc d"),
	ROW("poke_zero_bytes_string", "zero bytes", "poke", "-s", "@F", "0",
	    ""),
	ROW_IN("poke_zero_bytes_stdin", "", "zero bytes", "poke", "-i", "-",
	       "@F", "0"),
	ROW("poke_offset_2p63", PAST_MAX, "poke", "@F", TOOBIG, "aa"),
	ROW("poke_offset_hex_2p63", PAST_MAX, "poke", "@F",
	    "0x8000000000000000", "aa"),
	ROW("poke_offset_8E", PAST_MAX, "poke", "@F", "8E", "aa"),
	ROW("poke_offset_1k2", TRAILING, "poke", "@F", "1k2", "aa"),
	ROW("poke_offset_empty", "invalid offset ''", "poke", "@F", "", "aa"),
	ROW("poke_offset_before_start", "reaches before the start", "poke",
	    "@F", "-65", "aa"),
	ROW("poke_at_end_without_grow", "--grow extends", "poke", "@F", "64",
	    "aa"),
	ROW("poke_across_end_without_grow", "[63, 65)", "poke", "@F", "63",
	    "aabb"),
	ROW("poke_grow_past_2p63", "File too large", "poke", "--grow", "@F",
	    MAXOFF, "aa"),
	ROW("poke_type_u8_256", "out of range", "poke", "-t", "u8", "@F", "0",
	    "256"),
	ROW("poke_type_i8_minus_129", "out of range", "poke", "-t", "i8",
	    "@F", "0", "-129"),
	ROW("poke_type_u64_2p64", "out of range", "poke", "-t", "u64", "@F",
	    "0", "18446744073709551616"),
	ROW("poke_type_f32_text", "invalid f32 value", "poke", "-t", "f32",
	    "@F", "0", "abc"),
	ROW("poke_type_u16_fraction", "invalid u16 value", "poke", "-t", "u16",
	    "@F", "0", "1.5"),
	ROW("poke_unknown_type", "unknown type", "poke", "-t", "u128", "@F",
	    "0", "1"),
	ROW("poke_type_past_end", OUTSIDE, "poke", "-t", "u32", "@F", "62",
	    "1"),
	ROW("poke_string_two_operands", "exactly one", "poke", "-s", "@F", "0",
	    "a", "b"),
	ROW("poke_string_and_type", "cannot be combined", "poke", "-s", "-t",
	    "u8", "@F", "0", "1"),
	ROW("poke_input_missing", NOENT, "poke", "-i", "@M", "@F", "0"),
	ROW("poke_input_directory", ISDIR, "poke", "-i", "@D", "@F", "0"),
	ROW("poke_input_and_data", "no DATA operand", "poke", "-i", "@E", "@F",
	    "0", "aa"),
	ROW_STATUS("poke_expect_mismatch", 1, "nothing written", "poke",
		   "--expect", "00", "@F", "0", "aa"),
	ROW("poke_expect_bad_hex", "invalid --expect", "poke", "--expect",
	    "zz", "@F", "0", "aa"),
	ROW("poke_expect_past_end", OUTSIDE, "poke", "--grow", "--expect",
	    "0000", "@F", "63", "aa"),
	ROW("poke_unknown_long_option", "unknown option --nope", "poke",
	    "--nope", "@F", "0", "aa"),
	ROW("poke_long_option_with_argument", "takes no argument", "poke",
	    "--grow=yes", "@F", "0", "aa"),
	ROW("poke_missing_operands", "missing operand", "poke", "@F"),
	ROW("poke_directory", ISDIR, "poke", "@D", "0", "aa"),
	ROW("poke_fifo", NOTREG, "poke", "@P", "0", "aa"),
	ROW("poke_dev_null", NOTREG, "poke", "/dev/null", "0", "aa"),
	ROW("poke_dev_zero", NOTREG, "poke", "/dev/zero", "0", "aa"),
	ROW("poke_symlink_loop", LOOP, "poke", "@L", "0", "aa"),
	ROW("poke_file_slash", NOTDIR, "poke", "@F/", "0", "aa"),
	ROW("poke_empty_path", "empty file name", "poke", "", "0", "aa"),
	ROW("poke_long_name", LONGNAME, "poke", "@LONGNAME", "0", "aa"),
	ROW("poke_long_path", LONGNAME, "poke", "@LONGPATH", "0", "aa"),
	ROW("poke_missing_file", NOENT, "poke", "@M", "0", "aa"),
	ROW_NEED("poke_no_permission", AS_NOBODY, NULL, ACCES, "poke", "@RD",
		 "0", "aa"),
	ROW_NEED("poke_read_only_fs", ON_RO, NULL, ROFS, "poke", "@RO", "0",
		 "aa"),

	/* ---- resize ---- */
	ROW("resize_shrink_without_flag", "would discard 54 bytes", "resize",
	    "@F", "10"),
	ROW("resize_shrink_by_without_flag", "--shrink allows", "resize", "@F",
	    "-1"),
	ROW("resize_size_empty", "invalid size ''", "resize", "@F", ""),
	ROW("resize_bare_plus", "no number after", "resize", "@F", "+"),
	ROW("resize_sign_after_operator", "sign after the operator", "resize",
	    "@F", "++5"),
	ROW("resize_round_down_by_zero", "division by zero", "resize", "@F",
	    "/0"),
	ROW("resize_round_up_by_zero", "division by zero", "resize", "@F",
	    "%0"),
	ROW("resize_size_2p63", PAST_MAX, "resize", "@F", TOOBIG),
	ROW("resize_size_hex_2p63", PAST_MAX, "resize", "@F",
	    "0x8000000000000000"),
	ROW("resize_size_8E", PAST_MAX, "resize", "@F", "8E"),
	ROW("resize_grow_past_2p63", "File too large", "resize", "@F",
	    "+" MAXOFF),
	ROW("resize_round_up_past_2p63", "File too large", "resize", "@F",
	    "%" MAXOFF),
	ROW("resize_size_1k2", TRAILING, "resize", "@F", "1k2"),
	ROW("resize_size_unit_on_hex", "0x1K", "resize", "@F", "0x1K"),
	ROW("resize_size_blank", "' 1'", "resize", "@F", " 1"),
	/* Issue 13.4: a size with an operator is named whole. */
	ROW("resize_operator_blank", "invalid size '> -1'", "resize", "@F",
	    "> -1"),
	ROW("resize_operator_garbage", "invalid size '+1k2'", "resize", "@F",
	    "+1k2"),
	ROW("resize_unknown_operator", "'=5'", "resize", "@F", "=5"),
	ROW("resize_missing_operand", "missing operand", "resize", "@F"),
	ROW("resize_too_many_operands", "too many operands", "resize", "@F",
	    "1", "2"),
	ROW("resize_unknown_option", "unknown option --bogus", "resize",
	    "--bogus", "@F", "1"),
	ROW("resize_missing_file", NOENT, "resize", "@M", "100"),
	ROW("resize_create_in_missing_dir", NOENT, "resize", "-c", "@M/x",
	    "100"),
	ROW("resize_directory", ISDIR, "resize", "@D", "1"),
	ROW("resize_fifo", NOTREG, "resize", "@P", "1"),
	ROW("resize_dev_null", NOTREG, "resize", "/dev/null", "1"),
	ROW("resize_symlink_loop", LOOP, "resize", "-c", "@L", "1"),
	ROW("resize_file_slash", NOTDIR, "resize", "@F/", "1"),
	ROW("resize_empty_path", "empty file name", "resize", "", "1"),
	ROW("resize_long_name", LONGNAME, "resize", "-c", "@LONGNAME", "1"),
	ROW("resize_long_path", LONGNAME, "resize", "@LONGPATH", "1"),
	ROW_NEED("resize_no_permission", AS_NOBODY, NULL, ACCES, "resize",
		 "@RD", "100"),
	ROW_NEED("resize_read_only_fs", ON_RO, NULL, ROFS, "resize", "@RO",
		 "100"),

	/* ---- hexdump ---- */
	ROW("hexdump_skip_2p63", PAST_MAX, "hexdump", "-s", TOOBIG, "@F"),
	ROW("hexdump_skip_hex_2p63", PAST_MAX, "hexdump", "-s",
	    "0x8000000000000000", "@F"),
	ROW("hexdump_skip_before_start", "reaches before the start", "hexdump",
	    "-s", "-65", "@F"),
	ROW("hexdump_skip_empty", "invalid offset ''", "hexdump", "-s", "",
	    "@F"),
	ROW("hexdump_length_negative", "negative", "hexdump", "-n", "-1",
	    "@F"),
	ROW("hexdump_length_1k2", TRAILING, "hexdump", "-n", "1k2", "@F"),
	ROW("hexdump_length_8E", PAST_MAX, "hexdump", "-n", "8E", "@F"),
	ROW("hexdump_cols_2p63", PAST_MAX, "hexdump", "-f", "xxd", "-c",
	    TOOBIG, "@F"),
	ROW("hexdump_cols_blank", "' 1'", "hexdump", "-f", "xxd", "-c", " 1",
	    "@F"),
	ROW("hexdump_cols_on_canonical", "canonical", "hexdump", "-c", "4",
	    "@F"),
	ROW("hexdump_group_on_canonical", "canonical", "hexdump", "-g", "2",
	    "@F"),
	ROW("hexdump_unknown_format", "unknown format", "hexdump", "-f",
	    "bogus", "@F"),
	ROW("hexdump_bad_color", "invalid --color", "hexdump",
	    "--color=sometimes", "@F"),
	ROW("hexdump_unknown_option", "unknown option --bogus", "hexdump",
	    "--bogus", "@F"),
	ROW("hexdump_too_many_operands", "too many operands", "hexdump", "@F",
	    "@F"),
	ROW_IN("hexdump_negative_skip_on_stdin", "abc",
	       "negative offset on a stream", "hexdump", "-s", "-1", "-"),
	ROW("hexdump_directory", ISDIR, "hexdump", "@D"),
	ROW("hexdump_missing_file", NOENT, "hexdump", "@M"),
	ROW("hexdump_symlink_loop", LOOP, "hexdump", "@L"),
	ROW("hexdump_file_slash", NOTDIR, "hexdump", "@F/"),
	ROW("hexdump_empty_path", "empty file name", "hexdump", ""),
	ROW("hexdump_long_name", LONGNAME, "hexdump", "@LONGNAME"),
	ROW("hexdump_long_path", LONGNAME, "hexdump", "@LONGPATH"),
	ROW_NEED("hexdump_no_permission", AS_NOBODY, NULL, ACCES, "hexdump",
		 "@RD"),

	/* ---- patch ---- */
	ROW_IN("patch_not_a_dump", "garbage\n", "standard input:1:", "patch",
	       "@F", "-"),
	ROW_IN("patch_bad_hex_digit", "00000000: zz\n", "invalid hex digit",
	       "patch", "@F", "-"),
	ROW_IN("patch_half_byte", "00000000  41 42 4\n", "half a byte",
	       "patch", "@F", "-"),
	ROW_IN("patch_second_line_bad", "00000000: 4142\n00000010: 4g\n",
	       "standard input:2:", "patch", "@F", "-"),
	ROW_IN("patch_offset_backwards", "00000010: 41\n00000000: 42\n",
	       "goes back", "patch", "@F", "-"),
	ROW_IN("patch_past_end", "00000040: 4142\n", "--grow extends",
	       "patch", "@F", "-"),
	ROW_IN("patch_across_end", "0000003f: 4142\n", "[63, 65)", "patch",
	       "@F", "-"),
	ROW_IN("patch_bytes_pass_2p63", "7fffffffffffffff: 4142\n",
	       "2^63-1", "patch", "--grow", "@F", "-"),
	ROW_IN("patch_offset_past_2p63", "ffffffffffffffff: 41\n",
	       "2^63-1", "patch", "@F", "-"),
	ROW("patch_dump_missing", NOENT, "patch", "@F", "@M"),
	ROW("patch_dump_directory", ISDIR, "patch", "@F", "@D"),
	ROW("patch_dump_symlink_loop", LOOP, "patch", "@F", "@L"),
	ROW("patch_missing_operand", NULL, "patch"),
	ROW("patch_too_many_operands", NULL, "patch", "@F", "-", "-"),
	ROW("patch_unknown_option", "unknown option --bogus", "patch",
	    "--bogus", "@F", "-"),
	ROW_IN("patch_directory", "00000000: 41\n", ISDIR, "patch", "@D", "-"),
	ROW_IN("patch_fifo", "00000000: 41\n", NOTREG, "patch", "@P", "-"),
	ROW_IN("patch_dev_null", "00000000: 41\n", NOTREG, "patch",
	       "/dev/null", "-"),
	ROW_IN("patch_symlink_loop", "00000000: 41\n", LOOP, "patch", "@L",
	       "-"),
	ROW_IN("patch_file_slash", "00000000: 41\n", NOTDIR, "patch", "@F/",
	       "-"),
	ROW_IN("patch_empty_path", "00000000: 41\n", "empty file name",
	       "patch", "", "-"),
	ROW_IN("patch_long_name", "00000000: 41\n", LONGNAME, "patch",
	       "@LONGNAME", "-"),
	ROW_IN("patch_long_path", "00000000: 41\n", LONGNAME, "patch",
	       "@LONGPATH", "-"),
	ROW_IN("patch_missing_file", "00000000: 41\n", NOENT, "patch", "@M",
	       "-"),
	ROW_NEED("patch_no_permission", AS_NOBODY, "00000000: 41\n", ACCES,
		 "patch", "@RD", "-"),
	ROW_NEED("patch_read_only_fs", ON_RO, "00000000: 41\n", ROFS, "patch",
		 "@RO", "-"),

	/* ---- find ---- */
	ROW("find_empty_pattern", "empty PATTERN", "find", "@F", ""),
	ROW("find_empty_string_pattern", "empty PATTERN", "find", "-s", "@F",
	    ""),
	ROW("find_bad_hex", "invalid PATTERN", "find", "@F", "zz"),
	ROW("find_odd_digits", "invalid PATTERN", "find", "@F", "abc"),
	ROW("find_half_wildcard", "invalid PATTERN", "find", "@F", "4?"),
	ROW("find_max_negative", "negative", "find", "-m", "-1", "@F", "30"),
	ROW("find_max_1k2", TRAILING, "find", "-m", "1k2", "@F", "30"),
	ROW("find_max_2p63", PAST_MAX, "find", "-m", TOOBIG, "@F", "30"),
	ROW("find_offset_2p63", PAST_MAX, "find", "-o", TOOBIG, "@F", "30"),
	ROW("find_offset_before_start", "reaches before the start", "find",
	    "-o", "-65", "@F", "30"),
	ROW("find_offset_bare_minus", "invalid offset '-'", "find", "-o", "-",
	    "@F", "30"),
	ROW("find_length_negative", "negative", "find", "-n", "-1", "@F",
	    "30"),
	ROW("find_length_unit_on_hex", "0x1K", "find", "-n", "0x1K", "@F",
	    "30"),
	ROW_IN("find_negative_offset_on_stdin", "abc",
	       "negative offset on a stream", "find", "-o", "-1", "-", "61"),
	ROW("find_missing_operand", "missing operand", "find", "@F"),
	ROW("find_too_many_operands", "too many operands", "find", "@F", "30",
	    "31"),
	ROW("find_unknown_option", "unknown option --bogus", "find", "--bogus",
	    "@F", "30"),
	ROW("find_directory", ISDIR, "find", "@D", "30"),
	ROW("find_missing_file", NOENT, "find", "@M", "30"),
	ROW("find_symlink_loop", LOOP, "find", "@L", "30"),
	ROW("find_file_slash", NOTDIR, "find", "@F/", "30"),
	ROW("find_empty_path", "empty file name", "find", "", "30"),
	ROW("find_long_name", LONGNAME, "find", "@LONGNAME", "30"),
	ROW("find_long_path", LONGNAME, "find", "@LONGPATH", "30"),
	ROW_NEED("find_no_permission", AS_NOBODY, NULL, ACCES, "find", "@RD",
		 "30"),

	/* ---- no command ---- */
	ROW("unknown_command_suggests", "did you mean 'peek'", "pek", "@F",
	    "0"),
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* The odd files, made once by setup_files. */
static struct {
	char f[512], e[512], d[512], p[512], l[512], m[512];
	char rd[512], ro[512], ro_dir[512], nobody_sh[600];
	char *longname, *longpath;
	const char *ro_skip;		/* why ON_RO rows skip, or NULL */
	const char *nobody_skip;	/* why AS_NOBODY rows skip, or NULL */
} fx;

static void copy_path(char *dst, size_t size, const char *src)
{
	assert_true(strlen(src) < size);
	strcpy(dst, src);
}

/* Run a shell command; 1 if it exited 0. */
static int shell_ok(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) == 0;
}

/* A read-only tmpfs holding one file, when we are root and may mount. */
static void setup_ro(void)
{
	if (geteuid() != 0) {
		fx.ro_skip = "not root: cannot mount a read-only tmpfs";
		return;
	}
	copy_path(fx.ro_dir, sizeof(fx.ro_dir), tmp_path("rofs"));
	copy_path(fx.ro, sizeof(fx.ro), tmp_path("rofs/file"));
	assert_int_equal(mkdir(fx.ro_dir, 0755), 0);
	if (!shell_ok("mount -t tmpfs -o size=64k tmpfs '%s' 2>/dev/null",
		      fx.ro_dir)) {
		fx.ro_skip = "mount -t tmpfs failed (no CAP_SYS_ADMIN?)";
		fx.ro_dir[0] = '\0';
		return;
	}
	write_file(fx.ro, digits16, 16);
	if (!shell_ok("mount -o remount,ro '%s' 2>/dev/null", fx.ro_dir))
		fx.ro_skip = "mount -o remount,ro failed";
}

/*
 * A root-owned 0600 file that user 65534 cannot open, and a script that
 * runs mmtool as that user: setpriv drops to it before exec.  The test
 * directory is opened to traversal so that the refusal is the file's own.
 */
static void setup_nobody(void)
{
	char cmd[1200];
	FILE *fp;

	copy_path(fx.rd, sizeof(fx.rd), tmp_path("secret"));
	write_file(fx.rd, digits16, 16);
	if (geteuid() != 0) {
		/* Not root: a file of our own with no permission at all is
		 * refused to us just the same. */
		assert_int_equal(chmod(fx.rd, 0), 0);
		return;
	}
	if (!have_program("setpriv")) {
		fx.nobody_skip = "setpriv not found";
		return;
	}
	assert_int_equal(chmod(test_tmpdir(), 0711), 0);
	assert_int_equal(chmod(fx.rd, 0600), 0);
	copy_path(fx.nobody_sh, sizeof(fx.nobody_sh), tmp_path("as-nobody"));
	fp = fopen(fx.nobody_sh, "w");
	assert_non_null(fp);
	fprintf(fp, "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 "
		"--clear-groups '%s' \"$@\"\n", mmtool_path());
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(fx.nobody_sh, 0755), 0);
	/* mmtool must be reachable by that user (a build under /root is
	 * not). */
	snprintf(cmd, sizeof(cmd), "'%s' --version >/dev/null 2>&1",
		 fx.nobody_sh);
	if (system(cmd) != 0)
		fx.nobody_skip = "user 65534 cannot run the mmtool under test "
				 "(a directory on its path is closed)";
}

static int setup_files(void **state)
{
	size_t n;
	char *p;

	(void)state;
	copy_path(fx.f, sizeof(fx.f), tmp_path("target"));
	copy_path(fx.e, sizeof(fx.e), tmp_path("empty"));
	copy_path(fx.d, sizeof(fx.d), tmp_path("dir"));
	copy_path(fx.p, sizeof(fx.p), tmp_path("fifo"));
	copy_path(fx.l, sizeof(fx.l), tmp_path("loop1"));
	copy_path(fx.m, sizeof(fx.m), tmp_path("missing"));
	for (int i = 0; i < 4; i++) {
		FILE *fp = fopen(fx.f, i == 0 ? "w" : "a");

		assert_non_null(fp);
		fputs(digits16, fp);
		assert_int_equal(fclose(fp), 0);
	}
	write_file(fx.e, "", 0);
	assert_int_equal(mkdir(fx.d, 0755), 0);
	assert_int_equal(mkfifo(fx.p, 0644), 0);
	assert_int_equal(symlink("loop2", fx.l), 0);
	assert_int_equal(symlink("loop1", tmp_path("loop2")), 0);

	/* One component longer than NAME_MAX (255 on every Linux
	 * filesystem), and a path of short components longer than PATH_MAX
	 * (4096). */
	fx.longname = malloc(strlen(test_tmpdir()) + 400);
	assert_non_null(fx.longname);
	n = (size_t)sprintf(fx.longname, "%s/", test_tmpdir());
	memset(fx.longname + n, 'n', 300);
	fx.longname[n + 300] = '\0';
	fx.longpath = malloc(5000 + 16);
	assert_non_null(fx.longpath);
	for (p = fx.longpath; p - fx.longpath < 5000; p += 10)
		memcpy(p, "aaaaaaaaa/", 10);
	strcpy(p, "file");

	setup_ro();
	setup_nobody();
	return 0;
}

static int teardown_files(void **state)
{
	(void)state;
	if (fx.ro_dir[0] != '\0' && !shell_ok("umount '%s'", fx.ro_dir))
		fprintf(stderr, "could not unmount %s\n", fx.ro_dir);
	free(fx.longname);
	free(fx.longpath);
	return 0;
}

/* The operand TEXT with its placeholder replaced. */
static const char *placeholder(const char *text)
{
	static char slash[520];

	if (text[0] != '@')
		return text;
	if (strcmp(text, "@F") == 0)
		return fx.f;
	if (strcmp(text, "@F/") == 0) {
		snprintf(slash, sizeof(slash), "%s/", fx.f);
		return slash;
	}
	if (strcmp(text, "@E") == 0)
		return fx.e;
	if (strcmp(text, "@D") == 0)
		return fx.d;
	if (strcmp(text, "@P") == 0)
		return fx.p;
	if (strcmp(text, "@L") == 0)
		return fx.l;
	if (strcmp(text, "@M") == 0)
		return fx.m;
	if (strcmp(text, "@M/x") == 0) {
		snprintf(slash, sizeof(slash), "%s/x", fx.m);
		return slash;
	}
	if (strcmp(text, "@RD") == 0)
		return fx.rd;
	if (strcmp(text, "@RO") == 0)
		return fx.ro;
	if (strcmp(text, "@LONGNAME") == 0)
		return fx.longname;
	if (strcmp(text, "@LONGPATH") == 0)
		return fx.longpath;
	fail_msg("unknown placeholder %s", text);
	return NULL;
}

static void run_row(void **state)
{
	const struct bad_row *row = *state;
	const char *argv[12];
	struct snapshot sf, se, sx;
	const char *extra = NULL;
	const char *saved_mmtool = NULL;
	char *saved = NULL;
	struct stat st;
	struct run r;
	size_t i;

	if (row->need == ON_RO && fx.ro_skip != NULL) {
		print_message("skipped: %s\n", fx.ro_skip);
		skip();
	}
	if (row->need == AS_NOBODY && fx.nobody_skip != NULL) {
		print_message("skipped: %s\n", fx.nobody_skip);
		skip();
	}
	for (i = 0; row->argv[i] != NULL; i++)
		argv[i] = placeholder(row->argv[i]);
	argv[i] = NULL;
	if (row->need == ON_RO)
		extra = fx.ro;
	else if (row->need == AS_NOBODY)
		extra = fx.rd;

	/* Not root, the file without permission cannot be read back: its
	 * size and mtime are checked alone. */
	if (extra == fx.rd && geteuid() != 0) {
		assert_int_equal(stat(fx.rd, &st), 0);
		extra = NULL;
	}
	snapshot_take(&sf, fx.f);
	snapshot_take(&se, fx.e);
	if (extra != NULL)
		snapshot_take(&sx, extra);
	if (row->need == AS_NOBODY && fx.nobody_sh[0] != '\0') {
		saved_mmtool = getenv("MMTOOL");
		saved = saved_mmtool ? strdup(saved_mmtool) : NULL;
		setenv("MMTOOL", fx.nobody_sh, 1);
	}
	run_mmtool(&r, row->in, row->in ? strlen(row->in) : 0, argv);
	if (row->need == AS_NOBODY && fx.nobody_sh[0] != '\0') {
		if (saved != NULL)
			setenv("MMTOOL", saved, 1);
		else
			unsetenv("MMTOOL");
		free(saved);
	}

	assert_refused(&r, row->status);
	if (row->msg != NULL && !contains_one_of(r.err, row->msg))
		fail_msg("stderr [%s] does not contain [%s]", r.err, row->msg);
	snapshot_assert_same(&sf, fx.f);
	snapshot_assert_same(&se, fx.e);
	if (extra != NULL) {
		snapshot_assert_same(&sx, extra);
		snapshot_free(&sx);
	} else if (row->need == AS_NOBODY) {
		struct stat now;

		assert_int_equal(stat(fx.rd, &now), 0);
		assert_int_equal(now.st_size, st.st_size);
		assert_int_equal(now.st_mtim.tv_sec, st.st_mtim.tv_sec);
		assert_int_equal(now.st_mtim.tv_nsec, st.st_mtim.tv_nsec);
	}
	/* Nothing was created where a missing file was named. */
	assert_int_equal(lstat(fx.m, &st), -1);
	snapshot_free(&sf);
	snapshot_free(&se);
	run_free(&r);
}

int main(void)
{
	static struct CMUnitTest tests[NROWS];

	for (size_t i = 0; i < NROWS; i++) {
		tests[i].name = rows[i].name;
		tests[i].test_func = run_row;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = (void *)&rows[i];
	}
	return cmocka_run_group_tests_name("bad input", tests, setup_files,
					   teardown_files);
}
