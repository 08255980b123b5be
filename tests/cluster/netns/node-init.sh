#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/node-init.sh NAME: PID 1 of one cluster node. Started
# by up.sh, never by hand, as
#   nsenter --net=/run/netns/vzha-cl-NAME unshare --mount --pid --uts --ipc \
#       --fork --mount-proc --propagation private node-init.sh NAME
# It gives the node its private state, its hostname and address, shows it
# vzha's agents and the lab fence agent (overlays: the host is untouched),
# writes corosync.conf, starts corosync and pacemakerd, and stays PID 1,
# reaping orphans. A SIGKILL to its host pid is a power cut: the kernel
# kills every process of the node, containers included, and the node's
# mounts go with its mount namespace.
# Output: $STATE/nodes/NAME/console.log. Ready marker: $STATE/nodes/NAME/ready.
set -u
NAME=$1
. "$(dirname "$0")/lib.sh"
ND=$STATE/nodes/$NAME
exec >>"$ND/console.log" 2>&1
log "node-init $NAME: pid $$ in its namespace"
[ $$ = 1 ] || { echo "not PID 1 of a PID namespace" >&2; exit 1; }
# PID 1 gets only the signals it handles: ignoring these makes a stray
# TERM harmless; only SIGKILL from the host (the power cut) ends the node
trap '' TERM INT HUP

fail() { log "node-init $NAME: $*"; exit 1; }

# The new mount namespace began as a copy of every host mount, and each
# copy keeps its filesystem busy, and a loop device under it attached,
# for the node's whole life: another test on the host could then neither
# unmount nor detach its own. Drop the copies of what other programs own:
# everything under /tmp, /var/tmp, /run, /mnt and /media, and any loop
# or FUSE mount elsewhere (deepest first).
awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $(i + 2) }' /proc/self/mountinfo |
	sort -r | while read -r mp fstype src; do
	printf -v mp '%b' "${mp//\\/\\0}" # mountinfo escapes: \040 is a space
	case $mp in
	/tmp/* | /var/tmp/* | /run/* | /mnt/* | /media/*) ;;
	*) case $fstype:$src in fuse*:* | *:/dev/loop*) ;; *) continue ;; esac ;;
	esac
	umount -l "$mp" 2>/dev/null
done

# Private and gone with the node: /run, /tmp (also hides a repository
# cloned under /tmp: the node needs nothing from it after this point),
# corosync's and LXC's configuration.
for d in /run /dev/shm /tmp /etc/corosync /etc/lxc; do
	mount -t tmpfs -o mode=755,size=64m "vzha-cl-$NAME" "$d" || fail "tmpfs on $d"
done
chmod 1777 /dev/shm /tmp
# Private and kept across the node's reboots, as on a disk: Pacemaker's
# CIB, corosync's state, the logs (read from the host by the tests).
for d in lib-pacemaker:/var/lib/pacemaker lib-corosync:/var/lib/corosync log:/var/log; do
	mkdir -p "$ND/${d%%:*}" && mount --bind "$ND/${d%%:*}" "${d#*:}" ||
		fail "bind mount on ${d#*:}"
done
mkdir -p /run/lock /run/crm /var/lib/pacemaker/{cib,pengine,blackbox,cores} \
	/var/log/pacemaker /var/log/cluster "$NODE_FENCE_DIR"
chown hacluster:haclient /run/crm /var/lib/pacemaker/{cib,pengine,blackbox,cores} \
	/var/log/pacemaker
chmod 750 /var/lib/pacemaker/{cib,pengine,blackbox,cores}
mount --bind "$STATE/fence" "$NODE_FENCE_DIR" || fail "bind mount of the fence dir"

# vzha's agents as /usr/lib/ocf/resource.d/vzha, the fence agent in
# /usr/sbin (pacemaker-fenced looks only there): read-only overlays whose
# upper layer is a copy up.sh made, so a rebuild cannot change a running node
mount -t overlay -o "lowerdir=$STATE/ocf:/usr/lib/ocf/resource.d" \
	"vzha-cl-ocf-$NAME" /usr/lib/ocf/resource.d || fail "overlay on resource.d"
mount -t overlay -o "lowerdir=$STATE/sbin:/usr/sbin" \
	"vzha-cl-sbin-$NAME" /usr/sbin || fail "overlay on /usr/sbin"
hostname "$NAME"

# The network: eth0 is this node's end of its cable (up.sh)
ip link set lo up
ip addr flush dev eth0
ip addr add "${NODE_IP[$NAME]}/24" dev eth0
ip link set eth0 up

install -m 400 "$STATE/authkey" /etc/corosync/authkey
{
	cat <<CONF
totem {
    version: 2
    cluster_name: $CLUSTER_NAME
    transport: knet
    token: $TOKEN
    join: 50
    consensus: $((TOKEN * 12 / 10))
    crypto_cipher: aes256
    crypto_hash: sha256
}
nodelist {
CONF
	for n in "${NODES[@]}"; do
		printf '    node {\n        ring0_addr: %s\n        name: %s\n        nodeid: %s\n    }\n' \
			"${NODE_IP[$n]}" "$n" "${NODE_ID[$n]}"
	done
	cat <<CONF
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
logging {
    to_logfile: yes
    logfile: /var/log/cluster/corosync.log
    to_syslog: no
    to_stderr: no
    timestamp: hires
}
CONF
} >/etc/corosync/corosync.conf

# The seeded CIB (up.sh puts it there before a cold start); pacemaker-based
# accepts a cib.xml without its .sig and writes its own.
if [ -f "$ND/seed-cib.xml" ]; then
	rm -f /var/lib/pacemaker/cib/*
	install -o hacluster -g haclient -m 600 "$ND/seed-cib.xml" \
		/var/lib/pacemaker/cib/cib.xml
	rm -f "$ND/seed-cib.xml"
fi

corosync -f &
for _ in $(seq 1 50); do
	corosync-cfgtool -s >/dev/null 2>&1 && break
	sleep 0.1
done
log "corosync up"
PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none \
	PCMK_debug=no pacemakerd &
log "pacemakerd started"
touch "$ND/ready"

# Stay PID 1: bash reaps every child, re-parented orphans included, while
# it waits.
while :; do
	sleep 3600 &
	wait $!
done
