#!/bin/bash
# The README's test command. Installs what the tests need, then builds and
# runs every test tier in three builds: the normal one (make check, then
# make distcheck), and one with AddressSanitizer and UBSan (make check).
# Run as root: the system tests use loop devices, mounts and namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

[ "$(id -u)" = 0 ] || {
	echo "test.sh: run as root (sudo): the system tests need loop devices and mounts" >&2
	exit 1
}
scripts/deps.sh
autoreconf -fi >/dev/null

# check DIR [configure options]: a build in DIR and its make check
check() {
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$(nproc)" &&
		make -s check) || {
		echo "test.sh: make check failed in $dir; logs:" >&2
		for log in "$dir"/tests/*/*.log; do
			grep -q '^not ok\|^ERROR\|^Bail out' "$log" 2>/dev/null || continue
			echo "==> $log" >&2
			cat "$log" >&2
		done
		return 1
	}
}

echo "== build and test"
check _build
echo "== build and test with ASan and UBSan"
check _build-san --enable-sanitizers
echo "== make distcheck"
(cd _build && make -s distcheck)
echo "test.sh: all tests passed"
