#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/drbd-agent.sh -- TAP: ocf:vzha:drbd on real DRBD 8.4.11 in two
# QEMU guests (tests/vm/lib.sh). The agent built on the host runs in the
# guests as it is. It brings db up, refuses to promote Inconsistent data,
# promotes after the first sync, refuses to demote a mounted device and
# names the mount, switches over with the data intact, survives the
# Primary's power cut by promoting the survivor, and lets the old Primary
# come back and resync; then a real split brain (the link cut, both
# Primary, both write, the link back: after-sb-2pri disconnect), which
# the agent reports from the kernel log, and the admin's recovery from
# docs/drbd.md. Promotion scores are checked in each state through a
# crm_attribute stand-in (no cluster runs in the guests).
#
# Root only; skips when QEMU or the kernel cache is not available. ~5-6 min
# under TCG. Guests and run state are removed at exit, also on failure.
# shellcheck disable=SC2016 # the guests' scripts are in single quotes
set -u
export LC_ALL=C
. "$(dirname "$0")/lib.sh" || exit 1
top_builddir=${top_builddir:-$(cd "$VM_DIR/../.." && pwd)}
DRBD_AGENT=${DRBD_AGENT:-$top_builddir/drbd}
if [ ! -x "$DRBD_AGENT" ]; then
	echo "1..0 # SKIP $DRBD_AGENT is not built (make drbd)"
	exit 0
fi
. "$VM_DIR/tap.sh" || exit 1
# where the agent keeps its state (configure --with-rundir)
RUNDIR=$(sed -n 's/^#define VZHA_RUNDIR "\(.*\)"$/\1/p' "$top_builddir/config.h" 2>/dev/null)
RUNDIR=${RUNDIR:-/run/vzha}


A="OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=p_drbd_db HA_SBIN_DIR=/vm/shared/sbin OCF_RESKEY_drbd_resource=db"
# agent NAME ACTION [ENV...]: the agent in guest NAME; rc in $rc, output in $out
agent() {
	local node=$1 action=$2
	shift 2
	on "$node" "env $A $* $GUEST_AGENT $action"
	rc=$?
	last=$out
}
# expect DESC CODE: test point on the last agent's rc
expect() {
	if [ "$rc" = "$2" ]; then ok "$1 (rc $rc)"; else not_ok "$1: rc $rc, expected $2"; diag "$out"; fi
}
reason_has() {
	if printf '%s\n' "$out" | grep -q "^ocf-exit-reason:.*$2"; then ok "$1"; else not_ok "$1"; diag "$out"; fi
}
score_is() {
	on "$1" 'cat /tmp/score.p_drbd_db 2>/dev/null || echo none'
	if [ "$out" = "$2" ]; then ok "$3 (score $out)"; else not_ok "$3: score $out, expected $2"; diag "$last"; fi
}
checksum() {
	on "$1" 'mount /dev/drbd0 /mnt && sha256sum /mnt/payload | cut -d" " -f1; umount /mnt'
}

if capture vm_up; then
	ok "both guests up, db and apps up and connected"
else
	not_ok "both guests up"; diag "$out"; bail "no DRBD pair"
fi
step "vm_up"
# a crm_attribute stand-in in the shared folder (/vm/shared in the guests;
# made after vm_up, which starts the run state afresh): the score per guest
mkdir -p "$VM_SHARED/sbin"
cp "$VM_DIR/../system/crm_attribute" "$VM_SHARED/sbin/"
GUEST_AGENT=$(vm_stage "$DRBD_AGENT") || bail "cannot stage $DRBD_AGENT"

for n in deimos phobos; do
	agent $n start
	expect "$n: start of db, already up: adjust" 0
	agent $n monitor OCF_RESKEY_CRM_meta_interval=20000
	expect "$n: monitor of a Secondary" 0
	score_is $n none "$n: Inconsistent data gets no promotion score"
done
agent deimos promote
expect "promote of Inconsistent data is refused" 1
reason_has "and says why" "refusing to promote db: its data is Inconsistent"

t "the admin's first sync from deimos (primary --force, as the seed)" deimos \
	'drbdadm primary --force db'
waitfor "first sync done" deimos 300 'ds:UpToDate/UpToDate' 1 || bail "no sync"
t "deimos back to Secondary" deimos 'drbdadm secondary db'
for n in deimos phobos; do
	agent $n monitor OCF_RESKEY_CRM_meta_interval=20000
	expect "$n: monitor after the sync" 0
	score_is $n 10000 "$n: UpToDate and connected"
done
step "first sync"

agent deimos promote
expect "promote db on deimos" 0
agent deimos monitor OCF_RESKEY_CRM_meta_interval=10000
expect "monitor of the Primary says promoted" 8
t "ext3 on /dev/drbd0 with data, mounted" deimos \
	'mkfs.ext3 -q /dev/drbd0 && mount /dev/drbd0 /mnt && head -c 4194304 /dev/urandom >/mnt/payload && sync'
on deimos 'sha256sum /mnt/payload | cut -d" " -f1'
sum=$out
agent deimos demote
expect "demote of a mounted device fails" 1
reason_has "naming the mount" "cannot demote db: /dev/drbd0 is mounted at /mnt"
t "umount" deimos 'umount /mnt'
agent deimos demote
expect "demote db on deimos" 0
agent phobos promote
expect "switchover: promote db on phobos" 0
checksum phobos
if [ "$out" = "$sum" ]; then ok "phobos reads the data deimos wrote"; else not_ok "phobos reads the data deimos wrote: $out"; fi
agent phobos demote
expect "phobos demotes" 0
agent deimos promote
expect "deimos Primary again" 0
step "switchover"

# the seed's failure: the Primary loses power
capture vm_kill deimos
ok "deimos powered off"
waitfor "phobos sees the peer gone (db)" phobos 120 '^ 0: cs:WFConnection' 1 || bail "no WFConnection"
agent phobos monitor OCF_RESKEY_CRM_meta_interval=20000
expect "phobos: Secondary with the peer gone" 0
score_is phobos 1000 "phobos: UpToDate, peer unknown"
agent phobos promote
expect "phobos promotes db" 0
agent phobos monitor OCF_RESKEY_CRM_meta_interval=10000
expect "phobos: Primary" 8
score_is phobos 10000 "phobos: Primary with UpToDate data"
checksum phobos
if [ "$out" = "$sum" ]; then ok "no acknowledged write lost: the data is intact on phobos"; else not_ok "data on phobos: $out"; fi
t "phobos writes more" phobos \
	'mount /dev/drbd0 /mnt && echo after-failover >/mnt/new && umount /mnt'
step "failover"

capture vm_boot deimos && ok "deimos boots with its old disk" || { not_ok "deimos boots"; diag "$out"; bail "no deimos"; }
agent deimos monitor OCF_RESKEY_CRM_meta_interval=0
expect "deimos: probe after the reboot says not running" 7
agent deimos start
expect "deimos: start db" 0
waitfor "deimos resyncs from phobos" deimos 300 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate' 1 ||
	bail "no resync"
agent deimos monitor OCF_RESKEY_CRM_meta_interval=20000
expect "deimos: Secondary after the resync" 0
score_is deimos 10000 "deimos: UpToDate and connected"
agent phobos demote
expect "failback: phobos demotes" 0
agent deimos promote
expect "failback: deimos promotes" 0
on deimos 'mount /dev/drbd0 /mnt && cat /mnt/new; umount /mnt'
if [ "$out" = after-failover ]; then ok "deimos has what phobos wrote while it was away"; else not_ok "deimos reads: $out"; fi
step "failback"

# --- split brain. No fencing here: the link goes, phobos loses its peer
# and is promoted (score 1000) while deimos stays Primary; both write;
# the link comes back and DRBD meets two Primaries with diverged data.
# tests/vm/drbd.conf has the seed's after-sb-2pri disconnect: it refuses.
capture vm_qmp deimos set_link '{"name":"priv","up":false}' &&
	ok "the private link is cut (QMP set_link down on deimos)" ||
	{ not_ok "cut the link"; diag "$out"; }
waitfor "phobos loses its peer" phobos 60 '^ 0: cs:WFConnection ro:Secondary' 1
agent phobos monitor OCF_RESKEY_CRM_meta_interval=20000
score_is phobos 1000 "phobos: UpToDate, peer unknown"
agent phobos promote
expect "without fencing phobos is promoted too" 0
t "deimos writes to db" deimos 'mount /dev/drbd0 /mnt && echo deimos >/mnt/side && umount /mnt'
t "phobos writes to db too" phobos 'mount /dev/drbd0 /mnt && echo phobos >/mnt/side && head -c 1048576 /dev/urandom >/mnt/more && umount /mnt'
capture vm_qmp deimos set_link '{"name":"priv","up":true}' &&
	ok "the link is back" || { not_ok "link up"; diag "$out"; }
waitfor "DRBD refuses the connection: deimos StandAlone" deimos 90 '^ 0: cs:StandAlone ro:Primary/Unknown' 1
waitfor "and phobos" phobos 60 '^ 0: cs:StandAlone ro:Primary/Unknown' 1
for n in deimos phobos; do
	t "$n's kernel says why" $n "dmesg | grep 'block drbd0: Split-Brain detected but unresolved, dropping connection!'"
	diag "$out"
done
agent deimos monitor OCF_RESKEY_CRM_meta_interval=10000
expect "deimos: Primary in a split brain: promoted, degraded" 191
reason_has "the exit reason says split brain, quoting the kernel" \
	"split brain on db (kernel: \[ *[0-9.]*\] block drbd0: Split-Brain detected but unresolved, dropping connection!)"
score_is deimos 10000 "deimos keeps its score: it runs the service"
agent phobos monitor OCF_RESKEY_CRM_meta_interval=10000
expect "phobos: the same" 191
agent phobos demote
expect "phobos demotes (as Pacemaker would, one Primary too many)" 0
agent phobos monitor OCF_RESKEY_CRM_meta_interval=20000
expect "phobos: Secondary in a split brain: degraded" 190
reason_has "saying split brain" "split brain on db (kernel:"
if printf '%s\n' "$out" | grep -q "ERROR: split brain on db"; then ok "and logging it as an error"; else not_ok "logged as an error"; diag "$out"; fi
score_is phobos none "phobos: no promotion score"
agent phobos promote
expect "promote of the split brain's Secondary is refused" 1
reason_has "naming the split brain" "refusing to promote db: split brain"
step "split brain"

# --- the admin's recovery (docs/drbd.md): phobos's changes are discarded
t "phobos: secondary, connect --discard-my-data" phobos \
	'drbdadm secondary db && drbdadm connect --discard-my-data db'
t "deimos: connect" deimos 'drbdadm connect db'
waitfor "phobos resyncs from deimos" phobos 120 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate' 1 ||
	bail "no recovery"
# Either of two words: phobos, Secondary now, became Primary after
# deimos did, so once it is demoted the seed's after-sb-1pri consensus
# (discard-younger-primary agrees to discard the Secondary) may settle it
# before --discard-my-data is looked at ("1 primaries, automatically
# solved"); else the flag does ("manually solved"). Phobos loses either way.
t "deimos's kernel: solved, deimos is the sync source" deimos \
	"dmesg | grep -E 'block drbd0: Split-Brain detected, (manually solved|1 primaries, automatically solved)\. Sync from this node'"
diag "$out"
agent phobos monitor OCF_RESKEY_CRM_meta_interval=20000
expect "phobos: monitor back to normal" 0
score_is phobos 10000 "phobos: the score is back"
agent deimos monitor OCF_RESKEY_CRM_meta_interval=10000
expect "deimos: promoted, no longer degraded" 8
for n in deimos phobos; do
	t "$n: the agent forgot the split brain" $n "! test -e $RUNDIR/drbd/db.split-brain"
done
agent deimos demote
expect "deimos demotes" 0
agent phobos promote
expect "phobos promotes" 0
on phobos 'mount /dev/drbd0 /mnt && cat /mnt/side && ls /mnt; umount /mnt'
if printf '%s\n' "$out" | head -n 1 | grep -qx deimos && ! printf '%s\n' "$out" | grep -qx more; then
	ok "phobos has deimos's data; its own writes are gone"
else
	not_ok "phobos after the recovery: $out"
fi
agent phobos demote
expect "phobos demotes" 0
step "recovery"

agent deimos demote
for n in deimos phobos; do
	agent $n stop
	expect "$n: stop db" 0
	score_is $n none "$n: score removed at stop"
	agent $n monitor OCF_RESKEY_CRM_meta_interval=20000
	expect "$n: monitor after stop: not running" 7
done
step "stop"
