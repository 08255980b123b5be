#!/bin/bash
# Stopping a busy filesystem: live processes hold it through their cwd, an
# open file, a memory map, their executable or a private mount namespace;
# force_unmount decides what stop does about them. Data written before the
# stop is intact afterwards.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt unshare sha256sum
HOLDER=$top_builddir/tests/system/holder
[ -x "$HOLDER" ] || skip_all "build the helper first: make tests/system/holder"
t_init

make_loop busy 64
dev=$LOOP
make_fs ext4 "$dev"
dir=$T_DIR/Data/db
P=(device="$dev" directory="$dir" fstype=ext4)

# hold HOW [ARGS...]: starts a holder, waits until it holds, sets $hpid.
hold() {
	local out=$T_DIR/holder.$RANDOM
	"$@" >"$out" 2>&1 &
	hpid=$!
	disown "$hpid" # its death is the test's point, not bash's news
	track_pid "$hpid"
	wait_until 10 grep -qs '^ready' "$out" || {
		diag "holder $* did not get ready: $(cat "$out")"
		return 1
	}
}

# gone PID...: every PID has exited (it may still be finishing its exit
# when the filesystem is released, so wait for that, briefly).
gone() {
	local p
	for p; do
		wait_until 5 eval "! alive $p" || return 1
	done
}

alive() {
	kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/"$1"/stat 2>/dev/null)" != Z ]
}

start_fs() {
	run_agent start "${P[@]}"
	[ "$rc" = 0 ] || { not_ok "start for $1: rc $rc"; diag "$err"; return 1; }
}

# --- force_unmount=false: stop fails, names the holders, kills nothing
start_fs false
echo "the seed's db" >"$dir/payload"
head -c 262144 /dev/urandom >>"$dir/payload"
sync
sum=$(sha256sum <"$dir/payload")
hold "$HOLDER" cwd "$dir"; cwd_pid=$hpid
hold "$HOLDER" fd "$dir/open-file"; fd_pid=$hpid
hold "$HOLDER" mmap "$dir/payload"; mmap_pid=$hpid
run_agent stop "${P[@]}" force_unmount=false OCF_RESKEY_CRM_meta_timeout=10000
expect_rc "force_unmount=false: stop of a busy filesystem fails" 1
expect_reason "the reason lists the cwd holder" "$cwd_pid \\(holder: cwd\\)"
expect_reason "the reason lists the open-file holder" "$fd_pid \\(holder: fd\\)"
expect_reason "the reason lists the mmap holder" "$mmap_pid \\(holder: mmap\\)"
check "exactly one exit reason line" [ "$(reason_count)" = 1 ]
check "still mounted" is_mounted "$dir" "$dev"
check "no holder was killed" eval 'alive $cwd_pid && alive $fd_pid && alive $mmap_pid'

# --- force_unmount=true: holders get TERM, the filesystem is unmounted
run_agent stop "${P[@]}" force_unmount=true OCF_RESKEY_CRM_meta_timeout=20000
expect_rc "force_unmount=true: stop kills the holders and unmounts" 0
check "unmounted" eval '! is_mounted "$dir"'
check "holders are gone" gone $cwd_pid $fd_pid $mmap_pid
printf '%s\n' "$err" | grep -q 'sending SIGTERM' && ok "TERM was tried first" ||
	not_ok "TERM was tried first"

start_fs data
check "data written before the busy stop is intact" \
	[ "$(sha256sum <"$dir/payload")" = "$sum" ]

# --- a holder that ignores SIGTERM: KILL before the stop timeout
hold "$HOLDER" cwd "$dir" --ignore-term; stubborn=$hpid
run_agent stop "${P[@]}" OCF_RESKEY_CRM_meta_timeout=8000
expect_rc "a holder ignoring SIGTERM is KILLed within the timeout" 0
printf '%s\n' "$err" | grep -q 'sending SIGKILL' && ok "KILL was sent" ||
	not_ok "KILL was sent"
check "the stubborn holder is gone" gone $stubborn
check "unmounted" eval '! is_mounted "$dir"'

# --- force_unmount=safe finds holders without stat() through /proc links
start_fs safe
hold "$HOLDER" cwd "$dir"; a=$hpid
hold "$HOLDER" fd "$dir/open-file"; b=$hpid
hold "$HOLDER" mmap "$dir/payload"; c=$hpid
run_agent stop "${P[@]}" force_unmount=safe OCF_RESKEY_CRM_meta_timeout=20000
expect_rc "force_unmount=safe: stop finds and ends cwd, fd and mmap holders" 0
check "holders are gone" gone $a $b $c
check "unmounted" eval '! is_mounted "$dir"'

# --- a program running from the filesystem (its executable is there)
start_fs exe
cp "$HOLDER" "$dir/holder-copy"
hold "$dir/holder-copy" exe; e=$hpid
run_agent stop "${P[@]}" force_unmount=false
expect_rc "an executable on the filesystem keeps it busy" 1
expect_reason "and is named" "$e \\(holder-copy: exe"
run_agent stop "${P[@]}"
expect_rc "force_unmount=true ends it" 0
gone $e && ok "it is gone" || { not_ok "it is gone"; diag "$(head -5 /proc/$e/status 2>&1)" "$err"; }

# --- a private mount namespace keeps a copy of the mount: our umount
# succeeds, but the device stays in use until that namespace lets go.
start_fs mountns
# The copy holds every mount of the moment: drop the other loop mounts
# (tests running beside this one), or their stops would rightly end it.
unshare -m --propagation private bash -c '
	findmnt -rn -o SOURCE,TARGET | while read -r src tgt; do
		case $src in /dev/loop*) [ "$src" = "$1" ] ||
			umount -l "$(printf "%b" "$tgt")" 2>/dev/null ;; esac
	done
	exec "$2" cwd /' ns-holder "$dev" "$HOLDER" >"$T_DIR/ns.out" 2>&1 &
ns=$!
disown "$ns"
track_pid "$ns"
wait_until 10 grep -qs '^ready' "$T_DIR/ns.out"
run_agent stop "${P[@]}" force_unmount=false
expect_rc "force_unmount=false: a namespace still holding it fails the stop" 1
expect_reason "naming the namespace holder" "other mount namespaces.*$ns \\(holder: mountns\\)"
check "the namespace holder is alive" alive "$ns"
run_agent stop "${P[@]}"
expect_rc "force_unmount=true: the namespace holder is ended" 0
gone $ns && ok "it is gone" || { not_ok "it is gone"; diag "$(head -5 /proc/$ns/status 2>&1)" "$err"; }
check "unmounted" eval '! is_mounted "$dir"'

# --- busy with no process to blame (a loop device over a file on it):
# stop gives up at its deadline with a reason instead of hanging.
start_fs kernel
truncate -s 8M "$dir/inner.img"
inner=$(losetup -f --show "$dir/inner.img")
at_exit "losetup -d $inner 2>/dev/null"
run_agent stop "${P[@]}" OCF_RESKEY_CRM_meta_timeout=4000
expect_rc "a kernel-held filesystem fails the stop at its deadline" 1
expect_reason "saying no process holds it" "still busy, held by no process"
check "still mounted, as reported" is_mounted "$dir" "$dev"
# the same with force_unmount=safe, whose search runs in a child: at the
# deadline it still gets the time to finish, and says the same
run_agent stop "${P[@]}" force_unmount=safe OCF_RESKEY_CRM_meta_timeout=4000
expect_rc "force_unmount=safe: a kernel-held filesystem fails the stop at its deadline" 1
expect_reason "saying no process holds it" "still busy, held by no process"
losetup -d "$inner"
run_agent stop "${P[@]}"
expect_rc "stop succeeds once the kernel lets go" 0
