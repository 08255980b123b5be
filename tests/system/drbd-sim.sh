#!/bin/bash
# ocf:vzha:drbd against tests/sim/drbd-sim (a SIMULATOR of DRBD 8.4: the
# host kernel has no DRBD; real DRBD runs in tests/vm/). Two nodes, deimos
# and phobos, the seed's resources db and apps, and the seed's failures:
# both up, a node powered off and back, switchover, a cut link with both
# Primary (split brain), no UpToDate data on the survivor; the promotion
# scores each state deserves; bad input.
. "$(dirname "$0")/lib.sh"
SIM=$top_srcdir/tests/sim/drbd-sim
DRBD=${DRBD:-$top_builddir/drbd}
[ -x "$DRBD" ] || skip_all "$DRBD is not built (make drbd)"
t_init

W=$T_DIR/world
export DRBD_SIM_WORLD=$W
mkdir -p "$T_DIR/bin" "$T_DIR/sbin"
ln -s "$SIM" "$T_DIR/bin/drbdadm"
ln -s "$SIM" "$T_DIR/bin/drbdsetup"
# crm_attribute stand-in: records the promotion score per node
cat >"$T_DIR/sbin/crm_attribute" <<'STUB'
#!/bin/bash
# test stand-in for crm_attribute --promotion -v N | -D
f=$DRBD_SIM_WORLD/$DRBD_SIM_NODE/score.$OCF_RESOURCE_INSTANCE
case "$*" in
"--promotion -D") rm -f "$f" ;;
"--promotion -v "*) echo "$3" >"$f" ;;
*) echo "unexpected: $*" >&2; exit 1 ;;
esac
echo "$*" >>"$DRBD_SIM_WORLD/$DRBD_SIM_NODE/crm_attribute.calls"
STUB
chmod +x "$T_DIR/sbin/crm_attribute"

cat >"$T_DIR/drbd.conf" <<'CONF'
# the seed article's drbd.conf (handlers trimmed to what 8.4 accepts)
global { usage-count no; }
common {
	handlers { outdate-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5"; }
	disk { on-io-error detach; }
	net { cram-hmac-alg "sha1"; shared-secret "DJujhjltepbyfFDRbtddtLzlmrf";
	      after-sb-0pri discard-younger-primary; after-sb-1pri consensus;
	      after-sb-2pri disconnect; rr-conflict disconnect; }
}
resource db {
	protocol C;
	on deimos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.101:7788; flexible-meta-disk internal; }
	on phobos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.102:7788; flexible-meta-disk internal; }
}
resource apps {
	protocol C;
	on deimos { device /dev/drbd1; disk /dev/VGroup00/apps; address 192.168.5.101:7789; flexible-meta-disk internal; }
	on phobos { device /dev/drbd1; disk /dev/VGroup00/apps; address 192.168.5.102:7789; flexible-meta-disk internal; }
}
CONF
"$SIM" init --config "$T_DIR/drbd.conf" --nodes "deimos phobos" >/dev/null ||
	skip_all "drbd-sim init failed"

# on NODE ACTION RES [ARGS...]: the agent on NODE for resource RES
on() {
	local node=$1 action=$2 res=$3
	shift 3
	VZFS=$DRBD INSTANCE=p_drbd_$res run_agent "$action" \
		drbd_resource="$res" drbdconf="$W/drbd.conf" \
		drbdadm="$T_DIR/bin/drbdadm" drbdsetup="$T_DIR/bin/drbdsetup" \
		DRBD_SIM_WORLD="$W" DRBD_SIM_NODE="$node" \
		VZHA_DRBD_ROOT="$W/$node/root" HA_SBIN_DIR="$T_DIR/sbin" "$@"
}
score() {
	cat "$W/$1/score.p_drbd_$2" 2>/dev/null || echo none
}
proc_line() {
	"$SIM" proc "$1" | grep "^ *$2:"
}
expect_score() {
	local s
	s=$(score "$1" "$2")
	if [ "$s" = "$3" ]; then ok "$4 (score $s)"; else not_ok "$4: score $s, expected $3"; fi
}

# --- both nodes come up: fresh meta-data, no UpToDate data yet
for n in deimos phobos; do
	on $n monitor db OCF_RESKEY_CRM_meta_interval=0
	expect_rc "$n: probe before start: not running" 7
	on $n start db
	expect_rc "$n: start db" 0
	on $n start apps
	expect_rc "$n: start apps" 0
done
on deimos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_rc "deimos: monitor of a Secondary" 0
expect_score deimos db none "Inconsistent data gets no promotion score"
on deimos promote db
expect_rc "promote of Inconsistent data is refused" 1
expect_reason "naming the disk state" "refusing to promote db: its data is Inconsistent"
check "and deimos stayed Secondary" eval 'proc_line deimos 0 | grep -q "ro:Secondary"'

# the admin's initial sync, as the seed does (drbdsetup primary -o)
"$SIM" on deimos drbdadm primary --force db >/dev/null
"$SIM" on deimos drbdadm primary --force apps >/dev/null
"$SIM" settle >/dev/null
"$SIM" on deimos drbdadm secondary db >/dev/null
"$SIM" on deimos drbdadm secondary apps >/dev/null
for n in deimos phobos; do
	for r in db apps; do
		on $n monitor $r OCF_RESKEY_CRM_meta_interval=20000
		expect_rc "$n: $r Secondary after the initial sync" 0
		expect_score $n $r 10000 "$n: $r UpToDate and connected"
	done
done
calls=$(wc -l <"$W/deimos/crm_attribute.calls")
on deimos monitor db OCF_RESKEY_CRM_meta_interval=20000
check "an unchanged score is not written again (no fork)" \
	[ "$(wc -l <"$W/deimos/crm_attribute.calls")" = "$calls" ]
rm -f "$W/deimos/score.p_drbd_db" # the cluster lost it (Pacemaker restarted)
on deimos monitor db OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe of a running Secondary" 0
expect_score deimos db 10000 "a probe writes the score again"

# --- the seed's placement: db Primary on deimos, apps on phobos
on deimos promote db
expect_rc "promote db on deimos" 0
on deimos monitor db OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor of the Primary says promoted" 8
on phobos promote apps
expect_rc "promote apps on phobos" 0
on phobos promote db OCF_RESKEY_CRM_meta_timeout=6000
expect_rc "a second Primary for db is refused by DRBD" 1
expect_reason "after retrying, with DRBD's reason" "cannot promote db: the peer stayed Primary until the promote timeout \\(.*Multiple primaries"
"$SIM" write deimos db >/dev/null

# --- switchover: demote refuses while the device is in use
"$SIM" open deimos db
on deimos demote db
expect_rc "demote of a device held open fails" 1
expect_reason "saying it is held open" "cannot demote db: .*held open"
"$SIM" close deimos db
on deimos demote db
expect_rc "demote db on deimos" 0
on phobos promote db
expect_rc "promote db on phobos after the switchover" 0
on phobos demote db
on deimos promote db
expect_rc "and back to deimos" 0
"$SIM" write deimos db >/dev/null

# --- promote retries while the peer is still Primary (a switchover whose
# demote lands a moment later)
( sleep 1; "$SIM" on deimos drbdadm secondary db >/dev/null ) &
bg=$!
track_pid $bg
on phobos promote db OCF_RESKEY_CRM_meta_timeout=20000
expect_rc "promote waits for the peer's demote" 0
wait $bg
printf '%s\n' "$err" | grep -q "the peer is still Primary, retrying" &&
	ok "and said it was retrying" || not_ok "and said it was retrying"
on phobos demote db
on deimos promote db

# --- deimos loses power: phobos takes over
"$SIM" kill deimos
on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_rc "phobos: db Secondary with the peer gone" 0
expect_score phobos db 1000 "UpToDate, peer unknown"
on phobos promote db
expect_rc "phobos promotes db" 0
on phobos monitor db OCF_RESKEY_CRM_meta_interval=10000
expect_rc "phobos: db Primary" 8
expect_score phobos db 10000 "Primary with UpToDate data"
on phobos monitor apps OCF_RESKEY_CRM_meta_interval=10000
expect_rc "phobos: apps still Primary" 8
"$SIM" write phobos db >/dev/null

# --- deimos comes back: it resyncs from phobos before it may be promoted
"$SIM" boot deimos
"$SIM" init --help >/dev/null 2>&1 || true
on deimos monitor db OCF_RESKEY_CRM_meta_interval=0
expect_rc "deimos after the power cut: probe says not running" 7
on deimos start db
expect_rc "deimos: start db" 0
on deimos start apps
expect_rc "deimos: start apps" 0
"$SIM" settle >/dev/null
on deimos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_rc "deimos: db Secondary again" 0
expect_score deimos db 10000 "deimos resynced: UpToDate and connected"
check "phobos stays Primary" eval 'proc_line phobos 0 | grep -q "ro:Primary/Secondary ds:UpToDate/UpToDate"'
on phobos demote db
expect_rc "failback: phobos demotes db" 0
on deimos promote db
expect_rc "failback: deimos promotes db" 0

# --- the link is cut while both run a Primary: split brain on reconnect
"$SIM" link down
on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_score phobos db 1000 "phobos: UpToDate, peer unknown"
on phobos promote db
expect_rc "without fencing, phobos may promote too (the dual-primary hazard)" 0
"$SIM" write deimos db >/dev/null
"$SIM" write phobos db >/dev/null
"$SIM" link up
"$SIM" tick >/dev/null
on phobos demote db
on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_rc "phobos after split brain: Secondary, StandAlone" 0
expect_score phobos db none "a StandAlone Secondary gets no promotion score"
printf '%s\n' "$err" | grep -q "db is StandAlone (split brain" &&
	ok "and the log says split brain" || not_ok "and the log says split brain"
on phobos promote db OCF_RESKEY_CRM_meta_timeout=5000
check "promote on the split-brain victim does not discard data: rc $rc" \
	test "$rc" != 8

# --- stop
for n in deimos phobos; do
	for r in db apps; do
		on $n demote $r
		on $n stop $r
		expect_rc "$n: stop $r" 0
		expect_score $n $r none "$n: $r score removed at stop"
	done
done
on deimos stop db
expect_rc "stop again is a no-op" 0
on deimos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_rc "monitor after stop: not running" 7

# --- bad input
on deimos validate-all nosuch
expect_rc "an unknown resource" 6
expect_reason "named" "nosuch"
on deimos validate-all db drbdconf=$T_DIR/missing.conf
expect_rc "a missing drbd.conf" 5
expect_reason "named" "$T_DIR/missing.conf"
on deimos validate-all db drbdadm=/nonexistent/drbdadm
expect_rc "a missing drbdadm" 5
on deimos validate-all "db x"
expect_rc "a resource name with a space" 6
"$SIM" rmmod deimos >/dev/null 2>&1
on deimos monitor db OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe on a node without the module: not running" 7
on deimos stop db
expect_rc "stop on a node without the module succeeds" 0
