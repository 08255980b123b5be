#!/bin/bash
# ocf:vzha:drbd with DRBD 8.4's resource-level fencing, against
# tests/sim/drbd-sim (see its header: "fencing"). The seed's resource db
# with "fencing resource-only" and a fence-peer handler: a stub under the
# test's directory whose exit code the test chooses, as crm-fence-peer's
# would be. A node that boots alone after both were down holds Consistent
# data (score 10); its promote runs `drbdadm primary` without --force and
# DRBD runs the handler: 7 (peer stonithed) makes it Primary/UpToDate
# (score 10000); 1 (broken) or 6 (peer is Primary, which Outdates it) make
# the promote fail with DRBD's words in the exit reason, and nothing is
# forced. A node that fenced its peer remembers it (MDF_PEER_OUT_DATED)
# and attaches UpToDate. drbd-sim.sh covers the agent without fencing.
. "$(dirname "$0")/lib.sh"
SIM=$top_srcdir/tests/sim/drbd-sim
DRBD=${DRBD:-$top_builddir/drbd}
[ -x "$DRBD" ] || skip_all "$DRBD is not built (make drbd)"
t_init

W=$T_DIR/world
export DRBD_SIM_WORLD=$W DRBD_SIM_NO_WAIT=1
LOG=$T_DIR/sim.log # every drbdadm and drbdsetup the agent runs
mkdir -p "$T_DIR/bin" "$T_DIR/sbin"
ln -s "$SIM" "$T_DIR/bin/drbdadm"
ln -s "$SIM" "$T_DIR/bin/drbdsetup"
cp "$(dirname "$0")/crm_attribute" "$T_DIR/sbin/" # the score per node
# the fence-peer stub: records each run, exits with fence.code
cat >"$T_DIR/fence-peer" <<STUB
#!/bin/sh
echo "\$DRBD_RESOURCE \$DRBD_PEER" >>"$T_DIR/fence.calls"
exit \$(cat "$T_DIR/fence.code")
STUB
chmod +x "$T_DIR/fence-peer"

# drbdadm runs the handler with "sh -c": quote its path (T_DIR may hold
# a blank)
cat >"$T_DIR/drbd.conf" <<CONF
global { usage-count no; }
common {
	handlers { fence-peer "'$T_DIR/fence-peer'"; }
	disk { on-io-error detach; fencing resource-only; }
	net { after-sb-0pri discard-younger-primary; after-sb-1pri consensus;
	      after-sb-2pri disconnect; }
}
resource db {
	protocol C;
	on deimos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.101:7788; meta-disk internal; }
	on phobos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.102:7788; meta-disk internal; }
}
CONF
"$SIM" init --config "$T_DIR/drbd.conf" >/dev/null || skip_all "drbd-sim init failed"

on() {
	local node=$1 action=$2
	shift 2
	VZFS=$DRBD INSTANCE=p_drbd_db run_agent "$action" \
		drbd_resource=db drbdconf="$W/drbd.conf" \
		drbdadm="$T_DIR/bin/drbdadm" drbdsetup="$T_DIR/bin/drbdsetup" \
		DRBD_SIM_WORLD="$W" DRBD_SIM_NODE="$node" DRBD_SIM_LOG="$LOG" \
		DRBD_SIM_NO_WAIT=1 VZHA_DRBD_ROOT="$W/$node/root" \
		HA_SBIN_DIR="$T_DIR/sbin" "$@"
}
score() {
	cat "$W/$1/score.p_drbd_db" 2>/dev/null || echo none
}
expect_score() {
	local s
	s=$(score "$1")
	if [ "$s" = "$2" ]; then ok "$3 (score $s)"; else not_ok "$3: score $s, expected $2"; fi
}
roles() {
	"$SIM" proc "$1" | sed -n 's/^ *0: cs:\([^ ]*\) ro:\([^ ]*\) ds:\([^ ]*\) .*/\1 \2 \3/p'
}
fence_calls() {
	if [ -f "$T_DIR/fence.calls" ]; then wc -l <"$T_DIR/fence.calls"; else echo 0; fi
}
# nothing_forced: the agent never ran drbdadm or drbdsetup with --force
# or --overwrite-data-of-peer (the simulator's log of every run)
nothing_forced() {
	! grep -E -- '--force|--overwrite-data-of-peer' "$LOG"
}

# --- both up, the admin's initial sync, both stopped by the agent
for n in deimos phobos; do
	on $n start
	expect_rc "$n: start db" 0
done
"$SIM" on deimos drbdadm primary --force db >/dev/null
"$SIM" settle >/dev/null
"$SIM" on deimos drbdadm secondary db >/dev/null
: >"$LOG" # the admin's --force above is not the agent's
on deimos monitor OCF_RESKEY_CRM_meta_interval=20000
expect_score deimos 10000 "connected, UpToDate: fencing changes nothing"
for n in deimos phobos; do
	on $n stop
	expect_rc "$n: stop db" 0
done
check "no fence-peer ran while the peer was there" test "$(fence_calls)" = 0

# --- deimos boots alone: Consistent until the peer is fenced
on deimos start
expect_rc "deimos alone: start db" 0
check "... Consistent, the peer unknown ($(roles deimos))" \
	test "$(roles deimos)" = "WFConnection Secondary/Unknown Consistent/DUnknown"
on deimos monitor OCF_RESKEY_CRM_meta_interval=20000
expect_rc "... a monitor: Secondary" 0
expect_score deimos 10 "Consistent data gets the Consistent score"

# fence-peer says 1 (broken): DRBD refuses, the agent says why
echo 1 >"$T_DIR/fence.code"
on deimos promote
expect_rc "promote, fence-peer exits 1: fails" 1
expect_reason "with DRBD's words" \
	"cannot promote db: drbdadm primary: 0: State change failed: \\(-2\\) Need access to UpToDate data"
check "... DRBD ran the handler (drbd_set_role()'s four tries: $(fence_calls))" \
	test "$(fence_calls)" = 4
check "... deimos stays Secondary, Consistent" \
	test "$(roles deimos)" = "WFConnection Secondary/Unknown Consistent/DUnknown"
check "... nothing forced" nothing_forced
on deimos monitor OCF_RESKEY_CRM_meta_interval=20000
expect_score deimos 10 "... the score stays"

# fence-peer says 7 (peer stonithed): Primary, UpToDate
echo 7 >"$T_DIR/fence.code"
on deimos promote
expect_rc "promote, fence-peer exits 7: promoted" 0
check "... Primary, UpToDate, the peer Outdated ($(roles deimos))" \
	test "$(roles deimos)" = "WFConnection Primary/Unknown UpToDate/Outdated"
expect_score deimos 10000 "... the Primary's score"
check "... the handler ran once more" test "$(fence_calls)" = 5
check "... nothing forced" nothing_forced
check "... each promote ran one 'drbdadm primary' ($(grep -c ' primary' "$LOG") in all)" \
	test "$(grep -c ' primary' "$LOG")" = 2
on deimos demote
expect_rc "demote" 0
on deimos stop
expect_rc "stop" 0

# phobos boots alone (its peer's disk was UpToDate when they parted):
# Consistent; fence-peer says 6 (peer is Primary): DRBD outdates the
# local disk
on phobos start
expect_rc "phobos alone: start db" 0
expect_score phobos 10 "... Consistent"
echo 6 >"$T_DIR/fence.code"
on phobos promote
expect_rc "promote, fence-peer exits 6: fails" 1
expect_reason "with DRBD's words" \
	"cannot promote db: drbdadm primary: 0: State change failed: \\(-2\\) Need access to UpToDate data"
check "... DRBD outdated phobos ($(roles phobos))" \
	test "$(roles phobos)" = "WFConnection Secondary/Unknown Outdated/DUnknown"
on phobos monitor OCF_RESKEY_CRM_meta_interval=20000
expect_score phobos none "... the next monitor: Outdated data, no score"
check "... nothing forced" nothing_forced
on phobos stop
expect_rc "phobos: stop db" 0

# deimos again: its meta-data remember the peer Outdated
# (MDF_PEER_OUT_DATED), so it attaches UpToDate and needs no handler
n=$(fence_calls)
on deimos start
check "deimos restarts UpToDate, the peer Outdated ($(roles deimos))" \
	test "$(roles deimos)" = "WFConnection Secondary/Unknown UpToDate/Outdated"
expect_score deimos 1000 "... UpToDate, no peer connected"
on deimos promote
expect_rc "... promoted" 0
check "... without running the handler" test "$(fence_calls)" = "$n"

# phobos, Outdated, comes back: it syncs from deimos, then is UpToDate
on phobos start
expect_rc "phobos: start db" 0
"$SIM" settle >/dev/null
on phobos monitor OCF_RESKEY_CRM_meta_interval=20000
expect_score phobos 10000 "phobos synced from deimos: UpToDate, connected"
for n in deimos phobos; do
	on $n demote
	on $n stop
	expect_rc "$n: stop db" 0
done
check "the agent never forced anything" nothing_forced
