#!/bin/sh
# Run each test binary given; report every failure; exit 1 if any failed.
failed=0
for t in "$@"; do
	echo "== $t"
	if ! "$t"; then
		echo "FAILED: $t"
		failed=1
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "make check: some tests failed"
	exit 1
fi
echo "make check: all test programs passed"
