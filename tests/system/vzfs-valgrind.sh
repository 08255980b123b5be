#!/bin/bash
# Every vzfs action under valgrind's memcheck, on a real ext4 filesystem:
# no invalid access, no use of uninitialised memory, no definite or
# indirect leak, in the agent or in the children it forks for device I/O
# (valgrind follows fork() whatever --trace-children says; that option is
# about exec, and the helpers vzfs execs, fsck, are not ours to check).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt valgrind
[ -x "$VZFS" ] || skip_all "$VZFS is not built (make vzfs)"

# ASan reserves shadow memory valgrind cannot give it: an ASan build does
# not start under valgrind at all (configure --enable-sanitizers).
if ldd "$VZFS" 2>/dev/null | grep -q 'libasan' ||
	{ command -v nm >/dev/null && nm -D "$VZFS" 2>/dev/null | grep -q '__asan_init'; } ||
	grep -qaF '__asan_init' "$VZFS"; then
	skip_all "$VZFS is built with AddressSanitizer; valgrind cannot run ASan builds (reconfigure without --enable-sanitizers)"
fi
t_init

N=0
# vg_run EXPECTED_RC DESC ACTION [NAME=VALUE...]: one action under
# valgrind, one test point: the agent's code as expected (99 is
# valgrind's, for errors in the agent) and no error in any of its
# processes, each of which logs to its own file.
vg_run() {
	local want=$1 desc=$2 logs errors
	shift 2
	N=$((N + 1))
	logs=$T_DIR/vg/$N
	mkdir -p "$logs"
	AGENT_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --trace-children=no --log-file=$logs/%p" \
		run_agent "$@"
	# Valgrind's own notes are not errors: lines starting with "--pid--"
	# (unhandled syscalls) and its ioctl warning, three lines long.
	errors=$(cat "$logs"/* 2>/dev/null | grep -E '^==[0-9]+== ' |
		grep -vE '== (Warning: noted but unhandled ioctl|   This could cause spurious|   See README_MISSING_SYSCALL)')
	if [ "$rc" = "$want" ] && [ -z "$errors" ]; then
		ok "$desc (rc $rc, no valgrind error in $(ls "$logs" | wc -l) processes)"
	else
		not_ok "$desc: expected rc $want, got $rc${errors:+, with valgrind errors}"
		diag "stderr:"
		diag "$err"
		[ -n "$errors" ] && diag "$(printf '%s\n' "$errors" | head -n 80)"
	fi
}

make_loop vg 64 || skip_all "no loop device"
dev=$LOOP
make_fs ext4 "$dev" || skip_all "mkfs.ext4 $dev failed"
dir=$T_DIR/mnt/vg
P=(device="$dev" directory="$dir")
MON=OCF_RESKEY_CRM_meta_interval=20000

vg_run 0 "meta-data" meta-data
vg_run 0 "usage" usage
vg_run 0 "validate-all" validate-all "${P[@]}"
vg_run 7 "probe before start" monitor "${P[@]}" OCF_RESKEY_CRM_meta_interval=0
vg_run 0 "start" start "${P[@]}"
check "start mounted $dev at $dir" is_mounted "$dir" "$dev"
for depth in 0 10 20; do
	vg_run 0 "monitor depth $depth" monitor "${P[@]}" $MON OCF_CHECK_LEVEL=$depth
done
vg_run 0 "stop" stop "${P[@]}"
check "stop unmounted $dir" eval '! is_mounted "$dir"'
vg_run 0 "stop again" stop "${P[@]}"
vg_run 7 "monitor after stop" monitor "${P[@]}" $MON
# run_argv (pipes, deadline, exec) as well as run_fn: fsck is exec'd
vg_run 0 "start with run_fsck=force" start "${P[@]}" fstype=ext4 run_fsck=force
vg_run 0 "stop after the fsck start" stop "${P[@]}"
vg_run 6 "start with run_fsck=bogus" start "${P[@]}" run_fsck=bogus
check "which mounts nothing" eval '! is_mounted "$dir"'
vg_run 3 "an unknown action" no-such-action "${P[@]}"

# valgrind 3.19 does not know pidfd_open (434): the agent then waits for
# its children by polling, its fallback for pre-5.3 kernels.
if cat "$T_DIR"/vg/*/* 2>/dev/null | grep -q 'unhandled amd64-linux syscall: 434'; then
	diag "valgrind $(valgrind --version) lacks pidfd_open: run_fn/run_argv ran their polling fallback here"
fi
