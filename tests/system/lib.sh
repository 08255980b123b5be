# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for vzha's system tests (sourced, bash). Each test prints
# TAP; everything it creates (loop devices, mounts, processes, files) is
# registered here and removed by the EXIT trap, also when the test fails
# or is interrupted. Processes are ended by pid, never by name.

set -u
export LC_ALL=C TZ=UTC

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VZFS=${VZFS:-$top_builddir/vzfs}
# the OCF 1.1 schema (pcs ships it), for ocf_tester
OCF_RNG=${OCF_RNG:-/usr/share/pcs/data/ocf-1.1.rng}
export OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf}

T_NUM=0
T_FAILED=0
T_DIR=
T_LOOPS=()
T_MOUNTS=()
T_PIDS=()
T_CLEANUPS=()

# ---------------------------------------------------------------- TAP

# skip_all REASON: the whole test cannot run here; say why, loudly.
skip_all() {
	echo "1..0 # SKIP $*"
	echo "SKIPPED: $*" >&2
	exit 0
}

ok() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM - $*"
}

not_ok() {
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_NUM - $*"
}

# diag TEXT...: TAP comments, every line prefixed (a bare "ok" line in a
# diff would otherwise count as a test point), without terminal colours
# (crmsh colours even a file).
diag() {
	printf '%s\n' "$@" | sed 's/\x1b\[[0-9;]*m//g; s/^/# /'
}

# check DESCRIPTION COMMAND...: one test point from a command's status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# ---------------------------------------------------------------- setup

require_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (loop devices, mounts)"
}

require_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 ||
			skip_all "needs $c (apt-get install the package providing it)"
	done
}

t_cleanup() {
	local rc=$? i
	set +e
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUPS[i]}"
	done
	for i in "${T_PIDS[@]}"; do
		kill -CONT "$i" 2>/dev/null
		kill -KILL "$i" 2>/dev/null && wait "$i" 2>/dev/null
	done
	for ((i = ${#T_MOUNTS[@]} - 1; i >= 0; i--)); do
		# anything still mounted below our directories, deepest first
		awk -v top="${T_MOUNTS[i]}" '
			function unesc(s) { gsub(/\\040/, " ", s); return s }
			{ m = unesc($5); if (m == top || index(m, top "/") == 1) print m }' \
			/proc/self/mountinfo | sort -r | while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m"
		done
	done
	for i in "${T_LOOPS[@]}"; do
		# a device detached early may serve another test by now
		case $(losetup -n -O BACK-FILE "$i" 2>/dev/null) in
		"$T_DIR"/*) losetup -d "$i" ;;
		esac
	done
	[ -n "$T_DIR" ] && rm -rf --one-file-system "$T_DIR"
	if [ "$rc" = 0 ] && [ "$T_FAILED" -gt 0 ]; then rc=1; fi
	echo "1..$T_NUM"
	exit "$rc"
}

# t_init: a private work directory and the cleanup trap.
t_init() {
	T_DIR=$(mktemp -d /tmp/vzha-test.XXXXXX)
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	T_MOUNTS+=("$T_DIR")
}

# at_exit COMMAND: runs COMMAND (a string) at cleanup, last registered first.
at_exit() {
	T_CLEANUPS+=("$1")
}

# pids_rooted_in DIR: live processes whose root directory is DIR or below
# (a simulated container's processes: their root is its private area).
pids_rooted_in() {
	local d r
	for d in /proc/[0-9]*; do
		r=$(readlink "$d/root" 2>/dev/null) || continue
		case $r in
		"$1" | "$1"/*) echo "${d#/proc/}" ;;
		esac
	done
}

# kill_rooted_in DIR: SIGKILL, by pid, whatever still runs with its root
# in DIR or below, until none is left (a second at most). For cleanups:
# what a simulator failed to stop.
kill_rooted_in() {
	local p _
	for _ in 1 2 3 4 5; do
		for p in $(pids_rooted_in "$1"); do
			kill -KILL "$p" 2>/dev/null
		done
		[ -z "$(pids_rooted_in "$1")" ] && return 0
		sleep 0.2
	done
	return 1
}

# track_pid PID: kill PID (by pid) at cleanup.
track_pid() {
	T_PIDS+=("$1")
}

# make_loop NAME SIZE_MB: a loop device over a sparse file, in $LOOP.
# (Not printed: a $(...) subshell could not register it for cleanup.)
make_loop() {
	local img=$T_DIR/$1.img
	truncate -s "${2}M" "$img"
	LOOP=$(losetup -f --show "$img") || return 1
	T_LOOPS+=("$LOOP")
}

# make_fs TYPE DEV [mkfs options]: a fresh filesystem, quietly.
make_fs() {
	local type=$1 dev=$2
	shift 2
	case $type in
	xfs) mkfs.xfs -q -f "$@" "$dev" ;;
	*) "mkfs.$type" -q -F "$@" "$dev" >/dev/null 2>&1 ;;
	esac
}

# ---------------------------------------------------------------- agent

# ---- shared by the tests of Pacemaker's tools (*-pacemaker.sh)

skip_point() {
	ok "# SKIP $*"
	echo "SKIPPED: $*" >&2
}

# crm_run OPTIONS...: crm_resource, setting $rc and $out (both
# streams: the agent's stderr, exit reason included, is in its stdout).
crm_run() {
	out=$(crm_resource "$@" 2>&1)
	rc=$?
}

# expect_crm DESC CODE: test point on $rc, showing the output on failure.
expect_crm() {
	if [ "$rc" = "$2" ]; then
		ok "$1 (rc $rc)"
	else
		not_ok "$1: expected rc $2, got $rc"
		diag "$out"
	fi
}

out_has() {
	printf '%s\n' "$out" | grep -Eq -- "$1"
}

# install_agent BINARY NAME: installs BINARY as ocf:vzha:NAME under
# $OCF_ROOT (Pacemaker 2.1 has no OCF path override) for the rest of the
# test, in $AGENT; whatever was there is put back at exit. One test at a
# time owns the installed agents (make check -j): a lock on the directory
# above them, which leaves no lock file behind.
install_agent() {
	local bin=$1 name=$2 dir=$OCF_ROOT/resource.d/vzha backup
	AGENT=$dir/$name
	exec 9<"$OCF_ROOT/resource.d" ||
		skip_all "no $OCF_ROOT/resource.d (apt-get install resource-agents)"
	flock -w 300 9 ||
		skip_all "another test holds the lock on $OCF_ROOT/resource.d"
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir" || skip_all "cannot create $dir"
		at_exit "rmdir '$dir'"
	fi
	if [ -e "$AGENT" ] || [ -L "$AGENT" ]; then
		# a rename in the same directory: nothing is lost if we are killed
		backup=$dir/.$name.before-test.$$
		mv "$AGENT" "$backup" || skip_all "cannot move $AGENT aside"
		at_exit "mv -f '$backup' '$AGENT'"
		diag "moved the installed $AGENT aside; it is put back at exit"
	else
		at_exit "rm -f '$AGENT'"
	fi
	install -m 0755 "$bin" "$AGENT" || skip_all "cannot install $AGENT"
}

# have_ocf_tester: ocf-tester and xmllint are here; else a skipped point.
have_ocf_tester() {
	if command -v ocf-tester >/dev/null 2>&1 && command -v xmllint >/dev/null 2>&1; then
		return 0
	fi
	skip_point "ocf-tester: needs ocf-tester and xmllint (apt-get install resource-agents libxml2-utils)"
	return 1
}

# ocf_tester DESC OPTIONS...: ocf-tester OPTIONS on the installed agent
# ($AGENT), one test point "DESC passes" (or fails), its output in
# $T_DIR/ocf-tester.out, its exit code in $rc. Fails, with a skipped
# point, only when ocf-tester cannot be run.
#
# ocf-tester (resource-agents 4.12) checks the meta-data with
# `xmllint --valid` against ra-api-1.dtd, which is OCF 1.0: it has no
# <option>, no type="select", no unique-group, so OCF 1.1 meta-data cannot
# pass it. When that is the only objection, ocf-tester's xmllint is
# pointed at the OCF 1.1 schema instead (through PATH), so the check still
# validates, against the standard the agent follows.
ocf_tester() {
	local desc=$1 path=$PATH dtd_log=$T_DIR/dtd.log
	shift
	if ! "$AGENT" meta-data | (cd /usr/share/resource-agents 2>/dev/null &&
		xmllint --noout --valid -) >"$dtd_log" 2>&1; then
		if [ ! -r "$OCF_RNG" ]; then
			skip_point "$desc: meta-data fails its OCF 1.0 DTD and $OCF_RNG (pcs) is missing to check it instead"
			return 1
		fi
		mkdir -p "$T_DIR/bin"
		printf '#!/bin/sh\nexec %s --noout --relaxng %s -\n' \
			"$(command -v xmllint)" "$OCF_RNG" >"$T_DIR/bin/xmllint"
		chmod 755 "$T_DIR/bin/xmllint"
		path=$T_DIR/bin:$PATH
		# once per test, however often it runs ocf-tester
		[ -n "${T_SAID_RNG:-}" ] ||
			diag "ocf-tester checks meta-data against ra-api-1.dtd (OCF 1.0);" \
				"here it validates against $OCF_RNG instead." \
				"xmllint --valid said: $(head -n 1 "$dtd_log")"
		T_SAID_RNG=1
	fi
	PATH=$path ocf-tester "$@" "$AGENT" >"$T_DIR/ocf-tester.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "$desc passes (rc 0)"
	else
		not_ok "$desc fails (rc $rc)"
		diag "$(cat "$T_DIR/ocf-tester.out")"
	fi
	return 0
}

# check_show_metadata BINARY NAME: crm_resource --show-metadata of the
# installed ocf:vzha:NAME prints, byte for byte, what BINARY meta-data does.
check_show_metadata() {
	local bin=$1 ra=ocf:vzha:$2
	"$bin" meta-data >"$T_DIR/meta.xml"
	crm_resource --show-metadata "$ra" >"$T_DIR/show.xml" 2>"$T_DIR/stderr"
	rc=$?
	if [ "$rc" = 0 ] && cmp -s "$T_DIR/meta.xml" "$T_DIR/show.xml"; then
		ok "crm_resource --show-metadata $ra is the agent's meta-data"
	else
		not_ok "crm_resource --show-metadata $ra (rc $rc) differs from the agent's meta-data"
		diag "$(diff -u "$T_DIR/meta.xml" "$T_DIR/show.xml" | head -n 20; cat "$T_DIR/stderr")"
	fi
}

# crm_ra_info NAME: crm ra info ocf:vzha:NAME into $T_DIR/crm.out, one
# test point on its exit code. Fails, with a skipped point, without
# crmsh. crmsh 4.4 parses meta-data with lxml's etree.fromstring() on a
# str, which refuses an XML declaration naming an encoding ("Unicode
# strings with encoding declaration are not supported"): crm ra info then
# fails.
crm_ra_info() {
	local ra=ocf:vzha:$1
	if ! command -v crm >/dev/null 2>&1; then
		skip_point "crm ra info: crm is not installed (apt-get install crmsh)"
		return 1
	fi
	# HOME: crmsh creates ~/.cache/crm and ~/.config/crm
	HOME=$T_DIR timeout 120 crm ra info "$ra" \
		>"$T_DIR/crm.out" 2>"$T_DIR/crm.err"
	rc=$?
	rc_point "crm ra info $ra" "$T_DIR/crm.err"
}

# rc_point WHAT ERRFILE: one test point on $rc, "WHAT exits 0", else the
# code, with ERRFILE (the command's stderr) as diagnostics
rc_point() {
	if [ "$rc" = 0 ]; then
		ok "$1 exits 0"
	else
		not_ok "$1 exits $rc"
		diag "$(cat "$2")"
	fi
}

# crm_lists PARAM...: the last crm_ra_info lists every PARAM
crm_lists() {
	local p
	for p; do
		grep -Eq "^$p\*? \(" "$T_DIR/crm.out" || return 1
	done
}

# pcs_describe NAME: pcs resource describe ocf:vzha:NAME into
# $T_DIR/pcs.out, one test point on its exit code. Fails, with a skipped
# point, without pcs or where pcs wants what is not here (pcsd, a cluster).
pcs_describe() {
	local ra=ocf:vzha:$1
	if ! command -v pcs >/dev/null 2>&1; then
		skip_point "pcs resource describe: pcs is not installed (apt-get install pcs)"
		return 1
	fi
	timeout 120 pcs resource describe "$ra" \
		>"$T_DIR/pcs.out" 2>"$T_DIR/pcs.err"
	rc=$?
	if [ "$rc" != 0 ] && grep -Eqi 'pcsd|unable to connect|not authorized|cluster is not' "$T_DIR/pcs.err"; then
		skip_point "pcs resource describe: pcs needs what is not here: $(head -n 1 "$T_DIR/pcs.err")"
		return 1
	fi
	rc_point "pcs resource describe $ra" "$T_DIR/pcs.err"
}

# run_agent ACTION [NAME=VALUE...]: runs vzfs with OCF_RESKEY_NAME=VALUE,
# setting $rc, $out (stdout) and $err (stderr). Environment entries that
# are not NAME=VALUE parameters pass through as they are (OCF_CHECK_LEVEL=,
# and the simulators' knobs: VZCTL_SIM_ROOT=, SIM_STOP_TIMEOUT=).
run_agent() {
	local action=$1 a
	shift
	local env=(OCF_RESOURCE_INSTANCE="${INSTANCE:-vzfs_test}")
	for a; do
		case $a in
		OCF_*=* | HA_*=* | VZCTL_SIM_*=* | SIM_*=* | DRBD_SIM_*=* | VZHA_*=*)
			env+=("$a") ;;
		*) env+=("OCF_RESKEY_$a") ;;
		esac
	done
	out=$(env -i PATH="$PATH" "${env[@]}" ${AGENT_WRAPPER:-} "$VZFS" "$action" \
		2>"$T_DIR/stderr")
	rc=$?
	err=$(cat "$T_DIR/stderr")
}

# The last exit-reason line of the last run_agent, without its prefix.
reason() {
	printf '%s\n' "$err" | sed -n 's/^ocf-exit-reason://p' | tail -n 1
}

# expect_rc DESC CODE: test point on $rc, showing the reason on failure.
expect_rc() {
	if [ "$rc" = "$2" ]; then
		ok "$1 (rc $rc)"
	else
		not_ok "$1: expected rc $2, got $rc"
		diag "stderr:" "$err"
	fi
}

# expect_reason DESC REGEX: the exit reason matches REGEX (grep -E).
expect_reason() {
	local r
	r=$(reason)
	if printf '%s\n' "$r" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1: reason '$r' does not match /$2/"
	fi
}

# How many ocf-exit-reason lines the last run printed.
reason_count() {
	printf '%s\n' "$err" | grep -c '^ocf-exit-reason:'
}

# is_mounted DIR [DEV]: DIR is a mount point (of DEV, when given).
is_mounted() {
	local src
	src=$(findmnt -n -o MAJ:MIN --mountpoint "$1" 2>/dev/null | tail -n 1) ||
		return 1
	src=${src// /} # findmnt right-aligns the column
	[ -n "$src" ] || return 1
	[ $# -lt 2 ] && return 0
	[ "$src" = "$(stat -L -c '%Hr:%Lr' "$2")" ]
}

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# ready_fifo: a fifo a background holder writes to once it holds what it
# should, so tests wait for a condition instead of sleeping.
ready_wait() {
	local fifo=$1 line
	read -r -t 10 line <"$fifo"
}
