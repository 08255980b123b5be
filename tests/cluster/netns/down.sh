#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/down.sh [--wipe]: tears the cluster down (root). Safe
# at any point, also after an interrupted run, and when nothing is up:
# stops the fence relay and the boot it may have in flight (by pid file),
# SIGKILLs each node's namespace init by its pid file (every process of the
# node dies, containers included; its mounts go with its mount namespace),
# detaches the shared disk once the kernel has let go of it, deletes the
# vzha-cl-* network namespaces, removes the empty LXC cgroups of
# containers 101 and 102 and the /Data directories up.sh created, then
# lists anything of the cluster still alive. --wipe also deletes the state
# dir (disk image, logs). (--disk-only: just detach the disk; up.sh uses it.)
set -u
. "$(dirname "$0")/lib.sh"
WIPE=0 DISK_ONLY=0
case ${1:-} in
--wipe) WIPE=1 ;;
--disk-only) DISK_ONLY=1 ;;
"") ;;
*) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
[ -d "$STATE" ] || exit 0

detach_disk() {
	local l
	l=$(loopdev)
	[ -n "$l" ] || return 0
	if [ "$(losetup -n -O BACK-FILE "$l" 2>/dev/null)" = "$STATE/san.img" ]; then
		# a killed node's mount namespace is torn down asynchronously:
		# while the kernel still has a partition mounted there, losetup -d
		# only sets autoclear; wait for the device to go
		losetup -d "$l" 2>/dev/null
		for _ in $(seq 1 200); do
			[ "$(losetup -n -O BACK-FILE "$l" 2>/dev/null)" = "$STATE/san.img" ] || break
			sleep 0.05
		done
		[ "$(losetup -n -O BACK-FILE "$l" 2>/dev/null)" = "$STATE/san.img" ] &&
			echo "down.sh: WARNING: $l is still attached to $STATE/san.img" >&2
	fi
	rm -f "$STATE/loopdev"
}
if [ "$DISK_ONLY" = 1 ]; then
	detach_disk
	exit 0
fi

p=$(cat "$STATE/relay.pid" 2>/dev/null)
if pid_is "$p" fence-relay; then
	kill -TERM "$p"
	for _ in $(seq 1 100); do pid_alive "$p" || break; sleep 0.02; done
fi
# a boot the relay started may still be running: let it finish, so that no
# node appears after the kills below
p=$(cat "$STATE/relay-boot.pid" 2>/dev/null)
if pid_is "$p" up.sh; then
	for _ in $(seq 1 300); do pid_alive "$p" || break; sleep 0.05; done
fi
rm -f "$STATE/relay.pid" "$STATE/relay-boot.pid"
for n in "${NODES[@]}"; do
	p=$(node_pid "$n")
	pid_is "$p" node-init && kill -KILL "$p"
done
for n in "${NODES[@]}"; do
	p=$(node_pid "$n")
	for _ in $(seq 1 200); do pid_alive "$p" || break; sleep 0.05; done
	rm -f "$STATE/nodes/$n/ready" "$STATE/nodes/$n/init.pid" "$STATE/fence/$n.up"
done
rm -f "$STATE"/fence/*.req "$STATE"/fence/*.done
# anything still alive in a node's network namespace (nothing, so far)
inodes=
for n in "${NODES[@]}"; do
	[ -e "/run/netns/vzha-cl-$n" ] &&
		inodes="$inodes net:[$(stat -L -c %i "/run/netns/vzha-cl-$n")]"
done
if [ -n "$inodes" ]; then
	for d in /proc/[0-9]*; do
		ns=$(readlink "$d/ns/net" 2>/dev/null) || continue
		case " $inodes " in
		*" $ns "*)
			echo "down.sh: left running: ${d#/proc/} $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)" ;;
		esac
	done
fi
detach_disk
for ns in "$SW_NS" "${NODES[@]/#/vzha-cl-}"; do
	netns_exists "$ns" && ip netns del "$ns"
done
# LXC names its cgroups after the container, on the host's hierarchies; a
# node killed with its container leaves them behind, empty
for ct in "${SVC_CT[@]}"; do
	for d in /sys/fs/cgroup/*/lxc.payload."$ct" /sys/fs/cgroup/*/lxc.payload."$ct"-[0-9]* \
		/sys/fs/cgroup/*/lxc.monitor."$ct" /sys/fs/cgroup/*/lxc.monitor."$ct"-[0-9]*; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
done
if [ -f "$STATE/created-dirs" ]; then
	tac "$STATE/created-dirs" | while read -r d; do rmdir "$d" 2>/dev/null; done
	rm -f "$STATE/created-dirs"
fi
[ "$WIPE" = 1 ] && rm -rf "$STATE"
exit 0
