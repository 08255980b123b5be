# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/lib.sh: settings and helpers of the live two-node
# cluster (sourced, bash). The cluster: nodes deimos (10.88.6.1) and phobos
# (10.88.6.2), each a process tree whose PID 1 is node-init.sh in its own
# network, mount, PID, UTS and IPC namespaces; a switch namespace with a
# bridge; one shared loop disk with a partition per service; corosync and
# pacemakerd started by hand; vzha's agents shown to the nodes by an overlay.
#
# Environment:
#   VZHA_CLUSTER_STATE   state dir (default /var/tmp/vzha-cluster; not
#                        under /tmp, which each node hides behind a tmpfs)
#   VZHA_CLUSTER_AGENTS  dir holding the built agents vzfs, openvz (and
#                        drbd): default <top>/_build
#   VZHA_CLUSTER_CRM     the configuration (default crm-examples/shared-disk.crm)
#   VZHA_CLUSTER_TOKEN   corosync token in ms (default 1000)
# Names on the host: netns vzha-cl-sw, vzha-cl-deimos, vzha-cl-phobos;
# /Data/db and /Data/apps (created when missing, removed by down.sh).

CL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CL_TOP=$(cd "$CL_DIR/../../.." && pwd)
STATE=${VZHA_CLUSTER_STATE:-/var/tmp/vzha-cluster}
AGENTS_DIR=${VZHA_CLUSTER_AGENTS:-$CL_TOP/_build}
CRM_FILE=${VZHA_CLUSTER_CRM:-$CL_TOP/crm-examples/shared-disk.crm}
TOKEN=${VZHA_CLUSTER_TOKEN:-1000}
SAN_MB=256

NODES=(deimos phobos)
declare -A NODE_IP=([deimos]=10.88.6.1 [phobos]=10.88.6.2)
declare -A NODE_ID=([deimos]=1 [phobos]=2)
SW_NS=vzha-cl-sw
CLUSTER_NAME=vzha-cl

# The seed's two services: filesystem, container, partition of the
# shared disk, home node (location score 100 in shared-disk.crm).
SERVICES=(db apps)
declare -A SVC_DIR=([db]=/Data/db [apps]=/Data/apps)
declare -A SVC_CT=([db]=101 [apps]=102)
declare -A SVC_PART=([db]=1 [apps]=2)
declare -A SVC_HOME=([db]=deimos [apps]=phobos)
declare -A SVC_GROUP=([db]=g_db [apps]=g_apps)

# Inside a node, the fence agent finds the relay's directory here
# (node-init.sh bind-mounts $STATE/fence on it).
NODE_FENCE_DIR=/run/vzha-cluster/fence

ts() { date +%s.%N; }
now() { date +%T.%N | cut -c1-12; }
log() { echo "[$(now)] $*"; }
# since T: seconds elapsed since the epoch time T, 2 decimals
since() { printf '%.2f' "$(echo "$(ts) - $1" | bc)"; }

# pid_alive PID: PID exists and is not a zombie
pid_alive() {
	[ -n "$1" ] && [ -r "/proc/$1/status" ] &&
		! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
# pid_is PID WORD: PID is alive and its command line contains WORD (a pid
# file may outlive its process, and the pid be reused)
pid_is() {
	pid_alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}
node_pid() { cat "$STATE/nodes/$1/init.pid" 2>/dev/null; }
node_alive() { pid_is "$(node_pid "$1")" node-init; }
other() { if [ "$1" = deimos ]; then echo phobos; else echo deimos; fi; }

# The shared disk: a loop device over $STATE/san.img, one partition per
# service (/dev/loopNpK; partx adds them: this kernel's loop driver does
# not scan partitions itself, and devtmpfs makes the nodes without udev).
loopdev() { cat "$STATE/loopdev" 2>/dev/null; }
svc_dev() { echo "$(loopdev)p${SVC_PART[$1]}"; }

# node_run NODE CMD...: a command inside NODE (all its namespaces); one
# argument is a shell command line. 125: the node is not running.
node_run() {
	local n=$1 p
	shift
	p=$(node_pid "$n")
	pid_alive "$p" || { echo "$n is not running" >&2; return 125; }
	if [ $# = 1 ]; then
		nsenter -t "$p" -n -m -p -u -i -- sh -c "$1"
	else
		nsenter -t "$p" -n -m -p -u -i -- "$@"
	fi
}

# svc_on NODE SVC: SVC's filesystem is mounted in NODE and its container
# RUNNING there (what a user of the service sees, not what Pacemaker says)
svc_on() {
	node_run "$1" "grep -q ' ${SVC_DIR[$2]} ' /proc/mounts &&
		lxc-info -P ${SVC_DIR[$2]}/lxc -n ${SVC_CT[$2]} -s -H 2>/dev/null |
		grep -qx RUNNING" 2>/dev/null
}
# svc_where SVC: the node(s) running SVC, or "none"
svc_where() {
	local n w=
	for n in "${NODES[@]}"; do
		svc_on "$n" "$1" && w="$w${w:+ }$n"
	done
	echo "${w:-none}"
}
# mounted_on SVC: the nodes whose mount table has SVC's filesystem
mounted_on() {
	local n w=
	for n in "${NODES[@]}"; do
		node_run "$n" "grep -q ' ${SVC_DIR[$1]} ' /proc/mounts" 2>/dev/null &&
			w="$w${w:+ }$n"
	done
	echo "${w:-none}"
}
# members_online NODE: pacemaker on NODE sees both nodes online
members_online() {
	node_run "$1" crm_mon -1 2>/dev/null | grep -q 'Online: \[ deimos phobos \]'
}
both_online() { members_online deimos || members_online phobos; }

# wait_for SECONDS CMD...: polls CMD every 0.1 s; false after SECONDS
wait_for() {
	local end
	end=$(echo "$(ts) + $1" | bc)
	shift
	until "$@"; do
		[ "$(echo "$(ts) > $end" | bc)" = 1 ] && return 1
		sleep 0.1
	done
}
netns_exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }

# ---- reading the nodes' logs on the fault's clock (all on the host clock)

# log_epoch LINE: the epoch time of a corosync or pacemaker log line
# ("Nov 26 01:10:37.521 ..."; the logs carry no year: date assumes this one)
log_epoch() {
	local t
	t=$(printf '%s\n' "$1" | grep -oE '^[A-Z][a-z]{2} [ 0-9]{2} [0-9:.]{8,15}') &&
		date -d "$t" +%s.%N 2>/dev/null
}
# first_after T0 NODE LOG REGEX: seconds from T0 to the first line of NODE's
# LOG (cluster/corosync.log, pacemaker/pacemaker.log) matching REGEX, at or
# after T0 (the logs are kept under $STATE across the node's reboots);
# "-" when there is none
first_after() {
	local t0=$1 l e
	while IFS= read -r l; do
		e=$(log_epoch "$l") || continue
		if [ "$(echo "$e >= $t0 - 0.01" | bc)" = 1 ]; then
			printf '%.2f' "$(echo "$e - $t0" | bc)"
			return
		fi
	done < <(grep -E "$4" "$STATE/nodes/$2/log/$3" 2>/dev/null)
	echo -
}
# phases T0 NEW OLD SVC failover|failback: when the steps of moving SVC
# from OLD to NEW were logged, in seconds after T0: PH_members (failover:
# NEW saw OLD leave; failback: OLD saw NEW join), PH_fenced (failover: OLD
# fenced), PH_stopped (failback: the container stopped on OLD), PH_fs and
# PH_ct (the agents' starts returned on NEW), PH_agents (how long those
# two starts ran, from pacemaker-controld's request to their result); "-"
# for a step not logged.
phases() {
	local t0=$1 new=$2 old=$3 svc=$4 ct=p_ct_${SVC_CT[$4]} fs_req ct_req
	PH_fenced=- PH_stopped=-
	if [ "$5" = failover ]; then
		PH_members=$(first_after "$t0" "$new" cluster/corosync.log 'A new membership .* Members left')
		PH_fenced=$(first_after "$t0" "$new" pacemaker/pacemaker.log "Operation '(reboot|off)' targeting $old .*: OK")
	else
		PH_members=$(first_after "$t0" "$old" cluster/corosync.log 'A new membership .* Members joined')
		PH_stopped=$(first_after "$t0" "$old" pacemaker/pacemaker.log "Result of stop operation for $ct on $old: ok")
	fi
	PH_fs=$(first_after "$t0" "$new" pacemaker/pacemaker.log "Result of start operation for p_fs_$svc on $new: ok")
	PH_ct=$(first_after "$t0" "$new" pacemaker/pacemaker.log "Result of start operation for $ct on $new: ok")
	fs_req=$(first_after "$t0" "$new" pacemaker/pacemaker.log "Requesting local execution of start operation for p_fs_$svc on $new")
	ct_req=$(first_after "$t0" "$new" pacemaker/pacemaker.log "Requesting local execution of start operation for $ct on $new")
	PH_agents=-
	case "$PH_fs$PH_ct$fs_req$ct_req" in
	*-*) ;;
	*) PH_agents=$(printf '%.2f' "$(echo "$PH_fs - $fs_req + $PH_ct - $ct_req" | bc)") ;;
	esac
}
