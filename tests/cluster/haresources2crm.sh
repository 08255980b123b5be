#!/bin/bash
# crm-examples/haresources2crm: a Heartbeat v1 haresources file as a
# crmsh configuration on vzha's agents.
#  - the seed's haresources (tests/fixtures/haresources/seed) converts to
#    the reviewed tests/fixtures/haresources/seed.expected, from a file,
#    standard input, -o, and with the seed's ha.cf; continuations and
#    comments, service addresses, MailTo and init scripts, the options;
#  - malformed input: exit 2, nothing on standard output, every message
#    naming the file and the physical line at fault;
#  - Pacemaker's own tools accept the output: crmsh loads it into an
#    offline CIB, checking every primitive against the meta-data of the
#    agents as built here (through a stand-in crm_resource: nothing is
#    installed), then crm_verify finds nothing;
#  - crm_simulate shows what --failback means: with on, db returns to
#    deimos when deimos comes back; with off, it stays on phobos.
# No daemon runs; everything happens on CIB files under the test's
# directory.
. "$(dirname "$0")/../system/lib.sh"
TOOL=${HARESOURCES2CRM:-$top_srcdir/crm-examples/haresources2crm}
FIX=$top_srcdir/tests/fixtures/haresources
[ -x /usr/bin/python3 ] || skip_all "needs /usr/bin/python3 (apt-get install python3)"
[ -f "$TOOL" ] || skip_all "no converter at $TOOL"
t_init

# run_tool ARGS...: the converter, setting $rc, $err and the file
# $T_DIR/out (its standard output).
run_tool() {
	"$TOOL" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	rc=$?
	err=$(cat "$T_DIR/err")
}

# expect_ok DESC: the last run succeeded without a word on stderr.
expect_ok() {
	if [ "$rc" = 0 ] && [ -z "$err" ]; then
		ok "$1"
	else
		not_ok "$1: rc $rc"
		diag "stderr:" "$err"
	fi
}

# same_as DESC EXPECTED [FILTER]: $T_DIR/out equals EXPECTED (both passed
# through the sed program FILTER, when given).
same_as() {
	local d
	d=$(diff -u <(sed -e "${3:-}" "$2") <(sed -e "${3:-}" "$T_DIR/out"))
	if [ -z "$d" ]; then ok "$1"; else not_ok "$1" && diag "$d"; fi
}

# config_only: the sed program dropping comment lines, so that outputs
# whose header names another input file compare.
config_only='/^#/d'

# ---------------------------------------------------------------- usage

run_tool --help
if [ "$rc" = 0 ] && [ -z "$err" ] &&
	grep -q '^SYNOPSIS' "$T_DIR/out" && grep -q '^EXIT STATUS' "$T_DIR/out" &&
	[ "$(grep -cE -- '^    (-o, --output|--ha-cf|--failback|--fstype|--no-stonith|-h, --help) ' \
		"$T_DIR/out")" = 6 ]; then
	ok "--help: the manual, every option in it, on stdout"
else
	not_ok "--help: rc $rc"
	diag "$(head -n 5 "$T_DIR/out")" "$err"
fi

run_tool --failback maybe "$FIX/seed"
if [ "$rc" = 2 ] && [ ! -s "$T_DIR/out" ] && [[ $err == *"--failback: expected on or off"* ]]; then
	ok "a bad option value: exit 2 and why"
else
	not_ok "--failback maybe: rc $rc, expected 2"
	diag "$err"
fi

run_tool "$T_DIR/no-such-file"
if [ "$rc" = 1 ] && [ ! -s "$T_DIR/out" ] &&
	[[ $err == *"$T_DIR/no-such-file: No such file or directory"* ]]; then
	ok "an input that cannot be read: exit 1, naming it"
else
	not_ok "missing input: rc $rc, expected 1"
	diag "$err"
fi

# ---------------------------------------------------------------- the seed

run_tool "$FIX/seed"
expect_ok "the seed's haresources converts"
same_as "the seed converts to seed.expected" "$FIX/seed.expected"
cp "$T_DIR/out" "$T_DIR/seed.crm"

"$TOOL" <"$FIX/seed" >"$T_DIR/out" 2>"$T_DIR/err"
rc=$? err=$(cat "$T_DIR/err")
expect_ok "standard input converts"
same_as "standard input gives the same configuration" "$FIX/seed.expected" "$config_only"

run_tool - <"$FIX/seed"
same_as "'-' reads standard input" "$FIX/seed.expected" "$config_only"

run_tool -o "$T_DIR/o.crm" "$FIX/seed"
expect_ok "-o FILE converts"
if [ ! -s "$T_DIR/out" ] && cmp -s "$T_DIR/o.crm" "$FIX/seed.expected"; then
	ok "-o FILE holds the output, stdout nothing"
else
	not_ok "-o FILE: stdout $(wc -c <"$T_DIR/out") bytes, file differs or is missing"
fi

run_tool --ha-cf "$FIX/seed-ha.cf" "$FIX/seed"
expect_ok "with the seed's ha.cf (auto_failback on, node deimos, node phobos)"
same_as "the seed's ha.cf changes nothing" "$FIX/seed.expected"

run_tool "$FIX/continued"
expect_ok "continuations, comments and blank lines convert"
same_as "continued: the seed's configuration" "$FIX/seed.expected" "$config_only"
if grep -qx '# haresources lines 5-7: deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101' \
	"$T_DIR/out" &&
	grep -qx '# haresources lines 10-13: phobos drbddisk::apps Filesystem::/dev/drbd1::/Data/apps openvz::102' \
		"$T_DIR/out"; then
	ok "continued: each group's comment cites its physical lines"
else
	not_ok "continued: group comments"
	diag "$(grep '^# haresources' "$T_DIR/out")"
fi

# ---------------------------------------------------------------- options

# stickiness_is N: the output's rsc_defaults set resource-stickiness=N,
# and nothing else differs from the seed's configuration.
stickiness_is() {
	local d
	d=$(diff <(sed -e "$config_only" "$FIX/seed.expected") \
		<(sed -e "$config_only" "$T_DIR/out") | grep '^[<>]')
	if [ "$1" = 0 ]; then
		[ -z "$d" ]
	else
		[ "$d" = "$(printf '< %s\n> %s' '	resource-stickiness=0 \' \
			"	resource-stickiness=$1 \\")" ]
	fi
}

run_tool --failback off "$FIX/seed"
expect_ok "--failback off converts"
check "--failback off: resource-stickiness=200, nothing else changed" stickiness_is 200
check "--failback off: the header says the groups stay" \
	grep -q '^# auto_failback off: resource-stickiness=200' "$T_DIR/out"
cp "$T_DIR/out" "$T_DIR/seed-off.crm"

sed 's/^auto_failback on$/auto_failback off/' "$FIX/seed-ha.cf" >"$T_DIR/ha-off.cf"
run_tool --ha-cf "$T_DIR/ha-off.cf" "$FIX/seed"
check "ha.cf's auto_failback off: resource-stickiness=200" stickiness_is 200
run_tool --ha-cf "$T_DIR/ha-off.cf" --failback on "$FIX/seed"
check "--failback on overrides ha.cf's auto_failback off" stickiness_is 0
sed '/^auto_failback/d; $a nice_failback on' "$FIX/seed-ha.cf" >"$T_DIR/ha-nice.cf"
run_tool --ha-cf "$T_DIR/ha-nice.cf" "$FIX/seed"
check "ha.cf's older nice_failback on: resource-stickiness=200" stickiness_is 200

run_tool --fstype ext3 "$FIX/seed"
expect_ok "--fstype ext3 converts"
if [ "$(grep -c 'params device=/dev/drbd[01] directory=/Data/[a-z]* fstype=ext3 \\$' "$T_DIR/out")" = 2 ]; then
	ok "--fstype ext3: both filesystems get fstype=ext3"
else
	not_ok "--fstype ext3: fstype missing"
	diag "$(grep 'params device' "$T_DIR/out")"
fi

run_tool --no-stonith "$FIX/seed"
expect_ok "--no-stonith converts"
cp "$T_DIR/out" "$T_DIR/seed-lab.crm"
if grep -q '^	stonith-enabled=false$' "$T_DIR/out" &&
	grep -q '^# FENCING IS DISABLED' "$T_DIR/out" &&
	! grep -q 'fence_' "$T_DIR/out"; then
	ok "--no-stonith: stonith-enabled=false, said loudly, no fencing template"
else
	not_ok "--no-stonith output"
fi
if grep -q '^	stonith-enabled=true$' "$T_DIR/seed.crm" &&
	[ "$(grep -c '^#primitive fence_[a-z]* stonith:fence_ipmilan' "$T_DIR/seed.crm")" = 2 ]; then
	ok "default: stonith-enabled=true and a fencing template per node"
else
	not_ok "default: stonith-enabled or the fencing template"
fi

# ---------------------------------------------------------------- addresses

run_tool "$FIX/ipaddr"
same_as "service addresses, MailTo, an init script: ipaddr.expected" "$FIX/ipaddr.expected"
if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
	[[ $err == "haresources2crm: $FIX/ipaddr:6: warning: httpd becomes lsb:httpd: "* ]]; then
	ok "an init script: exit 0, one warning naming its line"
else
	not_ok "init script warning: rc $rc"
	diag "$err"
fi
cp "$T_DIR/out" "$T_DIR/ipaddr.crm"

run_tool "$FIX/multi-drbd"
same_as "two DRBD resources in a group, DRBD alone, equal basenames: multi-drbd.expected" \
	"$FIX/multi-drbd.expected"
if [ "$rc" = 0 ] && [ "$err" = "haresources2crm: $FIX/multi-drbd:8: warning: drbddisk::r4 follows 10.0.0.5/24 on its line: in Pacemaker the whole group starts after the DRBD promotion" ]; then
	ok "a DRBD resource after another resource: exit 0, one warning naming its line"
else
	not_ok "multi-drbd warning: rc $rc"
	diag "$err"
fi
cp "$T_DIR/out" "$T_DIR/multi-drbd.crm"

printf 'node1 MailTo::root@example.com::fail--over 10.1.1.1\n' >"$T_DIR/dashes"
run_tool "$T_DIR/dashes"
if [ "$rc" = 0 ] && ! grep -q '^#.*--' "$T_DIR/out" &&
	grep -q 'params email=root@example.com subject=fail--over' "$T_DIR/out"; then
	ok "'--' in the input: kept in the value, never in a comment (crmsh refuses it)"
else
	not_ok "'--' in the input: rc $rc"
	diag "$(grep -e '--' "$T_DIR/out")"
fi

# ---------------------------------------------------------------- malformed input

mkdir "$T_DIR/bad"

# bad NAME LINE REGEX [ARGS...] <INPUT: the converter refuses INPUT
# (written to file NAME): exit 2, nothing on stdout, and a message
# "haresources2crm: FILE:LINE: " that matches REGEX (grep -E).
bad() {
	local name=$1 line=$2 regex=$3 f=$T_DIR/bad/$1
	shift 3
	cat >"$f"
	run_tool "$@" "$f"
	if [ "$rc" = 2 ] && [ ! -s "$T_DIR/out" ] &&
		printf '%s\n' "$err" | grep -F "haresources2crm: $f:$line: " |
		grep -Eq -- "$regex"; then
		ok "$name: exit 2, line $line: /$regex/"
	else
		not_ok "$name: expected exit 2 and line $line: /$regex/, got rc $rc"
		diag "stderr:" "$err" "stdout:" "$(head -n 3 "$T_DIR/out")"
	fi
}

bad no-node 2 "starts with the resource 'drbddisk::apps', not a node name" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101
drbddisk::apps Filesystem::/dev/drbd1::/Data/apps openvz::102
EOF
bad ip-first 1 "starts with the resource '192.168.5.10', not a node name" <<'EOF'
192.168.5.10 httpd
EOF
bad node-alone 3 "node 'phobos' has no resources" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101

phobos
EOF
bad bad-node-name 1 "'deimos!' is not a valid node name" <<'EOF'
deimos! drbddisk::db
EOF
bad unknown-node 2 "unknown node 'mars': ha.cf names the nodes deimos phobos" \
	--ha-cf "$FIX/seed-ha.cf" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101
mars drbddisk::apps Filesystem::/dev/drbd1::/Data/apps openvz::102
EOF
bad fs-one-arg 1 "Filesystem::/dev/drbd0: Filesystem takes two to four arguments" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0 openvz::101
EOF
bad fs-five-args 1 "Filesystem takes two to four arguments" <<'EOF'
deimos Filesystem::/dev/sda1::/data::ext3::noatime::extra
EOF
bad fs-relative 1 "mount point 'Data/db' is not an absolute path" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::Data/db openvz::101
EOF
bad fs-nfs 1 "'nfs:/export' is not a block device" <<'EOF'
deimos Filesystem::nfs:/export::/data::nfs
EOF
bad drbd-all 1 "drbddisk without a DRBD resource" <<'EOF'
deimos drbddisk Filesystem::/dev/drbd0::/Data/db openvz::101
EOF
bad drbd-empty 1 "drbddisk takes one argument" <<'EOF'
deimos drbddisk:: Filesystem::/dev/drbd0::/Data/db
EOF
bad dup-drbd 4 "drbddisk::db: DRBD resource db is already used on line 1" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101

# phobos copied the line above and kept its DRBD resource
phobos drbddisk::db Filesystem::/dev/drbd1::/Data/apps openvz::102
EOF
bad dup-ct 2 "openvz::101: container 101 is already used on line 1" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101
phobos drbddisk::apps Filesystem::/dev/drbd1::/Data/apps openvz::101
EOF
bad dup-mountpoint 2 "the mount point /Data/db/ is already used on line 1" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101
phobos drbddisk::apps Filesystem::/dev/drbd1::/Data/db/ openvz::102
EOF
bad dup-in-line 1 "the address 10.0.0.1 is already used on line 1" <<'EOF'
deimos 10.0.0.1 IPaddr2::10.0.0.1/24
EOF
bad bad-ip 2 "300.1.2.3: address '300.1.2.3' is not an IPv4 address" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz::101
phobos 300.1.2.3 drbddisk::apps
EOF
bad bad-netmask 1 "IPaddr::10.0.0.1/33: netmask /33 is not between 1 and 32" <<'EOF'
deimos IPaddr::10.0.0.1/33
EOF
bad bad-broadcast 1 "broadcast '10.0.0.256' is not an IPv4 address" <<'EOF'
deimos IPaddr2::10.0.0.1/24/eth0/10.0.0.256
EOF
bad script-args 1 "apache is a Heartbeat resource.d script with arguments" <<'EOF'
deimos 10.0.0.1 apache::/etc/apache2/apache2.conf
EOF
bad ct-no-id 1 "openvz takes one argument, the container" <<'EOF'
deimos drbddisk::db Filesystem::/dev/drbd0::/Data/db openvz
EOF
bad eof-continuation 2 "the last line ends with a backslash continuation" <<'EOF'
deimos drbddisk::db \
	Filesystem::/dev/drbd0::/Data/db \
EOF
# The fault is on the third physical line of a logical line: that is the
# line named.
bad continued-fault 3 "Filesystem::/dev/drbd0: Filesystem takes" <<'EOF'
deimos drbddisk::db \
	openvz::101 \
	Filesystem::/dev/drbd0
EOF
# A comment ends its physical line first, as in sh: the backslash inside
# it continues nothing, and the next line starts a group of its own.
bad comment-ends-line 3 "starts with the resource 'Filesystem::/dev/drbd0::/Data/db'" <<'EOF'
deimos drbddisk::db \
	# the filesystem: \
	Filesystem::/dev/drbd0::/Data/db openvz::101
EOF
bad empty 1 "no resource groups in the file" <<'EOF'
# nothing but comments

EOF

printf 'node deimos phobos\nauto_failback sometimes\n' >"$T_DIR/bad/ha.cf"
run_tool --ha-cf "$T_DIR/bad/ha.cf" "$FIX/seed"
if [ "$rc" = 2 ] && [ ! -s "$T_DIR/out" ] &&
	[ "$err" = "haresources2crm: $T_DIR/bad/ha.cf:2: auto_failback sometimes: expected on, off or legacy" ]; then
	ok "ha.cf's auto_failback sometimes: exit 2, ha.cf line 2"
else
	not_ok "bad ha.cf: rc $rc"
	diag "$err"
fi

printf 'deimos drbddisk::db\nphobos openvz::102 \xff\n' >"$T_DIR/bad/latin1"
run_tool "$T_DIR/bad/latin1"
if [ "$rc" = 2 ] && [ "$err" = "haresources2crm: $T_DIR/bad/latin1:2: not UTF-8 text" ]; then
	ok "not UTF-8: exit 2, line 2"
else
	not_ok "not UTF-8: rc $rc"
	diag "$err"
fi

cat >"$T_DIR/bad/several" <<'EOF'
deimos Filesystem::/dev/drbd0 openvz::101
phobos 10.0.0.300 openvz::101
mars
EOF
run_tool "$T_DIR/bad/several"
n=$(printf '%s\n' "$err" | grep -c "^haresources2crm: $T_DIR/bad/several:[0-9]*: ")
if [ "$rc" = 2 ] && [ "$n" = 3 ] && [[ $err == *several:1:*several:2:*several:3:* ]]; then
	ok "every error is reported, in line order (3 lines)"
else
	not_ok "several errors: rc $rc, $n messages"
	diag "$err"
fi

echo "an earlier conversion" >"$T_DIR/kept.crm"
run_tool -o "$T_DIR/kept.crm" "$T_DIR/bad/several"
run2=$rc
run_tool -o "$T_DIR/never.crm" "$T_DIR/bad/several"
if [ "$run2" = 2 ] && [ "$rc" = 2 ] && [ ! -e "$T_DIR/never.crm" ] &&
	[ "$(cat "$T_DIR/kept.crm")" = "an earlier conversion" ] &&
	[ -z "$(find "$T_DIR" -maxdepth 1 -name '.haresources2crm.*')" ]; then
	ok "-o on an error: no file created, an existing one untouched"
else
	not_ok "-o on an error: rc $run2/$rc"
	diag "$(ls -la "$T_DIR")"
fi

# ---------------------------------------------------------------- Pacemaker

if ! command -v crm >/dev/null 2>&1 || ! command -v cibadmin >/dev/null 2>&1 ||
	! command -v crm_verify >/dev/null 2>&1 || ! command -v crm_simulate >/dev/null 2>&1; then
	skip_point "crmsh and Pacemaker's tools: needs crm, cibadmin, crm_verify, crm_simulate (apt-get install crmsh pacemaker-cli-utils)"
	exit 0
fi
# The fencing template names fence_ipmilan: crmsh checks it too.
if ! crm_resource --show-metadata stonith:fence_ipmilan >/dev/null 2>&1; then
	skip_point "loading the output: no stonith:fence_ipmilan (apt-get install fence-agents)"
	exit 0
fi

# crmsh checks each primitive against its agent's meta-data, which it
# asks `crm_resource --show-metadata` for (by name, through PATH), which
# runs the agent from Pacemaker's compiled-in $OCF_ROOT/resource.d. The
# agents as built here are shown to crmsh by tests/cluster/bin's stand-in
# crm_resource, first in PATH (see there); nothing is installed.
CRM_OPTS=()
CHECKED=yes
for a in drbd vzfs openvz; do
	[ -x "$top_builddir/$a" ] || CHECKED=
done
if [ -n "$CHECKED" ]; then
	export VZHA_AGENTS_DIR=$top_builddir
	VZHA_REAL_CRM_RESOURCE=$(command -v crm_resource)
	export VZHA_REAL_CRM_RESOURCE
else
	# crmsh then checks the resource-agents primitives only
	CRM_OPTS=(-o core.ignore_missing_metadata=yes)
	skip_point "crmsh parameter checks of the vzha agents: they are not built in $top_builddir"
fi

# new_cib FILE NODE...: an empty CIB with quorum and NODEs, cleanly down
# (nodes never seen would be scheduled for fencing).
new_cib() {
	local f=$1 n id=0 downs=()
	shift
	cibadmin --empty >"$f" || return 1
	CIB_file=$f cibadmin -M -X '<cib have-quorum="1"/>' || return 1
	for n; do
		id=$((id + 1))
		CIB_file=$f cibadmin -C -o nodes -X "<node id=\"$id\" uname=\"$n\"/>" || return 1
		downs+=(-d "$n")
	done
	crm_simulate -x "$f" "${downs[@]}" -O "$f" >/dev/null
}

# crm_load CIB FILE: crm configure load update, setting $rc and $out.
# HOME: crmsh keeps a cache and a history under it, here the test's.
crm_load() {
	out=$(CIB_file=$1 PATH=$top_srcdir/tests/cluster/bin:$PATH HOME=$T_DIR crm -D plain "${CRM_OPTS[@]}" \
		configure load update "$2" 2>&1)
	rc=$?
}

# loaded_clean DESC [IGNORED]: the last load succeeded and crmsh printed
# no ERROR or WARNING (but those matching the regex IGNORED).
loaded_clean() {
	local noise
	noise=$(printf '%s\n' "$out" | grep -E 'ERROR|WARNING' |
		grep -Ev -- "${2:-^$}")
	if [ "$rc" = 0 ] && [ -z "$noise" ]; then
		ok "$1"
	else
		not_ok "$1: crm rc $rc"
		diag "$out"
	fi
}

# verified DESC CIB: crm_verify finds nothing at all in CIB.
verified() {
	local v
	if v=$(crm_verify -x "$2" -V 2>&1) && [ -z "$v" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "$v"
	fi
}

# fenced FILE: FILE with its fencing template uncommented, as an admin
# would after filling it in (crm_verify never runs a fence agent).
fenced() {
	sed -E 's/^#([^ ])/\1/' "$1"
}

# Control: crmsh really reads the built agents' meta-data, so a clean
# load below means something.
if [ -n "$CHECKED" ]; then
	new_cib "$T_DIR/control.xml" deimos phobos
	fenced "$T_DIR/seed.crm" |
		sed 's/directory=\/Data\/db /directory=\/Data\/db bogus=1 /; s/start timeout=75s/start timeout=5s/' \
			>"$T_DIR/control.crm"
	crm_load "$T_DIR/control.xml" "$T_DIR/control.crm"
	if [ "$rc" != 0 ] && [[ $out == *'p_fs_db: parameter "bogus" is not known'* ]] &&
		[[ $out == *"p_ct_101: specified timeout 5s for start is smaller than the advised 75s"* ]]; then
		ok "control: crmsh checks parameters and timeouts against the built agents"
	else
		not_ok "control: crmsh did not check against the built agents (rc $rc)"
		diag "$out"
	fi
fi

new_cib "$T_DIR/refused.xml" deimos phobos
crm_load "$T_DIR/refused.xml" "$T_DIR/seed.crm"
if [ "$rc" != 0 ] && [[ $out == *"no STONITH resources have been defined"* ]] &&
	! CIB_file=$T_DIR/refused.xml cibadmin -Q -o resources | grep -q '<primitive'; then
	ok "as converted (no fencing device yet): crmsh refuses the commit, as the header says"
else
	not_ok "the output without a fencing device: crm rc $rc"
	diag "$out"
fi

new_cib "$T_DIR/seed.xml" deimos phobos
fenced "$T_DIR/seed.crm" >"$T_DIR/seed-fenced.crm"
crm_load "$T_DIR/seed.xml" "$T_DIR/seed-fenced.crm"
loaded_clean "the seed's configuration, fencing template filled in, loads cleanly"
verified "crm_verify: nothing to say about it" "$T_DIR/seed.xml"

# has_xpath CIB XPATH: the loaded CIB holds an element XPATH matches.
has_xpath() {
	CIB_file=$1 cibadmin -Q --xpath "$2" >/dev/null 2>&1
}
check "CIB: ms_drbd_db is a promotable clone of p_drbd_db (notify, 1 promoted of 2)" \
	has_xpath "$T_DIR/seed.xml" "//clone[@id='ms_drbd_db'][meta_attributes[nvpair[@name='promotable'][@value='true']][nvpair[@name='notify'][@value='true']][nvpair[@name='promoted-max'][@value='1']][nvpair[@name='clone-max'][@value='2']]]/primitive[@id='p_drbd_db'][@type='drbd'][@provider='vzha']"
check "CIB: g_db is p_fs_db then p_ct_101" \
	has_xpath "$T_DIR/seed.xml" "//group[@id='g_db'][primitive[1][@id='p_fs_db']][primitive[2][@id='p_ct_101']][count(primitive)=2]"
check "CIB: col_g_db_on_drbd puts g_db with the Promoted ms_drbd_db" \
	has_xpath "$T_DIR/seed.xml" "//rsc_colocation[@id='col_g_db_on_drbd'][@rsc='g_db'][@with-rsc='ms_drbd_db'][@with-rsc-role='Promoted'][@score='INFINITY']"
check "CIB: ord_drbd_db_then_g_db starts g_db after the promotion" \
	has_xpath "$T_DIR/seed.xml" "//rsc_order[@id='ord_drbd_db_then_g_db'][@kind='Mandatory'][@first='ms_drbd_db'][@first-action='promote'][@then='g_db'][@then-action='start']"
check "CIB: loc_g_apps_home prefers phobos by 100" \
	has_xpath "$T_DIR/seed.xml" "//rsc_location[@id='loc_g_apps_home'][@rsc='g_apps'][@node='phobos'][@score='100']"

new_cib "$T_DIR/lab.xml" deimos phobos
crm_load "$T_DIR/lab.xml" "$T_DIR/seed-lab.crm"
# crmsh's own check warns once that unseen nodes are not fenced: true,
# and the point of the header's warning.
loaded_clean "--no-stonith: loads, with only crmsh's 'not fencing' warning" \
	'Blind faith: not fencing unseen nodes'
verified "--no-stonith: crm_verify has nothing to say" "$T_DIR/lab.xml"

new_cib "$T_DIR/multi-drbd.xml" deimos phobos
fenced "$T_DIR/multi-drbd.crm" >"$T_DIR/multi-drbd-fenced.crm"
crm_load "$T_DIR/multi-drbd.xml" "$T_DIR/multi-drbd-fenced.crm"
loaded_clean "multi-drbd's configuration loads cleanly"
verified "multi-drbd: crm_verify has nothing to say" "$T_DIR/multi-drbd.xml"
check "CIB: the DRBD-only line's location is a rule for the Promoted role on phobos" \
	has_xpath "$T_DIR/multi-drbd.xml" "//rsc_location[@id='loc_ms_drbd_r2_home'][@rsc='ms_drbd_r2']/rule[@role='Promoted'][@score='100']/expression[@attribute='#uname'][@operation='eq'][@value='phobos']"

new_cib "$T_DIR/ipaddr.xml" node1 node2
fenced "$T_DIR/ipaddr.crm" >"$T_DIR/ipaddr-fenced.crm"
# lsb:httpd has no init script here: crmsh may not find its meta-data
CRM_OPTS+=(-o core.ignore_missing_metadata=yes)
crm_load "$T_DIR/ipaddr.xml" "$T_DIR/ipaddr-fenced.crm"
loaded_clean "addresses, MailTo, init script: load cleanly (IPaddr2 and MailTo checked)"
verified "addresses: crm_verify has nothing to say" "$T_DIR/ipaddr.xml"

# ---------------------------------------------------------------- failback

# settle CIB [crm_simulate OPTIONS]: applies OPTIONS, then runs
# transitions until one has nothing left to do.
settle() {
	local f=$1 _
	shift
	for _ in 1 2 3 4 5 6 7 8; do
		crm_simulate -x "$f" -S -O "$f" --output-as=xml "$@" \
			>"$T_DIR/sim.xml" 2>"$T_DIR/sim.err" || return 1
		set --
		sed -n '/<actions>/,/<\/actions>/p' "$T_DIR/sim.xml" |
			grep -q '<rsc_action' || return 0
	done
	return 1
}

# scores CIB NODE...: DRBD UpToDate on NODE, as the agent's monitor would
# say (crm_simulate runs no agent).
scores() {
	local f=$1 n r
	shift
	for n; do
		for r in db apps; do
			CIB_file=$f crm_attribute -N "$n" -n "master-p_drbd_$r" -v 10000 -l reboot ||
				return 1
		done
	done
}

# where CIB RESOURCE NODE: RESOURCE runs on NODE alone.
where() {
	local w
	w=$(CIB_file=$1 crm_resource -W -r "$2" 2>&1)
	[ "$w" = "resource $2 is running on: $3" ] && return 0
	diag "$w"
	return 1
}

# failback MODE EXPECTED CRM: with the configuration CRM (in $T_DIR),
# both nodes up, deimos fails and comes back with its data in sync: g_db
# must end on EXPECTED.
failback() {
	local mode=$1 expected=$2 f=$T_DIR/failback-$1.xml step
	out=
	step="new CIB" && new_cib "$f" deimos phobos &&
		step="load" && fenced "$T_DIR/$3" >"$T_DIR/failback-$1.crm" &&
		crm_load "$f" "$T_DIR/failback-$1.crm" && [ "$rc" = 0 ] &&
		step="promotion scores" && scores "$f" deimos phobos &&
		step="both nodes up" && settle "$f" -u deimos -u phobos || {
		not_ok "failback $mode: setting up the pair failed at: $step"
		diag "$out" "$(cat "$T_DIR/sim.err" 2>/dev/null)"
		return
	}
	if where "$f" g_db deimos && where "$f" g_apps phobos; then
		ok "failback $mode: db runs on deimos, apps on phobos"
	else
		not_ok "failback $mode: the groups are not on their home nodes"
	fi
	settle "$f" -d deimos
	check "failback $mode: deimos down, db moves to phobos" where "$f" g_db phobos
	settle "$f" -u deimos && scores "$f" deimos && settle "$f"
	check "failback $mode: deimos back and in sync, db on $expected" \
		where "$f" g_db "$expected"
	check "failback $mode: apps stays on phobos" where "$f" g_apps phobos
}
failback on deimos seed.crm
failback off phobos seed-off.crm
