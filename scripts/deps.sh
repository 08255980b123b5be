#!/bin/bash
# Installs from Debian's archive what vzha needs to build and test.
# Idempotent; run as root on Debian 12 (bookworm).
set -euo pipefail

BUILD=(
	build-essential autoconf automake pkg-config
	pacemaker-dev libglib2.0-dev libmount-dev libblkid-dev libxml2-dev
	libcmocka-dev libxml2-utils
)
TEST=(
	pacemaker pacemaker-cli-utils crmsh pcs resource-agents fence-agents
	python3 iproute2
	util-linux mount e2fsprogs xfsprogs kmod bindfs fuse3
	strace valgrind hyperfine time procps
	lxc busybox-static uidmap
	qemu-system-x86 drbd-utils lvm2 xz-utils
)

[ "$(id -u)" = 0 ] || { echo "deps.sh: run as root" >&2; exit 1; }
missing=()
for p in "${BUILD[@]}" "${TEST[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# no daemons start on their own here: the tests start what they use
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
