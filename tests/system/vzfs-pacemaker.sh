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

# ---------------------------------------------------------------- install

install_agent "$VZFS" vzfs

make_loop pm 64 || skip_all "no loop device"
dev=$LOOP
make_fs ext4 "$dev" || skip_all "mkfs.ext4 $dev failed"
dir=$T_DIR/mnt/pm

# ---------------------------------------------------------------- ocf-tester

if have_ocf_tester &&
	ocf_tester ocf-tester -n vzfs_test -o device="$dev" -o directory="$dir"; then
	check "ocf-tester leaves $dir unmounted" eval '! is_mounted "$dir"'
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

check_show_metadata "$VZFS" vzfs
if crm_ra_info vzfs; then
	check "crm ra info lists device, directory and force_unmount" \
		crm_lists device directory force_unmount
fi
if pcs_describe vzfs; then
	check "pcs describes device and directory as required" \
		eval 'grep -q "^  device (required):" "$T_DIR/pcs.out" &&
		      grep -q "^  directory (required)" "$T_DIR/pcs.out"'
fi
