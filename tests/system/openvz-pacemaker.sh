#!/bin/bash
# ocf:vzha:openvz as Pacemaker's own tools see it, with no cluster running:
# the agent is installed as ocf:vzha:openvz for the duration of the test,
# then, for the lxc backend (a busybox container on a loop-mounted ext4,
# as in openvz-lxc.sh) and the vzctl backend (tests/sim/vzctl-sim, a
# SIMULATOR of vzctl, with the private area on a loop-mounted ext4):
#  - ocf-tester runs its start-twice/stop-twice/monitor matrix;
#  - crm_resource runs start, check (depths 0/10/20) and stop against a
#    CIB file, and shows the exit reason of a failing start;
# and crm_resource, crmsh and pcs read the meta-data.
# Pacemaker 2.1 has no OCF path override, hence the install under
# $OCF_ROOT; whatever was there before is put back at exit. The lock is
# vzfs-pacemaker.sh's, so the two tests can be run concurrently.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd losetup mkfs.ext4 findmnt flock
OPENVZ=${OPENVZ:-$top_builddir/openvz}
SIM=${VZCTL_SIM:-$top_builddir/tests/sim/vzctl-sim}
[ -x "$OPENVZ" ] || skip_all "$OPENVZ is not built (make openvz)"
[ -x "$VZFS" ] || skip_all "$VZFS is not built (make vzfs)"
if ! command -v crm_resource >/dev/null 2>&1 ||
	! command -v cibadmin >/dev/null 2>&1; then
	skip_all "needs crm_resource and cibadmin (apt-get install pacemaker-cli-utils)"
fi
t_init

# whatever a simulated container left behind, by pid; registered first,
# so it runs after the containers' own cleanup
at_exit "kill_rooted_in '$T_DIR'"

# ---------------------------------------------------------------- install

install_agent "$OPENVZ" openvz

# ---------------------------------------------------------------- helpers

# primitive ID NAME=VALUE...: the XML of one ocf:vzha:openvz primitive.
primitive() {
	local id=$1 nv n=0
	shift
	printf '<primitive id="%s" class="ocf" provider="vzha" type="openvz">' "$id"
	printf '<instance_attributes id="%s-ia">' "$id"
	for nv; do
		n=$((n + 1))
		printf '<nvpair id="%s-%d" name="%s" value="%s"/>' \
			"$id" "$n" "${nv%%=*}" "${nv#*=}"
	done
	printf '</instance_attributes></primitive>'
}

# crm_cycle ID WHAT CHECK-RUNNING CHECK-STOPPED: start, check at each
# depth, stop twice, check, through crm_resource
crm_cycle() {
	local id=$1 what=$2 running=$3 stopped=$4 depth
	crm_run --force-start -r "$id"
	expect_crm "$what: crm_resource --force-start" 0
	check "$what: started" eval "$running"
	check "$what: start does not call crm_feature_set a misspelt parameter" \
		eval '! out_has "has no parameter"'
	for depth in 0 10 20; do
		crm_run --force-check="$depth" -r "$id"
		expect_crm "$what: crm_resource --force-check=$depth while started" 0
	done
	crm_run --validate -r "$id"
	expect_crm "$what: crm_resource --validate" 0
	crm_run --force-stop -r "$id"
	expect_crm "$what: crm_resource --force-stop" 0
	check "$what: stopped" eval "$stopped"
	crm_run --force-stop -r "$id"
	expect_crm "$what: crm_resource --force-stop again" 0
	crm_run --force-check -r "$id"
	expect_crm "$what: crm_resource --force-check after stop says not running" 7
}

export CIB_file=$T_DIR/cib.xml
cibadmin --empty >"$CIB_file" 2>"$T_DIR/stderr"
check "cibadmin --empty writes a CIB" [ -s "$CIB_file" ]

# ---------------------------------------------------------------- lxc

lxc_part() {
	local dev dir lxcpath name
	make_loop lxc 256 || { not_ok "lxc: no loop device"; return; }
	dev=$LOOP
	make_fs ext4 "$dev" || { not_ok "lxc: mkfs.ext4 $dev"; return; }
	dir=$T_DIR/Data/lxc
	run_agent start device="$dev" directory="$dir" fstype=ext4
	expect_rc "lxc: vzfs mounts the container's filesystem" 0
	lxcpath=$dir/lxc
	name=vzha-pm-$$ # cgroup names are global: unique per test run
	mkdir -p "$lxcpath"
	if ! lxc-create -q -P "$lxcpath" -n "$name" -t busybox >/dev/null 2>&1; then
		skip_point "lxc: lxc-create -t busybox failed here"
		return
	fi
	at_exit "lxc-stop -P '$lxcpath' -n '$name' -k >/dev/null 2>&1; lxc-destroy -P '$lxcpath' -n '$name' >/dev/null 2>&1"
	# no network, no AppArmor (as in openvz-lxc.sh)
	sed -i -e 's/^lxc.net.0.type = .*/lxc.net.0.type = empty/' \
		-e '/^lxc.net.0.link/d' -e '/^lxc.net.0.flags/d' \
		-e 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unconfined/' \
		-e '/^lxc.apparmor.allow_nesting/d' "$lxcpath/$name/config"
	lxc_state() {
		lxc-info -P "$lxcpath" -n "$name" -s -H 2>/dev/null
	}

	if have_ocf_tester; then
		ocf_tester "ocf-tester openvz_lxc" -n openvz_lxc -o backend=lxc \
			-o ctid="$name" -o lxcpath="$lxcpath" \
			-o inner_check="cat /etc/inittab"
		check "lxc: ocf-tester leaves $name stopped" \
			eval '[ "$(lxc_state)" = STOPPED ]'
	fi

	check "lxc: the CIB takes an ocf:vzha:openvz primitive" \
		cibadmin -C -o resources -X "$(primitive openvz_lxc ctid="$name" \
			backend=lxc lxcpath="$lxcpath" inner_check="cat /etc/inittab")"
	crm_cycle openvz_lxc lxc '[ "$(lxc_state)" = RUNNING ]' \
		'[ "$(lxc_state)" = STOPPED ]'
}

if command -v lxc-create >/dev/null 2>&1 && [ -x /bin/busybox ]; then
	lxc_part
else
	skip_point "lxc backend: needs lxc and busybox-static (apt-get install lxc busybox-static)"
fi

# ---------------------------------------------------------------- vzctl

SIMROOT=$T_DIR/etc/vz

sim() {
	VZCTL_SIM_ROOT=$SIMROOT "$SIM" "$@"
}

sim_status() {
	local s
	s=$(sim status "$1" 2>/dev/null) || return 1
	echo "${s#CTID "$1" }"
}

vz_stopped() {
	[ "$(sim_status 101)" = "exist unmounted down" ] &&
		[ -z "$(pids_rooted_in "$T_DIR/vz/root/101")" ]
}

vzctl_part() {
	local dev dir wrapper
	make_loop vz 128 || { not_ok "vzctl: no loop device"; return; }
	dev=$LOOP
	make_fs ext4 "$dev" || { not_ok "vzctl: mkfs.ext4 $dev"; return; }
	dir=$T_DIR/Data/db
	run_agent start device="$dev" directory="$dir" fstype=ext4
	expect_rc "vzctl: vzfs mounts the private area's filesystem" 0
	mkdir -p "$SIMROOT/conf" "$T_DIR/vz/root"
	cat >"$SIMROOT/vz.conf" <<-EOF
		VE_ROOT="$T_DIR/vz/root/\$VEID"
		VE_PRIVATE="$T_DIR/vz/private/\$VEID"
	EOF
	if ! out=$(sim create 101 --private "$dir/vm" --root "$T_DIR/vz/root/101" 2>&1); then
		not_ok "vzctl: vzctl-sim create 101"
		diag "$out"
		return
	fi
	at_exit "SIM_STOP_TIMEOUT=1 sim --quiet stop 101 --fast >/dev/null 2>&1; sim --quiet umount 101 >/dev/null 2>&1; sim --quiet destroy 101 >/dev/null 2>&1"
	ok "vzctl: vzctl-sim create 101 --private $dir/vm"

	# ocf-tester keeps its environment: the simulator finds its world
	if have_ocf_tester; then
		VZCTL_SIM_ROOT=$SIMROOT ocf_tester "ocf-tester openvz_vz" \
			-n openvz_vz -o ctid=101 -o vzctl="$SIM" \
			-o vzconfdir="$SIMROOT" -o inner_check="cat /etc/issue"
		check "vzctl: ocf-tester leaves CT 101 stopped and unmounted" vz_stopped
	fi

	# crm_resource (2.1.5) runs the agent with its own environment, but
	# pacemaker-execd would not have ours: rather than rely on that,
	# vzctl= names a wrapper that sets the simulator's world
	wrapper=$T_DIR/bin/vzctl
	mkdir -p "$T_DIR/bin"
	printf '#!/bin/sh\nVZCTL_SIM_ROOT=%s\nexport VZCTL_SIM_ROOT\nexec %s "$@"\n' \
		"'$SIMROOT'" "'$SIM'" >"$wrapper"
	chmod 755 "$wrapper"
	check "vzctl: the CIB takes an ocf:vzha:openvz primitive" \
		cibadmin -C -o resources -X "$(primitive openvz_vz ctid=101 \
			vzctl="$wrapper" vzconfdir="$SIMROOT" inner_check="cat /etc/issue")"
	crm_cycle openvz_vz vzctl \
		'[ "$(sim_status 101)" = "exist mounted running" ]' vz_stopped

	# depth 20 runs inner_check: a second primitive on the same CT, whose
	# inner_check fails, checked while the first one runs it
	check "vzctl: a primitive whose inner_check fails" \
		cibadmin -C -o resources -X "$(primitive openvz_vz_false ctid=101 \
			vzctl="$wrapper" vzconfdir="$SIMROOT" inner_check=false)"
	crm_run --force-start -r openvz_vz
	expect_crm "vzctl: crm_resource --force-start" 0
	crm_run --force-check=10 -r openvz_vz_false
	expect_crm "vzctl: --force-check=10 does not run inner_check" 0
	crm_run --force-check=20 -r openvz_vz_false
	expect_crm "vzctl: --force-check=20 runs the failing inner_check" 1
	check "crm_resource shows the exit reason" \
		out_has "returned 1 \(error: inner_check 'false' in container 101 exited with status"
	crm_run --force-stop -r openvz_vz
	expect_crm "vzctl: crm_resource --force-stop" 0
	check "vzctl: stopped" vz_stopped

	# a failing start, with its reason: no config for CT 103 here
	check "vzctl: and one for a CT without a config" \
		cibadmin -C -o resources -X "$(primitive openvz_bad ctid=103 \
			vzctl="$wrapper" vzconfdir="$SIMROOT")"
	crm_run --force-start -r openvz_bad
	expect_crm "vzctl: crm_resource --force-start of a CT without a config: not installed" 5
	check "crm_resource shows the exit reason" \
		out_has "returned 5 \(not installed: container 103 has no config $SIMROOT/conf/103.conf on this node\)"
	check "and nothing started" \
		eval '[ "$(sim_status 103)" = "deleted unmounted down" ]'

	crm_run --validate --class ocf --provider vzha --agent openvz \
		--option ctid=abc --option vzctl="$wrapper"
	expect_crm "crm_resource --validate of ctid=abc is a configuration error" 6
	check "crm_resource shows why" \
		out_has "returned 6 .*ctid 'abc' must be a numeric container ID"
}

if [ -x "$SIM" ] && [ -x /bin/busybox ]; then
	vzctl_part
else
	skip_point "vzctl backend: needs $SIM (make tests/sim/vzctl-sim) and busybox-static"
fi

# ---------------------------------------------------------------- meta-data

check_show_metadata "$OPENVZ" openvz
PARAMS="ctid veid backend vzctl vzconfdir lxcpath inner_check require_mounted"
if crm_ra_info openvz; then
	# shellcheck disable=SC2086 # PARAMS: one word a parameter
	check "crm ra info lists $PARAMS" crm_lists $PARAMS
fi
if pcs_describe openvz; then
	check "pcs describes ctid as required, backend and inner_check" \
		eval 'grep -q "^  ctid (required)" "$T_DIR/pcs.out" &&
		      grep -q "^  backend" "$T_DIR/pcs.out" &&
		      grep -q "^  inner_check" "$T_DIR/pcs.out"'
fi
