#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vzctl-sim.sh: a SIMULATOR of OpenVZ's vzctl(8), for vzha's tests ONLY.
#
# Run it through its front-end tests/sim/vzctl-sim (built from
# vzctl-sim.c): that small C program answers "status CTID" itself, from
# the same state this script keeps and exactly as this script's
# act_status does, and execs this script for everything else. The real
# vzctl is a C program whose status costs little more than its exec
# (about 1 ms here); this script costs about 5 ms before it does
# anything (bash starting and parsing nearly 1200 lines), which made
# benchmarks of the agents against the simulator measure the simulator.
# tests/sim/test-vzctl-sim.sh compares the two status implementations
# in every state. Run alone, this script is the whole simulator, status
# included.
#
# This is not vzctl and it involves no OpenVZ kernel. It imitates the
# documented behaviour of vzctl (man vzctl(8), ctid.conf(5), vz.conf(5) of
# kolyshkin/vzctl, release 4.11.1, and the messages and exit codes of its
# sources) closely enough for the resource agents' tests:
#
#   - a container's "private area" (VE_PRIVATE) is a directory holding a
#     tiny busybox root filesystem; "mounting" it bind-mounts VE_PRIVATE
#     on VE_ROOT, a real mount (what vzctl itself does on a kernel without
#     simfs). It keeps the filesystem holding VE_PRIVATE alive, and makes
#     its mount busy ("target is busy") when VE_ROOT lies on it too, as
#     in the usual /vz/root + /vz/private layout;
#   - a running container is its init, a real process chrooted into VE_ROOT
#     in a session of its own; every process whose session is init's, or
#     whose root directory is VE_ROOT, belongs to the container. init also
#     holds VE_PRIVATE open, so that a running container pins the mount of
#     the filesystem holding VE_PRIVATE wherever VE_ROOT is, as simfs does;
#   - when init dies, the container's other processes are killed the next
#     time vzctl-sim looks (OpenVZ ends a container with its init);
#   - stop sends SIGTERM (where vzctl runs halt(8) inside the container),
#     waits STOP_TIMEOUT, then kills (SIGKILL) whatever is left, as vzctl
#     does after its timeout; --fast kills at once. Stopping a stopped
#     container succeeds (exit 0), as in vzctl since 2005;
#   - exec runs "sh -c '<arguments joined by blanks>'" in the container and,
#     like vzctl, exits 8 when that fails; exec2 exits with the command's
#     own status; exec3 runs the command without a shell.
#
# Its world lives under $VZCTL_SIM_ROOT (default /etc/vz):
#   vz.conf              global defaults (VE_ROOT, VE_PRIVATE with $VEID,
#                        STOP_TIMEOUT ...)
#   conf/CTID.conf       per container (VE_ROOT, VE_PRIVATE, ONBOOT ...)
#   run/CTID.pid         "PID STARTTIME" of a running container's init
#   run/CTID.lock        the per-container lock (flock(1))
# Configuration files are parsed as vzctl parses them (NAME=value or
# NAME="value" lines, '#' comments); they are never sourced or evaluated.
#
# Simulator-only knobs:
#   SIM_STOP_TIMEOUT (environment)    seconds stop waits before killing;
#                                     wins over STOP_TIMEOUT (default 10,
#                                     where real vzctl defaults to 120)
#   SIM_INIT_IGNORES_TERM=yes (CTID.conf)  the container's init ignores
#                                     SIGTERM, so only a kill stops it
#   VZCTL_SIM_BUSYBOX (environment)   the static busybox copied into new
#                                     containers (default /bin/busybox)
#
# Not simulated: ploop, quotas, networking, UBC/resource limits, names,
# action scripts, checkpointing, consoles, "enter", "runscript".
# Processes are found and signalled by pid (no pkill/killall).

set -u
set +m
export LC_ALL=C

SIM_VERSION=4.11.1
SIM_ROOT=${VZCTL_SIM_ROOT:-/etc/vz}
GLOBAL_CFG=$SIM_ROOT/vz.conf
CONF_DIR=$SIM_ROOT/conf
RUN_DIR=$SIM_ROOT/run
DEF_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DEF_SIM_STOP_TIMEOUT=10
BUSYBOX=${VZCTL_SIM_BUSYBOX:-/bin/busybox}

# Exit codes: vzctl(8) EXIT STATUS (= include/vzerror.h).
VZ_SYSTEM_ERROR=3
VZ_COMMAND_EXECUTION_ERROR=8
VZ_LOCKED=9
VZ_NOCONFIG=10
VZ_NOVECONFIG=14
VZ_INVALID_PARAMETER_SYNTAX=20
VZ_INVALID_PARAMETER_VALUE=21
VZ_VE_ROOT_NOTSET=22
VZ_VE_PRIVATE_NOTSET=23
VZ_VE_NOT_RUNNING=31
VZ_VE_RUNNING=32
VZ_STOP_ERROR=33
VZ_FS_NOT_MOUNTED=40
VZ_FS_MOUNTED=41
VZ_FS_NOPRVT=43
VZ_FS_PRVT_AREA_EXIST=44
VZ_FS_BAD_TMPL=47
VZ_FS_NEW_VE_PRVT=48
VZ_FS_MPOINTCREATE=49
VZ_FS_CANTMOUNT=50
VZ_FS_CANTUMOUNT=51
VZ_FS_DEL_PRVT=52
VZ_CP_CONFIG=82
VZ_PLOOP_UNSUP=99
VZ_VE_START_DISABLED=105
VZ_CONFIG_SAVE_ERROR=139

QUIET=0
VERBOSE=0

# ------------------------------------------------------------ messages
# Like vzctl: informational messages on stdout, errors on stderr.

msg() {
	[ "$QUIET" = 1 ] || printf '%s\n' "$*"
}

err() {
	[ "$QUIET" = 1 ] || printf '%s\n' "$*" >&2
}

dbg() {
	[ "$QUIET" = 1 ] || [ "$VERBOSE" -lt 1 ] || printf '%s\n' "$*"
}

die() {
	local rc=$1
	shift
	err "$@"
	exit "$rc"
}

version() {
	echo "vzctl version $SIM_VERSION-sim (vzctl-sim: a SIMULATOR of OpenVZ vzctl for tests; not the real tool, no OpenVZ kernel involved)"
}

usage() {
	local rc=$1 fd=1
	[ "$rc" = 0 ] || fd=2
	{
		version
		cat <<'EOF'
This program only SIMULATES vzctl(8) for vzha's test suite: containers are
chrooted busybox processes over a bind mount of VE_PRIVATE on VE_ROOT.
World: $VZCTL_SIM_ROOT (default /etc/vz): vz.conf, conf/CTID.conf, run/.

Usage: vzctl [--quiet] [--verbose] [--skiplock] <command> <ctid> [parameters]

vzctl create <ctid> [--private <path>] [--root <path>] [--ostemplate <name>]
   [--config <name>] [--layout simfs] [--hostname <name>] [--ipadd <addr>]
   [--onboot yes|no  (simulator extension)]
vzctl start <ctid> [--wait] [--force] [--skip-fsck] [--skip-remount]
vzctl stop <ctid> [--fast] [--skip-umount]
vzctl restart <ctid> [--wait] [--force] [--fast]
vzctl destroy | delete | mount | umount | status <ctid>
vzctl exec | exec2 <ctid> <command> [arg ...]
vzctl exec3 <ctid> <command> [arg ...]
vzctl set <ctid> [--save] [--force] [--onboot yes|no] [--bootorder <N>]
   [--private <path>] [--root <path>] [--disabled yes|no]
   [--description <text>] [--hostname <name>] [--stop-timeout <seconds>]
vzctl --help | --version

Simulator knobs: SIM_STOP_TIMEOUT=<seconds> (environment, default 10);
SIM_INIT_IGNORES_TERM=yes in CTID.conf (init ignores SIGTERM).
Not supported by the simulator: enter, console, runscript, suspend/resume,
snapshots, convert, compact, quota*, ploop, networking, resource limits.
EOF
	} >&"$fd"
	exit "$rc"
}

# ------------------------------------------------------------ config files

# conf_get FILE NAME: the value of the last NAME= line of FILE, parsed like
# vzctl's parse_line(): leading/trailing blanks dropped, '#' comments and
# lines without '=' skipped; a value starting with '"' ends at the last '"'.
# Sets REPLY; returns 1 when FILE has no such line (or cannot be read).
conf_get() {
	local file=$1 name=$2 line= key val found=1
	REPLY=
	[ -r "$file" ] || return 1
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		case $line in
		'' | '#'*) continue ;;
		*=*) ;;
		*) continue ;;
		esac
		key=${line%%=*}
		[ "$key" = "$name" ] || continue
		val=${line#*=}
		case $val in
		'"'*)
			val=${val#'"'}
			case $val in
			*'"'*) val=${val%'"'*} ;;
			*) continue ;; # unmatched quotes: vzctl skips the line
			esac
			;;
		esac
		REPLY=$val
		found=0
	done <"$file"
	return "$found"
}

# subst_veid VALUE: $VEID and ${VEID} replaced by the CT ID, trailing
# slashes dropped (vzctl's subst_VEID()). Sets REPLY.
# shellcheck disable=SC2016 # the literal strings $VEID and ${VEID}
subst_veid() {
	local v=$1
	v=${v//'${VEID}'/$CTID}
	v=${v//'$VEID'/$CTID}
	while [ "${#v}" -gt 1 ] && [ "${v%/}" != "$v" ]; do
		v=${v%/}
	done
	REPLY=$v
}

# param NAME: the container's value of NAME (CTID.conf over vz.conf).
# Sets REPLY; returns 1 when neither sets it.
param() {
	if conf_get "$CT_CONF" "$1"; then
		return 0
	fi
	conf_get "$GLOBAL_CFG" "$1"
}

# set_ct_path NAME VALUE: NAME_ORIG as written and NAME with $VEID
# substituted, for NAME VE_ROOT or VE_PRIVATE.
set_ct_path() {
	printf -v "$1_ORIG" '%s' "$2"
	subst_veid "$2"
	printf -v "$1" '%s' "$REPLY"
}

# load_ct: VE_ROOT/VE_PRIVATE (substituted) and the derived paths.
load_ct() {
	VE_ROOT=
	VE_PRIVATE=
	VE_ROOT_ORIG=
	VE_PRIVATE_ORIG=
	if param VE_ROOT && [ -n "$REPLY" ]; then
		set_ct_path VE_ROOT "$REPLY"
	fi
	if param VE_PRIVATE && [ -n "$REPLY" ]; then
		set_ct_path VE_PRIVATE "$REPLY"
	fi
	PID_FILE=$RUN_DIR/$CTID.pid
	LOCK_FILE=$RUN_DIR/$CTID.lock
}

# conf_set FILE NAME VALUE...: rewrites FILE with NAME="VALUE" (the first
# NAME= line replaced in place, later ones dropped, appended if absent).
# Arguments come in NAME VALUE pairs. Sets CONF_CHANGED=1 if anything
# changed. Never evaluates the file.
conf_set() {
	local file=$1 tmp line key i done_keys=() n
	shift
	local -a names=() values=()
	while [ $# -ge 2 ]; do
		case $2 in
		*$'\n'*)
			err "Invalid value for $1: contains a newline"
			return "$VZ_INVALID_PARAMETER_VALUE"
			;;
		esac
		names+=("$1")
		values+=("$2")
		shift 2
	done
	CONF_CHANGED=0
	n=${#names[@]}
	mkdir -p -- "$(dirname -- "$file")" || return "$VZ_CONFIG_SAVE_ERROR"
	tmp=$file.sim-tmp.$$
	{
		if [ -f "$file" ]; then
			while IFS= read -r line || [ -n "$line" ]; do
				key=${line#"${line%%[![:space:]]*}"}
				case $key in
				*=*) key=${key%%=*} ;;
				*) key= ;;
				esac
				for ((i = 0; i < n; i++)); do
					[ -n "$key" ] && [ "$key" = "${names[i]}" ] || continue
					if [[ " ${done_keys[*]-} " == *" $key "* ]]; then
						CONF_CHANGED=1
						continue 2
					fi
					done_keys+=("$key")
					if [ "$line" != "${names[i]}=\"${values[i]}\"" ]; then
						CONF_CHANGED=1
					fi
					printf '%s="%s"\n' "${names[i]}" "${values[i]}"
					continue 2
				done
				printf '%s\n' "$line"
			done <"$file"
		fi
		for ((i = 0; i < n; i++)); do
			if [[ " ${done_keys[*]-} " != *" ${names[i]} "* ]]; then
				printf '%s="%s"\n' "${names[i]}" "${values[i]}"
				done_keys+=("${names[i]}")
				CONF_CHANGED=1
			fi
		done
	} >"$tmp" || {
		rm -f -- "$tmp"
		err "Unable to write $file"
		return "$VZ_CONFIG_SAVE_ERROR"
	}
	mv -f -- "$tmp" "$file" || {
		rm -f -- "$tmp"
		return "$VZ_CONFIG_SAVE_ERROR"
	}
	return 0
}

# ------------------------------------------------------------ state probes

# mountinfo_escape PATH: PATH as the kernel writes it in mountinfo.
mountinfo_escape() {
	local s=$1
	s=${s//\\/\\134}
	s=${s// /\\040}
	s=${s//$'\t'/\\011}
	s=${s//$'\n'/\\012}
	REPLY=$s
}

# canon_lexical PATH: "realpath -m PATH" without a fork, in REPLY, where
# that can be done exactly: for an absolute PATH none of whose existing
# components is a symlink, realpath -m is the lexical normalisation (no
# empty or "." components, ".." drops the component before it). Each
# component is checked with [ -L ] before a ".." may drop it. Returns 1
# (REPLY empty) for a relative PATH or one through a symlink. vzctl-sim.c
# does the same, step for step.
canon_lexical() {
	local p=$1/ c res=
	REPLY=
	[ "${p#/}" != "$p" ] || return 1
	while [ -n "$p" ]; do
		c=${p%%/*}
		p=${p#*/}
		case $c in
		'' | .) ;;
		..) res=${res%/*} ;;
		*)
			res=$res/$c
			[ ! -L "$res" ] || return 1
			;;
		esac
	done
	REPLY=${res:-/}
}

# is_mountpoint PATH: PATH (canonicalised as by realpath -m) is a mount
# point, per /proc/self/mountinfo. realpath(1), a fork, runs only for a
# relative PATH or one through a symlink, so the status of a container
# whose VE_ROOT is neither forks nothing.
is_mountpoint() {
	local real want _a _b _c _d mp _rest
	if canon_lexical "$1"; then
		real=$REPLY
	else
		real=$(realpath -m -- "$1") || return 1
	fi
	mountinfo_escape "$real"
	want=$REPLY
	while read -r _a _b _c _d mp _rest; do
		[ "$mp" = "$want" ] && return 0
	done </proc/self/mountinfo
	return 1
}

ct_is_mounted() {
	[ -n "$VE_ROOT" ] && is_mountpoint "$VE_ROOT"
}

# proc_stat PID: sets P_STATE P_SESSION P_START from /proc/PID/stat
# (fields 3, 6 and 22; the command name may hold blanks and parentheses).
proc_stat() {
	local line rest
	local -a f
	{ IFS= read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	rest=${line##*) }
	read -r -a f <<<"$rest"
	P_STATE=${f[0]-}
	P_SESSION=${f[3]-}
	P_START=${f[19]-}
	[ -n "$P_STATE" ]
}

# in_ct_root PID: the root directory of PID is the container's VE_ROOT.
in_ct_root() {
	[ -n "$VE_ROOT" ] && [ -d "$VE_ROOT" ] &&
		[ "/proc/$1/root/" -ef "$VE_ROOT/" ] 2>/dev/null
}

# ct_is_running: the recorded init still lives (same start time, not a
# zombie) and still has VE_ROOT as its root directory.
ct_is_running() {
	local pid start
	[ -r "$PID_FILE" ] || return 1
	read -r pid start <"$PID_FILE" 2>/dev/null || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	proc_stat "$pid" || return 1
	[ "$P_STATE" != Z ] || return 1
	[ -z "${start-}" ] || [ "$P_START" = "$start" ] || return 1
	in_ct_root "$pid"
}

# ct_pids: every live process of the container, in CT_PIDS: those in
# init's session and those whose root directory is VE_ROOT.
ct_pids() {
	local d p sess=
	CT_PIDS=()
	if [ -r "$PID_FILE" ]; then
		read -r sess _ <"$PID_FILE" 2>/dev/null || sess=
	fi
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = "$$" ] && continue
		[ "$p" = "$BASHPID" ] && continue
		proc_stat "$p" || continue
		[ "$P_STATE" = Z ] && continue
		if { [ -n "$sess" ] && [ "$P_SESSION" = "$sess" ]; } || in_ct_root "$p"; then
			CT_PIDS+=("$p")
		fi
	done
}

# signal_ct SIG: sends SIG to every process of the container (by pid).
signal_ct() {
	ct_pids
	[ ${#CT_PIDS[@]} -gt 0 ] || return 1
	dbg "Sending SIG$1 to ${CT_PIDS[*]}"
	kill -s "$1" -- "${CT_PIDS[@]}" 2>/dev/null
	return 0
}

# reap_dead_ct: init died, but the container's pid file is still there:
# kill what is left of the container, as OpenVZ does when init exits.
reap_dead_ct() {
	local i
	[ -e "$PID_FILE" ] || return 0
	ct_is_running && return 0
	for ((i = 0; i < 50; i++)); do
		signal_ct KILL || break
		sleep 0.1
	done
	rm -f -- "$PID_FILE"
}

# ------------------------------------------------------------ locking

lock_ct() {
	if [ "$SKIPLOCK" = 1 ]; then
		exec {LOCK_FD}</dev/null # so that "{LOCK_FD}>&-" stays valid
		return 0
	fi
	mkdir -p -- "$RUN_DIR" || die "$VZ_SYSTEM_ERROR" "Unable to lock container"
	exec {LOCK_FD}>>"$LOCK_FILE" || die "$VZ_SYSTEM_ERROR" "Unable to lock container"
	flock -n "$LOCK_FD" || die "$VZ_LOCKED" "Container already locked"
}

# ------------------------------------------------------------ fs operations

# do_mount: bind-mount VE_PRIVATE on VE_ROOT (vzctl's fsmount()).
do_mount() {
	if ! mkdir -p -- "$VE_ROOT" 2>/dev/null; then
		err "Can't create mount point $VE_ROOT"
		return "$VZ_FS_MPOINTCREATE"
	fi
	local out
	if ! out=$(mount --bind "$VE_PRIVATE" "$VE_ROOT" 2>&1); then
		err "Can't mount: $VE_ROOT $VE_PRIVATE: $out"
		return "$VZ_FS_CANTMOUNT"
	fi
	return 0
}

do_umount() {
	local out
	if ! out=$(umount "$VE_ROOT" 2>&1); then
		err "Can't umount $VE_ROOT: $out"
		return "$VZ_FS_CANTUMOUNT"
	fi
	return 0
}

# vps_mount: vzctl's vps_mount() (mount action, and start).
vps_mount() {
	[ -n "$VE_ROOT" ] || { err "VE_ROOT is not set"; return "$VZ_VE_ROOT_NOTSET"; }
	[ -n "$VE_PRIVATE" ] || { err "VE_PRIVATE is not set"; return "$VZ_VE_PRIVATE_NOTSET"; }
	if ct_is_mounted; then
		err "Container is already mounted"
		return 0
	fi
	if [ ! -e "$VE_PRIVATE" ]; then
		err "Container private area $VE_PRIVATE does not exist"
		return "$VZ_FS_NOPRVT"
	fi
	do_mount || return
	msg "Container is mounted"
	return 0
}

# vps_umount: vzctl's vps_umount() (umount action, and stop).
vps_umount() {
	[ -n "$VE_ROOT" ] || { err "VE_ROOT is not set"; return "$VZ_VE_ROOT_NOTSET"; }
	if ! ct_is_mounted; then
		err "CT is not mounted"
		return "$VZ_FS_NOT_MOUNTED"
	fi
	if ct_is_running; then
		err "Container is running -- stop it first"
		return "$VZ_VE_RUNNING"
	fi
	do_umount || return
	msg "Container is unmounted"
	return 0
}

# ------------------------------------------------------------ options

# opt_value: for "--name value" or "--name=value" in OPT_ARGS at OPT_I,
# sets REPLY to the value and advances OPT_I past it.
OPT_ARGS=()
OPT_I=0
opt_value() {
	local a=${OPT_ARGS[OPT_I]}
	case $a in
	--*=*)
		REPLY=${a#*=}
		;;
	*)
		if [ $((OPT_I + 1)) -ge ${#OPT_ARGS[@]} ]; then
			die "$VZ_INVALID_PARAMETER_SYNTAX" "vzctl: option '$a' requires an argument"
		fi
		OPT_I=$((OPT_I + 1))
		REPLY=${OPT_ARGS[OPT_I]}
		;;
	esac
}

bad_option() {
	die "$VZ_INVALID_PARAMETER_SYNTAX" "vzctl: unrecognized option '$1'"
}

yes_no() {
	case $2 in
	yes | no) REPLY=$2 ;;
	*) die "$VZ_INVALID_PARAMETER_VALUE" "Bad parameter for $1: $2" ;;
	esac
}

stop_timeout() {
	local t=
	if [ -n "${SIM_STOP_TIMEOUT-}" ]; then
		t=$SIM_STOP_TIMEOUT
	elif param STOP_TIMEOUT && [ -n "$REPLY" ] && [ "$REPLY" != 0 ]; then
		t=$REPLY
	fi
	[[ $t =~ ^[0-9]+$ ]] && [ "$t" -gt 0 ] || t=$DEF_SIM_STOP_TIMEOUT
	REPLY=$t
}

# ------------------------------------------------------------ actions

act_status() {
	local exist=deleted mounted=unmounted run=down
	if [ -n "$VE_PRIVATE" ] && [ -e "$VE_PRIVATE" ] && [ -e "$CT_CONF" ]; then
		exist=exist
	fi
	ct_is_mounted && mounted=mounted
	ct_is_running && run=running
	printf 'CTID %s %s %s %s\n' "$CTID" "$exist" "$mounted" "$run"
	return 0
}

# make_rootfs DIR: a minimal busybox root filesystem with a /sbin/init.
make_rootfs() {
	local d=$1 l
	mkdir -p -- "$d/bin" "$d/sbin" "$d/etc" "$d/tmp" "$d/root" &&
		cp -- "$BUSYBOX" "$d/bin/busybox" &&
		chmod 0755 -- "$d/bin/busybox" || return 1
	for l in sh sleep true false cat echo ls kill; do
		ln -s busybox "$d/bin/$l" || return 1
	done
	cat >"$d/sbin/init" <<'EOF' || return 1
#!/bin/sh
# /sbin/init of a vzctl-sim container (a test simulator, not OpenVZ).
# SIGTERM, which "vzctl stop" sends, makes it exit 0; with
# SIM_INIT_IGNORES_TERM=yes in the container's config it ignores SIGTERM,
# so that only SIGKILL ("vzctl stop" after its timeout, or --fast) ends it.
child=
if [ "${SIM_INIT_IGNORES_TERM:-no}" = yes ]; then
	trap '' TERM
else
	trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM
fi
while :; do
	sleep 3600 &
	child=$!
	wait "$child"
done
EOF
	chmod 0755 -- "$d/sbin/init" || return 1
	# the few device nodes a shell needs (an OS template has them too)
	mkdir -p -- "$d/dev" || return 1
	mknod -m 0666 "$d/dev/null" c 1 3 2>/dev/null
	mknod -m 0666 "$d/dev/zero" c 1 5 2>/dev/null
	mknod -m 0666 "$d/dev/urandom" c 1 9 2>/dev/null
	printf 'vzctl-sim container %s\n' "$CTID" >"$d/etc/issue" || return 1
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$d/etc/passwd"
}

act_create() {
	local a private_arg='' root_arg='' onboot='' ostemplate='' config='' hostname=''
	local ipadd=() cfg_exists=0 sample='' sample_name='' rc tmp
	OPT_I=0
	while [ "$OPT_I" -lt ${#OPT_ARGS[@]} ]; do
		a=${OPT_ARGS[OPT_I]}
		case $a in
		--private | --private=*) opt_value; private_arg=$REPLY ;;
		--root | --root=*) opt_value; root_arg=$REPLY ;;
		--onboot | --onboot=*) opt_value; yes_no onboot "$REPLY"; onboot=$REPLY ;;
		--ostemplate | --ostemplate=*) opt_value; ostemplate=$REPLY ;;
		--config | --config=*) opt_value; config=$REPLY ;;
		--hostname | --hostname=*) opt_value; hostname=$REPLY ;;
		--ipadd | --ipadd=*) opt_value; ipadd+=("$REPLY") ;;
		--diskspace | --diskspace=* | --diskinodes | --diskinodes=*) opt_value ;;
		--layout | --layout=* | --ve_layout | --ve_layout=* | --velayout | --velayout=*)
			opt_value
			case $REPLY in
			simfs) ;;
			ploop*) die "$VZ_PLOOP_UNSUP" "Ploop is not supported by the simulator (vzctl-sim)" ;;
			*) die "$VZ_INVALID_PARAMETER_VALUE" "Bad parameter for --layout: $REPLY" ;;
			esac
			;;
		*) bad_option "$a" ;;
		esac
		OPT_I=$((OPT_I + 1))
	done

	[ -f "$CT_CONF" ] && cfg_exists=1
	if [ -n "$config" ]; then
		sample_name=$config
		sample=$CONF_DIR/ve-$config.conf-sample
		if [ ! -e "$sample" ]; then
			err "Sample config $sample not found"
			rc=$VZ_CP_CONFIG
		elif [ "$cfg_exists" = 1 ]; then
			err "Error: container config file $CT_CONF already exists, can not use --config option"
			rc=$VZ_CP_CONFIG
		fi
	elif conf_get "$GLOBAL_CFG" CONFIGFILE && [ -n "$REPLY" ]; then
		sample_name=$REPLY
		sample=$CONF_DIR/ve-$REPLY.conf-sample
		if [ ! -e "$sample" ]; then
			err "Sample config $sample not found"
			err "Fix the value of CONFIGFILE in $GLOBAL_CFG"
			rc=$VZ_CP_CONFIG
		elif [ "$cfg_exists" = 1 ]; then
			msg "Warning: CT config file already exists, not applying a default config sample."
			sample=
		fi
	fi
	if [ -n "${rc-}" ]; then
		err "Creation of container private area failed"
		return "$rc"
	fi

	# the container's settings: sample < existing config < command line
	if [ -n "$private_arg" ]; then
		set_ct_path VE_PRIVATE "$private_arg"
	elif [ -n "$sample" ] && conf_get "$sample" VE_PRIVATE && [ "$cfg_exists" = 0 ] && [ -n "$REPLY" ]; then
		set_ct_path VE_PRIVATE "$REPLY"
	fi
	if [ -n "$root_arg" ]; then
		set_ct_path VE_ROOT "$root_arg"
	elif [ -n "$sample" ] && conf_get "$sample" VE_ROOT && [ "$cfg_exists" = 0 ] && [ -n "$REPLY" ]; then
		set_ct_path VE_ROOT "$REPLY"
	fi
	if [ -z "$VE_PRIVATE" ]; then
		err "VE_PRIVATE is not set"
		err "Creation of container private area failed"
		return "$VZ_VE_PRIVATE_NOTSET"
	fi
	if [ -z "$VE_ROOT" ]; then
		err "VE_ROOT is not set"
		err "Creation of container private area failed"
		return "$VZ_VE_ROOT_NOTSET"
	fi

	# vzctl >= 4.2 accepts an existing, empty VE_PRIVATE that is not a
	# mount point; anything else there is an error.
	if [ -e "$VE_PRIVATE" ] || [ -L "$VE_PRIVATE" ]; then
		if [ ! -d "$VE_PRIVATE" ] || [ -L "$VE_PRIVATE" ] ||
			[ -n "$(ls -A -- "$VE_PRIVATE" 2>/dev/null)" ] || [ ! -r "$VE_PRIVATE" ]; then
			err "Private area already exists in $VE_PRIVATE"
			err "Creation of container private area failed"
			return "$VZ_FS_PRVT_AREA_EXIST"
		fi
		if is_mountpoint "$VE_PRIVATE"; then
			err "Can't create: private dir ($VE_PRIVATE) is a mount point. Suggestion: use --private $VE_PRIVATE/private"
			err "Creation of container private area failed"
			return "$VZ_FS_NEW_VE_PRVT"
		fi
	fi
	if [ ! -x "$BUSYBOX" ]; then
		err "Cached OS template $BUSYBOX not found (vzctl-sim needs busybox-static)"
		err "Creation of container private area failed"
		return 91
	fi

	msg "Creating container private area (${ostemplate:-vzctl-sim-busybox})"
	tmp=$VE_PRIVATE.tmp
	if [ -e "$tmp" ]; then
		msg "Warning: Temp dir $tmp already exists, deleting"
		rm -rf --one-file-system -- "$tmp"
	fi
	if ! mkdir -p -- "$VE_PRIVATE" || ! mkdir -p -- "$tmp"; then
		err "Unable to create directory $tmp"
		err "Creation of container private area failed"
		return "$VZ_FS_NEW_VE_PRVT"
	fi
	if ! make_rootfs "$tmp"; then
		rm -rf --one-file-system -- "$tmp"
		rmdir -- "$VE_PRIVATE" 2>/dev/null
		err "Creation of container private area failed"
		return "$VZ_FS_NEW_VE_PRVT"
	fi
	rmdir -- "$VE_PRIVATE"
	if ! mv -T -- "$tmp" "$VE_PRIVATE"; then
		err "Can't rename $tmp to $VE_PRIVATE"
		rm -rf --one-file-system -- "$tmp"
		err "Creation of container private area failed"
		return "$VZ_FS_NEW_VE_PRVT"
	fi
	if ! mkdir -p -- "$VE_ROOT"; then
		err "Can't create mount point $VE_ROOT"
		rm -rf --one-file-system -- "$VE_PRIVATE"
		err "Creation of container private area failed"
		return "$VZ_FS_MPOINTCREATE"
	fi

	# the configuration: the sample's lines first (when used), then ours
	local -a kv=()
	if [ -n "$sample" ] && [ "$cfg_exists" = 0 ]; then
		if ! mkdir -p -- "$CONF_DIR" || ! cp -- "$sample" "$CT_CONF"; then
			rm -rf --one-file-system -- "$VE_PRIVATE"
			err "Creation of container private area failed"
			return "$VZ_CP_CONFIG"
		fi
		kv+=(ORIGIN_SAMPLE "$sample_name")
	fi
	[ -n "$VE_PRIVATE_ORIG" ] || VE_PRIVATE_ORIG=$VE_PRIVATE
	[ -n "$VE_ROOT_ORIG" ] || VE_ROOT_ORIG=$VE_ROOT
	kv+=(VE_ROOT "$VE_ROOT_ORIG" VE_PRIVATE "$VE_PRIVATE_ORIG")
	kv+=(OSTEMPLATE "${ostemplate:-vzctl-sim-busybox}" VE_LAYOUT simfs)
	[ -n "$onboot" ] && kv+=(ONBOOT "$onboot")
	[ -n "$hostname" ] && kv+=(HOSTNAME "$hostname")
	[ ${#ipadd[@]} -gt 0 ] && kv+=(IP_ADDRESS "${ipadd[*]}")
	if ! conf_set "$CT_CONF" "${kv[@]}"; then
		rm -rf --one-file-system -- "$VE_PRIVATE"
		err "Creation of container private area failed"
		return "$VZ_CONFIG_SAVE_ERROR"
	fi
	msg "CT configuration saved to $CT_CONF"
	msg "Container private area was created"
	return 0
}

act_set() {
	local a save=0 running=0 stop_to=''
	local -a kv=()
	OPT_I=0
	while [ "$OPT_I" -lt ${#OPT_ARGS[@]} ]; do
		a=${OPT_ARGS[OPT_I]}
		case $a in
		--save) save=1 ;;
		--force) ;; # only matters to real vzctl on a non-OpenVZ kernel
		--setmode | --setmode=*) opt_value ;;
		--onboot | --onboot=*) opt_value; yes_no onboot "$REPLY"; kv+=(ONBOOT "$REPLY") ;;
		--disabled | --disabled=*) opt_value; yes_no disabled "$REPLY"; kv+=(DISABLED "$REPLY") ;;
		--bootorder | --bootorder=*)
			opt_value
			[[ $REPLY =~ ^[0-9]+$ ]] || die "$VZ_INVALID_PARAMETER_VALUE" "Bad parameter for --bootorder: $REPLY"
			kv+=(BOOTORDER "$REPLY")
			;;
		--private | --private=*) opt_value; kv+=(VE_PRIVATE "$REPLY") ;;
		--root | --root=*) opt_value; kv+=(VE_ROOT "$REPLY") ;;
		--description | --description=*) opt_value; kv+=(DESCRIPTION "$REPLY") ;;
		--hostname | --hostname=*) opt_value; kv+=(HOSTNAME "$REPLY") ;;
		--stop-timeout | --stop-timeout=*)
			opt_value
			[[ $REPLY =~ ^[0-9]+$ ]] || die "$VZ_INVALID_PARAMETER_VALUE" "Bad parameter for --stop-timeout: $REPLY"
			stop_to=$REPLY
			kv+=(STOP_TIMEOUT "$REPLY")
			;;
		*) bad_option "$a" ;;
		esac
		OPT_I=$((OPT_I + 1))
	done
	if [ -n "$stop_to" ] && [ "$save" = 0 ]; then
		die "$VZ_INVALID_PARAMETER_SYNTAX" "Option --stop-timeout can only be used with --save"
	fi
	if [ ${#kv[@]} -eq 0 ]; then
		[ "$save" = 1 ] || die "$VZ_INVALID_PARAMETER_SYNTAX" "Nothing to set"
	fi
	ct_is_running && running=1
	for ((a = 0; a < ${#kv[@]}; a += 2)); do
		if [ "$running" = 1 ] && [ "${kv[a]}" = VE_PRIVATE ]; then
			die "$VZ_VE_RUNNING" "Unable to change VE_PRIVATE on a running container"
		fi
		if [ "$running" = 1 ] && [ "${kv[a]}" = VE_ROOT ]; then
			die "$VZ_VE_RUNNING" "Unable to change VE_ROOT on a running container"
		fi
	done
	if [ "$save" = 0 ]; then
		if [ "$running" = 1 ]; then
			msg "WARNING: Settings were not saved to config and will be lost after CT restart (use --save flag)"
		else
			msg "WARNING: Settings were not saved to config (use --save flag)"
		fi
		return 0
	fi
	[ -e "$CT_CONF" ] || err "WARNING: $CT_CONF not found: No such file or directory"
	conf_set "$CT_CONF" "${kv[@]}" || return
	if [ "$CONF_CHANGED" = 1 ]; then
		msg "CT configuration saved to $CT_CONF"
	else
		msg "No changes in CT configuration, not saving"
	fi
	return 0
}

parse_start_opts() {
	local a
	START_FORCE=0
	START_WAIT=0
	STOP_FAST=0
	SKIP_UMOUNT=0
	OPT_I=0
	while [ "$OPT_I" -lt ${#OPT_ARGS[@]} ]; do
		a=${OPT_ARGS[OPT_I]}
		case "$1:$a" in
		start:--force | restart:--force) START_FORCE=1 ;;
		start:--wait | restart:--wait) START_WAIT=1 ;;
		start:--skip-fsck | restart:--skip-fsck) ;;
		start:--skip-remount | restart:--skip-remount) ;;
		stop:--fast | restart:--fast) STOP_FAST=1 ;;
		stop:--skip-umount) SKIP_UMOUNT=1 ;;
		*) bad_option "$a" ;;
		esac
		OPT_I=$((OPT_I + 1))
	done
}

act_start() {
	local rc pid i ignores=no mounted_here=0 started=0
	if param DISABLED && [ "$REPLY" = yes ] && [ "$START_FORCE" != 1 ]; then
		err "Container start disabled"
		return "$VZ_VE_START_DISABLED"
	fi
	if [ -z "$VE_PRIVATE" ]; then
		err "VE_PRIVATE is not set"
		return "$VZ_VE_PRIVATE_NOTSET"
	fi
	if [ ! -e "$VE_PRIVATE" ]; then
		err "Container private area $VE_PRIVATE does not exist"
		return "$VZ_FS_NOPRVT"
	fi
	if ct_is_running; then
		err "Container is already running"
		return "$VZ_VE_RUNNING"
	fi
	if [ -z "$VE_ROOT" ]; then
		err "VE_ROOT is not set"
		return "$VZ_VE_ROOT_NOTSET"
	fi
	msg "Starting container..."
	if ! ct_is_mounted; then
		vps_mount || return
		mounted_here=1
	fi
	if [ ! -x "$VE_ROOT/sbin/init" ] && [ ! -L "$VE_ROOT/sbin/init" ]; then
		err "Unable to start init, probably incorrect template"
		err "Container start failed"
		[ "$mounted_here" = 1 ] && do_umount
		return "$VZ_FS_BAD_TMPL"
	fi
	param SIM_INIT_IGNORES_TERM && [ "$REPLY" = yes ] && ignores=yes
	mkdir -p -- "$RUN_DIR" || return "$VZ_SYSTEM_ERROR"
	rm -f -- "$PID_FILE"
	# A new session, stdio on /dev/null, a clean environment (vzctl's
	# init gets HOME=/ TERM=linux), the lock not inherited. Its fd 9 holds
	# VE_PRIVATE open through the filesystem's own mount, as simfs holds
	# it in OpenVZ: a running container pins that mount wherever VE_ROOT
	# is (a bind mount alone pins it only when VE_ROOT lies below it).
	setsid env -i HOME=/ TERM=linux PATH="$DEF_PATH" \
		SIM_INIT_IGNORES_TERM="$ignores" \
		chroot -- "$VE_ROOT" /sbin/init \
		</dev/null >/dev/null 2>&1 9<"$VE_PRIVATE" {LOCK_FD}>&- &
	pid=$!
	disown "$pid" 2>/dev/null
	# wait until it runs as the container's init: chrooted, own session
	for ((i = 0; i < 100; i++)); do
		if proc_stat "$pid" && [ "$P_STATE" != Z ]; then
			if [ "$P_SESSION" = "$pid" ] && in_ct_root "$pid"; then
				started=1
				break
			fi
		else
			break
		fi
		sleep 0.05
	done
	if [ "$started" != 1 ]; then
		kill -KILL "$pid" 2>/dev/null
		err "Unable to start init, probably incorrect template"
		err "Container start failed"
		[ "$mounted_here" = 1 ] && do_umount
		return "$VZ_FS_BAD_TMPL"
	fi
	printf '%s %s\n' "$pid" "$P_START" >"$PID_FILE"
	dbg "Container init started, pid $pid"
	if [ "$START_WAIT" = 1 ]; then
		msg "Container start in progress, waiting ..."
		msg "Container started successfully"
	else
		msg "Container start in progress..."
	fi
	return 0
}

# now_ms: the wall clock in milliseconds, without a fork.
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	REPLY=$((t / 1000))
}

# env_stop FAST: vzctl's env_stop(): halt (here SIGTERM) and wait up to
# the stop timeout, then kill and wait up to half of it again.
env_stop() {
	local fast=$1 timeout deadline tout=0
	stop_timeout
	timeout=$REPLY
	if [ "$fast" != 1 ]; then
		msg "Stopping container ..."
		signal_ct TERM
		now_ms
		deadline=$((REPLY + timeout * 1000))
		while ct_pids; [ ${#CT_PIDS[@]} -gt 0 ]; do
			now_ms
			if [ "$REPLY" -ge "$deadline" ]; then
				tout=1
				break
			fi
			sleep 0.2
		done
		if [ "$tout" = 0 ]; then
			msg "Container was stopped"
			return 0
		fi
	fi
	msg "Killing container ..."
	# vzctl waits timeout * 0.5 s for a killed container to go away
	now_ms
	deadline=$((REPLY + timeout * 500))
	while signal_ct KILL; do
		now_ms
		if [ "$REPLY" -ge "$deadline" ]; then
			err "Unable to stop container: operation timed out"
			return "$VZ_STOP_ERROR"
		fi
		sleep 0.1
	done
	msg "Container was stopped"
	return 0
}

act_stop() {
	local rc
	if [ -z "$VE_ROOT" ]; then
		err "VE_ROOT is not set"
		return "$VZ_VE_ROOT_NOTSET"
	fi
	# vzctl since 2005: stopping a stopped container is not an error
	if ! ct_is_running; then
		err "Unable to stop: container is not running"
		return 0
	fi
	env_stop "$STOP_FAST" || return
	rm -f -- "$PID_FILE"
	if [ "$SKIP_UMOUNT" != 1 ]; then
		vps_umount
		return
	fi
	return 0
}

act_restart() {
	msg "Restarting container"
	if ct_is_running; then
		SKIP_UMOUNT=0
		act_stop || return
	fi
	act_start
}

act_destroy() {
	local rc=0
	[ -n "$VE_PRIVATE" ] || { err "VE_PRIVATE is not set"; return "$VZ_VE_PRIVATE_NOTSET"; }
	[ -n "$VE_ROOT" ] || { err "VE_ROOT is not set"; return "$VZ_VE_ROOT_NOTSET"; }
	if ct_is_running; then
		msg "Container is currently running. Stop it first."
		return "$VZ_VE_RUNNING"
	fi
	if ct_is_mounted; then
		msg "Container is currently mounted (umount first)"
		return "$VZ_FS_MOUNTED"
	fi
	if [ -L "$VE_PRIVATE" ]; then
		err "Warning: container private area $VE_PRIVATE is a symlink to $(readlink -- "$VE_PRIVATE")."
		err "Not removing link destination, you have to do it manually."
		rm -f -- "$VE_PRIVATE" || rc=$VZ_FS_DEL_PRVT
	elif [ -e "$VE_PRIVATE" ] && [ ! -d "$VE_PRIVATE" ]; then
		err "Warning: container private area $VE_PRIVATE is not a directory"
		rm -f -- "$VE_PRIVATE" || rc=$VZ_FS_DEL_PRVT
	elif [ -d "$VE_PRIVATE" ]; then
		msg "Destroying container private area: $VE_PRIVATE"
		if is_mountpoint "$VE_PRIVATE"; then
			err "Can't move $VE_PRIVATE: Device or resource busy (it is a mount point)"
			rc=$VZ_FS_DEL_PRVT
		elif ! rm -rf --one-file-system -- "$VE_PRIVATE"; then
			err "Unable to delete $VE_PRIVATE"
			rc=$VZ_FS_DEL_PRVT
		fi
	fi
	[ "$rc" = 0 ] || return "$rc"
	if [ -e "$CT_CONF" ]; then
		mv -f -- "$CT_CONF" "$CT_CONF.destroyed"
	fi
	rm -f -- "$PID_FILE"
	rmdir -- "$VE_ROOT" 2>/dev/null || err "Warning: failed to remove $VE_ROOT"
	msg "Container private area was destroyed"
	return 0
}

# exec/exec2: vzctl runs "bash -c '<args joined by blanks>'" (falling
# back to /bin/sh) in the container, or a shell reading stdin for "-";
# exec3 runs the command itself.
act_exec() {
	local action=$1 cmd='' a shell=/bin/sh rc
	shift
	[ -n "$VE_ROOT" ] || { err "Container root (VE_ROOT) is not set"; return "$VZ_VE_ROOT_NOTSET"; }
	if ! ct_is_running; then
		err "Container is not running"
		return "$VZ_VE_NOT_RUNNING"
	fi
	[ -x "$VE_ROOT/bin/bash" ] && shell=/bin/bash
	if [ "$action" = exec3 ]; then
		dbg "Executing command: $*"
		env -i HOME=/ TERM=linux PATH="$DEF_PATH" chroot -- "$VE_ROOT" "$@"
		rc=$?
	elif [ $# -eq 1 ] && [ "$1" = - ]; then
		env -i HOME=/ TERM=linux PATH="$DEF_PATH" chroot -- "$VE_ROOT" "$shell"
		rc=$?
	else
		for a; do
			if [ -n "$a" ]; then cmd+="$a "; else cmd+="'' "; fi
		done
		dbg "Executing command: $cmd"
		env -i HOME=/ TERM=linux PATH="$DEF_PATH" chroot -- "$VE_ROOT" "$shell" -c "$cmd"
		rc=$?
	fi
	if [ "$action" = exec ] && [ "$rc" != 0 ]; then
		return "$VZ_COMMAND_EXECUTION_ERROR"
	fi
	return "$rc"
}

# ------------------------------------------------------------ main

SKIPLOCK=0
LOCK_FD=
while [ $# -gt 0 ]; do
	case $1 in
	--quiet) QUIET=1 ;;
	--verbose) VERBOSE=$((VERBOSE + 1)) ;;
	--skiplock) SKIPLOCK=1 ;;
	--version)
		version
		exit 0
		;;
	--help) usage 0 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || usage "$VZ_INVALID_PARAMETER_SYNTAX"

ACTION=$1
case $ACTION in
create | set | start | stop | restart | destroy | mount | umount | status | exec | exec2 | exec3) ;;
delete) ACTION=destroy ;;
enter | console | runscript | chkpnt | suspend | restore | resume | convert | compact | \
	quotaon | quotaoff | quotainit | snapshot | snapshot-* )
	die "$VZ_SYSTEM_ERROR" "vzctl $ACTION: not supported by the simulator (vzctl-sim)"
	;;
*)
	die "$VZ_INVALID_PARAMETER_SYNTAX" "Bad command: $ACTION"
	;;
esac
[ $# -ge 2 ] || die "$VZ_INVALID_PARAMETER_VALUE" "CT ID missing"
CTID=$2
shift 2
if ! [[ $CTID =~ ^[0-9]+$ ]] || [ "${#CTID}" -gt 10 ] || [ "$CTID" -gt 2147483647 ]; then
	# names (--name) are not simulated
	die "$VZ_INVALID_PARAMETER_VALUE" "Bad CT ID $CTID"
fi
CTID=$((10#$CTID))

if [ ! -r "$GLOBAL_CFG" ]; then
	die "$VZ_NOCONFIG" "Unable to open $GLOBAL_CFG: No such file or directory"
fi

OPT_ARGS=("$@")
case $ACTION in
start | stop | restart) parse_start_opts "$ACTION" ;;
destroy | mount | umount | status)
	[ $# -eq 0 ] || die "$VZ_INVALID_PARAMETER_SYNTAX" "Invalid options: $*"
	;;
exec | exec2 | exec3)
	[ $# -ge 1 ] || die "$VZ_INVALID_PARAMETER_SYNTAX" "No command line given for exec"
	;;
esac

if [ "$CTID" = 0 ] && [ "$ACTION" != set ]; then
	die "$VZ_INVALID_PARAMETER_VALUE" "Only set actions are allowed for CT0"
fi

CT_CONF=$CONF_DIR/$CTID.conf
case $ACTION in
create | status | set) ;;
*)
	[ -f "$CT_CONF" ] || die "$VZ_NOVECONFIG" "Container config file does not exist"
	;;
esac
load_ct

case $ACTION in
exec | exec2 | exec3 | status) ;;
*)
	lock_ct
	reap_dead_ct
	;;
esac

case $ACTION in
create) act_create ;;
set) act_set ;;
start) act_start ;;
stop) act_stop ;;
restart) act_restart ;;
destroy) act_destroy ;;
mount) vps_mount ;;
umount) vps_umount ;;
status) act_status ;;
exec | exec2 | exec3) act_exec "$ACTION" "$@" ;;
esac
exit
