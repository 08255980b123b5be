#!/bin/bash
# The README's test command. Installs what the tests need, then builds and
# runs every test tier: make check in the normal build and in one with
# AddressSanitizer and UBSan, make distcheck, the cluster tier (two
# Pacemaker nodes in network namespaces, tests/cluster/), then the VM tier
# (two QEMU guests with real DRBD, tests/vm/).
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

# The cluster tier: corosync and Pacemaker on two nodes in network
# namespaces of this machine, a shared loop disk, real fencing and LXC
# containers, running crm-examples/shared-disk.crm with the agents just
# built (each node sees a copy of _build's agents; the host's OCF
# directory is not touched); the seed's failure list, with timings.
echo "== the cluster tier: two Pacemaker nodes in network namespaces"
rc=0
top_builddir=$top/_build bash tests/cluster/live.sh >_build/live.log 2>&1 || rc=$?
cat _build/live.log
if [ "$rc" != 0 ] || grep -q '^1\.\.0 # SKIP' _build/live.log; then
	echo "test.sh: tests/cluster/live.sh failed (or skipped): log in _build/live.log" >&2
	exit 1
fi

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
