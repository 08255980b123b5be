#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/down.sh [NAME...] -- with names: power those guests off (QMP
# quit, then SIGTERM/SIGKILL by the pid in their pid file), keeping their
# disks. Without: stop both and remove the run state ($VZHA_VM_CACHE/run:
# disks, consoles, FIFOs). The kernel and initramfs cache is never touched.
. "$(dirname "$0")/lib.sh" || exit 1
if [ $# -eq 0 ]; then
	vm_down
else
	for n; do vm_index "$n" >/dev/null && vm_kill "$n"; done
fi
