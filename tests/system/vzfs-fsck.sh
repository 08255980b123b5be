#!/bin/bash
# fsck before mounting: when run_fsck says so, with fsck -p semantics;
# errors fsck corrects let the start go on, errors it cannot correct fail
# the start with the reason and leave the filesystem unmounted.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext2 mkfs.ext4 debugfs findmnt
t_init
dir=$T_DIR/Data/db

# fsck_ran: the agent's log says it checked the device
fsck_ran() {
	printf '%s\n' "$err" | grep -q "checking .* with .*fsck -p"
}

# ext2 has no journal: run_fsck=auto checks it, and repairs a marked error
make_loop ext2 32
dev2=$LOOP
make_fs ext2 "$dev2"
debugfs -w -R "ssv state 2" "$dev2" >/dev/null 2>&1 # "contains errors"
run_agent start device="$dev2" directory="$dir"
expect_rc "ext2 with run_fsck=auto: fsck repairs, start succeeds" 0
check "fsck ran for ext2 (no journal)" fsck_ran
printf '%s\n' "$err" | grep -q "fsck corrected errors on $dev2" &&
	ok "the correction is logged" || not_ok "the correction is logged"
check "mounted" is_mounted "$dir" "$dev2"
run_agent stop device="$dev2" directory="$dir"
expect_rc "stop" 0

# ext4 has a journal: auto skips fsck, force runs it, no never does
make_loop ext4 32
dev4=$LOOP
make_fs ext4 "$dev4"
run_agent start device="$dev4" directory="$dir"
expect_rc "ext4 with run_fsck=auto: start" 0
check "fsck skipped for a journaling filesystem" eval '! fsck_ran'
run_agent stop device="$dev4" directory="$dir"
run_agent start device="$dev4" directory="$dir" run_fsck=force
expect_rc "ext4 with run_fsck=force: start" 0
check "fsck ran when forced" fsck_ran
run_agent stop device="$dev4" directory="$dir"

# A filesystem fsck -p cannot repair: start fails, names device and cause
debugfs -w -R "clri <2>" "$dev4" >/dev/null 2>&1  # root inode destroyed
debugfs -w -R "ssv state 2" "$dev4" >/dev/null 2>&1
run_agent start device="$dev4" directory="$dir" run_fsck=force
expect_rc "damaged ext4, run_fsck=force: start fails" 1
expect_reason "the reason names the device and fsck's verdict" \
	"fsck -p found errors on $dev4 it could not correct \\(exited with status 4"
expect_reason "and tells the admin what to run" "check it by hand with fsck -t ext4 $dev4"
check "exactly one exit reason line" [ "$(reason_count)" = 1 ]
check "the damaged filesystem is not mounted" eval '! is_mounted "$dir"'

# the same damage on ext2 under auto
make_loop ext2b 32
make_fs ext2 "$LOOP"
debugfs -w -R "clri <2>" "$LOOP" >/dev/null 2>&1
debugfs -w -R "ssv state 2" "$LOOP" >/dev/null 2>&1
run_agent start device="$LOOP" directory="$dir"
expect_rc "damaged ext2, run_fsck=auto: start fails" 1
check "not mounted" eval '! is_mounted "$dir"'

# run_fsck=no mounts without checking (the admin's choice)
run_agent start device="$dev2" directory="$dir" run_fsck=no
expect_rc "ext2 with run_fsck=no: start without fsck" 0
check "fsck did not run" eval '! fsck_ran'
run_agent stop device="$dev2" directory="$dir"
expect_rc "stop" 0
