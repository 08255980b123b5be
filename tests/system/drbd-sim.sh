#!/bin/bash
# ocf:vzha:drbd against tests/sim/drbd-sim (a SIMULATOR of DRBD 8.4, or
# of DRBD 9.2 with DRBD_SIM_VERSION=9, which drbd9-sim.sh sets: the host
# kernel has no DRBD; real DRBD 8.4 runs in tests/vm/). Two nodes, deimos
# and phobos, the seed's resources db and apps, and the seed's failures:
# both up, a node powered off and back, switchover, a cut link with both
# Primary (split brain), no UpToDate data on the survivor; the promotion
# scores each state deserves; what a monitor may run (nothing on 8.4, one
# drbdsetup on 9); bad input. The two versions differ where DRBD does:
# on 9 a Secondary that loses its Primary peer is Consistent until the
# lost-peer commit, and opening a Secondary auto-promotes it.
. "$(dirname "$0")/lib.sh"
SIM=$top_srcdir/tests/sim/drbd-sim
DRBD=${DRBD:-$top_builddir/drbd}
V=${DRBD_SIM_VERSION:-8}
[ -x "$DRBD" ] || skip_all "$DRBD is not built (make drbd)"
t_init
diag "DRBD $V (tests/sim/drbd-sim)"

W=$T_DIR/world
export DRBD_SIM_WORLD=$W
LOG=$T_DIR/sim.log # every drbdadm and drbdsetup the agent runs (DRBD_SIM_LOG)
mkdir -p "$T_DIR/bin" "$T_DIR/sbin"
ln -s "$SIM" "$T_DIR/bin/drbdadm"
ln -s "$SIM" "$T_DIR/bin/drbdsetup"
# crm_attribute stand-in: records the promotion score per node
cp "$(dirname "$0")/crm_attribute" "$T_DIR/sbin/"

# the seed's drbd.conf: resources db and apps
"$SIM" init --config "$top_srcdir/tests/sim/seed-drbd.conf" --nodes "deimos phobos" --drbd-version "$V" >/dev/null ||
	skip_all "drbd-sim init failed"

# on NODE ACTION RES [ARGS...]: the agent on NODE for resource RES
on() {
	local node=$1 action=$2 res=$3
	shift 3
	VZFS=$DRBD INSTANCE=p_drbd_$res run_agent "$action" \
		drbd_resource="$res" drbdconf="$W/drbd.conf" \
		drbdadm="$T_DIR/bin/drbdadm" drbdsetup="$T_DIR/bin/drbdsetup" \
		DRBD_SIM_WORLD="$W" DRBD_SIM_NODE="$node" DRBD_SIM_LOG="$LOG" \
		VZHA_DRBD_ROOT="$W/$node/root" HA_SBIN_DIR="$T_DIR/sbin" "$@"
}
score() {
	cat "$W/$1/score.p_drbd_$2" 2>/dev/null || echo none
}
# roles NODE RES: "Primary/Secondary UpToDate/UpToDate", read without
# letting time pass: 8.4's /proc/drbd, 9's events2 --now (lockless)
roles() {
	if [ "$V" = 9 ]; then
		"$SIM" on "$1" drbdsetup events2 --now "$2" | awk '
			function v(k,  i) { for (i = 3; i <= NF; i++)
				if (index($i, k ":") == 1) return substr($i, length(k) + 2) }
			$2 == "resource" { r = v("role") }
			$2 == "connection" { pr = v("role") }
			$2 == "device" { d = v("disk") }
			$2 == "peer-device" { pd = v("peer-disk") }
			END { if (pr == "") pr = "Unknown"; if (pd == "") pd = "DUnknown"
				print r "/" pr " " d "/" pd }'
	else
		local m=0
		[ "$2" = db ] || m=1
		"$SIM" proc "$1" | sed -n "s/^ *$m: cs:[^ ]* ro:\([^ ]*\) ds:\([^ ]*\) .*/\1 \2/p"
	fi
}
# calls: how many tools the agent ran so far (drbdadm, drbdsetup and
# crm_attribute on every node)
calls() {
	cat "$LOG" "$W"/*/crm_attribute.calls 2>/dev/null | wc -l
}
expect_score() {
	local s
	s=$(score "$1" "$2")
	if [ "$s" = "$3" ]; then ok "$4 (score $s)"; else not_ok "$4: score $s, expected $3"; fi
}
# expect_lost_primary NODE RES: what a Secondary shows right after losing
# its Primary peer (power cut, link cut): 8.4 keeps its UpToDate data,
# with the peer unknown (score 1000); DRBD 9 holds them Consistent until
# its lost-peer commit (score 10), which a promote waits for
expect_lost_primary() {
	local words="$2: WFConnection, role Secondary/Unknown, disk UpToDate/DUnknown"
	if [ "$V" = 9 ]; then
		expect_score "$1" "$2" 10 "$1: DRBD 9 holds the data Consistent after losing the Primary peer"
		check "... as drbdsetup says" test "$(roles "$1" "$2")" = "Secondary/Unknown Consistent/DUnknown"
		words="$2: Connecting, role Secondary/Unknown, disk Consistent/DUnknown"
	else
		expect_score "$1" "$2" 1000 "$1: UpToDate, peer unknown"
	fi
	# the state in DRBD's own words, 8.4's or 9's
	if printf '%s\n' "$err" | grep -qF "($words)"; then
		ok "... logged as ($words)"
	else
		not_ok "... logged as ($words)"
		diag "$err"
	fi
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
state=$(roles deimos db)
check "and deimos stayed Secondary ($state)" test "${state%%/*}" = Secondary

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

# --- what a monitor runs when nothing changed: nothing on 8.4 (/proc/drbd
# and the cached minor), one `drbdsetup status db --json` on 9. Counted
# twice: by the simulator's log of its drbdadm and drbdsetup runs (and
# the crm_attribute stand-in's), and by strace on the agent's own process,
# whatever it would run.
want=0
[ "$V" = 8 ] || want=1
for r in db apps; do
	before=$(calls)
	on phobos monitor $r OCF_RESKEY_CRM_meta_interval=20000
	n=$(($(calls) - before))
	if [ "$n" = "$want" ] && { [ "$V" = 8 ] ||
		[ "$(tail -n 1 "$LOG")" = "phobos drbdsetup status $r --json" ]; }; then
		ok "monitor of $r on DRBD $V runs $want tool(s)$([ "$V" = 8 ] || echo ": drbdsetup status $r --json")"
	else
		not_ok "monitor of $r on DRBD $V runs $n tool(s), expected $want"
		diag "$(tail -n "$((n > 0 ? n : 1))" "$LOG")"
	fi
done
if ldd "$DRBD" | grep -q libasan; then
	# LeakSanitizer clones a tracer process at exit: not the agent's fork
	ok "# SKIP fork count: sanitizer build (LSan forks at exit)"
elif ! command -v strace >/dev/null; then
	ok "# SKIP fork count: strace not installed"
else
	AGENT_WRAPPER="strace -qq -e trace=fork,vfork,clone,clone3 -o $T_DIR/strace" \
		on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000
	forks=$(grep -cEv 'CLONE_THREAD|^\+\+\+|^---' "$T_DIR/strace")
	check "the monitor's own process forks $want time(s) (strace: $forks, rc $rc)" \
		test "$forks:$rc" = "$want:0"
fi
# a drbdsetup that fails (exit 20: "Could not connect to 'drbd' generic
# netlink family") says nothing about the resource: the monitor reports
# an error, never "not running"
cat >"$T_DIR/bin/drbdsetup-broken" <<'BROKEN'
#!/bin/sh
echo "Could not connect to 'drbd' generic netlink family" >&2
exit 20
BROKEN
chmod +x "$T_DIR/bin/drbdsetup-broken"
on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000 drbdsetup="$T_DIR/bin/drbdsetup-broken"
if [ "$V" = 9 ]; then
	expect_rc "DRBD 9: a failing drbdsetup is an error, not 'not running'" 1
	expect_reason "naming drbdsetup's complaint" "db.*generic netlink"
else
	expect_rc "DRBD 8.4: the monitor does not run drbdsetup" 0
fi
rm -f "$W/deimos/score.p_drbd_db" # the cluster lost it (Pacemaker restarted)
on deimos monitor db OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe of a running Secondary" 0
expect_score deimos db 10000 "a probe writes the score again"

# --- DRBD 9 only: opening a Secondary for writing (a mount by hand)
# auto-promotes it, and the last close demotes it again, unless a
# "primary" made the role explicit: promote must make it explicit even
# when it finds the resource Primary already
if [ "$V" = 9 ]; then
	"$SIM" open deimos db
	check "DRBD 9: opening db on deimos auto-promotes it" \
		test "$(roles deimos db)" = "Primary/Secondary UpToDate/UpToDate"
	on deimos monitor db OCF_RESKEY_CRM_meta_interval=20000
	expect_rc "the monitor sees the auto-promoted Primary" 8
	on deimos promote db
	expect_rc "promote of the auto-promoted Primary" 0
	"$SIM" close deimos db
	check "the promote made the role explicit: the last close keeps it Primary" \
		test "$(roles deimos db)" = "Primary/Secondary UpToDate/UpToDate"
	on deimos demote db
	expect_rc "demote after the close" 0
	"$SIM" open deimos db
	"$SIM" close deimos db
	check "without a promote, the last close demotes (auto-demote)" \
		test "$(roles deimos db)" = "Secondary/Secondary UpToDate/UpToDate"
fi

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
# and what holds it: the node's /dev/drbd0 (under VZHA_DRBD_ROOT, the
# agent's test hook) is made a loop device's, mounted, with a process in
# it; the refused demote names the mount and the process. On 9 the minor
# comes from drbdsetup's status.
if [ "$(id -u)" != 0 ] || ! make_loop holder 16 2>/dev/null || ! make_fs ext4 "$LOOP"; then
	skip_point "naming the holders: needs root and a loop device"
else
	mkdir -p "$W/deimos/root/dev" "$T_DIR/mnt"
	mknod "$W/deimos/root/dev/drbd0" b "$((0x$(stat -c %t "$LOOP")))" "$((0x$(stat -c %T "$LOOP")))"
	mount "$LOOP" "$T_DIR/mnt"
	mkfifo "$T_DIR/ready"
	(cd "$T_DIR/mnt" && echo ready >"$T_DIR/ready" && exec sleep 60) &
	holder=$!
	track_pid $holder
	ready_wait "$T_DIR/ready"
	on deimos demote db
	expect_rc "demote of a mounted device in use fails" 1
	expect_reason "naming the mount and its user" \
		"cannot demote db: /dev/drbd0 is mounted at $T_DIR/mnt, used by $holder \\(sleep: cwd\\) \\(.*held open"
	kill $holder
	wait $holder 2>/dev/null
	umount "$T_DIR/mnt"
fi
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
expect_lost_primary phobos db
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
check "phobos stays Primary" test "$(roles phobos db)" = "Primary/Secondary UpToDate/UpToDate"
on phobos demote db
expect_rc "failback: phobos demotes db" 0
on deimos promote db
expect_rc "failback: deimos promotes db" 0

# --- the link is cut while both run a Primary: split brain on reconnect
"$SIM" link down
on phobos monitor db OCF_RESKEY_CRM_meta_interval=20000
expect_lost_primary phobos db
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
