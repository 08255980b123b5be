#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/boot.sh NAME [--fresh] -- boot guest deimos (10.99.0.1) or phobos
# (10.99.0.2) and wait until it answers tests/vm/run.sh (see lib.sh).
# Its disk ($VZHA_VM_CACHE/run/NAME/disk.raw) is kept across boots unless
# --fresh. Prepares the cache first if needed. Root only.
. "$(dirname "$0")/lib.sh" || exit 1
[ $# -ge 1 ] || { echo "usage: $0 deimos|phobos [--fresh]" >&2; exit 2; }
vm_index "$1" >/dev/null || exit 2
vm_prepare && vm_boot "$@"
