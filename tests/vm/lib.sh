# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/lib.sh -- two QEMU guests with real DRBD 8.4 for vzha's VM tier.
# Sourced (bash) by tests/vm/*.sh and by tests that need real DRBD; the
# scripts boot.sh, run.sh and down.sh are its command-line faces.
#
# The host kernel has no DRBD. Each guest runs Debian 12's stock kernel
# (in-tree drbd.ko = DRBD 8.4.11) on the HOST's own userland: the host's /
# is its root filesystem, read-only over virtio-9p, under a tmpfs overlay.
# Whatever is installed on the host (drbd-utils, lvm2, e2fsprogs,
# pacemaker, ...) and whatever is built in the repository runs unchanged in
# the guests; nothing is copied, and the guests never write the host's /.
#
#   guest   address      private NIC (QEMU socket netdev, UDP on 127.0.0.1)
#   deimos  10.99.0.1    listens on VZHA_VM_PORT_BASE+1, sends to +2
#   phobos  10.99.0.2    listens on VZHA_VM_PORT_BASE+2, sends to +1
#
# That NIC is each guest's only one: guest traffic cannot leave the pair.
# Each guest has one disk, /dev/vda, holding LVM VG VGroup00 with LVs db and
# apps (the seed article's layout); tests/vm/drbd.conf is its /etc/drbd.conf.
# A guest boots with DRBD loaded but no resource up (as a Pacemaker node).
#
# Functions for tests (each returns non-zero on failure, never exits):
#   vm_prepare           kernel + initramfs into the cache (tests/vm/prepare.sh)
#   vm_up                prepare, boot both guests on fresh disks, then
#                        create-md + up of db and apps on both (Connected,
#                        Secondary/Secondary, Inconsistent: nobody primary yet)
#   vm_boot NAME [--fresh]   boot one guest (its old disk unless --fresh)
#   vm_run [-t SEC] NAME CMD|-   run CMD (or the script on stdin) with bash as
#                        root in the guest; its stdout and stderr come back
#                        as such, its exit code is returned (124: timeout,
#                        125: guest not running)
#   vm_kill NAME         power cut: QMP quit, waits until QEMU is gone
#   vm_qmp NAME CMD [JSON]   one QMP command, prints the reply, e.g.
#                        vm_qmp phobos set_link '{"name":"priv","up":false}'
#   vm_wait NAME SEC ERE [N]  true once N (1) lines of NAME's /proc/drbd
#                        match ERE (grep -E), e.g. vm_wait phobos 60 'cs:Connected' 2
#   vm_down              stop both guests, remove the run state (not the cache)
#   vm_lock              wait until no other run on this host uses the guests
#                        (tap.sh and vm_up take it; see below)
#
# Files in and out: the guests see the host's whole / read-only at the same
# paths (except /run, /tmp, /var/tmp, /var/log, /var/lib/drbd, which are
# private tmpfs in each guest: do not hand them files in the host's /tmp;
# a repository cloned under /tmp is invisible to them too, so vm_stage
# copies a file into the shared folder and prints its path in the guests).
# /vm/shared in both guests is $VM_SHARED on the host, writable by all three.
#
# How the DRBD agent test uses this: `make drbd` builds the agent on the
# host as $top_builddir/drbd (e.g. /work/main/drbd); the guest executes that
# very file (same Debian 12 userland, same libraries):
#
#   . tests/vm/lib.sh
#   trap vm_down EXIT
#   vm_up || skip ...                   # both nodes, db/apps up, Secondary
#   vm_run deimos "drbdadm primary --force db"   # first sync, if wanted
#   vm_run deimos "OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=p_drbd_db \
#       OCF_RESKEY_drbd_resource=db OCF_RESKEY_CRM_meta_clone_max=2 \
#       OCF_RESKEY_CRM_meta_master_max=1 $top_builddir/drbd monitor"
#   echo "rc=$?"                          # the agent's exit code, as is
#   vm_kill deimos; vm_boot deimos        # node dies, comes back, old disk
#
# OCF_ROOT=/usr/lib/ocf is the host's (resource-agents' ocf-shellfuncs, if
# installed on the host, is there too). To install the agent the way
# Pacemaker finds it, copy it into the guest's overlay:
#   vm_run NAME "install -D -m 755 $top_builddir/drbd /usr/lib/ocf/resource.d/vzha/drbd"
# No cluster runs in the guests: crm_attribute (crm_master) fails there at
# once (rc 102, "Could not connect to the CIB"), so test promotion scores
# through the agent's own output, or start Pacemaker in the guests first.
# After vm_boot the resources are down; bring them up with the agent's start
# or `drbdadm up db`. Timing under TCG (no KVM here): every exec in a guest
# costs 0.1-0.3 s, a vm_run round trip ~0.5-1 s, a boot 15-25 s.
#
# One run at a time: the run directory, the guests' names and their UDP
# ports are fixed, so a second run (another worktree, another CI job)
# would take the first one's guests down with its vm_up. vm_lock makes it
# wait instead: a flock on $VZHA_VM_CACHE/run.lock (fd 19), held by the
# calling shell and its subshells until it exits. Take it in the test's
# own shell, not in a subshell (capture runs its command in one, whose
# lock would go with it). QEMU does not inherit it: guests left behind
# by a run that was killed do not block the next, whose vm_up removes
# them. boot.sh, run.sh and down.sh, for use by hand, do not take it.
#
# Environment: VZHA_VM_CACHE (default /var/cache/vzha/vm, outside the
# repository), VZHA_VM_KPKG (pin the kernel package, e.g.
# linux-image-6.1.0-56-amd64), VZHA_VM_ACCEL (tcg; kvm where KVM works),
# VZHA_VM_MEM_MB (512), VZHA_VM_DISK_MB (96), VZHA_VM_LV_MB (32, each of db
# and apps), VZHA_VM_PORT_BASE (47810), VZHA_VM_TIMEOUT (vm_run, 300 s),
# VZHA_VM_LOCK_WAIT (vm_lock, 1800 s).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_CACHE=${VZHA_VM_CACHE:-/var/cache/vzha/vm}
VM_CACHE=${VM_CACHE%/}
case $VM_CACHE in
/?*) ;;
*) echo "vm: VZHA_VM_CACHE must be an absolute path other than /" >&2; return 1 ;;
esac
VM_RUN=$VM_CACHE/run
VM_SHARED=$VM_RUN/shared
VM_ACCEL=${VZHA_VM_ACCEL:-tcg}
VM_MEM_MB=${VZHA_VM_MEM_MB:-512}
VM_DISK_MB=${VZHA_VM_DISK_MB:-96}
VM_LV_MB=${VZHA_VM_LV_MB:-32}
VM_PORT_BASE=${VZHA_VM_PORT_BASE:-47810}
VM_TIMEOUT=${VZHA_VM_TIMEOUT:-300}
VM_NAMES=(deimos phobos)

vm_log() { echo "vm: $*" >&2; }

# vm_lock: see "One run at a time" above. Returns non-zero when another
# run still holds the lock after VZHA_VM_LOCK_WAIT seconds. The fd is a
# fixed number so that vm_boot can close it for QEMU with a plain
# redirection; VM_LOCKED says this shell (or the one it was forked
# from) holds it: opening the file again there would wait for itself.
VM_LOCKED=
vm_lock() {
	local wait=${VZHA_VM_LOCK_WAIT:-1800} holder
	[ -n "$VM_LOCKED" ] && return 0
	mkdir -p "$VM_CACHE" || return 1
	exec 19>>"$VM_CACHE/run.lock" || return 1
	if ! flock -n 19; then
		holder=$(cat "$VM_CACHE/run.lock.owner" 2>/dev/null)
		vm_log "the guests are in use (${holder:-by another run}); waiting up to $wait s"
		if ! flock -w "$wait" 19; then
			vm_log "still in use after $wait s; giving up"
			exec 19>&-
			return 1
		fi
	fi
	VM_LOCKED=$$
	echo "pid $$ since $(date -u +%FT%TZ): ${0##*/} of $VM_DIR" \
		>"$VM_CACHE/run.lock.owner"
}

vm_index() {
	case $1 in
	deimos) echo 1 ;;
	phobos) echo 2 ;;
	*) vm_log "unknown guest '$1' (deimos or phobos)"; return 1 ;;
	esac
}

# vm_pid_alive PID: PID exists and is not a zombie (bash only, no fork).
vm_pid_alive() {
	local _p _c st
	read -r _p _c st _ <"/proc/$1/stat" 2>/dev/null && [ "$st" != Z ]
}

# vm_pid NAME: the pid of NAME's QEMU, if it runs and is ours (its command
# line names our pid file); a zombie QEMU (exited, not reaped) is not alive.
vm_pid() {
	local pf=$VM_RUN/$1/qemu.pid pid
	[ -s "$pf" ] || return 1
	read -r pid <"$pf" && vm_pid_alive "$pid" || return 1
	tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$pf" || return 1
	echo "$pid"
}

vm_prepare() {
	"$VM_DIR/prepare.sh"
}

# vm_boot NAME [--fresh]: start NAME's QEMU and wait until the guest
# answers commands (at most 180 s). --fresh: a new blank disk.
vm_boot() {
	local name=$1 fresh=${2:-} idx peer D kimg t0 i
	idx=$(vm_index "$name") || return 1
	peer=$((3 - idx))
	D=$VM_RUN/$name
	[ -s "$VM_CACHE/kernel/release" ] ||
		{ vm_log "cache not prepared: run tests/vm/prepare.sh"; return 1; }
	kimg=$VM_CACHE/kernel/vmlinux
	[ -s "$kimg" ] || kimg=$VM_CACHE/kernel/vmlinuz
	if vm_pid "$name" >/dev/null; then
		vm_log "$name is already running"
		return 1
	fi
	mkdir -p "$D/xfer/cmd" "$D/xfer/shared" "$VM_SHARED" || return 1
	# the guests mask the host's /tmp (a clone may live there): what they
	# need of the repository goes through the shared folder. Both guests
	# boot at once: a copy and a rename, as two plain cp's race (EEXIST)
	cp "$VM_DIR/drbd.conf" "$VM_SHARED/.drbd.conf.$name" &&
		mv -f "$VM_SHARED/.drbd.conf.$name" "$VM_SHARED/drbd.conf" || return 1
	rm -f "$D/qemu.pid" "$D/xfer/ready" "$D"/xfer/cmd/* "$D"/qmp.in "$D"/qmp.out
	mkfifo "$D/qmp.in" "$D/qmp.out" || return 1
	[ "$fresh" = --fresh ] && rm -f "$D/disk.raw"
	[ -f "$D/disk.raw" ] || truncate -s "${VM_DISK_MB}M" "$D/disk.raw" || return 1
	: >"$D/console.log"
	t0=$SECONDS
	qemu-system-x86_64 -name "$name" \
		-machine "pc,accel=$VM_ACCEL" -cpu max -smp 1 -m "$VM_MEM_MB" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kimg" -initrd "$VM_CACHE/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 vzha.name=$name vzha.init=$VM_DIR/guest-init.sh vzha.cache=$VM_CACHE vzha.lvmb=$VM_LV_MB" \
		-serial "file:$D/console.log" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
		-fsdev "local,id=xfer,path=$D/xfer,security_model=none" \
		-device virtio-9p-pci,fsdev=xfer,mount_tag=vmxfer \
		-fsdev "local,id=shared,path=$VM_SHARED,security_model=none" \
		-device virtio-9p-pci,fsdev=shared,mount_tag=vmshared \
		-drive "file=$D/disk.raw,format=raw,if=virtio,cache=writeback" \
		-netdev "socket,id=priv,udp=127.0.0.1:$((VM_PORT_BASE + peer)),localaddr=127.0.0.1:$((VM_PORT_BASE + idx))" \
		-device "virtio-net-pci,netdev=priv,mac=52:54:00:99:00:0$idx" \
		-chardev "pipe,id=qmp,path=$D/qmp" -mon chardev=qmp,mode=control \
		-pidfile "$D/qemu.pid" -daemonize 19>&- ||
		{ vm_log "$name: qemu failed to start"; return 1; }
	# QMP greets on the pipe; negotiate once for the life of this QEMU.
	vm_qmp "$name" qmp_capabilities >/dev/null ||
		vm_log "$name: no QMP answer (vm_kill will fall back to signals)"
	for ((i = 0; i < 900; i++)); do
		if [ -f "$D/xfer/ready" ]; then
			vm_log "$name up in $((SECONDS - t0)) s ($(cat "$D/xfer/ready"))"
			return 0
		fi
		vm_pid "$name" >/dev/null || break
		sleep 0.2
	done
	vm_log "$name did not come up; console:"
	tail -n 20 "$D/console.log" >&2
	return 1
}

# vm_qmp NAME COMMAND [ARGS-JSON]: QMP over the QEMU "pipe" chardev
# ($D/qmp.in, $D/qmp.out: FIFOs, opened read-write so nothing blocks) in
# plain bash: no python3, no socat. Replies are matched by "id"; events
# that queued meanwhile are skipped. One caller at a time (flock).
vm_qmp() {
	local name=$1 cmd=$2 args=${3:-} D=$VM_RUN/$1 id line rc=124 lk out
	vm_pid "$name" >/dev/null || return 125
	id=vzha$RANDOM$RANDOM
	exec {lk}>"$D/qmp.lock" {out}<>"$D/qmp.out"
	flock "$lk"
	printf '{"execute":"%s"%s,"id":"%s"}\n' "$cmd" "${args:+,\"arguments\":$args}" "$id" \
		1<>"$D/qmp.in"
	if [ "$cmd" != quit ]; then
		while IFS= read -r -t 10 -u "$out" line; do
			case $line in
			*"\"$id\""*)
				printf '%s\n' "$line"
				case $line in *'"error"'*) rc=1 ;; *) rc=0 ;; esac
				break
				;;
			esac
		done
	else
		rc=0
	fi
	exec {out}<&- {lk}>&-
	return $rc
}

# vm_kill NAME: power cut (QMP quit; SIGKILL by pid if QEMU does not go).
# The disk stays: vm_boot NAME brings the node back with its old data.
vm_kill() {
	local name=$1 pid i
	pid=$(vm_pid "$name") || return 0
	vm_qmp "$name" quit
	for ((i = 0; i < 100; i++)); do
		vm_pid "$name" >/dev/null || break
		sleep 0.1
	done
	if vm_pid "$name" >/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		sleep 2
		vm_pid "$name" >/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$VM_RUN/$name/qemu.pid"
}

# vm_down: stop both guests (by their pid files only) and remove the run
# state (disks, logs, FIFOs). The kernel/initramfs cache is kept.
vm_down() {
	local n
	for n in "${VM_NAMES[@]}"; do
		vm_kill "$n"
		rm -rf "${VM_RUN:?}/$n"
	done
	rm -rf "$VM_SHARED"
	rmdir "$VM_RUN" 2>/dev/null
	return 0
}

# vm_run [-t SEC] NAME CMD...|-: the command drop. The script goes to
# $D/xfer/cmd/ID.sh (written, then renamed); the guest's init polls /vm/cmd,
# runs it with bash and leaves ID.out, ID.err, then ID.rc.
vm_run() {
	local tmo=$VM_TIMEOUT name C id pid rc
	if [ "$1" = -t ]; then tmo=$2; shift 2; fi
	name=$1
	shift
	C=$VM_RUN/$name/xfer/cmd
	pid=$(vm_pid "$name") || { vm_log "$name is not running"; return 125; }
	id=$(date +%s%N).$BASHPID.$RANDOM
	if [ "${1:-}" = - ]; then cat >"$C/.$id"; else printf '%s\n' "$*" >"$C/.$id"; fi
	mv "$C/.$id" "$C/$id.sh"
	local end=$((SECONDS + tmo))
	while [ ! -e "$C/$id.rc" ]; do
		if [ $SECONDS -ge $end ]; then
			vm_log "$name: timeout after $tmo s: $*"
			return 124
		fi
		vm_pid_alive "$pid" ||
			{ vm_log "$name went away during: $*"; return 125; }
		sleep 0.1
	done
	cat "$C/$id.out"
	cat "$C/$id.err" >&2
	read -r rc <"$C/$id.rc"
	rm -f "$C/$id".*
	return "$rc"
}

# vm_wait NAME SECONDS ERE [COUNT]: poll (inside the guest) until at least
# COUNT (1) lines of /proc/drbd match ERE (no single quotes in it); prints
# /proc/drbd when it gives up.
vm_wait() {
	vm_run -t $(($2 + 30)) "$1" "end=\$((SECONDS + $2))
		while [ \$SECONDS -lt \$end ]; do
			[ \$(grep -Ec '$3' /proc/drbd) -ge ${4:-1} ] && exit 0
			busybox sleep 0.3
		done; cat /proc/drbd; exit 1"
}

# vm_stage FILE: copy FILE (e.g. the host-built agent) into the shared
# folder and print its path as the guests see it.
vm_stage() {
	install -m 0755 "$1" "$VM_SHARED/$(basename "$1")" || return 1
	echo "/vm/shared/$(basename "$1")"
}

# vm_up: the two-node DRBD pair, fresh: both guests on new disks, meta-data
# created and resources db and apps up on both, connected, nobody primary.
vm_up() {
	vm_lock || return 1
	vm_prepare || return 1
	vm_down
	local p
	vm_boot deimos --fresh &
	p=$!
	vm_boot phobos --fresh || { wait $p; return 1; }
	wait $p || return 1
	# shellcheck disable=SC2016 # expands in the guest
	local init='o=$(drbdadm create-md --force all 2>&1) || { echo "$o" >&2; exit 1; }
		drbdadm up all'
	vm_run deimos "$init" &
	p=$!
	vm_run phobos "$init" || { wait $p; return 1; }
	wait $p || return 1
	vm_wait deimos 60 ' cs:Connected ' 2
}
