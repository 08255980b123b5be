#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vzha:openvz beside the agents it replaces, per action: median wall
# time, processes executed and forked (all of them, and those of the agent
# itself as opposed to those inside the container tool it runs).
#   vzctl part: openvz (backend=vzctl) and ocf:heartbeat:ManageVE, both
#     driving the vzctl simulator tests/sim/vzctl-sim (its C front-end)
#     in a world of its own; its "status" timed alone, and the bash one's.
#   lxc part: openvz (backend=lxc), ocf:heartbeat:lxc (when installed) and
#     a bare lxc-info, on a busybox LXC container.
# Prints Markdown on stdout, progress on stderr.
#
#   bench/openvz-bench.sh [-n RUNS] [-a OPENVZ] [-p vzctl|lxc|all]
#
#   -n RUNS    timed runs per action (default 20), after 3 warm-ups
#   -a OPENVZ  the openvz binary (default: the build's ./openvz;
#              "installed" means $OCF_ROOT/resource.d/vzha/openvz)
#   -p PART    which comparison to run (default all)
#
# Environment: MANAGEVE (default $OCF_ROOT/resource.d/heartbeat/ManageVE),
# LXC_AGENT (default $OCF_ROOT/resource.d/heartbeat/lxc), VZCTL_SIM (default
# tests/sim/vzctl-sim in the build tree of OPENVZ, else in this tree: make
# tests/sim/vzctl-sim), VZCTL_SIM_SH (default tests/sim/vzctl-sim.sh),
# HYPERFINE= (time with bash's clock instead).
#
# Run as root. The script re-executes itself in a private mount namespace
# (unshare -m --propagation private): its mounts (a loop-device ext4 holding
# the containers' private areas, the simulator's bind mounts, and the ext4's
# lxc directory bind-mounted over /var/lib/lxc so that ocf:heartbeat:lxc,
# which passes no -P to lxc-info, finds the container) are invisible to the
# rest of the system and vanish with it. It writes nothing outside its
# temporary directory, but for what LXC itself keeps under /run/lxc and in
# the cgroup hierarchies while the container runs, and for the one file
# ocf:heartbeat:lxc writes on the host: "notify_on_release" at the root of
# the first cgroup v1 hierarchy, which the script saves and restores. ManageVE
# hard-codes VZCTL=/usr/sbin/vzctl: the script runs a copy of it, in its
# temporary directory, whose VZCTL= line names the simulator instead, and
# installs nothing at /usr/sbin/vzctl. At exit (also when interrupted) it
# stops the containers it made, kills by pid whatever of them is left,
# unmounts, detaches and removes what it created.
set -u
export LC_ALL=C TZ=UTC
export OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf}
# what pacemaker-execd, started by systemd, gives the agents
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
BENCH=openvz-bench
. "$here/lib.sh"
RUNS=20
WARMUP=3
OPENVZ=$here/../openvz
PART=all
MANAGEVE=${MANAGEVE:-$OCF_ROOT/resource.d/heartbeat/ManageVE}
LXC_AGENT=${LXC_AGENT:-$OCF_ROOT/resource.d/heartbeat/lxc}
SIM=${VZCTL_SIM-}
SIM_SH=${VZCTL_SIM_SH:-$here/../tests/sim/vzctl-sim.sh}
CTID=101

usage() {
	sed -n '13,18s/^#   //p' "$0" >&2
	exit "${1:-2}"
}

while getopts n:a:p:h opt; do
	case $opt in
	n) RUNS=$OPTARG ;;
	a) OPENVZ=$OPTARG ;;
	p) PART=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
[ "$OPENVZ" = installed ] && OPENVZ=$OCF_ROOT/resource.d/vzha/openvz
case $RUNS in '' | *[!0-9]* | 0) echo "-n wants a positive number" >&2; exit 2 ;; esac
case $PART in vzctl | lxc | all) ;; *) usage ;; esac

[ "$(id -u)" = 0 ] || die "run as root (loop devices, mounts, containers)"
for c in unshare losetup mkfs.ext4 findmnt mount umount strace awk; do
	command -v "$c" >/dev/null || die "needs $c (apt-get install util-linux e2fsprogs strace gawk)"
done

# Everything below runs in a private mount namespace.
if [ "${OPENVZ_BENCH_NS-}" != "$$" ]; then
	OPENVZ_BENCH_NS=$$ exec unshare -m --propagation private -- "$BASH" "$self" "$@"
fi
# ... whose mounts must not leak back: make sure of it
mount --make-rprivate / 2>/dev/null

OPENVZ=$(readlink -f "$OPENVZ")
# the simulator's C front-end, built beside the openvz under test
if [ -z "$SIM" ]; then
	SIM=$here/../tests/sim/vzctl-sim
	[ -x "${OPENVZ%/*}/tests/sim/vzctl-sim" ] && SIM=${OPENVZ%/*}/tests/sim/vzctl-sim
fi
SIM=$(readlink -f "$SIM")
SIM_SH=$(readlink -f "$SIM_SH")
[ -x "$OPENVZ" ] || die "no openvz at $OPENVZ (make openvz, or -a PATH)"
HYPERFINE=${HYPERFINE-$(command -v hyperfine)} # HYPERFINE= forces the loop
[ -n "$HYPERFINE" ] || note "no hyperfine, timing each run in bash"

DO_VZ=0 DO_LXC=0
case $PART in
vzctl) DO_VZ=1 ;;
lxc) DO_LXC=1 ;;
all) DO_VZ=1 DO_LXC=1 ;;
esac
if [ "$DO_VZ" = 1 ]; then
	[ -x "$SIM" ] || die "no vzctl simulator at $SIM (make tests/sim/vzctl-sim, or VZCTL_SIM=)"
	[ -x "$SIM_SH" ] || die "no bash vzctl simulator at $SIM_SH"
	[ -x /bin/busybox ] || die "the simulator needs /bin/busybox (apt-get install busybox-static)"
	[ -r "$MANAGEVE" ] || die "no ManageVE at $MANAGEVE (apt-get install resource-agents)"
	for c in flock setsid chroot realpath; do
		command -v "$c" >/dev/null || die "the simulator needs $c"
	done
fi
HAVE_HBLXC=0
if [ "$DO_LXC" = 1 ]; then
	for c in lxc-create lxc-start lxc-stop lxc-info lxc-destroy lxc-attach; do
		command -v "$c" >/dev/null || die "the lxc part needs $c (apt-get install lxc, or -p vzctl)"
	done
	[ -x /bin/busybox ] || die "lxc-create -t busybox needs /bin/busybox (apt-get install busybox-static)"
	[ -x "$LXC_AGENT" ] && HAVE_HBLXC=1
fi

# ---------------------------------------------------------------- setup

B_DIR=$(mktemp -d /tmp/openvz-bench.XXXXXX) || die "mktemp"
B_LOOP=
DATA=$B_DIR/Data/db             # the seed's /Data/db, the DRBD filesystem
SIMROOT=$B_DIR/vz               # the simulator's /etc/vz
LXC_NAME=vzha-bench-$$          # cgroup names are global: unique per run
LXCPATH=
LXC_BOUND=0
LXC_MADE=0
AGENT_LOG=$B_DIR/agent.log
declare -A CGROUP_NOR=()        # cgroup v1 root -> its notify_on_release

# pids_rooted_in DIR: live processes whose root directory is below DIR
pids_rooted_in() {
	local d r
	for d in /proc/[0-9]*; do
		r=$(readlink "$d/root" 2>/dev/null) || continue
		case $r in "$1"/*) echo "${d#/proc/}" ;; esac
	done
}

cleanup() {
	local rc=$? p m _
	set +e
	trap '' INT TERM HUP
	if [ "$LXC_MADE" = 1 ]; then
		lxc-stop -P "$LXCPATH" -n "$LXC_NAME" -k >/dev/null 2>&1
		lxc-destroy -P "$LXCPATH" -n "$LXC_NAME" >/dev/null 2>&1
	fi
	if [ -f "$SIMROOT/conf/$CTID.conf" ]; then
		VZCTL_SIM_ROOT=$SIMROOT SIM_STOP_TIMEOUT=1 "$SIM" --quiet stop "$CTID" --fast >/dev/null 2>&1
	fi
	# whatever of the simulator's container is left: by pid
	for _ in 1 2 3; do
		for p in $(pids_rooted_in "$B_DIR"); do
			kill -KILL "$p" 2>/dev/null
		done
		[ -z "$(pids_rooted_in "$B_DIR")" ] && break
		sleep 0.2
	done
	[ "$LXC_BOUND" = 1 ] && umount "$LXCPATH"
	findmnt -rn -o TARGET | awk -v top="$B_DIR" 'index($0, top "/") == 1' |
		sort -r | while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	if [ -n "$B_LOOP" ]; then
		case $(losetup -n -O BACK-FILE "$B_LOOP" 2>/dev/null) in
		"$B_DIR"/*) losetup -d "$B_LOOP" ;;
		esac
	fi
	for m in "${!CGROUP_NOR[@]}"; do
		[ "$(cat "$m/notify_on_release" 2>/dev/null)" = "${CGROUP_NOR[$m]}" ] ||
			echo "${CGROUP_NOR[$m]}" >"$m/notify_on_release"
	done
	rm -rf --one-file-system -- "$B_DIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

truncate -s 128M "$B_DIR/disk.img"
B_LOOP=$(losetup -f --show "$B_DIR/disk.img") || die "losetup failed"
mkfs.ext4 -q -F "$B_LOOP" >/dev/null 2>&1 || die "mkfs.ext4 $B_LOOP failed"
mkdir -p "$DATA" "$SIMROOT" "$B_DIR/rsctmp"
mount "$B_LOOP" "$DATA" || die "mount $B_LOOP $DATA failed"

export OCF_RESOURCE_INSTANCE=openvz_bench HA_RSCTMP=$B_DIR/rsctmp \
	VZCTL_SIM_ROOT=$SIMROOT OCF_CHECK_LEVEL=0

MVE=
SHIM=
STUB=
MVESTUB=
if [ "$DO_VZ" = 1 ]; then
	# the simulated node: VE_ROOT on the local disk, VE_PRIVATE on the
	# replicated filesystem (/Data/db/vm/private/101 in the seed's terms)
	cat >"$SIMROOT/vz.conf" <<-EOF
		# vz.conf of the simulated node (openvz-bench)
		VE_ROOT="$B_DIR/vz/root/\$VEID"
		VE_PRIVATE="$DATA/vm/private/\$VEID"
	EOF
	"$SIM" --quiet create "$CTID" --private "$DATA/vm/private/$CTID" \
		--root "$B_DIR/vz/root/$CTID" >>"$AGENT_LOG" 2>&1 ||
		die "vzctl-sim create $CTID failed: $(tail -n 3 "$AGENT_LOG")"

	# ManageVE with its VZCTL= line, and only that, pointing at the simulator
	MVE=$B_DIR/ManageVE
	if ! sed "s|^VZCTL=/usr/sbin/vzctl\$|VZCTL=$SIM|" "$MANAGEVE" >"$MVE" ||
		! chmod 0755 "$MVE"; then
		die "cannot copy $MANAGEVE"
	fi
	[ "$(diff "$MANAGEVE" "$MVE" | grep -c '^[<>]')" = 2 ] ||
		die "$MANAGEVE has no single VZCTL=/usr/sbin/vzctl line to redirect"

	# An OpenVZ kernel's /proc/vz/veinfo, faked by an LD_PRELOAD shim that
	# redirects openat() of that path: there is no OpenVZ kernel here.
	if command -v cc >/dev/null; then
		cat >"$B_DIR/veinfo-shim.c" <<-'EOF'
			#define _GNU_SOURCE
			#include <dlfcn.h>
			#include <fcntl.h>
			#include <stdarg.h>
			#include <stdlib.h>
			#include <string.h>
			int openat(int dirfd, const char *path, int flags, ...)
			{
				static int (*real)(int, const char *, int, ...);
				const char *fake = getenv("VZHA_BENCH_VEINFO");
				mode_t mode = 0;
				va_list ap;

				va_start(ap, flags);
				if (flags & (O_CREAT | __O_TMPFILE))
					mode = va_arg(ap, mode_t);
				va_end(ap);
				if (!real)
					real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
				if (fake && path && strcmp(path, "/proc/vz/veinfo") == 0)
					path = fake;
				return real(dirfd, path, flags, mode);
			}
		EOF
		if cc -O2 -shared -fPIC -o "$B_DIR/veinfo-shim.so" \
			"$B_DIR/veinfo-shim.c" -ldl 2>>"$AGENT_LOG"; then
			SHIM=$B_DIR/veinfo-shim.so
			printf '%10s %5u %5u\n' 0 0 1 "$CTID" 0 2 >"$B_DIR/veinfo.up"
			printf '%10s %5u %5u\n' 0 0 1 >"$B_DIR/veinfo.down"
		fi
	fi
	[ -n "$SHIM" ] || note "no C compiler: no run with a faked /proc/vz/veinfo"

	# A vzctl that answers "status" at once, to time the agents without
	# the simulator: a small C program, as vzctl is
	if command -v cc >/dev/null; then
		cat >"$B_DIR/vzctl-stub.c" <<-'EOF'
			#include <stdio.h>
			#include <string.h>
			int main(int argc, char *argv[])
			{
				if (argc == 3 && strcmp(argv[1], "status") == 0) {
					printf("CTID %s exist mounted running\n", argv[2]);
					return 0;
				}
				fprintf(stderr, "vzctl-stub: only status\n");
				return 3;
			}
		EOF
		if cc -O2 -o "$B_DIR/vzctl-stub" "$B_DIR/vzctl-stub.c" 2>>"$AGENT_LOG"; then
			STUB=$B_DIR/vzctl-stub
			MVESTUB=$B_DIR/ManageVE-stub
			if ! sed "s|^VZCTL=/usr/sbin/vzctl\$|VZCTL=$STUB|" "$MANAGEVE" >"$MVESTUB" ||
				! chmod 0755 "$MVESTUB"; then
				STUB=
			fi
		fi
	fi
fi

if [ "$DO_LXC" = 1 ]; then
	mkdir -p "$DATA/lxc"
	# the default lxcpath, where ocf:heartbeat:lxc's lxc-info looks
	DEF_LXCPATH=$(lxc-config lxc.lxcpath 2>/dev/null)
	DEF_LXCPATH=${DEF_LXCPATH:-/var/lib/lxc}
	if [ -d "$DEF_LXCPATH" ] && mount --bind "$DATA/lxc" "$DEF_LXCPATH"; then
		LXCPATH=$DEF_LXCPATH
		LXC_BOUND=1
	else
		LXCPATH=$DATA/lxc
		if [ "$HAVE_HBLXC" = 1 ]; then
			note "no $DEF_LXCPATH to bind over: ocf:heartbeat:lxc (no -P) left out"
			HAVE_HBLXC=0
		fi
	fi
	note "lxc: creating busybox container $LXC_NAME in $LXCPATH"
	LXC_MADE=1
	lxc-create -q -P "$LXCPATH" -n "$LXC_NAME" -t busybox >>"$AGENT_LOG" 2>&1 ||
		die "lxc-create -t busybox failed: $(tail -n 3 "$AGENT_LOG")"
	# no network, no AppArmor (as tests/system/openvz-lxc.sh)
	sed -i -e 's/^lxc.net.0.type = .*/lxc.net.0.type = empty/' \
		-e '/^lxc.net.0.link/d' -e '/^lxc.net.0.flags/d' \
		-e 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unconfined/' \
		-e '/^lxc.apparmor.allow_nesting/d' "$LXCPATH/$LXC_NAME/config"
	# ocf:heartbeat:lxc's start and stop write 1 to notify_on_release at
	# the root of the first cgroup v1 hierarchy in /proc/mounts: restored
	# at exit
	while read -r _ mp fstype _; do
		[ "$fstype" = cgroup ] && [ -f "$mp/notify_on_release" ] &&
			CGROUP_NOR[$mp]=$(cat "$mp/notify_on_release")
	done </proc/mounts
fi

# ---------------------------------------------------------------- subjects

# A subject is a KIND and an action. Kinds:
#   ovz     openvz, backend vzctl, on the simulator
#   mve     the ManageVE copy, on the simulator
#   sim     vzctl-sim status CTID alone (the front-end, in C)
#   simsh   vzctl-sim.sh status CTID alone (the bash simulator)
#   bash    /bin/bash -c : (a bash start-up, for scale)
#   vi1 vi0 openvz, backend vzctl, /proc/vz/veinfo faked listing CTID or not
#   ovzstub mvestub  openvz and ManageVE on the vzctl stub
#   stub    the vzctl stub alone
#   ovzlxc  openvz, backend lxc
#   hblxc   ocf:heartbeat:lxc
#   lxcinfo lxc-info -n NAME -s -H alone

# owner KIND: the agent that brings the container to a state for KIND
owner() {
	case $1 in
	ovz | sim | simsh | bash | vi1 | vi0 | ovzstub | mvestub | stub) echo ovz ;;
	ovzlxc | lxcinfo) echo ovzlxc ;;
	*) echo "$1" ;;
	esac
}

# kind_env KIND ACTION: the environment Pacemaker would give, exported in
# the caller's subshell (env(1) would be timed and counted as a process).
kind_env() {
	local timeout=20000 interval=0
	case $2 in
	monitor) interval=10000 ;;
	start | stop) timeout=75000 ;;
	meta-data) timeout=5000 ;;
	esac
	export OCF_RESKEY_CRM_meta_timeout=$timeout \
		OCF_RESKEY_CRM_meta_interval=$interval OCF_CHECK_LEVEL=0
	case $1 in
	ovz | sim | simsh | bash | vi1 | vi0 | stub)
		export OCF_RESKEY_ctid=$CTID OCF_RESKEY_backend=vzctl \
			OCF_RESKEY_vzctl=$SIM OCF_RESKEY_vzconfdir=$SIMROOT
		;;
	ovzstub)
		export OCF_RESKEY_ctid=$CTID OCF_RESKEY_backend=vzctl \
			OCF_RESKEY_vzctl=$STUB OCF_RESKEY_vzconfdir=$SIMROOT
		;;
	mve | mvestub) export OCF_RESKEY_veid=$CTID ;;
	ovzlxc | lxcinfo)
		export OCF_RESKEY_ctid=$LXC_NAME OCF_RESKEY_backend=lxc \
			OCF_RESKEY_lxcpath=$LXCPATH
		;;
	hblxc)
		export OCF_RESKEY_container=$LXC_NAME \
			OCF_RESKEY_config=$LXCPATH/$LXC_NAME/config \
			OCF_RESKEY_log=$B_DIR/lxc-agent.log
		;;
	esac
	case $1 in
	vi1) export LD_PRELOAD=$SHIM VZHA_BENCH_VEINFO=$B_DIR/veinfo.up ;;
	vi0) export LD_PRELOAD=$SHIM VZHA_BENCH_VEINFO=$B_DIR/veinfo.down ;;
	esac
}

# subject_cmd KIND ACTION: the command, into the array CMD
subject_cmd() {
	case $1 in
	ovz | vi1 | vi0 | ovzlxc | ovzstub) CMD=("$OPENVZ" "$2") ;;
	mve) CMD=("$MVE" "$2") ;;
	mvestub) CMD=("$MVESTUB" "$2") ;;
	stub) CMD=("$STUB" status "$CTID") ;;
	hblxc) CMD=("$LXC_AGENT" "$2") ;;
	sim) CMD=("$SIM" status "$CTID") ;;
	simsh) CMD=("$SIM_SH" status "$CTID") ;;
	bash) CMD=(/bin/bash -c :) ;;
	lxcinfo)
		CMD=(lxc-info -n "$LXC_NAME" -s -H)
		[ "$LXCPATH" = "$DEF_LXCPATH" ] || CMD=(lxc-info -P "$LXCPATH" -n "$LXC_NAME" -s -H)
		;;
	esac
}

# tool_re KIND: the container tool, as an awk regex on an exec'd path
tool_re() {
	case $1 in
	ovzlxc | hblxc | lxcinfo) echo '(^|/)lxc-[a-z]+$' ;;
	ovzstub | mvestub | stub) printf '%s$\n' "$STUB" | sed 's/[][\.*^+?(){}|]/\\&/g' ;;
	simsh) printf '%s$\n' "$SIM_SH" | sed 's/[][\.*^+?(){}|]/\\&/g' ;;
	*) printf '%s$\n' "$SIM" | sed 's/[][\.*^+?(){}|]/\\&/g' ;;
	esac
}

# put KIND STATE: the container started or stopped by KIND's owner agent,
# so that each agent is timed from its own state.
put() {
	local o
	o=$(owner "$1")
	case $2 in started | stopped) ;; *) return 0 ;; esac
	(
		kind_env "$o" start
		subject_cmd "$o" "$([ "$2" = started ] && echo start || echo stop)"
		"${CMD[@]}" >>"$AGENT_LOG" 2>&1
	) || die "$o: cannot reach state $2; its log ends:
$(tail -n 5 "$AGENT_LOG")"
}

# quoted ARGS...: the words, quoted for hyperfine -N's word splitting
quoted() {
	local w s=
	for w; do
		printf -v w '%q' "$w"
		s+="${s:+ }$w"
	done
	printf '%s' "$s"
}

# time_ms KIND ACTION STATE: "MEDIAN MIN", the median and the shortest
# wall time in ms over RUNS runs. start
# and stop get the owner's stop/start before each run (--prepare); the
# other actions do not change the state.
time_ms() {
	local kind=$1 action=$2 state=$3 i t0 t1 o prep=() pcmd=() hf_i=()
	o=$(owner "$kind")
	put "$kind" "$state"
	kind_env "$kind" "$action"
	subject_cmd "$kind" "$action"
	case $action in
	start | stop)
		local back=stop
		[ "$action" = stop ] && back=start
		pcmd=("$(
			kind_env "$o" "$back"
			subject_cmd "$o" "$back"
			quoted "${CMD[@]}"
		)")
		prep=(--prepare "${pcmd[0]}")
		;;
	esac
	[ "$action" = monitor ] && hf_i=(-i) # not running is exit code 7
	if [ -n "$HYPERFINE" ]; then
		# -N: no shell in between, or it would be most of what is timed
		"$HYPERFINE" -N "${hf_i[@]}" --runs "$RUNS" --warmup "$WARMUP" \
			"${prep[@]}" --export-json "$B_DIR/hf.json" --style none \
			--output "$B_DIR/hf.out" -- "$(quoted "${CMD[@]}")" \
			>/dev/null 2>>"$AGENT_LOG" ||
			die "hyperfine ${CMD[*]} failed: $(tail -n 25 "$AGENT_LOG")"
		printf '%s %s\n' "$(hf_ms "$B_DIR/hf.json" median)" \
			"$(hf_ms "$B_DIR/hf.json" min)"
		return
	fi
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		case $action in
		start) put "$kind" stopped ;;
		stop) put "$kind" started ;;
		esac
		now_us t0
		"${CMD[@]}" >>"$AGENT_LOG" 2>&1
		now_us t1
		[ "$i" -ge "$WARMUP" ] && echo $((t1 - t0))
	done >"$B_DIR/times"
	printf '%s %s\n' "$(median <"$B_DIR/times" | awk '{ printf "%.2f", $1 / 1000 }')" \
		"$(sort -g "$B_DIR/times" | awk 'NR == 1 { printf "%.2f", $1 / 1000 }')"
}

# procs KIND ACTION STATE: one run under strace -f, until the subject
# exits (a start leaves the container running: strace is then stopped, and
# detaches from it). Prints
#   EXECS FORKS OWN_EXECS OWN_FORKS TOOL_RUNS RC PROGRAMS
# EXECS: successful execve() calls but the subject's own; FORKS: new
# processes (fork, vfork, clone without CLONE_THREAD, clone3). OWN_*: those
# of the agent itself and of the helpers it forks, not those inside the
# container tool (vzctl-sim, lxc-*) nor below it, nor those forked in a
# container's PID namespace. TOOL_RUNS: how often the
# agent ran the tool. PROGRAMS: what the agent executed itself, name*count.
procs() {
	local kind=$1 action=$2 state=$3 spid i apid=
	put "$kind" "$state"
	kind_env "$kind" "$action"
	subject_cmd "$kind" "$action"
	: >"$B_DIR/strace"
	# -I1: strace must die of the SIGTERM below (with -o and a command
	# it would block it)
	strace -I1 -f -q -e signal=none -e trace=execve,clone,clone3,fork,vfork \
		-o "$B_DIR/strace" -- "${CMD[@]}" >>"$AGENT_LOG" 2>&1 &
	spid=$!
	# the subject's pid: that of the first line, its execve() (strace's
	# first child may be a probe of ptrace features)
	for ((i = 0; i < 1000; i++)); do
		read -r apid _ <"$B_DIR/strace"
		case $apid in '' | *[!0-9]*) apid= ;; *) break ;; esac
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.01
	done
	# until strace has written the subject's end (it then keeps tracing
	# what the subject left running, if anything)
	while [ -n "$apid" ] && kill -0 "$spid" 2>/dev/null &&
		! grep -Eq "^$apid +\+\+\+ (exited|killed)" "$B_DIR/strace"; do
		sleep 0.01
	done
	kill -0 "$spid" 2>/dev/null && kill -TERM "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	TOOLRE=$(tool_re "$kind") awk '
		# below the tool; or of unknown origin: forked inside a PID
		# namespace, where clone() returns a pid strace does not show
		function inside(p,   q) {
			for (; p != subject; p = q) {
				q = parent[p]
				if (q == "" || toolpid[q]) return 1
			}
			return 0
		}
		FNR == 1 { pass++; delete pend; toolre = ENVIRON["TOOLRE"] }
		{ pid = $1; line = "" }
		# with -f a call can be split: "<unfinished ...>" then
		# "<... NAME resumed>"; the path and flags come first, the
		# result last
		/ (execve|clone3?|v?fork)\(/ && / <unfinished \.\.\.>$/ {
			pend[pid] = $0; next }
		/<\.\.\. (execve|clone3?|v?fork) resumed>/ {
			line = pend[pid] " " $0; delete pend[pid] }
		!/<\.\.\. / { line = $0 }
		line == "" { next }
		FNR == 1 { subject = pid }
		{ ex = 0; fk = 0; path = ""; child = "" }
		line ~ /^[0-9]+ +execve\(/ && line ~ /= 0$/ {
			ex = 1
			if (match(line, /execve\("[^"]*"/))
				path = substr(line, RSTART + 8, RLENGTH - 9)
		}
		line ~ /^[0-9]+ +(clone3?|v?fork)\(/ && line !~ /CLONE_THREAD/ &&
			match(line, /= [1-9][0-9]*$/) {
			fk = 1; child = substr(line, RSTART + 2)
		}
		pass == 1 {
			if (ex && pid == subject && !seen1) { seen1 = 1; next }
			if (ex && path ~ toolre) toolpid[pid] = 1
			if (fk) parent[child] = pid
			next
		}
		done { next }
		pid == subject && line ~ /\+\+\+ exited with [0-9]+ \+\+\+/ {
			rc = line; sub(/.*exited with /, "", rc); sub(/ .*/, "", rc)
			done = 1; next
		}
		pid == subject && line ~ /\+\+\+ killed by / { rc = "signal"; done = 1; next }
		ex {
			if (pid == subject && !seen2) { seen2 = 1; next }
			execs++
			if (!inside(pid) && !tooled[pid]) {
				own_execs++
				name = path; sub(/.*\//, "", name)
				if (!(name in prog)) order[++nprog] = name
				prog[name]++
				if (path ~ toolre) { tool_runs++; tooled[pid] = 1 }
			}
		}
		fk {
			forks++
			if (!inside(pid) && !tooled[pid]) own_forks++
		}
		END {
			s = ""
			for (i = 1; i <= nprog; i++)
				s = s (i > 1 ? "," : "") order[i] (prog[order[i]] > 1 ? "*" prog[order[i]] : "")
			printf "%d %d %d %d %d %s %s\n", execs, forks, own_execs,
				own_forks, tool_runs, (rc == "" ? "?" : rc), (s == "" ? "-" : s)
		}' "$B_DIR/strace" "$B_DIR/strace"
}

# ---------------------------------------------------------------- run

# ACTIONS: label, action, state before each run, expected exit code
ACTIONS=(
	"meta-data|meta-data|any|0"
	"monitor, running|monitor|started|0"
	"monitor, stopped|monitor|stopped|7"
	"start|start|stopped|0"
	"stop|stop|started|0"
)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A R

# bench KIND LABEL ACTION STATE RC: times and counts one subject
bench() {
	local kind=$1 label=$2 action=$3 state=$4 want=$5 p p_
	note "$kind: $label"
	p=$(procs "$kind" "$action" "$state") || exit 1
	read -r -a p_ <<<"$p"
	[ "${p_[5]}" = "$want" ] || die "$kind $action exited ${p_[5]}, expected $want; log:
$(tail -n 5 "$AGENT_LOG")"
	R[$kind,$label,procs]=$p
	p=$(time_ms "$kind" "$action" "$state") || exit 1
	read -r "R[$kind,$label,ms]" "R[$kind,$label,min]" <<<"$p"
}

if [ "$DO_VZ" = 1 ]; then
	for kind in ovz mve; do
		for a in "${ACTIONS[@]}"; do
			IFS='|' read -r label action state want <<<"$a"
			bench "$kind" "$label" "$action" "$state" "$want"
		done
		put "$kind" stopped
	done
	bench sim "status, running" status started 0
	bench sim "status, stopped" status stopped 0
	bench simsh "status, running" status started 0
	bench simsh "status, stopped" status stopped 0
	bench bash "bash -c :" - any 0
	if [ -n "$SHIM" ]; then
		bench vi1 "monitor, running" monitor started 0
		bench vi0 "monitor, stopped" monitor stopped 7
	fi
	if [ -n "$STUB" ]; then
		bench ovzstub "monitor" monitor any 0
		bench mvestub "monitor" monitor any 0
		bench stub "status" status any 0
	fi
	put ovz stopped
fi
if [ "$DO_LXC" = 1 ]; then
	kinds=(ovzlxc)
	[ "$HAVE_HBLXC" = 1 ] && kinds+=(hblxc)
	for kind in "${kinds[@]}"; do
		for a in "${ACTIONS[@]}"; do
			IFS='|' read -r label action state want <<<"$a"
			bench "$kind" "$label" "$action" "$state" "$want"
		done
		put "$kind" stopped
	done
	bench lxcinfo "lxc-info, running" - started 0
	bench lxcinfo "lxc-info, stopped" - stopped 0
	put ovzlxc stopped
fi

# ---------------------------------------------------------------- report

# field KIND LABEL N: the Nth word of a procs result
field() {
	local a
	read -r -a a <<<"${R[$1,$2,procs]-}"
	printf '%s' "${a[$3 - 1]-n/a}"
}
# ratio A B LABEL: B's time over A's, of the medians (of the minima)
ratio() {
	awk -v a="${R[$2,$3,ms]-}" -v b="${R[$1,$3,ms]-}" \
		-v c="${R[$2,$3,min]-}" -v d="${R[$1,$3,min]-}" \
		'BEGIN { if (a != "" && b > 0 && d > 0) printf "%.1fx (%.1fx)", a / b, c / d
			 else print "n/a" }'
}
# ms KIND LABEL: "median (min)"
ms() {
	if [ -n "${R[$1,$2,ms]-}" ]; then
		printf '%s (%s)' "${R[$1,$2,ms]}" "${R[$1,$2,min]}"
	else
		printf 'n/a'
	fi
}
ownall() { # own / all forks (N=4,2) or execs (N=3,1)
	[ -n "${R[$1,$2,procs]-}" ] || { printf 'n/a'; return; }
	printf '%s / %s' "$(field "$1" "$2" "$3")" "$(field "$1" "$2" "$4")"
}
progs() {
	field "$1" "$2" 7 | sed 's/,/, /g; s/\*\([0-9]*\)/ ×\1/g'
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "Host: $(nproc) CPUs ($cpu), kernel $(uname -r), $(awk -F= '$1 == "PRETTY_NAME" { gsub(/"/, "", $2); print $2 }' /etc/os-release),"
echo "$T_START, load average before the run: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "openvz: $OPENVZ; resource-agents $(dpkg-query -W -f '${Version}' resource-agents 2>/dev/null || echo '?')"
[ "$DO_LXC" = 1 ] && echo "LXC $(lxc-info --version 2>/dev/null)"
timer="hyperfine $("$HYPERFINE" --version 2>/dev/null | awk '{ print $2 }') -N, $WARMUP warm-ups"
[ -n "$HYPERFINE" ] || timer="bash's clock around each run, $WARMUP warm-ups"
echo "Wall time: median (and minimum) of $RUNS runs ($timer); the"
echo "ratios are of the medians (of the minima). Processes from one run under"
echo "strace -f, as own / all: all = every execve() or new process until the"
echo "agent exits; own = those of the agent and the helpers it forks, not"
echo "those inside or below the container tool (vzctl-sim, lxc-*) or forked"
echo "in the container's PID namespace. start is timed from stopped, stop"
echo "from started, each reached untimed by the same agent before every run."

if [ "$DO_VZ" = 1 ]; then
	echo
	echo "#### vzctl: openvz (backend=vzctl) and ManageVE, both on tests/sim/vzctl-sim"
	echo
	echo "| action | openvz ms | ManageVE ms | ManageVE / openvz | openvz forks own / all | ManageVE forks own / all | openvz execs own / all | ManageVE execs own / all | vzctl-sim runs openvz / ManageVE |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for a in "${ACTIONS[@]}"; do
		IFS='|' read -r label _ <<<"$a"
		echo "| $label | $(ms ovz "$label") | $(ms mve "$label") | $(ratio ovz mve "$label") | $(ownall ovz "$label" 4 2) | $(ownall mve "$label" 4 2) | $(ownall ovz "$label" 3 1) | $(ownall mve "$label" 3 1) | $(field ovz "$label" 5) / $(field mve "$label" 5) |"
	done
	echo
	echo "The simulator alone (its C front-end, and the bash simulator behind"
	echo "it), and a bash start-up for scale:"
	echo
	echo "| command | ms | execs | forks | programs executed |"
	echo "|---|---:|---:|---:|---|"
	for l in "status, running" "status, stopped"; do
		echo "| vzctl-sim status $CTID (${l#status, }) | $(ms sim "$l") | $(field sim "$l" 1) | $(field sim "$l" 2) | $(progs sim "$l") |"
	done
	for l in "status, running" "status, stopped"; do
		echo "| vzctl-sim.sh status $CTID (${l#status, }) | $(ms simsh "$l") | $(field simsh "$l" 1) | $(field simsh "$l" 2) | $(progs simsh "$l") |"
	done
	echo "| /bin/bash -c : | $(ms bash "bash -c :") | $(field bash "bash -c :" 1) | $(field bash "bash -c :" 2) | $(progs bash "bash -c :") |"
	if [ -n "$SHIM" ]; then
		echo
		echo "openvz with /proc/vz/veinfo faked (an LD_PRELOAD shim redirects its openat()):"
		echo
		echo "| action | openvz ms | forks own / all | execs own / all | vzctl-sim runs |"
		echo "|---|---:|---:|---:|---:|"
		echo "| monitor, running (CT $CTID listed) | $(ms vi1 "monitor, running") | $(ownall vi1 "monitor, running" 4 2) | $(ownall vi1 "monitor, running" 3 1) | $(field vi1 "monitor, running" 5) |"
		echo "| monitor, stopped (CT $CTID not listed) | $(ms vi0 "monitor, stopped") | $(ownall vi0 "monitor, stopped" 4 2) | $(ownall vi0 "monitor, stopped" 3 1) | $(field vi0 "monitor, stopped" 5) |"
	fi
	if [ -n "$STUB" ]; then
		echo
		echo "Both agents' monitor with vzctl replaced by a C stub that only prints"
		echo "\"CTID $CTID exist mounted running\" (what is left is the agents' own cost):"
		echo
		echo "| command | ms | forks own / all | execs own / all |"
		echo "|---|---:|---:|---:|"
		echo "| openvz monitor | $(ms ovzstub "monitor") | $(ownall ovzstub monitor 4 2) | $(ownall ovzstub monitor 3 1) |"
		echo "| ManageVE monitor | $(ms mvestub "monitor") | $(ownall mvestub monitor 4 2) | $(ownall mvestub monitor 3 1) |"
		echo "| the stub alone | $(ms stub "status") | $(field stub status 2) / $(field stub status 2) | $(field stub status 1) / $(field stub status 1) |"
		echo
		echo "ManageVE / openvz on the stub: $(ratio ovzstub mvestub monitor)."
	fi
	echo
	echo "Programs the agents executed themselves (own execs):"
	echo
	for a in "${ACTIONS[@]}"; do
		IFS='|' read -r label _ <<<"$a"
		echo "- $label: openvz: $(progs ovz "$label"); ManageVE: $(progs mve "$label")"
	done
fi

if [ "$DO_LXC" = 1 ]; then
	echo
	echo "#### lxc: openvz (backend=lxc), ocf:heartbeat:lxc, lxc-info (busybox container)"
	echo
	echo "| action | openvz ms | lxc ms | lxc / openvz | openvz forks own / all | lxc forks own / all | openvz execs own / all | lxc execs own / all | lxc-* runs openvz / lxc |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for a in "${ACTIONS[@]}"; do
		IFS='|' read -r label _ <<<"$a"
		echo "| $label | $(ms ovzlxc "$label") | $(ms hblxc "$label") | $(ratio ovzlxc hblxc "$label") | $(ownall ovzlxc "$label" 4 2) | $(ownall hblxc "$label" 4 2) | $(ownall ovzlxc "$label" 3 1) | $(ownall hblxc "$label" 3 1) | $(field ovzlxc "$label" 5) / $(field hblxc "$label" 5) |"
	done
	echo
	echo "| command | ms | execs | forks |"
	echo "|---|---:|---:|---:|"
	for l in "lxc-info, running" "lxc-info, stopped"; do
		subject_cmd lxcinfo -
		echo "| ${CMD[*]/$LXC_NAME/NAME} (${l#lxc-info, }) | $(ms lxcinfo "$l") | $(field lxcinfo "$l" 1) | $(field lxcinfo "$l" 2) |"
	done
	echo
	echo "Programs the agents executed themselves (own execs):"
	echo
	for a in "${ACTIONS[@]}"; do
		IFS='|' read -r label _ <<<"$a"
		echo "- $label: openvz: $(progs ovzlxc "$label"); lxc: $(progs hblxc "$label")"
	done
fi
