#!/bin/sh
# Offsets past 4 GiB, checked byte for byte: sh tests/portability.sh MMTOOL
#
# Meant for the 32-bit build (make check-m32, CI), where every offset must
# still be 64-bit: in a 6 GiB sparse file, poke, peek, hexdump, find, diff
# and patch (guarded dumps) at 5 GiB, across the 4 GiB boundary, and from
# the end (-1G is 5 GiB).  The
# expected text was made by the reference tools (hexdump -C, xxd) on the
# same bytes.  Needs a file system with sparse files (6 GiB take no blocks).
# Exit 0 if every check passed, 1 otherwise.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 MMTOOL" >&2
	exit 2
fi
mm=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/mmtool-port.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
f=$dir/sparse
nl='
'
failed=0
checks=0

# check NAME EXPECTED_STATUS EXPECTED_STDOUT ARGS...: run mmtool ARGS and
# compare the status and the whole of stdout (stderr must be empty on 0).
check() {
	name=$1 want_status=$2 want_out=$3
	shift 3
	checks=$((checks + 1))
	"$mm" "$@" > "$dir/out" 2> "$dir/err"
	status=$?
	want_file=$dir/want
	if [ -n "$want_out" ]; then
		printf '%s\n' "$want_out" > "$want_file"
	else
		: > "$want_file"
	fi
	if [ "$status" -ne "$want_status" ] || ! cmp -s "$dir/out" "$want_file" ||
	   { [ "$want_status" -eq 0 ] && [ -s "$dir/err" ]; }; then
		failed=$((failed + 1))
		echo "FAIL: $name: mmtool $*"
		echo "  status $status (want $want_status); stderr: $(cat "$dir/err")"
		echo "  stdout:"; sed 's/^/    /' "$dir/out"
		echo "  wanted:"; sed 's/^/    /' "$want_file"
	else
		echo "ok: $name"
	fi
}

G5=5368709120	# 5 GiB = 0x140000000

check "create a 6 GiB sparse file" 0 "" resize -c "$f" 6G
check "size is 6 GiB" 0 "$f: 6442450944 -> 6442450944" resize -v "$f" 6G

# 64 bytes at 5 GiB, written four ways.
check "poke hex at 5G" 0 "" poke "$f" 5G 00112233445566778899aabbccddeeff
check "poke -s at 5G+16" 0 "" poke -s "$f" $((G5 + 16)) "mmtool at 5 GiB$nl"
check "poke -t u64be at 5G+32" 0 "" poke -t u64be "$f" 0x140000020 0x0123456789abcdef
check "poke -t i32le at 5G+40" 0 "" poke -t i32le "$f" $((G5 + 40)) -2
check "poke -t f64le at 5G+44" 0 "" poke -t f64le "$f" $((G5 + 44)) 0.1
check "poke -v across 4 GiB" 0 "$f: 0xfffffffe: 00000000 -> cafebabe" \
	poke -v "$f" 4294967294 cafebabe
check "poke across 2 GiB" 0 "" poke "$f" 2147483647 a5a5

# peek them back.
check "peek hex at 5G" 0 "00112233445566778899aabbccddeeff" peek "$f" 5G 16
check "peek from the end (-1G is 5G)" 0 "00112233" peek "$f" -1G 4
check "peek -f raw" 0 "mmtool at 5 GiB" peek -f raw "$f" $((G5 + 16)) 16
check "peek -t u64be" 0 "81985529216486895" peek -t u64be "$f" $((G5 + 32))
check "peek -t i32le" 0 "-2" peek -t i32le "$f" 0x140000028
check "peek -t f64le" 0 "0.1" peek -t f64le "$f" $((G5 + 44))
check "peek across 4 GiB" 0 "cafebabe" peek "$f" 0xfffffffe 4
check "peek across 2 GiB" 0 "a5a5" peek "$f" 2147483647 2
check "peek --expect at 5G" 0 "" peek --expect 0011223344 "$f" 5G
check "peek --expect mismatch" 1 "" peek --expect 0011223345 "$f" 5G
check "peek the last byte" 0 "00" peek "$f" -1
check "peek past the end" 2 "" peek "$f" 6G 1
check "peek -f canonical at 5G" 0 \
"140000010  6d 6d 74 6f 6f 6c 20 61  74 20 35 20 47 69 42 0a  |mmtool at 5 GiB.|
140000020" peek -f canonical "$f" $((G5 + 16)) 16

# hexdump: as hexdump -C -s 5368709120 -n 64 and xxd -s ... -l 64.
check "hexdump -s 5G -n 64" 0 \
"140000000  00 11 22 33 44 55 66 77  88 99 aa bb cc dd ee ff  |..\"3DUfw........|
140000010  6d 6d 74 6f 6f 6c 20 61  74 20 35 20 47 69 42 0a  |mmtool at 5 GiB.|
140000020  01 23 45 67 89 ab cd ef  fe ff ff ff 9a 99 99 99  |.#Eg............|
140000030  99 99 b9 3f 00 00 00 00  00 00 00 00 00 00 00 00  |...?............|
140000040" hexdump -s 5G -n 64 "$f"
check "hexdump -f xxd -s 5G -n 64" 0 \
"140000000: 0011 2233 4455 6677 8899 aabb ccdd eeff  ..\"3DUfw........
140000010: 6d6d 746f 6f6c 2061 7420 3520 4769 420a  mmtool at 5 GiB.
140000020: 0123 4567 89ab cdef feff ffff 9a99 9999  .#Eg............
140000030: 9999 b93f 0000 0000 0000 0000 0000 0000  ...?............" \
	hexdump -f xxd -s 5G -n 64 "$f"
check "hexdump -f xxd -c 8 -g 4 at 5G" 0 \
"140000000: 00112233 44556677  ..\"3DUfw
140000008: 8899aabb ccddeeff  ........" hexdump -f xxd -c 8 -g 4 -s 5G -n 16 "$f"
check "hexdump squeezes zeros at 5G" 0 \
"140000040  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
140000080" hexdump -s $((G5 + 64)) -n 64 "$f"
check "hexdump across 4 GiB" 0 \
"fffffff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 ca fe  |................|
100000000  ba be 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
100000010" hexdump -s 4294967280 -n 32 "$f"
check "hexdump -f plain from the end" 0 "00112233445566778899aabbccddeeff" \
	hexdump -f plain -s -1G -n 16 "$f"
check "hexdump at the end" 0 "180000000" hexdump -s 6G "$f"

# find, in ranges past 4 GiB (a whole 6 GiB scan is slow for CI).
check "find at 5G" 0 "5368709128" find -o 5G -n 1M "$f" 8899??bb
check "find -s" 0 "5368709143" find -s -o 5G -n 64 "$f" "at 5 GiB"
check "find from the end" 0 "5368709120" find -o -1G -n 64 "$f" 0011
check "find across 4 GiB" 0 "4294967294" find -o 4294967000 -n 1000 "$f" cafebabe
check "find -m 2 overlapping, past 4 GiB" 0 "4294967298
4294967299" find -m 2 -o 4294967298 -n 1000 "$f" 0000
check "find nothing" 1 "" find -o 5G -n 1M "$f" 0011223345

# resize at these sizes.
check "resize -v +1" 0 "$f: 6442450944 -> 6442450945" resize -v "$f" +1
check "resize refuses to shrink" 2 "" resize "$f" 6G
check "resize -v %4K" 0 "$f: 6442450945 -> 6442455040" resize -v "$f" %4K
check "resize --shrink back" 0 "" resize --shrink "$f" 6G
check "the size is back" 0 "$f: 6442450944 -> 6442450944" resize -v "$f" 6G

# diff and patch past 4 GiB: a copy with one byte changed at 5 GiB and a
# byte more at the end; the guarded dump applied to another copy, and -R.
g=$dir/sparse2
h=$dir/sparse3
cp --sparse=always "$f" "$g" && cp --sparse=always "$f" "$h" || exit 2
"$mm" poke "$g" $((G5 + 1)) 77 && "$mm" poke --grow "$g" 6G 0a || exit 2
"$mm" diff -s 5G -n 32 "$f" "$g" > "$dir/d5" 2>&1
check "diff -s 5G -n 32" 1 "--- $f
+++ $g
@@ -0x140000000 +0x140000000 @@
-140000000  00 11 22 33 44 55 66 77  88 99 aa bb cc dd ee ff  |..\"3DUfw........|
+140000000  00 77 22 33 44 55 66 77  88 99 aa bb cc dd ee ff  |.w\"3DUfw........|" \
	diff -s 5G -n 32 "$f" "$g"
"$mm" diff -s 5G "$f" "$g" > "$dir/d6"
check "patch --grow from the diff" 0 "" patch --grow "$h" "$dir/d6"
check "now the same" 0 "" diff -s 5G "$h" "$g"
check "patch -R --shrink" 0 "" patch -R --shrink "$h" "$dir/d6"
check "the same as before" 0 "" diff -s 5G "$h" "$f"
rm -f "$g" "$h"

echo "portability: $((checks - failed)) of $checks checks passed"
[ "$failed" -eq 0 ]
