#!/bin/bash
# ocf:vzha:drbd against the DRBD 9 mode of tests/sim/drbd-sim: the seed's
# failure list of drbd-sim.sh, on a simulated DRBD 9.2 with drbd-utils 9.
DRBD_SIM_VERSION=9 exec bash "$(dirname "$0")/drbd-sim.sh" "$@"
