#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests of the simulator of OpenVZ's vzctl(8) the agents' tests run
# against: tests/sim/vzctl-sim, the C front-end (built by make check) that
# answers "status" itself and hands everything else to the bash simulator
# tests/sim/vzctl-sim.sh. Every status checked is also asked of the bash
# simulator directly, and of the front-end with no script to hand over to:
# both must print the same line with the same exit code, so that the two
# status implementations cannot drift apart. Prints TAP. Needs root: the
# private areas live
# on a loop-mounted ext4, so that the test can see a running (or mounted)
# container pin that filesystem as a real one does. Every path has blanks
# in it. Whatever it creates (containers, processes, mounts, the loop
# device, the work directory) is removed on exit, also on failure or
# interruption; processes are ended by pid, never by name.
#
#   bash tests/sim/test-vzctl-sim.sh

# shellcheck disable=SC2016 # bash -c '...' scripts take their values as "$1"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# TAP (ok, not_ok, check, diag, skip_all), top_builddir: the system tests'
. "$here/../system/lib.sh"
SIM=${VZCTL_SIM:-$top_builddir/tests/sim/vzctl-sim}
SIM_SH=${VZCTL_SIM_SH:-$here/vzctl-sim.sh}
FRONT=1
if [ ! -x "$SIM" ] && [ -z "${VZCTL_SIM-}" ]; then
	# not built (make tests/sim/vzctl-sim): the script alone, and the
	# comparisons skipped
	echo "# no front-end at $SIM: testing $SIM_SH alone" >&2
	SIM=$SIM_SH
fi
[ "$SIM" != "$SIM_SH" ] || FRONT=0

LOOP=
CLEANED=0
CTS=()

# ---------------------------------------------------------------- TAP

skip() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM # SKIP $*"
}

# ---------------------------------------------------------------- cleanup

# mounts_below DIR: mount points at or below DIR, deepest first.
mounts_below() {
	awk -v top="$1" '
		function unesc(s) {
			gsub(/\\040/, " ", s); gsub(/\\011/, "\t", s)
			gsub(/\\134/, "\\", s); return s
		}
		{ m = unesc($5); if (m == top || index(m, top "/") == 1) print m }' \
		/proc/self/mountinfo | sort -r
}

cleanup() {
	local ct m
	[ "$CLEANED" = 1 ] && return 0
	CLEANED=1
	[ -n "$T_DIR" ] || return 0
	for ct in "${CTS[@]}"; do
		SIM_STOP_TIMEOUT=1 vz_raw --quiet stop "$ct" --fast >/dev/null 2>&1
	done
	# anything the simulator failed to stop: by pid
	kill_rooted_in "$T_DIR"
	mounts_below "$T_DIR" | while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	if [ -n "$LOOP" ]; then
		case $(losetup -n -O BACK-FILE "$LOOP" 2>/dev/null) in
		"$T_DIR"/*) losetup -d "$LOOP" ;;
		esac
	fi
	rm -rf --one-file-system -- "$T_DIR"
}

on_exit() {
	local rc=$?
	set +e
	cleanup
	if [ "$rc" = 0 ] && [ "$T_FAILED" -gt 0 ]; then rc=1; fi
	echo "1..$T_NUM"
	exit "$rc"
}

# ---------------------------------------------------------------- helpers

vz_raw() {
	VZCTL_SIM_ROOT=$SIMROOT "$SIM" "$@"
}

# vz ARGS...: runs the simulator; sets $rc, $out (stdout), $err (stderr).
vz() {
	out=$(VZCTL_SIM_ROOT=$SIMROOT "$SIM" "$@" 2>"$T_DIR/stderr")
	rc=$?
	err=$(cat "$T_DIR/stderr")
}

# expect_rc DESC CODE: lib.sh's, but showing stdout as well on failure
expect_rc() {
	if [ "$rc" = "$2" ]; then
		ok "$1 (rc $rc)"
	else
		not_ok "$1: expected rc $2, got $rc"
		diag "stdout: $out" "stderr: $err"
	fi
}

# expect_text DESC REGEX: stdout+stderr of the last vz match REGEX.
expect_text() {
	if printf '%s\n%s\n' "$out" "$err" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1: no /$2/ in the output"
		diag "stdout: $out" "stderr: $err"
	fi
}

# same_status [delegated] ARGS...: "vzctl-sim ARGS" (a status) prints on
# stdout and stderr what "vzctl-sim.sh ARGS" prints, with the same exit
# code. The front-end runs with VZCTL_SIM_SH naming no script, so that it
# cannot hand over: the answer is its own C code's. With "delegated" it
# must hand over instead (it answers only what it is sure of): without a
# script it then fails, and with one it must agree.
same_status() {
	local mode=own c s none=$T_DIR/no-such-script
	if [ "$1" = delegated ]; then
		mode=delegated
		shift
	fi
	if [ "$FRONT" = 0 ]; then
		skip "status $*: no C front-end to compare with the script"
		return
	fi
	s=$(VZCTL_SIM_ROOT=$SIMROOT "$SIM_SH" "$@" 2>&1; echo "rc=$?")
	c=$(VZCTL_SIM_ROOT=$SIMROOT VZCTL_SIM_SH=$none "$SIM" "$@" 2>&1; echo "rc=$?")
	if [ "$mode" = delegated ]; then
		if [ "$c" != "vzctl-sim: cannot run the simulator $none: No such file or directory"$'\n'"rc=3" ]; then
			not_ok "status $*: the front-end answered itself, it should hand over"
			diag "front-end: $c" "script: $s"
			return
		fi
		# the same script path: bash names it in its error messages
		c=$(VZCTL_SIM_ROOT=$SIMROOT VZCTL_SIM_SH=$SIM_SH "$SIM" "$@" 2>&1; echo "rc=$?")
	fi
	if [ "$c" = "$s" ]; then
		ok "... the front-end ($mode) and vzctl-sim.sh agree: ${s//$'\n'/ }"
	else
		not_ok "status $*: the front-end ($mode) and vzctl-sim.sh disagree"
		diag "front-end: $c" "script: $s"
	fi
}

expect_status() {
	vz status "$1"
	if [ "$rc" = 0 ] && [ "$out" = "CTID $1 $2" ]; then
		ok "status $1: $2"
	else
		not_ok "status $1: expected 'CTID $1 $2', got '$out' (rc $rc)"
		diag "stderr: $err"
	fi
	same_status status "$1"
}

# the live (non-zombie) process PID exists
alive() {
	[ -e "/proc/$1/stat" ] || return 1
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$s" ] && [ "$s" != Z ]
}

dead_soon() {
	local _
	for _ in $(seq 50); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

is_mountpoint() {
	findmnt --mountpoint "$1" >/dev/null 2>&1
}

init_of() {
	cut -d' ' -f1 "$SIMROOT/run/$1.pid" 2>/dev/null
}

ms() {
	echo $(($(date +%s%N) / 1000000))
}

# ---------------------------------------------------------------- setup

[ "$(id -u)" = 0 ] || skip_all "needs root (loop device, mounts, chroot)"
for c in losetup mkfs.ext4 findmnt mount umount flock setsid chroot truncate; do
	command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
done
[ -x /bin/busybox ] || skip_all "needs /bin/busybox (apt-get install busybox-static)"
[ -x "$SIM" ] || skip_all "no simulator at $SIM"
[ -x "$SIM_SH" ] || skip_all "no simulator script at $SIM_SH"

T_DIR=$(mktemp -d /tmp/vzctl-sim-test.XXXXXX)
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

SIMROOT="$T_DIR/sim root (vz)"
DATA="$T_DIR/data disk"
mkdir -p "$SIMROOT" "$DATA"
# the usual OpenVZ layout: VE_ROOT and VE_PRIVATE on one filesystem (/vz)
cat >"$SIMROOT/vz.conf" <<EOF
# global configuration of the simulated node
VE_ROOT="$DATA/root/\$VEID"
VE_PRIVATE="$DATA/private areas/\$VEID"
EOF

truncate -s 64M "$T_DIR/data.img"
LOOP=$(losetup -f --show "$T_DIR/data.img") || { not_ok "losetup"; exit 1; }
mkfs.ext4 -q -F "$LOOP" >/dev/null 2>&1 || { not_ok "mkfs.ext4 $LOOP"; exit 1; }
mount "$LOOP" "$DATA" || { not_ok "mount $LOOP"; exit 1; }
ok "setup: ext4 on $LOOP mounted at '$DATA'"

VE_ROOT_101="$DATA/root/101"
PRIV_101="$DATA/private areas/101"

# ---------------------------------------------------------------- basics

vz --version
expect_rc "--version" 0
expect_text "--version says it is a simulator" 'SIMULATOR'
vz --help
expect_rc "--help" 0
expect_text "--help says it simulates vzctl" 'SIMULATES vzctl'
vz frobnicate 101
expect_rc "a bad command" 20
vz status
expect_rc "a missing CT ID" 21
vz status 1x1
expect_rc "a bad CT ID" 21
out=$(VZCTL_SIM_ROOT="$T_DIR/nowhere" "$SIM" status 101 2>&1)
rc=$?
err=
expect_rc "no vz.conf" 10
SIMROOT="$T_DIR/nowhere" same_status delegated status 101
# the front-end hands these to the script: other commands and options, a
# bad, missing, overlong or zero CT ID, a word after it
for a in --version --help "--frob status 101" status "status 1x1" \
	"status 0" "status 0000" "status 2147483648" "status 12345678901" \
	"status 101 --fast" "--quiet status"; do
	# shellcheck disable=SC2086 # one word per argument
	same_status delegated $a
done
expect_status 101 "deleted unmounted down"
vz start 101
expect_rc "start of a container without a config" 14
expect_text "... says the config does not exist" 'Container config file does not exist'

# ---------------------------------------------------------------- create

CTS+=(101)
vz create 101 --onboot yes
expect_rc "create 101" 0
expect_text "... says the private area was created" 'Container private area was created'
check "... wrote conf/101.conf with the literal \$VEID paths" \
	grep -qxF "VE_PRIVATE=\"$DATA/private areas/\$VEID\"" "$SIMROOT/conf/101.conf"
check "... with ONBOOT=\"yes\"" grep -qx 'ONBOOT="yes"' "$SIMROOT/conf/101.conf"
check "... a busybox root filesystem in VE_PRIVATE" \
	cmp -s /bin/busybox "$PRIV_101/bin/busybox"
check "... with sh, sleep, true, false, cat as busybox links" \
	bash -c 'for l in sh sleep true false cat; do [ "$(readlink "$1/bin/$l")" = busybox ] || exit 1; done' _ "$PRIV_101"
check "... an executable /sbin/init script and /etc" \
	bash -c '[ -x "$1/sbin/init" ] && head -n1 "$1/sbin/init" | grep -qx "#!/bin/sh" && [ -d "$1/etc" ]' _ "$PRIV_101"
vz create 101
expect_rc "create 101 again: the private area exists" 44
expect_text "... says so" 'Private area already exists'
expect_status 101 "exist unmounted down"

vz set 101 --onboot no --save
expect_rc "set --onboot no --save" 0
check "... rewrote the ONBOOT line (one line, now \"no\")" \
	bash -c '[ "$(grep -c "^ONBOOT=" "$1")" = 1 ] && grep -qx "ONBOOT=\"no\"" "$1"' _ "$SIMROOT/conf/101.conf"
vz set 101 --ipadd 10.0.0.1 --save
expect_rc "set with an option the simulator does not know" 20
vz set 101 --onboot maybe --save
expect_rc "set --onboot with a bad value" 21

# ---------------------------------------------------------------- stopped

vz exec 101 true
expect_rc "exec in a stopped container" 31
expect_text "... says it is not running" 'Container is not running'
vz stop 101
expect_rc "stop of a stopped container succeeds, as vzctl's does" 0
expect_text "... saying it is not running" 'Unable to stop: container is not running'
vz umount 101
expect_rc "umount of an unmounted container" 40

# ---------------------------------------------------------------- mount

vz mount 101
expect_rc "mount 101" 0
expect_text "... says it is mounted" 'Container is mounted'
expect_status 101 "exist mounted down"
check "... VE_ROOT is a mount point" is_mountpoint "$VE_ROOT_101"
check "... showing the private area" test -x "$VE_ROOT_101/sbin/init"
vz mount 101
expect_rc "mount of a mounted container" 0
expect_text "... says it is already mounted" 'Container is already mounted'
busy=$(umount "$DATA" 2>&1)
r=$?
check "a mounted container (VE_ROOT on the fs) pins it: umount fails 'target is busy'" \
	test "$r" != 0 -a -z "${busy##*target is busy*}"
vz umount 101
expect_rc "umount 101" 0
expect_text "... says it is unmounted" 'Container is unmounted'
expect_status 101 "exist unmounted down"

# ---------------------------------------------------------------- start

vz start 101
expect_rc "start 101" 0
expect_text "... Starting container..." '^Starting container\.\.\.$'
expect_text "... Container start in progress..." '^Container start in progress\.\.\.$'
expect_status 101 "exist mounted running"
init1=$(init_of 101)
check "... init ($init1) is a live process" alive "${init1:-none}"
check "... chrooted into VE_ROOT" test "$(readlink "/proc/${init1:-none}/root")" = "$VE_ROOT_101"
check "... leading its own session" \
	test -n "$init1" -a "$(sed 's/.*) //' "/proc/${init1:-none}/stat" | cut -d' ' -f4)" = "$init1"
busy=$(umount "$DATA" 2>&1)
r=$?
check "the running container pins its filesystem: umount fails 'target is busy'" \
	test "$r" != 0 -a -z "${busy##*target is busy*}"
vz start 101
expect_rc "start of a running container" 32
expect_text "... says it is already running" 'Container is already running'
vz umount 101
expect_rc "umount of a running container" 32
vz destroy 101
expect_rc "destroy of a running container" 32
vz set 101 --private "$T_DIR/x" --save
expect_rc "set --private of a running container" 32

# ---------------------------------------------------------------- status quirks

# The front-end's status against the script's where parsing could go
# wrong, on CT 107: a hand-written config and pid file naming CT 101's
# VE_ROOT and VE_PRIVATE, and CT 101's running init. (The simulator has no
# suspended state: vzctl-sim refuses suspend.)
C107=$SIMROOT/conf/107.conf
P107=$SIMROOT/run/107.pid
read -r init1 start1 <"$SIMROOT/run/101.pid"
conf107() {
	printf '%s\n' "$@" >"$C107"
}
conf107 "VE_ROOT=\"$VE_ROOT_101\"" "VE_PRIVATE=\"$PRIV_101\""
printf '%s %s\n' "$init1" "$start1" >"$P107"
expect_status 107 "exist mounted running"
same_status status 0107
same_status --quiet --verbose --skiplock status 107

# the pid file
pid107() {
	printf "$@" >"$P107"
	same_status status 107
}
pid107 '%s\n' "$init1"                       # no start time: running
pid107 '  %s \t %s  \n' "$init1" "$start1"   # blanks: running
pid107 '%s %s' "$init1" "$start1"             # no newline: down
pid107 '%s 1%s\n' "$init1" "$start1"          # another start time: down
pid107 '%s %s x\n' "$init1" "$start1"         # a third word: down
pid107 '\n%s %s\n' "$init1" "$start1"        # an empty first line: down
pid107 'x%s %s\n' "$init1" "$start1"          # not a number: down
pid107 '%s\n' "$$"                            # a live process outside: down
pid107 '%s\n' 0                               # no such process: down
pid107 '%s%s %s\n' 0000000000000000000000 "$init1" "$start1" # down
pid107 ''                                     # empty: down
rm -f "$P107"
same_status status 107                         # none: down
mkdir "$P107"
same_status delegated status 107               # a directory
rmdir "$P107"
printf '%s %s\n' "$init1" "$start1" >"$P107"

# VE_ROOT spelt otherwise: through "..", with blanks and slashes, through
# a symlink and relative (both left to the script, which runs realpath)
conf107 "VE_ROOT=\"$DATA//root/./101/../101/\"" "VE_PRIVATE=\"$PRIV_101\""
expect_status 107 "exist mounted running"
# ".." after a missing directory: mounted (realpath -m), but not running
# (the kernel's lookup of VE_ROOT fails)
conf107 "VE_ROOT=\"$DATA/root/x/../101\"" "VE_PRIVATE=\"$PRIV_101\""
expect_status 107 "exist mounted down"
ln -s "$DATA/root" "$T_DIR/root link"
conf107 "VE_ROOT=\"$T_DIR/root link/101\"" "VE_PRIVATE=\"$PRIV_101\""
same_status delegated status 107
conf107 "VE_ROOT=\"$DATA/root/../../root link/101\"" "VE_PRIVATE=\"$PRIV_101\""
same_status delegated status 107
conf107 "VE_ROOT=root/101" "VE_PRIVATE=\"$PRIV_101\""
cd "$DATA" || exit 1
same_status delegated status 107
cd "$OLDPWD" || exit 1
rm "$T_DIR/root link"

# the config's syntax, as vzctl parses it: an empty VE_ROOT in CTID.conf
# hides vz.conf's; blanks, comments, $VEID and ${VEID}, trailing slashes;
# a key with a blank is another key; the last quote ends a value; a line
# with an unmatched quote is skipped; the last line set wins; CRLF; NUL
# bytes (bash's read drops them); a last line without its newline
conf107 'VE_ROOT=""' "VE_PRIVATE=\"$PRIV_101\""
expect_status 107 "exist unmounted down"
conf107 'VE_ROOT=' "VE_PRIVATE=$PRIV_101"
same_status status 107
mkdir -p "$DATA/private areas/107"
conf107 "  # CT 107" "	VE_ROOT=\"$DATA/root/\$VEID//\"   " \
	"VE_PRIVATE=\"$DATA/private areas/\${VEID}/\" # the private area"
expect_status 107 "exist unmounted down"
conf107 "VE_ROOT =\"$VE_ROOT_101\"" "VE_PRIVATE=\"$PRIV_101\"x\""
expect_status 107 "deleted unmounted down"
conf107 "VE_ROOT=\"$VE_ROOT_101\"" "VE_ROOT=\"$T_DIR/elsewhere" \
	"VE_PRIVATE=nowhere" "VE_PRIVATE=$PRIV_101"
expect_status 107 "exist mounted running"
printf 'VE_ROOT="%s"\r\nVE_PRI\0VATE="%s"\r\n' "$VE_ROOT_101" "$PRIV_101" >"$C107"
same_status status 107
printf 'VE_ROOT="%s"\nVE_PRIVATE="%s"' "$VE_ROOT_101" "$PRIV_101" >"$C107"
same_status status 107
rm "$C107"
mkdir "$C107"
same_status delegated status 107               # a directory as the config
rmdir "$C107" "$DATA/private areas/107"
rm -f "$P107"
expect_status 107 "deleted unmounted down"

# a container whose config went away while it runs
mv "$SIMROOT/conf/101.conf" "$SIMROOT/conf/101.conf.away"
expect_status 101 "deleted mounted running"
mv "$SIMROOT/conf/101.conf.away" "$SIMROOT/conf/101.conf"

# ---------------------------------------------------------------- exec

vz exec 101 true
expect_rc "exec true" 0
vz exec 101 false
expect_rc "exec false: vzctl exec returns 8 on any failure" 8
vz exec2 101 false
expect_rc "exec2 false: exec2 returns the command's status" 1
vz exec2 101 'exit 7'
expect_rc "exec2 'exit 7'" 7
vz exec3 101 /bin/false
expect_rc "exec3 /bin/false runs the command itself" 1
vz exec 101 'echo hello | cat'
check "exec runs its arguments as a shell command line (a pipe)" test "$out" = hello
vz exec 101 cat /etc/issue
check "exec runs inside the container's root" test "$out" = "vzctl-sim container 101"
vz exec2 101 'sleep 600 </dev/null >/dev/null 2>&1 & echo $!'
bg=$out
check "exec can leave a process behind in the container ($bg)" alive "${bg:-none}"
out=$(flock "$SIMROOT/run/101.lock" env VZCTL_SIM_ROOT="$SIMROOT" "$SIM" status 101 2>&1)
check "status does not need the lock" test "$out" = "CTID 101 exist mounted running"
out_locked=$(flock "$SIMROOT/run/101.lock" env VZCTL_SIM_ROOT="$SIMROOT" "$SIM" stop 101 2>&1)
rc=$?
out=$out_locked err=
expect_rc "stop of a container locked by another vzctl" 9
expect_text "... says it is locked" 'Container already locked'

# ---------------------------------------------------------------- stop

t0=$(ms)
vz stop 101
t1=$(ms)
expect_rc "stop 101" 0
expect_text "... Stopping container ..." '^Stopping container \.\.\.$'
expect_text "... Container was stopped" '^Container was stopped$'
expect_text "... Container is unmounted" '^Container is unmounted$'
check "... init obeyed SIGTERM at once (no kill: $((t1 - t0)) ms)" \
	bash -c '! grep -q "Killing" <<<"$1" && [ "$2" -lt 5000 ]' _ "$out" "$((t1 - t0))"
expect_status 101 "exist unmounted down"
check "... init $init1 is gone" dead_soon "${init1:-none}"
check "... the process exec left behind ($bg) is gone too" dead_soon "${bg:-none}"
check "... no process is rooted in VE_ROOT" test -z "$(pids_rooted_in "$T_DIR")"
if umount "$DATA"; then
	ok "a stopped container no longer pins its filesystem: umount works"
	mount "$LOOP" "$DATA" || { not_ok "remount $LOOP"; exit 1; }
else
	not_ok "a stopped container no longer pins its filesystem"
fi

vz start 101
init1=$(init_of 101)
vz restart 101
expect_rc "restart 101" 0
check "... with a new init" test "$(init_of 101)" != "$init1" -a -n "$(init_of 101)"
expect_status 101 "exist mounted running"
vz stop 101 --skip-umount
expect_rc "stop --skip-umount" 0
expect_status 101 "exist mounted down"
vz umount 101

# init dies on its own: OpenVZ would end the whole container with it
vz start 101
init1=$(init_of 101)
vz exec2 101 'sleep 600 </dev/null >/dev/null 2>&1 & echo $!'
bg=$out
kill -KILL "${init1:-none}"
dead_soon "${init1:-none}"
expect_status 101 "exist mounted down"
vz stop 101
expect_rc "stop after init died: not running, nothing to stop" 0
check "... but the container's other processes were ended ($bg)" dead_soon "${bg:-none}"
vz umount 101
expect_rc "... and it unmounts" 0

# ---------------------------------------------------------------- VE_ROOT elsewhere

CTS+=(105)
vz create 105 --root "$T_DIR/outside roots/\$VEID"
expect_rc "create 105 with VE_ROOT off the filesystem" 0
vz start 105
expect_rc "start 105" 0
check "... VE_ROOT, outside the data filesystem, is mounted" is_mountpoint "$T_DIR/outside roots/105"
busy=$(umount "$DATA" 2>&1)
r=$?
check "a running container pins its filesystem wherever VE_ROOT is: 'target is busy'" \
	test "$r" != 0 -a -z "${busy##*target is busy*}"
vz stop 105
expect_rc "stop 105" 0
if umount "$DATA"; then
	ok "... then the filesystem unmounts"
	mount "$LOOP" "$DATA" || { not_ok "remount $LOOP"; exit 1; }
else
	not_ok "... then the filesystem unmounts"
fi
vz destroy 105
expect_rc "destroy 105" 0

# ---------------------------------------------------------------- no private

CTS+=(102)
vz create 102 --private "$T_DIR/elsewhere/102"
expect_rc "create 102 with --private elsewhere" 0
mv "$T_DIR/elsewhere/102" "$T_DIR/elsewhere/102.moved"
vz start 102
expect_rc "start with VE_PRIVATE missing" 43
expect_text "... says the private area does not exist" 'Container private area .* does not exist'
vz mount 102
expect_rc "mount with VE_PRIVATE missing" 43
expect_status 102 "deleted unmounted down"
check "... and start mounted nothing" bash -c '! findmnt --mountpoint "$1" >/dev/null' _ "$DATA/root/102"
mv "$T_DIR/elsewhere/102.moved" "$T_DIR/elsewhere/102"
vz destroy 102
expect_rc "destroy 102" 0

# ---------------------------------------------------------------- TERM ignored

CTS+=(103)
vz create 103
echo 'SIM_INIT_IGNORES_TERM=yes' >>"$SIMROOT/conf/103.conf"
vz start 103
expect_rc "start 103 (its init ignores SIGTERM)" 0
init3=$(init_of 103)
t0=$(ms)
out=$(VZCTL_SIM_ROOT=$SIMROOT SIM_STOP_TIMEOUT=2 "$SIM" stop 103 2>"$T_DIR/stderr")
rc=$?
err=$(cat "$T_DIR/stderr")
t1=$(ms)
expect_rc "stop with a 2 s timeout: killed after it, like vzctl after STOP_TIMEOUT" 0
expect_text "... Killing container ..." '^Killing container \.\.\.$'
check "... after waiting the timeout ($((t1 - t0)) ms)" test $((t1 - t0)) -ge 2000
check "... init $init3 is gone" dead_soon "${init3:-none}"
expect_status 103 "exist unmounted down"

vz start 103
init3=$(init_of 103)
t0=$(ms)
vz stop 103 --fast
t1=$(ms)
expect_rc "stop --fast" 0
check "... kills without trying SIGTERM first ($((t1 - t0)) ms)" \
	bash -c 'grep -q "^Killing container" <<<"$1" && ! grep -q "^Stopping" <<<"$1" && [ "$2" -lt 2000 ]' \
	_ "$out" "$((t1 - t0))"
check "... init $init3 is gone" dead_soon "${init3:-none}"
expect_status 103 "exist unmounted down"

vz set 103 --stop-timeout 1 --save
expect_rc "set --stop-timeout 1 --save" 0
vz start 103
t0=$(ms)
out=$(env -u SIM_STOP_TIMEOUT VZCTL_SIM_ROOT="$SIMROOT" "$SIM" stop 103 2>&1)
rc=$?
t1=$(ms)
expect_rc "stop honours STOP_TIMEOUT from the container's config" 0
check "... killed after about 1 s ($((t1 - t0)) ms)" test $((t1 - t0)) -ge 1000 -a $((t1 - t0)) -lt 5000

# ---------------------------------------------------------------- config safety

CTS+=(104)
vz create 104
cat >>"$SIMROOT/conf/104.conf" <<EOF
DESCRIPTION="\$(touch '$T_DIR/pwned1')"
HOSTNAME=\`touch '$T_DIR/pwned2'\`
X=1; touch '$T_DIR/pwned3'
EOF
vz start 104
expect_rc "start 104 with hostile lines in its config" 0
vz stop 104
vz set 104 --onboot yes --save
check "... the config was parsed, never executed" \
	test ! -e "$T_DIR/pwned1" -a ! -e "$T_DIR/pwned2" -a ! -e "$T_DIR/pwned3"
check "... and set kept those lines as they were" \
	grep -qF "HOSTNAME=\`touch '$T_DIR/pwned2'\`" "$SIMROOT/conf/104.conf"

# ---------------------------------------------------------------- quiet

vz --quiet stop 104
check "--quiet silences messages" test -z "$out$err"
vz --quiet status 104
check "--quiet still prints the status line" test "$out" = "CTID 104 exist unmounted down"

# ---------------------------------------------------------------- destroy

vz mount 101
vz destroy 101
expect_rc "destroy of a mounted container" 41
vz umount 101
vz destroy 101
expect_rc "destroy 101" 0
expect_text "... says the private area was destroyed" 'Container private area was destroyed'
check "... removed VE_PRIVATE" test ! -e "$PRIV_101"
check "... and VE_ROOT" test ! -e "$VE_ROOT_101"
check "... kept the config as 101.conf.destroyed" \
	test ! -e "$SIMROOT/conf/101.conf" -a -f "$SIMROOT/conf/101.conf.destroyed"
expect_status 101 "deleted unmounted down"
vz delete 103
expect_rc "delete 103" 0
vz destroy 104
expect_rc "destroy 104" 0

# ---------------------------------------------------------------- leftovers

cleanup
check "cleanup: no mount left below the work directory" test -z "$(mounts_below "$T_DIR")"
check "cleanup: the loop device is detached" \
	bash -c '! losetup -a | grep -qF "$1"' _ "$T_DIR"
check "cleanup: no live process rooted in the work directory" test -z "$(pids_rooted_in "$T_DIR")"
check "cleanup: the work directory is gone" test ! -e "$T_DIR"
