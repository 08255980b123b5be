#!/bin/bash
# The README's first command: sets up this machine (packages from
# Debian's archive, build, make install) and runs the seed's db service
# with vzha's agents, as Pacemaker would run them on one node: the ext3 at
# /Data/db (ocf:vzha:vzfs, a loop device standing in for /dev/drbd0) and
# container 101 on it (ocf:vzha:openvz, a real LXC busybox container
# whose config and rootfs live on /Data/db). It starts them, checks them
# at every depth, kills the container from outside, shows what stops a
# container starting from an unmounted filesystem, and stops everything,
# printing each action's code, time and reason. Everything it creates is
# removed at the end. (The seed's two-node cluster failing over joins the
# demo with the cluster tier: README.md, "Status".)
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
VZFS=$OCF_ROOT/resource.d/vzha/vzfs
OPENVZ=$OCF_ROOT/resource.d/vzha/openvz
echo "installed $VZFS and $OPENVZ"

CACHE=/var/cache/vzha/demo
DIR=/Data/db
LXCPATH=$DIR/lxc
CT=101
mkdir -p "$CACHE"
LOOP=
HOLDER=
cleanup() {
	set +e
	[ -n "$HOLDER" ] && kill -KILL "$HOLDER" 2>/dev/null
	if [ -d "$LXCPATH/$CT" ]; then
		lxc-stop -P "$LXCPATH" -n "$CT" -k >/dev/null 2>&1
		lxc-destroy -P "$LXCPATH" -n "$CT" >/dev/null 2>&1
	fi
	mountpoint -q "$DIR" && umount "$DIR"
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	rm -f "$CACHE/db.img" "$CACHE/err"
	rmdir "$DIR" /Data 2>/dev/null
}
trap cleanup EXIT

truncate -s 256M "$CACHE/db.img"
LOOP=$(losetup -f --show "$CACHE/db.img")
# the seed: mkfs -t ext3 /dev/drbd0; tune2fs -c 0 -i 0 /dev/drbd0
mkfs.ext3 -q -L db "$LOOP"
tune2fs -c 0 -i 0 "$LOOP" >/dev/null
echo "== the seed's db volume: $LOOP (ext3, label db), standing in for /dev/drbd0"

export OCF_ROOT
FS=(OCF_RESOURCE_INSTANCE=p_fs_db OCF_RESKEY_device="$LOOP"
	OCF_RESKEY_directory="$DIR" OCF_RESKEY_fstype=ext3)
VE=(OCF_RESOURCE_INSTANCE=p_ve_db OCF_RESKEY_ctid="$CT"
	OCF_RESKEY_backend=lxc OCF_RESKEY_lxcpath="$LXCPATH"
	"OCF_RESKEY_inner_check=grep -q respawn /etc/inittab")

# step TITLE AGENT ACTION [ENV...]: runs one action; prints its code, the
# wall time seen from here (fork and env included) and what it said
step() {
	local title=$1 agent=$2 action=$3 t0 t1 rc
	shift 3
	t0=$(date +%s%N)
	env "$@" "$agent" "$action" >/dev/null 2>"$CACHE/err" && rc=0 || rc=$?
	t1=$(date +%s%N)
	printf '%-50s rc=%d %7.1f ms\n' "$title" "$rc" \
		"$(( (t1 - t0) / 10000 ))e-2"
	sed 's/^/    /' "$CACHE/err"
}

echo "== p_fs_db: ocf:vzha:vzfs device=$LOOP directory=$DIR fstype=ext3"
step "validate-all" "$VZFS" validate-all "${FS[@]}"
step "probe (monitor, interval 0): not running" "$VZFS" monitor "${FS[@]}" OCF_RESKEY_CRM_meta_interval=0
step "start: mount $DIR" "$VZFS" start "${FS[@]}"
step "monitor depth 0 (mountinfo, no fork)" "$VZFS" monitor "${FS[@]}" OCF_RESKEY_CRM_meta_interval=20000
step "monitor depth 10 (O_DIRECT read of the device)" "$VZFS" monitor "${FS[@]}" OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=61000
step "monitor depth 20 (status file written, read back)" "$VZFS" monitor "${FS[@]}" OCF_CHECK_LEVEL=20 OCF_RESKEY_CRM_meta_interval=121000

echo "== container $CT: a busybox LXC container created on $DIR (lxcpath $LXCPATH)"
lxc-create -q -P "$LXCPATH" -n "$CT" -t busybox >/dev/null 2>&1
sed -i -e 's/^lxc.net.0.type = .*/lxc.net.0.type = empty/' \
	-e '/^lxc.net.0.link/d' -e '/^lxc.net.0.flags/d' \
	-e 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unconfined/' \
	-e '/^lxc.apparmor.allow_nesting/d' "$LXCPATH/$CT/config"
echo "== p_ve_db: ocf:vzha:openvz ctid=$CT backend=lxc lxcpath=$LXCPATH inner_check='grep -q respawn /etc/inittab'"
step "probe: not running" "$OPENVZ" monitor "${VE[@]}" OCF_RESKEY_CRM_meta_interval=0
step "start (waits until it runs and answers)" "$OPENVZ" start "${VE[@]}"
step "monitor depth 0 (lxc-info)" "$OPENVZ" monitor "${VE[@]}" OCF_RESKEY_CRM_meta_interval=10000
step "monitor depth 10 (true inside)" "$OPENVZ" monitor "${VE[@]}" OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=31000
step "monitor depth 20 (inner_check inside)" "$OPENVZ" monitor "${VE[@]}" OCF_CHECK_LEVEL=20 OCF_RESKEY_CRM_meta_interval=61000
echo "PostgreSQL's data, as the seed's container 101 keeps it" >"$LXCPATH/$CT/rootfs/root/PG_VERSION"
sync
step "p_fs_db stop while the container runs (force_unmount=false)" "$VZFS" stop "${FS[@]}" OCF_RESKEY_force_unmount=false
pid=$(lxc-info -P "$LXCPATH" -n "$CT" -p -H)
kill -KILL "$pid"
echo "== the container's init (pid $pid) is killed from outside"
while [ "$(lxc-info -P "$LXCPATH" -n "$CT" -s -H)" != STOPPED ]; do sleep 0.1; done
step "monitor: Pacemaker would now recover it" "$OPENVZ" monitor "${VE[@]}" OCF_RESKEY_CRM_meta_interval=10000
step "stop (already down: succeeds)" "$OPENVZ" stop "${VE[@]}"
step "start again" "$OPENVZ" start "${VE[@]}"
printf '%-50s %s\n' "data written before the failure:" "$(cat "$LXCPATH/$CT/rootfs/root/PG_VERSION")"
step "stop (graceful, escalating as the timeout nears)" "$OPENVZ" stop "${VE[@]}"
step "p_fs_db stop: nothing holds it any more" "$VZFS" stop "${FS[@]}" OCF_RESKEY_force_unmount=false

echo "== what a misordered cluster must never do"
mkdir -p "$DIR/rootfs-of-nothing"
LOCAL=$CACHE/lxc-local
mkdir -p "$LOCAL/$CT"
printf 'lxc.rootfs.path = dir:%s/rootfs-of-nothing\nlxc.net.0.type = empty\n' "$DIR" >"$LOCAL/$CT/config"
step "start a container from the empty mount point" "$OPENVZ" start "${VE[@]}" OCF_RESKEY_lxcpath="$LOCAL"
rm -rf "$LOCAL" "$DIR/rootfs-of-nothing"
step "start the filesystem with a bad parameter" "$VZFS" start "${FS[@]}" OCF_RESKEY_run_fsck=sometimes
step "start on a node without the device" "$VZFS" start "${FS[@]}" OCF_RESKEY_device=/dev/drbd9
echo "== done; the agents stay installed in $OCF_ROOT/resource.d/vzha (make -C _build uninstall removes them)"
