#!/bin/bash
# vzfs on real loop devices and real filesystems: start, monitor at every
# depth, stop, idempotence, device names, options, and data kept across a
# stop and the next start.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext3 mkfs.ext4 findmnt sha256sum
t_init

# lifecycle TYPE: the whole life of one filesystem of that type
lifecycle() {
	local type=$1 dev dir=$T_DIR/mnt-$1/Data/db sum
	local size=64
	[ "$type" = xfs ] && size=320 # mkfs.xfs: at least 300 MB
	make_loop "$type" $size || { not_ok "$type: loop device"; return; }
	dev=$LOOP
	make_fs "$type" "$dev"
	local p=(device="$dev" directory="$dir" fstype="$type")

	run_agent monitor "${p[@]}" OCF_RESKEY_CRM_meta_interval=0
	expect_rc "$type: probe before start says not running" 7
	check "$type: a probe prints no exit reason" [ "$(reason_count)" = 0 ]

	run_agent start "${p[@]}"
	expect_rc "$type: start" 0
	check "$type: mounted at the new mount point" is_mounted "$dir" "$dev"
	check "$type: mounted as $type" \
		[ "$(findmnt -n -o FSTYPE --mountpoint "$dir")" = "$type" ]

	run_agent start "${p[@]}"
	expect_rc "$type: second start is a no-op" 0
	check "$type: still one mount after two starts" \
		[ "$(findmnt -n --mountpoint "$dir" | wc -l)" = 1 ]

	for depth in 0 10 20; do
		run_agent monitor "${p[@]}" OCF_CHECK_LEVEL=$depth \
			OCF_RESKEY_CRM_meta_interval=20000
		expect_rc "$type: monitor depth $depth" 0
	done
	check "$type: depth 20 wrote its status file" \
		[ -s "$dir/.vzfs_status/vzfs_test_$(uname -n)" ]

	head -c 1048576 /dev/urandom >"$dir/data.bin"
	sync "$dir/data.bin"
	sum=$(sha256sum <"$dir/data.bin")

	run_agent stop "${p[@]}"
	expect_rc "$type: stop" 0
	check "$type: unmounted after stop" eval '! is_mounted "$dir"'
	run_agent stop "${p[@]}"
	expect_rc "$type: second stop is a no-op" 0
	run_agent monitor "${p[@]}" OCF_RESKEY_CRM_meta_interval=20000
	expect_rc "$type: monitor after stop says not running" 7
	expect_reason "$type: and says why" "is not mounted at $dir"

	run_agent start "${p[@]}"
	expect_rc "$type: start again" 0
	check "$type: data written before stop is intact" \
		[ "$(sha256sum <"$dir/data.bin")" = "$sum" ]
	run_agent stop "${p[@]}"
	expect_rc "$type: final stop" 0
}

lifecycle ext3
lifecycle ext4
if command -v mkfs.xfs >/dev/null; then
	lifecycle xfs
else
	ok "# SKIP xfs: mkfs.xfs not installed (apt-get install xfsprogs)"
fi

# The seed's case: ext3 on a block device, fstype detected, at /Data/db.
make_loop seed 64
dev=$LOOP
label=vzha$$
make_fs ext3 "$dev" -L "$label"
dir=$T_DIR/seed/Data/db
run_agent start device="$dev" directory="$dir"
expect_rc "seed: ext3 start with fstype detected by libblkid" 0
check "seed: detected as ext3" \
	[ "$(findmnt -n -o FSTYPE --mountpoint "$dir")" = ext3 ]

# Any name of the device matches: LABEL=, UUID=, a symlink; the directory
# through a symlink and with a trailing slash.
uuid=$(blkid -o value -s UUID "$dev")
ln -s "$dev" "$T_DIR/dev-link"
ln -s "$T_DIR/seed/Data" "$T_DIR/data-link"
for spec in "LABEL=$label" "UUID=$uuid" "$T_DIR/dev-link"; do
	for d in "$dir" "$dir/" "$T_DIR/data-link/db" "$T_DIR/seed//Data/./db"; do
		run_agent monitor device="$spec" directory="$d" \
			OCF_RESKEY_CRM_meta_interval=20000
		expect_rc "monitor matches device=$spec directory=$d" 0
	done
done
run_agent stop device="LABEL=$label" directory="$T_DIR/data-link/db/"
expect_rc "stop through LABEL= and a symlinked directory" 0
check "seed: unmounted" eval '! is_mounted "$dir"'

run_agent start device="UUID=$uuid" directory="$dir" options=noatime,nodev
expect_rc "start by UUID= with options" 0
opts=$(findmnt -n -o VFS-OPTIONS --mountpoint "$dir")
check "options noatime,nodev applied (got $opts)" \
	eval '[[ ,$opts, == *,noatime,* && ,$opts, == *,nodev,* ]]'

# The kernel remounting read-only after errors is a failure...
mount -o remount,ro "$dir"
run_agent monitor device="$dev" directory="$dir" OCF_RESKEY_CRM_meta_interval=1
expect_rc "monitor fails on a filesystem remounted read-only" 1
expect_reason "and names the cause" "mounted read-only.*remount-ro"
mount -o remount,rw "$dir"
run_agent stop device="$dev" directory="$dir"
expect_rc "stop" 0
# ...but not when ro was asked for.
run_agent start device="$dev" directory="$dir" options=ro
expect_rc "start with options=ro" 0
run_agent monitor device="$dev" directory="$dir" options=ro \
	OCF_RESKEY_CRM_meta_interval=1
expect_rc "monitor accepts a read-only mount that was asked for" 0
run_agent stop device="$dev" directory="$dir" options=ro
expect_rc "stop read-only" 0

# A mount point whose name needs mountinfo escapes (\040).
sdir="$T_DIR/with space/Data db"
run_agent start device="$dev" directory="$sdir"
expect_rc "start at a path with spaces" 0
run_agent monitor device="$dev" directory="$sdir" OCF_RESKEY_CRM_meta_interval=1
expect_rc "monitor finds the escaped mount point" 0
run_agent stop device="$dev" directory="$sdir"
expect_rc "stop at a path with spaces" 0
check "unmounted" eval '! is_mounted "$sdir"'

# Someone else's device at our directory: refuse, touch nothing.
make_loop other 32
other=$LOOP
make_fs ext4 "$other"
mkdir -p "$dir"
mount "$other" "$dir"
run_agent start device="$dev" directory="$dir"
expect_rc "start with another device mounted at the directory fails" 1
expect_reason "naming both devices" "already has $other .* mounted, not $dev"
check "the other device stays mounted" is_mounted "$dir" "$other"
run_agent monitor device="$dev" directory="$dir" OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe: not running (it is not ours)" 7
run_agent stop device="$dev" directory="$dir"
expect_rc "stop leaves someone else's mount alone" 0
check "the other device is still mounted" is_mounted "$dir" "$other"
umount "$dir"

# Our device mounted elsewhere already: refuse a second mount.
mkdir -p "$T_DIR/elsewhere"
mount "$dev" "$T_DIR/elsewhere"
run_agent start device="$dev" directory="$dir"
expect_rc "start of a device mounted elsewhere fails" 1
expect_reason "naming where" "already mounted at $T_DIR/elsewhere"
check "and mounts nothing at the directory" eval '! is_mounted "$dir"'
umount "$T_DIR/elsewhere"

# A label on two devices (as DRBD's backing device and the DRBD device
# carry the same one) is refused rather than gambled on.
make_loop twin 64
make_fs ext3 "$LOOP" -L "$label"
run_agent start device="LABEL=$label" directory="$dir"
expect_rc "start with a label on two devices fails" 6
expect_reason "naming both devices" "LABEL=$label matches 2 devices \\(.*$dev"
check "and mounts nothing" eval '! is_mounted "$dir"'
losetup -d "$LOOP"

# Submounts below the directory are unmounted first.
run_agent start device="$dev" directory="$dir"
mkdir -p "$dir/vm/proc"
mount -t tmpfs sub "$dir/vm"
mkdir -p "$dir/vm/proc"
mount -t proc proc "$dir/vm/proc"
run_agent stop device="$dev" directory="$dir"
expect_rc "stop unmounts submounts too" 0
check "nothing left below the directory" \
	eval '! findmnt -n -R --mountpoint "$dir" >/dev/null'

# A depth-0 monitor forks nothing.
if ldd "$VZFS" | grep -q libasan; then
	# LeakSanitizer clones a tracer process at exit: not the agent's fork
	ok "# SKIP fork count: sanitizer build (LSan forks at exit)"
elif command -v strace >/dev/null; then
	run_agent start device="$dev" directory="$dir"
	OCF_RESOURCE_INSTANCE=vzfs_test OCF_RESKEY_device="$dev" \
		OCF_RESKEY_directory="$dir" OCF_RESKEY_CRM_meta_interval=1 \
		strace -f -qq -e trace=execve,fork,vfork,clone,clone3 \
		-o "$T_DIR/strace" "$VZFS" monitor 2>/dev/null
	forks=$(grep -cv 'execve(' "$T_DIR/strace")
	execs=$(grep -c 'execve(' "$T_DIR/strace")
	check "monitor depth 0 forks nothing ($forks forks, $execs exec)" \
		eval '[ "$forks" = 0 ] && [ "$execs" = 1 ]'
	run_agent stop device="$dev" directory="$dir"
else
	ok "# SKIP fork count: strace not installed"
fi
