#!/bin/bash
# Pacemaker's own scheduler on crm-examples/: crm_simulate, no daemons.
# Each tests/cluster/scenarios/*.scn loads a configuration into an offline
# CIB, plays events (nodes booting, dying, monitors failing, DRBD scores
# changing) and asserts where every resource runs after each one.
#
# A scenario is read line by line ("#" starts a comment):
#   config: seed.crm          the crm-examples/ file (default seed.crm)
#   event: VERB ARGS          something happens; the cluster settles
#   failing: OPSPEC           during the next event, that operation fails
#   expect: ID ROLE [NODE]    after the event: a primitive, group or clone
#   action: PATTERN           the event ran an action matching PATTERN
#   no-action: PATTERN        ... and none matching this one
# The expectations after an event must name every resource but the fence
# devices (a group may stand for its members, a clone lists its running
# instances); they are one test point, and a failing one prints expected
# and actual placement side by side. Actions are "RES OP NODE",
# "fence NODE" and "shutdown NODE" (bash patterns: "fence *").
#
# Events:
#   cold-start                no node has ever been seen (the scenarios
#                             start with both cleanly down); the next
#                             event sees it, so expect nothing of this one
#   boot NODE...              the nodes join the cluster
#   lose NODE                 NODE stops answering: power cut, crash, or
#                             the link to it cut, as the other node sees
#                             it; with STONITH the other node fences it
#   shutdown NODE             an orderly shutdown: Pacemaker moves what
#                             runs there away, then the node leaves
#   score RES NODE=N...       the promotion score (node attribute
#                             master-RES) as ocf:vzha:drbd sets it:
#                             10000 UpToDate and connected or Primary,
#                             1000 UpToDate with the peer unknown, 10
#                             Consistent, none (removed) for Outdated,
#                             Inconsistent, Diskless or StandAlone
#   fail OPSPEC               an operation's result arrives, e.g. a
#                             monitor finding a container dead:
#                             p_ct_101_monitor_10000@deimos=7
#   cleanup RES NODE          crm resource cleanup RES NODE
#   quorum 0|1                the partition loses or gains quorum
#   set SECTION NAME VALUE    change an option the configuration sets:
#                             set rsc_defaults resource-stickiness 200
#   drbd-fence-peer RES NODE  NODE's fence-peer handler
#                             (crm-fence-peer.9.sh) places its constraint
#                             for DRBD resource RES
#   drbd-unfence-peer RES     the after-resync-target handler
#                             (crm-unfence-peer.9.sh) removes it
#   save NAME, restore NAME   keep the state, go back to it (two halves
#                             of a split cluster, each on its own)
#   settle                    run the scheduler until nothing is left
# A node that leaves loses its transient attributes (promotion scores,
# fail counts), as in a real cluster.
. "$(dirname "$0")/lib.sh"
require_root_for_crmsh
require_cmd crm_simulate crm_attribute cibadmin crm xmllint "$PY"
require_built_agents
t_init

SCENARIOS=${SCENARIOS:-$top_srcdir/tests/cluster/scenarios}
MAX_TRANSITIONS=10

# ---------------------------------------------------------------- CIBs

# base_cib CONFIG: crm-examples/CONFIG in a CIB, nodes cleanly down, in
# $BASE; built once per configuration.
base_cib() {
	BASE=$T_DIR/base-$1.xml
	[ -f "$BASE" ] && return 0
	cib_new "$T_DIR/load.xml" || return 1
	crm_load "$T_DIR/load.xml" "$CRM_EXAMPLES/$1"
	if [ "$rc" != 0 ]; then
		diag "crm configure load update $1 failed ($rc):" "$out"
		return 1
	fi
	cib_down "$T_DIR/load.xml" "$BASE"
}

# ---------------------------------------------------------------- events

CUR=        # the scenario's CIB
SIM=        # crm_simulate's XML output of the last transition
FAILING=()  # -F OPSPEC for the next event
STEP_ACTIONS=

# settle [CRM_SIMULATE OPTIONS...]: transitions until there is nothing
# left to do (or only a node waiting to shut down), the options applied
# to the first; each transition's actions go to $STEP_ACTIONS.
settle() {
	local i acts=$T_DIR/actions
	for ((i = 0; i < MAX_TRANSITIONS; i++)); do
		if ! crm_simulate -x "$CUR" -S -O "$CUR" --output-as=xml \
			"$@" "${FAILING[@]}" >"$SIM" 2>"$T_DIR/sim.err"; then
			EVENT_ERROR="crm_simulate failed: $(cat "$T_DIR/sim.err")
$(grep -o '<error>.*</error>' "$SIM")"
			return 1
		fi
		cibxml actions "$SIM" >"$acts" || return 1
		cat "$acts" >>"$STEP_ACTIONS"
		grep -qv '^shutdown ' "$acts" || return 0
		set --
	done
	EVENT_ERROR="still scheduling actions after $MAX_TRANSITIONS transitions"
	return 1
}

cib() {
	CIB_file=$CUR "$@"
}

# forget NODE: what the cluster forgets of a node that leaves
forget() {
	cib cibadmin --force --delete-all \
		--xpath "//node_state[@uname='$1']/transient_attributes" \
		>/dev/null 2>&1
	return 0
}

# the clone of the ocf:vzha:drbd primitive for DRBD resource $1
drbd_clone() {
	xmllint --xpath "string(//clone[primitive/instance_attributes/nvpair[@name='drbd_resource' and @value='$1']]/@id)" "$CUR"
}

event() {
	local verb=$1 a=() n v rsc clone
	shift
	case $verb in
	cold-start)
		# no transition: crm_simulate would record both nodes as
		# cleanly down
		cib cibadmin --force --delete-all --xpath "//node_state" >/dev/null 2>&1
		;;
	boot)
		for n; do a+=(-u "$n"); done
		settle "${a[@]}" ;;
	lose)
		settle -f "$1" && forget "$1" && settle ;;
	shutdown)
		cib crm_attribute -N "$1" -n shutdown -v "$(date +%s)" -l reboot &&
			settle && settle -d "$1" && forget "$1" && settle ;;
	score)
		rsc=$1
		shift
		for n; do
			v=${n#*=}
			n=${n%%=*}
			if [ "$v" = none ]; then
				cib crm_attribute -N "$n" -n "master-$rsc" -l reboot -D
			else
				cib crm_attribute -N "$n" -n "master-$rsc" -l reboot -v "$v"
			fi >/dev/null || return 1
		done
		settle ;;
	fail)
		settle -i "$1" ;;
	cleanup)
		# crm_resource --cleanup needs the controller (and crashes
		# on a CIB file in 2.1.5): drop what it drops, the operation
		# history (the node is probed again) and the fail counts;
		# either may be absent
		cib cibadmin --force --delete-all --xpath "//node_state[@uname='$2']//lrm_resource[@id='$1']" >/dev/null 2>&1
		cib cibadmin --force --delete-all --xpath "//node_state[@uname='$2']//nvpair[starts-with(@name,'fail-count-$1#') or starts-with(@name,'last-failure-$1#')]" >/dev/null 2>&1
		settle ;;
	quorum)
		cib cibadmin -M -X "<cib have-quorum=\"$1\"/>" && settle ;;
	set)
		# crm_attribute -t rsc_defaults wants a local node name in
		# 2.1.5 ("Could not map name=... to a UUID"): change the
		# nvpair the configuration has, by its id
		v=$(xmllint --xpath "string(//$1//nvpair[@name='$2']/@id)" "$CUR")
		[ -n "$v" ] || { EVENT_ERROR="no $2 in $1"; return 1; }
		cib cibadmin -M -X "<nvpair id=\"$v\" value=\"$3\"/>" && settle ;;
	drbd-fence-peer)
		# exactly what setup_new_constraint() of drbd-utils 9.22's
		# crm-fence-peer.9.sh writes on DRBD 8.4 (one peer): its
		# default role name is still Master
		clone=$(drbd_clone "$1")
		[ -n "$clone" ] || return 1
		v=drbd-fence-by-handler-$1
		cib cibadmin -C -o constraints -X "<rsc_location rsc=\"$clone\" id=\"$v-$clone\">
 <rule role=\"Master\" score=\"-INFINITY\" id=\"$v-rule-$clone\">
  <expression attribute=\"#uname\" operation=\"ne\" value=\"$2\" id=\"$v-expr-0-$clone\"/>
 </rule>
</rsc_location>" && settle ;;
	drbd-unfence-peer)
		clone=$(drbd_clone "$1")
		cib cibadmin -D --xpath "//rsc_location[@id='drbd-fence-by-handler-$1-$clone']" &&
			settle ;;
	save)
		cp "$CUR" "$T_DIR/saved-$1.xml" ;;
	restore)
		# no transition here either (a cold start must stay cold):
		# only the status to check expectations against
		cp "$T_DIR/saved-$1.xml" "$CUR" &&
			crm_simulate -x "$CUR" -S --output-as=xml >"$SIM" 2>&1 ;;
	settle)
		settle ;;
	*)
		EVENT_ERROR="unknown event $verb"
		return 1 ;;
	esac
}

# ---------------------------------------------------------------- checks

SCN=      # the scenario's name
STEP=     # the last event
EXPECTS=()
ACTIONS=()
NO_ACTIONS=()
STEP_OK=true

# one test point for the last event, if anything was expected of it
finish_step() {
	local p a hit notes=()
	if $STEP_OK && [ ${#EXPECTS[@]} -eq 0 ] && [ ${#ACTIONS[@]} -eq 0 ] &&
		[ ${#NO_ACTIONS[@]} -eq 0 ]; then
		return 0
	fi
	if ! $STEP_OK; then
		not_ok "$SCN: $STEP: ${EVENT_ERROR:-the event failed}"
	else
		if [ ${#EXPECTS[@]} -gt 0 ]; then
			printf '%s\n' "${EXPECTS[@]}" >"$T_DIR/expected"
			cibxml check "$SIM" "$T_DIR/expected" >"$T_DIR/cmp" ||
				notes+=("placement:" "$(cat "$T_DIR/cmp")")
		fi
		for p in "${ACTIONS[@]}"; do
			hit=false
			while read -r a; do
				# shellcheck disable=SC2053 # $p is a pattern
				[[ $a == $p ]] && hit=true
			done <"$STEP_ACTIONS"
			$hit || notes+=("no action matched: $p")
		done
		for p in "${NO_ACTIONS[@]}"; do
			while read -r a; do
				# shellcheck disable=SC2053 # $p is a pattern
				[[ $a == $p ]] && notes+=("unexpected action: $a")
			done <"$STEP_ACTIONS"
		done
		if [ ${#notes[@]} -eq 0 ]; then
			ok "$SCN: $STEP"
		else
			not_ok "$SCN: $STEP"
			diag "${notes[@]}"
			[ ${#ACTIONS[@]} -gt 0 ] || [ ${#NO_ACTIONS[@]} -gt 0 ] &&
				diag "actions:" "$(sed 's/^/  /' "$STEP_ACTIONS")"
		fi
	fi
	EXPECTS=() ACTIONS=() NO_ACTIONS=() STEP_OK=true
}

# ---------------------------------------------------------------- scenarios

run_scenario() {
	local file=$1 line key val words n=0 config=seed.crm started=false
	SCN=$(basename "$file" .scn)
	CUR=$T_DIR/$SCN.xml SIM=$T_DIR/$SCN.sim.xml
	STEP_ACTIONS=$T_DIR/$SCN.actions
	STEP='' FAILING=() EXPECTS=() ACTIONS=() NO_ACTIONS=() STEP_OK=true
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%%#*}
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		key=${line%%:*}
		read -r -a words <<<"${line#*:}"
		val=${words[*]} # single spaces
		case $key in
		config)
			config=$val ;;
		event)
			finish_step
			if ! $started; then
				base_cib "$config" || {
					not_ok "$SCN: cannot load $config"
					return
				}
				cp "$BASE" "$CUR"
				started=true
			fi
			STEP=$val EVENT_ERROR=''
			: >"$STEP_ACTIONS"
			event "${words[@]}" || STEP_OK=false
			FAILING=() ;;
		failing)
			FAILING+=(-F "$val") ;;
		expect)
			EXPECTS+=("$val") ;;
		action)
			ACTIONS+=("$val") ;;
		no-action)
			NO_ACTIONS+=("$val") ;;
		*)
			not_ok "$SCN: line $n: unknown keyword '$key'" ;;
		esac
	done <"$file"
	finish_step
}

found=false
for f in "$SCENARIOS"/*.scn; do
	[ -f "$f" ] || continue
	found=true
	run_scenario "$f"
done
$found || not_ok "no scenarios in $SCENARIOS"
