#!/usr/bin/env bash
# Measures the README's quick start as a new user meets it: a fresh clone of this repository (its
# committed HEAD), `npm install`, then the game day `npx sirs start ssh-open-to-world --autopilot`,
# answered `y` at the confirmation through a pseudo-terminal (util-linux `script`), as a person would.
# Then `npm install` once more with nothing changed (the incremental build).
#
#   npm run quick-start-timing            prints the times and writes bench-results/quick-start.json
#
# The npm cache of the machine is used as it is: on a machine that has never installed these packages,
# add the download time of ~230 MB of node_modules.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

git clone -q "$repo" "$work/sirs"
cd "$work/sirs"

t0=$(seconds)
npm install --no-audit --no-fund >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
t1=$(seconds)
# `script` gives sirs a terminal, so it asks for confirmation as it does for a person; `y` answers it.
printf 'y\n' | script -qefc "npx sirs start ssh-open-to-world --autopilot" "$work/game-day.log" >/dev/null
t2=$(seconds)
npm install --no-audit --no-fund >"$work/reinstall.log" 2>&1
t3=$(seconds)

grep -q "Score" "$work/game-day.log" || { echo "the game day did not end with a score:" >&2; tail -20 "$work/game-day.log" >&2; exit 1; }

install=$(elapsed "$t0" "$t1")
game_day=$(elapsed "$t1" "$t2")
reinstall=$(elapsed "$t2" "$t3")
total=$(elapsed "$t0" "$t2")
printf 'fresh clone of %s\n' "$(git -C "$repo" rev-parse --short HEAD)"
printf '  npm install (and build)      %6ss\n' "$install"
printf '  sirs start --autopilot       %6ss\n' "$game_day"
printf '  quick start, total           %6ss\n' "$total"
printf '  npm install again, no change %6ss\n' "$reinstall"
mkdir -p "$repo/bench-results"
printf '{"commit":"%s","installSeconds":%s,"gameDaySeconds":%s,"totalSeconds":%s,"reinstallSeconds":%s,"node":"%s","cpus":%s}\n' \
  "$(git -C "$repo" rev-parse HEAD)" "$install" "$game_day" "$total" "$reinstall" "$(node --version)" "$(nproc)" \
  >"$repo/bench-results/quick-start.json"
