#!/bin/bash
# Faults under a mounted filesystem: its device node vanishing, and the
# device hanging (every read blocks, as on a dead SAN path). A monitor
# must report them with a reason and must never hang past its timeout.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt mknod timeout
t_init
dir=$T_DIR/Data/db

# --- the device node vanishes while mounted
make_loop vanish 32
make_fs ext4 "$LOOP"
mkdir -p "$T_DIR/dev"
node=$T_DIR/dev/blk
mknod "$node" b "$(stat -c '%t' "$LOOP" | xargs printf '%d')" \
	"$(stat -c '%T' "$LOOP" | xargs printf '%d')"
P=(device="$node" directory="$dir")
run_agent start "${P[@]}"
expect_rc "start through a device node of our own" 0
rm -f "$node"
run_agent monitor "${P[@]}" OCF_RESKEY_CRM_meta_interval=20000
expect_rc "monitor: the device vanished while mounted" 1
expect_reason "the reason says so, with the mount's device numbers" \
	"device $node vanished while mounted at $dir \\(mounted from $node, 7:[0-9]+\\)"
run_agent monitor "${P[@]}" OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe also reports it (it is ours: same source name)" 1
run_agent stop "${P[@]}"
expect_rc "stop still unmounts it" 0
check "unmounted" eval '! is_mounted "$dir"'
run_agent monitor "${P[@]}" OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe on a node without the device: not running" 7
check "and no exit reason" [ "$(reason_count)" = 0 ]

# --- the device hangs: a loop device over a file on a FUSE filesystem
# whose daemon is stopped (SIGSTOP), so reads block until SIGCONT.
command -v bindfs >/dev/null || {
	ok "# SKIP hung device: needs bindfs (apt-get install bindfs)"
	exit 0
}
[ -e /dev/fuse ] || { ok "# SKIP hung device: no /dev/fuse"; exit 0; }
mkdir -p "$T_DIR/back" "$T_DIR/fuse"
truncate -s 64M "$T_DIR/back/disk.img"
mkfs.ext4 -q -F "$T_DIR/back/disk.img"
bindfs -f "$T_DIR/back" "$T_DIR/fuse" &
fusepid=$!
track_pid "$fusepid"
at_exit "kill -CONT $fusepid 2>/dev/null; umount '$T_DIR/fuse' 2>/dev/null"
wait_until 10 test -e "$T_DIR/fuse/disk.img" || not_ok "bindfs mounted"
hung=$(losetup -f --show "$T_DIR/fuse/disk.img")
T_LOOPS+=("$hung")
P=(device="$hung" directory="$dir" fstype=ext4)
run_agent start "${P[@]}"
expect_rc "start on the FUSE-backed loop device" 0

kill -STOP "$fusepid"
echo 3 >/proc/sys/vm/drop_caches
# `timeout 60` only catches an agent that hangs; the assertion is on rc.
AGENT_WRAPPER="timeout -s KILL 60" run_agent monitor "${P[@]}" \
	OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=61000 \
	OCF_RESKEY_CRM_meta_timeout=3000
expect_rc "depth 10 on a hung device fails instead of hanging" 1
expect_reason "saying the device hangs" "reading $hung .* did not complete within the monitor timeout: the device hangs"
AGENT_WRAPPER="timeout -s KILL 60" run_agent monitor "${P[@]}" \
	OCF_CHECK_LEVEL=20 OCF_RESKEY_CRM_meta_interval=121000 \
	OCF_RESKEY_CRM_meta_timeout=3000
expect_rc "depth 20 on a hung device fails instead of hanging" 1
AGENT_WRAPPER="timeout -s KILL 60" run_agent monitor "${P[@]}" \
	OCF_RESKEY_CRM_meta_interval=20000 OCF_RESKEY_CRM_meta_timeout=3000
expect_rc "depth 0 still answers from the mount table" 0

kill -CONT "$fusepid"
run_agent monitor "${P[@]}" OCF_CHECK_LEVEL=10 OCF_RESKEY_CRM_meta_interval=61000
expect_rc "depth 10 passes again once the device answers" 0
run_agent stop "${P[@]}"
expect_rc "stop" 0
check "unmounted" eval '! is_mounted "$dir"'
losetup -d "$hung"
