#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vzha:vzfs against ocf:heartbeat:Filesystem, side by side on the same
# loop-device ext4, per action: median wall time, processes executed and
# forked, peak RSS. Prints a Markdown table on stdout, progress on stderr.
#
#   bench/vzfs-bench.sh [-n RUNS] [-a VZFS] [-f FILESYSTEM]
#
#   -n RUNS        timed runs per action (default 20), after 3 warm-ups
#   -a VZFS        the vzfs binary (default: the build's ./vzfs;
#                  "installed" means $OCF_ROOT/resource.d/vzha/vzfs)
#   -f FILESYSTEM  the Filesystem agent
#                  (default $OCF_ROOT/resource.d/heartbeat/Filesystem)
#
# Run as root. Uses hyperfine when present (else, or with HYPERFINE= in
# the environment, a date +%s%N loop),
# strace for the process counts, /usr/bin/time for peak RSS; bash, awk
# and coreutils otherwise. Creates one image, loop device and mount point
# under a private temporary directory and removes them at exit.
set -u
export LC_ALL=C TZ=UTC
export OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf}

here=$(cd "$(dirname "$0")" && pwd)
BENCH=vzfs-bench
. "$here/lib.sh"
RUNS=20
WARMUP=3
VZFS=$here/../vzfs
FSAGENT=$OCF_ROOT/resource.d/heartbeat/Filesystem

usage() {
	sed -n '7,13s/^#   //p' "$0" >&2
	exit "${1:-2}"
}

while getopts n:a:f:h opt; do
	case $opt in
	n) RUNS=$OPTARG ;;
	a) VZFS=$OPTARG ;;
	f) FSAGENT=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
[ "$VZFS" = installed ] && VZFS=$OCF_ROOT/resource.d/vzha/vzfs
case $RUNS in '' | *[!0-9]* | 0) echo "-n wants a positive number" >&2; exit 2 ;; esac

[ "$(id -u)" = 0 ] || die "run as root (loop devices, mounts)"
[ -x "$VZFS" ] || die "no vzfs at $VZFS (make vzfs, or -a PATH)"
[ -x "$FSAGENT" ] || die "no Filesystem agent at $FSAGENT (apt-get install resource-agents)"
for c in losetup mkfs.ext4 findmnt strace awk; do
	command -v "$c" >/dev/null || die "needs $c (apt-get install util-linux e2fsprogs strace gawk)"
done
# Filesystem's start loads the filesystem module through modprobe
command -v modprobe >/dev/null || die "Filesystem needs modprobe (apt-get install kmod)"
HYPERFINE=${HYPERFINE-$(command -v hyperfine)} # HYPERFINE= forces the loop
GNUTIME=/usr/bin/time
[ -x "$GNUTIME" ] || GNUTIME=
[ -n "$HYPERFINE" ] || note "no hyperfine, timing each run in bash"
[ -n "$GNUTIME" ] || note "no /usr/bin/time (apt-get install time), no RSS"

# ---------------------------------------------------------------- setup

B_DIR=$(mktemp -d /tmp/vzfs-bench.XXXXXX) || die "mktemp"
B_LOOP=
MNT=$B_DIR/mnt

cleanup() {
	local rc=$?
	set +e
	if findmnt -n --mountpoint "$MNT" >/dev/null 2>&1; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT"
	fi
	[ -n "$B_LOOP" ] && losetup -d "$B_LOOP"
	rm -rf --one-file-system "$B_DIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

truncate -s 64M "$B_DIR/disk.img"
B_LOOP=$(losetup -f --show "$B_DIR/disk.img") || die "losetup failed"
mkfs.ext4 -q -F "$B_LOOP" >/dev/null 2>&1 || die "mkfs.ext4 $B_LOOP failed"

# The environment Pacemaker would give both agents: the same parameters,
# a recurring monitor (not a probe), the default timeouts.
export OCF_RESOURCE_INSTANCE=vzfs_bench \
	OCF_RESKEY_device=$B_LOOP OCF_RESKEY_directory=$MNT \
	OCF_RESKEY_fstype=ext4 \
	OCF_RESKEY_CRM_meta_timeout=40000 OCF_RESKEY_CRM_meta_interval=0 \
	OCF_CHECK_LEVEL=0
# The agents' log lines would swamp the terminal
AGENT_LOG=$B_DIR/agent.log

# ACTIONS: label, action, OCF_CHECK_LEVEL, required state before a run
ACTIONS=(
	"meta-data|meta-data|0|any"
	"monitor, depth 0|monitor|0|started"
	"monitor, depth 10|monitor|10|started"
	"monitor, depth 20|monitor|20|started"
	"start|start|0|stopped"
	"stop|stop|0|started"
)

# set_env ACTION LEVEL: what Pacemaker sets per operation. Exported in
# the caller's subshell, not passed through env(1), whose exec would be
# timed and counted with the agent.
set_env() {
	export OCF_CHECK_LEVEL=$2 OCF_RESKEY_CRM_meta_interval=0
	[ "$1" = monitor ] && OCF_RESKEY_CRM_meta_interval=20000
}

# put AGENT STATE: the filesystem mounted (started) or not (stopped), by
# the agent under test, so each is timed from its own state.
put() {
	case $2 in
	started) "$1" start >>"$AGENT_LOG" 2>&1 ;;
	stopped) "$1" stop >>"$AGENT_LOG" 2>&1 ;;
	*) true ;;
	esac || die "$1: cannot reach state $2; its log ends:
$(tail -n 5 "$AGENT_LOG")"
}

# time_ms AGENT ACTION LEVEL STATE: median wall time in ms over RUNS runs.
time_ms() {
	local agent=$1 action=$2 level=$3 state=$4 i t0 t1 prep=()
	set_env "$action" "$level"
	case $state in
	started) prep=(--prepare "$agent start") ;;
	stopped) prep=(--prepare "$agent stop") ;;
	esac
	put "$agent" "$state"
	if [ -n "$HYPERFINE" ]; then
		# -N: no shell in between, or it would be most of what is timed
		"$HYPERFINE" -N --runs "$RUNS" --warmup "$WARMUP" "${prep[@]}" \
			--export-json "$B_DIR/hf.json" --style none \
			--output "$B_DIR/hf.out" -- "$agent $action" \
			>/dev/null 2>>"$AGENT_LOG" ||
			die "hyperfine $agent $action failed: $(tail -n 5 "$AGENT_LOG")"
		hf_ms "$B_DIR/hf.json" median
		return
	fi
	for ((i = 0; i < WARMUP + RUNS; i++)); do
		put "$agent" "$state"
		now_us t0
		"$agent" "$action" >>"$AGENT_LOG" 2>&1 ||
			die "$agent $action failed"
		now_us t1
		[ "$i" -ge "$WARMUP" ] && echo $((t1 - t0))
	done | median | awk '{ printf "%.2f\n", $1 / 1000 }'
}

# procs AGENT ACTION LEVEL STATE: "EXECS FORKS" of one run, as procs_count
# counts them
procs() {
	local agent=$1 action=$2 level=$3 state=$4
	set_env "$action" "$level"
	put "$agent" "$state"
	strace_procs "$B_DIR/strace" "$agent" "$action" >>"$AGENT_LOG" 2>&1 ||
		die "strace $agent $action failed"
	procs_count "$B_DIR/strace"
}

# rss_kib AGENT ACTION LEVEL STATE: median peak RSS (KiB) over 5 runs: the
# largest of the process and the children it waited for (wait4 rusage).
rss_kib() {
	local agent=$1 action=$2 level=$3 state=$4 i
	[ -n "$GNUTIME" ] || { echo "n/a"; return; }
	set_env "$action" "$level"
	for i in 1 2 3 4 5; do
		put "$agent" "$state"
		"$GNUTIME" -f %M -o "$B_DIR/rss" "$agent" "$action" \
			>>"$AGENT_LOG" 2>&1 || die "$agent $action failed"
		tail -n 1 "$B_DIR/rss"
	done | median
}

# ---------------------------------------------------------------- run

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A R
for agent in vzfs fs; do
	bin=$VZFS
	[ $agent = fs ] && bin=$FSAGENT
	for a in "${ACTIONS[@]}"; do
		IFS='|' read -r label action level state <<<"$a"
		note "$agent: $label"
		R[$agent,$label,ms]=$(time_ms "$bin" "$action" "$level" "$state") || exit 1
		R[$agent,$label,procs]=$(procs "$bin" "$action" "$level" "$state") || exit 1
		R[$agent,$label,rss]=$(rss_kib "$bin" "$action" "$level" "$state") || exit 1
	done
	put "$bin" stopped
done

# ---------------------------------------------------------------- report

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "Host: $(nproc) CPUs ($cpu), kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "load average before the run: $LOAD0"
echo "vzfs: $VZFS"
echo "Filesystem: $FSAGENT (resource-agents $(dpkg-query -W -f '${Version}' resource-agents 2>/dev/null || echo '?'))"
echo

timer="hyperfine $("$HYPERFINE" --version 2>/dev/null | awk '{ print $2 }'), -N, $WARMUP warm-ups"
[ -n "$HYPERFINE" ] || timer="bash's clock around each run, $WARMUP warm-ups"
echo "Median wall time of $RUNS runs ($timer); processes from one run under"
echo "strace -f (execs: helper programs executed, not counting the agent"
echo "itself; forks: processes created); peak RSS: /usr/bin/time %M, the"
echo "largest process of the run, median of 5 runs. start and stop are timed"
echo "from the stopped and started states, reached untimed before each run."
echo
echo "| action | vzfs ms | Filesystem ms | Filesystem / vzfs | vzfs execs | vzfs forks | Filesystem execs | Filesystem forks | vzfs RSS KiB | Filesystem RSS KiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for a in "${ACTIONS[@]}"; do
	IFS='|' read -r label _ <<<"$a"
	read -r ve vf <<<"${R[vzfs,$label,procs]}"
	read -r fe ff <<<"${R[fs,$label,procs]}"
	ratio=$(awk -v a="${R[fs,$label,ms]}" -v b="${R[vzfs,$label,ms]}" \
		'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }')
	echo "| $label | ${R[vzfs,$label,ms]} | ${R[fs,$label,ms]} | $ratio | $ve | $vf | $fe | $ff | ${R[vzfs,$label,rss]} | ${R[fs,$label,rss]} |"
done
