#!/bin/sh
# The systemd unit users deploy (docs/deploy/systemd/rewardgw.service): systemd reads it without a complaint
# (an unknown or misspelt key is only a warning to it, so any output fails here), and its exposure by
# `systemd-analyze security` stays at or below 1.5 ("OK"). $1: the built rewardgw, standing in for the installed one.
set -eu
unit_dir=$(mktemp -d)
trap 'rm -rf "$unit_dir"' EXIT
sed "s|/usr/local/bin/rewardgw|$1|" "$(dirname "$0")/../../docs/deploy/systemd/rewardgw.service" > "$unit_dir/rewardgw.service"
complaints=$(systemd-analyze verify "$unit_dir/rewardgw.service" 2>&1)
if [ -n "$complaints" ]; then
  echo "$complaints"
  exit 1
fi
systemd-analyze security --offline=yes --threshold=15 "$unit_dir/rewardgw.service" | tail -1
