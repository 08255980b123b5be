#!/bin/bash
# ocf:vzha:drbd telling a split brain from another StandAlone, on the
# kernel state of real DRBD 8.4.11 guests replayed under VZHA_DRBD_ROOT:
# /proc/drbd and /dev/kmsg as captured (tests/fixtures/drbd84, see its
# PROVENANCE; /dev/kmsg is a regular file here, the log cut after a given
# record: the log as it was then). What the VM tier cannot reach is here:
# a kernel log that wrapped past the split brain (the agent remembers
# it), one that wrapped past everything (it cannot tell), none at all.
# The real thing, end to end, is tests/vm/drbd-agent.sh. No root needed.
. "$(dirname "$0")/lib.sh"
DRBD=${DRBD:-$top_builddir/drbd}
[ -x "$DRBD" ] || skip_all "$DRBD is not built (make drbd)"
RUNDIR=$(sed -n 's/^#define VZHA_RUNDIR "\(.*\)"$/\1/p' "$top_builddir/config.h")
[ -n "$RUNDIR" ] || skip_all "no VZHA_RUNDIR in $top_builddir/config.h"
t_init

F=$top_srcdir/tests/fixtures/drbd84
ROOT=$T_DIR/root
MARK=$ROOT$RUNDIR/drbd/db.split-brain
mkdir -p "$ROOT/proc" "$ROOT/dev" "$T_DIR/bin" "$T_DIR/sbin"
printf 'resource db { }\n' >"$T_DIR/drbd.conf"

# drbdadm stand-in: the minor; down leaves db unconfigured; the rest is
# recorded and fails (the agent must not get that far)
cat >"$T_DIR/bin/drbdadm" <<STUB
#!/bin/bash
echo "\$*" >>'$T_DIR/drbdadm.calls'
case "\$3" in
sh-minor) echo 0 ;;
down) cp '$F/unconfigured.proc-drbd.txt' '$ROOT/proc/drbd' ;;
*) echo "drbdadm stand-in: \$3 not expected" >&2; exit 1 ;;
esac
STUB
cat >"$T_DIR/sbin/crm_attribute" <<STUB
#!/bin/bash
# test stand-in for crm_attribute --promotion -v N | -D
case "\$*" in
"--promotion -D") rm -f '$T_DIR/score' ;;
"--promotion -v "*) echo "\$3" >'$T_DIR/score' ;;
*) exit 1 ;;
esac
STUB
chmod +x "$T_DIR/bin/drbdadm" "$T_DIR/sbin/crm_attribute"

on() {
	VZFS=$DRBD INSTANCE=p_drbd_db run_agent "$@" drbd_resource=db \
		drbdconf="$T_DIR/drbd.conf" drbdadm="$T_DIR/bin/drbdadm" \
		VZHA_DRBD_ROOT="$ROOT" HA_SBIN_DIR="$T_DIR/sbin"
}
monitor() { on monitor OCF_RESKEY_CRM_meta_interval=20000; }
proc() { cp "$F/$1.proc-drbd.txt" "$ROOT/proc/drbd"; }
# kmsg NODE FIRST LAST: the node's captured log, records FIRST..LAST
# (by sequence number, continuation lines with their record)
kmsg() {
	awk -v first="$2" -v last="$3" '
		/^[0-9]/ { split($0, f, ","); seq = f[2] + 0; keep = seq >= first && seq <= last }
		keep' "$F/split-brain.$1.kmsg.txt" >"$ROOT/dev/kmsg"
}
score() { cat "$T_DIR/score" 2>/dev/null || echo none; }
expect_score() {
	if [ "$(score)" = "$1" ]; then ok "$2 (score $1)"; else not_ok "$2: score $(score), expected $1"; fi
}
err_has() {
	if printf '%s\n' "$err" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1"; diag "$err"; fi
}

# phobos, record 557: "Split-Brain detected but unresolved" as the
# Secondary of a reconnect with one Primary (after-sb-1pri consensus);
# 567: StandAlone
proc standalone-secondary-uptodate
kmsg phobos 0 567
monitor
expect_rc "StandAlone Secondary after a split brain: running, degraded" 190
expect_reason "the reason says split brain, and quotes the kernel line with dmesg's time" \
	'^split brain on db \(kernel: \[   75\.914367\] block drbd0: Split-Brain detected but unresolved, dropping connection!\): it stays StandAlone until the admin discards the changes of one side; db: StandAlone, role Secondary/Unknown'
err_has "and the log says it as an error" '^drbd\(p_drbd_db\)\[[0-9]+\]: ERROR: split brain on db \(kernel:'
expect_score none "no promotion score"
check "the split brain is remembered under $RUNDIR/drbd" test -s "$MARK"

on promote
expect_rc "promote is refused" 1
expect_reason "because of the split brain" '^refusing to promote db: split brain \(kernel: \[   75\.914367\]'
check "without trying drbdadm primary" eval '! grep -q primary "$T_DIR/drbdadm.calls"'

kmsg phobos 568 578
monitor
expect_rc "the kernel log wrapped past the split brain: still degraded" 190
expect_reason "the agent remembers what it saw" \
	'\(kernel: \[   75\.914367\] .*\(remembered: the kernel log no longer goes back so far\)\)'

# 596: connected after 'drbdadm connect --discard-my-data db' here
proc connected-secondary-primary-uptodate
kmsg phobos 0 618
monitor
expect_rc "resolved: connected again" 0
expect_score 10000 "the score is back"
check "the split brain is forgotten" test ! -e "$MARK"

proc standalone-secondary-uptodate
kmsg phobos 568 578
monitor
expect_rc "StandAlone, the log wrapped past everything: not degraded" 0
expect_score none "no promotion score all the same"
err_has "the log says it cannot tell" \
	'db is StandAlone \(split brain, or disconnected by hand: the kernel log no longer goes back to its last connection\)'
check "no reason printed" [ "$(reason_count)" = 0 ]

# 487: StandAlone after 'drbdadm disconnect db'
kmsg phobos 0 487
monitor
expect_rc "StandAlone after drbdadm disconnect: no split brain" 0
expect_score none "no promotion score (the peer may have written since)"
err_has "the log says so" \
	'db is StandAlone \(disconnected by hand, or a connection DRBD refused: no split brain in the kernel log since its last connection\): drbdadm connect db reconnects it'

rm -f "$ROOT/dev/kmsg"
monitor
expect_rc "no kernel log to read: not degraded" 0
err_has "the log says why it cannot tell" \
	"db is StandAlone \(split brain, or disconnected by hand: cannot read $ROOT/dev/kmsg: No such file or directory\)"

# deimos, record 642: both Primary when the link came back
# (after-sb-2pri disconnect)
proc standalone-primary-uptodate
kmsg deimos 0 654
monitor
expect_rc "StandAlone Primary after a split brain: promoted, degraded" 191
expect_reason "the reason names it" '^split brain on db \(kernel: \[  133\.734704\] block drbd0: Split-Brain'
expect_score 10000 "the Primary keeps its score: it runs the service"
check "remembered" test -s "$MARK"
on stop
expect_rc "stop" 0
check "forgets it" test ! -e "$MARK"
expect_score none "and removes the score"
