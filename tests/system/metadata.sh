#!/bin/bash
# Meta-data: what the agent prints is what the build generated, it passes
# the OCF 1.1 schema Pacemaker's tools use, and the committed admin page
# in docs/agents/ is the one the generator makes from the same descriptor.
# Needs no root and touches no device.
. "$(dirname "$0")/lib.sh"

XMLLINT=${XMLLINT:-xmllint}
OCF_RNG=${OCF_RNG:-/usr/share/pcs/data/ocf-1.1.rng}
GEN=$top_builddir/metadata/gen-metadata

command -v "$XMLLINT" >/dev/null 2>&1 ||
	skip_all "needs xmllint (apt-get install libxml2-utils)"
[ -r "$OCF_RNG" ] ||
	skip_all "OCF 1.1 schema $OCF_RNG is missing (apt-get install pcs, or set OCF_RNG)"
OPENVZ=${OPENVZ:-$top_builddir/openvz}
DRBD=${DRBD:-$top_builddir/drbd}
for a in "$VZFS" "$OPENVZ" "$DRBD"; do
	[ -x "$a" ] || skip_all "$a is not built (make)"
done
[ -x "$GEN" ] || skip_all "$GEN is not built (make metadata/gen-metadata)"
t_init

# meta_of AGENT_BINARY NAME: one agent's checks.
meta_of() {
	local bin=$1 name=$2 xml=$T_DIR/$2.xml md=$T_DIR/$2.md
	local built=$top_builddir/metadata/$2.xml
	local page=$top_srcdir/docs/agents/$2.md

	# As Pacemaker calls it: a bare environment, no parameters.
	env -i PATH="$PATH" "$bin" meta-data >"$xml" 2>"$T_DIR/stderr"
	local rc=$?
	if [ "$rc" = 0 ]; then
		ok "$name meta-data exits 0"
	else
		not_ok "$name meta-data exits $rc"
		diag "stderr:"
		diag "$(cat "$T_DIR/stderr")"
	fi
	check "$name meta-data prints nothing on stderr" \
		[ ! -s "$T_DIR/stderr" ]

	if [ ! -r "$built" ]; then
		not_ok "$name meta-data: $built is missing (make $built)"
	elif cmp -s "$xml" "$built"; then
		ok "$name meta-data is byte-identical to metadata/$name.xml"
	else
		not_ok "$name meta-data differs from metadata/$name.xml"
		diag "$(diff -u "$built" "$xml" | head -n 40)"
	fi

	if "$XMLLINT" --noout --relaxng "$OCF_RNG" "$xml" \
		>"$T_DIR/xmllint" 2>&1; then
		ok "$name meta-data validates against $(basename "$OCF_RNG")"
	else
		not_ok "$name meta-data does not validate against $OCF_RNG"
		diag "$(cat "$T_DIR/xmllint")"
	fi

	if ! "$GEN" md "$name" >"$md" 2>"$T_DIR/stderr"; then
		not_ok "$name: metadata/gen-metadata md $name failed"
		diag "$(cat "$T_DIR/stderr")"
	elif [ ! -r "$page" ]; then
		not_ok "docs/agents/$name.md is missing"
		diag "regenerate it: metadata/gen-metadata md $name > docs/agents/$name.md"
	elif cmp -s "$page" "$md"; then
		ok "docs/agents/$name.md matches the generated page"
	else
		not_ok "docs/agents/$name.md differs from the generated page"
		diag "$(diff -u "$page" "$md" | head -n 60)"
		diag "regenerate it from the build directory:" \
			"  metadata/gen-metadata md $name > $top_srcdir/docs/agents/$name.md" \
			"(or make docs/agents/$name.md.gen and copy the .gen file)"
	fi
}

meta_of "$VZFS" vzfs
meta_of "$OPENVZ" openvz
meta_of "$DRBD" drbd
