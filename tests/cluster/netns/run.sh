#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/run.sh NODE CMD [ARG...]: runs a command inside a
# cluster node (its network, mount, PID, UTS and IPC namespaces) as root.
# A single argument is a shell command line. Exit status: the command's;
# 125 when the node is not running.
#   run.sh deimos crm_mon -1
#   run.sh phobos 'grep /Data /proc/mounts; lxc-info -P /Data/apps/lxc -n 102'
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || { sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
node_run "$@"
