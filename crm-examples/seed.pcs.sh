#!/bin/bash
# The seed article's two-node cluster on Pacemaker, as pcs commands: the
# same configuration as seed.crm (same ids, agents, parameters and
# operations), whose comments explain each choice.
#
#   bash seed.pcs.sh                  on a running cluster, as root: the
#                                     configuration is built in a copy of
#                                     the CIB and pushed in one step
#   PCS_FILE=cib.xml bash seed.pcs.sh into a CIB file only (pcs -f), to
#                                     review it before pushing it yourself:
#                                     pcs cluster cib-push cib.xml --config
#
# Before running it: the cluster exists (pcs host auth, pcs cluster setup
# with the nodes below), the agents are installed on both nodes (make
# install), drbd.conf has the resources db and apps (crm-examples/drbd/),
# and the fence devices' values below are real ones, not CHANGE_ME.
set -eu

# ---------------------------------------------------------------- adapt
# The nodes are deimos (db's home) and phobos (apps' home), as corosync
# knows them (pcs status nodes corosync); crm-examples/README.md shows how
# to rename them. The IPMI (iLO, iDRAC, IMM) of each node: PLACEHOLDERS,
# from the documentation range. Check them with fence_ipmilan -o status.
FENCE_DEIMOS_IP=192.0.2.101
FENCE_PHOBOS_IP=192.0.2.102
FENCE_USER=CHANGE_ME
FENCE_PASSWORD=CHANGE_ME

if [ -n "${PCS_FILE:-}" ]; then
	cib=$PCS_FILE
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	pcs cluster cib "$work/orig.xml"
	cp "$work/orig.xml" "$work/new.xml"
	cib=$work/new.xml
fi

p() {
	pcs -f "$cib" "$@"
}

# ---------------------------------------------------------------- fencing
# One IPMI device per node, never run by the node it fences. The delay
# on deimos's device decides a fencing race when the link between the
# nodes is cut: phobos's shot at deimos waits, deimos survives.
p stonith create fence_deimos fence_ipmilan \
	ip="$FENCE_DEIMOS_IP" username="$FENCE_USER" \
	password="$FENCE_PASSWORD" lanplus=1 pcmk_host_list=deimos \
	pcmk_delay_base=15s \
	op monitor interval=60s timeout=20s
p stonith create fence_phobos fence_ipmilan \
	ip="$FENCE_PHOBOS_IP" username="$FENCE_USER" \
	password="$FENCE_PASSWORD" lanplus=1 pcmk_host_list=phobos \
	op monitor interval=60s timeout=20s
p constraint location add loc_fence_deimos fence_deimos deimos -- -INFINITY
p constraint location add loc_fence_phobos fence_phobos phobos -- -INFINITY
# LAB ONLY, never in production (it needs the node it fences to be alive
# and reachable): cluster-glue's STONITH over ssh, instead of the above:
#   p stonith create fence_deimos external/ssh hostlist=deimos
#   p stonith create fence_phobos external/ssh hostlist=phobos

# ---------------------------------------------------------------- services
# service NAME DRBD_DEVICE CTID: the DRBD resource NAME as a promotable
# clone, and a group of its filesystem (/Data/NAME) and its container.
# The operations are the agents' advised ones (seed.crm explains them);
# --no-default-ops keeps pcs from adding others.
service() {
	local name=$1 device=$2 ctid=$3

	p resource create "p_drbd_$name" ocf:vzha:drbd \
		drbd_resource="$name" --no-default-ops \
		op start timeout=240s interval=0s \
		stop timeout=100s interval=0s \
		promote timeout=90s interval=0s \
		demote timeout=90s interval=0s \
		notify timeout=90s interval=0s \
		monitor interval=10s role=Promoted timeout=20s \
		monitor interval=20s role=Unpromoted timeout=20s
	p resource promotable "p_drbd_$name" "ms_drbd_$name" \
		promoted-max=1 promoted-node-max=1 clone-max=2 \
		clone-node-max=1 notify=true

	p resource create "p_fs_$name" ocf:vzha:vzfs \
		device="$device" directory="/Data/$name" fstype=ext3 \
		--no-default-ops \
		op start timeout=60s interval=0s \
		stop timeout=60s interval=0s \
		monitor interval=20s timeout=40s \
		monitor interval=61s timeout=40s OCF_CHECK_LEVEL=10 \
		--group "g_$name"
	p resource create "p_ct_$ctid" ocf:vzha:openvz \
		ctid="$ctid" --no-default-ops \
		op start timeout=75s interval=0s \
		stop timeout=75s interval=0s \
		monitor interval=10s timeout=20s \
		monitor interval=31s timeout=30s OCF_CHECK_LEVEL=10 \
		--group "g_$name"

	# the group where DRBD is Promoted, after the promotion
	p constraint colocation add "g_$name" with Promoted "ms_drbd_$name" \
		INFINITY id="col_g_${name}_on_drbd"
	p constraint order promote "ms_drbd_$name" then start "g_$name" \
		kind=Mandatory id="ord_drbd_${name}_then_g_$name"
}
service db /dev/drbd0 101
service apps /dev/drbd1 102

# Home nodes (haresources' first column). With a stickiness of 0 a
# service goes back home as soon as it can: Heartbeat's auto_failback on.
# For auto_failback off, set resource-stickiness=200 below.
p constraint location add loc_g_db_home g_db deimos 100
p constraint location add loc_g_apps_home g_apps phobos 100

# ---------------------------------------------------------------- options
p resource defaults update resource-stickiness=0 migration-threshold=3
p property set stonith-enabled=true

if [ -z "${PCS_FILE:-}" ]; then
	# only what changed since the copy was taken
	pcs cluster cib-push "$cib" diff-against="$work/orig.xml"
fi
