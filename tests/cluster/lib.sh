# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the cluster tests (sourced, bash): tests/system/lib.sh's TAP
# and cleanup, plus offline CIBs built from crm-examples/. No daemon runs:
# CIB_file points every Pacemaker tool, crmsh and pcs at a file.

. "$(dirname "${BASH_SOURCE[0]}")/../system/lib.sh"

CRM_EXAMPLES=$top_srcdir/crm-examples
# Pacemaker 2.1 looks for OCF agents here, compiled in: no override
OCF_AGENTS=$OCF_ROOT/resource.d
# the distribution's python3 when there is one: a pyenv shim in PATH
# costs 0.4s a call, and cibxml.py runs after every transition
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}

cibxml() {
	"$PY" "$top_srcdir/tests/cluster/cibxml.py" "$@"
}

# agents_dir: $T_DIR/resource.d, a copy of the host's OCF agents in which
# ocf:vzha:* are the agents just built, whatever the host has installed.
agents_dir() {
	local a
	[ -d "$T_DIR/resource.d" ] && return 0
	mkdir "$T_DIR/resource.d" &&
		cp -a "$OCF_AGENTS/." "$T_DIR/resource.d/" || return 1
	rm -rf "$T_DIR/resource.d/vzha"
	mkdir "$T_DIR/resource.d/vzha" || return 1
	for a in vzfs openvz drbd; do
		[ -x "$top_builddir/$a" ] || return 1
		cp "$top_builddir/$a" "$T_DIR/resource.d/vzha/" || return 1
	done
}

# with_agents COMMAND...: runs COMMAND in a private mount namespace where
# $OCF_AGENTS is agents_dir's copy (a bind mount nobody else sees, gone
# with the namespace). Root only. crmsh and pcs read meta-data through
# crm_resource, which then finds the built agents as ocf:vzha:*.
# A new namespace starts with a copy of every mount of the host, other
# tests' loop and FUSE mounts among them: a copy keeps their device
# open, and ocf:vzha:vzfs, stopping, rightly kills whatever holds one.
# So the namespace drops those copies first (its umounts are its own).
with_agents() {
	agents_dir || return 1
	unshare -m --propagation private bash -c '
		findmnt -rn -o TARGET,SOURCE,FSTYPE | while read -r t s f; do
			case $s:$f in /dev/loop*:* | *:fuse*) printf "%b\n" "$t" ;; esac
		done | sort -r | while IFS= read -r t; do
			umount -l "$t" 2>/dev/null
		done
		mount --bind "$0" "$1" && shift && exec "$@"' \
		"$T_DIR/resource.d" "$OCF_AGENTS" "$@"
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
# Killed by a signal (a vzfs stop of another test that found this
# namespace in the instant before it dropped its copies), it runs again.
crm_load() {
	local try
	for try in 1 2; do
		out=$(CIB_file=$1 HOME=$T_DIR with_agents \
			crm -D plain configure load update "$2" 2>&1)
		rc=$?
		[ "$rc" -lt 128 ] && break
		diag "crm configure load update $2: killed by signal $((rc - 128))"
	done
	out=$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g')
}

# require_root_for_crmsh: crmsh logs to /var/log/crmsh (root's), and the
# agents reach it through a bind mount
require_root_for_crmsh() {
	[ "$(id -u)" = 0 ] ||
		skip_all "needs root: crmsh logs to /var/log/crmsh, and sees the built agents through a bind mount"
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
