#!/bin/bash
# The README's first command: sets up this machine (packages from
# Debian's archive, build, make install) and shows ocf:vzha:vzfs doing the
# seed's filesystem job: the db service's ext3 at /Data/db, started,
# checked at every depth, stopped while a "container" process still uses
# it, restarted with its data intact, and a bad configuration answered
# with its reason. Everything it creates is removed at the end.
# (The two-node cluster of the seed, failing over, joins this demo when
# the cluster tier lands: see README.md, "Status".)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root (sudo)" >&2; exit 1; }
scripts/deps.sh
echo "== building and installing vzha"
autoreconf -fi >/dev/null
mkdir -p _build && cd _build
"$top/configure" -q && make -s -j"$(nproc)" && make -s install
cd "$top"
OCF_ROOT=$(sed -n 's/^OCF_ROOT_DIR = //p' _build/Makefile)
AGENT=$OCF_ROOT/resource.d/vzha/vzfs
echo "installed $AGENT"

CACHE=/var/cache/vzha/demo
DIR=/Data/db
mkdir -p "$CACHE"
LOOP=
HOLDER=
cleanup() {
	set +e
	[ -n "$HOLDER" ] && kill -KILL "$HOLDER" 2>/dev/null
	mountpoint -q "$DIR" && umount "$DIR"
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -f "$CACHE/db.img"
	rmdir "$DIR" /Data 2>/dev/null
}
trap cleanup EXIT

truncate -s 128M "$CACHE/db.img"
LOOP=$(losetup -f --show "$CACHE/db.img")
# the seed: mkfs -t ext3 /dev/drbd0; tune2fs -c 0 -i 0 /dev/drbd0
mkfs.ext3 -q -L db "$LOOP"
tune2fs -c 0 -i 0 "$LOOP" >/dev/null
echo "== the seed's db volume: $LOOP (ext3, label db), standing in for /dev/drbd0"

export OCF_ROOT OCF_RESOURCE_INSTANCE=p_fs_db
export OCF_RESKEY_device=$LOOP OCF_RESKEY_directory=$DIR OCF_RESKEY_fstype=ext3

# step TITLE ACTION [ENV...]: runs one action, prints time, code, output
step() {
	local title=$1 action=$2 t0 t1 rc
	shift 2
	t0=$(date +%s%N)
	env "$@" "$AGENT" "$action" >/dev/null 2>"$CACHE/err" && rc=0 || rc=$?
	t1=$(date +%s%N)
	printf '%-46s rc=%d  %6.1f ms\n' "$title" "$rc" \
		"$(( (t1 - t0) / 10000 ))e-2"
	sed 's/^/    /' "$CACHE/err"
}

echo "== ocf:vzha:vzfs at work (crm configure primitive p_fs_db ocf:vzha:vzfs params device=$LOOP directory=$DIR fstype=ext3)"
step "validate-all" validate-all
step "probe (monitor, interval 0): not running" monitor OCF_RESKEY_CRM_meta_interval=0
step "start: mount $DIR" start
step "monitor depth 0 (mountinfo, no fork)" monitor OCF_RESKEY_CRM_meta_interval=20000
step "monitor depth 10 (O_DIRECT read of the device)" monitor OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=61000
step "monitor depth 20 (status file written, read back)" monitor OCF_CHECK_LEVEL=20 OCF_RESKEY_CRM_meta_interval=121000
echo "PostgreSQL's data, as the seed's container 101 keeps it" >"$DIR/PG_VERSION"
sync
(cd "$DIR" && exec sleep 3600) &
HOLDER=$!
echo "== a process (pid $HOLDER) works inside $DIR, as a container would"
step "stop with force_unmount=false: refused" stop OCF_RESKEY_force_unmount=false
step "stop (force_unmount=true): TERM the holder, unmount" stop
wait "$HOLDER" 2>/dev/null || true
HOLDER=
step "start again" start
printf '%-46s %s\n' "data written before the stop:" "$(cat "$DIR/PG_VERSION")"
step "stop" stop
step "a bad configuration: run_fsck=sometimes" start OCF_RESKEY_run_fsck=sometimes
step "a device this node lacks" start OCF_RESKEY_device=/dev/drbd9
echo "== done; the agent stays installed at $AGENT (make -C _build uninstall removes it)"
