#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/drbd-tools.sh -- TAP: ocf:vzha:drbd under Pacemaker's own tools
# on real DRBD 8.4.11 in the two QEMU guests (tests/vm/lib.sh): ocf-tester's
# matrix (start and stop twice, promote and demote twice, monitor in each
# state) and crm_resource's --force-start, --force-promote, --force-check,
# --force-demote, --force-stop and --validate, run in deimos against the
# seed's resource db with phobos up as its peer. Exit codes and the DRBD
# states the tools leave behind are asserted on both nodes. No cluster
# runs: crm_resource runs the agent itself (--class ocf --provider vzha
# --agent drbd --option drbd_resource=db: no CIB needed).
#
# crm_resource finds agents only under the OCF root compiled into
# Pacemaker (/usr/lib/ocf/resource.d), which the guests share with the
# host: each guest mounts a tmpfs over /usr/lib/ocf/resource.d/vzha and
# installs the host-built agent there, and the test checks that nothing
# of it shows on the host. Promotion scores go to a crm_attribute
# stand-in (HA_SBIN_DIR), which the tools pass on with their environment.
#
# Root only; skips when QEMU, the kernel cache or the tools are missing.
# ~2.5 min under TCG. Guests and run state are removed at exit.
# shellcheck disable=SC2016 # the guests' scripts are in single quotes
set -u
export LC_ALL=C
. "$(dirname "$0")/lib.sh" || exit 1
top_builddir=${top_builddir:-$(cd "$VM_DIR/../.." && pwd)}
DRBD_AGENT=${DRBD_AGENT:-$top_builddir/drbd}
if [ ! -x "$DRBD_AGENT" ]; then
	echo "1..0 # SKIP $DRBD_AGENT is not built (make drbd)"
	exit 0
fi
for c in ocf-tester crm_resource xmllint; do
	if ! command -v $c >/dev/null 2>&1; then
		echo "1..0 # SKIP needs $c on the host, hence in the guests (apt-get install resource-agents pacemaker-cli-utils libxml2-utils)"
		exit 0
	fi
done
. "$VM_DIR/tap.sh" || exit 1

OCFDIR=/usr/lib/ocf/resource.d/vzha
OCF_RNG=${OCF_RNG:-/usr/share/pcs/data/ocf-1.1.rng}
# what every tool run in a guest gets: the score stand-in
ENV="cd /tmp && export HA_SBIN_DIR=/vm/shared/sbin &&"

# expect DESC CODE: test point on $rc, the output on failure
expect() {
	if [ "$rc" = "$2" ]; then ok "$1 (rc $rc)"; else not_ok "$1: rc $rc, expected $2"; diag "$out"; fi
}
out_has() {
	if printf '%s\n' "$out" | grep -q -- "$2"; then ok "$1"; else not_ok "$1"; diag "$out"; fi
}
# state DESC NODE ERE: test point, /proc/drbd of NODE has a line matching ERE
state() {
	on "$2" "grep -E '$3' /proc/drbd"
	if [ $? = 0 ]; then ok "$1"; else not_ok "$1"; show "$2" "expected /$3/"; fi
}
down_on() {
	on "$2" "! grep -q '^ 0:' /proc/drbd"
	if [ $? = 0 ]; then ok "$1"; else not_ok "$1"; show "$2" "expected db down"; fi
}
score_is() {
	on "$1" "cat /tmp/score.$2 2>/dev/null || echo none"
	if [ "$out" = "$3" ]; then ok "$4 (score $out)"; else not_ok "$4: score $out, expected $3"; fi
}

if capture vm_up; then
	ok "both guests up, db and apps up and connected"
else
	not_ok "both guests up"; diag "$out"; bail "no DRBD pair"
fi
step "vm_up"

# --- the agent where Pacemaker looks for it, in the guests only
GUEST_AGENT=$(vm_stage "$DRBD_AGENT") || bail "cannot stage $DRBD_AGENT"
mkdir -p "$VM_SHARED/sbin" "$VM_SHARED/bin"
cp "$VM_DIR/../system/crm_attribute" "$VM_SHARED/sbin/"
marker=.vm-test-marker.$$
for n in deimos phobos; do
	t "$n: a tmpfs over $OCFDIR holds the agent" $n "
		mkdir -p $OCFDIR && mount -t tmpfs -o size=4m,mode=755 vzha-test $OCFDIR &&
		install -m 755 $GUEST_AGENT $OCFDIR/drbd && touch $OCFDIR/$marker &&
		findmnt -n -o FSTYPE $OCFDIR | grep -qx tmpfs"
done
if [ ! -e "$OCFDIR/$marker" ]; then
	ok "the host's $OCFDIR does not see what the guests put there"
else
	not_ok "the guests' $OCFDIR reached the host"
	rm -f "$OCFDIR/$marker"
fi

# ocf-tester (resource-agents 4.12) checks meta-data with xmllint --valid
# against ra-api-1.dtd, OCF 1.0, which has no unique-group: OCF 1.1
# meta-data cannot pass it. When that is the only objection, ocf-tester's
# xmllint (through PATH) checks the OCF 1.1 schema instead, as
# tests/system/drbd-pacemaker.sh does.
GPATH=
if ! "$DRBD_AGENT" meta-data | (cd /usr/share/resource-agents 2>/dev/null &&
	xmllint --noout --valid -) >"$TMP/dtd.log" 2>&1; then
	if [ -r "$OCF_RNG" ]; then
		printf '#!/bin/sh\nexec %s --noout --relaxng %s -\n' \
			"$(command -v xmllint)" "$OCF_RNG" >"$VM_SHARED/bin/xmllint"
		chmod +x "$VM_SHARED/bin/xmllint"
		GPATH="PATH=/vm/shared/bin:\$PATH"
		diag "ocf-tester validates the meta-data against $OCF_RNG, not ra-api-1.dtd:" \
			"$(head -n 1 "$TMP/dtd.log")"
	fi
fi

# --- UpToDate data on both (promote needs it), then db down on deimos:
# the tools start from a stopped resource; phobos stays up as the peer
t "the admin's first sync from deimos" deimos 'drbdadm primary --force db'
waitfor "first sync done" deimos 120 'ds:UpToDate/UpToDate' 1 || bail "no sync"
t "deimos: secondary, then db down" deimos 'drbdadm secondary db && drbdadm down db'
waitfor "phobos waits for its peer" phobos 60 '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate' 1
step "first sync"

# --- ocf-tester
on -t 600 deimos "$ENV ${GPATH:+$GPATH} ocf-tester -v -n p_drbd_db -o drbd_resource=db $OCFDIR/drbd"
rc=$?
if [ $rc = 0 ]; then ok "ocf-tester passes on real DRBD (rc 0)"; else not_ok "ocf-tester: rc $rc"; diag "$out"; fi
out_has "ocf-tester tested promote and demote" "^Testing: promotion of promoted resource"
if printf '%s\n' "$out" | grep -q "does not support the \(promote\|demote\) action"; then
	not_ok "ocf-tester found promote or demote missing"
else
	ok "ocf-tester found promote and demote"
fi
down_on "ocf-tester leaves db down on deimos" deimos
score_is deimos p_drbd_db none "and no promotion score behind"
state "phobos is still an UpToDate Secondary" phobos '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown'
on phobos "dmesg | grep -c 'Split-Brain' || :"
if [ "$out" = 0 ]; then ok "no split brain on phobos"; else not_ok "phobos's kernel logged Split-Brain"; fi
step "ocf-tester"

# --- crm_resource: the agent run by Pacemaker's own executor code
# crm ARGS...: crm_resource for ocf:vzha:drbd with drbd_resource=db, in deimos
crm() {
	on deimos "$ENV crm_resource --class ocf --provider vzha --agent drbd --option drbd_resource=db $*"
	rc=$?
}
crm --validate
expect "crm_resource --validate" 0
crm --force-check
expect "crm_resource --force-check of a stopped db says not running" 7
crm --force-start
expect "crm_resource --force-start" 0
waitfor "started: deimos connects as an UpToDate Secondary" deimos 60 \
	'^ 0: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate' 1
crm --force-check
expect "crm_resource --force-check of the Secondary" 0
# crm_resource calls the instance "test" in this form
score_is deimos test 10000 "UpToDate and connected"
crm --force-promote
expect "crm_resource --force-promote" 0
state "promoted: db Primary on deimos" deimos '^ 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate'
state "phobos sees a Primary peer" phobos '^ 0: cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate'
crm --force-check
expect "crm_resource --force-check of the Primary says promoted" 8
out_has "Pacemaker's words for it" "returned 8 (promoted)"
crm --force-demote
expect "crm_resource --force-demote" 0
state "demoted: db Secondary on deimos" deimos '^ 0: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate'
crm --force-check
expect "crm_resource --force-check after the demote" 0
crm --force-stop
expect "crm_resource --force-stop" 0
down_on "stopped: db down on deimos" deimos
score_is deimos test none "the stop removed the score"
waitfor "phobos waits for its peer again" phobos 60 '^ 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate' 1
crm --force-stop
expect "crm_resource --force-stop again" 0
crm --force-check
expect "crm_resource --force-check after the stop says not running" 7
on deimos "$ENV crm_resource --validate --class ocf --provider vzha --agent drbd --option drbd_resource=nosuch"
rc=$?
expect "crm_resource --validate of a resource drbd.conf lacks: not configured" 6
out_has "and says why" "returned 6 (not configured: drbdadm rejects resource nosuch"
step "crm_resource"
