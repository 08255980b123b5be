#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests of tests/sim/drbd-sim, the simulator of DRBD 8.4 (drbdadm, drbdsetup,
# /proc/drbd) the drbd agent's tests run against. Prints TAP. Needs neither
# root nor DRBD: everything lives in a temporary directory (with a blank in
# its path), removed on exit; the simulator starts no process that outlives
# it.
#
# Part 1 replays lab/demo-drbd.sh, the run that captured the real DRBD 8.4.11
# outputs of tests/fixtures/drbd84/, and compares each state's /proc/drbd
# with the capture: byte for byte where the counters are fixed, otherwise
# line by line with the numbers (and the progress bar) masked. Part 2 walks
# the seed article's tests (a node's power cut and return, the link cut with
# both nodes Primary) and the exit codes and messages of failing commands.
#
#   bash tests/sim/test-drbd-sim.sh
#   DRBD_SIM_TEST_KEEP=1 bash tests/sim/test-drbd-sim.sh   (keeps the worlds)

# shellcheck disable=SC2016 # some expected texts hold a literal $
set -u
export LC_ALL=C TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIM=${DRBD_SIM:-$here/drbd-sim}
FIX=${DRBD84_FIXTURES:-$here/../fixtures/drbd84}

T_NUM=0
T_FAILED=0
T_DIR=

# ---------------------------------------------------------------- TAP

ok() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM - $*"
}

not_ok() {
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_NUM - $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	echo "SKIPPED: $*" >&2
	exit 0
}

# DRBD_SIM_TEST_KEEP=1 keeps the worlds (and says where) for a post-mortem
on_exit() {
	if [ -n "${DRBD_SIM_TEST_KEEP-}" ]; then
		echo "# kept: $T_DIR"
	elif [ -n "$T_DIR" ]; then
		rm -rf -- "$T_DIR"
	fi
	echo "1..$T_NUM"
	[ "$T_FAILED" = 0 ]
}

# ---------------------------------------------------------------- helpers

# run NODE TOOL ARGS...: a tool as on NODE of $WORLD; sets rc, out, err
run() {
	local node=$1 tool=$2
	shift 2
	out=$(DRBD_SIM_WORLD=$WORLD DRBD_SIM_NODE=$node "$BIN/$tool" "$@" 2>"$T_DIR/stderr")
	rc=$?
	err=$(cat "$T_DIR/stderr")
}

adm() {
	local node=$1
	shift
	run "$node" drbdadm "$@"
}

setup() {
	local node=$1
	shift
	run "$node" drbdsetup "$@"
}

sim() {
	out=$(DRBD_SIM_WORLD=$WORLD "$BIN/drbd-sim" "$@" 2>"$T_DIR/stderr")
	rc=$?
	err=$(cat "$T_DIR/stderr")
}

proc_of() {
	echo "$WORLD/$1/root/proc/drbd"
}

expect_rc() {
	if [ "$rc" = "$2" ]; then
		ok "$1 (rc $rc)"
	else
		not_ok "$1: expected rc $2, got $rc"
		diag "stdout: $out" "stderr: $err"
	fi
}

# expect_err DESC TEXT: stderr is exactly TEXT
expect_err() {
	if [ "$err" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1: stderr differs"
		diag "expected:" "$2" "got:" "$err"
	fi
}

expect_out() {
	if [ "$out" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1: stdout differs"
		diag "expected:" "$2" "got:" "$out"
	fi
}

# expect_text DESC REGEX: stdout+stderr match REGEX
expect_text() {
	if printf '%s\n%s\n' "$out" "$err" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1: no /$2/ in the output"
		diag "stdout: $out" "stderr: $err"
	fi
}

# shape FILE: the text with the numbers masked, as a parser sees its shape
shape() {
	sed -E -e "s/\[[=>.]+\]/[BAR]/" -e "s/sync'ed: +/sync'ed: /" \
		-e 's/[0-9]+/#/g' -e 's/#,#(,#)?/#/g' -- "$1"
}

# expect_state DESC NODE FIXTURE: NODE's /proc/drbd has the fixture's
# device line, byte for byte, and its shape line for line
expect_state() {
	local desc=$1 f=$FIX/$3.proc-drbd.txt p
	p=$(proc_of "$2")
	if [ ! -f "$p" ]; then
		not_ok "$desc: $2 has no /proc/drbd"
		return
	fi
	if [ "$(sed -n 3p -- "$p")" = "$(sed -n 3p -- "$f")" ] &&
		[ "$(shape "$p")" = "$(shape "$f")" ]; then
		ok "$desc: $2's /proc/drbd is shaped as the real $3"
	else
		not_ok "$desc: $2's /proc/drbd is not shaped as the real $3"
		diag "expected (real capture):" "$(cat -A -- "$f")" "got:" "$(cat -A -- "$p")"
	fi
}

# expect_same DESC NODE FIXTURE: byte for byte
expect_same() {
	local p
	p=$(proc_of "$2")
	if cmp -s -- "$p" "$FIX/$3.proc-drbd.txt"; then
		ok "$1: $2's /proc/drbd is byte for byte the real $3"
	else
		not_ok "$1: $2's /proc/drbd differs from the real $3"
		diag "expected:" "$(cat -A -- "$FIX/$3.proc-drbd.txt")" "got:" "$(cat -A -- "$p" 2>&1)"
	fi
}

# expect_get NODE FIXTURE: drbdsetup role, cstate and dstate as in the
# fixture's device line (ro:, cs:, ds:)
expect_get() {
	local node=$1 line cs ro ds
	line=$(sed -n 3p -- "$FIX/$2.proc-drbd.txt")
	cs=$(sed -E 's/.* cs:([^ ]+) .*/\1/' <<<"$line")
	ro=$(sed -E 's/.* ro:([^ ]+) .*/\1/' <<<"$line")
	ds=$(sed -E 's/.* ds:([^ ]+) .*/\1/' <<<"$line")
	setup "$node" /dev/drbd0 role
	local r1=$out
	setup "$node" cstate 0
	local r2=$out
	setup "$node" dstate /dev/drbd0
	local r3=$out
	if [ "$r1|$r2|$r3" = "$ro|$cs|$ds" ]; then
		ok "drbdsetup role/cstate/dstate on $node: $ro $cs $ds"
	else
		not_ok "drbdsetup role/cstate/dstate on $node: expected $ro $cs $ds, got $r1 $r2 $r3"
	fi
}

dmesg_has() {
	grep -qF -- "$2" "$WORLD/$1/dmesg"
}

# ---------------------------------------------------------------- setup

[ -x "$SIM" ] || skip_all "no simulator at $SIM"
[ -f "$FIX/unconfigured.proc-drbd.txt" ] || skip_all "no DRBD 8.4 fixtures in $FIX"
command -v flock >/dev/null 2>&1 || skip_all "needs flock(1)"

T_DIR=$(mktemp -d "/tmp/drbd-sim test.XXXXXX")
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

BIN=$T_DIR/bin
mkdir -p "$BIN"
ln -s "$SIM" "$BIN/drbdadm"
ln -s "$SIM" "$BIN/drbdsetup"
ln -s "$SIM" "$BIN/drbd-sim"

# the lab's configuration (lab/drbd.conf), that of the fixtures
cat >"$T_DIR/lab.conf" <<'EOF'
global { usage-count no; }
common { }
resource db {
  protocol C;
  startup { wfc-timeout 15; degr-wfc-timeout 60; }
  disk { resync-rate 40M; }
  net {
    cram-hmac-alg sha1;
    shared-secret "vzha-lab-secret";
    after-sb-0pri discard-younger-primary;
    after-sb-1pri consensus;
    after-sb-2pri disconnect;
  }
  on deimos {
    device    /dev/drbd0;
    disk      /dev/VGroup00/db;
    address   10.99.0.1:7788;
    meta-disk internal;
  }
  on phobos {
    device    /dev/drbd0;
    disk      /dev/VGroup00/db;
    address   10.99.0.2:7788;
    meta-disk internal;
  }
}
EOF

# the seed article's drbd.conf (its flattened text laid out again, one
# statement a line, so that its "#" comments end where they did)
cat >"$T_DIR/seed.conf" <<'EOF'
global { usage-count no; }
common {
  handlers {
    pri-on-incon-degr "echo o > /proc/sysrq-trigger ; halt -f";
    pri-lost-after-sb "echo o > /proc/sysrq-trigger ; halt -f";
    local-io-error "echo o > /proc/sysrq-trigger ; halt -f";
    outdate-peer "/usr/lib/heartbeat/drbd-peer-outdater -t 5";
    # pri-lost "echo pri-lost. Have a look at the log files. | mail -s 'DRBD Alert' root";
    # split-brain "echo split-brain. drbdadm -- --discard-my-data connect $DRBD_RESOURCE ? | mail -s 'DRBD Alert' root";
  }
  startup {
    # wfc-timeout 0;
    degr-wfc-timeout 120; # 2 minutes.
    # wait-after-sb;
  }
  disk { on-io-error detach; no-disk-flushes; no-md-flushes; }
  syncer { rate 30M; al-extents 257; }
  net {
    sndbuf-size 512k;
    timeout 60; # 6 seconds (unit = 0.1 seconds)
    connect-int 10; # 10 seconds (unit = 1 second)
    ping-int 10; # 10 seconds (unit = 1 second)
    ping-timeout 5; # 500 ms (unit = 0.1 seconds)
    max-buffers 2048;
    cram-hmac-alg "sha1";
    shared-secret "DJujhjltepbyfFDRbtddtLzlmrf";
    after-sb-0pri discard-younger-primary;
    after-sb-1pri consensus;
    after-sb-2pri disconnect;
    rr-conflict disconnect;
  }
}
resource db {
  protocol C;
  on deimos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.101:7788; flexible-meta-disk internal; }
  on phobos { device /dev/drbd0; disk /dev/VGroup00/db; address 192.168.5.102:7788; flexible-meta-disk internal; }
}
resource apps {
  protocol C;
  on deimos { device /dev/drbd1; disk /dev/VGroup00/apps; address 192.168.5.101:7789; flexible-meta-disk internal; }
  on phobos { device /dev/drbd1; disk /dev/VGroup00/apps; address 192.168.5.102:7789; flexible-meta-disk internal; }
}
EOF

# ---------------------------------------------------------------- basics

WORLD="$T_DIR/no world"
for t in drbdadm drbdsetup drbd-sim; do
	out=$("$BIN/$t" --help 2>&1)
	rc=$?
	err=
	expect_rc "$t --help" 0
	expect_text "... says it is a simulator" 'SIMULATOR'
done
out=$("$BIN/drbdadm" --version 2>&1)
rc=$?
expect_rc "drbdadm --version" 0
expect_text "... names drbd-utils 9.22.0 as drbdadm-84 does" '^DRBDADM_VERSION=9\.22\.0$'
run deimos drbdadm frobnicate db
expect_rc "an unknown drbdadm command: E_USAGE" 1
expect_err "... with drbdadm's message" "drbdadm: Unknown command 'frobnicate'"
run deimos drbdadm -c "$T_DIR/none.conf" sh-resources
expect_rc "a missing config file: E_EXEC_ERROR" 20
expect_err "... with drbdadm's message (and its stray dot)" "Can not open '$T_DIR/none.conf'.
."
run deimos drbdadm -c "$T_DIR/seed.conf" sh-resources
expect_out "sh-resources (config only, no world needed)" "db apps"
run deimos drbdadm -c "$T_DIR/seed.conf" sh-minor apps
expect_out "sh-minor apps" "1"
run phobos drbdadm -c "$T_DIR/seed.conf" sh-dev db
expect_out "sh-dev db" "/dev/drbd0"
run deimos drbdadm -c "$T_DIR/seed.conf" sh-md-dev db
expect_out "sh-md-dev db (flexible-meta-disk internal)" "/dev/VGroup00/db"
run deimos drbdadm -c "$T_DIR/seed.conf" sh-minor nosuch
expect_rc "sh-minor of an unknown resource: E_USAGE" 1
expect_err "... 'not defined in your config'" "'nosuch' not defined in your config (for this host)."
run mars drbdadm -c "$T_DIR/seed.conf" sh-minor db
expect_rc "a host without an 'on' section" 1
expect_err "... does not have the resource" "'db' not defined in your config (for this host)."
run deimos drbdadm -c "$T_DIR/seed.conf" dump db
expect_text "dump shows the address as drbdadm-84 does" 'address +ipv4 192\.168\.5\.101:7788;'
run deimos drbdadm up db
expect_rc "a kernel command without DRBD_SIM_WORLD's world" 20
expect_text "... says which world is missing" 'no simulated world'

cat >"$T_DIR/hostile.conf" <<EOF
resource r0 {
  net { shared-secret "\$(touch '$T_DIR/pwned1')"; }
  on a { device /dev/drbd5; disk \`touch '$T_DIR/pwned2'\`; address 10.0.0.1:7000; meta-disk internal; }
  on b { device /dev/drbd5; disk /dev/x; address 10.0.0.2:7000; meta-disk internal; }
}
EOF
run a drbdadm -c "$T_DIR/hostile.conf" sh-minor r0
expect_out "a config with \$(...) and backquotes is parsed" "5"
check "... and never executed" test ! -e "$T_DIR/pwned1" -a ! -e "$T_DIR/pwned2"
printf 'resource r0 {\n  on a { device /dev/drbd0\n' >"$T_DIR/broken.conf"
run a drbdadm -c "$T_DIR/broken.conf" sh-resources
expect_rc "a config that does not parse: E_CONFIG_INVALID" 10
expect_text "... names file and line" 'broken\.conf:[0-9]+: '

# ================================================================ part 1
# lab/demo-drbd.sh, step by step, against the real captures

WORLD="$T_DIR/lab world"
sim init --config "$T_DIR/lab.conf" --sync-steps 1000
expect_rc "init a world from the lab's drbd.conf" 0
check "... nodes deimos and phobos, from the 'on' sections" \
	grep -qx 'NODES=deimos phobos' "$WORLD/settings"
check "... no module loaded yet: no /proc/drbd" test ! -e "$(proc_of deimos)"
check "... nor /sys/module/drbd" test ! -e "$WORLD/deimos/root/sys/module/drbd/version"

adm deimos primary db
expect_rc "primary of a resource that is not up: drbdsetup's 10" 10
expect_err "... messages of drbdsetup-84 and drbdadm" "0: Failure: (127) Device minor not allocated
additional info from kernel:
unknown minor
Command 'drbdsetup-84 primary 0' terminated with exit code 10"
expect_same "drbdsetup loaded the module (modprobe), nothing is up" deimos unconfigured
check "... /sys/module/drbd/version says 8.4.11" \
	test "$(cat "$WORLD/deimos/root/sys/module/drbd/version")" = 8.4.11
adm deimos status db
expect_rc "drbdadm status of a resource that is not up" 10
expect_err "... as captured (unconfigured.drbdadm-status.txt)" "db: No such resource
Command 'drbdsetup-84 status db' terminated with exit code 10"
adm deimos down db
expect_rc "down of a resource that is not up succeeds, silently" 0
check "... (no output)" test -z "$out$err"

adm deimos up db
expect_rc "up db on deimos" 0
check "... alone: WFConnection Secondary/Unknown Inconsistent/DUnknown" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----$' "$(proc_of deimos)"
adm phobos up db
expect_rc "up db on phobos" 0
expect_same "both up, fresh meta-data" deimos connected-secondary-secondary-inconsistent
expect_get deimos connected-secondary-secondary-inconsistent

adm deimos primary db
expect_rc "primary without UpToDate data anywhere: 17, not 11" 17
expect_err "... (-2) as drbdsetup-84 prints it" "0: State change failed: (-2) Need access to UpToDate data
Command 'drbdsetup-84 primary 0' terminated with exit code 17"
adm deimos primary --force db
expect_rc "primary --force db on deimos (the initial sync)" 0
expect_state "initial full sync" deimos syncsource-primary
expect_state "initial full sync" phobos synctarget-secondary
expect_get deimos syncsource-primary
expect_get phobos synctarget-secondary
check "... the progress line counts the whole device" \
	grep -qE "^	\[[=>.]+\] sync'ed: +[0-9.]+% \([0-9]+/204756\)K$" "$(proc_of phobos)"
setup deimos status
if sed -E 's/done:[0-9]+\.[0-9]{2}$/done:#/' <<<"$out" | cmp -s - <(printf '%s\n' "db role:Primary" "  disk:UpToDate" "  peer role:Secondary" "    replication:SyncSource peer-disk:Inconsistent done:#"); then
	ok "drbdsetup status while syncing: as captured, with done:"
else
	not_ok "drbdsetup status while syncing"
	diag "$out"
fi
sim settle
expect_rc "drbd-sim settle: time until the resync is done" 0
expect_state "synced" deimos connected-primary-secondary-uptodate
expect_state "synced" phobos connected-secondary-primary-uptodate
expect_get deimos connected-primary-secondary-uptodate
check "... phobos received the whole device (nr:204756)" \
	grep -q ' nr:204756 dw:204756 ' "$(proc_of phobos)"
setup deimos status db
expect_out "drbdsetup status when connected: as captured" "db role:Primary
  disk:UpToDate
  peer role:Secondary
    replication:Established peer-disk:UpToDate"

sim write deimos db 4096
adm deimos secondary db
expect_rc "secondary db on deimos" 0
expect_state "demoted" deimos connected-secondary-secondary-uptodate
adm phobos primary db
expect_rc "primary db on phobos (deimos Secondary)" 0
adm phobos secondary db
expect_rc "secondary db on phobos" 0

sim kill deimos
expect_rc "drbd-sim kill deimos (the demo's QMP quit)" 0
check "... deimos has no /proc/drbd any more" test ! -e "$(proc_of deimos)"
expect_state "peer gone" phobos wfconnection-secondary-uptodate
expect_get phobos wfconnection-secondary-uptodate
setup phobos status
expect_out "drbdsetup status without the peer: as captured" "db role:Secondary
  disk:UpToDate
  peer connection:Connecting"
adm phobos primary db
expect_rc "primary db on phobos, alone" 0
expect_state "promoted alone" phobos wfconnection-primary-uptodate
sim write phobos db 2140
check "... what phobos writes alone is out of sync (oos:2140)" \
	grep -q ' oos:2140$' "$(proc_of phobos)"
adm phobos disconnect db
expect_rc "disconnect db on phobos" 0
expect_state "disconnected" phobos standalone-primary-uptodate
setup phobos status
expect_out "drbdsetup status when StandAlone: as captured" "db role:Primary
  disk:UpToDate"
adm phobos connect db
expect_rc "connect db on phobos" 0
expect_state "connecting again" phobos wfconnection-primary-uptodate

sim boot deimos
expect_rc "drbd-sim boot deimos, its old disk" 0
check "... no module loaded at boot" test ! -e "$(proc_of deimos)"
adm deimos up db
expect_rc "up db on deimos" 0
check "... deimos syncs from phobos: SyncTarget" \
	grep -q '^ 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----$' "$(proc_of deimos)"
check "... decided by the UUIDs (rule 50: deimos's current is phobos's bitmap UUID)" \
	dmesg_has deimos 'uuid_compare()=-1 by rule 50'
check "... only what phobos changed: 2140 KB" \
	dmesg_has deimos 'Began resync as SyncTarget (will sync 2140 KB [535 bits set]).'
sim settle
expect_state "resynced" deimos connected-secondary-primary-after-resync
check "... nr:2140 dw:2140, as the capture's 2145 shape" grep -q 'ns:0 nr:2140 dw:2140 dr:0 ' "$(proc_of deimos)"

adm deimos detach db
expect_rc "detach db on deimos" 0
expect_state "detached" deimos diskless-secondary
expect_state "peer detached" phobos connected-primary-secondary-peer-diskless
expect_get deimos diskless-secondary
sim write phobos db 1024
adm deimos attach db
expect_rc "attach db on deimos" 0
check "... resyncs what phobos wrote meanwhile" \
	dmesg_has deimos 'Began resync as SyncTarget (will sync 1024 KB'
sim settle
check "... then UpToDate/UpToDate" \
	grep -q '^ 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----$' "$(proc_of deimos)"
adm phobos secondary db
adm phobos down db
expect_rc "down db on phobos" 0
adm deimos down db
expect_rc "down db on deimos" 0
expect_same "both down" deimos unconfigured
adm deimos role db
expect_rc "role of a resource that is down" 10
expect_err "... drbdsetup-84's and drbdadm's messages" "0: Failure: (127) Device minor not allocated
additional info from kernel:
unknown minor
Command 'drbdsetup-84 role 0' terminated with exit code 10"
adm deimos dstate db
expect_rc "dstate of a resource that is down (drbdmeta reads the disk)" 0
expect_out "... Consistent, as drbdmeta's dstate says" "Consistent"

# ================================================================ part 2
# the seed article's tests, with its drbd.conf (db and apps)

WORLD="$T_DIR/seed world"
sim init --config "$T_DIR/seed.conf" --sync-steps 4
expect_rc "init a world from the seed's drbd.conf" 0
for n in deimos phobos; do
	adm "$n" up all
	expect_rc "up all on $n" 0
done
check "both up: db Connected Secondary/Secondary Inconsistent" \
	grep -q '^ 0: cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C r-----$' "$(proc_of phobos)"
check "... and apps, minor 1, right after it" \
	grep -q '^ 1: cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C r-----$' "$(proc_of phobos)"
check "... no-disk-flushes: write ordering 'drain' (wo:d)" grep -q ' wo:d oos:204756$' "$(proc_of phobos)"
adm deimos up db
expect_rc "up db again: drbdmeta refuses, drbdadm exits 1" 1
expect_err "... with drbdmeta's and drbdadm's messages" "Device '0' is configured!
Command 'drbdmeta 0 v08 /dev/VGroup00/db internal apply-al' terminated with exit code 20"
adm deimos connect db
expect_rc "connect of a connected resource" 10
expect_text "... Failure: (125)" '^db: Failure: \(125\) Device has a net-config \(use disconnect first\)$'
expect_text "... drbdadm names the whole drbdsetup command, net options as drbdadm-84 orders them" \
	"^Command 'drbdsetup-84 connect db ipv4:192\.168\.5\.101:7788 ipv4:192\.168\.5\.102:7788 --rr-conflict=disconnect .* --sndbuf-size=512k --protocol=C' terminated with exit code 10$"

adm deimos primary --force db
expect_rc "primary --force db on deimos" 0
check "... SyncSource" grep -q '^ 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----$' "$(proc_of deimos)"
check "... SyncTarget, with the progress and 'want:' lines" \
	grep -qE '^	finish: [0-9]+:[0-9]{2}:[0-9]{2} speed: [0-9,]+ \([0-9,]+\) want: [0-9,]+ K/sec$' "$(proc_of phobos)"
check "... apps untouched" grep -q '^ 1: cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent' "$(proc_of deimos)"
sim tick
check "a tick: the resync moves on (oos below the size)" \
	grep -qE '^    ns:[1-9][0-9]* .* oos:(1[0-9]{5}|[1-9][0-9]{0,4})$' "$(proc_of deimos)"
sim tick 3
check "SYNC_STEPS (4) ticks: UpToDate/UpToDate" \
	grep -q '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----$' "$(proc_of deimos)"

t0=$(date +%s%N)
adm phobos primary db
t1=$(date +%s%N)
expect_rc "primary on phobos while deimos is Primary: 11" 11
check "... after drbd_set_role()'s two waits of (ping-timeout 5 + 1) / 10 s ($(((t1 - t0) / 1000000)) ms)" \
	test $(((t1 - t0) / 1000000)) -ge 1200
expect_err "... (-1) Multiple primaries" "0: State change failed: (-1) Multiple primaries not allowed by config
Command 'drbdsetup-84 primary 0' terminated with exit code 11"
DRBD_SIM_NO_WAIT=1 setup phobos primary 0
expect_rc "drbdsetup-84 primary 0 itself (DRBD_SIM_NO_WAIT=1: at once): 11" 11
expect_err "... and no drbdadm line" "0: State change failed: (-1) Multiple primaries not allowed by config"

sim open deimos db
check "drbd-sim open: deimos/open-0, /dev/drbd0 held open (a mount)" test -e "$WORLD/deimos/open-0"
adm deimos secondary db
expect_rc "secondary while held open: 11" 11
expect_err "... (-12)" "0: State change failed: (-12) Device is held open by someone
Command 'drbdsetup-84 secondary 0' terminated with exit code 11"
adm deimos down db
expect_rc "down while held open: 11" 11
expect_err "... the kernel's 'failed to demote'" "db: State change failed: (-12) Device is held open by someone
additional info from kernel:
failed to demote
Command 'drbdsetup-84 down db' terminated with exit code 11"
check "... still Primary and connected" grep -q '^ 0: cs:Connected ro:Primary/Secondary' "$(proc_of deimos)"
sim write deimos db 8192

# test 1 of the seed: deimos off
sim kill deimos
expect_rc "deimos loses power" 0
check "... what held its device open is gone with it (open-0)" test ! -e "$WORLD/deimos/open-0"
check "phobos: WFConnection Secondary/Unknown UpToDate/DUnknown" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown C r-----$' "$(proc_of phobos)"
check "... and apps waits for its peer too" \
	grep -q '^ 1: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----$' "$(proc_of phobos)"
adm phobos primary db
expect_rc "primary db on phobos succeeds" 0
check "... WFConnection Primary/Unknown UpToDate/DUnknown" \
	grep -q '^ 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----$' "$(proc_of phobos)"
check "... a new current UUID: phobos's data now differs" dmesg_has phobos 'new current UUID'
sim write phobos db 3072
adm phobos primary apps
expect_rc "primary apps on phobos: Inconsistent and alone: 17" 17
adm deimos role db
expect_rc "a tool on a node without power" 20
expect_text "... the simulator says so" 'has no power'

# test 2: deimos back
sim boot deimos
expect_rc "deimos powered on again" 0
adm deimos up db
expect_rc "up db on deimos" 0
check "... connects, phobos is newer: deimos SyncTarget" \
	grep -q '^ 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----$' "$(proc_of deimos)"
check "... even though deimos crashed as Primary" dmesg_has deimos 'uuid_compare()=-1 by rule 50'
sim settle
check "... then both UpToDate, phobos Primary" \
	grep -q '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----$' "$(proc_of phobos)"
check "... deimos Secondary" \
	grep -q '^ 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----$' "$(proc_of deimos)"
adm deimos up apps
check "apps alone on deimos: a blank line before minor 1 (no minor 0 before it)" \
	test "$(sed -n 3,4p "$(proc_of deimos)")" = " 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C r-----
    ns:0 nr:3072 dw:3072 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:d oos:0"
adm deimos down db
check "... down db: a blank line, then ' 1:'" \
	test "$(sed -n 3,4p "$(proc_of deimos)" | cut -c1-16)" = "
 1: cs:Connected"
adm deimos up db
sim settle

# the additional test: the link between the nodes cut
sim link down
expect_rc "the link is cut" 0
check "deimos: WFConnection" grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown' "$(proc_of deimos)"
adm deimos primary db
expect_rc "primary db on deimos too (it cannot see phobos)" 0
sim write deimos db 4096
sim write phobos db 2048
sim link up
expect_rc "the link is back" 0
for n in deimos phobos; do
	check "split brain: $n StandAlone, no protocol column" \
		grep -q '^ 0: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown   r-----$' "$(proc_of "$n")"
	check "... $n's kernel log says why" dmesg_has "$n" 'Split-Brain detected but unresolved, dropping connection!'
done
check "... two primaries: after-sb-2pri disconnect" dmesg_has deimos 'uuid_compare()=100 by rule 90'
check "... apps reconnected meanwhile" grep -q '^ 1: cs:Connected' "$(proc_of deimos)"
adm deimos disconnect db
expect_rc "disconnect of a StandAlone resource" 10
expect_err "... the kernel no longer knows the connection" "??: Failure: (162) Invalid configuration request
additional info from kernel:
unknown connection
Command 'drbdsetup-84 disconnect ipv4:192.168.5.101:7788 ipv4:192.168.5.102:7788' terminated with exit code 10"

# recovery: the younger Primary (deimos) steps down; after-sb-1pri
# consensus then agrees with discard-younger-primary
adm deimos secondary db
expect_rc "deimos steps down" 0
adm deimos adjust db
expect_rc "adjust on deimos: connects what is StandAlone" 0
adm phobos connect db
expect_rc "connect on phobos" 0
check "consensus: deimos (the younger Primary, now Secondary) SyncTarget" \
	grep -q '^ 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate' "$(proc_of deimos)"
check "... 'automatically solved' in deimos's log" \
	dmesg_has deimos 'Split-Brain detected, 1 primaries, automatically solved. Sync from peer node'
check "... both sides' changes are resynced (6144 KB)" \
	dmesg_has phobos 'Began resync as SyncSource (will sync 6144 KB'
sim settle
check "... then Connected UpToDate/UpToDate, phobos Primary" \
	grep -q '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----$' "$(proc_of phobos)"

# two primaries again; consensus cannot help when the Secondary is the
# older Primary: its admin discards its data by hand
sim link down
adm deimos primary db
sim write deimos db 1024
sim write phobos db 1024
sim link up
check "two primaries after the link's return: StandAlone again" \
	grep -q '^ 0: cs:StandAlone ro:Primary/Unknown' "$(proc_of phobos)"
adm phobos secondary db
adm phobos connect --discard-my-data db
expect_rc "connect --discard-my-data on phobos (the older Primary)" 0
adm deimos connect db
check "... 'manually solved' on deimos" \
	dmesg_has deimos 'Split-Brain detected, manually solved. Sync from this node'
check "... phobos, whose data goes, SyncTarget" \
	grep -q '^ 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate' "$(proc_of phobos)"
sim settle

# and with no Primary left when they meet, after-sb-0pri
# discard-younger-primary: the one that was Primary at the split keeps
sim link down
adm phobos primary db
sim write phobos db 512
adm phobos secondary db
adm deimos secondary db
sim link up
check "0 primaries, discard-younger-primary: deimos (Primary at the split) is the source" \
	dmesg_has deimos 'Split-Brain detected, 0 primaries, automatically solved. Sync from this node'
check "... phobos SyncTarget" grep -q '^ 0: cs:SyncTarget ro:Secondary/Secondary' "$(proc_of phobos)"
sim settle

# concurrent invocations serialise on the world's lock
for _ in 1 2 3 4 5 6; do
	DRBD_SIM_WORLD=$WORLD DRBD_SIM_NODE=deimos "$BIN/drbdadm" role db >/dev/null 2>&1 &
	DRBD_SIM_WORLD=$WORLD DRBD_SIM_NODE=phobos "$BIN/drbdsetup" cstate 0 >/dev/null 2>&1 &
done
wait
adm deimos cstate db
expect_out "after 12 concurrent commands the state is whole" "Connected"
check "... and the state file has one line per key" \
	test "$(cut -d= -f1 "$WORLD/state" | sort | uniq -d | wc -l)" = 0

adm deimos down all
adm phobos down all
check "down all on both: no device line left" test "$(wc -l <"$(proc_of phobos)")" = 2
sim rmmod phobos
check "rmmod: no /proc/drbd" test ! -e "$(proc_of phobos)"

# ---------------------------------------------------------------- meta-data
WORLD="$T_DIR/md world"
sim init --config "$T_DIR/lab.conf" --no-md
expect_rc "init --no-md: disks without DRBD meta-data" 0
adm deimos up db
expect_rc "up without meta-data: the attach stage fails, drbdadm exits 1" 1
expect_err "... drbdmeta's complaint and drbdadm's line" "No valid meta data found
Command 'drbdmeta 0 v08 /dev/VGroup00/db internal apply-al' terminated with exit code 255"
check "... the minor exists, unconfigured" grep -qx ' 0: cs:Unconfigured' "$(proc_of deimos)"
adm deimos create-md db
expect_rc "create-md db" 0
expect_text "... as drbdmeta ends it" '^New drbd meta data block successfully created\.$'
adm deimos adjust db
expect_rc "adjust: attach and connect what up could not" 0
check "... WFConnection Secondary/Unknown Inconsistent/DUnknown" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----$' "$(proc_of deimos)"
adm deimos create-md db
expect_rc "create-md on an attached disk" 20
expect_err "... drbdmeta refuses" "Device '0' is configured!
Command 'drbdmeta 0 v08 /dev/VGroup00/db internal create-md' terminated with exit code 20"
