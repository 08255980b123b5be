# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/tap.sh -- sourced by the VM tier's TAP tests after lib.sh: test
# points (ok, not_ok, t, waitfor), diagnostics (diag, show, step), running
# in guests so that a signal still cleans up at once (capture, on), and
# the common start: root, a prepared cache, QEMU, the cleanup trap. A
# test that cannot run here says so (1..0 # SKIP) and exits.
# shellcheck disable=SC2034 # N, FAILED, TMP are the sourcing test's

N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
skip_all() { echo "1..0 # SKIP $*"; echo "SKIPPED: $*" >&2; trap - EXIT; exit 0; }

T0=$SECONDS
TS=$SECONDS
step() { diag "[$((SECONDS - T0)) s | +$((SECONDS - TS)) s] $*"; TS=$SECONDS; }

# capture CMD...: run CMD with its output (stdout+stderr) in $out. In the
# background, so that a signal runs the cleanup at once, not only after a
# long wait in a guest has finished.
capture() {
	local rc
	"$@" >"$TMP/out" 2>&1 &
	wait $!
	rc=$?
	out=$(<"$TMP/out")
	return $rc
}
# on NAME CMD: run CMD in guest NAME
on() { capture vm_run "$@"; }
# t DESC NAME CMD: one test point, CMD in NAME must succeed
t() {
	local desc=$1 rc
	shift
	on "$@"
	rc=$?
	[ $rc = 0 ] && { ok "$desc"; return 0; }
	not_ok "$desc (rc $rc)"
	diag "$out"
	return 1
}
# show NAME LABEL: /proc/drbd of NAME into the diagnostics
show() {
	capture vm_run "$1" 'cat /proc/drbd'
	diag "$1 /proc/drbd ($2):" "$out" | sed '/^# version:\|^# srcversion:/d'
}
# waitfor DESC NAME SEC ERE [N]: test point, N lines of /proc/drbd match
waitfor() {
	local desc=$1 t=$SECONDS
	shift
	if capture vm_wait "$@"; then
		ok "$desc ($((SECONDS - t)) s)"
	else
		not_ok "$desc: not within $2 s"
		diag "$out"
		return 1
	fi
}
bail() {
	echo "Bail out! $*"
	exit 1
}

cleanup() {
	local rc=$?
	set +e
	if [ "$FAILED" -gt 0 ] || [ $rc != 0 ]; then
		for n in "${VM_NAMES[@]}"; do
			[ -f "$VM_RUN/$n/console.log" ] || continue
			diag "console of $n (last lines):"
			tail -n 15 "$VM_RUN/$n/console.log" | sed 's/^/# /'
		done
	fi
	if [ "${VZHA_VM_KEEP:-0}" = 1 ]; then
		diag "guests kept (VZHA_VM_KEEP=1): tests/vm/down.sh removes them"
	else
		vm_down
	fi
	step "torn down"
	rm -rf "$TMP"
	echo "1..$N"
	[ "$FAILED" -gt 0 ] && rc=1
	exit $rc
}

[ "$(id -u)" = 0 ] || skip_all "needs root (QEMU exports / over 9p, apt-get)"
# before anything touches the run state; held until this test exits
vm_lock || { echo "Bail out! the guests stay busy with another run (lock $VM_CACHE/run.lock)"; exit 1; }
plog=$(mktemp)
if ! vm_prepare >"$plog" 2>&1; then
	reason=$(tail -n 1 "$plog")
	rm -f "$plog"
	skip_all "cannot prepare the VM cache: $reason"
fi
rm -f "$plog"
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 missing"
qemu-system-x86_64 -accel help 2>/dev/null | grep -qx "$VM_ACCEL" ||
	skip_all "this QEMU has no $VM_ACCEL accelerator"
TMP=$(mktemp -d)
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
step "cache ready ($VM_CACHE, accel $VM_ACCEL)"
