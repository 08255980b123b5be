#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/up.sh: start the two-node cluster (root).
# Usage:
#   up.sh [--fresh] [--no-wait] [--stagger S]
#       state dir, shared disk, switch and cables, seeded CIB, fence relay;
#       boots deimos and phobos (phobos S seconds after deimos with
#       --stagger), then waits until both are online and db runs on
#       deimos, apps on phobos. --fresh: a new shared disk (two ext4
#       partitions, LXC busybox containers 101 and 102 on them) and a CIB
#       seeded again from the configuration, both nodes must be down.
#   up.sh --node NAME
#       boots one node that is down (the relay's reboot, a test's "power
#       on"); returns once its pacemakerd runs.
# Idempotent: running nodes, cables and the loop device are reused.
# Environment: see lib.sh (VZHA_CLUSTER_STATE, _AGENTS, _CRM, _TOKEN).
set -u
. "$(dirname "$0")/lib.sh"

die() { echo "up.sh: $*" >&2; exit 1; }

# start_node NAME: launch NAME's namespace init, record its host pid
start_node() {
	local n=$1 nd=$STATE/nodes/$1 upid cpid=
	node_alive "$n" && { log "$n already running (pid $(node_pid "$n"))"; return 0; }
	rm -f "$nd/ready" "$nd/init.pid"
	mkdir -p "$nd"
	date +%s%N >"$nd/boot.ns"
	setsid nsenter --net="/run/netns/vzha-cl-$n" \
		unshare --mount --pid --uts --ipc --fork --mount-proc \
		--propagation private "$CL_DIR/node-init.sh" "$n" \
		</dev/null >>"$nd/console.log" 2>&1 &
	upid=$!
	# the namespace's PID 1 is unshare's child
	for _ in $(seq 1 250); do
		read -r cpid _ <"/proc/$upid/task/$upid/children" 2>/dev/null
		[ -n "$cpid" ] && break
		sleep 0.02
	done
	[ -n "$cpid" ] || { log "$n: no namespace init appeared"; return 1; }
	echo "$cpid" >"$nd/init.pid"
	for _ in $(seq 1 300); do
		[ -f "$nd/ready" ] && break
		pid_alive "$cpid" || break
		sleep 0.05
	done
	[ -f "$nd/ready" ] || { log "$n: did not boot, see $nd/console.log"; return 1; }
	touch "$STATE/fence/$n.up"
	log "$n booted: init pid $cpid (host), pacemakerd running"
}

if [ "${1:-}" = --node ]; then
	[ -d "$STATE/nodes/${2:-}" ] || die "no node '${2:-}' in $STATE"
	start_node "$2"
	exit
fi

FRESH=0 WAIT=1 STAGGER=0
while [ $# -gt 0 ]; do
	case $1 in
	--fresh) FRESH=1 ;;
	--no-wait) WAIT=0 ;;
	--stagger) STAGGER=$2; shift ;;
	*) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || die "needs root"
case $STATE/ in /tmp/*) die "VZHA_CLUSTER_STATE must not be under /tmp: the nodes hide it" ;; esac
for c in corosync pacemakerd crm lxc-create sfdisk partx mkfs.ext4 bc; do
	command -v "$c" >/dev/null || die "needs $c (scripts/deps.sh installs it)"
done
[ -x /bin/busybox ] || die "needs busybox-static (the LXC busybox template)"
[ -f "$CRM_FILE" ] || die "no configuration $CRM_FILE"
for a in vzfs openvz; do
	[ -x "$AGENTS_DIR/$a" ] || die "no agent $AGENTS_DIR/$a: build first, or set VZHA_CLUSTER_AGENTS"
done
T0=$(ts)
anyup=0
for n in "${NODES[@]}"; do node_alive "$n" && anyup=1; done

mkdir -p "$STATE/fence" "$STATE/sbin" "$STATE/ocf/vzha" "${NODES[@]/#/$STATE/nodes/}"
[ -f "$STATE/authkey" ] || corosync-keygen -l -k "$STATE/authkey" >/dev/null 2>&1 ||
	die "corosync-keygen failed"
install -m 755 "$CL_DIR/fence_vzha_ns" "$STATE/sbin/fence_vzha_ns"
if [ "$anyup" = 0 ]; then
	# copies, so that a rebuild cannot change the agents under a running node
	for a in vzfs openvz drbd; do
		[ -x "$AGENTS_DIR/$a" ] && install -m 755 "$AGENTS_DIR/$a" "$STATE/ocf/vzha/$a"
	done
fi
# mount points on the host's root fs (the nodes share it); down.sh removes
# what was created here
for d in /Data "${SVC_DIR[@]}"; do
	if [ ! -d "$d" ]; then
		mkdir "$d" && echo "$d" >>"$STATE/created-dirs"
	fi
done

# -- the shared disk: one loop device, a partition per service
if [ "$FRESH" = 1 ] || [ ! -f "$STATE/san.img" ]; then
	[ "$anyup" = 0 ] || die "--fresh: stop the nodes first (down.sh)"
	"$CL_DIR/down.sh" --disk-only
	rm -f "$STATE/san.img"
	truncate -s "${SAN_MB}M" "$STATE/san.img"
	printf 'label: dos\nsize=%dMiB, type=83\ntype=83\n' $((SAN_MB / 2 - 4)) |
		sfdisk -q "$STATE/san.img" || die "sfdisk failed"
	FRESH=1
fi
if [ -z "$(loopdev)" ] ||
	[ "$(losetup -n -O BACK-FILE "$(loopdev)" 2>/dev/null)" != "$STATE/san.img" ]; then
	losetup -f --show -P "$STATE/san.img" >"$STATE/loopdev" || die "losetup failed"
fi
LOOP=$(loopdev)
# this kernel's loop driver does not read partition tables: partx adds the
# partitions, devtmpfs creates /dev/loopNpK (no udev needed)
[ -b "${LOOP}p2" ] || partx -a "$LOOP" 2>/dev/null
for _ in $(seq 1 50); do [ -b "${LOOP}p2" ] && break; sleep 0.05; done
[ -b "${LOOP}p1" ] && [ -b "${LOOP}p2" ] || die "no partitions ${LOOP}p1, p2"
log "shared disk $LOOP ($STATE/san.img): db on $(svc_dev db), apps on $(svc_dev apps)"
if [ "$FRESH" = 1 ]; then
	printf 'lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n' >"$STATE/ct.conf"
	for s in "${SERVICES[@]}"; do
		mkfs.ext4 -q -F -L "vzha-cl-$s" "$(svc_dev "$s")" || die "mkfs.ext4 failed"
		# in a throwaway mount namespace: the host never has it mounted
		unshare --mount --propagation private sh -c '
			mount "$1" "$2" && mkdir "$2/lxc" &&
			lxc-create -q -P "$2/lxc" -n "$3" -t busybox -f "$4" >/dev/null &&
			umount "$2"' sh "$(svc_dev "$s")" "${SVC_DIR[$s]}" \
			"${SVC_CT[$s]}" "$STATE/ct.conf" ||
			die "creating container ${SVC_CT[$s]} on $(svc_dev "$s") failed"
	done
	log "ext4 and LXC busybox containers 101 (db), 102 (apps) created [$(since "$T0") s]"
fi

# -- the network: a switch namespace with a bridge, a veth cable per node
netns_exists "$SW_NS" || ip netns add "$SW_NS"
ip -n "$SW_NS" link show br0 >/dev/null 2>&1 || {
	ip -n "$SW_NS" link add br0 type bridge stp_state 0 forward_delay 0
	ip -n "$SW_NS" link set br0 up
}
for n in "${NODES[@]}"; do
	netns_exists "vzha-cl-$n" || ip netns add "vzha-cl-$n"
	if ! ip -n "$SW_NS" link show "$n" >/dev/null 2>&1; then
		ip -n "$SW_NS" link add "$n" type veth peer name eth0 netns "vzha-cl-$n"
		ip -n "$SW_NS" link set "$n" master br0 up
	fi
done

# -- the seeded CIB: lab settings, the nodes, then the configuration file
# loaded by crmsh offline (CIB_file), in a mount namespace where the agents
# are visible so that crmsh checks every parameter against their meta-data
seed_cib() {
	local cib=$STATE/cib.xml crm=$STATE/config.crm out
	cat >"$cib" <<XML
<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="$CLUSTER_NAME"/>
        <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="cib-bootstrap-options-stonith-timeout" name="stonith-timeout" value="30s"/>
        <nvpair id="cib-bootstrap-options-cluster-recheck-interval" name="cluster-recheck-interval" value="60s"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="${NODE_ID[deimos]}" uname="deimos"/>
      <node id="${NODE_ID[phobos]}" uname="phobos"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
XML
	sed -e "s|@DB_DEV@|$(svc_dev db)|g" -e "s|@APPS_DEV@|$(svc_dev apps)|g" \
		"$CRM_FILE" >"$crm"
	out=$(unshare --mount --propagation private sh -c '
		mount -t overlay -o "lowerdir=$1/ocf:/usr/lib/ocf/resource.d" vzha-cl-ocf /usr/lib/ocf/resource.d &&
		mount -t overlay -o "lowerdir=$1/sbin:/usr/sbin" vzha-cl-sbin /usr/sbin &&
		CIB_file=$1/cib.xml crm -D plain configure load update "$2"' sh "$STATE" "$crm" 2>&1)
	local rc=$?
	# without node states, crm_verify says there is no quorum: expected offline
	out=$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | grep -v 'lack of quorum')
	[ -n "$out" ] && printf '%s\n' "$out" >&2
	[ $rc = 0 ] && grep -q 'provider="vzha"' "$cib"
}
if [ "$anyup" = 0 ]; then
	seed_cib || die "crm configure load update $CRM_FILE failed"
	for n in "${NODES[@]}"; do
		# a cold start from the seed: fresh, or a node that never ran
		if [ "$FRESH" = 1 ] || [ ! -f "$STATE/nodes/$n/lib-pacemaker/cib/cib.xml" ]; then
			rm -rf "$STATE/nodes/$n/lib-pacemaker" "$STATE/nodes/$n/lib-corosync"
			[ "$FRESH" = 1 ] && rm -rf "$STATE/nodes/$n/log"
			cp "$STATE/cib.xml" "$STATE/nodes/$n/seed-cib.xml"
		fi
	done
	log "CIB seeded from $(basename "$CRM_FILE") [$(since "$T0") s]"
fi

# -- the fence relay
pid_is "$(cat "$STATE/relay.pid" 2>/dev/null)" fence-relay || {
	rm -f "$STATE/relay.pid"
	setsid "$CL_DIR/fence-relay.sh" </dev/null >/dev/null 2>&1 &
	for _ in $(seq 1 100); do
		[ "$(cat "$STATE/relay.pid" 2>/dev/null)" = $! ] && break
		sleep 0.02
	done
}

TS=$(ts)
start_node deimos &
w1=$!
[ "$STAGGER" != 0 ] && sleep "$STAGGER"
start_node phobos &
w2=$!
wait $w1 || exit 1
wait $w2 || exit 1
[ "$WAIT" = 1 ] || exit 0
wait_for 120 both_online || die "the nodes did not both come online; logs in $STATE/nodes/*/log"
log "both nodes online $(since "$TS") s after the first boot"
# at_home: each service runs at home, and Pacemaker has confirmed its start
at_home() {
	local s mon
	mon=$(node_run deimos crm_mon -1 2>/dev/null)
	for s in "${SERVICES[@]}"; do
		printf '%s\n' "$mon" | grep -Eq "p_ct_${SVC_CT[$s]}[[:space:]].*Started ${SVC_HOME[$s]}" &&
			[ "$(svc_where "$s")" = "${SVC_HOME[$s]}" ] || return 1
	done
}
wait_for 120 at_home || die "the services did not start at home: db on $(svc_where db), apps on $(svc_where apps)"
log "db runs on deimos, apps on phobos, $(since "$TS") s after the first boot"
