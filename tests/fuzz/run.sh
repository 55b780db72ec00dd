#!/bin/sh
# Run libFuzzer harnesses for a set time each: make fuzz, or
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
# where BUILD_DIR holds fuzz_TARGET (built by `make fuzz-build`).
#
# Each target starts from its committed seeds (tests/fuzz/corpus/TARGET,
# read only) and the inputs earlier runs found (BUILD_DIR/corpus/TARGET,
# where new ones are added), with its dictionaries.  A crash, leak,
# timeout or failed invariant stops that target, leaves the input in
# BUILD_DIR/artifacts/ and makes the script exit 1 after the others ran.
# FUZZ_FLAGS adds libFuzzer flags (FUZZ_FLAGS=-jobs=2, -detect_leaks=0...).
set -u

if [ $# -lt 3 ]; then
	echo "usage: $0 BUILD_DIR SECONDS TARGET..." >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
build=$(cd "$1" && pwd)	# absolute: the argv harnesses chdir
seconds=$2
shift 2

# Dictionaries and the longest input for each target.
dicts() {
	case $1 in
	numparse) echo numbers ;;
	hexdata) echo hex ;;
	vtype) echo vtype ;;
	record) echo record vtype numbers ;;
	dumpline) echo dumpline ;;
	argv_peek | argv_poke) echo argv "$1" numbers hex vtype record ;;
	argv_*) echo argv "$1" numbers hex ;;
	esac
}
max_len() {
	case $1 in
	numparse) echo 64 ;;
	vtype) echo 96 ;;
	record) echo 256 ;;
	hexdata | argv_*) echo 256 ;;
	dumpline) echo 600 ;;
	esac
}

# The argv harnesses work in a fresh directory under TMPDIR; tmpfs makes
# msync and fsync free, which runs them twenty times faster than a disk.
if [ -z "${FUZZ_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	FUZZ_TMPDIR=/dev/shm
fi
# Each run gets its own directory there, removed afterwards: a harness
# that stops on a finding leaves its work directory behind.
scratch=$(mktemp -d "${FUZZ_TMPDIR:-${TMPDIR:-/tmp}}/mmtool-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT
TMPDIR=$scratch
export TMPDIR

failed=""
summary=""
mkdir -p "$build/artifacts" "$build/logs" "$build/dict"
for t in "$@"; do
	bin=$build/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is missing (make fuzz-build)" >&2
		exit 2
	fi
	dict=$build/dict/$t.dict
	: > "$dict"
	for d in $(dicts "$t"); do
		cat "$here/dict/$d.dict" >> "$dict"
	done
	mkdir -p "$build/corpus/$t"
	log=$build/logs/$t.log
	echo "== fuzz_$t: ${seconds}s (log: $log)"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -dict="$dict" -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t-" ${FUZZ_FLAGS:-} \
		"$build/corpus/$t" "$here/corpus/$t" > "$log" 2>&1
	rc=$?
	# The final status line, e.g. "#123456 DONE cov: 512 ft: 2048 ...",
	# and the number of runs.
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		echo "FAILED: fuzz_$t (exit $rc); the end of its log:"
		tail -n 40 "$log"
		for a in "$build/artifacts/$t-"*; do
			[ -e "$a" ] && echo "  reproduce: $bin $a"
		done
		failed="$failed $t"
		summary="$summary
  $t: FAILED (exit $rc) after ${runs:-?} runs"
	else
		echo "  $done_line"
		summary="$summary
  $t: ${runs:-?} runs; ${done_line:-no DONE line}"
	fi
done

echo "== fuzz summary:$summary"
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: no findings"
