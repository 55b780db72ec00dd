/*
 * test_dumpfmt.c - the dump formatters and the output buffer.
 *
 *   golden    every case of tests/golden/cases: the dumper's output, fed
 *             whole, a byte at a time, 7 and 4096 bytes at a time, in
 *             random pieces and through tiny outbufs, against what the
 *             reference tool printed (make-golden.sh).
 *   dumpfmt   options, edges, colour, slow reference implementations
 *             (written from xxd.c and hexdump's format) on random inputs,
 *             error paths, and outbuf with forced short writes, EINTR,
 *             EAGAIN, ENOSPC, EPIPE; then, where xxd and hexdump are
 *             installed, live comparisons on freshly generated files.
 *
 * Self-contained (no testutil.c), so that it builds alone:
 *   gcc -std=c99 -Wall -Wextra -Wpedantic -D_POSIX_C_SOURCE=200809L \
 *     -D_FILE_OFFSET_BITS=64 -Iinclude -Itests tests/test_dumpfmt.c \
 *     src/dumpfmt.c src/outbuf.c -lcmocka -o /tmp/td && /tmp/td
 * Run from the repository root, or with MMTOOL_TESTS set to tests/.
 */
/* F_GETPIPE_SZ (Linux), for the test that the outbuf grows a pipe. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dumpfmt.h"
#include "outbuf.h"
#include "golden/geninput.h"

/* ---- a deterministic generator for the random tests ------------------- */

/* xorshift32: failures print the seed, and the seed reproduces them. */
static uint32_t
rnd_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static uint32_t
rnd_below(uint32_t *s, uint32_t n)
{
	return n == 0 ? 0 : rnd_next(s) % n;
}

/*
 * N bytes that exercise squeezing: runs of equal 16-byte lines (zeros,
 * one letter, or a repeated random line) between random ones.
 */
static void
fill_lumpy(uint32_t *s, unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 16 * (1 + rnd_below(s, 6)), k;
		unsigned kind = rnd_below(s, 4);
		unsigned char line[16];

		for (k = 0; k < 16; k++)
			line[k] = (unsigned char)rnd_next(s);
		for (k = 0; k < run && i < n; k++, i++) {
			switch (kind) {
			case 0: p[i] = 0; break;
			case 1: p[i] = 'A'; break;
			case 2: p[i] = line[k % 16]; break;
			default: p[i] = (unsigned char)rnd_next(s); break;
			}
		}
	}
}

static void
fill_random(uint32_t *s, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)rnd_next(s);
}

/* ---- a growable byte string ------------------------------------------ */

struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
bytes_printf(struct bytes *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	bytes_add(b, tmp, (size_t)n);
}

static void
bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- a fake write(2) that collects output and misbehaves on demand ---- */

static struct {
	struct bytes out;
	size_t max_write;	/* at most this many bytes per call; 0: all */
	unsigned eintr_every;	/* every Nth call fails with EINTR */
	unsigned eagain_every;	/* every Nth call fails with EAGAIN */
	int fail_errno;		/* once fail_after bytes are in, fail so */
	size_t fail_after;
	int discard;		/* count, do not keep */
	size_t discarded;
	unsigned long calls;
} sink;

static void
sink_reset(void)
{
	bytes_free(&sink.out);
	memset(&sink, 0, sizeof(sink));
}

static ssize_t
sink_write(int fd, const void *p, size_t n)
{
	(void)fd;
	sink.calls++;
	if (sink.eintr_every && sink.calls % sink.eintr_every == 0) {
		errno = EINTR;
		return -1;
	}
	if (sink.eagain_every && sink.calls % sink.eagain_every == 0) {
		errno = EAGAIN;
		return -1;
	}
	if (sink.fail_errno && sink.out.len + sink.discarded >= sink.fail_after) {
		errno = sink.fail_errno;
		return -1;
	}
	if (sink.max_write && n > sink.max_write)
		n = sink.max_write;
	if (sink.fail_errno && n > sink.fail_after - sink.out.len)
		n = sink.fail_after - sink.out.len;
	if (sink.discard)
		sink.discarded += n;
	else
		bytes_add(&sink.out, p, n);
	return (ssize_t)n;
}

/* ---- running the dumper ---------------------------------------------- */

/* Feed in pieces of CHUNK bytes (0: all at once; CHUNK_RANDOM: random). */
#define CHUNK_RANDOM ((size_t)-1)

/*
 * Finish D, whose outbuf OB writes to the sink, free both, and return the
 * sink's bytes (malloc'd, NUL-terminated), *outlen set.
 */
static unsigned char *
finish_to_memory(struct dumper *d, struct outbuf *ob, size_t *outlen)
{
	unsigned char *out;

	assert_int_equal(dumper_finish(d), 0);
	assert_int_equal(ob->len, 0);
	dumper_free(d);
	outbuf_free(ob);
	*outlen = sink.out.len;
	out = sink.out.p ? sink.out.p : calloc(1, 1);
	memset(&sink.out, 0, sizeof(sink.out));
	return out;
}

/*
 * Dump N bytes of P, starting at file offset START, through an outbuf of
 * CAP bytes (0: the default) into the sink; returns the output (malloc'd,
 * NUL-terminated), *outlen set.
 */
static unsigned char *
dump_to_memory(const struct dump_opts *o, uint64_t start,
	       const unsigned char *p, size_t n, size_t chunk, size_t cap,
	       size_t *outlen)
{
	struct outbuf ob;
	struct dumper d;
	uint32_t seed = 0x9e3779b9u ^ (uint32_t)n;
	size_t i = 0;

	sink_reset();
	assert_int_equal(outbuf_init(&ob, -1, cap), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, o, start, &ob), 0);
	while (i < n) {
		size_t k = n - i;

		if (chunk == CHUNK_RANDOM)
			k = 1 + rnd_below(&seed, k < 300 ? (uint32_t)k : 300);
		else if (chunk != 0 && k > chunk)
			k = chunk;
		assert_int_equal(dumper_feed(&d, p + i, k), 0);
		i += k;
	}
	assert_true(d.total == n);
	assert_true(d.offset == start + n);
	return finish_to_memory(&d, &ob, outlen);
}

/* Print where A and B first differ, with the lines around it. */
static void
show_difference(const char *what, const unsigned char *a, size_t alen,
		const unsigned char *b, size_t blen)
{
	size_t i = 0, from, to_a, to_b;

	if (a == NULL)
		a = (const unsigned char *)"";
	if (b == NULL)
		b = (const unsigned char *)"";
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	from = i;
	while (from > 0 && a[from - 1] != '\n')
		from--;
	for (to_a = i; to_a < alen && a[to_a] != '\n'; to_a++)
		;
	for (to_b = i; to_b < blen && b[to_b] != '\n'; to_b++)
		;
	print_error("%s: output differs at byte %zu (lengths %zu, %zu)\n"
		    "  got:  %.*s\n  want: %.*s\n", what, i, alen, blen,
		    (int)(to_a - from), (const char *)a + from,
		    (int)(to_b - from), (const char *)b + from);
}

static void
assert_same_output(const char *what, const unsigned char *got, size_t glen,
		   const unsigned char *want, size_t wlen)
{
	if (glen != wlen || (glen > 0 && memcmp(got, want, glen) != 0)) {
		show_difference(what, got, glen, want, wlen);
		fail();
	}
}

static struct dump_opts
make_opts(enum dump_format f, unsigned cols, int group, int squeeze,
	  const char *name)
{
	struct dump_opts o;

	memset(&o, 0, sizeof(o));
	o.format = f;
	o.cols = cols;
	o.group = group;
	o.squeeze = squeeze;
	o.name = name;
	return o;
}

/* Dump a string whole; compare with WANT. */
static void
assert_dump(const struct dump_opts *o, uint64_t start, const char *in,
	    size_t inlen, const char *want)
{
	size_t len;
	unsigned char *out = dump_to_memory(o, start,
					    (const unsigned char *)in, inlen,
					    0, 0, &len);

	assert_same_output("dump", out, len, (const unsigned char *)want,
			   strlen(want));
	free(out);
}

/* ---- POSIX cksum, for the golden outputs too long to keep ------------ */

static uint32_t
cksum_of(const unsigned char *p, size_t n)
{
	uint32_t table[256], crc = 0;
	size_t i, len;
	int k;

	for (i = 0; i < 256; i++) {
		uint32_t c = (uint32_t)i << 24;

		for (k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04c11db7u : c << 1;
		table[i] = c;
	}
	for (i = 0; i < n; i++)
		crc = crc << 8 ^ table[(crc >> 24 ^ p[i]) & 0xff];
	for (len = n; len != 0; len >>= 8)
		crc = crc << 8 ^ table[(crc >> 24 ^ len) & 0xff];
	return ~crc;
}

/* ---- slow reference implementations ---------------------------------- */

/*
 * hexdump -C, from its format: "%08.8_Ax\n" "%08.8_ax  " 8/1 "%02x "
 * "  " 8/1 "%02x " "  |" 16/1 "%_p" "|\n"; equal full lines squeezed.
 */
static void
ref_canonical(struct bytes *b, const unsigned char *p, size_t n,
	      uint64_t start, int squeeze)
{
	const unsigned char *prev = NULL;
	int starred = 0;
	size_t i, j;

	for (i = 0; i < n; i += 16) {
		size_t k = n - i < 16 ? n - i : 16;

		if (squeeze && k == 16 && prev && !memcmp(prev, p + i, 16)) {
			if (!starred)
				bytes_printf(b, "*\n");
			starred = 1;
			continue;
		}
		starred = 0;
		bytes_printf(b, "%08llx  ", (unsigned long long)(start + i));
		for (j = 0; j < 16; j++) {
			if (j < k)
				bytes_printf(b, "%02x ", p[i + j]);
			else
				bytes_printf(b, "   ");
			if (j == 7)
				bytes_printf(b, " ");
		}
		bytes_printf(b, " |");
		for (j = 0; j < k; j++) {
			unsigned char c = p[i + j];

			bytes_printf(b, "%c", c >= 0x20 && c < 0x7f ? c : '.');
		}
		bytes_printf(b, "|\n");
		if (k == 16)
			prev = p + i;
	}
	if (n > 0 || start > 0)
		bytes_printf(b, "%08llx\n", (unsigned long long)(start + n));
}

/* xxd, as xxd.c lays a line out: a line of blanks filled in place. */
static void
ref_xxd(struct bytes *b, const unsigned char *p, size_t n, uint64_t start,
	unsigned cols, int group)
{
	int g = group < 0 ? 2 : group, grplen, addrlen = 0, c = 0;
	char l[2048];
	size_t i, q = 0;

	if (cols == 0)
		cols = 16;
	if (g < 1 || (unsigned)g > cols)
		g = (int)cols;
	grplen = 2 * g + 1;
	for (i = 0; i < n; i++) {
		int e = p[i], x = (int)q;

		if (q == 0) {
			addrlen = snprintf(l, sizeof(l), "%08llx:",
					   (unsigned long long)(start + i));
			memset(l + addrlen, ' ', sizeof(l) - (size_t)addrlen);
		}
		c = addrlen + 1 + (grplen * x) / g;
		l[c] = "0123456789abcdef"[e >> 4];
		l[c + 1] = "0123456789abcdef"[e & 15];
		c = addrlen + 3 + (grplen * (int)cols - 1) / g + x;
		l[c++] = (char)(e > 31 && e < 127 ? e : '.');
		if (++q == cols) {
			l[c++] = '\n';
			bytes_add(b, l, (size_t)c);
			q = 0;
		}
	}
	if (q > 0) {
		l[c++] = '\n';
		bytes_add(b, l, (size_t)c);
	}
}

static void
ref_plain(struct bytes *b, const unsigned char *p, size_t n, unsigned cols)
{
	size_t i, q = 0;

	if (cols == 0)
		cols = 30;
	for (i = 0; i < n; i++) {
		bytes_printf(b, "%02x", p[i]);
		if (cols != DUMP_COLS_NONE && ++q == cols) {
			bytes_printf(b, "\n");
			q = 0;
		}
	}
	if (q > 0 || cols == DUMP_COLS_NONE)
		bytes_printf(b, "\n");
}

static void
ref_c(struct bytes *b, const unsigned char *p, size_t n, unsigned cols,
      const char *ident)
{
	size_t i;

	if (cols == 0)
		cols = 12;
	if (ident)
		bytes_printf(b, "unsigned char %s[] = {\n", ident);
	for (i = 0; i < n; i++)
		bytes_printf(b, "%s0x%02x", i == 0 ? "  " :
			     i % cols ? ", " : ",\n  ", p[i]);
	if (n > 0)
		bytes_printf(b, "\n");
	if (ident)
		bytes_printf(b, "};\nunsigned int %s_len = %zu;\n", ident, n);
}

/* ---- golden cases ------------------------------------------------------ */

struct golden_case {
	char id[64], input[32], format[48], cols[16], name[64];
	char command[160];
	unsigned long long hole, skip;
	long long count;
	int group, squeeze;
};

static const char *
tests_dir(void)
{
	const char *t = getenv("MMTOOL_TESTS");

	return t != NULL && *t != '\0' ? t : "tests";
}

/* The whole file at PATH, or NULL when it cannot be read. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	struct bytes b = { NULL, 0, 0 };
	unsigned char buf[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		bytes_add(&b, buf, (size_t)r);
	close(fd);
	if (r < 0) {
		bytes_free(&b);
		return NULL;
	}
	if (b.p == NULL)
		b.p = calloc(1, 1);
	*len = b.len;
	return b.p;
}

/*
 * FORMAT[+OPT...]: the format, then xxd's options, each a letter (u e b d
 * a C) or o=OFFSET.
 */
static void
golden_format(const char *spec, struct dump_opts *o)
{
	char buf[64], *opt, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	opt = strtok_r(buf, "+", &save);
	assert_non_null(opt);
	assert_int_equal(dump_parse_format(opt, &o->format), 0);
	while ((opt = strtok_r(NULL, "+", &save)) != NULL) {
		if (strncmp(opt, "o=", 2) == 0)
			o->display_offset = strtoull(opt + 2, NULL, 0);
		else if (strcmp(opt, "u") == 0)
			o->upper = 1;
		else if (strcmp(opt, "e") == 0)
			o->little_endian = 1;
		else if (strcmp(opt, "b") == 0)
			o->bits = 1;
		else if (strcmp(opt, "d") == 0)
			o->decimal = 1;
		else if (strcmp(opt, "a") == 0)
			o->autoskip = 1;
		else if (strcmp(opt, "C") == 0)
			o->capitalize = 1;
		else
			fail_msg("unknown golden option '%s' in %s", opt, spec);
	}
}

static void
test_golden(void **state)
{
	const struct golden_case *gc = *state;
	static const size_t chunks[] = { 0, 1, 7, 4096, CHUNK_RANDOM };
	struct dump_opts o;
	unsigned char *in, *want = NULL, *out;
	size_t inlen = 0, n, off, wantlen = 0, outlen, i;
	unsigned long want_crc = 0, want_size = 0;
	char path[1024];
	FILE *f;

	memset(&o, 0, sizeof(o));
	golden_format(gc->format, &o);
	o.cols = strcmp(gc->cols, "none") == 0 ? DUMP_COLS_NONE
		 : (unsigned)strtoul(gc->cols, NULL, 10);
	o.group = gc->group;
	o.squeeze = gc->squeeze;
	o.name = strcmp(gc->name, "-") == 0 ? NULL : gc->name;

	in = geninput(gc->input, &inlen);
	assert_non_null(in);
	assert_true(gc->skip >= gc->hole);
	/* Past the end starts at the end, as hexdump -s does. */
	off = gc->skip - gc->hole > inlen ? inlen : (size_t)(gc->skip - gc->hole);
	n = inlen - off;
	if (gc->count >= 0 && (unsigned long long)gc->count < n)
		n = (size_t)gc->count;

	snprintf(path, sizeof(path), "%s/golden/%s.out", tests_dir(), gc->id);
	want = slurp(path, &wantlen);
	if (want == NULL) {
		snprintf(path, sizeof(path), "%s/golden/%s.cksum",
			 tests_dir(), gc->id);
		f = fopen(path, "r");
		if (f == NULL) {
			print_error("%s: no golden file (run make-golden.sh)\n",
				    gc->id);
			fail();
		}
		assert_int_equal(fscanf(f, "%lu %lu", &want_crc, &want_size),
				 2);
		fclose(f);
	}

	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]) + 2; i++) {
		size_t chunk, cap = 0;
		char what[256];

		if (i < sizeof(chunks) / sizeof(chunks[0])) {
			chunk = chunks[i];
		} else {
			/* Outbufs smaller than a line, and than a batch. */
			if (n > 65536)
				break;
			chunk = i % 2 ? 7 : 0;
			cap = i % 2 ? 1 : 100;
		}
		out = dump_to_memory(&o, gc->hole + off, in + off, n, chunk,
				     cap, &outlen);
		snprintf(what, sizeof(what), "%.60s (%.120s), chunk %zd, outbuf %zu",
			 gc->id, gc->command,
			 chunk == CHUNK_RANDOM ? (ssize_t)-1 : (ssize_t)chunk,
			 cap);
		if (want != NULL) {
			assert_same_output(what, out, outlen, want, wantlen);
		} else if (cksum_of(out, outlen) != want_crc
			   || outlen != want_size) {
			print_error("%s: cksum %lu %zu, want %lu %lu\n", what,
				    (unsigned long)cksum_of(out, outlen),
				    outlen, want_crc, want_size);
			fail();
		}
		free(out);
	}
	free(want);
	free(in);
}

/* The cases of tests/golden/cases; -1 if the file cannot be read. */
static int
load_cases(struct golden_case **out)
{
	char path[1024], line[512];
	struct golden_case *v = NULL;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/golden/cases", tests_dir());
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct golden_case gc;
		int used = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		memset(&gc, 0, sizeof(gc));
		if (sscanf(line, "%63s %31s %llu %llu %31s %47s %15s %d %d %63s %n",
			   gc.id, gc.input, &gc.hole, &gc.skip, gc.command,
			   gc.format, gc.cols, &gc.group, &gc.squeeze,
			   gc.name, &used) != 10) {
			fclose(f);
			free(v);
			return -1;
		}
		/* COUNT was read into command as a scratch field. */
		gc.count = strcmp(gc.command, "-") == 0 ? -1
			   : strtoll(gc.command, NULL, 10);
		snprintf(gc.command, sizeof(gc.command), "%s", line + used);
		gc.command[strcspn(gc.command, "\n")] = '\0';
		v = realloc(v, (size_t)(n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = gc;
	}
	fclose(f);
	*out = v;
	return n;
}

static void
test_golden_cases_present(void **state)
{
	struct golden_case *v = NULL;
	int n = load_cases(&v);

	(void)state;
	if (n < 0) {
		print_error("cannot read %s/golden/cases\n", tests_dir());
		fail();
	}
	/* The corners the brief lists are all there. */
	assert_true(n >= 100);
	free(v);
}

/* ---- dump_parse_format, dump_check_opts, dumper_init ------------------ */

static void
test_parse_format(void **state)
{
	static const char *const bad[] = {
		"", "C", "Canonical", "hex", "xxd ", "canon", "plain\n", "-c"
	};
	enum dump_format f = DUMP_XXD;
	size_t i;

	(void)state;
	assert_int_equal(dump_parse_format("canonical", &f), 0);
	assert_int_equal(f, DUMP_CANONICAL);
	assert_int_equal(dump_parse_format("xxd", &f), 0);
	assert_int_equal(f, DUMP_XXD);
	assert_int_equal(dump_parse_format("plain", &f), 0);
	assert_int_equal(f, DUMP_PLAIN);
	assert_int_equal(dump_parse_format("c", &f), 0);
	assert_int_equal(f, DUMP_C);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		f = DUMP_PLAIN;
		assert_int_equal(dump_parse_format(bad[i], &f), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(f, DUMP_PLAIN);
	}
}

static int
check(enum dump_format f, unsigned cols, int group, const char **why)
{
	struct dump_opts o = make_opts(f, cols, group, 1, NULL);

	*why = NULL;
	return dump_check_opts(&o, why);
}

static void
test_check_opts_canonical(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(DUMP_CANONICAL, 0, -1, &why), 0);
	assert_int_equal(check(DUMP_CANONICAL, 16, -1, &why), -1);
	assert_non_null(why);
	assert_int_equal(check(DUMP_CANONICAL, 0, 2, &why), -1);
	assert_non_null(why);
	assert_int_equal(check(DUMP_CANONICAL, 0, 0, &why), -1);
}

static void
test_check_opts_xxd_cols(void **state)
{
	const char *why;

	(void)state;
	/* xxd: -c 0 is the default, 1..256 are taken, 257 is refused. */
	assert_int_equal(check(DUMP_XXD, 0, -1, &why), 0);
	assert_int_equal(check(DUMP_XXD, 1, -1, &why), 0);
	assert_int_equal(check(DUMP_XXD, 256, -1, &why), 0);
	assert_int_equal(check(DUMP_XXD, 257, -1, &why), -1);
	assert_string_equal(why, "invalid number of columns (max. 256)");
	assert_int_equal(check(DUMP_XXD, 300, -1, &why), -1);
	assert_int_equal(check(DUMP_XXD, DUMP_COLS_NONE, -1, &why), -1);
}

static void
test_check_opts_group(void **state)
{
	const char *why;

	(void)state;
	/* As xxd: 0, and anything above cols, mean one group per line. */
	assert_int_equal(check(DUMP_XXD, 0, 0, &why), 0);
	assert_int_equal(check(DUMP_XXD, 7, 3, &why), 0);
	assert_int_equal(check(DUMP_XXD, 16, 300, &why), 0);
	assert_int_equal(check(DUMP_XXD, 16, -2, &why), -1);
	assert_non_null(why);
	/* Ignored by plain and c, as xxd ignores -g with -p and -i. */
	assert_int_equal(check(DUMP_PLAIN, 0, 4, &why), 0);
	assert_int_equal(check(DUMP_C, 0, 4, &why), 0);
}

static void
test_check_opts_plain_c_cols(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(check(DUMP_PLAIN, 300, -1, &why), 0);
	assert_int_equal(check(DUMP_PLAIN, DUMP_COLS_MAX, -1, &why), 0);
	assert_int_equal(check(DUMP_PLAIN, DUMP_COLS_NONE, -1, &why), 0);
	assert_int_equal(check(DUMP_PLAIN, DUMP_COLS_MAX + 1u, -1, &why), -1);
	assert_int_equal(check(DUMP_C, 300, -1, &why), 0);
	assert_int_equal(check(DUMP_C, DUMP_COLS_MAX, -1, &why), 0);
	assert_int_equal(check(DUMP_C, DUMP_COLS_NONE, -1, &why), -1);
	assert_non_null(why);
}

static void
test_init_rejects_bad_opts(void **state)
{
	struct dump_opts o = make_opts(DUMP_XXD, 257, -1, 1, NULL);
	struct outbuf ob;
	struct dumper d;

	(void)state;
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	errno = 0;
	assert_int_equal(dumper_init(&d, &o, 0, &ob), -1);
	assert_int_equal(errno, EINVAL);
	dumper_free(&d);	/* safe after a failed init */
	outbuf_free(&ob);
}

/* ---- edges ----------------------------------------------------------- */

static void
test_canonical_nothing(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);

	(void)state;
	/* hexdump -C of an empty file prints nothing at all ... */
	assert_dump(&o, 0, "", 0, "");
	/* ... but -s N with N at or past the end prints the end offset. */
	assert_dump(&o, 0x21, "", 0, "00000021\n");
	assert_dump(&o, 0x123456789ull, "", 0, "123456789\n");
}

static void
test_canonical_offset_widths(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);

	(void)state;
	assert_dump(&o, 0xfffffff8ull, "0123456789abcdef", 16,
		    "fffffff8  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66"
		    "  |0123456789abcdef|\n"
		    "100000008\n");
	assert_dump(&o, 0xfffffffffffffff0ull, "xyz", 3,
		    "fffffffffffffff0  78 79 7a                                 "
		    "         |xyz|\n"
		    "fffffffffffffff3\n");
}

static void
test_xxd_offset_widths(void **state)
{
	struct dump_opts o = make_opts(DUMP_XXD, 0, -1, 1, NULL);

	(void)state;
	/* The hex area follows the wider offset; so does the ASCII column. */
	assert_dump(&o, 0xfffffffcull, "abcdefgh", 8,
		    "fffffffc: 6162 6364 6566 6768                      "
		    "abcdefgh\n");
	assert_dump(&o, 0x100000000ull, "ab", 2,
		    "100000000: 6162                                     ab\n");
}

static void
test_canonical_squeeze_rules(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);
	char zeros[40];

	(void)state;
	memset(zeros, 0, sizeof(zeros));
	/* A partial last line equal to the start of the one before: shown. */
	assert_dump(&o, 0, zeros, 24,
		    "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		    "  |................|\n"
		    "00000010  00 00 00 00 00 00 00 00                         "
		    "  |........|\n"
		    "00000018\n");
	/* Two equal lines and the end: one '*', then the final offset. */
	assert_dump(&o, 0, zeros, 32,
		    "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		    "  |................|\n"
		    "*\n"
		    "00000020\n");
	/* No squeezing with -v. */
	o.squeeze = 0;
	assert_dump(&o, 0, zeros, 32,
		    "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		    "  |................|\n"
		    "00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		    "  |................|\n"
		    "00000020\n");
}

static void
test_canonical_start_not_aligned(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);

	(void)state;
	/* Lines begin at the given offset, not at a multiple of 16. */
	assert_dump(&o, 5, "FGHIJKLMNOPQRSTUVWXYZ", 21,
		    "00000005  46 47 48 49 4a 4b 4c 4d  4e 4f 50 51 52 53 54 55"
		    "  |FGHIJKLMNOPQRSTU|\n"
		    "00000015  56 57 58 59 5a                                  "
		    "  |VWXYZ|\n"
		    "0000001a\n");
}

/* Every byte value: the unrolled ASCII column agrees with the table. */
static void
test_ascii_column_all_bytes(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 0, NULL);
	unsigned char line[16];
	unsigned v;

	(void)state;
	for (v = 0; v < 256; v++) {
		unsigned char *full, *part;
		size_t flen, plen, i;
		char want = (char)(v >= 0x20 && v < 0x7f ? v : '.');

		for (i = 0; i < 16; i++)
			line[i] = (unsigned char)(i % 2 ? v : (v * 7 + i) & 0xff);
		full = dump_to_memory(&o, 0, line, 16, 0, 0, &flen);
		part = dump_to_memory(&o, 0, line, 15, 0, 0, &plen);
		for (i = 1; i < 15; i += 2) {
			assert_int_equal(full[61 + i], want);
			assert_int_equal(part[61 + i], want);
		}
		assert_memory_equal(full + 61, part + 61, 15);
		free(full);
		free(part);
	}
}

static void
test_hex_digits_all_bytes(void **state)
{
	struct dump_opts o = make_opts(DUMP_PLAIN, DUMP_COLS_NONE, -1, 1, NULL);
	unsigned char ramp[256];
	struct bytes want = { NULL, 0, 0 };
	unsigned char *out;
	size_t len, i;

	(void)state;
	for (i = 0; i < 256; i++) {
		ramp[i] = (unsigned char)i;
		bytes_printf(&want, "%02x", (unsigned)i);
	}
	bytes_printf(&want, "\n");
	out = dump_to_memory(&o, 0, ramp, 256, 0, 0, &len);
	assert_same_output("ramp", out, len, want.p, want.len);
	free(out);
	bytes_free(&want);
}

static void
test_xxd_layouts_small(void **state)
{
	struct dump_opts o = make_opts(DUMP_XXD, 7, 3, 1, NULL);

	(void)state;
	assert_dump(&o, 0, "ABCDEFGHIJ", 10,
		    "00000000: 414243 444546 47  ABCDEFG\n"
		    "00000007: 48494a            HIJ\n");
	o.cols = 5;
	o.group = 0;
	assert_dump(&o, 0, "ABCDEFG", 7,
		    "00000000: 4142434445  ABCDE\n"
		    "00000005: 4647        FG\n");
	o.cols = 1;
	o.group = -1;
	assert_dump(&o, 0, "AB", 2, "00000000: 41  A\n00000001: 42  B\n");
	/* -s offsets are absolute, lines start there. */
	o.cols = 0;
	assert_dump(&o, 5, "FGH", 3,
		    "00000005: 4647 48                                  FGH\n");
	assert_dump(&o, 5, "", 0, "");
}

static void
test_plain_edges(void **state)
{
	struct dump_opts o = make_opts(DUMP_PLAIN, 0, -1, 1, NULL);
	unsigned char in[61];
	struct bytes want = { NULL, 0, 0 };
	unsigned char *out;
	size_t len;

	(void)state;
	assert_dump(&o, 0, "", 0, "");
	assert_dump(&o, 0, "\x01", 1, "01\n");
	/* Exactly one full line: a single newline after it. */
	memset(in, 0xab, sizeof(in));
	ref_plain(&want, in, 30, 0);
	out = dump_to_memory(&o, 0, in, 30, 1, 0, &len);
	assert_same_output("30 bytes", out, len, want.p, want.len);
	free(out);
	bytes_free(&want);
	/* xxd -p -c 0: one unbroken line, a newline even for nothing. */
	o.cols = DUMP_COLS_NONE;
	assert_dump(&o, 0, "", 0, "\n");
	assert_dump(&o, 0, "\xff\x00", 2, "ff00\n");
	o.cols = DUMP_COLS_MAX;
	assert_dump(&o, 0, "\x10\x20", 2, "1020\n");
}

static void
test_c_identifiers(void **state)
{
	static const struct {
		const char *name, *ident;
	} cases[] = {
		{ "1.bin", "__1_bin" },
		{ "a-b.c", "a_b_c" },
		{ "d/x.y", "d_x_y" },
		{ "./d/x.y", "__d_x_y" },
		{ "/tmp/f", "_tmp_f" },
		{ "x y", "x_y" },
		{ "\xc3\xa9", "__" },		/* one '_' per byte of UTF-8 */
		{ "0", "__0" },
		{ "_a_", "_a_" },
		{ "AZaz09", "AZaz09" },
		{ "9lives/cat.h", "__9lives_cat_h" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dump_opts o = make_opts(DUMP_C, 0, -1, 1, cases[i].name);
		char want[256];

		snprintf(want, sizeof(want),
			 "unsigned char %s[] = {\n  0x41\n};\n"
			 "unsigned int %s_len = 1;\n",
			 cases[i].ident, cases[i].ident);
		assert_dump(&o, 0, "A", 1, want);
	}
}

static void
test_c_edges(void **state)
{
	struct dump_opts o = make_opts(DUMP_C, 0, -1, 1, NULL);

	(void)state;
	/* Standard input: the byte lines only; nothing for nothing. */
	assert_dump(&o, 0, "", 0, "");
	assert_dump(&o, 0, "\x01\x02", 2, "  0x01, 0x02\n");
	o.name = "e";
	assert_dump(&o, 0, "", 0,
		    "unsigned char e[] = {\n};\nunsigned int e_len = 0;\n");
	o.cols = 2;
	assert_dump(&o, 0, "\x01\x02\x03\x04", 4,
		    "unsigned char e[] = {\n  0x01, 0x02,\n  0x03, 0x04\n};\n"
		    "unsigned int e_len = 4;\n");
	/* Colour never applies to C source. */
	o.color = 1;
	assert_dump(&o, 0, "\x01\x02\x03\x04", 4,
		    "unsigned char e[] = {\n  0x01, 0x02,\n  0x03, 0x04\n};\n"
		    "unsigned int e_len = 4;\n");
}

/* The length line holds the exact count past 2 GiB, where xxd's int fails. */
static void
test_c_length_past_2g(void **state)
{
	struct dump_opts o = make_opts(DUMP_C, 0, -1, 1, "big");
	const size_t piece = 1u << 20;
	unsigned char *zeros = calloc(1, piece);
	uint64_t total = (1ull << 31) + 5, fed = 0;
	struct outbuf ob;
	struct dumper d;
	const char *want = "};\nunsigned int big_len = 2147483653;\n";

	(void)state;
	assert_non_null(zeros);
	sink_reset();
	sink.discard = 1;
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, &o, 0, &ob), 0);
	while (fed < total) {
		size_t k = total - fed < piece ? (size_t)(total - fed) : piece;

		assert_int_equal(dumper_feed(&d, zeros, k), 0);
		fed += k;
	}
	/* Keep what finish writes: the trailer. */
	assert_int_equal(outbuf_flush(&ob), 0);
	sink.discard = 0;
	assert_int_equal(dumper_finish(&d), 0);
	assert_true(sink.out.len > strlen(want));
	assert_string_equal((char *)sink.out.p + sink.out.len - strlen(want),
			    want);
	/* 6 bytes a byte, 2 more for each line after the first, and "\n". */
	assert_true(sink.discarded + sink.out.len
		    == strlen("unsigned char big[] = {\n") + 6 * total
		       + 2 * ((total + 11) / 12 - 1) + 1 + strlen(want));
	dumper_free(&d);
	outbuf_free(&ob);
	free(zeros);
	sink_reset();
}

/* ---- chunking and the slow references on random inputs --------------- */

static void
reference_dump(struct bytes *b, const struct dump_opts *o, uint64_t start,
	       const unsigned char *p, size_t n)
{
	char ident[256];

	switch (o->format) {
	case DUMP_CANONICAL:
		ref_canonical(b, p, n, start, o->squeeze);
		break;
	case DUMP_XXD:
		ref_xxd(b, p, n, start, o->cols, o->group);
		break;
	case DUMP_PLAIN:
		ref_plain(b, p, n, o->cols);
		break;
	case DUMP_C:
		if (o->name != NULL) {
			size_t i, k = 0;

			if (o->name[0] >= '0' && o->name[0] <= '9') {
				ident[k++] = '_';
				ident[k++] = '_';
			}
			for (i = 0; o->name[i] != '\0'; i++) {
				unsigned char c = (unsigned char)o->name[i];
				int digit = c >= '0' && c <= '9';
				int letter = (c >= 'a' && c <= 'z')
					     || (c >= 'A' && c <= 'Z');

				ident[k++] = digit || letter ? (char)c : '_';
			}
			ident[k] = '\0';
		}
		ref_c(b, p, n, o->cols, o->name != NULL ? ident : NULL);
		break;
	}
}

/* Random options for FORMAT. */
static struct dump_opts
random_opts(uint32_t *s, enum dump_format f)
{
	static const char *const names[] = { "f.bin", "7up", "a b/c-d" };
	struct dump_opts o = make_opts(f, 0, -1, (int)rnd_below(s, 2), NULL);

	switch (f) {
	case DUMP_CANONICAL:
		break;
	case DUMP_XXD:
		o.cols = rnd_below(s, 4) ? rnd_below(s, 40)
					 : rnd_below(s, 257);
		o.group = (int)rnd_below(s, o.cols + 3) - 1;
		break;
	case DUMP_PLAIN:
		o.cols = rnd_below(s, 5) == 0 ? DUMP_COLS_NONE
					      : rnd_below(s, 70);
		break;
	case DUMP_C:
		o.cols = rnd_below(s, 40);
		o.name = rnd_below(s, 4) ? names[rnd_below(s, 3)] : NULL;
		break;
	}
	return o;
}

static uint64_t
random_start(uint32_t *s)
{
	switch (rnd_below(s, 5)) {
	case 0: return 0;
	case 1: return rnd_below(s, 100);
	case 2: return 0xffffffffull - rnd_below(s, 600);
	case 3: return 0x140000000ull + rnd_below(s, 40);
	default: return rnd_next(s);
	}
}

/*
 * ROUNDS random inputs in FORMAT: the dumper, fed in random pieces
 * through a random outbuf size, against the slow reference.
 */
static void
check_random_against_reference(enum dump_format f, int rounds)
{
	static const size_t caps[] = { 0, 0, 1, 50, 4096 };
	uint32_t s = 0x12345u + (uint32_t)f;
	unsigned char *in = malloc(4000);
	int r;

	assert_non_null(in);
	for (r = 0; r < rounds; r++) {
		struct dump_opts o = random_opts(&s, f);
		uint64_t start = random_start(&s);
		size_t n = rnd_below(&s, 4) == 0 ? 16 * rnd_below(&s, 20)
						 : rnd_below(&s, 4000);
		size_t cap = caps[rnd_below(&s, 5)];
		size_t chunk = rnd_below(&s, 3) ? CHUNK_RANDOM : 0;
		struct bytes want = { NULL, 0, 0 };
		unsigned char *out;
		size_t len;
		char what[160];

		if (rnd_below(&s, 2))
			fill_lumpy(&s, in, n);
		else
			fill_random(&s, in, n);
		out = dump_to_memory(&o, start, in, n, chunk, cap, &len);
		reference_dump(&want, &o, start, in, n);
		snprintf(what, sizeof(what),
			 "round %d: cols %u group %d squeeze %d start %llu n %zu",
			 r, o.cols, o.group, o.squeeze,
			 (unsigned long long)start, n);
		assert_same_output(what, out, len, want.p, want.len);
		free(out);
		bytes_free(&want);
	}
	free(in);
}

static void
test_reference_canonical(void **state)
{
	(void)state;
	check_random_against_reference(DUMP_CANONICAL, 400);
}

static void
test_reference_xxd(void **state)
{
	(void)state;
	check_random_against_reference(DUMP_XXD, 400);
}

static void
test_reference_plain(void **state)
{
	(void)state;
	check_random_against_reference(DUMP_PLAIN, 300);
}

static void
test_reference_c(void **state)
{
	(void)state;
	check_random_against_reference(DUMP_C, 300);
}

/* Every cols 1..256 and every group 0..cols+1 of xxd against xxd.c's layout. */
static void
test_reference_xxd_every_layout(void **state)
{
	unsigned char in[2 * DUMP_XXD_COLS_MAX + DUMP_XXD_COLS_MAX / 2];
	uint32_t s = 77;
	unsigned cols;
	int g;

	(void)state;
	fill_random(&s, in, sizeof(in));
	for (cols = 1; cols <= DUMP_XXD_COLS_MAX; cols++) {
		for (g = 0; g <= (int)cols + 1; g++) {
			struct dump_opts o = make_opts(DUMP_XXD, cols, g, 1,
						       NULL);
			struct bytes want = { NULL, 0, 0 };
			size_t n = 2 * cols + cols / 2, len;
			unsigned char *out;

			if (cols > 40 && g % 17 != 0 && g != (int)cols)
				continue;	/* enough: keep the test quick */
			out = dump_to_memory(&o, 0, in, n, 0, 0, &len);
			ref_xxd(&want, in, n, 0, cols, g);
			if (len != want.len
			    || (len > 0 && memcmp(out, want.p, len) != 0)) {
				print_error("cols %u group %d\n", cols, g);
				assert_same_output("layout", out, len, want.p,
						   want.len);
			}
			free(out);
			bytes_free(&want);
		}
	}
}

/* One byte at a time must give exactly what one big chunk gives. */
static void
check_chunking(enum dump_format f, int color)
{
	static const size_t chunks[] = { 1, 2, 3, 15, 16, 17, 255, 4096 };
	uint32_t s = 99 + (uint32_t)f;
	size_t n = 70000, i, wlen, len;
	unsigned char *in = malloc(n), *whole, *out;
	struct dump_opts o = random_opts(&s, f);

	assert_non_null(in);
	o.color = color;
	fill_lumpy(&s, in, n);
	whole = dump_to_memory(&o, 3, in, n, 0, 0, &wlen);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		out = dump_to_memory(&o, 3, in, n, chunks[i], 0, &len);
		assert_same_output("chunked", out, len, whole, wlen);
		free(out);
	}
	free(whole);
	free(in);
}

static void
test_chunking_canonical(void **state)
{
	(void)state;
	check_chunking(DUMP_CANONICAL, 0);
}

static void
test_chunking_xxd(void **state)
{
	(void)state;
	check_chunking(DUMP_XXD, 0);
}

static void
test_chunking_plain(void **state)
{
	(void)state;
	check_chunking(DUMP_PLAIN, 0);
}

static void
test_chunking_c(void **state)
{
	(void)state;
	check_chunking(DUMP_C, 0);
}

static void
test_chunking_color(void **state)
{
	(void)state;
	check_chunking(DUMP_CANONICAL, 1);
	check_chunking(DUMP_XXD, 1);
	check_chunking(DUMP_PLAIN, 1);
}

static void
test_offset_and_total(void **state)
{
	struct dump_opts o = make_opts(DUMP_XXD, 0, -1, 1, NULL);
	struct outbuf ob;
	struct dumper d;

	(void)state;
	sink_reset();
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, &o, 1000, &ob), 0);
	assert_true(d.offset == 1000 && d.total == 0);
	assert_int_equal(dumper_feed(&d, (const unsigned char *)"abc", 3), 0);
	assert_int_equal(dumper_feed(&d, (const unsigned char *)"", 0), 0);
	assert_true(d.offset == 1003 && d.total == 3);
	assert_int_equal(dumper_finish(&d), 0);
	assert_string_equal((char *)sink.out.p,
			    "000003e8: 6162 63                                  "
			    "abc\n");
	dumper_free(&d);
	outbuf_free(&ob);
	sink_reset();
}

/* ---- colour ---------------------------------------------------------- */

/* OUT without its SGR sequences (ESC '[' ... 'm'). */
static void
strip_sgr(struct bytes *b, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '[') {
			i += 2;
			while (i < n && p[i] != 'm')
				i++;
			i++;
			continue;
		}
		bytes_add(b, p + i, 1);
		i++;
	}
}

static void
test_color_strips_to_reference(void **state)
{
	static const enum dump_format formats[] = {
		DUMP_CANONICAL, DUMP_XXD, DUMP_PLAIN
	};
	uint32_t s = 4242;
	unsigned char in[3000];
	size_t fi;
	int r;

	(void)state;
	for (fi = 0; fi < 3; fi++) {
		for (r = 0; r < 40; r++) {
			struct dump_opts o = random_opts(&s, formats[fi]);
			size_t n = rnd_below(&s, sizeof(in)), plen, clen;
			unsigned char *plain, *colored;
			struct bytes stripped = { NULL, 0, 0 };

			if (r % 2)
				fill_lumpy(&s, in, n);
			else
				fill_random(&s, in, n);
			plain = dump_to_memory(&o, 0, in, n, 0, 0, &plen);
			o.color = 1;
			/* Also through outbufs smaller than a coloured line. */
			colored = dump_to_memory(&o, 0, in, n, CHUNK_RANDOM,
						 r % 3 == 0 ? 1 : r % 3 == 1
						 ? 300 : 0, &clen);
			strip_sgr(&stripped, colored, clen);
			assert_same_output("stripped", stripped.p,
					   stripped.len, plain, plen);
			free(plain);
			free(colored);
			bytes_free(&stripped);
		}
	}
}

#define NUL_C "\033[38;5;242m"
#define PRINT_C "\033[36m"
#define SPACE_C "\033[32m"
#define OTHER_C "\033[35m"
#define HIGH_C "\033[33m"
#define RESET_C "\033[0m"

static void
test_color_runs_exact(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);
	const char in[] = "AA\0\0 B\x01\x80";

	(void)state;
	o.color = 1;
	/* One escape per run, the hex area and the ASCII column each reset. */
	assert_dump(&o, 0, in, 8,
		    "00000000  " PRINT_C "41 41 " NUL_C "00 00 " SPACE_C "20 "
		    PRINT_C "42 " OTHER_C "01 " HIGH_C "80" RESET_C
		    "                           "	/* 27 */
		    "|" PRINT_C "AA" NUL_C ".." SPACE_C " " PRINT_C "B"
		    OTHER_C "." HIGH_C "." RESET_C "|\n"
		    "00000008\n");
	o.format = DUMP_XXD;
	assert_dump(&o, 0, in, 8,
		    "00000000: " PRINT_C "4141 " NUL_C "0000 " SPACE_C "20"
		    PRINT_C "42 " OTHER_C "01" HIGH_C "80" RESET_C
		    "                      "	/* 41 - 19 */
		    PRINT_C "AA" NUL_C ".." SPACE_C " " PRINT_C "B" OTHER_C "."
		    HIGH_C "." RESET_C "\n");
	o.format = DUMP_PLAIN;
	o.cols = 4;
	assert_dump(&o, 0, in, 8,
		    PRINT_C "4141" NUL_C "0000" RESET_C "\n"
		    SPACE_C "20" PRINT_C "42" OTHER_C "01" HIGH_C "80" RESET_C
		    "\n");
}

static void
test_color_classes(void **state)
{
	struct dump_opts o = make_opts(DUMP_PLAIN, 1, -1, 1, NULL);
	static const struct {
		unsigned char byte;
		const char *sgr;
	} cases[] = {
		{ 0x00, NUL_C }, { 0x21, PRINT_C }, { 0x7e, PRINT_C },
		{ 'a', PRINT_C }, { ' ', SPACE_C }, { '\t', SPACE_C },
		{ '\n', SPACE_C }, { '\f', SPACE_C }, { '\r', SPACE_C },
		{ 0x0b, OTHER_C }, { 0x01, OTHER_C }, { 0x1f, OTHER_C },
		{ 0x7f, OTHER_C }, { 0x80, HIGH_C }, { 0xff, HIGH_C },
	};
	size_t i;

	(void)state;
	o.color = 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char in[1], want[64];

		in[0] = (char)cases[i].byte;
		snprintf(want, sizeof(want), "%s%02x" RESET_C "\n",
			 cases[i].sgr, cases[i].byte);
		assert_dump(&o, 0, in, 1, want);
	}
}

/* Every line with colour in it ends its run before the newline. */
static void
test_color_reset_at_line_end(void **state)
{
	static const enum dump_format formats[] = {
		DUMP_CANONICAL, DUMP_XXD, DUMP_PLAIN
	};
	uint32_t s = 5;
	unsigned char in[2000];
	size_t fi;

	(void)state;
	fill_random(&s, in, sizeof(in));
	for (fi = 0; fi < 3; fi++) {
		struct dump_opts o = make_opts(formats[fi], 0, -1, 1, NULL);
		unsigned char *out, *line, *nl;
		size_t len;

		o.color = 1;
		out = dump_to_memory(&o, 0, in, sizeof(in), 13, 0, &len);
		for (line = out; (nl = memchr(line, '\n',
				  len - (size_t)(line - out))) != NULL;
		     line = nl + 1) {
			size_t k = (size_t)(nl - line), tail;

			if (memchr(line, 0x1b, k) == NULL)
				continue;
			tail = formats[fi] == DUMP_CANONICAL ? 1 : 0;
			assert_true(k >= 4 + tail);
			assert_memory_equal(nl - tail - 4, RESET_C, 4);
		}
		free(out);
	}
}

/* ---- errors ---------------------------------------------------------- */

static void
test_feed_fails_after_write_error(void **state)
{
	struct dump_opts o = make_opts(DUMP_XXD, 0, -1, 1, NULL);
	unsigned char in[100000];
	struct outbuf ob;
	struct dumper d;
	int rc = 0, i;

	(void)state;
	memset(in, 'x', sizeof(in));
	sink_reset();
	sink.fail_errno = ENOSPC;
	sink.fail_after = 1000;
	assert_int_equal(outbuf_init(&ob, -1, 4096), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, &o, 0, &ob), 0);
	for (i = 0; i < 10 && rc == 0; i++)
		rc = dumper_feed(&d, in, sizeof(in));
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ENOSPC);
	/* Sticky: every later call fails the same way. */
	errno = 0;
	assert_int_equal(dumper_feed(&d, in, 1), -1);
	assert_int_equal(errno, ENOSPC);
	errno = 0;
	assert_int_equal(dumper_finish(&d), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(ob.err, ENOSPC);
	dumper_free(&d);
	outbuf_free(&ob);
	sink_reset();
}

static void
test_finish_reports_write_error(void **state)
{
	struct dump_opts o = make_opts(DUMP_C, 0, -1, 1, "x");
	struct outbuf ob;
	struct dumper d;

	(void)state;
	sink_reset();
	sink.fail_errno = EIO;
	sink.fail_after = 10;
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, &o, 0, &ob), 0);
	/* Small enough to stay buffered: the error shows at finish. */
	assert_int_equal(dumper_feed(&d, (const unsigned char *)"abc", 3), 0);
	errno = 0;
	assert_int_equal(dumper_finish(&d), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(sink.out.len, 10);
	dumper_free(&d);
	outbuf_free(&ob);
	sink_reset();
}

static void
test_dump_to_dev_full(void **state)
{
	struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);
	unsigned char in[4096];
	struct outbuf ob;
	struct dumper d;
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	if (fd < 0) {
		print_message("SKIPPED: no /dev/full\n");
		skip();
	}
	memset(in, 7, sizeof(in));
	assert_int_equal(outbuf_init(&ob, fd, 0), 0);
	assert_int_equal(dumper_init(&d, &o, 0, &ob), 0);
	assert_int_equal(dumper_feed(&d, in, sizeof(in)), 0);
	errno = 0;
	assert_int_equal(dumper_finish(&d), -1);
	assert_int_equal(errno, ENOSPC);
	dumper_free(&d);
	outbuf_free(&ob);
	close(fd);
}

/* ---- outbuf ---------------------------------------------------------- */

static void
test_outbuf_init(void **state)
{
	struct outbuf ob;

	(void)state;
	assert_int_equal(outbuf_init(&ob, 5, 0), 0);
	assert_int_equal(ob.fd, 5);
	assert_int_equal(ob.cap, OUTBUF_SIZE);
	assert_int_equal(ob.len, 0);
	assert_int_equal(ob.err, 0);
	assert_non_null(ob.buf);
	outbuf_free(&ob);
	assert_null(ob.buf);
	assert_int_equal(outbuf_init(&ob, 5, 10), 0);
	assert_int_equal(ob.cap, 10);
	outbuf_free(&ob);
}

/* Writes cut short and interrupted: every byte arrives once, in order. */
static void
test_outbuf_short_writes_and_eintr(void **state)
{
	struct outbuf ob;
	unsigned char data[10000];
	uint32_t s = 3;
	size_t i = 0;

	(void)state;
	fill_random(&s, data, sizeof(data));
	sink_reset();
	sink.max_write = 3;
	sink.eintr_every = 4;
	assert_int_equal(outbuf_init(&ob, -1, 64), 0);
	ob.write_fn = sink_write;
	while (i < sizeof(data)) {
		size_t k = 1 + rnd_below(&s, 200);

		if (k > sizeof(data) - i)
			k = sizeof(data) - i;
		assert_int_equal(outbuf_write(&ob, data + i, k), 0);
		i += k;
	}
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(sink.out.len, sizeof(data));
	assert_memory_equal(sink.out.p, data, sizeof(data));
	outbuf_free(&ob);
	sink_reset();
}

/* A full non-blocking pipe: wait with poll and go on (a real pipe fd). */
static void
test_outbuf_eagain(void **state)
{
	struct outbuf ob;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	sink_reset();
	sink.eagain_every = 2;
	assert_int_equal(outbuf_init(&ob, fds[1], 16), 0);
	ob.write_fn = sink_write;
	assert_int_equal(outbuf_write(&ob, "0123456789abcdefghij", 20), 0);
	assert_int_equal(outbuf_write(&ob, "KLMNOPQRSTUVWXYZ", 16), 0);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(sink.out.len, 36);
	assert_memory_equal(sink.out.p, "0123456789abcdefghijKLMNOPQRSTUVWXYZ",
			    36);
	outbuf_free(&ob);
	close(fds[0]);
	close(fds[1]);
	sink_reset();
}

static void
test_outbuf_error_is_sticky(void **state)
{
	struct outbuf ob;

	(void)state;
	sink_reset();
	sink.fail_errno = ENOSPC;
	sink.fail_after = 0;
	assert_int_equal(outbuf_init(&ob, -1, 8), 0);
	ob.write_fn = sink_write;
	assert_int_equal(outbuf_write(&ob, "1234", 4), 0);	/* buffered */
	errno = 0;
	assert_int_equal(outbuf_flush(&ob), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(ob.err, ENOSPC);
	sink.fail_errno = 0;	/* the device recovers; the outbuf does not */
	errno = 0;
	assert_null(outbuf_reserve(&ob, 1));
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(outbuf_write(&ob, "x", 1), -1);
	assert_int_equal(outbuf_flush(&ob), -1);
	assert_int_equal(sink.out.len, 0);
	outbuf_free(&ob);
	sink_reset();
}

static ssize_t
write_returns_zero(int fd, const void *p, size_t n)
{
	(void)fd;
	(void)p;
	(void)n;
	return 0;
}

static void
test_outbuf_write_returning_zero(void **state)
{
	struct outbuf ob;

	(void)state;
	assert_int_equal(outbuf_init(&ob, -1, 8), 0);
	ob.write_fn = write_returns_zero;
	assert_int_equal(outbuf_write(&ob, "abc", 3), 0);
	errno = 0;
	assert_int_equal(outbuf_flush(&ob), -1);	/* no endless loop */
	assert_int_equal(errno, EIO);
	outbuf_free(&ob);
}

static void
test_outbuf_reserve(void **state)
{
	struct outbuf ob;
	unsigned char *p;

	(void)state;
	sink_reset();
	assert_int_equal(outbuf_init(&ob, -1, 8), 0);
	ob.write_fn = sink_write;
	errno = 0;
	assert_null(outbuf_reserve(&ob, 9));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ob.err, 0);
	p = outbuf_reserve(&ob, 5);
	assert_non_null(p);
	memcpy(p, "hello", 5);
	outbuf_commit(&ob, 5);
	/* 5 + 5 > 8: the first five go out to make room. */
	p = outbuf_reserve(&ob, 5);
	assert_non_null(p);
	assert_int_equal(sink.out.len, 5);
	memcpy(p, "world", 5);
	outbuf_commit(&ob, 5);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_memory_equal(sink.out.p, "helloworld", 10);
	outbuf_free(&ob);
	sink_reset();
}

static void
test_outbuf_big_write(void **state)
{
	struct outbuf ob;
	unsigned char data[1000];
	uint32_t s = 8;

	(void)state;
	fill_random(&s, data, sizeof(data));
	sink_reset();
	assert_int_equal(outbuf_init(&ob, -1, 64), 0);
	ob.write_fn = sink_write;
	assert_int_equal(outbuf_write(&ob, data, 10), 0);
	assert_int_equal(outbuf_write(&ob, data + 10, 900), 0);
	/* The big piece went out directly, in few calls. */
	assert_true(sink.calls <= 3);
	assert_int_equal(outbuf_write(&ob, data + 910, 90), 0);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(sink.out.len, sizeof(data));
	assert_memory_equal(sink.out.p, data, sizeof(data));
	outbuf_free(&ob);
	sink_reset();
}

static void
test_outbuf_epipe(void **state)
{
	struct outbuf ob;
	struct sigaction sa, old;
	int fds[2];

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGPIPE, &sa, &old), 0);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(outbuf_init(&ob, fds[1], 0), 0);
	assert_int_equal(outbuf_write(&ob, "bye", 3), 0);
	errno = 0;
	assert_int_equal(outbuf_flush(&ob), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(ob.err, EPIPE);
	outbuf_free(&ob);
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
}

/* Through a real pipe, read back by the test: write(2) as used for real. */
static void
test_outbuf_real_pipe(void **state)
{
	struct dump_opts o = make_opts(DUMP_PLAIN, 0, -1, 1, NULL);
	struct outbuf ob;
	struct dumper d;
	unsigned char got[64];
	ssize_t r;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(outbuf_init(&ob, fds[1], 0), 0);
	assert_int_equal(dumper_init(&d, &o, 0, &ob), 0);
	assert_int_equal(dumper_feed(&d, (const unsigned char *)"\xde\xad", 2),
			 0);
	assert_int_equal(dumper_finish(&d), 0);
	close(fds[1]);
	r = read(fds[0], got, sizeof(got));
	assert_int_equal(r, 5);
	assert_memory_equal(got, "dead\n", 5);
	close(fds[0]);
	dumper_free(&d);
	outbuf_free(&ob);
}

/*
 * A big write grows a small pipe to 1 MiB (fewer wake-ups of a fast
 * reader); small writes leave it alone.  64 KiB, what an unchanged pipe
 * holds, so nothing blocks whether the pipe grew or not.
 */
static void
test_outbuf_grows_pipe(void **state)
{
#if defined(F_GETPIPE_SZ)
	static unsigned char big[64u << 10], got[64u << 10];
	struct outbuf ob;
	int fds[2];
	size_t n;

	(void)state;
	/* A pipe of this machine can grow to 1 MiB (not over a lower
	 * pipe-max-size, for a user who is not root)? */
	assert_int_equal(pipe(fds), 0);
	n = fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) == (1 << 20);
	close(fds[0]);
	close(fds[1]);
	if (!n)
		skip();
	assert_int_equal(pipe(fds), 0);
	if (fcntl(fds[1], F_GETPIPE_SZ) != 65536) {
		close(fds[0]);
		close(fds[1]);
		skip();
	}
	assert_int_equal(outbuf_init(&ob, fds[1], 0), 0);
	assert_int_equal(outbuf_write(&ob, "ab", 2), 0);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(fcntl(fds[1], F_GETPIPE_SZ), 65536);
	assert_int_equal(read(fds[0], got, 2), 2);
	memset(big, 'x', sizeof(big));
	assert_int_equal(outbuf_write(&ob, big, sizeof(big)), 0);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(fcntl(fds[1], F_GETPIPE_SZ), 1 << 20);
	for (n = 0; n < sizeof(got);) {
		ssize_t r = read(fds[0], got + n, sizeof(got) - n);

		assert_true(r > 0);
		n += (size_t)r;
	}
	assert_memory_equal(got, big, sizeof(big));
	outbuf_free(&ob);
	close(fds[0]);
	close(fds[1]);
#else
	(void)state;
	skip();
#endif
}

/* ---- live comparisons with the installed tools ------------------------ */

static char live_dir[256];

static int
have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char buf[1024];

	while (path != NULL && *path != '\0') {
		size_t k = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)k, path, name);
		if (access(buf, X_OK) == 0)
			return 1;
		path += k + (path[k] == ':');
	}
	return 0;
}

static void
need_tool(const char *name)
{
	if (!have_tool(name)) {
		print_message("SKIPPED: %s not installed\n", name);
		skip();
	}
}

static const char *
live_path(const char *name)
{
	static char buf[512];

	if (live_dir[0] == '\0') {
		const char *t = getenv("TMPDIR");

		snprintf(live_dir, sizeof(live_dir), "%s/dumpfmt-XXXXXX",
			 t != NULL && *t != '\0' ? t : "/tmp");
		assert_non_null(mkdtemp(live_dir));
	}
	snprintf(buf, sizeof(buf), "%s/%s", live_dir, name);
	return buf;
}

static void
write_whole(const char *path, const unsigned char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* Run CMD in the live directory; its standard output. */
static unsigned char *
run_command(const char *cmd, size_t *len)
{
	struct bytes b = { NULL, 0, 0 };
	char full[1024], buf[65536];
	size_t r;
	FILE *p;

	snprintf(full, sizeof(full), "cd '%s' && LC_ALL=C.UTF-8 %s", live_dir,
		 cmd);
	p = popen(full, "r");
	assert_non_null(p);
	while ((r = fread(buf, 1, sizeof(buf), p)) > 0)
		bytes_add(&b, buf, r);
	if (pclose(p) != 0) {
		print_error("command failed: %s\n", cmd);
		fail();
	}
	if (b.p == NULL)
		b.p = calloc(1, 1);
	*len = b.len;
	return b.p;
}

static void
live_compare(const char *cmd, const struct dump_opts *o, uint64_t start,
	     const unsigned char *p, size_t n)
{
	size_t glen, wlen;
	unsigned char *want = run_command(cmd, &wlen);
	unsigned char *got = dump_to_memory(o, start, p, n, CHUNK_RANDOM, 0,
					    &glen);

	assert_same_output(cmd, got, glen, want, wlen);
	free(got);
	free(want);
}

/* Fresh files of random sizes and contents, each format's default. */
static void
live_random_files(enum dump_format f, const char *tool, const char *cmd_fmt)
{
	uint32_t s = 2024 + (uint32_t)f;
	unsigned char *in = malloc(300000);
	int r;

	need_tool(tool);
	assert_non_null(in);
	for (r = 0; r < 12; r++) {
		size_t n = r == 0 ? 0 : r == 1 ? 300000
			   : r % 3 == 0 ? 16 * rnd_below(&s, 300)
			   : rnd_below(&s, 20000);
		struct dump_opts o = make_opts(f, 0, -1, 1, NULL);
		char cmd[256];

		if (r % 2)
			fill_lumpy(&s, in, n);
		else
			fill_random(&s, in, n);
		write_whole(live_path("in.bin"), in, n);
		if (f == DUMP_C)
			o.name = "in.bin";
		snprintf(cmd, sizeof(cmd), cmd_fmt, "in.bin");
		live_compare(cmd, &o, 0, in, n);
	}
	unlink(live_path("in.bin"));
	free(in);
}

static void
test_live_canonical(void **state)
{
	(void)state;
	live_random_files(DUMP_CANONICAL, "hexdump", "hexdump -C %s");
}

static void
test_live_xxd(void **state)
{
	(void)state;
	live_random_files(DUMP_XXD, "xxd", "xxd %s");
}

static void
test_live_plain(void **state)
{
	(void)state;
	live_random_files(DUMP_PLAIN, "xxd", "xxd -p %s");
}

static void
test_live_c(void **state)
{
	(void)state;
	live_random_files(DUMP_C, "xxd", "xxd -i %s");
}

/* -s: the dump starts inside the file; offsets stay absolute. */
static void
test_live_skip(void **state)
{
	uint32_t s = 31337;
	unsigned char in[5000];
	int r;

	(void)state;
	need_tool("xxd");
	need_tool("hexdump");
	fill_lumpy(&s, in, sizeof(in));
	write_whole(live_path("skip.bin"), in, sizeof(in));
	for (r = 0; r < 10; r++) {
		size_t skip = r == 0 ? sizeof(in) : rnd_below(&s, sizeof(in));
		struct dump_opts o = make_opts(DUMP_CANONICAL, 0, -1, r % 2,
					       NULL);
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "hexdump -C %s -s %zu skip.bin",
			 r % 2 ? "" : "-v", skip);
		live_compare(cmd, &o, skip, in + skip, sizeof(in) - skip);
		o = make_opts(DUMP_XXD, 0, -1, 1, NULL);
		snprintf(cmd, sizeof(cmd), "xxd -s %zu skip.bin", skip);
		live_compare(cmd, &o, skip, in + skip, sizeof(in) - skip);
	}
	unlink(live_path("skip.bin"));
}

/* Random -c and -g, the whole range xxd takes. */
static void
test_live_xxd_layouts(void **state)
{
	uint32_t s = 555;
	unsigned char in[3000];
	int r;

	(void)state;
	need_tool("xxd");
	fill_random(&s, in, sizeof(in));
	write_whole(live_path("lay.bin"), in, sizeof(in));
	for (r = 0; r < 40; r++) {
		unsigned cols = r < 20 ? 1 + rnd_below(&s, 24)
				       : 1 + rnd_below(&s, 256);
		int g = (int)rnd_below(&s, cols + 3);
		size_t n = rnd_below(&s, sizeof(in));
		struct dump_opts o = make_opts(DUMP_XXD, cols, g, 1, NULL);
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "xxd -c %u -g %d -l %zu lay.bin",
			 cols, g, n);
		live_compare(cmd, &o, 0, in, n);
	}
	for (r = 0; r < 10; r++) {
		unsigned cols = r == 0 ? 0 : 1 + rnd_below(&s, 400);
		struct dump_opts o = make_opts(DUMP_PLAIN, cols, -1, 1, NULL);
		char cmd[128];

		if (cols == 0)
			o.cols = DUMP_COLS_NONE;	/* xxd -p -c 0 */
		snprintf(cmd, sizeof(cmd), "xxd -p -c %u lay.bin", cols);
		live_compare(cmd, &o, 0, in, sizeof(in));
		o = make_opts(DUMP_C, cols, -1, 1, "lay.bin");
		snprintf(cmd, sizeof(cmd), "xxd -i -c %u lay.bin", cols);
		live_compare(cmd, &o, 0, in, sizeof(in));
		o.name = NULL;
		snprintf(cmd, sizeof(cmd), "xxd -i -c %u < lay.bin", cols);
		live_compare(cmd, &o, 0, in, sizeof(in));
	}
	unlink(live_path("lay.bin"));
}

/* Variable names from awkward file names. */
static void
test_live_c_names(void **state)
{
	static const char *const names[] = {
		"1.bin", "a-b.c", "x y.h", "caf\xc3\xa9", "_u_", "0"
	};
	size_t i;

	(void)state;
	need_tool("xxd");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct dump_opts o = make_opts(DUMP_C, 0, -1, 1, names[i]);
		char cmd[128];

		write_whole(live_path(names[i]), (const unsigned char *)"hi",
			    2);
		snprintf(cmd, sizeof(cmd), "xxd -i '%s'", names[i]);
		live_compare(cmd, &o, 0, (const unsigned char *)"hi", 2);
		unlink(live_path(names[i]));
	}
}

/* Offsets around and past 4 GiB, from a sparse file. */
static void
test_live_past_4g(void **state)
{
	static const uint64_t skips[] = {
		0xffffff00ull, 0xfffffffaull, 0x100000000ull, 0x140000003ull
	};
	const uint64_t size = 0x140000400ull;
	unsigned char *tail;
	size_t i;
	int fd;

	(void)state;
	need_tool("xxd");
	need_tool("hexdump");
	fd = open(live_path("sparse.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		unlink(live_path("sparse.bin"));
		print_message("SKIPPED: no sparse 5 GiB file here\n");
		skip();
	}
	/* Some bytes near each skip; the rest reads as zeros. */
	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++)
		assert_int_equal(pwrite(fd, "marker\n\t\x80", 9,
					(off_t)(skips[i] + 20)), 9);
	close(fd);
	tail = malloc(0x400 + 0x100);
	assert_non_null(tail);
	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		uint64_t skip = skips[i], n = size - skip, k;
		struct dump_opts o;
		char cmd[160];

		if (n > 0x500)
			n = 0x500;	/* dump a window: -n/-l */
		memset(tail, 0, (size_t)n);
		for (k = 0; k < sizeof(skips) / sizeof(skips[0]); k++)
			if (skips[k] + 20 >= skip && skips[k] + 29 <= skip + n)
				memcpy(tail + (skips[k] + 20 - skip),
				       "marker\n\t\x80", 9);
		o = make_opts(DUMP_CANONICAL, 0, -1, 1, NULL);
		snprintf(cmd, sizeof(cmd), "hexdump -C -s %llu -n %llu sparse.bin",
			 (unsigned long long)skip, (unsigned long long)n);
		live_compare(cmd, &o, skip, tail, (size_t)n);
		o = make_opts(DUMP_XXD, 7, 3, 1, NULL);
		snprintf(cmd, sizeof(cmd), "xxd -c 7 -g 3 -s %llu -l %llu sparse.bin",
			 (unsigned long long)skip, (unsigned long long)n);
		live_compare(cmd, &o, skip, tail, (size_t)n);
	}
	free(tail);
	unlink(live_path("sparse.bin"));
}

/* Remove what the live tests made, also after one of them failed. */
static int
live_cleanup(void **state)
{
	static const char *const files[] = {
		"in.bin", "skip.bin", "lay.bin", "sparse.bin", "1.bin",
		"a-b.c", "x y.h", "caf\xc3\xa9", "_u_", "0"
	};
	size_t i;

	(void)state;
	if (live_dir[0] == '\0')
		return 0;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(live_path(files[i]));
	rmdir(live_dir);
	return 0;
}

/* ---- main ------------------------------------------------------------ */

/* ---- holes: dumper_feed_zeros ----------------------------------------- */

/*
 * HEAD (HLEN bytes), then N zeros fed as a hole (dumper_feed_zeros) or as
 * bytes, then TAIL, dumped from offset 3; the output, *outlen set.
 */
static unsigned char *
dump_around_hole(const struct dump_opts *o, const unsigned char *head,
		 size_t hlen, uint64_t n, const char *tail, int as_hole,
		 size_t *outlen)
{
	static const unsigned char zeros[4096];
	struct outbuf ob;
	struct dumper d;

	sink_reset();
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, o, 3, &ob), 0);
	assert_int_equal(dumper_feed(&d, head, hlen), 0);
	for (uint64_t left = n; left > 0;) {
		size_t k = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);

		if (as_hole) {
			assert_int_equal(dumper_feed_zeros(&d, left), 0);
			break;
		}
		assert_int_equal(dumper_feed(&d, zeros, k), 0);
		left -= k;
	}
	assert_int_equal(dumper_feed(&d, (const unsigned char *)tail,
				     strlen(tail)), 0);
	assert_true(d.total == hlen + n + strlen(tail));
	return finish_to_memory(&d, &ob, outlen);
}

/*
 * A hole prints what its zeros fed as bytes print, in every format, after
 * a partial line or a whole one, of data or of zeros (a squeezed run that
 * goes on into the hole), around every threshold of the canonical skip.
 */
static void
test_hole_as_zeros(void **state)
{
	static const uint64_t holes[] = { 0, 1, 15, 16, 17, 31, 32, 33, 47,
					  48, 49, 63, 64, 65, 100, 4101 };
	static const size_t heads[] = { 0, 1, 13, 16, 45 };
	static const char *const tails[] = { "", "x", "a tail longer than "
					     "one line of any layout" };
	struct dump_opts opts[7];
	unsigned char head[48];

	(void)state;
	memset(opts, 0, sizeof(opts));
	for (size_t i = 0; i < 7; i++)
		opts[i].group = -1;
	opts[0].format = DUMP_CANONICAL;
	opts[0].squeeze = 1;
	opts[1].format = DUMP_CANONICAL;
	opts[2].format = DUMP_CANONICAL;
	opts[2].squeeze = 1;
	opts[2].color = 1;
	opts[3].format = DUMP_XXD;
	opts[4].format = DUMP_XXD;
	opts[4].cols = 7;
	opts[5].format = DUMP_PLAIN;
	opts[6].format = DUMP_C;
	for (size_t oi = 0; oi < 7; oi++)
	for (size_t hi = 0; hi < sizeof(heads) / sizeof(heads[0]); hi++)
	for (int zero_head = 0; zero_head < 2; zero_head++)
	for (size_t ni = 0; ni < sizeof(holes) / sizeof(holes[0]); ni++)
	for (size_t ti = 0; ti < 3; ti++) {
		unsigned char *got, *want;
		size_t glen, wlen;
		char what[96];
		uint32_t seed = (uint32_t)hi + 1;

		fill_random(&seed, head, sizeof(head));
		if (zero_head)
			memset(head, 0, sizeof(head));
		got = dump_around_hole(&opts[oi], head, heads[hi], holes[ni],
				       tails[ti], 1, &glen);
		want = dump_around_hole(&opts[oi], head, heads[hi], holes[ni],
					tails[ti], 0, &wlen);
		snprintf(what, sizeof(what), "opts %zu, head %zu%s, hole %llu, "
			 "tail %zu", oi, heads[hi], zero_head ? " (zeros)" : "",
			 (unsigned long long)holes[ni], ti);
		assert_same_output(what, got, glen, want, wlen);
		free(got);
		free(want);
	}
}

/* A hole of a terabyte costs the canonical dump a few lines and no time. */
static void
test_hole_terabyte_canonical(void **state)
{
	static const char want[] =
		"00000003  61 62 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		"  |ab..............|\n"
		"00000013  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
		"  |................|\n"
		"*\n"
		"10000000003  00 00 7a                                        "
		"  |..z|\n"
		"10000000006\n";
	struct dump_opts o;
	unsigned char *got;
	size_t glen;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.group = -1;
	o.squeeze = 1;
	got = dump_around_hole(&o, (const unsigned char *)"ab", 2,
			       (uint64_t)1 << 40, "z", 1, &glen);
	assert_same_output("1 TiB hole", got, glen,
			   (const unsigned char *)want, sizeof(want) - 1);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_cases_present),
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_check_opts_canonical),
		cmocka_unit_test(test_check_opts_xxd_cols),
		cmocka_unit_test(test_check_opts_group),
		cmocka_unit_test(test_check_opts_plain_c_cols),
		cmocka_unit_test(test_init_rejects_bad_opts),
		cmocka_unit_test(test_canonical_nothing),
		cmocka_unit_test(test_canonical_offset_widths),
		cmocka_unit_test(test_xxd_offset_widths),
		cmocka_unit_test(test_canonical_squeeze_rules),
		cmocka_unit_test(test_canonical_start_not_aligned),
		cmocka_unit_test(test_ascii_column_all_bytes),
		cmocka_unit_test(test_hex_digits_all_bytes),
		cmocka_unit_test(test_xxd_layouts_small),
		cmocka_unit_test(test_plain_edges),
		cmocka_unit_test(test_c_identifiers),
		cmocka_unit_test(test_c_edges),
		cmocka_unit_test(test_c_length_past_2g),
		cmocka_unit_test(test_reference_canonical),
		cmocka_unit_test(test_reference_xxd),
		cmocka_unit_test(test_reference_plain),
		cmocka_unit_test(test_reference_c),
		cmocka_unit_test(test_reference_xxd_every_layout),
		cmocka_unit_test(test_chunking_canonical),
		cmocka_unit_test(test_chunking_xxd),
		cmocka_unit_test(test_chunking_plain),
		cmocka_unit_test(test_chunking_c),
		cmocka_unit_test(test_chunking_color),
		cmocka_unit_test(test_offset_and_total),
		cmocka_unit_test(test_color_strips_to_reference),
		cmocka_unit_test(test_color_runs_exact),
		cmocka_unit_test(test_color_classes),
		cmocka_unit_test(test_color_reset_at_line_end),
		cmocka_unit_test(test_feed_fails_after_write_error),
		cmocka_unit_test(test_finish_reports_write_error),
		cmocka_unit_test(test_dump_to_dev_full),
		cmocka_unit_test(test_outbuf_init),
		cmocka_unit_test(test_outbuf_short_writes_and_eintr),
		cmocka_unit_test(test_outbuf_eagain),
		cmocka_unit_test(test_outbuf_error_is_sticky),
		cmocka_unit_test(test_outbuf_write_returning_zero),
		cmocka_unit_test(test_outbuf_reserve),
		cmocka_unit_test(test_outbuf_big_write),
		cmocka_unit_test(test_outbuf_epipe),
		cmocka_unit_test(test_outbuf_real_pipe),
		cmocka_unit_test(test_outbuf_grows_pipe),
		cmocka_unit_test(test_live_canonical),
		cmocka_unit_test(test_live_xxd),
		cmocka_unit_test(test_live_plain),
		cmocka_unit_test(test_live_c),
		cmocka_unit_test(test_live_skip),
		cmocka_unit_test(test_live_xxd_layouts),
		cmocka_unit_test(test_live_c_names),
		cmocka_unit_test(test_live_past_4g),
		cmocka_unit_test(test_hole_as_zeros),
		cmocka_unit_test(test_hole_terabyte_canonical),
	};
	struct golden_case *cases = NULL;
	struct CMUnitTest *golden;
	int ncases, i, failed;

	failed = cmocka_run_group_tests_name("dumpfmt", tests, NULL,
					     live_cleanup);
	ncases = load_cases(&cases);
	if (ncases <= 0)
		return failed + 1;	/* test_golden_cases_present said why */
	golden = calloc((size_t)ncases, sizeof(*golden));
	if (golden == NULL)
		return failed + 1;
	for (i = 0; i < ncases; i++) {
		golden[i].name = cases[i].id;
		golden[i].test_func = test_golden;
		golden[i].initial_state = &cases[i];
	}
	failed += _cmocka_run_group_tests("golden", golden, (size_t)ncases,
					  NULL, NULL);
	free(golden);
	free(cases);
	return failed;
}
