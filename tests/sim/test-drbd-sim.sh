#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests of tests/sim/drbd-sim, the simulator of DRBD 8.4 and 9 (drbdadm,
# drbdsetup, /proc/drbd) the drbd agent's tests run against. Prints TAP. Needs neither
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
# Part 3 does the lab's run on a DRBD 9 world: each state's `drbdsetup
# status --json` and `events2 --now` against tests/fixtures/drbd9/ (numbers
# masked), DRBD 9's messages and exit codes, its lost-peer Consistent,
# auto-promote, node ids.
#
#   bash tests/sim/test-drbd-sim.sh
#   DRBD_SIM_TEST_KEEP=1 bash tests/sim/test-drbd-sim.sh   (keeps the worlds)

# shellcheck disable=SC2016 # some expected texts hold a literal $
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# TAP (ok, not_ok, check, diag, skip_all): the system tests'
. "$here/../system/lib.sh"
SIM=${DRBD_SIM:-$here/drbd-sim}
FIX=${DRBD84_FIXTURES:-$here/../fixtures/drbd84}

# ---------------------------------------------------------------- TAP

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

# expect_rc DESC CODE: lib.sh's, but showing stdout as well on failure
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

# ---------------------------------------------------------------- fencing
# DRBD 8.4's resource-level fencing (drbd_adm_attach(), drbd_set_role(),
# conn_try_outdate_peer()): a fence-peer stub whose exit code the test
# sets, and which records its environment
cat >"$T_DIR/fence-peer" <<STUB
#!/bin/sh
echo "\$DRBD_RESOURCE \$DRBD_PEER \$DRBD_PEER_AF \$DRBD_PEER_ADDRESS" >>"$T_DIR/fence.calls"
exit \$(cat "$T_DIR/fence.code")
STUB
chmod +x "$T_DIR/fence-peer"
# (drbdadm runs the handler with "sh -c": the blank in $T_DIR is quoted)
sed -e 's|^  disk { resync-rate 40M; }|  disk { resync-rate 40M; fencing resource-only; }\n  handlers { fence-peer "'"'$T_DIR/fence-peer'"'"; }|' \
	"$T_DIR/lab.conf" >"$T_DIR/fence.conf"
fence_calls() {
	if [ -f "$T_DIR/fence.calls" ]; then wc -l <"$T_DIR/fence.calls"; else echo 0; fi
}
WORLD="$T_DIR/fence world"
sim init --config "$T_DIR/fence.conf"
adm deimos up db
adm phobos up db
adm deimos primary --force db
sim settle
adm deimos secondary db
check "fencing resource-only: the initial sync as without fencing" \
	grep -q '^ 0: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate' "$(proc_of deimos)"
check "... no fence-peer while connected" test "$(fence_calls)" = 0
adm deimos down db
adm phobos down db
adm deimos up db
check "alone after both went down: Consistent/DUnknown, not UpToDate" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Consistent/DUnknown C r-----$' "$(proc_of deimos)"
echo 1 >"$T_DIR/fence.code"
adm deimos primary db
expect_rc "primary, fence-peer exits 1: refused as drbdsetup-84 does" 17
expect_err "... (-2), after drbd_set_role()'s four tries" "0: State change failed: (-2) Need access to UpToDate data
Command 'drbdsetup-84 primary 0' terminated with exit code 17"
check "... the handler ran four times" test "$(fence_calls)" = 4
check "... with drbdadm's environment (DRBD_RESOURCE, DRBD_PEER, DRBD_PEER_AF, DRBD_PEER_ADDRESS)" \
	test "$(head -n 1 "$T_DIR/fence.calls")" = "db phobos ipv4 10.99.0.2"
check "... the kernel logs the helper" dmesg_has deimos 'drbd db: helper command: /sbin/drbdadm fence-peer db exit code 1 (0x100)'
check "... and calls it broken" dmesg_has deimos 'drbd db: fence-peer helper broken, returned 1'
check "... still Secondary, Consistent" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Consistent/DUnknown ' "$(proc_of deimos)"
echo 7 >"$T_DIR/fence.code"
adm deimos primary db
expect_rc "primary, fence-peer exits 7 (peer stonithed)" 0
check "... the handler ran once more" test "$(fence_calls)" = 5
check "... Primary, UpToDate, the peer's disk Outdated" \
	grep -q '^ 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/Outdated ' "$(proc_of deimos)"
check "... exit code 7 (0x700) in the kernel log" dmesg_has deimos 'helper command: /sbin/drbdadm fence-peer db exit code 7 (0x700)'
check "... 'peer was stonithed'" dmesg_has deimos 'drbd db: fence-peer helper returned 7 (peer was stonithed)'
check "... and 7 under resource-only is logged as an error" dmesg_has deimos 'fence-peer() = 7 && fencing != Stonith !!!'
sim write deimos db 1024
adm phobos up db
check "phobos comes back: the handshake makes it SyncTarget" \
	dmesg_has phobos 'Began resync as SyncTarget'
sim settle
check "... then both UpToDate (the Outdated peer disk is gone)" \
	grep -q '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate ' "$(proc_of deimos)"
# the peer lost while UpToDate: promotion needs the peer known Outdated
# (SS_PRIMARY_NOP)
adm deimos secondary db
sim kill deimos
check "phobos loses its peer: UpToDate/DUnknown" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown ' "$(proc_of phobos)"
echo 6 >"$T_DIR/fence.code"
adm phobos primary db
expect_rc "primary of UpToDate data, fence-peer exits 6 (peer is Primary)" 11
expect_err "... (-7) as drbdsetup-84 prints it" "0: State change failed: (-7) Refusing to be Primary while peer is not outdated
Command 'drbdsetup-84 primary 0' terminated with exit code 11"
check "... 'outdating myself': phobos Outdated" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Outdated/DUnknown ' "$(proc_of phobos)"
sim boot deimos
adm deimos up db
check "deimos back, same UUIDs: Consistent and Outdated vanish, both UpToDate" \
	grep -q '^ 0: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate ' "$(proc_of phobos)"
sim kill deimos
echo 5 >"$T_DIR/fence.code"
adm phobos primary db
expect_rc "fence-peer exits 5 (peer down) on UpToDate data: Primary" 0
check "... 'peer is unreachable, assumed to be dead'" \
	dmesg_has phobos 'fence-peer helper returned 5 (peer is unreachable, assumed to be dead)'
check "... the peer's disk Outdated" \
	grep -q '^ 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/Outdated ' "$(proc_of phobos)"
adm phobos down db
adm phobos up db
check "MDF_PEER_OUT_DATED: attached again, UpToDate/Outdated at once" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/Outdated ' "$(proc_of phobos)"
adm phobos down db
n=$(fence_calls)
WORLD="$T_DIR/nofence world"
sim init --config "$T_DIR/lab.conf"
adm deimos up db
adm phobos up db
adm deimos primary --force db
sim settle
adm deimos down db
adm phobos down db
adm deimos up db
check "without fencing (dont-care): alone, UpToDate at once" \
	grep -q '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown ' "$(proc_of deimos)"
adm deimos primary db
expect_rc "... and primary needs no handler" 0
check "... none ran" test "$(fence_calls)" = "$n"

# ================================================================ part 3
# DRBD 9 (drbd-sim init --drbd-version 9): the lab's run again, each
# state's `drbdsetup status --json` and `events2 --now` against the
# fixtures of tests/fixtures/drbd9/ (written after drbd-utils' printf()s,
# see their PROVENANCE) with the numbers masked; then DRBD 9's exit codes
# and messages, its lost-peer Consistent, auto-promote, node ids

# digits FILE: the text with every number masked
digits() {
	sed -E 's/[0-9]+/#/g' -- "$1"
}

# expect_9 DESC NODE FIXTURE: NODE's status --json and events2 --now of
# db are shaped as the fixture's (the read-only commands take no time)
expect_9() {
	local desc=$1 node=$2 f=$FIX9/$3 kind
	for kind in status-json events2; do
		if [ "$kind" = events2 ]; then
			setup "$node" events2 --now db
		else
			setup "$node" status db --json
		fi
		printf '%s\n' "$out" >"$T_DIR/got"
		# $(...) ate the blank line that ends the JSON
		[ "$kind" = events2 ] || printf '\n' >>"$T_DIR/got"
		if [ "$rc" != 0 ]; then
			not_ok "$desc: drbdsetup $kind on $node exited $rc"
			diag "$err"
		elif [ "$(digits "$T_DIR/got")" = "$(digits "$f.$kind.txt")" ]; then
			ok "$desc: $node's $kind is shaped as $3's"
		else
			not_ok "$desc: $node's $kind is not shaped as $3's"
			diag "$(diff <(digits "$f.$kind.txt") <(digits "$T_DIR/got"))"
		fi
	done
}

# json_val NODE KEY: the first value of KEY in NODE's status --json of db
json_val() {
	setup "$1" status db --json
	sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\} *$/\1/p" <<<"$out" | head -n 1
}

FIX9=${DRBD9_FIXTURES:-$here/../fixtures/drbd9}
if [ ! -f "$FIX9/not-listed.events2.txt" ]; then
	ok "# SKIP DRBD 9: no fixtures in $FIX9"
else
WORLD="$T_DIR/lab9 world"
sim init --config "$T_DIR/lab.conf" --sync-steps 1000 --drbd-version 9
expect_rc "init a DRBD 9 world from the lab's drbd.conf" 0
check "... VERSION=9 in its settings" grep -qx 'VERSION=9' "$WORLD/settings"
check "... no module loaded yet" test ! -e "$(proc_of deimos)"
DRBD_SIM_VERSION=8 DRBD_SIM_WORLD=$WORLD DRBD_SIM_NODE=deimos "$BIN/drbdsetup" status >/dev/null 2>"$T_DIR/stderr"
rc=$?
err=$(cat "$T_DIR/stderr")
expect_rc "DRBD_SIM_VERSION=8 against a DRBD 9 world" 20
expect_text "... says which DRBD the world is" 'simulates DRBD 9'

setup deimos status db --json
expect_rc "status --json of a resource that is not up: 10" 10
check "... prints the empty list, as not-listed.status-json.txt" \
	test "$out" = "$(cat "$FIX9/not-listed.status-json.txt")"
expect_err "... and says so on stderr" "db: No such resource"
setup deimos events2 --now db
expect_rc "events2 --now of a resource that is not up: 0 (missing_ok)" 0
check "... only 'exists -', as not-listed.events2.txt" \
	test "$out" = "$(cat "$FIX9/not-listed.events2.txt")"
check "drbdsetup loaded the module: /proc/drbd has DRBD 9's three lines" \
	test "$(cat "$(proc_of deimos)")" = "version: 9.2.12 (api:2/proto:118-122)
GIT-hash: 2da6f528dc4ab3fd25c511f7b03531100e54ab08 reproducible build, 2024-11-18 09:16:58
Transports (api:21):"
check "... /sys/module/drbd/version says 9.2.12" \
	test "$(cat "$WORLD/deimos/root/sys/module/drbd/version")" = 9.2.12
adm deimos primary db
expect_rc "primary of a resource that is not up: 10" 10
expect_err "... drbdsetup names the resource, not a minor" "db: Failure: (158) Unknown resource
additional info from kernel:
unknown resource
Command 'drbdsetup primary db' terminated with exit code 10"
adm deimos role db
expect_rc "role of a resource that is not up: 10" 10
expect_err "... role_cmd()'s message" "db: Unknown resource
Command 'drbdsetup role db' terminated with exit code 10"
adm deimos down db
expect_rc "down of a resource that is not up succeeds" 0
out=$(DRBD_SIM_WORLD=$WORLD DRBD_SIM_NODE=deimos "$BIN/drbdadm" --version 2>&1)
expect_text "drbdadm --version: drbd-utils 9.34.0 on a DRBD 9.2.12 kernel" \
	'DRBD_KERNEL_VERSION=9\.2\.12'

DRBD_SIM_LOG=$T_DIR/sim9.log adm deimos up db
expect_rc "up db on deimos" 0
check "... DRBD_SIM_LOG has the run" test "$(cat "$T_DIR/sim9.log")" = "deimos drbdadm up db"
check "... the tcp transport is loaded now" \
	test "$(sed -n 3p "$(proc_of deimos)")" = "Transports (api:21): tcp (9.2.12)"
adm deimos cstate db
expect_out "... Connecting (DRBD 9's word for 8.4's WFConnection)" Connecting
adm phobos up db
expect_rc "up db on phobos" 0
expect_9 "both up, fresh meta-data" deimos inconsistent-secondary
check "implicit node ids (crc32c of the addresses): deimos 0" test "$(json_val deimos node-id)" = 0
check "... phobos 1" test "$(json_val phobos node-id)" = 1
adm deimos up db
expect_rc "up again: drbdadm exits 1" 1
expect_err "... drbdmeta refuses, then new-peer" "Device '0' is configured!
Command 'drbdmeta 0 v09 /dev/VGroup00/db internal repair-md' terminated with exit code 20
db: Failure: (162) Invalid configuration request
additional info from kernel:
Connection for peer node id 1 already exists
Command 'drbdsetup new-peer db 1 --_name=phobos --protocol=C --cram-hmac-alg=sha1 --shared-secret=vzha-lab-secret --after-sb-0pri=discard-younger-primary --after-sb-1pri=consensus --after-sb-2pri=disconnect' terminated with exit code 10"
adm deimos connect db
expect_rc "connect of a connected resource: 10" 10
expect_text "... Failure: (125)" '^db: Failure: \(125\) Device has a net-config \(use disconnect first\)$'
expect_text "... drbdadm names the peer's node id" "^Command 'drbdsetup connect db 1' terminated with exit code 10$"

adm deimos primary db
expect_rc "primary without UpToDate data anywhere: 17" 17
expect_err "... (-2)" "db: State change failed: (-2) Need access to UpToDate data
Command 'drbdsetup primary db' terminated with exit code 17"
adm deimos primary --force db
expect_rc "primary --force db on deimos (the initial sync)" 0
sim open deimos db
expect_9 "initial full sync" deimos syncsource-primary
expect_9 "initial full sync" phobos synctarget-secondary
setup deimos status db --json
p1=$(json_val deimos percent-resync-done)
setup deimos status db
setup deimos events2 --now
p2=$(json_val deimos percent-resync-done)
check "reading the state takes no time: the resync stays at $p1%" test "$p1" = "$p2"
adm deimos status db
expect_out "drbdadm status while syncing: drbdsetup's text" "db role:Primary
  disk:UpToDate open:yes
  phobos role:Secondary
    replication:SyncSource peer-disk:Inconsistent done:$p1"
adm phobos dstate db
expect_out "dstate: local/peer disk" "Inconsistent/UpToDate"
sim settle
expect_9 "synced" deimos connected-primary-uptodate
expect_9 "synced" phobos connected-secondary-uptodate
adm deimos role db
expect_out "role: the local role only" Primary

t0=$(date +%s%N)
adm phobos primary db
t1=$(date +%s%N)
expect_rc "primary on phobos while deimos is Primary: 11" 11
check "... after drbd_set_role()'s one retry, ping-timeout / 10 s later ($(((t1 - t0) / 1000000)) ms)" \
	test $(((t1 - t0) / 1000000)) -ge 500
expect_err "... (-1) Multiple primaries" "db: State change failed: (-1) Multiple primaries not allowed by config
Command 'drbdsetup primary db' terminated with exit code 11"
sim open phobos db
expect_rc "opening db on phobos: the auto-promote fails" 1
expect_text "... Read-only file system" 'Read-only file system'
check "... the kernel log says why" dmesg_has phobos 'Auto-promote failed: Multiple primaries not allowed by config (-1)'
adm deimos secondary db
expect_rc "secondary while held open: 11" 11
expect_text "... (-12), and DRBD 9 names the opener" '^drbd0 opened by mount \(pid [0-9]+\) at [0-9-]+ [0-9:.]+$'
expect_text "... after the device's open count" '^/dev/drbd0 open_cnt:1, writable:1; list of openers follows$'
adm deimos down db
expect_rc "down while held open: 11" 11
expect_err "... 'failed to demote', then the openers" "$(printf '%s\n' "db: State change failed: (-12) Device is held open by someone" \
	"additional info from kernel:" "failed to demote" "/dev/drbd0 open_cnt:1, writable:1; list of openers follows" \
	"$(sed -n 's/^\(drbd0 opened by .*\)$/\1/p' <<<"$err")" \
	"Command 'drbdsetup down db' terminated with exit code 11")"
sim write deimos db 2140

# the seed's test 1 on DRBD 9: the Primary loses power
sim kill deimos
expect_9 "the Primary peer lost: Consistent until the lost-peer commit" phobos consistent-secondary
adm phobos cstate db
expect_out "... the connection is Connecting again" Connecting
adm phobos primary db
expect_rc "primary db on phobos: drbd_set_role() waits for the commit" 0
check "... which made the data UpToDate again" dmesg_has phobos 'disk( Consistent -> UpToDate )'
sim open phobos db
expect_9 "promoted alone" phobos connecting-primary-uptodate
sim write phobos db 2140
adm phobos disconnect db
expect_rc "disconnect db on phobos" 0
expect_9 "disconnected" phobos standalone-primary-uptodate
adm phobos disconnect db
expect_rc "disconnect of a StandAlone connection succeeds on DRBD 9" 0
adm phobos connect db
expect_rc "connect db on phobos" 0
sim boot deimos
adm deimos up db
expect_rc "deimos back: up db" 0
check "... it syncs what it missed from phobos" \
	dmesg_has deimos 'Began resync as SyncTarget (will sync 2140 KB'
sim settle
adm deimos detach db
expect_rc "detach db on deimos" 0
expect_9 "detached" deimos diskless-secondary
adm deimos attach db
expect_rc "attach db on deimos" 0
sim close phobos db
check "the last close keeps an explicit Primary" \
	test "$(json_val phobos role)" = Primary
adm phobos secondary db
sim open deimos db
check "opening db on deimos (phobos Secondary): auto-promoted" \
	test "$(json_val deimos role)" = Primary
sim close deimos db
check "... and the last close demotes it (auto-demote)" \
	test "$(json_val deimos role)" = Secondary

# the link is cut while deimos is Primary: phobos holds Consistent data
# until time passes
adm deimos primary db
sim link down
check "link down: phobos Consistent" test "$(json_val phobos disk-state)" = Consistent
sim tick
check "... UpToDate after a tick (the lost-peer commit)" test "$(json_val phobos disk-state)" = UpToDate
adm phobos primary db
sim write deimos db 1024
sim write phobos db 1024
sim link up
for n in deimos phobos; do
	adm "$n" cstate db
	expect_out "split brain on DRBD 9: $n's connection StandAlone" StandAlone
done
check "... the kernel log says why" dmesg_has deimos 'Split-Brain detected but unresolved, dropping connection!'
adm phobos connect --discard-my-data db
expect_rc "connect --discard-my-data of a Primary: 10" 10
expect_text "... ERR_DISCARD_IMPOSSIBLE" '^db: Failure: \(140\) --discard-my-data not allowed when primary\.$'
adm phobos secondary db
adm phobos connect db
expect_rc "connect on phobos, Secondary now" 0
adm deimos connect db
check "... consensus: phobos, the younger Primary, is the one to discard" \
	dmesg_has deimos 'Split-Brain detected, 1 primaries, automatically solved. Sync from this node'
sim settle
adm phobos dstate db
expect_out "... then UpToDate/UpToDate" UpToDate/UpToDate
for n in deimos phobos; do
	adm "$n" down db
	expect_rc "down db on $n" 0
done
setup deimos status
expect_out "status with nothing up" "# No currently configured DRBD found."

# node ids: implicit ones follow drbdadm's hash, explicit ones win
WORLD="$T_DIR/seed9 world"
sim init --config "$T_DIR/seed.conf" --drbd-version 9
adm deimos up db
check "seed's addresses: deimos gets node id 1" test "$(json_val deimos node-id)" = 1
sed 's/address 192.168.5.101:7788;/address 192.168.5.101:7788; node-id 7;/; s/address 192.168.5.102:7788;/address 192.168.5.102:7788; node-id 3;/' \
	"$T_DIR/seed.conf" >"$T_DIR/ids.conf"
WORLD="$T_DIR/ids9 world"
sim init --config "$T_DIR/ids.conf" --drbd-version 9
adm deimos up db
check "node-id 7 in the config: deimos is 7" test "$(json_val deimos node-id)" = 7
check "... its peer 3" test "$(json_val deimos peer-node-id)" = 3
printf 'resource db {\n options { auto-promote no; }\n on a { device /dev/drbd0; disk /dev/x; address 10.0.0.1:7000; meta-disk internal; }\n on b { device /dev/drbd0; disk /dev/x; address 10.0.0.2:7000; meta-disk internal; }\n}\n' >"$T_DIR/noap.conf"
WORLD="$T_DIR/noap9 world"
sim init --config "$T_DIR/noap.conf" --drbd-version 9
adm a up db
adm a primary --force db
adm a secondary db
sim open a db
expect_rc "auto-promote no: opening a Secondary fails" 1
expect_text "... Read-only file system" 'Read-only file system.*auto-promote no'
fi
