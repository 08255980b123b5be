#!/bin/bash
# The README's first command: sets up this machine (packages from Debian's
# archive, build, make install) and runs the seed's cluster with vzha's
# agents: two Pacemaker nodes, deimos and phobos, in network namespaces on
# this machine (tests/cluster/netns/), sharing one disk; db (/Data/db and
# LXC container 101) at home on deimos, apps (/Data/apps, container 102)
# on phobos (crm-examples/shared-disk.crm). It pulls deimos's plug, prints
# the timeline of phobos taking db over (fencing included), powers deimos
# on again and prints db failing back. The cluster keeps running for a
# look around; the last lines say how, and the one command that removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (sudo)" >&2; exit 1; }
scripts/deps.sh
echo "== building and installing vzha"
mkdir -p _build
# the build's chatter goes to a log, shown only when it fails
if ! { autoreconf -fi && cd _build && "$top/configure" -q &&
	make -s -j"$(nproc)" && make -s install; } >"$top/_build/demo-build.log" 2>&1; then
	cat "$top/_build/demo-build.log" >&2
	echo "demo.sh: the build failed (log: _build/demo-build.log)" >&2
	exit 1
fi
cd "$top"
OCF_ROOT=$(sed -n 's/^OCF_ROOT_DIR = //p' _build/Makefile)
echo "installed $OCF_ROOT/resource.d/vzha/{vzfs,openvz,drbd}"

# The cluster runs the agents just installed (each node sees a copy of
# them as /usr/lib/ocf/resource.d/vzha).
export VZHA_CLUSTER_AGENTS=$OCF_ROOT/resource.d/vzha
NET=tests/cluster/netns
. "$NET/lib.sh"
set +e # the cluster helpers answer questions with their status

echo "== a two-node cluster in network namespaces: deimos and phobos, one shared disk"
"$NET/down.sh" >/dev/null
# interrupted, the demo takes its cluster down; finished, it leaves it up
trap '"$NET/down.sh" >/dev/null; exit 130' INT TERM HUP
"$NET/up.sh" --fresh || { echo "demo.sh: the cluster did not start; logs in $STATE/nodes/*/log" >&2; exit 1; }
"$NET/run.sh" deimos crm_mon -1 | sed -n '/Node List/,$p'

# timeline: "SECONDS TEXT" lines, printed in order of time
TL=()
at() { [ "$1" != - ] && TL+=("$1 $2"); }
print_timeline() {
	printf '%s\n' "${TL[@]}" | sort -g -s -k1,1 |
		while read -r t text; do printf '  %+6.2f s  %s\n' "$t" "$text"; done
	TL=()
}
# watch SVC NODE: polls (0.1 s) until SVC's filesystem is mounted on NODE
# and its container RUNNING there, noting when each was first seen
watch() {
	local svc=$1 n=$2 end fs=- ct=-
	end=$(echo "$(ts) + 60" | bc)
	while [ "$(echo "$(ts) < $end" | bc)" = 1 ]; do
		if [ "$fs" = - ] && node_run "$n" "grep -q ' ${SVC_DIR[$svc]} ' /proc/mounts"; then
			fs=$(since "$T0")
		fi
		if [ "$fs" != - ] && svc_on "$n" "$svc"; then
			ct=$(since "$T0")
			break
		fi
		sleep 0.1
	done
	at "$fs" "$n: ${SVC_DIR[$svc]} mounted (seen from the host)"
	at "$ct" "$n: container ${SVC_CT[$svc]} RUNNING (seen from the host)"
	[ "$ct" != - ]
}
# logged NODE LOG REGEX TEXT: the first matching line since T0, on the timeline
logged() { at "$(first_after "$T0" "$1" "$2" "$3")" "$1: $4"; }
# logged_dc LOG REGEX TEXT: the same, from whichever node logged it first
# (the DC logs the actions it initiates)
logged_dc() {
	local n t first=- by=
	for n in "${NODES[@]}"; do
		t=$(first_after "$T0" "$n" "$1" "$2")
		if [ "$t" != - ] && { [ "$first" = - ] || [ "$(echo "$t < $first" | bc)" = 1 ]; }; then
			first=$t by=$n
		fi
	done
	at "$first" "$by: $3"
}
# db_started_on NODE: crm_mon on NODE shows db's container started there
db_started_on() {
	"$NET/run.sh" "$1" crm_mon -1 2>/dev/null | grep -q "p_ct_101.*Started $1"
}
# db_timeline NODE WHAT [WHO LOG REGEX TEXT]...: the end of db's move to
# NODE, after the event at T0. Waits for db there, seen from the host
# (watch) and by Pacemaker (crm_mon), saying on stderr when it did not
# WHAT within 60 s; puts on the timeline the first line since T0 of each
# WHO's LOG that matches REGEX, as TEXT (WHO "dc": whichever node logged
# it first); prints the timeline, then the cluster as NODE sees it.
db_timeline() {
	local node=$1 what=$2
	shift 2
	watch db "$node" || echo "demo.sh: db did not $what within 60 s" >&2
	wait_for 30 db_started_on "$node"
	while [ $# -ge 4 ]; do
		if [ "$1" = dc ]; then
			logged_dc "$2" "$3" "$4"
		else
			logged "$1" "$2" "$3" "$4"
		fi
		shift 4
	done
	print_timeline
	"$NET/run.sh" "$node" crm_mon -1 | sed -n '/Node List/,$p'
}

echo
echo "== power cut: deimos (SIGKILL of its namespace init: every process of the node dies)"
echo off >"$STATE/reboot" # fencing powers deimos off; we power it on later
T0=$(ts)
kill -KILL "$(node_pid deimos)"
at 0 "deimos killed, with container 101 and its mount of /Data/db"
db_timeline phobos "come up on phobos" \
	phobos cluster/corosync.log 'A new membership .* Members left' \
	"corosync: deimos left the membership (token 1000 ms + consensus 1200 ms)" \
	phobos pacemaker/pacemaker.log 'Requesting fencing .* of node deimos' \
	"Pacemaker asks to fence deimos" \
	phobos pacemaker/pacemaker.log "Operation '(reboot|off)' targeting deimos .*: OK" \
	"deimos fenced (fence_vzha_ns, through the host's relay)" \
	phobos pacemaker/pacemaker.log 'Result of start operation for p_fs_db on phobos: ok' \
	"p_fs_db (ocf:vzha:vzfs) start returned ok" \
	phobos pacemaker/pacemaker.log 'Result of start operation for p_ct_101 on phobos: ok' \
	"p_ct_101 (ocf:vzha:openvz) start returned ok: db is back"

echo
echo "== deimos powered on again: db fails back (resource-stickiness=0, the seed's auto_failback on)"
T0=$(ts)
"$NET/up.sh" --node deimos >/dev/null
at "$(since "$T0")" "deimos: booted, corosync and pacemakerd started"
db_timeline deimos "come back to deimos" \
	phobos cluster/corosync.log 'A new membership .* Members joined' \
	"corosync: deimos joined the membership" \
	dc pacemaker/pacemaker.log 'Initiating stop operation p_ct_101_stop_0' \
	"Pacemaker moves db home: stopping container 101 on phobos" \
	phobos pacemaker/pacemaker.log 'Result of stop operation for p_ct_101 on phobos: ok' \
	"p_ct_101 stop returned ok (container 101 shut down cleanly)" \
	phobos pacemaker/pacemaker.log 'Result of stop operation for p_fs_db on phobos: ok' \
	"p_fs_db stop returned ok (/Data/db unmounted)" \
	deimos pacemaker/pacemaker.log 'Result of start operation for p_fs_db on deimos: ok' \
	"p_fs_db start returned ok" \
	deimos pacemaker/pacemaker.log 'Result of start operation for p_ct_101 on deimos: ok' \
	"p_ct_101 start returned ok: db is home"
echo on >"$STATE/reboot" # from now on, a fenced node boots again
trap - INT TERM HUP

cat <<EOF

== the cluster keeps running; as root, from $top:
  $NET/run.sh deimos crm_mon -1                              # the cluster, seen from deimos
  $NET/run.sh phobos 'grep /Data /proc/mounts; lxc-ls -f -P /Data/apps/lxc'
  $NET/run.sh deimos crm_resource -r p_fs_db --force-check   # an agent's monitor, now
  $NET/run.sh deimos lxc-attach -P /Data/db/lxc -n 101       # a shell in container 101
  kill -KILL \$(cat $STATE/nodes/deimos/init.pid)   # power cut: phobos fences deimos, which reboots
  ip -n $SW_NS link set deimos down                  # cut deimos's cable ("up" puts it back)
  logs: $STATE/nodes/{deimos,phobos}/log/{pacemaker/pacemaker.log,cluster/corosync.log}
To remove it all (nodes, shared disk, namespaces, state):
  $NET/down.sh --wipe
EOF
