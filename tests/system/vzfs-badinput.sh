#!/bin/bash
# Bad input: each parameter missing, empty or wrong gets the exact OCF code
# and exactly one exit reason naming the object and the cause, and nothing
# is touched (no mount point created, nothing mounted).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4
t_init
make_loop bad 32
dev=$LOOP
make_fs ext4 "$dev"
dir=$T_DIR/Data/db

# case ACTION CODE REASON-REGEX PARAMS...: one row of the table
case_() {
	local action=$1 code=$2 re=$3
	shift 3
	run_agent "$action" "$@"
	if [ "$rc" = "$code" ] && [ "$(reason_count)" = 1 ] &&
		reason | grep -Eq -- "$re"; then
		ok "$action $* -> $code"
	else
		not_ok "$action $*: expected $code /$re/, got $rc '$(reason)' ($(reason_count) reason lines)"
	fi
	if [ -e "$dir" ] || is_mounted "$dir"; then
		not_ok "$action $* touched $dir"
		rm -rf "$T_DIR/Data"
	fi
}

OK=(device="$dev" directory="$dir")
for action in start validate-all monitor; do
	case_ $action 6 "required parameter device is not set" directory="$dir"
	case_ $action 6 "required parameter device is not set" device= directory="$dir"
	case_ $action 6 "required parameter directory is not set" device="$dev"
	case_ $action 6 "required parameter directory is not set" device="$dev" directory=
	case_ $action 6 "directory must be an absolute path, got 'Data/db'" device="$dev" directory=Data/db
	case_ $action 6 "device 'sdb1' must be an absolute path, LABEL=" device=sdb1 directory="$dir"
	case_ $action 6 "device 'LABEL=' names no label" device=LABEL= directory="$dir"
	case_ $action 6 "directory '/' cannot be a cluster mount point" device="$dev" directory=/
	case_ $action 6 "directory '/' cannot be a cluster mount point" device="$dev" directory=//
	case_ $action 6 "run_fsck must be one of auto, force, no, got 'sometimes'" "${OK[@]}" run_fsck=sometimes
	case_ $action 6 "force_unmount must be one of true, safe, false, got 'maybe'" "${OK[@]}" force_unmount=maybe
	case_ $action 6 "force_clones must be a boolean .*got 'perhaps'" "${OK[@]}" force_clones=perhaps
	case_ $action 6 "statusfile_prefix '/abs/' must be relative" "${OK[@]}" statusfile_prefix=/abs/
	case_ $action 6 "statusfile_prefix '../up' must be relative, without '..'" "${OK[@]}" statusfile_prefix=../up
	case_ $action 6 "statusfile_prefix 'a/b/c' .*at most one directory" "${OK[@]}" statusfile_prefix=a/b/c
	case_ $action 6 "fstype 'ext4,xfs' is not a filesystem type name" "${OK[@]}" fstype=ext4,xfs
	case_ $action 6 "vzfs_test is cloned, but ext4 is not a cluster filesystem" "${OK[@]}" fstype=ext4 OCF_RESKEY_CRM_meta_clone=0
done

# What is missing on this node is OCF_ERR_INSTALLED
case_ validate-all 5 "the kernel has no nosuchfs filesystem" "${OK[@]}" fstype=nosuchfs
case_ validate-all 5 "run_fsck=force needs fsck.tmpfs, which is not installed" "${OK[@]}" fstype=tmpfs run_fsck=force
case_ validate-all 5 "/dev/null is not a block device" device=/dev/null directory="$dir"
case_ start 5 "device /dev/vzha-no-such-device does not exist on this node" device=/dev/vzha-no-such-device directory="$dir"
case_ start 5 "/dev/null is not a block device" device=/dev/null directory="$dir"
case_ start 5 "the kernel has no nosuchfs filesystem" "${OK[@]}" fstype=nosuchfs

# Accepted spellings and the passive node
for b in yes no true false on off 1 0 YES; do
	run_agent validate-all "${OK[@]}" force_clones=$b
	expect_rc "force_clones=$b is a boolean" 0
done
for f in true safe false yes no; do
	run_agent validate-all "${OK[@]}" force_unmount=$f
	expect_rc "force_unmount=$f is accepted" 0
done
run_agent validate-all "${OK[@]}" fstype=ext4 OCF_RESKEY_CRM_meta_clone=0 force_clones=true
expect_rc "force_clones=true allows a clone" 0
run_agent validate-all device=/dev/vzha-no-such-device directory="$dir"
expect_rc "validate-all on a node without the device (passive node) succeeds" 0
printf '%s\n' "$err" | grep -q "WARNING: device /dev/vzha-no-such-device does not exist" &&
	ok "and warns about it" || not_ok "and warns about it"
run_agent monitor device=/dev/vzha-no-such-device directory="$dir" OCF_RESKEY_CRM_meta_interval=0
expect_rc "a probe without the device: not running" 7
run_agent validate-all "${OK[@]}" directroy=/typo
expect_rc "an unknown parameter is not fatal" 0
printf '%s\n' "$err" | grep -q "vzfs has no parameter directroy" &&
	ok "but is named in a warning" || not_ok "but is named in a warning"

# Stop with bad parameters must still succeed when nothing can be mounted
run_agent stop device="$dev"
expect_rc "stop without a directory: nothing of ours can be mounted" 0
run_agent stop device="$dev" directory=relative/dir
expect_rc "stop with a relative directory succeeds too" 0
run_agent start "${OK[@]}"
run_agent stop "${OK[@]}" run_fsck=sometimes
expect_rc "stop with another bad parameter still unmounts" 0
check "unmounted" eval '! is_mounted "$dir"'
rm -rf "$T_DIR/Data"

# Actions and arguments
run_agent frobnicate "${OK[@]}"
expect_rc "an unknown action" 3
expect_reason "is named" "vzfs does not implement action 'frobnicate'"
out=$(env -i "$VZFS" 2>"$T_DIR/stderr"); rc=$?; err=$(cat "$T_DIR/stderr")
expect_rc "no action at all" 2
printf '%s\n' "$err" | grep -q '^usage: vzfs {start|stop|monitor|validate-all|meta-data|usage}' &&
	ok "prints the usage" || not_ok "prints the usage"
run_agent promote "${OK[@]}"
expect_rc "promote is not an action of vzfs" 3
for a in usage help meta-data; do
	run_agent $a
	expect_rc "$a needs no parameters" 0
done
