#!/bin/bash
# ocf:vzha:openvz with the lxc backend, for real: busybox containers whose
# config and rootfs live on a loop-mounted ext4 managed by ocf:vzha:vzfs,
# as the seed's containers live on their DRBD filesystems.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 lxc-create lxc-start lxc-info lxc-destroy
[ -x /bin/busybox ] || skip_all "needs busybox-static (the lxc busybox template)"
OPENVZ=${OPENVZ:-$top_builddir/openvz}
t_init

make_loop lxc 256
dev=$LOOP
make_fs ext4 "$dev"
dir=$T_DIR/Data/db
FS=(device="$dev" directory="$dir" fstype=ext4)
run_agent start "${FS[@]}"
expect_rc "vzfs mounts the container's filesystem" 0

lxcpath=$dir/lxc
name=vzha101-$$ # cgroup names are global: unique per test run
mkdir -p "$lxcpath"

# new_ct NAME PATH [config lines...]: a busybox container, no network
new_ct() {
	local n=$1 p=$2 line
	shift 2
	lxc-create -q -P "$p" -n "$n" -t busybox >/dev/null 2>&1 || return 1
	at_exit "lxc-stop -P '$p' -n '$n' -k >/dev/null 2>&1; lxc-destroy -P '$p' -n '$n' >/dev/null 2>&1"
	sed -i -e 's/^lxc.net.0.type = .*/lxc.net.0.type = empty/' \
		-e '/^lxc.net.0.link/d' -e '/^lxc.net.0.flags/d' \
		-e 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unconfined/' \
		-e '/^lxc.apparmor.allow_nesting/d' "$p/$n/config"
	for line; do
		echo "$line" >>"$p/$n/config"
	done
}

# ct NAME: run the openvz agent on container NAME (VZFS stays vzfs)
ct() {
	local action=$1
	shift
	VZFS=$OPENVZ run_agent "$action" backend=lxc lxcpath="$lxcpath" "$@"
}

state() {
	lxc-info -P "$lxcpath" -n "$1" -s -H 2>/dev/null
}

new_ct "$name" "$lxcpath" || skip_all "lxc-create -t busybox failed here"

ct monitor ctid="$name" OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe of a stopped container: not running" 7
ct validate-all ctid="$name"
expect_rc "validate-all" 0
ct start ctid="$name"
expect_rc "start" 0
check "lxc says RUNNING" [ "$(state "$name")" = RUNNING ]
ct start ctid="$name"
expect_rc "start again is a no-op" 0
for depth in 0 10 20; do
	ct monitor ctid="$name" inner_check="cat /etc/inittab" \
		OCF_CHECK_LEVEL=$depth OCF_RESKEY_CRM_meta_interval=10000
	expect_rc "monitor depth $depth" 0
done
ct monitor ctid="$name" inner_check="false" OCF_CHECK_LEVEL=20 \
	OCF_RESKEY_CRM_meta_interval=10000
expect_rc "depth 20 with a failing inner_check" 1
expect_reason "names the check and the container" "inner_check 'false' in container $name exited with status 1"

# vzfs cannot stop while the container runs from it
VZFS=$top_builddir/vzfs run_agent stop "${FS[@]}" force_unmount=false
expect_rc "vzfs stop is refused while the container runs (force_unmount=false)" 1

ct stop ctid="$name"
expect_rc "stop" 0
check "lxc says STOPPED" [ "$(state "$name")" = STOPPED ]
ct stop ctid="$name"
expect_rc "stop again is a no-op" 0
ct monitor ctid="$name" OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor after stop: not running" 7
expect_reason "saying so" "container $name is not running \\(STOPPED\\)"

# frozen is neither running nor stopped
ct start ctid="$name"
lxc-freeze -P "$lxcpath" -n "$name"
ct monitor ctid="$name" OCF_RESKEY_CRM_meta_interval=10000
expect_rc "monitor of a frozen container fails" 1
expect_reason "saying it is frozen" "container $name is frozen"
ct stop ctid="$name"
expect_rc "stop thaws and stops a frozen container" 0
check "STOPPED" [ "$(state "$name")" = STOPPED ]

# killed from outside
ct start ctid="$name"
pid=$(lxc-info -P "$lxcpath" -n "$name" -p -H)
kill -KILL "$pid"
wait_until 10 eval '[ "$(state "$name")" = STOPPED ]'
ct monitor ctid="$name" OCF_RESKEY_CRM_meta_interval=10000
expect_rc "a container killed from outside: monitor says not running" 7

# an init that ignores the halt signal: stop escalates within its timeout
sed -i 's/^lxc.signal.halt = .*/lxc.signal.halt = SIGURG/' "$lxcpath/$name/config"
ct start ctid="$name"
expect_rc "start (halt signal ignored by init)" 0
ct stop ctid="$name" OCF_RESKEY_CRM_meta_timeout=12000
expect_rc "stop escalates past an ignored halt signal" 0
check "STOPPED" [ "$(state "$name")" = STOPPED ]

# a container that dies right after start
new_ct "$name-dies" "$lxcpath" "lxc.init.cmd = /bin/false"
ct start ctid="$name-dies"
expect_rc "a container whose init exits at once: start fails" 1
expect_reason "with a reason" "container $name-dies"
# one whose init lives a few ms: seen exiting within start's window
new_ct "$name-dies2" "$lxcpath" "lxc.init.cmd = /bin/sleep 0.03"
ct start ctid="$name-dies2"
expect_rc "a container whose init exits after 30 ms: start fails" 1
expect_reason "with a reason" "container $name-dies2 stopped right after start"

# after the container stops, nothing pins its filesystem
VZFS=$top_builddir/vzfs run_agent stop "${FS[@]}" force_unmount=false
expect_rc "vzfs stop after openvz stop: nothing holds the filesystem" 0
check "unmounted" eval '! is_mounted "$dir"'

# the passive node: lxcpath's filesystem is not mounted
ct monitor ctid="$name" OCF_RESKEY_CRM_meta_interval=0
expect_rc "probe with the filesystem unmounted: not running" 7
ct start ctid="$name"
expect_rc "start with the filesystem unmounted: config missing here" 5
expect_reason "saying where it looked" "has no config $lxcpath/$name/config on this node"

# config on the local disk, rootfs on the (unmounted) filesystem: refused
local_path=$T_DIR/lxc-local
mkdir -p "$local_path"
new_ct "$name-l" "$local_path"
mkdir -p "$dir/rootfs-l"
sed -i "s|^lxc.rootfs.path = .*|lxc.rootfs.path = dir:$dir/rootfs-l|" \
	"$local_path/$name-l/config"
VZFS=$OPENVZ run_agent start backend=lxc lxcpath="$local_path" ctid="$name-l"
expect_rc "start from a rootfs on the root filesystem is refused" 1
expect_reason "naming the private area" "private area $dir/rootfs-l of $name-l is on the root filesystem"
check "and the container did not start" \
	[ "$(lxc-info -P "$local_path" -n "$name-l" -s -H)" = STOPPED ]
sed -i 's/^lxc.start.auto = .*//' "$local_path/$name-l/config"
echo "lxc.start.auto = 1" >>"$local_path/$name-l/config"
VZFS=$OPENVZ run_agent validate-all backend=lxc lxcpath="$local_path" ctid="$name-l"
expect_rc "validate-all with lxc.start.auto = 1" 0
printf '%s\n' "$err" | grep -q "starts on boot (lxc.start.auto = 1)" &&
	ok "warns that the container starts on boot" ||
	not_ok "warns that the container starts on boot"
rmdir "$dir/rootfs-l"

# bad input
ct validate-all ctid="a/b"
expect_rc "a ctid with a slash" 6
ct validate-all ctid="$name" backend=docker
expect_rc "an unknown backend" 6
ct validate-all ctid="$name" lxcpath=relative
expect_rc "a relative lxcpath" 6
ct validate-all
expect_rc "no ctid" 6
