# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the benchmarks in bench/ (sourced, bash): messages,
# the clock, medians, hyperfine's results, and the processes of one run
# under strace -f. A script sets BENCH, the prefix of its messages
# (vzfs-bench), and sources this file with `. "$here/lib.sh"`.

# die MESSAGE: MESSAGE on stderr, then exit 1
die() {
	echo "$BENCH: $*" >&2
	exit 1
}

# note MESSAGE: progress, on stderr
note() {
	echo "$BENCH: $*" >&2
}

# now_us VAR: the time in microseconds, into VAR. Bash's $EPOCHREALTIME
# (5.0+) reads the clock without forking; $(date +%s%N), or any $(...),
# would time a fork or an exec of its own with the agent's.
now_us() {
	local t
	if [ -n "${EPOCHREALTIME:-}" ]; then
		t=${EPOCHREALTIME/[.,]/}
		printf -v "$1" '%s' "${t#0}"
	else
		printf -v "$1" '%s' "$(($(date +%s%N) / 1000))"
	fi
}

# median: of the numbers on stdin, one a line
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) exit 1
		      if (NR % 2) print v[(NR + 1) / 2]
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# hf_ms JSON KEY: KEY ("median", "min") of the first command in
# hyperfine's --export-json file JSON, in ms with two decimals. Each
# run's "times" come later, without those keys.
hf_ms() {
	awk -F: -v key="\"$2\":" 'index($0, key) {
		gsub(/[ ,]/, "", $2); printf "%.2f\n", $2 * 1000; exit }' "$1"
}

# strace_procs OUT COMMAND...: runs COMMAND once under strace -f, writing
# its process-creating calls to OUT, for procs_count. COMMAND's output and
# exit code are the caller's.
strace_procs() {
	local out=$1
	shift
	strace -f -qq -e signal=none -e trace=execve,clone,clone3,fork,vfork \
		-o "$out" "$@"
}

# The awk program of procs_count (drbd-bench.sh also runs it in its
# guest, from a file): with strace -f a call can be split,
# "<unfinished ...>" then "<... NAME resumed>"; the flags come first, the
# result last. The END subtracts the exec of the traced command itself.
PROCS_AWK='
{ pid = $1 }
/ (execve|clone3?|v?fork)\(/ && / <unfinished \.\.\.>$/ {
	pend[pid] = $0; next }
/<\.\.\. (execve|clone3?|v?fork) resumed>/ {
	line = pend[pid] " " $0; delete pend[pid] }
!/<\.\.\. / { line = $0 }
line ~ /^[0-9]+ +execve\(/ && line ~ /= 0$/ { execs++ }
line ~ /^[0-9]+ +(clone3?|v?fork)\(/ && line ~ /= [1-9][0-9]*$/ &&
	line !~ /CLONE_THREAD/ { forks++ }
{ line = "" }
END { printf "%d %d\n", execs - 1, forks }
'

# procs_count STRACE: "EXECS FORKS" of one strace_procs run. EXECS counts
# successful execve() calls other than the traced command's own (a failed
# one, such as drbdadm's search of its PATH for drbdadm-84, is not a
# process); FORKS counts new processes (fork, vfork, clone and clone3
# without CLONE_THREAD).
procs_count() {
	awk "$PROCS_AWK" "$1"
}
