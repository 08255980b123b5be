#!/bin/bash
# ocf:vzha:drbd as Pacemaker's own tools see it, with no cluster running,
# against tests/sim/drbd-sim (a SIMULATOR of DRBD 8.4: the host kernel has
# no DRBD; real DRBD runs in tests/vm/). The agent is installed as
# ocf:vzha:drbd for the duration of the test, and runs as node deimos of a
# simulated pair whose other node, phobos, the test drives by hand:
#  - ocf-tester runs its matrix, promote and demote included (it tests
#    them because the agent implements them: an unimplemented action
#    returns 3);
#  - crm_resource, on a CIB file holding a promotable clone, force-starts,
#    checks, promotes, checks (8), demotes and stops the primitive, and
#    validates one whose DRBD resource does not exist (6);
#  - crm_resource, crmsh and pcs read the meta-data.
# In a real cluster pacemaker-execd hands an agent none of an admin's
# environment, so drbdadm= and drbdsetup= name wrapper scripts that set
# the simulator's world and node themselves. VZHA_DRBD_ROOT (where the
# agent reads /proc/drbd and keeps its state, instead of /) has no
# parameter: it reaches the agent because ocf-tester and crm_resource
# 2.1.5 run it with their own environment, which the test checks.
# Pacemaker 2.1 has no OCF path override, hence the install under
# $OCF_ROOT; whatever was there before is put back at exit. The lock is
# vzfs-pacemaker.sh's, so the Pacemaker tests can run concurrently.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd flock
SIM=${DRBD_SIM:-$top_srcdir/tests/sim/drbd-sim}
DRBD=${DRBD:-$top_builddir/drbd}
[ -x "$DRBD" ] || skip_all "$DRBD is not built (make drbd)"
[ -x "$SIM" ] || skip_all "no DRBD simulator at $SIM"
if ! command -v crm_resource >/dev/null 2>&1 ||
	! command -v cibadmin >/dev/null 2>&1; then
	skip_all "needs crm_resource and cibadmin (apt-get install pacemaker-cli-utils)"
fi
t_init

NODE=deimos
PEER=phobos

# ---------------------------------------------------------------- install

install_agent "$DRBD" drbd

# ---------------------------------------------------------------- the world

W=$T_DIR/world
ROOT=$W/$NODE/root
mkdir -p "$T_DIR/bin" "$T_DIR/sbin"

# the harness (not exported: the agent's tools get the world from their
# wrappers only)
sim() {
	DRBD_SIM_WORLD=$W "$SIM" "$@"
}

# drbdadm= and drbdsetup= wrappers: the simulator as node deimos, whatever
# environment the agent got. Each call leaves the VZHA_DRBD_ROOT it saw
# (the agent's own environment, inherited) in env.seen.
for tool in drbdadm drbdsetup; do
	cat >"$T_DIR/bin/$tool" <<-EOF
		#!/bin/sh
		# test wrapper: $tool of the DRBD simulator, on node $NODE
		echo "\${VZHA_DRBD_ROOT-unset}" >>'$T_DIR/env.seen'
		DRBD_SIM_WORLD='$W' DRBD_SIM_NODE='$NODE' DRBD_SIM_TOOL='$tool'
		export DRBD_SIM_WORLD DRBD_SIM_NODE DRBD_SIM_TOOL
		exec '$SIM' "\$@"
	EOF
	chmod 755 "$T_DIR/bin/$tool"
done

# crm_attribute stand-in (HA_SBIN_DIR): records the promotion score; with
# no cluster, the real one could only fail (the agent logs and goes on)
cat >"$T_DIR/sbin/crm_attribute" <<STUB
#!/bin/bash
# test stand-in for crm_attribute --promotion -v N | -D
f='$T_DIR/score.'\$OCF_RESOURCE_INSTANCE
case "\$*" in
"--promotion -D") rm -f "\$f" ;;
"--promotion -v "*) echo "\$3" >"\$f" ;;
*) echo "unexpected: \$*" >&2; exit 1 ;;
esac
echo "\$OCF_RESOURCE_INSTANCE \$*" >>'$T_DIR/crm_attribute.calls'
STUB
chmod 755 "$T_DIR/sbin/crm_attribute"

# the seed's drbd.conf, as drbd-sim.sh has it: the test uses db only
sim init --config "$top_srcdir/tests/sim/seed-drbd.conf" --nodes "$NODE $PEER" >/dev/null ||
	skip_all "drbd-sim init failed"
CONF=$W/drbd.conf

sim_on() {
	local node=$1
	shift
	sim on "$node" "$@" >/dev/null 2>&1
}
proc_db() {
	sim proc "$NODE" 2>/dev/null | grep '^ *0:'
}
score() {
	cat "$T_DIR/score.$1" 2>/dev/null || echo none
}

# The admin's initial sync, as the seed does, then deimos down again: the
# pair has UpToDate data, phobos runs db as a Secondary, and deimos is
# the node the tools start, promote, demote and stop.
if sim_on "$NODE" drbdadm up db && sim_on "$PEER" drbdadm up db &&
	sim_on "$PEER" drbdadm primary --force db && sim settle >/dev/null &&
	sim_on "$PEER" drbdadm secondary db && sim_on "$NODE" drbdadm down db; then
	ok "simulated pair: db synced, up on $PEER, down on $NODE"
else
	not_ok "simulated pair: initial sync"
	diag "$(sim show 2>&1 | head -n 20)"
	exit 1
fi

# What every run of the installed agent gets from the caller's environment
# (passed through by ocf-tester and crm_resource, checked below).
export VZHA_DRBD_ROOT=$ROOT HA_SBIN_DIR=$T_DIR/sbin

# env_seen DESC: every drbdadm/drbdsetup call since the last env_seen saw
# VZHA_DRBD_ROOT=$ROOT (and there was at least one).
env_seen() {
	local f=$T_DIR/env.seen
	if [ -s "$f" ] && [ "$(sort -u "$f")" = "$ROOT" ]; then
		ok "$1 passes the caller's environment to the agent (VZHA_DRBD_ROOT, $(wc -l <"$f") tool calls)"
	else
		not_ok "$1 does not pass VZHA_DRBD_ROOT to the agent: the tools saw '$(sort -u "$f" 2>/dev/null | tr '\n' ' ')'"
	fi
	rm -f "$f"
}

# ---------------------------------------------------------------- ocf-tester

# Promote and demote: ocf-tester calls demote, then promote, once; if
# neither returns 3 (unimplemented) it runs demote, promote, demote,
# demote, promote, promote, demote, each expected to return 0. It needs
# no flag for that, and passes nothing about the clone: of Pacemaker's
# meta attributes it exports only OCF_RESKEY_CRM_meta_timeout=20000 and
# _interval=10000 (0 for its probe), not CRM_meta_clone_max,
# _promoted_max or _notify, and -o NAME=V only makes OCF_RESKEY_NAME.
# ocf:vzha:drbd reads none of them, so it needs none (crm_resource below
# does pass them, from the clone's meta attributes). What promote does
# need is UpToDate data: the initial sync above.
rm -f "$T_DIR/env.seen"
if have_ocf_tester &&
	ocf_tester ocf-tester -v -n p_drbd_db -o drbd_resource=db \
		-o drbdconf="$CONF" -o drbdadm="$T_DIR/bin/drbdadm" \
		-o drbdsetup="$T_DIR/bin/drbdsetup"; then
	env_seen "ocf-tester"
	check "ocf-tester tested promote and demote" eval \
		'grep -q "^Testing: promotion of promoted resource" "$T_DIR/ocf-tester.out" &&
		 ! grep -q "does not support the \(promote\|demote\) action" "$T_DIR/ocf-tester.out"'
	check "ocf-tester leaves db down on $NODE" eval '! proc_db | grep -q "cs:"'
	check "and no promotion score behind" [ "$(score p_drbd_db)" = none ]
fi

# ---------------------------------------------------------------- crm_resource

export CIB_file=$T_DIR/cib.xml

expect_score() {
	local s
	s=$(score p_drbd_db)
	if [ "$s" = "$1" ]; then ok "$2 (score $s)"; else not_ok "$2: score $s, expected $1"; fi
}

# the promotable clone of the issue, as crm-examples would write it
clone_xml() {
	local id=p_drbd_db nv n=0
	printf '<clone id="ms_drbd_db"><meta_attributes id="ms_drbd_db-meta">'
	for nv in promotable=true promoted-max=1 promoted-node-max=1 \
		clone-max=2 clone-node-max=1 notify=true; do
		n=$((n + 1))
		printf '<nvpair id="ms_drbd_db-meta-%d" name="%s" value="%s"/>' \
			"$n" "${nv%%=*}" "${nv#*=}"
	done
	printf '</meta_attributes>'
	printf '<primitive id="%s" class="ocf" provider="vzha" type="drbd">' "$id"
	printf '<instance_attributes id="%s-ia">' "$id"
	n=0
	for nv in drbd_resource=db drbdconf="$CONF" \
		drbdadm="$T_DIR/bin/drbdadm" drbdsetup="$T_DIR/bin/drbdsetup"; do
		n=$((n + 1))
		printf '<nvpair id="%s-%d" name="%s" value="%s"/>' \
			"$id" "$n" "${nv%%=*}" "${nv#*=}"
	done
	printf '</instance_attributes></primitive></clone>'
}

cibadmin --empty >"$CIB_file" 2>"$T_DIR/stderr"
check "cibadmin --empty writes a CIB" [ -s "$CIB_file" ]
check "the CIB takes the promotable clone ms_drbd_db of ocf:vzha:drbd" \
	cibadmin -C -o resources -X "$(clone_xml)"

rm -f "$T_DIR/env.seen"
crm_run --force-start -r p_drbd_db
expect_crm "crm_resource --force-start -r p_drbd_db" 0
env_seen "crm_resource"
check "started: db up on $NODE as a Secondary, connected" eval \
	'proc_db | grep -q "cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate"'
check "start does not call Pacemaker's crm_feature_set a misspelt parameter" \
	eval '! out_has "has no parameter"'
expect_score 10000 "the start set the promotion score"
crm_run --force-check -r p_drbd_db
expect_crm "crm_resource --force-check of the Secondary" 0
crm_run --validate -r p_drbd_db
expect_crm "crm_resource --validate -r p_drbd_db" 0

crm_run --force-promote -r p_drbd_db
expect_crm "crm_resource --force-promote -r p_drbd_db" 0
check "promoted: db Primary on $NODE" eval \
	'proc_db | grep -q "ro:Primary/Secondary ds:UpToDate/UpToDate"'
crm_run --force-check -r p_drbd_db
expect_crm "crm_resource --force-check of the Primary says promoted" 8
expect_score 10000 "the Primary keeps the best score"

crm_run --force-demote -r p_drbd_db
expect_crm "crm_resource --force-demote -r p_drbd_db" 0
check "demoted: db Secondary on $NODE" eval \
	'proc_db | grep -q "ro:Secondary/Secondary"'
crm_run --force-check -r p_drbd_db
expect_crm "crm_resource --force-check after the demote" 0

crm_run --force-stop -r p_drbd_db
expect_crm "crm_resource --force-stop -r p_drbd_db" 0
check "stopped: db down on $NODE" eval '! proc_db | grep -q "cs:"'
expect_score none "the stop removed the promotion score"
crm_run --force-stop -r p_drbd_db
expect_crm "crm_resource --force-stop again" 0
crm_run --force-check -r p_drbd_db
expect_crm "crm_resource --force-check after the stop says not running" 7

crm_run --validate --class ocf --provider vzha --agent drbd \
	--option drbd_resource=nosuch --option drbdconf="$CONF" \
	--option drbdadm="$T_DIR/bin/drbdadm" --option drbdsetup="$T_DIR/bin/drbdsetup"
expect_crm "crm_resource --validate of a resource drbd.conf does not define is a configuration error" 6
check "crm_resource shows why" out_has "returned 6 .*nosuch"

# ---------------------------------------------------------------- meta-data

check_show_metadata "$DRBD" drbd
PARAMS="drbd_resource drbdconf drbdadm drbdsetup"
if crm_ra_info drbd; then
	# shellcheck disable=SC2086 # PARAMS: one word a parameter
	check "crm ra info lists $PARAMS" crm_lists $PARAMS
	check "and marks drbd_resource required" \
		grep -Eq '^drbd_resource\* \(' "$T_DIR/crm.out"
fi
if pcs_describe drbd; then
	check "pcs describes drbd_resource as required" \
		grep -q "^  drbd_resource (required)" "$T_DIR/pcs.out"
fi
