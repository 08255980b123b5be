#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/live.sh: the seed's failure list on a live two-node
# Pacemaker cluster (tests/cluster/netns/: corosync and pacemakerd in
# network/mount/PID namespaces, a shared loop disk, real fencing, real LXC
# containers) running crm-examples/shared-disk.crm with vzha's agents.
#   power cut deimos (SIGKILL of its namespace init) -> db moves to phobos;
#   deimos back -> db fails back (the seed's auto_failback on);
#   the same for phobos and apps; both nodes started at once; a staggered
#   start; the cable between the nodes cut -> one node fenced, the other
#   runs both services; cable back -> both home again.
# Before each failure a unique token is written inside container 101 (and
# 102) and read back afterwards. Each event's time (from the fault until
# the service's filesystem is mounted and its container RUNNING) is
# printed, split into corosync detection, fencing and the agents' starts
# from the survivor's logs, and kept in $STATE/results.txt. Timing never
# fails the test (goals live in the benchmarks); a service not back within
# 60 s does. TAP; as root; the cluster is torn down at exit.
# Environment: top_builddir (the agents; default <top>/_build), the
# VZHA_CLUSTER_* settings of tests/cluster/netns/lib.sh, and
# VZHA_CLUSTER_STAGGER (seconds between the nodes' boots, default 10).
here=$(cd "$(dirname "$0")" && pwd)
# the agents (before system/lib.sh, which defaults top_builddir to the sources)
export VZHA_CLUSTER_AGENTS=${VZHA_CLUSTER_AGENTS:-${top_builddir:-$here/../../_build}}
. "$here/../system/lib.sh"
. "$here/netns/lib.sh"
NET=$here/netns
BOUND=60
STAGGER=${VZHA_CLUSTER_STAGGER:-10}

require_root
require_cmd corosync pacemakerd crm crm_mon lxc-create lxc-attach sfdisk partx \
	nsenter unshare ip bc xmllint
[ -x /bin/busybox ] || skip_all "needs busybox-static (the LXC busybox template)"
for a in vzfs openvz; do
	[ -x "$AGENTS_DIR/$a" ] || skip_all "no built agent $AGENTS_DIR/$a (build first)"
done
t_init
at_exit "'$NET/down.sh' >/dev/null"
RESULTS=$STATE/results.txt
step() { diag "$(log "$@")"; }

"$NET/down.sh" >/dev/null
T=$(ts)
out=$("$NET/up.sh" --fresh 2>&1)
rc=$?
diag "$out"
[ $rc = 0 ] || { not_ok "the cluster starts from scratch"; exit 1; }
ok "the cluster starts from scratch in $(since "$T") s (disk, containers, CIB, boot)"
FMT='%-28s %-5s %7s %7s %7s %7s %7s %7s %7s\n'
# shellcheck disable=SC2059 # the format is ours
printf "$FMT" event svc running members fenced stopped fs ct agents >"$RESULTS"

# ---------------------------------------------------------------- checks

# xml_of NODE: crm_mon's XML on NODE, in $xml
xml_of() { xml=$(node_run "$1" crm_mon -1 --output-as=xml 2>/dev/null); }
xq() { printf '%s\n' "$xml" | xmllint --xpath "$1" - 2>/dev/null; }

# placement_is DB_NODE APPS_NODE [ASK_NODE]: Pacemaker says so, the mount
# tables agree (each filesystem mounted on exactly one node) and the
# containers run there
placement_is() {
	local want_db=$1 want_apps=$2 ask=${3:-$1} s want r where
	xml_of "$ask"
	for s in db apps; do
		[ "$s" = db ] && want=$want_db || want=$want_apps
		for r in "p_fs_$s" "p_ct_${SVC_CT[$s]}"; do
			where=$(xq "string(//resource[@id='$r' and @role='Started']/node/@name)")
			[ "$where" = "$want" ] || { echo "$r is on '${where:-nowhere}', not $want"; return 1; }
		done
		where=$(mounted_on "$s")
		[ "$where" = "$want" ] || { echo "${SVC_DIR[$s]} is mounted on: $where"; return 1; }
		svc_on "$want" "$s" || { echo "container ${SVC_CT[$s]} is not RUNNING on $want"; return 1; }
	done
}
placement_quiet() { placement_is "$@" >/dev/null; }
check_placement() {
	local why
	# Pacemaker may still be confirming a start the host already sees
	wait_for "$BOUND" placement_quiet "$@"
	if why=$(placement_is "$@"); then
		ok "$4: db on $1, apps on $2 (crm_mon, /proc/mounts, lxc-info)"
	else
		not_ok "$4: db on $1, apps on $2: $why"
		diag "$(node_run "${3:-$1}" crm_mon -1 2>&1)"
	fi
	xml_of "${3:-$1}"
	if [ -n "$(xq '//failures/failure/@op_key')" ]; then
		not_ok "$4: no failed actions"
		diag "$(node_run "${3:-$1}" crm_mon -1 2>&1 | sed -n '/Failed Resource Actions/,$p')"
	fi
}

# write_tokens: a fresh token in each container, synced to its disk
write_tokens() {
	local s n
	for s in "${SERVICES[@]}"; do
		n=$(svc_where "$s")
		TOKEN_OF[$s]=vzha-$s-$(date +%s%N)-$RANDOM
		node_run "$n" lxc-attach -P "${SVC_DIR[$s]}/lxc" -n "${SVC_CT[$s]}" -- \
			sh -c "echo ${TOKEN_OF[$s]} >/vzha-token; sync" ||
			not_ok "writing a token in container ${SVC_CT[$s]} on $n"
	done
}
declare -A TOKEN_OF
check_tokens() {
	local s n got
	for s in "${SERVICES[@]}"; do
		n=$(svc_where "$s")
		got=$(node_run "$n" lxc-attach -P "${SVC_DIR[$s]}/lxc" -n "${SVC_CT[$s]}" -- \
			cat /vzha-token 2>&1)
		if [ "$got" = "${TOKEN_OF[$s]}" ]; then
			ok "$1: the token written in container ${SVC_CT[$s]} before is intact (on $n)"
		else
			not_ok "$1: token in container ${SVC_CT[$s]} on $n: '$got', wrote '${TOKEN_OF[$s]}'"
		fi
	done
}

# ---------------------------------------------------------------- timing

# record EVENT SVC TOTAL: one line of the results table, with the phases
# last measured
record() {
	# shellcheck disable=SC2059 # the format is ours
	printf "$FMT" "$1" "$2" "$3" \
		"${PH_members:--}" "${PH_fenced:--}" "${PH_stopped:--}" "${PH_fs:--}" \
		"${PH_ct:--}" "${PH_agents:--}" >>"$RESULTS"
	PH_members= PH_fenced= PH_stopped= PH_fs= PH_ct= PH_agents=
}
phases_diag() {
	diag "$1: membership +$PH_members s, fenced +$PH_fenced s, container stopped on the old node +$PH_stopped s, p_fs started +$PH_fs s, p_ct started +$PH_ct s, the two starts ran $PH_agents s"
}

# until_on SVC NODE: waits (BOUND s) for SVC to run on NODE; the time
# since T0 in $took
until_on() {
	if wait_for "$BOUND" svc_on "$2" "$1"; then
		took=$(since "$T0")
		return 0
	fi
	took=timeout
	return 1
}

agents_are_ours() {
	local n=$1 a
	for a in vzfs openvz; do
		node_run "$n" cat "/usr/lib/ocf/resource.d/vzha/$a" | cmp -s - "$AGENTS_DIR/$a" ||
			return 1
	done
}
xml_of deimos
agents=$(xq '//resource[starts-with(@id,"p_")]/@resource_agent' | tr ' ' '\n' |
	sed -n 's/^resource_agent="\(.*\)"$/\1/p' | sort -u | paste -sd' ')
check "crm_mon shows vzha's agents: $agents" [ "$agents" = "ocf:vzha:openvz ocf:vzha:vzfs" ]
check "the nodes run the agents just built ($AGENTS_DIR)" eval 'agents_are_ours deimos && agents_are_ours phobos'
check_placement deimos phobos deimos "after the start"

# ---------------------------------------------------------------- events

# relay_since: the relay's log lines since $relay_lines
relay_since() { tail -n +$((relay_lines + 1)) "$STATE/relay.log"; }

# power_cut VICTIM SVC: the victim runs SVC; kill it, SVC must come up on
# the survivor, which fences the victim (the relay leaves it off)
power_cut() {
	local v=$1 svc=$2 s
	s=$(other "$v")
	echo off >"$STATE/reboot"
	write_tokens
	relay_lines=$(wc -l <"$STATE/relay.log")
	step "power cut: $v (init pid $(node_pid "$v")) runs $svc"
	T0=$(ts)
	kill -KILL "$(node_pid "$v")"
	if until_on "$svc" "$s"; then
		ok "power cut of $v: $svc runs on $s after $took s"
	else
		not_ok "power cut of $v: $svc not running on $s within $BOUND s"
	fi
	check "$v was fenced by the lab agent (relay)" \
		eval 'relay_since | grep -q "fence \(reboot\|off\) $v (from $s): ok"'
	if [ "$v" = deimos ]; then
		check_placement phobos phobos phobos "$v down"
	else
		check_placement deimos deimos deimos "$v down"
	fi
	phases "$T0" "$s" "$v" "$svc" failover
	phases_diag "$svc on $s"
	record "power cut $v" "$svc" "$took"
	check_tokens "$v down"
}
# power_on NODE SVC: boot NODE again; SVC must fail back to it
power_on() {
	local n=$1 svc=$2
	write_tokens
	step "power on: $n"
	T0=$(ts)
	"$NET/up.sh" --node "$n" >/dev/null || not_ok "$n boots"
	if until_on "$svc" "$n"; then
		ok "$n back: $svc failed back to $n after $took s"
	else
		not_ok "$n back: $svc not back on $n within $BOUND s"
	fi
	check_placement deimos phobos "$n" "$n back"
	phases "$T0" "$n" "$(other "$n")" "$svc" failback
	phases_diag "$svc back on $n"
	record "$n back (failback)" "$svc" "$took"
	check_tokens "$n back"
}

kill_both() {
	local n
	for n in "${NODES[@]}"; do kill -KILL "$(node_pid "$n")"; done
	for n in "${NODES[@]}"; do wait_for 10 eval '! node_alive $n'; done
}
# both_home LABEL: waits for both services at home; time in $took
both_home() {
	if until_on db deimos && until_on apps phobos; then
		ok "$1: db on deimos and apps on phobos after $took s"
	else
		not_ok "$1: services not at home within $BOUND s"
	fi
}

power_cut deimos db
power_on deimos db
power_cut phobos apps
power_on phobos apps

write_tokens
step "both nodes killed, both started at once"
kill_both
T0=$(ts)
"$NET/up.sh" --no-wait >/dev/null || not_ok "the nodes boot"
both_home "both nodes started at once"
record "both started at once" both "$took"
check_placement deimos phobos deimos "both started at once"
check_tokens "both started at once"

write_tokens
step "both nodes killed, phobos started $STAGGER s after deimos"
kill_both
T0=$(ts)
"$NET/up.sh" --no-wait --stagger "$STAGGER" >/dev/null || not_ok "the nodes boot"
both_home "staggered start (phobos $STAGGER s after deimos)"
record "staggered start (+$STAGGER s)" both "$took"
[ "$took" != timeout ] &&
	diag "that is $(echo "$took - $STAGGER" | bc) s after phobos booted (nothing starts before: two_node implies wait_for_all)"
check_placement deimos phobos deimos "staggered start"
check_tokens "staggered start"

# the cable: the switch port of deimos down; each node sees the other die
# and both race to fence; the relay kills the first target and refuses the
# loser's request, then reboots the loser (into an isolated network, where
# without quorum it does nothing)
echo on >"$STATE/reboot"
write_tokens
relay_lines=$(wc -l <"$STATE/relay.log")
step "cable of deimos cut"
T0=$(ts)
ip -n "$SW_NS" link set deimos down
fenced_count() { relay_since | grep -c ': ok$'; }
if wait_for "$BOUND" eval '[ "$(fenced_count)" -ge 1 ]'; then
	victim=$(relay_since | grep ': ok$' |
		head -n 1 | sed -n 's/.*fence [a-z]* \([a-z]*\) .*/\1/p')
	ok "cable cut: $victim fenced by the lab agent after $(since "$T0") s"
else
	victim=none
	not_ok "cable cut: nobody fenced within $BOUND s"
fi
survivor=$(other "$victim")
if until_on db "$survivor" && until_on apps "$survivor"; then
	ok "cable cut: $survivor runs db and apps after $took s"
else
	not_ok "cable cut: $survivor does not run both services within $BOUND s"
fi
check "cable cut: exactly one node was fenced" [ "$(fenced_count)" = 1 ]
check_placement "$survivor" "$survivor" "$survivor" "cable cut"
lost=$([ "$victim" = deimos ] && echo db || echo apps)
phases "$T0" "$survivor" "$victim" "$lost" failover
phases_diag "$lost on $survivor"
record "cable cut ($victim fenced)" "$lost" "$took"
check "the fenced node ($victim) rebooted and mounts nothing" \
	eval 'wait_for 30 node_alive $victim && [ "$(mounted_on db) $(mounted_on apps)" = "$survivor $survivor" ]'
check_tokens "cable cut"
diag "$(relay_since)"

write_tokens
step "cable back"
T0=$(ts)
ip -n "$SW_NS" link set deimos up
both_home "cable back"
check_placement deimos phobos deimos "cable back"
phases "$T0" "$victim" "$survivor" "$lost" failback
phases_diag "$lost back on $victim"
record "cable back" "$lost" "$took"
check_tokens "cable back"

diag "Seconds from each fault (power cut, boot, cable) until:" \
	"  running  the service's filesystem is mounted and its container RUNNING (seen from the host, polled every 0.1 s)" \
	"  members  corosync's new membership (failover: on the survivor; failback: on the node that kept the service)" \
	"  fenced   the peer fenced (pacemaker-fenced: OK)" \
	"  stopped  failback: the container stopped on the node that kept it" \
	"  fs, ct   the vzfs and openvz starts returned on the node taking the service" \
	"  agents   how long those two starts ran, from Pacemaker's request to their result (the agents' own time)" \
	"Host load average now: $(cut -d' ' -f1-3 /proc/loadavg) (results also in $RESULTS)" "" "$(cat "$RESULTS")"
{ echo "# $(date -u +%FT%TZ) token $TOKEN ms, load $(cut -d' ' -f1-3 /proc/loadavg)"; cat "$RESULTS"; } \
	>>"$STATE/results-history.txt"
