#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/drbd-smoke.sh -- TAP: real DRBD 8.4 between two QEMU guests
# (tests/vm/lib.sh), through the seed article's life of a cluster: first
# sync, a switchover, the seed's layout (db on deimos, apps on phobos),
# deimos losing power while primary, phobos taking over, deimos coming back
# with its old disk and resyncing. /proc/drbd of each state goes to the TAP
# diagnostics, and so does the wall time of each step.
#
# Root only. Skips (1..0 # SKIP) when QEMU is missing or the cache cannot
# be prepared (e.g. no network to Debian's archive). ~2 min under TCG on 2
# cores. Both guests and the run state are removed at exit, also on failure
# or interrupt; the kernel cache stays. VZHA_VM_KEEP=1 keeps the guests
# running for a look (then: tests/vm/down.sh).
# shellcheck disable=SC2016 # the guests' scripts are in single quotes
set -u
export LC_ALL=C
. "$(dirname "$0")/lib.sh" || exit 1
top_builddir=${top_builddir:-$(cd "$VM_DIR/../.." && pwd)}
DRBD_AGENT=${DRBD_AGENT:-$top_builddir/drbd}

. "$VM_DIR/tap.sh" || exit 1

# --- both nodes, fresh
if capture vm_up; then
	ok "both guests up; create-md + up of db and apps; connected"
else
	not_ok "both guests up; create-md + up of db and apps; connected"
	diag "$out"
	bail "no DRBD pair"
fi
step "vm_up"
show deimos "connected, nobody primary, no data yet"

if [ -x "$DRBD_AGENT" ]; then
	guest_agent=$(vm_stage "$DRBD_AGENT")
	t "the guest runs the host-built agent: $DRBD_AGENT meta-data" \
		deimos "OCF_ROOT=/usr/lib/ocf $guest_agent meta-data | grep -q '<resource-agent'"
else
	ok "the guest runs the host-built agent # SKIP $DRBD_AGENT not built (make drbd)"
fi

# --- first sync, from deimos
t "deimos: primary --force db and apps (first sync)" deimos \
	"drbdadm primary --force db && drbdadm primary --force apps" || bail "no primary"
show phobos "first sync running, phobos is SyncTarget"
waitfor "first sync: db and apps UpToDate/UpToDate on deimos" deimos 300 'ds:UpToDate/UpToDate' 2 ||
	bail "no sync"
waitfor "phobos agrees: UpToDate/UpToDate" phobos 30 \
	'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate' 2
step "first sync of 2 x $VM_LV_MB MiB"
show deimos "synced, deimos primary"

# --- data on deimos, switchover to phobos
t "deimos: ext3 on db and apps, 4 MiB written to db with its sha256, demoted" deimos '
	set -e
	for r in db:0 apps:1; do
		mkfs.ext3 -q /dev/drbd${r#*:}; tune2fs -c 0 -i 0 /dev/drbd${r#*:} >/dev/null
	done
	mkdir -p /Data/db /Data/apps
	mount -t ext3 /dev/drbd0 /Data/db
	dd if=/dev/urandom of=/Data/db/payload bs=1M count=4 status=none
	sha256sum /Data/db/payload >/vm/shared/db.sha256
	umount /Data/db
	drbdadm secondary db; drbdadm secondary apps'
show phobos "both secondary"
t "phobos: promoted db, data verified, demoted (switchover)" phobos '
	set -e
	drbdadm primary db
	mkdir -p /Data/db; mount -t ext3 /dev/drbd0 /Data/db
	sha256sum -c --quiet /vm/shared/db.sha256
	umount /Data/db; drbdadm secondary db'
step "mkfs, write, switchover"

# --- the seed's layout: db runs on deimos, apps on phobos
t "deimos: db primary, mounted on /Data/db" deimos \
	'drbdadm primary db && mkdir -p /Data/db && mount -t ext3 /dev/drbd0 /Data/db'
t "phobos: apps primary, mounted on /Data/apps, 1 MiB written" phobos '
	set -e
	drbdadm primary apps; mkdir -p /Data/apps; mount -t ext3 /dev/drbd1 /Data/apps
	dd if=/dev/urandom of=/Data/apps/payload bs=1M count=1 status=none; sync
	sha256sum /Data/apps/payload >/vm/shared/apps.sha256'
show deimos "seed layout: db Primary here, apps Primary on phobos"
step "seed layout"

# --- deimos loses power while primary of db
if vm_kill deimos && ! vm_pid deimos >/dev/null; then
	ok "deimos powered off (QMP quit), db still mounted there"
else
	not_ok "deimos powered off (QMP quit)"
fi
step "deimos killed"
waitfor "phobos: peer lost, db and apps WFConnection" phobos 60 'cs:(WFConnection|Connecting) ' 2
step "peer loss detected (ping-int 10 s)"
show phobos "peer dead"
t "phobos: stays primary of apps" phobos "grep -q '^ 1: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown' /proc/drbd"
t "phobos: takes over db (primary, mount, data verified, 2 MiB more)" phobos '
	set -e
	drbdadm primary db; mkdir -p /Data/db; mount -t ext3 /dev/drbd0 /Data/db
	sha256sum -c --quiet /vm/shared/db.sha256
	dd if=/dev/urandom of=/Data/db/payload2 bs=1M count=2 status=none; sync
	sha256sum /Data/db/payload2 >/vm/shared/db2.sha256'
step "phobos took over"
show phobos "phobos primary of both, alone"

# --- deimos comes back with its old disk and resyncs
if capture vm_boot deimos; then
	ok "deimos boots again with its old disk"
else
	not_ok "deimos boots again with its old disk"
	diag "$out"
	bail "deimos does not come back"
fi
step "deimos rebooted"
t "deimos: drbdadm up db apps (old meta-data)" deimos 'drbdadm up db && drbdadm up apps'
show deimos "just up again"
waitfor "resync: deimos Secondary, UpToDate/UpToDate on db and apps" deimos 120 \
	'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate' 2
waitfor "phobos agrees: Primary/Secondary UpToDate/UpToDate, no split brain" phobos 30 \
	'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate' 2
step "resync"
capture vm_run deimos "dmesg | grep -E 'drbd.*(uuid_compare|based on AL|Began resync|Resync done|out-of-sync)'"
diag "deimos kernel log of the resync:" "$out"
show deimos "resynced"
show phobos "resynced"

t "phobos: db released (umount, secondary)" phobos 'umount /Data/db && drbdadm secondary db'
t "deimos: db primary again holds the data written before and after its death" deimos '
	set -e
	drbdadm primary db; mkdir -p /Data/db; mount -t ext3 /dev/drbd0 /Data/db
	sha256sum -c --quiet /vm/shared/db.sha256 /vm/shared/db2.sha256
	umount /Data/db; drbdadm secondary db'
step "failback verified"
