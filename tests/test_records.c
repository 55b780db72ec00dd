/*
 * test_records.c - peek -t FIELDS and poke -t FIELDS end to end (SPEC.md,
 * "Records: several typed fields in one peek"), checked against
 * independent tools on real files: readelf -h on ELF headers of binaries
 * of the system, file(1) on a PNG's IHDR, gzip -lv on a gzip trailer,
 * Python's struct on floats, python3 -m json.tool on the JSON.  Each of
 * those tests skips, saying so, when its tool is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

/* Skip the test, saying why, unless PROG is installed. */
static void need(const char *prog)
{
	if (!have_program(prog)) {
		print_message("[  SKIP    ] %s is not installed: no comparison "
			      "with it\n", prog);
		skip();
	}
}

/* NAME=VALUE pairs of text, one per line. */
struct pairs {
	char name[64][64];
	char value[64][128];
	size_t n;
};

/* Read "NAME=VALUE" lines (text output) or "    "NAME": VALUE," lines
 * (json.tool's) into *P. */
static void read_pairs(const char *text, int json, struct pairs *p)
{
	const char *line = text;

	memset(p, 0, sizeof(*p));
	while (*line != '\0' && p->n < 64) {
		const char *end = strchr(line, '\n'), *sep;
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line += len + (end != NULL);
		if (json) {
			char *q = strchr(buf, '"'), *q2, *v;

			if (q == NULL || (q2 = strchr(q + 1, '"')) == NULL)
				continue;
			*q2 = '\0';
			v = q2 + 2;	/* past ": " */
			while (*v == ' ')
				v++;
			v[strcspn(v, ",")] = '\0';
			if (*v == '"') {	/* a string: unquote */
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(p->name[p->n], 64, "%s", q + 1);
			snprintf(p->value[p->n], 128, "%s", v);
			p->n++;
			continue;
		}
		sep = strchr(buf, '=');
		if (sep == NULL)
			continue;
		snprintf(p->name[p->n], 64, "%.*s", (int)(sep - buf), buf);
		snprintf(p->value[p->n], 128, "%s", sep + 1);
		p->n++;
	}
}

static const char *pair(const struct pairs *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	print_error("no field %s\n", name);
	fail();
	return NULL;
}

/* The value of NAME as a number (decimal or 0x). */
static unsigned long long num(const struct pairs *p, const char *name)
{
	return strtoull(pair(p, name), NULL, 0);
}

/* The text after "KEY:" on its line of readelf's output. */
static const char *after(const char *text, const char *key, int nth)
{
	static char buf[128];
	const char *at = text;

	for (int i = 0; i <= nth; i++) {
		at = strstr(at, key);
		assert_non_null(at);
		at += strlen(key);
	}
	while (*at == ' ')
		at++;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(at, "\n"), at);
	return buf;
}

/* ---- ELF headers against readelf -h -------------------------------- */

#define ELF64 "magic=bytes:4,class=u8,data=u8,ei_version=u8,osabi=u8," \
	"abiversion=u8,pad:7,e_type=u16le,e_machine=u16le,e_version=x32le," \
	"e_entry=x64le,e_phoff=u64le,e_shoff=u64le,e_flags=x32le," \
	"e_ehsize=u16le,e_phentsize=u16le,e_phnum=u16le,e_shentsize=u16le," \
	"e_shnum=u16le,e_shstrndx=u16le"

/* Compare the fields in P (from text or JSON) with readelf's REF. */
static void check_against_readelf(const struct pairs *p, const char *ref,
				  const char *path)
{
	static const struct { const char *key, *field; } rows[] = {
		{ "Entry point address:", "e_entry" },
		{ "Start of program headers:", "e_phoff" },
		{ "Start of section headers:", "e_shoff" },
		{ "Flags:", "e_flags" },
		{ "Size of this header:", "e_ehsize" },
		{ "Size of program headers:", "e_phentsize" },
		{ "Number of program headers:", "e_phnum" },
		{ "Size of section headers:", "e_shentsize" },
		{ "Number of section headers:", "e_shnum" },
		{ "Section header string table index:", "e_shstrndx" },
		{ "ABI Version:", "abiversion" },
	};
	const char *type = after(ref, "Type:", 0);
	char magic[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned long long want = strtoull(after(ref, rows[i].key, 0),
						   NULL, 0);

		if (num(p, rows[i].field) != want)
			print_error("%s: %s is %s, readelf says %llu\n", path,
				    rows[i].field, pair(p, rows[i].field),
				    want);
		assert_int_equal(num(p, rows[i].field), want);
	}
	/* "Version: 1 (current)" is EI_VERSION, the second is e_version. */
	assert_int_equal(num(p, "ei_version"),
			 strtoull(after(ref, "\n  Version:", 0), NULL, 0));
	assert_int_equal(num(p, "e_version"),
			 strtoull(after(ref, "\n  Version:", 1), NULL, 0));
	assert_int_equal(num(p, "class"), 2);
	assert_non_null(strstr(after(ref, "Class:", 0), "ELF64"));
	assert_int_equal(num(p, "data"), 1);
	assert_non_null(strstr(after(ref, "Data:", 0), "little endian"));
	snprintf(magic, sizeof(magic), "%s", after(ref, "Magic:", 0));
	assert_true(strncmp(magic, "7f 45 4c 46", 11) == 0);
	assert_string_equal(pair(p, "magic"), "7f454c46");
	if (strncmp(type, "EXEC", 4) == 0)
		assert_int_equal(num(p, "e_type"), 2);
	else if (strncmp(type, "DYN", 3) == 0)
		assert_int_equal(num(p, "e_type"), 3);
	else if (strncmp(type, "REL", 3) == 0)
		assert_int_equal(num(p, "e_type"), 1);
	if (strstr(after(ref, "Machine:", 0), "X86-64") != NULL)
		assert_int_equal(num(p, "e_machine"), 62);
	else if (strstr(after(ref, "Machine:", 0), "AArch64") != NULL)
		assert_int_equal(num(p, "e_machine"), 183);
}

/* A 64-bit little-endian ELF file? */
static int is_elf64le(const char *path)
{
	unsigned char h[6];
	int fd = open(path, O_RDONLY), ok;

	if (fd < 0)
		return 0;
	ok = read(fd, h, 6) == 6 && memcmp(h, "\x7f" "ELF\x02\x01", 6) == 0;
	close(fd);
	return ok;
}

static void test_elf_headers_match_readelf(void **state)
{
	const char *paths[] = { "/bin/ls", "/bin/sh", "/usr/bin/env",
				"/bin/cat", "/usr/bin/gzip", mmtool_path() };
	size_t checked = 0;

	(void)state;
	need("readelf");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char cmd[1024];
		struct pairs text, json;
		struct run r;
		char *ref, *out;
		int st;

		if (!is_elf64le(paths[i]))
			continue;
		snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf -h '%s'",
			 paths[i]);
		ref = shell_output(cmd, 0, &st);
		assert_int_equal(st, 0);
		/* One named record, as text. */
		run_args(&r, "peek", "-t", ELF64, paths[i], "0", NULL);
		assert_int_equal(r.status, 0);
		read_pairs(r.out, 0, &text);
		assert_int_equal(text.n, 19);
		check_against_readelf(&text, ref, paths[i]);
		run_free(&r);
		/* The same as JSON, through python3 -m json.tool. */
		if (have_program("python3")) {
			snprintf(cmd, sizeof(cmd), "'%s' peek --json -t '%s' "
				 "'%s' 0 | python3 -m json.tool", mmtool_path(),
				 ELF64, paths[i]);
			out = shell_output(cmd, 1, &st);
			if (st != 0)
				print_error("json.tool: %s\n", out);
			assert_int_equal(st, 0);
			read_pairs(out, 1, &json);
			assert_int_equal(json.n, 19);
			check_against_readelf(&json, ref, paths[i]);
			free(out);
		}
		free(ref);
		checked++;
	}
	if (checked == 0) {
		print_message("[  SKIP    ] no 64-bit little-endian ELF "
			      "binaries here\n");
		skip();
	}
	if (!have_program("python3"))
		print_message("[  NOTE    ] python3 is not installed: the JSON "
			      "was not checked\n");
}

/* ---- the CI check ------------------------------------------------- */

/* A file holding an ELF header's first 20 bytes: e_type 3, e_machine 62. */
static const char *make_elf_start(void)
{
	static const unsigned char h[20] = {
		0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		3, 0, 62, 0
	};

	return write_file(tmp_path("elfstart"), h, sizeof(h));
}

static void test_expect_values_for_ci(void **state)
{
	const char *f = make_elf_start();
	const char *R = "e_type=u16le,e_machine=u16le";
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_args(&r, "peek", "-t", R, "--expect", "e_machine=62", f, "16",
		 NULL);
	assert_output(&r, "");
	run_free(&r);
	/* Positional, NAME=VALUE in any order, ? and hex all take. */
	run_args(&r, "peek", "-t", R, "--expect", "3,62", f, "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "-t", R, "--expect", "e_machine=0x3e,e_type=3",
		 f, "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "-t", R, "--expect", "?,62", f, "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* A wrong value: exit 1, the field, its offset, found, expected. */
	run_args(&r, "peek", "-t", R, "--expect", "e_machine=183", f, "16",
		 NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "e_machine at 0x12: found 62, expected 183");
	assert_err_contains(&r, f);
	run_free(&r);
	/* Two wrong fields: one line each. */
	run_args(&r, "peek", "-t", R, "--expect", "2,183", f, "16", NULL);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len, 0);
	assert_non_null(strstr(r.err, "e_type at 0x10: found 3, expected 2\n"));
	assert_non_null(strstr(r.err, "e_machine at 0x12: found 62, expected "
			       "183\n"));
	{
		size_t lines = 0;

		for (const char *c = r.err; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 2);
	}
	run_free(&r);
	/* Bad expectations: exit 2, one line. */
	{
		const char *bad[][2] = {
			{ "e_machine=65536", "out of range for u16" },
			{ "e_machine=-1", "negative" },
			{ "e_machine=x", "e_machine" },
			{ "e_mach=62", "no field of that name" },
			{ "62", "fewer values than fields" },
			{ "3,62,1", "more values than fields" },
			{ "e_type=3,62", "NAME=VALUE or none" },
			{ "e_type=3,e_type=3", "given twice" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			run_args(&r, "peek", "-t", R, "--expect", bad[i][0], f,
				 "16", NULL);
			assert_refused(&r, 2);
			assert_err_contains(&r, bad[i][1]);
			run_free(&r);
		}
	}
	/* Unnamed fields are named by position and type. */
	run_args(&r, "peek", "-t", "u16le,x16le", "--expect", "3,0x3f", f,
		 "16", NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "field 2 (x16le) at 0x12: found 0x003e, "
			    "expected 0x003f");
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_expect_on_the_system_ls(void **state)
{
	struct run r;
	char want[32];

	(void)state;
	if (!is_elf64le("/bin/ls")) {
		print_message("[  SKIP    ] /bin/ls is not a 64-bit "
			      "little-endian ELF file\n");
		skip();
	}
	run_args(&r, "peek", "-t", "u16le", "/bin/ls", "18", NULL);
	assert_int_equal(r.status, 0);
	snprintf(want, sizeof(want), "e_machine=%.*s", (int)(r.out_len - 1),
		 r.out);
	run_free(&r);
	/* The SPEC's line; 62 on x86-64, whatever this machine is here. */
	run_args(&r, "peek", "-t", "e_type=u16le,e_machine=u16le",
		 "--expect", want, "/bin/ls", "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "-t", "e_type=u16le,e_machine=u16le",
		 "--expect", "e_machine=1", "/bin/ls", "16", NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "e_machine");
	run_free(&r);
	run_args(&r, "peek", "-t", "e_type=u16le,e_machine=u16le",
		 "--expect", "e_machine=70000", "/bin/ls", "16", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	/* A single type takes --expect with a value too. */
	run_args(&r, "peek", "-t", "u16le", "--expect", want + 10, "/bin/ls",
		 "18", NULL);
	assert_output(&r, "");
	run_free(&r);
}

/* 1 if this test program runs big-endian. */
static int test_big_endian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

static void test_expect_counts_bytes_and_floats(void **state)
{
	unsigned char d[16] = { 1, 2, 3, 0xde, 0xad, 0xbe, 0xef };
	double neg_zero = -0.0;
	const char *f;
	struct run r;

	(void)state;
	memcpy(d + 8, &neg_zero, 8);
	f = write_file(tmp_path("expmix"), d, sizeof(d));
	/* z in this test's byte order: mmtool's host may differ from it
	 * (check-s390x). */
	run_args(&r, "peek", "-t", mmtool_big_endian() == test_big_endian() ?
		 "v=u8:3,b=bytes:4,pad:1,z=f64" :
		 test_big_endian() ? "v=u8:3,b=bytes:4,pad:1,z=f64be" :
		 "v=u8:3,b=bytes:4,pad:1,z=f64le",
		 "--expect", "v=1 ? 3,b=de??beef,z=0", f, "0", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "-t", "v=u8:3,b=bytes:4,pad:1,z=f64",
		 "--expect", "v=1 2 4,b=deadbeee", f, "0", NULL);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len, 0);
	assert_err_contains(&r, "v at 0x0: found 1 2 3, expected 1 2 4");
	assert_err_contains(&r, "b at 0x3: found deadbeef, expected deadbeee");
	run_free(&r);
	run_args(&r, "peek", "-t", "v=u8:3", "--expect", "v=1 2", f, "0",
		 NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "too few values");
	run_free(&r);
	run_args(&r, "peek", "-t", "b=bytes:4", "--expect", "b=dead", f, "3",
		 NULL);
	assert_refused(&r, 2);
	run_free(&r);
	/* NaN matches NaN, whatever its payload. */
	d[0] = 0x01; d[1] = 0x00; d[2] = 0xc0; d[3] = 0x7f;
	f = write_file(tmp_path("expnan"), d, 4);
	run_args(&r, "peek", "-t", "f32le", "--expect", "nan", f, "0", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* Every record of LENGTH is checked. */
	run_args(&r, "peek", "-t", "u8", "--expect", "1", f, "0", "2", NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "field 1 (u8) at 0x1: found 0, expected 1");
	run_free(&r);
}

/* ---- a PNG's IHDR against file(1) ---------------------------------- */

static void test_png_ihdr_matches_file(void **state)
{
	const char *png = tmp_path("made.png");
	const char *R = "length=u32be,type=bytes:4,width=u32be,height=u32be,"
			"depth=u8,color=u8,compression=u8,filter=u8,"
			"interlace=u8";
	static const char *const colors[] = {
		"grayscale", "?", "RGB", "colormap", "gray+alpha", "?", "RGBA"
	};
	char cmd[1024], want[128];
	struct pairs p;
	struct run r;
	char *ref;
	int st;

	(void)state;
	need("python3");
	need("file");
	snprintf(cmd, sizeof(cmd), "python3 -c '\n"
		 "import struct, zlib, sys\n"
		 "w, h = 37, 11\n"
		 "def chunk(t, d):\n"
		 "    c = zlib.crc32(t + d)\n"
		 "    return struct.pack(\">I\", len(d)) + t + d + struct.pack(\">I\", c)\n"
		 "raw = b\"\".join(b\"\\0\" + bytes(4 * w) for _ in range(h))\n"
		 "png = (b\"\\x89PNG\\r\\n\\x1a\\n\"\n"
		 "       + chunk(b\"IHDR\", struct.pack(\">IIBBBBB\", w, h, 8, 6, 0, 0, 0))\n"
		 "       + chunk(b\"IDAT\", zlib.compress(raw)) + chunk(b\"IEND\", b\"\"))\n"
		 "open(sys.argv[1], \"wb\").write(png)\n' '%s'", png);
	free(shell_output(cmd, 0, &st));
	assert_int_equal(st, 0);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C file -b '%s'", png);
	ref = shell_output(cmd, 0, &st);
	assert_int_equal(st, 0);
	run_args(&r, "peek", "-t", R, png, "8", NULL);
	assert_int_equal(r.status, 0);
	read_pairs(r.out, 0, &p);
	assert_string_equal(pair(&p, "type"), "49484452");	/* IHDR */
	assert_int_equal(num(&p, "length"), 13);
	snprintf(want, sizeof(want), "PNG image data, %llu x %llu, %llu-bit/"
		 "color %s, %s", num(&p, "width"), num(&p, "height"),
		 num(&p, "depth"), colors[num(&p, "color") % 7],
		 num(&p, "interlace") ? "interlaced" : "non-interlaced");
	if (strstr(ref, want) == NULL)
		print_error("file says [%s], peek gives [%s]\n", ref, want);
	assert_non_null(strstr(ref, want));
	assert_int_equal(num(&p, "width"), 37);
	assert_int_equal(num(&p, "color"), 6);
	run_free(&r);
	free(ref);
	/* And in CI form. */
	run_args(&r, "peek", "-t", R, "--expect", "type=49484452,width=37,"
		 "height=11", png, "8", NULL);
	assert_output(&r, "");
	run_free(&r);
}

/* ---- a gzip trailer against gzip -lv ------------------------------- */

static void test_gzip_trailer_matches_gzip_l(void **state)
{
	unsigned char data[5000];
	const char *plain = tmp_path("gz-plain"), *gz = tmp_path("gz-plain.gz");
	char cmd[1024], crc[32], *ref, *line2, *tok[16], *save = NULL;
	struct pairs p;
	struct run r;
	size_t ntok = 0;
	int st;

	(void)state;
	need("gzip");
	fill_random(data, sizeof(data), 42);
	memset(data + 1000, 'a', 3000);
	write_file(plain, data, sizeof(data));
	snprintf(cmd, sizeof(cmd), "gzip -n -c '%s' > '%s'", plain, gz);
	free(shell_output(cmd, 0, &st));
	assert_int_equal(st, 0);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C gzip -lv '%s'", gz);
	ref = shell_output(cmd, 0, &st);
	assert_int_equal(st, 0);
	line2 = strchr(ref, '\n');
	assert_non_null(line2);
	for (char *t = strtok_r(line2 + 1, " \n", &save); t && ntok < 16;
	     t = strtok_r(NULL, " \n", &save))
		tok[ntok++] = t;
	/* method crc date... compressed uncompressed ratio name */
	assert_true(ntok >= 6);
	run_args(&r, "peek", "-t", "crc=x32le,isize=u32le", gz, "-8", NULL);
	assert_int_equal(r.status, 0);
	read_pairs(r.out, 0, &p);
	snprintf(crc, sizeof(crc), "0x%s", tok[1]);
	assert_string_equal(pair(&p, "crc"), crc);
	assert_int_equal(num(&p, "isize"), strtoull(tok[ntok - 3], NULL, 10));
	assert_int_equal(num(&p, "isize"), sizeof(data));
	run_free(&r);
	/* The same as JSON: numbers in decimal. */
	run_args(&r, "peek", "--json", "-t", "crc=x32le,isize=u32le", gz, "-8",
		 NULL);
	snprintf(cmd, sizeof(cmd), "{\"crc\":%llu,\"isize\":5000}\n",
		 strtoull(tok[1], NULL, 16));
	assert_output(&r, cmd);
	run_free(&r);
	free(ref);
}

/* ---- floats written by Python's struct ----------------------------- */

static void test_floats_from_python_struct(void **state)
{
	const char *f = tmp_path("pyfloats");
	char cmd[4096];
	char *out;
	int st;

	(void)state;
	need("python3");
	/* Python writes the values, runs mmtool, and checks each value read
	 * back, text and JSON, bit for bit (NaN: is a NaN). */
	snprintf(cmd, sizeof(cmd), "python3 -c '\n"
		 "import json, math, struct, subprocess, sys\n"
		 "mm, path = sys.argv[1], sys.argv[2]\n"
		 "d = [0.1, -0.0, math.inf, -math.inf, math.nan, 1e300, 5e-324, 2/3, 123456789.123456789]\n"
		 "f = [0.1, -0.0, math.inf, -math.inf, math.nan, 3.4e38, 1e-45, 16777217.0]\n"
		 "open(path, \"wb\").write(struct.pack(\">9d\", *d) + struct.pack(\"<8f\", *f))\n"
		 "def same(fmt, text, want):\n"
		 "    if text in (\"nan\", \"-nan\"): return math.isnan(want)\n"
		 "    return struct.pack(fmt, float(text)) == struct.pack(fmt, want)\n"
		 "def run(*a): return subprocess.run([mm, \"peek\"] + list(a), check=True, capture_output=True, text=True).stdout\n"
		 "bad = 0\n"
		 "lines = run(\"-t\", \"f64be\", path, \"0\", \"72\").split()\n"
		 "lines += run(\"-t\", \"f32le\", path, \"72\", \"32\").split()\n"
		 "for i, (t, w) in enumerate(zip(lines, d + f)):\n"
		 "    if not same(\">d\" if i < 9 else \"<f\", t, w): print(\"text\", i, t, w); bad += 1\n"
		 "one = json.loads(run(\"--json\", \"-t\", \"d=f64be:9,f=f32le:8\", path, \"0\"))\n"
		 "for k, fmt, vals in ((\"d\", \">d\", d), (\"f\", \"<f\", f)):\n"
		 "    for t, w in zip(one[k], vals):\n"
		 "        if isinstance(t, str):\n"
		 "            ok = (t == \"nan\" and math.isnan(w)) or (t in (\"inf\", \"-inf\") and float(t) == w)\n"
		 "        else:\n"
		 "            ok = same(fmt, repr(float(t)), w)\n"
		 "        if not ok: print(\"json\", k, t, w); bad += 1\n"
		 "neg = run(\"-t\", \"z=f64be\", path, \"8\")\n"
		 "if neg != \"z=-0\\n\": print(\"-0.0 as\", repr(neg)); bad += 1\n"
		 "sys.exit(1 if bad or len(lines) != 17 else 0)\n"
		 "' '%s' '%s'", mmtool_path(), f);
	out = shell_output(cmd, 1, &st);
	if (st != 0)
		print_error("python3 check: %s\n", out);
	assert_int_equal(st, 0);
	free(out);
}

/* ---- output forms --------------------------------------------------- */

static const unsigned char mixed[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* u64 max */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,	/* i64 min */
	0x3e, 0x00,					/* 62 */
	0x01, 0x02, 0x03,				/* u8:3 */
	0xca, 0xfe,					/* bytes:2 */
	0x00, 0x00, 0x00,				/* pad:3 */
};

static void test_text_named_and_unnamed(void **state)
{
	const char *f = write_file(tmp_path("mixed"), mixed, sizeof(mixed));
	const char *R = "a=u64le,b=i64le,c=x16le,d=u8:3,e=bytes:2,pad:3";
	char cmd[1024];
	char *out;
	struct run r;
	int st;

	(void)state;
	run_args(&r, "peek", "-t", R, f, "0", NULL);
	assert_output(&r, "a=18446744073709551615\nb=-9223372036854775808\n"
		      "c=0x003e\nd='1 2 3'\ne=cafe\n");
	run_free(&r);
	run_args(&r, "peek", "-t", "u64le,i64le,x16le,u8:3,bytes:2,pad:3", f,
		 "0", NULL);
	assert_output(&r, "18446744073709551615\n-9223372036854775808\n"
		      "0x003e\n1\n2\n3\ncafe\n");
	run_free(&r);
	/* eval takes the named lines. */
	snprintf(cmd, sizeof(cmd), "eval \"$('%s' peek -t '%s' '%s' 0)\" && "
		 "printf '%%s|' \"$a\" \"$b\" \"$c\" \"$d\" \"$e\"",
		 mmtool_path(), R, f);
	out = shell_output(cmd, 0, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "18446744073709551615|-9223372036854775808|"
			    "0x003e|1 2 3|cafe|");
	free(out);
	/* x types: two digits per byte. */
	run_args(&r, "peek", "-t", "x8,x32be,x64be", f, "13", NULL);
	assert_output(&r, "0x00\n0x00803e00\n0x010203cafe000000\n");
	run_free(&r);
}

static void test_json_forms(void **state)
{
	const char *f = write_file(tmp_path("mixedj"), mixed, sizeof(mixed));
	struct run r;

	(void)state;
	run_args(&r, "peek", "--json", "-t",
		 "a=u64le,b=i64le,c=x16le,d=u8:3,e=bytes:2,pad:3", f, "0",
		 NULL);
	assert_output(&r, "{\"a\":18446744073709551615,"
		      "\"b\":-9223372036854775808,\"c\":62,\"d\":[1,2,3],"
		      "\"e\":\"cafe\"}\n");
	run_free(&r);
	run_args(&r, "peek", "--json", "-t", "u8:2,bytes:1", f, "16", "6",
		 NULL);
	assert_output(&r, "[62,0,\"01\"]\n[2,3,\"ca\"]\n");
	run_free(&r);
	run_args(&r, "peek", "--json", "-t", "pad:2", f, "0", NULL);
	assert_output(&r, "[]\n");
	run_free(&r);
	run_args(&r, "peek", "--json", f, "0", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "--json needs -t");
	run_free(&r);
	run_args(&r, "peek", "--json", "-t", "u8", "--expect", "1", f, "0",
		 NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

static void test_records_repeat_and_limits(void **state)
{
	const char *f = write_file(tmp_path("lim"), mixed, sizeof(mixed));
	struct run r;

	(void)state;
	run_args(&r, "peek", "-t", "a=u8,pad:1", f, "16", "6", NULL);
	assert_output(&r, "a=62\na=1\na=3\n");
	run_free(&r);
	/* Pad at the end of the file: counted, not shown. */
	run_args(&r, "peek", "-t", "bytes:2,pad:3", f, "-5", NULL);
	assert_output(&r, "cafe\n");
	run_free(&r);
	/* A record past the end: exit 2, naming the range and the size. */
	run_args(&r, "peek", "-t", "bytes:2,pad:4", f, "-5", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "[21, 27)");
	assert_err_contains(&r, "26 bytes");
	run_free(&r);
	run_args(&r, "peek", "-t", "u8,u16le", f, "0", "4", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "not a multiple");
	run_free(&r);
	{
		const char *bad[][2] = {
			{ "u8:0", "at least 1" },
			{ "bytes:0", "at least 1" },
			{ "u8:9223372036854775808", "2^63-1" },
			{ "pad:4E,pad:4E", "2^63-1" },
			{ "a=u8,a=u8", "duplicate name 'a' at column 6" },
			{ "a=u8,9=u8", "C identifier" },
			{ "a=u8,u8", "every field or none" },
			{ "u8,x12", "unknown type 'x12' at column 4" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			run_args(&r, "peek", "-t", bad[i][0], f, "0", NULL);
			assert_refused(&r, 2);
			assert_err_contains(&r, bad[i][1]);
			run_free(&r);
			run_args(&r, "poke", "-t", bad[i][0], f, "0", "1",
				 NULL);
			assert_refused(&r, 2);
			assert_err_contains(&r, bad[i][1]);
			run_free(&r);
		}
	}
	assert_file(f, mixed, sizeof(mixed));
}

static void test_records_from_stdin_and_holes(void **state)
{
	const char *f = tmp_path("holey");
	struct run r;
	int fd;

	(void)state;
	run_mmtool(&r, mixed, sizeof(mixed), (const char *const[]){
		"peek", "-t", "c=x16le,d=u8:3", "-", "16", NULL });
	assert_output(&r, "c=0x003e\nd='1 2 3'\n");
	run_free(&r);
	/* A record read from a hole is zeros, then the data after it. */
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\x3e\x00", 2, (1 << 20) + 2), 2);
	close(fd);
	run_args(&r, "peek", "-t", "x16le,x16le", f, "1M", NULL);
	assert_output(&r, "0x0000\n0x003e\n");
	run_free(&r);
}

/* ---- poke -t and the round trip ------------------------------------ */

static void test_poke_fields_leave_pad(void **state)
{
	unsigned char before[12], after[12];
	const char *f;
	struct run r;

	(void)state;
	memset(before, 0xee, sizeof(before));
	f = write_file(tmp_path("pokepad"), before, sizeof(before));
	/* The SPEC's example: two fields, six bytes. */
	run_args(&r, "poke", "-t", "u16le,u32le", f, "0", "3", "1", NULL);
	assert_output(&r, "");
	run_free(&r);
	memcpy(after, "\x03\x00\x01\x00\x00\x00", 6);
	memset(after + 6, 0xee, 6);
	assert_file(f, after, sizeof(after));
	/* Names ignored, pad untouched, -v shows pad as it stays, the
	 * record repeats. */
	run_args(&r, "poke", "-v", "-t", "a=u8,pad:1,b=bytes:2", f, "4", "7",
		 "cafe", "8", "beef", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, ": 0x4: 0000eeeeeeeeeeee -> "
			       "0700cafe08eebeef\n"));
	run_free(&r);
	memcpy(after + 4, "\x07\x00\xca\xfe\x08\xee\xbe\xef", 8);
	assert_file(f, after, sizeof(after));
	/* Operands that do not fill whole records, a bad value: nothing
	 * written. */
	run_args(&r, "poke", "-t", "u8,u8", f, "0", "1", "2", "3", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "do not fill whole records");
	run_free(&r);
	run_args(&r, "poke", "-t", "a=u8,b=u8", f, "0", "1", "256", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "invalid u8 value '256' for b");
	run_free(&r);
	run_args(&r, "poke", "-t", "bytes:2", f, "0", "cafebabe", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	run_args(&r, "poke", "-t", "pad:2", f, "0", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, after, sizeof(after));
}

static void test_round_trip_unnamed_record(void **state)
{
	const char *R = "u8,i16le,x32be,f64le,bytes:5,pad:3,u16be:2,i64be,"
			"f32be,x8";
	const size_t rec = 1 + 2 + 4 + 8 + 5 + 3 + 4 + 8 + 4 + 1;
	unsigned char src[3 * 40], dst[3 * 40 + 7], want[sizeof(dst)];
	const char *fs, *fd;
	char cmd[1024];
	char *out;
	int st;

	(void)state;
	assert_int_equal(rec, 40);
	fill_random(src, sizeof(src), 7);
	for (size_t i = 0; i < 3; i++) {	/* floats that are not NaN */
		double d = -1.0 / 3 * (double)(i + 1);
		float v = 0.1f * (float)i;

		memcpy(src + 40 * i + 7, &d, 8);
		memcpy(src + 40 * i + 31, &v, 4);
		src[40 * i + 31] = src[40 * i + 31] & 0x3f;	/* be: finite */
	}
	memset(dst, 0x5a, sizeof(dst));
	fs = write_file(tmp_path("rt-src"), src, sizeof(src));
	fd = write_file(tmp_path("rt-dst"), dst, sizeof(dst));
	snprintf(cmd, sizeof(cmd), "R=%s; '%s' poke -t $R '%s' 7 "
		 "$('%s' peek -t $R '%s' 0 120)", R, mmtool_path(), fd,
		 mmtool_path(), fs);
	out = shell_output(cmd, 1, &st);
	if (st != 0)
		print_error("%s\n", out);
	assert_int_equal(st, 0);
	free(out);
	/* Every byte copied but pad, which kept what was there. */
	memcpy(want, dst, sizeof(want));
	memcpy(want + 7, src, sizeof(src));
	for (size_t i = 0; i < 3; i++)
		memset(want + 7 + 40 * i + 20, 0x5a, 3);
	assert_file(fd, want, sizeof(want));
}

/* --expect HEX without -t takes "??" as find patterns do. */
static void test_expect_hex_wildcards(void **state)
{
	const char *f = write_file(tmp_path("wild"), "0123456789", 10);
	struct run r;

	(void)state;
	run_args(&r, "peek", "--expect", "30??32", f, "0", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "--expect", "????", f, "8", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "peek", "--expect", "30??33", f, "0", NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "at 0x2: found 32, expected 33");
	run_free(&r);
	run_args(&r, "peek", "--expect", "31??", f, "0", NULL);
	assert_refused(&r, 1);
	assert_err_contains(&r, "found 3031, expected 31??");
	run_free(&r);
	/* The same grammar as find's: same bytes, same matches. */
	run_args(&r, "find", f, "30??32", NULL);
	assert_output(&r, "0\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_headers_match_readelf),
		cmocka_unit_test(test_expect_values_for_ci),
		cmocka_unit_test(test_expect_on_the_system_ls),
		cmocka_unit_test(test_expect_counts_bytes_and_floats),
		cmocka_unit_test(test_png_ihdr_matches_file),
		cmocka_unit_test(test_gzip_trailer_matches_gzip_l),
		cmocka_unit_test(test_floats_from_python_struct),
		cmocka_unit_test(test_text_named_and_unnamed),
		cmocka_unit_test(test_json_forms),
		cmocka_unit_test(test_records_repeat_and_limits),
		cmocka_unit_test(test_records_from_stdin_and_holes),
		cmocka_unit_test(test_poke_fields_leave_pad),
		cmocka_unit_test(test_round_trip_unnamed_record),
		cmocka_unit_test(test_expect_hex_wildcards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
