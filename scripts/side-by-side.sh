#!/usr/bin/env bash
# Runs each argument as a bash command, all at once (the check's independent suites share the 2 cores), and
# prints each one's output once it has ended, in the order given, so that outputs never interleave. Exits
# non-zero when any command failed, after all have ended.
#
#   bash scripts/side-by-side.sh 'projen test' 'projen package-all && projen test:deploy'
set -uo pipefail

logs=$(mktemp -d)
pids=()
# Ctrl-C or a stopped CI job: end the commands this script started, and only those.
stop() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; done
  rm -rf "$logs"
  exit 130
}
trap stop INT TERM

set -m # each command in its own process group, so that stop() ends its children too
for i in $(seq 0 $(($# - 1))); do
  command=${@:$((i + 1)):1}
  (
    started=$SECONDS
    bash -c "$command" >"$logs/$i.log" 2>&1
    echo "$? $((SECONDS - started))" >"$logs/$i.status"
  ) &
  pids+=($!)
done
set +m

failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"
  command=${@:$((i + 1)):1}
  read -r status seconds <"$logs/$i.status"
  cat "$logs/$i.log"
  if [ "$status" -eq 0 ]; then
    printf '\n[side-by-side] ok in %dm%02ds: %s\n' $((seconds / 60)) $((seconds % 60)) "$command"
  else
    printf '\n[side-by-side] FAILED (exit %d) in %dm%02ds: %s\n' "$status" $((seconds / 60)) $((seconds % 60)) "$command" >&2
    failed=1
  fi
done
rm -rf "$logs"
exit "$failed"
