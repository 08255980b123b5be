#!/bin/bash
# The README's test command. Installs what the tests need, then builds and
# runs every test tier: make check in the normal build and in one with
# AddressSanitizer and UBSan, make distcheck, then the VM tier (two QEMU
# guests with real DRBD, tests/vm/).
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

# The VM tier: real DRBD 8.4 in two QEMU guests (the host kernel has none),
# with the agent just built. Its kernel is fetched from Debian's archive
# into /var/cache/vzha/vm, outside the repository.
echo "== the VM tier: real DRBD 8.4.11 in two QEMU guests"
for t in tests/vm/drbd-smoke.sh tests/vm/drbd-agent.sh tests/vm/drbd-tools.sh; do
	echo "-- $t"
	top_builddir=$top/_build bash "$t" >"_build/$(basename "$t" .sh).log" 2>&1 || {
		cat "_build/$(basename "$t" .sh).log" >&2
		echo "test.sh: $t failed" >&2
		exit 1
	}
	grep -E '^(ok|not ok|1\.\.)' "_build/$(basename "$t" .sh).log" | tail -n 3
done
echo "test.sh: all tests passed"
