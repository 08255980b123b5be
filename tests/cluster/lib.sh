# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the cluster tests (sourced, bash): tests/system/lib.sh's TAP
# and cleanup, plus offline CIBs built from crm-examples/. No daemon runs:
# CIB_file points every Pacemaker tool, crmsh and pcs at a file.

. "$(dirname "${BASH_SOURCE[0]}")/../system/lib.sh"

CRM_EXAMPLES=$top_srcdir/crm-examples
# the distribution's python3 when there is one: a pyenv shim in PATH
# costs 0.4s a call, and cibxml.py runs after every transition
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

cibxml() {
	"$PY" "$top_srcdir/tests/cluster/cibxml.py" "$@"
}

# with_agents COMMAND...: runs COMMAND with tests/cluster/bin first in
# PATH: its crm_resource shows crmsh and pcs the agents just built as
# ocf:vzha:* and the lab's fence agent as stonith:fence_vzha_ns, whatever
# the host has installed. Nothing is installed, no namespace is made.
CRM_RESOURCE=$(command -v crm_resource)
with_agents() {
	PATH=$top_srcdir/tests/cluster/bin:$PATH \
		VZHA_AGENTS_DIR=$top_builddir \
		VZHA_FENCE_DIR=$top_srcdir/tests/cluster/netns \
		VZHA_REAL_CRM_RESOURCE=$CRM_RESOURCE "$@"
}

# cib_new FILE: an empty CIB with quorum and the seed's nodes, deimos (1)
# and phobos (2), created before any configuration names them.
cib_new() {
	cibadmin --empty >"$1" &&
		CIB_file=$1 cibadmin -M -X '<cib have-quorum="1"/>' &&
		CIB_file=$1 cibadmin -C -o nodes -X '<node id="1" uname="deimos"/>' &&
		CIB_file=$1 cibadmin -C -o nodes -X '<node id="2" uname="phobos"/>'
}

# crm_load CIB CRMFILE: crm configure load update, into CIB, with the
# built agents visible, so crmsh checks parameters and timeouts against
# their meta-data; sets $rc and $out (both streams, colours removed).
crm_load() {
	out=$(CIB_file=$1 HOME=$T_DIR with_agents \
		crm -D plain configure load update "$2" 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g')
}

# require_root_for_crmsh: crmsh logs to /var/log/crmsh (root's)
require_root_for_crmsh() {
	[ "$(id -u)" = 0 ] ||
		skip_all "needs root: crmsh logs to /var/log/crmsh"
}

require_built_agents() {
	local a
	for a in vzfs openvz drbd; do
		[ -x "$top_builddir/$a" ] ||
			skip_all "$top_builddir/$a is not built (make)"
	done
}

# cib_down CIB OUT: CIB with both nodes cleanly down (a node without any
# state would be "unclean", and fenced at the first transition).
cib_down() {
	crm_simulate -x "$1" -S -d deimos -d phobos -O "$2" >/dev/null 2>&1
}
