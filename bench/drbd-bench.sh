#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ocf:vzha:drbd beside ocf:linbit:drbd (drbd-utils), per action: median
# wall time and processes executed and forked, for the monitor of a
# Secondary (role Unpromoted, interval 20 s) and of a Primary (role
# Promoted, interval 10 s), both with the promotion score unchanged, and
# for meta-data. Two parts:
#   sim: on the host, against tests/sim/drbd-sim (a SIMULATOR of DRBD 8.4):
#     ocf:vzha:drbd timed; ocf:linbit:drbd run on the same simulated state
#     to show what of it the simulator cannot answer (it cannot be timed
#     there: it reads the host's /proc/drbd and /dev/drbdN, and asks
#     `drbdsetup sh-status`, which the simulator does not have); the
#     meta-data of both, which needs no DRBD, timed on the host.
#   vm: both agents on real DRBD 8.4.11 in the VM tier's guest deimos
#     (tests/vm/lib.sh; QEMU under TCG unless VZHA_VM_ACCEL=kvm works),
#     hyperfine and strace run inside the guest.
# Prints Markdown on stdout, progress on stderr.
#
#   bench/drbd-bench.sh [-n RUNS] [-a DRBD] [-l LINBIT] [-p sim|vm|all]
#
#   -n RUNS    timed runs per action (default 20), after 3 warm-ups
#   -a DRBD    the agent binary (default: the build's ./drbd; "installed"
#              means $OCF_ROOT/resource.d/vzha/drbd)
#   -l LINBIT  LINBIT's agent (default $OCF_ROOT/resource.d/linbit/drbd)
#   -p PART    which part to run (default all)
#
# Environment: DRBD_SIM (default tests/sim/drbd-sim); VZHA_VM_CACHE (the
# VM tier's prepared cache, default /var/cache/vzha/vm), VZHA_VM_ACCEL,
# VZHA_VM_PORT_BASE (default here 47870, not the tests' 47810).
#
# Run as root; needs hyperfine, strace, awk. No cluster is involved: both
# agents get the environment Pacemaker 2.1 gives a promotable clone's
# instance (clone-max=2, promoted-max=1, notify=true, crm_feature_set),
# and crm_attribute and crm_master are stand-ins (sh scripts that record
# the call and exit 0; crm_master -G answers 10000) found through
# HA_SBIN_DIR and first in PATH. The vm part boots its own two guests from
# a private copy of the VM cache's run state (/var/cache/vzha/drbd-bench.*,
# the kernel shared by symlink), so it does not disturb a VM test running
# at the same time; at exit (also when interrupted) it powers them off and
# removes that directory and the private temporary directory on the host.
set -u
export LC_ALL=C TZ=UTC
export OCF_ROOT=${OCF_ROOT:-/usr/lib/ocf}

here=$(cd "$(dirname "$0")" && pwd)
BENCH=drbd-bench
. "$here/lib.sh"
RUNS=20
WARMUP=3
DRBD=$here/../drbd
LINBIT=$OCF_ROOT/resource.d/linbit/drbd
PART=all
SIM=${DRBD_SIM:-$here/../tests/sim/drbd-sim}

usage() {
	sed -n '18,25s/^#   //p' "$0" >&2
	exit "${1:-2}"
}

while getopts n:a:l:p:h opt; do
	case $opt in
	n) RUNS=$OPTARG ;;
	a) DRBD=$OPTARG ;;
	l) LINBIT=$OPTARG ;;
	p) PART=$OPTARG ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
[ "$DRBD" = installed ] && DRBD=$OCF_ROOT/resource.d/vzha/drbd
case $RUNS in '' | *[!0-9]* | 0) echo "-n wants a positive number" >&2; exit 2 ;; esac
case $PART in sim | vm | all) ;; *) usage ;; esac

[ "$(id -u)" = 0 ] || die "run as root (the VM tier, the agents' state under /run)"
[ -x "$DRBD" ] || die "no agent at $DRBD (make drbd, or -a PATH)"
DRBD=$(readlink -f "$DRBD")
[ -x "$LINBIT" ] || die "no LINBIT agent at $LINBIT (apt-get install drbd-utils)"
[ -x "$SIM" ] || die "no DRBD simulator at $SIM"
for c in hyperfine strace awk; do
	command -v "$c" >/dev/null || die "needs $c (apt-get install hyperfine strace gawk)"
done

B_DIR=$(mktemp -d /tmp/drbd-bench.XXXXXX) || die "mktemp"
VM_PRIVATE=

cleanup() {
	local rc=$?
	set +e
	if [ -n "$VM_PRIVATE" ]; then
		declare -F vm_down >/dev/null && vm_down
		rm -rf --one-file-system "$VM_PRIVATE"
	fi
	rm -rf --one-file-system "$B_DIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The stand-ins: crm_attribute (ocf:vzha:drbd) and crm_master (LINBIT's)
standins() {
	local dir=$1 log=$2 t
	mkdir -p "$dir"
	for t in crm_attribute crm_master; do
		cat >"$dir/$t" <<-EOF
			#!/bin/sh
			# bench stand-in for $t: records the call; -G answers 10000
			echo "$t \$*" >>$log
			case " \$* " in *" -G "*) echo 10000 ;; esac
			exit 0
		EOF
		chmod 755 "$dir/$t"
	done
}

# What Pacemaker 2.1 gives every action of the clone's instance (seen
# from crm_resource 2.1.5 on ms_drbd_db; master_* are the names LINBIT's
# agent checks, which Pacemaker sets for compatibility).
AGENT_ENV=(
	OCF_RESOURCE_INSTANCE=p_drbd_db OCF_RESKEY_drbd_resource=db
	OCF_RESKEY_crm_feature_set=3.16.1 OCF_RESKEY_CRM_meta_timeout=20000
	OCF_RESKEY_CRM_meta_clone_max=2 OCF_RESKEY_CRM_meta_clone_node_max=1
	OCF_RESKEY_CRM_meta_promoted_max=1 OCF_RESKEY_CRM_meta_promoted_node_max=1
	OCF_RESKEY_CRM_meta_master_max=1 OCF_RESKEY_CRM_meta_master_node_max=1
	OCF_RESKEY_CRM_meta_notify=true OCF_RESKEY_CRM_meta_promotable=true
	OCF_RESKEY_CRM_meta_globally_unique=false
)

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "n/a" }'
}

declare -A R

# ---------------------------------------------------------------- sim part

# host_measure KEY AGENT ACTION INTERVAL RC: time, processes and score
# writes of AGENT ACTION on the host, in the current (exported) state,
# into R[KEY,...]; RC is the exit code the state must give.
host_measure() {
	local key=$1 agent=$2 action=$3 interval=$4 want=$5 rc n0 n1
	export OCF_RESKEY_CRM_meta_interval=$interval
	"$agent" "$action" >>"$B_DIR/agent.log" 2>&1
	rc=$?
	[ "$rc" = "$want" ] || die "$agent $action: rc $rc, expected $want; its log ends:
$(tail -n 5 "$B_DIR/agent.log")"
	n0=$(wc -l <"$B_DIR/crm.calls")
	hyperfine -N -i --runs "$RUNS" --warmup "$WARMUP" --style none \
		--export-json "$B_DIR/hf.json" -- "$agent $action" \
		>/dev/null 2>>"$B_DIR/agent.log" || die "hyperfine $agent $action failed"
	n1=$(wc -l <"$B_DIR/crm.calls")
	R[$key,ms]=$(hf_ms "$B_DIR/hf.json" median)
	R[$key,writes]=$((n1 - n0))
	strace_procs "$B_DIR/strace" "$agent" "$action" >>"$B_DIR/agent.log" 2>&1
	R[$key,procs]=$(procs_count "$B_DIR/strace")
	R[$key,rc]=$rc
}

# linbit_calls AGENT ACTION INTERVAL: runs LINBIT's AGENT once through
# logging wrappers of the simulator; prints its rc, then each drbdadm or
# drbdsetup call with the simulator's exit code (and, when it failed, the
# last line it wrote to stderr).
linbit_calls() {
	local agent=$1 action=$2 interval=$3 rc
	: >"$B_DIR/diag.log"
	PATH=$B_DIR/diag:$PATH OCF_RESKEY_CRM_meta_interval=$interval \
		"$agent" "$action" >>"$B_DIR/agent.log" 2>&1
	rc=$?
	echo "rc $rc"
	cat "$B_DIR/diag.log"
}

sim_part() {
	local W=$B_DIR/world t
	note "sim: a simulated pair deimos/phobos, db synced"
	mkdir -p "$B_DIR/bin" "$B_DIR/diag"
	ln -s "$SIM" "$B_DIR/bin/drbdadm"
	ln -s "$SIM" "$B_DIR/bin/drbdsetup"
	# for the LINBIT diagnosis: the simulator, logging each call's result
	for t in drbdadm drbdsetup; do
		cat >"$B_DIR/diag/$t" <<-EOF
			#!/bin/bash
			DRBD_SIM_TOOL=$t '$SIM' "\$@" 2>'$B_DIR/diag.err'
			rc=\$?
			if [ \$rc = 0 ]; then
				echo "  $t \$*: exit 0" >>'$B_DIR/diag.log'
			else
				echo "  $t \$*: exit \$rc, \"\$(tail -n 1 '$B_DIR/diag.err')\"" >>'$B_DIR/diag.log'
			fi
			cat '$B_DIR/diag.err' >&2
			exit \$rc
		EOF
		chmod 755 "$B_DIR/diag/$t"
	done
	: >"$B_DIR/crm.calls"
	standins "$B_DIR/sbin" "$B_DIR/crm.calls"
	# the seed's drbd.conf, as tests/system/drbd-sim.sh has it: db only is used
	export DRBD_SIM_WORLD=$W DRBD_SIM_NODE=deimos
	{
		"$SIM" init --config "$here/../tests/sim/seed-drbd.conf" --nodes "deimos phobos" &&
			"$SIM" on deimos drbdadm up db && "$SIM" on phobos drbdadm up db &&
			"$SIM" on deimos drbdadm primary --force db && "$SIM" settle &&
			"$SIM" on deimos drbdadm secondary db
	} >>"$B_DIR/agent.log" 2>&1 || die "drbd-sim: cannot set up the pair"

	export "${AGENT_ENV[@]}" VZHA_DRBD_ROOT=$W/deimos/root \
		OCF_RESKEY_drbdconf=$W/drbd.conf \
		OCF_RESKEY_drbdadm=$B_DIR/bin/drbdadm \
		OCF_RESKEY_drbdsetup=$B_DIR/bin/drbdsetup \
		HA_SBIN_DIR=$B_DIR/sbin PATH=$B_DIR/bin:$B_DIR/sbin:$PATH

	# LINBIT's agent as installed, then a copy in which the two tests of
	# the kernel's files look where the simulator keeps them
	mkdir -p "$B_DIR/linbit"
	cp "$LINBIT" "$LINBIT.shellfuncs.sh" "$B_DIR/linbit/" 2>/dev/null ||
		cp "$LINBIT" "$B_DIR/linbit/"
	sed -i -e 's|test -f /proc/drbd|test -f "$VZHA_DRBD_ROOT/proc/drbd"|' \
		-e 's|test -b \$dev && break|test -n "$dev" \&\& break|' \
		"$B_DIR/linbit/drbd"

	R[sim,state,Unpromoted]=$("$SIM" proc deimos | grep '^ *0:')
	note "sim: ocf:vzha:drbd monitor, Unpromoted"
	host_measure "sim,vzha,Unpromoted" "$DRBD" monitor 20000 0
	R[sim,linbit,Unpromoted]=$(linbit_calls "$LINBIT" monitor 20000)
	R[sim,linbitp,Unpromoted]=$(linbit_calls "$B_DIR/linbit/drbd" monitor 20000)

	"$SIM" on deimos drbdadm primary db >>"$B_DIR/agent.log" 2>&1 ||
		die "drbd-sim: cannot promote db on deimos"
	R[sim,state,Promoted]=$("$SIM" proc deimos | grep '^ *0:')
	note "sim: ocf:vzha:drbd monitor, Promoted"
	host_measure "sim,vzha,Promoted" "$DRBD" monitor 10000 8
	R[sim,linbit,Promoted]=$(linbit_calls "$LINBIT" monitor 10000)
	R[sim,linbitp,Promoted]=$(linbit_calls "$B_DIR/linbit/drbd" monitor 10000)

	note "sim: meta-data of both (no DRBD involved)"
	host_measure "sim,vzha,meta" "$DRBD" meta-data 0 0
	host_measure "sim,linbit,meta" "$LINBIT" meta-data 0 0
	note "sim: an empty exec (/bin/true), for scale"
	host_measure "sim,true,true" /bin/true "" 0 0
	unset DRBD_SIM_WORLD DRBD_SIM_NODE VZHA_DRBD_ROOT
}

sim_report() {
	local s k ve vf le lf
	echo "#### Part 1: the simulator, on the host"
	echo
	echo "ocf:vzha:drbd as node deimos of a simulated pair (tests/sim/drbd-sim),"
	echo "db synced and connected; the Promoted row after \`drbdadm primary db\`:"
	echo
	echo '```'
	echo "Unpromoted: ${R[sim,state,Unpromoted]}"
	echo "Promoted:   ${R[sim,state,Promoted]}"
	echo '```'
	echo
	echo "| action | state | rc | vzha ms | vzha execs | vzha forks | score writes in $((RUNS + WARMUP)) runs | linbit ms | linbit execs | linbit forks | linbit / vzha |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in Unpromoted Promoted; do
		k=sim,vzha,$s
		read -r ve vf <<<"${R[$k,procs]}"
		echo "| monitor | $s | ${R[$k,rc]} | ${R[$k,ms]} | $ve | $vf | ${R[$k,writes]} | cannot run | | | |"
	done
	read -r ve vf <<<"${R[sim,vzha,meta,procs]}"
	read -r le lf <<<"${R[sim,linbit,meta,procs]}"
	echo "| meta-data | | 0 | ${R[sim,vzha,meta,ms]} | $ve | $vf | | ${R[sim,linbit,meta,ms]} | $le | $lf | $(ratio "${R[sim,linbit,meta,ms]}" "${R[sim,vzha,meta,ms]}") |"
	echo
	echo "An empty exec on this host (\`hyperfine -N /bin/true\`): ${R[sim,true,true,ms]} ms."
	echo
	echo "ocf:linbit:drbd on the same simulated state, its drbdadm/drbdsetup"
	echo "calls and what the simulator answered (exit code):"
	echo
	echo '```'
	for s in Unpromoted Promoted; do
		echo "$s, as installed: $(printf '%s\n' "${R[sim,linbit,$s]}" | head -n 1)"
		printf '%s\n' "${R[sim,linbit,$s]}" | tail -n +2
		echo "$s, /proc/drbd and /dev/drbd0 tests pointed at the simulator: $(printf '%s\n' "${R[sim,linbitp,$s]}" | head -n 1)"
		printf '%s\n' "${R[sim,linbitp,$s]}" | tail -n +2
	done
	echo '```'
	echo
}

# ---------------------------------------------------------------- vm part

# The script the guest runs per measurement (host's userland: hyperfine
# and strace are the host's). Arguments: KEY AGENT ACTION INTERVAL RUNS
# WARMUP. Leaves /vm/shared/KEY.json (hyperfine) and /vm/shared/KEY.res:
# "RC WRITES EXECS FORKS".
guest_script() {
	cat <<'GUEST'
#!/bin/bash
set -u
key=$1 agent=$2 action=$3 interval=$4 runs=$5 warmup=$6
export LC_ALL=C OCF_ROOT=/usr/lib/ocf
# the stand-ins on the guest's tmpfs, as the real tools are local files
if [ ! -x /tmp/sbin/crm_master ]; then
	mkdir -p /tmp/sbin && cp /vm/shared/sbin/* /tmp/sbin/ && touch /tmp/crm.calls
fi
export PATH=/tmp/sbin:/usr/sbin:/usr/bin:/sbin:/bin HA_SBIN_DIR=/tmp/sbin
. /vm/shared/agent.env
export OCF_RESKEY_drbdconf=/etc/drbd.conf OCF_RESKEY_CRM_meta_interval=$interval
"$agent" "$action" >>/tmp/agent.log 2>&1
rc=$?
n0=$(wc -l </tmp/crm.calls)
hyperfine -N -i --runs "$runs" --warmup "$warmup" --style none \
	--export-json "/vm/shared/$key.json" -- "$agent $action" >/dev/null 2>>/tmp/agent.log ||
	exit 1
n1=$(wc -l </tmp/crm.calls)
strace -f -qq -e signal=none -e trace=execve,clone,clone3,fork,vfork \
	-o /tmp/strace "$agent" "$action" >>/tmp/agent.log 2>&1
echo "$rc $((n1 - n0)) $(awk -f /vm/shared/procs.awk /tmp/strace)" >"/vm/shared/$key.res"
cp /tmp/strace "/vm/shared/$key.strace"
GUEST
}

# vm_measure KEY AGENT ACTION INTERVAL RC: one measurement in deimos
vm_measure() {
	local key=$1 agent=$2 action=$3 interval=$4 want=$5 cmd rc writes execs forks
	printf -v cmd '%q ' bash /vm/shared/guest-bench.sh "$key" "$agent" \
		"$action" "$interval" "$RUNS" "$WARMUP"
	vm_run -t 3600 deimos "$cmd" >>"$B_DIR/agent.log" 2>&1 ||
		die "vm: $agent $action failed in deimos"
	read -r rc writes execs forks <"$VM_SHARED/$key.res" ||
		die "vm: no result for $key"
	[ "$rc" = "$want" ] || die "vm: $agent $action: rc $rc, expected $want"
	R[vm,$key,rc]=$rc
	R[vm,$key,writes]=$writes
	R[vm,$key,procs]="$execs $forks"
	R[vm,$key,ms]=$(hf_ms "$VM_SHARED/$key.json" median)
	cp "$VM_SHARED/$key.strace" "$B_DIR/" 2>/dev/null
}

vm_part() {
	local base=${VZHA_VM_CACHE:-/var/cache/vzha/vm} s
	base=${base%/}
	case $DRBD in
	/tmp/* | /run/* | /var/tmp/* | /var/log/*)
		die "the guests cannot see $DRBD (their /tmp, /run, /var/tmp and /var/log are their own)" ;;
	esac
	note "vm: preparing the VM tier's cache $base"
	VZHA_VM_CACHE=$base "$here/../tests/vm/prepare.sh" || die "tests/vm/prepare.sh failed"
	VM_PRIVATE=$(mktemp -d "${base%/*}/drbd-bench.XXXXXX") || die "mktemp under ${base%/*}"
	ln -s "$base/kernel" "$VM_PRIVATE/kernel"
	cp "$base/initramfs.cpio.gz" "$base/initramfs.init" "$VM_PRIVATE/" || die "cannot copy the initramfs"
	export VZHA_VM_CACHE=$VM_PRIVATE VZHA_VM_PORT_BASE=${VZHA_VM_PORT_BASE:-47870}
	# shellcheck source=../tests/vm/lib.sh
	. "$here/../tests/vm/lib.sh" || die "cannot read tests/vm/lib.sh"
	note "vm: booting deimos and phobos (${VM_ACCEL}), db and apps up"
	vm_up >>"$B_DIR/vm.log" 2>&1 || die "vm_up failed: $(tail -n 5 "$B_DIR/vm.log")"
	vm_run deimos "drbdadm primary --force db" >>"$B_DIR/vm.log" 2>&1 ||
		die "vm: the initial sync of db failed to start"
	vm_wait deimos 300 '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate' \
		>>"$B_DIR/vm.log" 2>&1 || die "vm: db did not sync"
	vm_run deimos "drbdadm secondary db" >>"$B_DIR/vm.log" 2>&1 || die "vm: cannot demote db"
	R[vm,kernel]="kernel $(vm_run deimos 'uname -r' 2>/dev/null), DRBD $(vm_run deimos 'head -n 1 /proc/drbd' 2>/dev/null | sed 's/^version: //')"

	standins "$VM_SHARED/sbin" /tmp/crm.calls
	printf '%s' "$PROCS_AWK" >"$VM_SHARED/procs.awk"
	guest_script >"$VM_SHARED/guest-bench.sh"
	printf 'export %s\n' "${AGENT_ENV[@]}" >"$VM_SHARED/agent.env"

	for s in Unpromoted Promoted; do
		if [ "$s" = Promoted ]; then
			vm_run deimos "drbdadm primary db" >>"$B_DIR/vm.log" 2>&1 ||
				die "vm: cannot promote db on deimos"
		fi
		R[vm,state,$s]=$(vm_run deimos "grep '^ 0:' /proc/drbd" 2>/dev/null)
		note "vm: monitor, $s, of both (in the guest)"
		if [ "$s" = Promoted ]; then
			vm_measure "vzha-$s" "$DRBD" monitor 10000 8
			vm_measure "linbit-$s" "$LINBIT" monitor 10000 8
		else
			vm_measure "vzha-$s" "$DRBD" monitor 20000 0
			vm_measure "linbit-$s" "$LINBIT" monitor 20000 0
		fi
	done
	note "vm: meta-data of both, and /bin/true (in the guest)"
	vm_measure vzha-meta "$DRBD" meta-data 0 0
	vm_measure linbit-meta "$LINBIT" meta-data 0 0
	vm_measure true-true /bin/true "" 0 0
	R[vm,load]=$(vm_run deimos 'cat /proc/loadavg' 2>/dev/null)
	# the record of which helpers LINBIT's monitor ran
	R[vm,linbit,execs]=$(grep -o 'execve("[^"]*", \[[^]]*\][^=]*= 0$' \
		"$B_DIR/linbit-Unpromoted.strace" 2>/dev/null |
		sed -E 's/^execve\("([^"]*)", \[("[^"]*"(, )?)+.*/\1/' |
		sort | uniq -c | sort -rn | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }')
}

vm_report() {
	local s k ve vf le lf
	echo "#### Part 2: real DRBD 8.4.11 in the VM tier"
	echo
	echo "Guest deimos (tests/vm/lib.sh, QEMU accel=${VM_ACCEL}, 1 vCPU, ${R[vm,kernel]}),"
	echo "peer phobos connected; db synced. Both agents, hyperfine and strace run"
	echo "inside the guest; its load average after the runs: ${R[vm,load]}."
	echo
	echo '```'
	echo "Unpromoted: ${R[vm,state,Unpromoted]}"
	echo "Promoted:   ${R[vm,state,Promoted]}"
	echo '```'
	echo
	echo "| action | state | rc | vzha ms | linbit ms | linbit / vzha | vzha execs | vzha forks | linbit execs | linbit forks | score writes in $((RUNS + WARMUP)) runs (vzha / linbit) |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in Unpromoted Promoted meta; do
		read -r ve vf <<<"${R[vm,vzha-$s,procs]}"
		read -r le lf <<<"${R[vm,linbit-$s,procs]}"
		if [ $s = meta ]; then
			printf '| meta-data | | 0 |'
		else
			printf '| monitor | %s | %s |' "$s" "${R[vm,vzha-$s,rc]}"
		fi
		printf ' %s | %s | %s | %s | %s | %s | %s | %s |\n' \
			"${R[vm,vzha-$s,ms]}" "${R[vm,linbit-$s,ms]}" \
			"$(ratio "${R[vm,linbit-$s,ms]}" "${R[vm,vzha-$s,ms]}")" \
			"$ve" "$vf" "$le" "$lf" \
			"$([ $s = meta ] && echo "" || echo "${R[vm,vzha-$s,writes]} / ${R[vm,linbit-$s,writes]}")"
	done
	echo
	echo "An empty exec in the guest (\`hyperfine -N /bin/true\`): ${R[vm,true-true,ms]} ms."
	echo "The programs ocf:linbit:drbd's Unpromoted monitor executed (strace):"
	echo "${R[vm,linbit,execs]}."
	echo
}

# ---------------------------------------------------------------- run

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
case $PART in sim | all) sim_part ;; esac
case $PART in vm | all) vm_part ;; esac

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "Host: $(nproc) CPUs ($cpu), kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'),"
echo "load average before the run: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ocf:vzha:drbd: $DRBD"
echo "ocf:linbit:drbd: $LINBIT (drbd-utils $(dpkg-query -W -f '${Version}' drbd-utils 2>/dev/null || echo '?'))"
echo "Median wall time of $RUNS runs (hyperfine $(hyperfine --version | awk '{ print $2 }'), -N, -i, $WARMUP warm-ups);"
echo "processes from one more run under strace -f (execs: programs executed,"
echo "not counting the agent itself; forks: processes created); score writes:"
echo "crm_attribute/crm_master calls during the warm-ups and timed runs."
echo
case $PART in sim | all) sim_report ;; esac
case $PART in vm | all) vm_report ;; esac
