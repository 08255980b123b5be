#!/bin/bash
# ocf:vzha:openvz with the vzctl backend, against tests/sim/vzctl-sim (a
# SIMULATOR of vzctl(8): containers are chrooted busybox processes over a
# bind mount of VE_PRIVATE on VE_ROOT; no OpenVZ kernel; its C front-end,
# in the build tree, answers status and hands the rest to
# tests/sim/vzctl-sim.sh). The seed's
# layout: CT 101's private area on a loop-mounted ext4 managed by
# ocf:vzha:vzfs at Data/db, CT 102's on a second one at Data/apps; VE_ROOT
# and the simulator's world (vz.conf, conf/, run/) on the local disk.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt mount umount flock setsid chroot
[ -x /bin/busybox ] || skip_all "needs /bin/busybox (apt-get install busybox-static)"
OPENVZ=${OPENVZ:-$top_builddir/openvz}
SIM=${VZCTL_SIM:-$top_builddir/tests/sim/vzctl-sim}
[ -x "$OPENVZ" ] || skip_all "$OPENVZ is not built (make openvz)"
[ -x "$SIM" ] || skip_all "no simulator at $SIM (make tests/sim/vzctl-sim)"
t_init

SIMROOT=$T_DIR/etc/vz

# Whatever the simulator failed to stop: by pid. Registered first, so it
# runs after the containers' own cleanup below.
at_exit "kill_rooted_in '$T_DIR'"

sim() {
	VZCTL_SIM_ROOT=$SIMROOT "$SIM" "$@"
}

# sim_status CTID: the simulator's status words, "exist mounted running"
sim_status() {
	local s
	s=$(sim status "$1" 2>/dev/null) || return 1
	echo "${s#CTID "$1" }"
}

status_is() {
	local s
	s=$(sim_status "$1")
	[ "$s" = "$2" ] && return 0
	diag "CT $1: status '$s', expected '$2'"
	return 1
}

# nothing_of CTID: down, unmounted, and no process chrooted in its VE_ROOT
nothing_of() {
	status_is "$1" "exist unmounted down" &&
		[ -z "$(pids_rooted_in "$T_DIR/vz/root/$1")" ]
}

init_of() {
	cut -d' ' -f1 "$SIMROOT/run/$1.pid" 2>/dev/null
}

alive() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$s" ] && [ "$s" != Z ]
}

# new_ct CTID PRIVATE: a simulated container, destroyed at exit
new_ct() {
	local out
	out=$(sim create "$1" --private "$2" --root "$T_DIR/vz/root/$1" 2>&1) || {
		diag "$out"
		return 1
	}
	at_exit "destroy_ct $1"
}

# halt_ct CTID: stopped and unmounted, whatever the agent did
halt_ct() {
	SIM_STOP_TIMEOUT=1 sim --quiet stop "$1" --fast >/dev/null 2>&1
	sim --quiet umount "$1" >/dev/null 2>&1
}

destroy_ct() {
	halt_ct "$1"
	sim --quiet destroy "$1" >/dev/null 2>&1
}

# ct ACTION [NAME=VALUE...]: the openvz agent, vzctl backend, on the
# simulator
# ovz ACTION [NAME=VALUE...]: the openvz agent (VZFS stays vzfs)
ovz() {
	VZFS=$OPENVZ INSTANCE=openvz_test run_agent "$@"
}

VZ=(vzctl="$SIM" vzconfdir="$SIMROOT" VZCTL_SIM_ROOT="$SIMROOT")
ct() {
	local action=$1
	shift
	ovz "$action" "${VZ[@]}" "$@"
}

fs() {
	VZFS=$top_builddir/vzfs run_agent "$@"
}

err_has() {
	printf '%s\n' "$err" | grep -Eq -- "$1"
}

one_reason() {
	[ "$(reason_count)" = 1 ]
}

# ---------------------------------------------------------------- setup

mkdir -p "$SIMROOT/conf" "$T_DIR/vz/root"
cat >"$SIMROOT/vz.conf" <<EOF
# the simulated node's global configuration (vz.conf(5))
VE_ROOT="$T_DIR/vz/root/\$VEID"
VE_PRIVATE="$T_DIR/vz/private/\$VEID"
EOF

make_loop db 128 || skip_all "no loop device"
dev_db=$LOOP
make_fs ext4 "$dev_db" || skip_all "mkfs.ext4 $dev_db failed"
make_loop apps 128 || skip_all "no second loop device"
dev_apps=$LOOP
make_fs ext4 "$dev_apps" || skip_all "mkfs.ext4 $dev_apps failed"
db=$T_DIR/Data/db
apps=$T_DIR/Data/apps
FS_DB=(device="$dev_db" directory="$db" fstype=ext4)
FS_APPS=(device="$dev_apps" directory="$apps" fstype=ext4)
fs start "${FS_DB[@]}"
expect_rc "vzfs mounts $db" 0
fs start "${FS_APPS[@]}"
expect_rc "vzfs mounts $apps" 0

check "vzctl-sim create 101 --private $db/vm" new_ct 101 "$db/vm"
check "vzctl-sim create 102 --private $apps/vm" new_ct 102 "$apps/vm"
check "101 exists, down" status_is 101 "exist unmounted down"

# ---------------------------------------------------------------- life cycle

ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe of a stopped CT: not running" 7
ct validate-all ctid=101
expect_rc "validate-all" 0
ct start ctid=101
expect_rc "start" 0
check "the simulator says running" status_is 101 "exist mounted running"
check "its init runs" alive "$(init_of 101)"
ct start ctid=101
expect_rc "start again is a no-op" 0
check "still the same one container" \
	test "$(pids_rooted_in "$T_DIR/vz/root/101" | wc -l)" -ge 1
for depth in 0 10 20; do
	ct monitor ctid=101 inner_check="cat /etc/issue" \
		OCF_CHECK_LEVEL=$depth OCF_RESKEY_CRM_meta_interval=10000
	expect_rc "monitor depth $depth (inner_check cat /etc/issue)" 0
done
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe of a running CT" 0
ct monitor ctid=101 inner_check="false" OCF_CHECK_LEVEL=20 \
	OCF_RESKEY_CRM_meta_interval=10000
expect_rc "depth 20 with a failing inner_check" 1
expect_reason "names the check and the CT" "inner_check 'false' in container 101 exited with status"
check "exactly one exit reason" one_reason
ct monitor ctid=101 inner_check="false" OCF_CHECK_LEVEL=10 \
	OCF_RESKEY_CRM_meta_interval=10000
expect_rc "inner_check does not run below depth 20" 0

# vzfs cannot stop while the container runs from its filesystem
init=$(init_of 101)
fs stop "${FS_DB[@]}" force_unmount=false OCF_RESKEY_CRM_meta_timeout=10000
expect_rc "vzfs stop is refused while CT 101 runs (force_unmount=false)" 1
expect_reason "naming the CT's init among the holders" "cannot unmount $db: in use by (.*, )?$init \\(init: "
check "$db is still mounted" is_mounted "$db" "$dev_db"
check "and CT 101 still runs" status_is 101 "exist mounted running"

ct stop ctid=101
expect_rc "stop" 0
check "the simulator says down and unmounted, no process left" nothing_of 101
check "its init is gone" eval '! alive "$init"'
ct stop ctid=101
expect_rc "stop again is a no-op" 0
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor after stop: not running" 7
expect_reason "saying so" "container 101 is not running \\(CTID 101 exist unmounted down\\)"

# ManageVE's name for the parameter
ovz start "${VZ[@]}" veid=101
expect_rc "start with veid=101 instead of ctid" 0
check "running" status_is 101 "exist mounted running"
ovz monitor "${VZ[@]}" veid=101 \
	OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor with veid=101" 0
ovz stop "${VZ[@]}" veid=101
expect_rc "stop with veid=101" 0
check "stopped" nothing_of 101

# inner_check at the end of start
ct start ctid=101 inner_check="cat /etc/issue"
expect_rc "start waits for inner_check and passes" 0
ct stop ctid=101
expect_rc "stop" 0

# what a stop runs: the state, a graceful stop that works, the state once
# more, and no further query once that one said the CT is gone
mkdir -p "$T_DIR/bin"
calls=$T_DIR/vzctl.calls
printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "'$calls'" "'$SIM'" \
	>"$T_DIR/bin/vzctl-logged"
chmod 755 "$T_DIR/bin/vzctl-logged"
ct start ctid=101
expect_rc "start" 0
: >"$calls"
ovz stop vzctl="$T_DIR/bin/vzctl-logged" vzconfdir="$SIMROOT" \
	VZCTL_SIM_ROOT="$SIMROOT" ctid=101
expect_rc "stop through a vzctl that logs its calls" 0
check "it ran vzctl status, stop, status: $(paste -sd, "$calls")" \
	test "$(paste -sd, "$calls")" = "status 101,stop 101,status 101"
check "the CT is down and unmounted, nothing left" nothing_of 101

# ---------------------------------------------------------------- faults

# killed from outside: init dies with SIGKILL. On OpenVZ the kernel then
# ends the CT's other processes, and vzeventd runs vzevent-stop, which
# unmounts the CT (vzctl umount). The simulator has no vzeventd: until
# something unmounts it, the CT is mounted-but-down (and, unlike OpenVZ,
# init's children live on until vzctl-sim next takes the CT's lock).
kill_init() {
	local pid
	pid=$(init_of 101)
	if [ -z "$pid" ] || ! alive "$pid"; then
		not_ok "no live init of CT 101 in $SIMROOT/run/101.pid"
		return
	fi
	kill -KILL "$pid"
	wait_until 10 eval '! alive "$pid"'
	check "init $pid killed from outside (kill -9)" eval '! alive "$pid"'
}

ct start ctid=101
expect_rc "start" 0
kill_init
sim --quiet umount 101 # what vzeventd's vzevent-stop does
check "vzeventd's part, by hand: vzctl-sim umount 101" nothing_of 101
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=10000
expect_rc "a CT killed from outside: monitor says not running" 7
expect_reason "saying so" "container 101 is not running"
ct stop ctid=101
expect_rc "stop after that" 0

# before vzeventd acted: the CT is down but mounted
ct start ctid=101
expect_rc "start" 0
kill_init
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=10000
expect_rc "a CT killed from outside, not yet unmounted: monitor fails" 1
expect_reason "saying it is down but mounted" "CT 101 is down but its root is still mounted"
ct stop ctid=101
expect_rc "stop cleans up after the killed CT" 0
check "down, unmounted, nothing left" nothing_of 101

# mounted but down: vzctl mount without start
sim --quiet mount 101
check "vzctl-sim mount 101" status_is 101 "exist mounted down"
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor of a mounted-but-down CT fails" 1
expect_reason "saying so" "CT 101 is down but its root is still mounted"
check "exactly one exit reason" one_reason
ct stop ctid=101
expect_rc "stop of a mounted-but-down CT" 0
check "unmounts it" nothing_of 101
check "VE_ROOT is no mount point" eval '! is_mounted "$T_DIR/vz/root/101"'

# an init that ignores SIGTERM: vzctl stop would wait SIM_STOP_TIMEOUT=30 s;
# the agent's own escalation (stop --fast) must end it within 8 s
echo 'SIM_INIT_IGNORES_TERM="yes"' >>"$SIMROOT/conf/102.conf"
ct start ctid=102
expect_rc "start CT 102 (init ignores SIGTERM)" 0
check "102 runs" status_is 102 "exist mounted running"
t0=$SECONDS
ct stop ctid=102 SIM_STOP_TIMEOUT=30 OCF_RESKEY_CRM_meta_timeout=8000
took=$((SECONDS - t0))
expect_rc "stop escalates past the ignored SIGTERM" 0
check "within the 8 s timeout (took ${took} s)" test "$took" -le 8
check "the log says it fast-stopped" err_has "fast-stopping container 102"
check "102 is down and unmounted, nothing left" nothing_of 102

# vzctl gone while the CT runs: stop cannot stop it and must say so
sed -i '/^SIM_INIT_IGNORES_TERM=/d' "$SIMROOT/conf/102.conf"
ct start ctid=102
ovz stop vzconfdir="$SIMROOT" VZCTL_SIM_ROOT="$SIMROOT" ctid=102 \
	vzctl=/nonexistent/vzctl
expect_rc "stop without vzctl while CT 102 runs fails" 5
expect_reason "saying the CT still runs" "/nonexistent/vzctl is not installed, but CT 102 runs or is mounted here"
ct stop ctid=102
expect_rc "stop with vzctl back" 0

out=$(sim set 102 --onboot yes --save 2>&1) || diag "$out"
ct validate-all ctid=102
expect_rc "validate-all of an ONBOOT=yes CT" 0
check "warns that it starts on boot" \
	err_has "WARNING: container 102 starts on boot \\(ONBOOT=yes\\)"
sim --quiet set 102 --onboot no --save

# ---------------------------------------------------------------- bad input

# row ACTION CODE REGEX PARAMS...: one row of the table; REGEX is matched
# against the one exit reason; nothing may start.
row() {
	local action=$1 code=$2 re=$3
	shift 3
	ovz "$action" "$@"
	if [ "$rc" = "$code" ] && [ "$(reason_count)" = 1 ] &&
		reason | grep -Eq -- "$re"; then
		ok "$action $* -> $code"
	else
		not_ok "$action $*: expected $code /$re/, got $rc '$(reason)' ($(reason_count) reason lines)"
		diag "stderr:" "$err"
	fi
	if ! nothing_of 101; then
		not_ok "$action $* started CT 101"
		halt_ct 101
	fi
}

V=(vzctl="$SIM" VZCTL_SIM_ROOT="$SIMROOT")
mkdir -p "$T_DIR/empty" # a vzconfdir without the CT's config
for action in validate-all start; do
	row $action 6 "required parameter ctid is not set" "${V[@]}" vzconfdir="$SIMROOT"
	row $action 6 "required parameter ctid is not set" "${V[@]}" vzconfdir="$SIMROOT" ctid=
	row $action 6 "ctid 'abc' must be a numeric container ID for backend vzctl" \
		"${V[@]}" vzconfdir="$SIMROOT" ctid=abc
	row $action 6 "parameter backend must be one of vzctl, lxc, got 'foo'" \
		"${V[@]}" vzconfdir="$SIMROOT" ctid=101 backend=foo
	row $action 6 "parameter vzctl must be an absolute path, got 'vzctl-sim'" \
		VZCTL_SIM_ROOT="$SIMROOT" vzconfdir="$SIMROOT" ctid=101 vzctl=vzctl-sim
	row $action 5 "/nonexistent/vzctl is not installed" \
		VZCTL_SIM_ROOT="$SIMROOT" vzconfdir="$SIMROOT" ctid=101 vzctl=/nonexistent/vzctl
	row $action 5 "container 101 has no config $T_DIR/empty/conf/101.conf on this node" \
		"${V[@]}" vzconfdir="$T_DIR/empty" ctid=101
	row $action 6 "parameter require_mounted must be a boolean .*got 'maybe'" \
		"${V[@]}" vzconfdir="$SIMROOT" ctid=101 require_mounted=maybe
	row $action 6 "parameter vzconfdir must be an absolute path, got 'etc/vz'" \
		"${V[@]}" vzconfdir=etc/vz ctid=101
done

# a probe on a node without vzctl: not running there
ovz monitor VZCTL_SIM_ROOT="$SIMROOT" vzconfdir="$SIMROOT" \
	ctid=101 vzctl=/nonexistent/vzctl OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe with vzctl=/nonexistent/vzctl: not running" 7
ovz monitor "${V[@]}" vzconfdir="$T_DIR/empty" ctid=101 \
	OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe with no config for the CT: not running" 7
ovz stop "${V[@]}" vzconfdir="$T_DIR/empty" ctid=101
expect_rc "stop with no config for the CT: nothing to stop" 0

# Where vzctl is not installed (or vzctl= is misspelt, or relative, which
# start refuses with 6), no container can have been started through it,
# so stop succeeds: after a start that failed with 5, Pacemaker stops the
# resource on that node ("Recover ct (n1 -> n2)" in crm_simulate), and a
# stop that failed would get the node fenced for a typo.
ovz stop VZCTL_SIM_ROOT="$SIMROOT" vzconfdir="$SIMROOT" \
	ctid=101 vzctl=/nonexistent/vzctl
expect_rc "stop with vzctl=/nonexistent/vzctl, nothing can run: succeeds" 0
ovz stop VZCTL_SIM_ROOT="$SIMROOT" vzconfdir="$SIMROOT" \
	ctid=101 vzctl=vzctl-sim
expect_rc "stop with vzctl=vzctl-sim (relative; start says 6): succeeds" 0

# a fifo as the config must not block the agent past its deadline
mkdir -p "$T_DIR/fifo/conf"
cp "$SIMROOT/vz.conf" "$T_DIR/fifo/"
mkfifo "$T_DIR/fifo/conf/101.conf"
AGENT_WRAPPER="timeout -s KILL 30" ovz validate-all VZCTL_SIM_ROOT="$SIMROOT" \
	vzconfdir="$T_DIR/fifo" ctid=101
expect_rc "a fifo as the CT's config: not installed, without blocking" 5
expect_reason "saying why" "cannot read $T_DIR/fifo/conf/101.conf: not a regular file"

# a config file that cannot be read, even by root: conf/101.conf is a
# directory (chmod 000 would not stop root; a fifo would block the open)
mkdir -p "$T_DIR/unreadable/conf/101.conf"
cp "$SIMROOT/vz.conf" "$T_DIR/unreadable/"
for action in validate-all start; do
	row $action 5 "cannot read $T_DIR/unreadable/conf/101.conf: not a regular file" \
		"${V[@]}" vzconfdir="$T_DIR/unreadable" ctid=101
done

# an empty parameter is an unset one: no inner_check
ct validate-all ctid=101 inner_check=
expect_rc "inner_check=\"\" is fine" 0
ct validate-all ctid=101 inner_check="cat /etc/issue"
expect_rc "inner_check with arguments is fine" 0

ct frobnicate ctid=101
expect_rc "an unknown action" 3
check "exactly one exit reason" one_reason
expect_reason "naming it" "openvz does not implement action 'frobnicate'"
err=$(env -i PATH="$PATH" OCF_RESOURCE_INSTANCE=openvz_test \
	OCF_RESKEY_ctid=101 "$OPENVZ" 2>&1 >/dev/null)
rc=$?
expect_rc "no action" 2
check "exactly one exit reason" one_reason
check "nothing of 101 started by the bad input" nothing_of 101

# ---------------------------------------------------------------- filesystem

# after the CTs stop, nothing pins their filesystems
fs stop "${FS_DB[@]}" force_unmount=false
expect_rc "vzfs stop after openvz stop: nothing holds $db" 0
check "unmounted" eval '! is_mounted "$db"'

# the passive node: the private area's filesystem is not mounted here
ct monitor ctid=101 OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe with the filesystem unmounted: not running" 7
ct start ctid=101
expect_rc "start with VE_PRIVATE missing (filesystem unmounted) fails" 1
expect_reason "naming the private area" "private area $db/vm of 101: No such file or directory"
check "exactly one exit reason" one_reason
check "and CT 101 did not start" eval '[ "$(sim_status 101)" = "deleted unmounted down" ]'

# the empty mount point someone filled: VE_PRIVATE is on /
if [ "$(findmnt -n -o TARGET -T "$T_DIR")" = / ]; then
	mkdir -p "$db/vm"
	ct start ctid=101
	expect_rc "start from a private area on / is refused" 1
	expect_reason "saying so" "private area $db/vm of 101 is on the root filesystem"
	check "exactly one exit reason" one_reason
	check "and CT 101 did not start" nothing_of 101
	ct start ctid=101 require_mounted=false
	check "require_mounted=false lets it past the check (the simulator then fails: no init)" \
		test "$rc" != 0
	expect_reason "and the reason is the simulator's" "vzctl start 101 failed"
	check "nothing started" nothing_of 101
	rmdir "$db/vm"
else
	ok "# SKIP $T_DIR is not on the root filesystem"
fi
