#!/bin/bash
# crm-examples/ as the tools that will read them see them, offline:
#  - every *.crm loads into a CIB with crmsh (crm configure load update)
#    while the built agents are visible as ocf:vzha:*, so crmsh checks
#    parameters and operation timeouts against their real meta-data; it
#    must print no ERROR and no WARNING (but the one a configuration
#    without STONITH must draw), and crm_verify must find nothing;
#  - seed.pcs.sh, run against an offline CIB (pcs -f), builds the same
#    resources and constraints as seed.crm: same ids, agents, parameters,
#    operations;
#  - seed-lab.crm differs from seed.crm only in fencing;
#  - the DRBD configurations in crm-examples/drbd/ parse with DRBD 8.4's
#    drbdadm on either node, set resource-level fencing, and define the
#    resources the cluster configurations name.
# The agents are shown to crmsh and pcs through a bind mount in a private
# mount namespace: the host's $OCF_ROOT is left alone. Root only.
. "$(dirname "$0")/lib.sh"
require_root_for_crmsh
require_cmd crm pcs crm_verify crm_simulate cibadmin unshare ip diff "$PY"
require_built_agents
t_init
export HOME=$T_DIR # crmsh and pcs keep caches and history there

# ---------------------------------------------------------------- crmsh

# The meta-data are really read: a start timeout below the advised one
# draws crmsh's warning, which it can only give from the agent's
# meta-data.
sed 's/op start timeout=240s/op start timeout=20s/' \
	"$CRM_EXAMPLES/seed.crm" >"$T_DIR/short-timeout.crm"
cib_new "$T_DIR/control.xml"
crm_load "$T_DIR/control.xml" "$T_DIR/short-timeout.crm"
if printf '%s\n' "$out" |
	grep -q 'WARNING: p_drbd_db: specified timeout 20s for start is smaller than the advised 240s'; then
	ok "crmsh checks timeouts against the built agents' meta-data"
else
	not_ok "crmsh did not warn about a start timeout of 20s for ocf:vzha:drbd"
	diag "$out"
fi

# expect_verified NAME BASE: BASE.xml, with its nodes cleanly down (a node
# never seen would be fenced), leaves crm_verify -V nothing to say
expect_verified() {
	local out rc
	if cib_down "$2.xml" "$2.down.xml"; then
		out=$(crm_verify -x "$2.down.xml" -V 2>&1)
		rc=$?
	else
		out="crm_simulate could not bring the nodes down" rc=1
	fi
	if [ "$rc" = 0 ] && [ -z "$out" ]; then
		ok "$1: crm_verify -V: nothing to say"
	else
		not_ok "$1: crm_verify -V: rc $rc"
		diag "$out"
	fi
}

for f in "$CRM_EXAMPLES"/*.crm; do
	name=$(basename "$f")
	cib_new "$T_DIR/$name.xml"
	crm_load "$T_DIR/$name.xml" "$f"
	# Pacemaker's own warning about a configuration without STONITH:
	# such a file must draw it, and nothing else
	must=
	grep -Eq '^[[:space:]]*stonith-enabled=false' "$f" &&
		must='^WARNING: \(unpack_config\)[[:space:]]+warning: Blind faith: not fencing unseen nodes$'
	noise=$(printf '%s\n' "$out" | grep -E 'ERROR|WARNING' |
		{ if [ -n "$must" ]; then grep -Ev -- "$must"; else cat; fi; })
	if [ "$rc" = 0 ] && [ -z "$noise" ] &&
		{ [ -z "$must" ] || printf '%s\n' "$out" | grep -Eq -- "$must"; }; then
		ok "$name: crm configure load update: clean${must:+ but for the warning that nothing is fenced}"
	else
		not_ok "$name: crm configure load update: rc $rc${must:+, or no warning that nothing is fenced}"
		diag "$out"
	fi
	expect_verified "$name" "$T_DIR/$name"
	cibxml summary "$T_DIR/$name.xml" >"$T_DIR/$name.summary"
done

# ---------------------------------------------------------------- pcs

# pcs runs /usr/sbin/crm_resource by its path, not through PATH: the
# built agents are installed for this part (moved back at exit)
for a in vzfs openvz drbd; do
	install_agent "$top_builddir/$a" "$a"
done
cib_new "$T_DIR/pcs.xml"
out=$(PCS_FILE=$T_DIR/pcs.xml bash "$CRM_EXAMPLES/seed.pcs.sh" 2>&1)
rc=$?
if [ "$rc" = 0 ]; then
	ok "seed.pcs.sh with PCS_FILE (pcs -f) exits 0"
else
	not_ok "seed.pcs.sh with PCS_FILE (pcs -f) exits $rc"
	diag "$out"
fi
# pcs -f cannot know the cluster's nodes and says so; anything else is
# worth reading
noise=$(printf '%s\n' "$out" | grep -Ei 'error|warning' |
	grep -vF 'Warning: Validation for node existence in the cluster will be skipped' |
	grep -vF 'Warning: Defaults do not apply to resources which override them')
if [ -z "$noise" ]; then
	ok "seed.pcs.sh: pcs gives no other warning"
else
	not_ok "seed.pcs.sh: pcs warns"
	diag "$noise"
fi
cibxml summary "$T_DIR/pcs.xml" >"$T_DIR/pcs.summary"
if diff -u "$T_DIR/seed.crm.summary" "$T_DIR/pcs.summary" >"$T_DIR/diff"; then
	ok "seed.pcs.sh builds what seed.crm builds ($(wc -l <"$T_DIR/pcs.summary") lines: ids, agents, parameters, operations, constraints)"
else
	not_ok "seed.pcs.sh and seed.crm differ (- seed.crm, + seed.pcs.sh)"
	diag "$(cat "$T_DIR/diff")"
fi
expect_verified seed.pcs.sh "$T_DIR/pcs"

# ---------------------------------------------------------------- lab

if [ -f "$T_DIR/seed-lab.crm.summary" ]; then
	grep -v -e fence_ -e '^property stonith-enabled=' \
		"$T_DIR/seed.crm.summary" >"$T_DIR/prod.cmp"
	grep -v -e '^property stonith-enabled=' \
		"$T_DIR/seed-lab.crm.summary" >"$T_DIR/lab.cmp"
	if diff -u "$T_DIR/prod.cmp" "$T_DIR/lab.cmp" >"$T_DIR/diff" &&
		grep -qx 'property stonith-enabled=false' "$T_DIR/seed-lab.crm.summary"; then
		ok "seed-lab.crm is seed.crm without fencing, and says stonith-enabled=false"
	else
		not_ok "seed-lab.crm and seed.crm differ in more than fencing"
		diag "$(cat "$T_DIR/diff")"
	fi
fi

# ---------------------------------------------------------------- DRBD

DRBDADM84=
for c in drbdadm-84 /usr/lib/drbd/drbdadm-84 /lib/drbd/drbdadm-84; do
	if command -v "$c" >/dev/null 2>&1; then
		DRBDADM84=$(command -v "$c")
		break
	fi
done

# as_node NODE RES COMMAND...: COMMAND in private UTS and network
# namespaces that carry NODE's name (drbdadm reads uname) and NODE's
# address in the DRBD configuration RES, so drbdadm finds itself there.
as_node() {
	local node=$1 addr
	addr=$(awk -v n="$node" '$1 == "on" && $2 == n { on = 1 }
		on && $1 == "address" { sub(/:.*/, "", $2); print $2; exit }' "$2")
	shift 2
	unshare -u -n sh -c 'hostname "$0" && ip link set lo up &&
		ip addr add "$1/32" dev lo && shift && exec "$@"' \
		"$node" "$addr" "$@"
}

# drbd_dump NODE RES: drbdadm-84 dump of RES on NODE: $out (stdout),
# $err (stderr), $rc. The one warning drbdadm gives about dopd
# (drbdsetup must be setuid for it) is expected, and dropped.
drbd_dump() {
	local conf
	conf=$T_DIR/drbd-$(basename "$2").conf
	printf 'global { usage-count no; }\ninclude "%s";\n' "$2" >"$conf"
	out=$(as_node "$1" "$2" "$DRBDADM84" -c "$conf" dump all \
		2>"$T_DIR/drbd.err")
	rc=$?
	err=$(sed '/^WARN:$/,/dpkg-statoverride .*drbdmeta$/d' "$T_DIR/drbd.err")
}

if [ -z "$DRBDADM84" ]; then
	skip_point "DRBD configurations: no drbdadm-84 (apt-get install drbd-utils)"
else
	crm_resources=$(sed -n 's/^param p_drbd_[^ ]* drbd_resource=//p' \
		"$T_DIR/seed.crm.summary" | sort | paste -sd ' ')
	for f in "$CRM_EXAMPLES"/drbd/*.res; do
		name=drbd/$(basename "$f")
		for node in deimos phobos; do
			drbd_dump "$node" "$f"
			if [ "$rc" = 0 ] && [ -z "$err" ]; then
				ok "$name: drbdadm-84 dump on $node"
			else
				not_ok "$name: drbdadm-84 dump on $node: rc $rc"
				diag "$err"
			fi
		done
		printf '%s\n' "$out" >"$T_DIR/$(basename "$f").dump"
		res=$(printf '%s\n' "$out" | sed -n 's/^resource \([^ ]*\) {$/\1/p' |
			sort | paste -sd ' ')
		check "$name defines the DRBD resources seed.crm names ($crm_resources)" \
			test "$res" = "$crm_resources"
		n=$(printf '%s\n' "$out" | grep -c '^ *fencing *resource-only;$')
		check "$name: fencing resource-only in each resource ($n)" \
			test "$n" -gt 0 -a "$n" = "$(printf '%s\n' "$res" | wc -w)"
	done
	f=$CRM_EXAMPLES/drbd/seed-crm-fence-peer.res
	out=$(cat "$T_DIR/seed-crm-fence-peer.res.dump")
	n=$(printf '%s\n' "$out" |
		grep -c '^ *fence-peer *"\{0,1\}/usr/lib/drbd/crm-fence-peer.9.sh"\{0,1\};$')
	m=$(printf '%s\n' "$out" |
		grep -c '^ *after-resync-target *"\{0,1\}/usr/lib/drbd/crm-unfence-peer.9.sh"\{0,1\};$')
	check "seed-crm-fence-peer.res: fence-peer crm-fence-peer.9.sh and after-resync-target crm-unfence-peer.9.sh for both resources" \
		test "$n/$m" = 2/2
	for s in /usr/lib/drbd/crm-fence-peer.9.sh /usr/lib/drbd/crm-unfence-peer.9.sh; do
		check "drbd-utils ships $s" test -x "$s"
	done
	n=$(grep -c '^ *fence-peer *"\{0,1\}/usr/lib/heartbeat/drbd-peer-outdater -t 5"\{0,1\};$' \
		"$T_DIR/seed-peer-outdater.res.dump")
	check "seed-peer-outdater.res: the seed's drbd-peer-outdater -t 5 for both resources" \
		test "$n" = 2
	# the two differ in their fencing handlers only
	for v in seed-crm-fence-peer seed-peer-outdater; do
		grep -v -e '^#' -e 'fence-peer' -e 'after-resync-target' \
			"$T_DIR/$v.res.dump" >"$T_DIR/$v.cmp"
	done
	if diff -u "$T_DIR/seed-crm-fence-peer.cmp" "$T_DIR/seed-peer-outdater.cmp" \
		>"$T_DIR/diff"; then
		ok "the two DRBD configurations differ only in their fencing handlers"
	else
		not_ok "the two DRBD configurations differ in more than fencing"
		diag "$(cat "$T_DIR/diff")"
	fi
	# what drbdadm would do: resource-level fencing reaches the kernel
	printf 'global { usage-count no; }\ninclude "%s";\n' "$f" >"$T_DIR/up.conf"
	out=$(as_node deimos "$f" "$DRBDADM84" -c "$T_DIR/up.conf" -d up db 2>&1)
	if printf '%s\n' "$out" | grep -q -- 'attach 0 .*--fencing=resource-only'; then
		ok "drbdadm-84 -d up db attaches /dev/drbd0 with --fencing=resource-only"
	else
		not_ok "drbdadm-84 -d up db does not set --fencing=resource-only"
		diag "$out"
	fi
fi
