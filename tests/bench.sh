#!/bin/sh
# bench.sh - time mmtool against the tools it replaces.
#
#   sh tests/bench.sh /abs/path/to/mmtool      (make bench does this)
#
# Makes its own files in a temporary directory (64 MiB and 256 MiB of
# random bytes), checks that mmtool prints what the references print, then
# times each command (best of RUNS runs, output to /dev/null) and prints a
# table with ratios and the targets.  Only the references installed are
# timed.  A reference slower than SLOW seconds runs once.
#
# Environment: RUNS (default 5), SLOW (default 2), BENCH_DIR (where the
# temporary directory goes; default TMPDIR or /tmp), BENCH (which benches
# to run, default all: "hexdump pipe find patch diff sparse xxdopts
# reverse records"),
# SPARSE_REF_MAX (seconds hexdump -C may take on the cold 8 GiB sparse
# file; default 60).
#
# Later benches (find, patch) go in the marked functions near the end.
set -u

MMTOOL=${1:?usage: sh tests/bench.sh /abs/path/to/mmtool}
RUNS=${RUNS:-5}
SLOW=${SLOW:-2}
LC_ALL=C
export LC_ALL

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/mmtool-bench.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

have() { command -v "$1" >/dev/null 2>&1; }

# ---- clocks ---------------------------------------------------------------

# Wall-clock seconds of `sh -c "$1"`: date +%s%N where it counts in
# nanoseconds (GNU), else the POSIX time utility (10 ms resolution).
if [ "$(date +%N 2>/dev/null)" != "%N" ] && [ -n "$(date +%N 2>/dev/null)" ] \
   && date +%N | grep -q '^[0-9][0-9]*$'; then
	clock="date"
elif (time -p true) >/dev/null 2>&1; then
	clock="time"
else
	echo "bench: no clock (neither date +%N nor time -p)" >&2
	exit 2
fi

elapsed() {
	if [ "$clock" = date ]; then
		start=$(date +%s%N)
		sh -c "$1"
		end=$(date +%s%N)
		awk -v ns=$((end - start)) 'BEGIN { printf "%.4f\n", ns / 1e9 }'
	else
		{ time -p sh -c "$1" 2>/dev/null; } 2>&1 |
			awk '$1 == "real" { print $2 }'
	fi
}

# The best of RUNS runs of CMD (a shell command that sends its output
# where it wants); once only if a run takes over SLOW seconds.
best_time() {
	best=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t=$(elapsed "$1")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
		awk -v a="$t" -v s="$SLOW" 'BEGIN { exit !(a > s) }' && break
		i=$((i + 1))
	done
	echo "$best"
}

# ---- files ----------------------------------------------------------------

# N MiB of random bytes in FILE.
make_random() {
	dd if=/dev/urandom of="$1" bs=1048576 count="$2" 2>/dev/null || {
		echo "bench: cannot write $1" >&2
		exit 2
	}
}

mid=$work/random64m
big=$work/random256m
small=$work/random4m
make_random "$mid" 64
make_random "$big" 256
dd if="$mid" of="$small" bs=1048576 count=4 2>/dev/null

# ---- does mmtool hexdump work, and print what the references print? -------

mm_ok=1
if ! "$MMTOOL" hexdump "$small" >/dev/null 2>"$work/err"; then
	echo "bench: '$MMTOOL hexdump' does not work yet:" >&2
	cat "$work/err" >&2
	mm_ok=0
fi

# check LABEL "MMTOOL ARGS" "REFERENCE CMD": compare on the 4 MiB file.
check() {
	have "${3%% *}" || return 0
	# shellcheck disable=SC2086
	"$MMTOOL" hexdump $2 "$small" >"$work/got" 2>/dev/null
	sh -c "$3 '$small'" >"$work/want" 2>/dev/null
	if cmp -s "$work/got" "$work/want"; then
		echo "same output as $3: $1"
	else
		echo "DIFFERENT OUTPUT from $3: $1"
		mismatch=1
	fi
}

mismatch=0
if [ "$mm_ok" = 1 ]; then
	echo "== output (4 MiB random)"
	check canonical "" "hexdump -C"
	check xxd "-f xxd" "xxd"
	check plain "-f plain" "xxd -p"
	# xxd -i names the array after the path it was given.
	have xxd && {
		"$MMTOOL" hexdump -f c "$small" >"$work/got" 2>/dev/null
		xxd -i "$small" >"$work/want"
		if cmp -s "$work/got" "$work/want"; then
			echo "same output as xxd -i: c"
		else
			echo "DIFFERENT OUTPUT from xxd -i: c"
			mismatch=1
		fi
	}
fi

# ---- timing ---------------------------------------------------------------

# results: one line per timed command, "KEY SECONDS".
results=$work/results
: >"$results"

# timed KEY CMD: time CMD (if its program is installed) and note it.
timed() {
	prog=${2%% *}
	[ "${prog#/}" != "$prog" ] || have "$prog" || return 0
	printf '  %-44s' "$(echo "$2" | sed "s|$work/||g")"
	t=$(best_time "$2 >/dev/null 2>&1")
	printf ' %8.3f s\n' "$t"
	echo "$1 $t" >>"$results"
}

result() { awk -v k="$1" '$1 == k { print $2 }' "$results"; }

bench_hexdump() {
	echo "== hexdump of 64 MiB of random bytes, best of $RUNS, to /dev/null"
	if [ "$mm_ok" = 1 ]; then
		timed mm.canonical "$MMTOOL hexdump $mid"
		timed mm.xxd "$MMTOOL hexdump -f xxd $mid"
		timed mm.plain "$MMTOOL hexdump -f plain $mid"
		timed mm.c "$MMTOOL hexdump -f c $mid"
	fi
	timed ref.xxd "xxd $mid"
	timed ref.plain "xxd -p $mid"
	timed ref.c "xxd -i $mid"
	timed ref.hexdump "hexdump -C $mid"
	timed ref.od "od -Ax -tx1z $mid"
	timed ref.hexyl "hexyl $mid"
}

# Through a pipe: does mmtool keep a reader as busy as cat of the same bytes?
bench_pipe() {
	[ "$mm_ok" = 1 ] || return 0
	src=$big
	# The dump of 256 MiB takes about 1.3 GB; fall back to 64 MiB if tight.
	avail=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
	if [ "${avail:-0}" -lt 3000000 ]; then
		src=$mid
	fi
	"$MMTOOL" hexdump "$src" >"$work/dump" || return 0
	size=$(($(wc -c <"$src") >> 20))
	echo "== through a pipe ($size MiB file, $(($(wc -c <"$work/dump") >> 20)) MiB of dump)"
	timed mm.pipe "$MMTOOL hexdump $src | cat"
	timed cat.pipe "cat $work/dump | cat"
	rm -f "$work/dump"
}

# Peak resident memory (KiB) of `mmtool hexdump FILE`: it maps a window at
# a time, so this must stay small whatever the file's size.  Empty when
# GNU time is missing or mmtool failed.
peak_rss() {
	[ "$mm_ok" = 1 ] && [ -x /usr/bin/time ] &&
		/usr/bin/time -f %M -o "$work/rss" true 2>/dev/null || return 0
	/usr/bin/time -f %M -o "$work/rss" "$MMTOOL" hexdump "$1" \
		>/dev/null 2>&1 && tail -n 1 "$work/rss"
}

# ---- later benches: add them here -------------------------------------------

# bench_find: one needle in 256 MiB of random bytes, mmtool find -s against
# grep -obaF (same offsets checked first), plus a wildcard pattern.
bench_find() {
	[ "$mm_ok" = 1 ] || return 0
	needle=mmtoolNEEDLE42
	hay=$work/find256m
	cp "$big" "$hay" || return 0
	printf '%s' "$needle" |
		dd of="$hay" bs=1 seek=200000000 conv=notrunc 2>/dev/null
	echo "== find of one needle in 256 MiB of random bytes, best of $RUNS"
	got=$("$MMTOOL" find -s "$hay" "$needle" 2>&1)
	want=$(LC_ALL=C grep -obaF "$needle" "$hay" | cut -d: -f1)
	if [ "$got" = "$want" ] && [ "$got" = 200000000 ]; then
		echo "same offsets as grep -obaF: $got"
	else
		echo "DIFFERENT OFFSETS from grep -obaF: [$got] [$want]"
		mismatch=1
	fi
	timed mm.find "$MMTOOL find -s $hay $needle"
	timed ref.grep "env LC_ALL=C grep -obaF $needle $hay"
	timed mm.findwild "$MMTOOL find $hay '6d 6d ?? 6f 6f 6c'"
	find_rss=$(rss_of "$MMTOOL" find -s "$hay" "$needle")
	rm -f "$hay"
}

# bench_patch: a 16 MiB file from an edited xxd dump, mmtool patch against
# xxd -r (same bytes checked first).  Each run starts from a fresh copy,
# in both commands, so that every run has the bytes to write.
bench_patch() {
	[ "$mm_ok" = 1 ] && have xxd || return 0
	f16=$work/patch16m
	dd if="$big" of="$f16" bs=1048576 count=16 2>/dev/null
	xxd "$f16" >"$work/p16.xxd"
	sed -e '1000s/^\(........: \)../\1ff/' \
	    -e '500000s/^\(........: \)..../\1abcd/' \
	    -e '1048000s/^\(........: \)../\100/' "$work/p16.xxd" >"$work/p16.edit"
	cp "$f16" "$work/p.mm"
	cp "$f16" "$work/p.xxd"
	"$MMTOOL" patch "$work/p.mm" "$work/p16.edit"
	xxd -r "$work/p16.edit" "$work/p.xxd"
	if cmp -s "$work/p.mm" "$work/p.xxd" && ! cmp -s "$work/p.mm" "$f16"; then
		echo "same bytes as xxd -r: patch"
	else
		echo "DIFFERENT BYTES from xxd -r: patch"
		mismatch=1
	fi
	echo "== patch of 16 MiB from an edited xxd dump ($(($(wc -c <"$work/p16.edit") >> 20)) MiB), best of $RUNS"
	timed mm.patch "cp $f16 $work/p.mm && $MMTOOL patch $work/p.mm $work/p16.edit"
	timed mm.patchns "cp $f16 $work/p.mm && $MMTOOL patch --no-sync $work/p.mm $work/p16.edit"
	timed ref.xxdr "cp $f16 $work/p.xxd && xxd -r $work/p16.edit $work/p.xxd"
	timed ref.cp "cp $f16 $work/p.mm"
	rm -f "$work/p16.xxd" "$work/p.mm" "$work/p.xxd"
	# Peak RSS patching 256 MiB from its whole dump with three edits: the
	# dump (about 1.1 GB) is read a window at a time and only the changed
	# bytes are kept.
	cp "$big" "$work/p256"
	"$MMTOOL" hexdump -f xxd "$big" |
		sed -e '1000s/^\(........: \)../\1ff/' \
		    -e '8000000s/^\(........: \)..../\1abcd/' \
		    -e '16000000s/^\(........: \)../\100/' >"$work/p256.edit"
	patch_rss=$(rss_of "$MMTOOL" patch "$work/p256" "$work/p256.edit")
	rm -f "$work/p256" "$work/p256.edit"
}

# bench_diff: mmtool diff against cmp and diff of two xxd dumps.  Two
# identical 256 MiB files (diff -q against cmp), and a copy with about 1000
# scattered one-byte changes (diff against cmp -l; on its first 16 MiB
# against diff <(xxd a) <(xxd b)).  The changes are made by one patch run.
bench_diff() {
	[ "$mm_ok" = 1 ] || return 0
	same=$work/diff.same
	chg=$work/diff.chg
	cp "$big" "$same" && cp "$big" "$chg" || return 0
	awk 'BEGIN { for (i = 0; i < 1000; i++)
		printf "%08x: %02x\n", i * 268435 + 7, (i * 37 + 1) % 256 }' \
		>"$work/diff.edit"
	"$MMTOOL" patch --no-sync "$chg" "$work/diff.edit" || return 0
	echo "== diff of 256 MiB files (identical; ~1000 one-byte changes), best of $RUNS"
	hunks=$("$MMTOOL" diff "$big" "$chg" | grep -c '^@@')
	lines=$(cmp -l "$big" "$chg" | awk '{ print int(($1 - 1) / 16) }' | uniq | wc -l)
	if [ "$hunks" -eq "$lines" ] && [ "$hunks" -gt 900 ] &&
	   "$MMTOOL" diff -q "$big" "$same"; then
		echo "same changed lines as cmp -l: $hunks"
	else
		echo "DIFFERENT CHANGES from cmp -l: $hunks hunks, $lines lines"
		mismatch=1
	fi
	timed mm.diffq "$MMTOOL diff -q $big $same"
	timed ref.cmp "cmp $big $same"
	# GNU cmp writing to /dev/null stops at the first difference, as -s:
	# both print through a pipe.
	timed mm.diff "$MMTOOL diff $big $chg | cat"
	timed ref.cmpl "cmp -l $big $chg | cat"
	dd if="$big" of="$work/diff.a16" bs=1048576 count=16 2>/dev/null
	dd if="$chg" of="$work/diff.b16" bs=1048576 count=16 2>/dev/null
	timed mm.diff16 "$MMTOOL diff $work/diff.a16 $work/diff.b16"
	have bash && have xxd &&
		timed ref.xxddiff "bash -c 'diff <(xxd $work/diff.a16) <(xxd $work/diff.b16)'"
	diffq_rss=$(rss_of "$MMTOOL" diff -q "$big" "$same")
	diff_rss=$(rss_of "$MMTOOL" diff "$big" "$chg")
	rm -f "$same" "$chg" "$work/diff.a16" "$work/diff.b16" "$work/diff.edit"
}

report_diff() {
	echo
	echo "mmtool diff, 256 MiB (xxd diff: 16 MiB), best of $RUNS"
	printf '%-10s %9s   %-16s %10s %9s %9s\n' command mmtool reference "ref time" ratio target
	row "diff -q" mm.diffq ref.cmp "cmp" ">=1.5x"
	row diff mm.diff ref.cmpl "cmp -l" ">=1x"
	row diff-16m mm.diff16 ref.xxddiff "diff <(xxd)x2" ">=50x"
	for w in "diff -q (identical):${diffq_rss:-}" "diff (1000 changes):${diff_rss:-}"; do
		awk -v what="${w%%:*}" -v kib="${w#*:}" 'BEGIN {
			if (kib == "") { printf "peak RSS of mmtool %s on 256 MiB: n/a\n", what; exit }
			printf "peak RSS of mmtool %s on 256 MiB: %d KiB; target < 16384 KiB: %s\n",
			       what, kib, kib < 16384 ? "ok" : "MISSED"
		}'
	done
}

# rss_of CMD...: the peak resident memory of CMD in KiB; empty without
# GNU time.
rss_of() {
	[ -x /usr/bin/time ] &&
		/usr/bin/time -f %M -o "$work/rss" true 2>/dev/null || return 0
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1
	tail -n 1 "$work/rss"
}

# bench_sparse: cost follows the data, not the size.  A 1 TiB sparse file
# with three 4 KiB data extents, on the build tree's filesystem (the
# current directory; skipped, saying why, where it cannot hold such a
# file or does not report holes): mmtool hexdump and find each under
# 0.5 s and 16 MiB.  Then a cold 8 GiB sparse file holding 5 bytes:
# mmtool hexdump against hexdump -C, one run each, caches dropped before
# each where /proc/sys/vm/drop_caches can be written (else both warm).
bench_sparse() {
	[ "$mm_ok" = 1 ] || return 0
	sdir=$(mktemp -d "$PWD/.bench-sparse.XXXXXX") || return 0
	trap 'rm -rf "$work" "$sdir"' EXIT
	sp_stopped=
	echo "== sparse files (in $PWD)"
	tib=$sdir/sparse1t
	if ! truncate -s 1T "$tib" 2>/dev/null; then
		echo "skipped: this filesystem cannot hold a 1 TiB sparse file"
	else
		for blk in 262144 134217728 268435455; do
			dd if=/dev/urandom of="$tib" bs=4096 count=1 \
			   seek=$blk conv=notrunc 2>/dev/null
		done
		used=$(du -k "$tib" | cut -f1)
		if [ "${used:-0}" -gt 1024 ]; then
			echo "skipped 1 TiB: the filesystem did not keep it sparse (${used} KiB used)"
		else
			# The first 8 bytes of the middle extent, at 512 GiB.
			pat=$(od -An -tx1 -N8 -j 549755813888 "$tib" | tr -d ' \n')
			got=$("$MMTOOL" find "$tib" "$pat")
			lines=$("$MMTOOL" hexdump "$tib" | wc -l)
			if [ "$got" = 549755813888 ] && [ "$lines" -lt 800 ]; then
				echo "1 TiB, 3 extents: find at $got, hexdump $lines lines"
			else
				echo "WRONG on 1 TiB: find [$got], hexdump $lines lines"
				mismatch=1
			fi
			timed sp.hexdump "$MMTOOL hexdump $tib"
			timed sp.find "$MMTOOL find $tib $pat"
			sp_hexdump_rss=$(rss_of "$MMTOOL" hexdump "$tib")
			sp_find_rss=$(rss_of "$MMTOOL" find "$tib" "$pat")
		fi
	fi
	rm -f "$tib"
	gib=$sdir/sparse8g
	if truncate -s 8G "$gib" 2>/dev/null &&
	   printf 'hello' | dd of="$gib" bs=1 seek=4294967296 conv=notrunc 2>/dev/null; then
		sp_cold=warm
		sync
		if (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
			sp_cold=cold
		fi
		# hexdump -C reads all 8 GiB (minutes on a busy machine): it
		# is stopped after SPARSE_REF_MAX seconds, and the ratio is
		# then a lower bound.
		stop=
		have timeout && stop="timeout ${SPARSE_REF_MAX:-60}"
		for k in sp.mm8g:"$MMTOOL hexdump" sp.ref8g:"hexdump -C"; do
			cmd=${k#*:}
			have "${cmd%% *}" || continue
			[ "$sp_cold" = cold ] && sync && echo 3 >/proc/sys/vm/drop_caches
			[ "$k" = "${k#sp.ref}" ] || cmd="$stop $cmd"
			t=$(elapsed "$cmd $gib >$sdir/${k%%:*} 2>&1 || echo \$? >$sdir/${k%%:*}.rc")
			printf '  %-44s %8.3f s (%s)\n' "$(echo "$cmd $gib" | sed "s|$sdir/||g; s|$PWD/||g")" "$t" "$sp_cold"
			echo "${k%%:*} $t" >>"$results"
		done
		if [ -f "$sdir/sp.ref8g.rc" ]; then
			sp_stopped=" (hexdump -C stopped after ${SPARSE_REF_MAX:-60} s: the ratio is at least this)"
		elif [ -f "$sdir/sp.ref8g" ] && ! cmp -s "$sdir/sp.mm8g" "$sdir/sp.ref8g"; then
			echo "DIFFERENT OUTPUT from hexdump -C on 8 GiB sparse"
			mismatch=1
		fi
	fi
	rm -rf "$sdir"
	trap 'rm -rf "$work"' EXIT
}

# The report of the sparse rows.
report_sparse() {
	echo
	echo "mmtool on sparse files"
	for w in "hexdump 1 TiB:sp.hexdump:${sp_hexdump_rss:-}" "find 1 TiB:sp.find:${sp_find_rss:-}"; do
		t=$(result "$(echo "$w" | cut -d: -f2)")
		[ -n "$t" ] || continue
		awk -v what="${w%%:*}" -v t="$t" -v kib="${w##*:}" 'BEGIN {
			printf "%-14s %7.3f s  target < 0.5 s: %s; peak RSS %s KiB, target <= 16384 KiB: %s\n",
			       what, t, t < 0.5 ? "ok" : "MISSED", kib == "" ? "n/a" : kib,
			       kib == "" ? "n/a" : (kib <= 16384 ? "ok" : "MISSED")
		}'
	done
	row "8 GiB" sp.mm8g sp.ref8g "hexdump -C (${sp_cold:-})" ">=20x"
	[ -z "${sp_stopped:-}" ] || echo "$sp_stopped"
}

# The report of both, after the hexdump table.
report_find_patch() {
	echo
	echo "mmtool find and patch, best of $RUNS"
	printf '%-10s %9s   %-16s %10s %9s %9s\n' command mmtool reference "ref time" ratio target
	row find mm.find ref.grep "grep -obaF" ">=1x"
	row find-wild mm.findwild ref.grep "grep -obaF" ""
	row patch mm.patch ref.xxdr "cp+xxd -r" ">=5x"
	row patch-ns mm.patchns ref.xxdr "cp+xxd -r" ">=5x"
	[ -n "$(result ref.cp)" ] && echo "(patch and xxd -r runs both include a 16 MiB cp: $(result ref.cp) s)"
	for w in "find -s:${find_rss:-}" "patch (whole dump, 3 edits):${patch_rss:-}"; do
		awk -v what="${w%%:*}" -v kib="${w#*:}" 'BEGIN {
			if (kib == "") { printf "peak RSS of mmtool %s on 256 MiB: n/a\n", what; exit }
			printf "peak RSS of mmtool %s on 256 MiB: %d KiB; target <= 16384 KiB: %s\n",
			       what, kib, kib <= 16384 ? "ok" : "MISSED"
		}'
	done
}

# bench_xxdopts: xxd's options on 64 MiB of random bytes, each against
# xxd with the same option (same output checked first on 4 MiB).
XXDOPTS="u:-u e:-e b:-b do:-d_-o_1000 a:-a"
bench_xxdopts() {
	[ "$mm_ok" = 1 ] && have xxd || return 0
	echo "== xxd's options on 64 MiB of random bytes, best of $RUNS, to /dev/null"
	for kv in $XXDOPTS; do
		opts=$(echo "${kv#*:}" | tr _ ' ')
		check "xxd $opts" "-f xxd $opts" "xxd $opts"
	done
	for kv in $XXDOPTS; do
		opts=$(echo "${kv#*:}" | tr _ ' ')
		timed "mm.xo.${kv%%:*}" "$MMTOOL hexdump -f xxd $opts $mid"
		timed "ref.xo.${kv%%:*}" "xxd $opts $mid"
	done
}

report_xxdopts() {
	[ -n "$(result ref.xo.u)" ] || return 0
	echo
	echo "mmtool hexdump -f xxd with xxd's options, 64 MiB random, best of $RUNS"
	printf '%-10s %9s   %-16s %10s %9s %9s\n' option mmtool reference "ref time" ratio target
	for kv in $XXDOPTS; do
		opts=$(echo "${kv#*:}" | tr _ ' ')
		row "$opts" "mm.xo.${kv%%:*}" "ref.xo.${kv%%:*}" "xxd $opts" ">=10x"
	done
}

# bench_reverse: about 64 MiB of dump back to bytes, hexdump -r -f plain
# against xxd -r -p (a dump of 32 MiB) and hexdump -r -f xxd against
# xxd -r into a pipe (a dump of 16 MiB); the same bytes checked first.
bench_reverse() {
	[ "$mm_ok" = 1 ] && have xxd || return 0
	dd if="$mid" of="$work/rev32" bs=1048576 count=32 2>/dev/null
	dd if="$mid" of="$work/rev16" bs=1048576 count=16 2>/dev/null
	xxd -p "$work/rev32" >"$work/rev.plain"
	xxd "$work/rev16" >"$work/rev.xxd"
	echo "== hexdump -r of $(($(wc -c <"$work/rev.plain") >> 20)) MiB (plain) and $(($(wc -c <"$work/rev.xxd") >> 20)) MiB (xxd) of dump, best of $RUNS"
	for f in plain xxd; do
		if [ $f = plain ]; then ref="xxd -r -p" src=$work/rev32
		else ref="xxd -r" src=$work/rev16; fi
		if "$MMTOOL" hexdump -r -f $f "$work/rev.$f" | cmp -s - "$src" &&
		   $ref "$work/rev.$f" | cmp -s - "$src"; then
			echo "same bytes as $ref: hexdump -r -f $f"
		else
			echo "DIFFERENT BYTES from $ref: hexdump -r -f $f"
			mismatch=1
		fi
	done
	timed mm.rplain "$MMTOOL hexdump -r -f plain $work/rev.plain | cat"
	timed ref.rplain "xxd -r -p $work/rev.plain | cat"
	timed mm.rxxd "$MMTOOL hexdump -r -f xxd $work/rev.xxd | cat"
	timed ref.rxxd "xxd -r $work/rev.xxd | cat"
	rm -f "$work/rev32" "$work/rev16" "$work/rev.plain" "$work/rev.xxd"
}

report_reverse() {
	[ -n "$(result ref.rplain)" ] || return 0
	echo
	echo "mmtool hexdump -r, about 64 MiB of dump into a pipe, best of $RUNS"
	printf '%-10s %9s   %-16s %10s %9s %9s\n' format mmtool reference "ref time" ratio target
	row "-r plain" mm.rplain ref.rplain "xxd -r -p" ">=10x"
	row "-r xxd" mm.rxxd ref.rxxd "xxd -r" ">=10x"
}

# bench_records: peek -t on 16 MiB of the random file: one u32le per line
# against od (the same numbers, checked first), and a named record of four
# fields as NAME=VALUE lines and as JSON, which no reference prints.
bench_records() {
	[ "$mm_ok" = 1 ] || return 0
	dd if="$mid" of="$work/rec16" bs=1048576 count=16 2>/dev/null
	rec=a=u32le,b=x16be,c=bytes:6,pad:4
	if have od; then
		"$MMTOOL" peek -t u32le "$work/rec16" 0 16M >"$work/got"
		od -An -v -tu4 -w4 "$work/rec16" | tr -d ' ' >"$work/want"
		if cmp -s "$work/got" "$work/want"; then
			echo "same output as od -An -tu4 -w4: peek -t u32le"
		else
			echo "DIFFERENT OUTPUT from od -An -tu4 -w4: peek -t u32le"
			mismatch=1
		fi
	fi
	echo "== peek -t on 16 MiB of random bytes, best of $RUNS, to /dev/null"
	timed mm.recu32 "$MMTOOL peek -t u32le $work/rec16 0 16M"
	timed ref.recod "od -An -v -tu4 -w4 $work/rec16"
	timed mm.recnamed "$MMTOOL peek -t $rec $work/rec16 0 16M"
	timed mm.recjson "$MMTOOL peek --json -t $rec $work/rec16 0 16M"
}

report_records() {
	[ -n "$(result mm.recu32)" ] || return 0
	echo
	echo "mmtool peek -t, 16 MiB random, best of $RUNS"
	printf '%-10s %9s   %-16s %10s %9s %9s\n' form mmtool reference "ref time" ratio target
	row "u32le" mm.recu32 ref.recod "od -tu4 -w4" ">=1x"
	printf '%-10s %7.3f s   (a=u32le,b=x16be,c=bytes:6,pad:4: 1 Mi records)\n' \
		named "$(result mm.recnamed)"
	printf '%-10s %7.3f s\n' json "$(result mm.recjson)"
}

# ---- run and report -------------------------------------------------------

for b in ${BENCH:-hexdump pipe find patch diff sparse xxdopts reverse records}; do
	"bench_$b"
done
rss_mid=$(peak_rss "$mid")
rss_big=$(peak_rss "$big")

# row LABEL MMKEY REFKEY REFNAME TARGET: one line of the table.
row() {
	mm=$(result "$2")
	ref=$(result "$3")
	[ -n "$ref" ] || return 0
	if [ -z "$mm" ]; then
		printf '%-10s %9s   %-16s %8.3f s %9s %9s\n' "$1" "-" "$4" "$ref" "-" "$5"
		return 0
	fi
	awk -v l="$1" -v mm="$mm" -v ref="$ref" -v name="$4" -v target="$5" 'BEGIN {
		# A run too fast for the clock counts as one tick.
		if (mm <= 0) mm = 0.0001
		ratio = ref / mm
		want = target; sub(/^>=/, "", want); sub(/x$/, "", want)
		mark = target == "" ? "" : (ratio >= want + 0 ? "ok" : "MISSED")
		printf "%-10s %7.3f s   %-16s %8.3f s %8.1fx %9s %s\n",
		       l, mm, name, ref, ratio, target, mark
	}'
}

echo
echo "mmtool hexdump, 64 MiB random, best of $RUNS ($clock clock; $(nproc 2>/dev/null || echo "?") CPUs)"
printf '%-10s %9s   %-16s %10s %9s %9s\n' format mmtool reference "ref time" ratio target
row canonical mm.canonical ref.xxd "xxd" ">=10x"
row canonical mm.canonical ref.hexdump "hexdump -C" ">=100x"
row canonical mm.canonical ref.od "od -Ax -tx1z" ""
row canonical mm.canonical ref.hexyl "hexyl" ""
row xxd mm.xxd ref.xxd "xxd" ">=10x"
row plain mm.plain ref.plain "xxd -p" ">=10x"
row c mm.c ref.c "xxd -i" ">=20x"

# Through a pipe the target is a slowdown: mmtool's time over cat's.
pipe_mm=$(result mm.pipe)
pipe_cat=$(result cat.pipe)
if [ -n "$pipe_mm" ] && [ -n "$pipe_cat" ]; then
	awk -v mm="$pipe_mm" -v ref="$pipe_cat" 'BEGIN {
		if (ref <= 0) ref = 0.0001
		slow = mm / ref
		printf "%-10s %7.3f s   %-16s %8.3f s %8.2fx %9s %s\n",
		       "pipe", mm, "cat dump | cat", ref, slow, "<=1.5x",
		       slow <= 1.5 ? "ok" : "MISSED"
	}'
fi

# Peak RSS: at most 16 MiB, and not growing with the file (256 MiB may
# take at most 1 MiB more than 64 MiB: page-table and allocator noise).
if [ -n "$rss_big" ]; then
	awk -v mid="${rss_mid:-0}" -v big="$rss_big" 'BEGIN {
		ok = big <= 16384 && (mid == 0 || big <= mid + 1024)
		printf "peak RSS of mmtool hexdump: %d KiB (64 MiB file), " \
		       "%d KiB (256 MiB file); target <= 16384 KiB, flat: %s\n",
		       mid, big, ok ? "ok" : "MISSED"
	}'
else
	echo "peak RSS of mmtool hexdump: n/a (needs GNU time at /usr/bin/time)"
fi
report_find_patch
report_diff
report_sparse
report_xxdopts
report_reverse
report_records
[ "$mismatch" = 0 ] || echo "WARNING: mmtool's output differs from a reference (see above)"
[ "$mm_ok" = 1 ] || { echo "mmtool hexdump did not run: only references timed"; exit 1; }
exit 0
