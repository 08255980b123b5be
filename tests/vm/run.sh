#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/run.sh [-t SECONDS] NAME CMD...   (or NAME - < script)
# Runs CMD with bash as root in guest NAME; prints its stdout and stderr
# and exits with its exit code (124: timed out, 125: guest not running).
. "$(dirname "$0")/lib.sh" || exit 1
[ $# -ge 2 ] || { echo "usage: $0 [-t SECONDS] deimos|phobos CMD..." >&2; exit 2; }
vm_run "$@"
