#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/cluster/netns/fence-relay.sh: the host side of fence_vzha_ns.
# Started in the background by up.sh (pid in $STATE/relay.pid, log
# $STATE/relay.log), stopped by down.sh. Polls $STATE/fence/*.req every
# 50 ms and answers one request at a time, in $ID.done:
#   off     SIGKILL the target's namespace init (a power cut), wait until
#           it is gone: "ok"
#   reboot  the same, then boot the node again (up.sh --node) unless
#           $STATE/reboot says "off": then reboot is off
#   on      boot the node if it is down
# A request whose requester has died since it was written (a fence race
# after a split: the first request wins, the loser is dead by now) or was
# written by an earlier life of the requester is refused.
set -u
. "$(dirname "$0")/lib.sh"
D=$STATE/fence
mkdir -p "$D"
echo $$ >"$STATE/relay.pid"
exec >>"$STATE/relay.log" 2>&1
log "relay up, pid $$"
trap 'exit 0' TERM INT

boot() {
	setsid "$CL_DIR/up.sh" --node "$1" </dev/null >>"$STATE/relay.log" 2>&1 &
	echo $! >"$STATE/relay-boot.pid"
}

# answer TARGET ACTION FROM ID: prints the result
answer() {
	local target=$1 action=$2 from=$3 id=$4 p boot_ns
	if [ -n "$from" ] && [ -d "$STATE/nodes/$from" ]; then
		node_alive "$from" || { echo "fail: requester $from is dead"; return; }
		boot_ns=$(cat "$STATE/nodes/$from/boot.ns" 2>/dev/null)
		[ -n "$boot_ns" ] && [ "${id%%-*}" -lt "$boot_ns" ] &&
			{ echo "fail: request from an earlier life of $from"; return; }
	fi
	[ -d "$STATE/nodes/$target" ] || { echo "fail: unknown node $target"; return; }
	case $action in
	off | reboot)
		p=$(node_pid "$target")
		rm -f "$D/$target.up"
		if pid_is "$p" node-init; then
			kill -KILL "$p"
			for _ in $(seq 1 250); do
				pid_alive "$p" || break
				sleep 0.02
			done
			pid_alive "$p" && { echo "fail: $target still alive"; return; }
		fi
		if [ "$action" = reboot ] &&
			[ "$(cat "$STATE/reboot" 2>/dev/null)" != off ]; then
			boot "$target"
		fi
		;;
	on) node_alive "$target" || boot "$target" ;;
	*) echo "fail: unknown action $action"; return ;;
	esac
	echo ok
}

while :; do
	for req in "$D"/*.req; do
		[ -e "$req" ] || continue
		id=$(basename "$req" .req)
		read -r target action from <"$req"
		rm -f "$req"
		res=$(answer "$target" "$action" "${from:-}" "$id")
		echo "$res" >"$D/.$id.done" && mv "$D/.$id.done" "$D/$id.done"
		log "fence $action $target (from ${from:-?}): $res"
	done
	sleep 0.05
done
