#!/bin/bash
# vzfs as Pacemaker's own tools see it, with no cluster running: the agent
# is installed as ocf:vzha:vzfs for the duration of the test, then
#  - ocf-tester runs its start-twice/stop-twice/monitor matrix;
#  - crm_resource runs start, check (depths 0/10/20), validate and stop
#    against a CIB file, and shows the exit reason of a failing start;
#  - crm_resource, crmsh and pcs read the meta-data.
# Pacemaker 2.1 has no OCF path override, hence the install under
# $OCF_ROOT; whatever was there before is put back at exit.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt flock
[ -x "$VZFS" ] || skip_all "$VZFS is not built (make vzfs)"
if ! command -v crm_resource >/dev/null 2>&1 ||
	! command -v cibadmin >/dev/null 2>&1; then
	skip_all "needs crm_resource and cibadmin (apt-get install pacemaker-cli-utils)"
fi
t_init

OCF_RNG=${OCF_RNG:-/usr/share/pcs/data/ocf-1.1.rng}

# ---------------------------------------------------------------- install

install_agent "$VZFS" vzfs

make_loop pm 64 || skip_all "no loop device"
dev=$LOOP
make_fs ext4 "$dev" || skip_all "mkfs.ext4 $dev failed"
dir=$T_DIR/mnt/pm

# ---------------------------------------------------------------- ocf-tester

# ocf-tester (resource-agents 4.12) checks the meta-data with
# `xmllint --valid` against ra-api-1.dtd, which is OCF 1.0: it has no
# <option>, no type="select", no unique-group, so OCF 1.1 meta-data cannot
# pass it. When that is the only objection, ocf-tester's xmllint is
# pointed at the OCF 1.1 schema instead (through PATH), so the check still
# validates, against the standard the agent follows.
ocf_tester() {
	local path=$PATH dtd_log=$T_DIR/dtd.log
	if ! "$VZFS" meta-data | (cd /usr/share/resource-agents 2>/dev/null &&
		xmllint --noout --valid -) >"$dtd_log" 2>&1; then
		if [ ! -r "$OCF_RNG" ]; then
			skip_point "ocf-tester: meta-data fails its OCF 1.0 DTD and $OCF_RNG (pcs) is missing to check it instead"
			return
		fi
		mkdir -p "$T_DIR/bin"
		printf '#!/bin/sh\nexec %s --noout --relaxng %s -\n' \
			"$(command -v xmllint)" "$OCF_RNG" >"$T_DIR/bin/xmllint"
		chmod 755 "$T_DIR/bin/xmllint"
		path=$T_DIR/bin:$PATH
		diag "ocf-tester checks meta-data against ra-api-1.dtd (OCF 1.0);" \
			"here it validates against $OCF_RNG instead." \
			"xmllint --valid said: $(head -n 1 "$dtd_log")"
	fi
	PATH=$path ocf-tester -n vzfs_test -o device="$dev" \
		-o directory="$dir" "$AGENT" >"$T_DIR/ocf-tester.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "ocf-tester passes (rc 0)"
	else
		not_ok "ocf-tester fails (rc $rc)"
		diag "$(cat "$T_DIR/ocf-tester.out")"
	fi
	check "ocf-tester leaves $dir unmounted" eval '! is_mounted "$dir"'
}

if command -v ocf-tester >/dev/null 2>&1 && command -v xmllint >/dev/null 2>&1; then
	ocf_tester
else
	skip_point "ocf-tester: needs ocf-tester and xmllint (apt-get install resource-agents libxml2-utils)"
fi

# ---------------------------------------------------------------- crm_resource

export CIB_file=$T_DIR/cib.xml

# primitive ID DEVICE DIRECTORY: the XML of one vzfs primitive.
primitive() {
	printf '<primitive id="%s" class="ocf" provider="vzha" type="vzfs">' "$1"
	printf '<instance_attributes id="%s-ia">' "$1"
	printf '<nvpair id="%s-dev" name="device" value="%s"/>' "$1" "$2"
	printf '<nvpair id="%s-dir" name="directory" value="%s"/>' "$1" "$3"
	printf '</instance_attributes></primitive>'
}

cibadmin --empty >"$CIB_file" 2>"$T_DIR/stderr"
check "cibadmin --empty writes a CIB" [ -s "$CIB_file" ]
missing=$T_DIR/no-such-device
check "the CIB file takes an ocf:vzha:vzfs primitive" \
	cibadmin -C -o resources -X "$(primitive vzfs_test "$dev" "$dir")"
check "and one whose device does not exist" \
	cibadmin -C -o resources -X "$(primitive vzfs_bad "$missing" "$T_DIR/mnt/bad")"

crm_run --force-start -r vzfs_test
expect_crm "crm_resource --force-start" 0
check "started: $dev mounted at $dir" is_mounted "$dir" "$dev"
# Pacemaker passes crm_feature_set to every action as a parameter.
check "start does not call Pacemaker's crm_feature_set a misspelt parameter" \
	eval '! out_has "has no parameter"'

for depth in 0 10 20; do
	crm_run --force-check="$depth" -r vzfs_test
	expect_crm "crm_resource --force-check=$depth while started" 0
done

crm_run --validate -r vzfs_test
expect_crm "crm_resource --validate -r vzfs_test" 0
crm_run --validate --class ocf --provider vzha --agent vzfs \
	--option device="$dev" --option directory=/
expect_crm "crm_resource --validate of directory=/ is a configuration error" 6
check "crm_resource shows why" out_has "returned 6 .*cannot be a cluster mount point"

crm_run --force-stop -r vzfs_test
expect_crm "crm_resource --force-stop" 0
check "stopped: $dir is unmounted" eval '! is_mounted "$dir"'
crm_run --force-stop -r vzfs_test
expect_crm "crm_resource --force-stop again" 0
crm_run --force-check -r vzfs_test
expect_crm "crm_resource --force-check after stop says not running" 7

crm_run --force-start -r vzfs_bad
expect_crm "crm_resource --force-start of a missing device: not installed" 5
# crm_resource prints the reason it parsed from the agent's
# ocf-exit-reason line in its own summary.
check "crm_resource shows the exit reason" \
	out_has "returned 5 \(not installed: device $missing does not exist on this node\)"
check "and nothing is mounted" eval '! is_mounted "$T_DIR/mnt/bad"'

# ---------------------------------------------------------------- meta-data

"$VZFS" meta-data >"$T_DIR/meta.xml"
crm_resource --show-metadata ocf:vzha:vzfs >"$T_DIR/show.xml" 2>"$T_DIR/stderr"
rc=$?
if [ "$rc" = 0 ] && cmp -s "$T_DIR/meta.xml" "$T_DIR/show.xml"; then
	ok "crm_resource --show-metadata ocf:vzha:vzfs is the agent's meta-data"
else
	not_ok "crm_resource --show-metadata ocf:vzha:vzfs (rc $rc) differs from the agent's meta-data"
	diag "$(diff -u "$T_DIR/meta.xml" "$T_DIR/show.xml" | head -n 20; cat "$T_DIR/stderr")"
fi

# crmsh 4.4 parses meta-data with lxml's etree.fromstring() on a str,
# which refuses an XML declaration naming an encoding ("Unicode strings
# with encoding declaration are not supported"): crm ra info then fails.
crm_params() {
	local p
	for p in device directory force_unmount; do
		grep -Eq "^$p\*? \(" "$T_DIR/crm.out" || return 1
	done
}
if command -v crm >/dev/null 2>&1; then
	# HOME: crmsh creates ~/.cache/crm and ~/.config/crm
	HOME=$T_DIR timeout 120 crm ra info ocf:vzha:vzfs \
		>"$T_DIR/crm.out" 2>"$T_DIR/crm.err"
	rc=$?
	if [ "$rc" = 0 ]; then
		ok "crm ra info ocf:vzha:vzfs exits 0"
	else
		not_ok "crm ra info ocf:vzha:vzfs exits $rc"
		diag "$(cat "$T_DIR/crm.err")"
	fi
	check "crm ra info lists device, directory and force_unmount" \
		crm_params
else
	skip_point "crm ra info: crm is not installed (apt-get install crmsh)"
fi

if command -v pcs >/dev/null 2>&1; then
	timeout 120 pcs resource describe ocf:vzha:vzfs \
		>"$T_DIR/pcs.out" 2>"$T_DIR/pcs.err"
	rc=$?
	if [ "$rc" != 0 ] && grep -Eqi 'pcsd|unable to connect|not authorized|cluster is not' "$T_DIR/pcs.err"; then
		skip_point "pcs resource describe: pcs needs what is not here: $(head -n 1 "$T_DIR/pcs.err")"
	else
		if [ "$rc" = 0 ]; then
			ok "pcs resource describe ocf:vzha:vzfs exits 0"
		else
			not_ok "pcs resource describe ocf:vzha:vzfs exits $rc"
			diag "$(cat "$T_DIR/pcs.err")"
		fi
		check "pcs describes device and directory as required" \
			eval 'grep -q "^  device (required):" "$T_DIR/pcs.out" &&
			      grep -q "^  directory (required)" "$T_DIR/pcs.out"'
	fi
else
	skip_point "pcs resource describe: pcs is not installed (apt-get install pcs)"
fi
