#!/usr/bin/env bash
# Runs every fuzz target of the given workspace modules for FUZZTIME each (make fuzz).
#
# A target fails when the fuzzer wrote a failing input to testdata/fuzz/<target>/.
# Go 1.26's fuzz coordinator can also end a clean run with "context deadline
# exceeded" as -fuzztime runs out (go.dev/issue/75804, fixed in Go 1.27); such a run
# wrote no input and is reported as that race, not as a failure.
set -uo pipefail
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
failed=0 raced=0 ran=0

corpus() { ls -1 "$1" 2>/dev/null | sort; }

for mod in "$@"; do
  for dir in $(cd "$mod" && "$GO" list -f '{{.Dir}}' ./...); do
    for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
      echo "fuzz $dir $target"
      before=$(corpus "$dir/testdata/fuzz/$target")
      out=$(cd "$dir" && "$GO" test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" . 2>&1)
      rc=$?
      ran=$((ran + 1))
      echo "$out" | grep -v '^fuzz: elapsed'
      ((rc == 0)) && continue
      added=$(comm -13 <(echo "$before") <(corpus "$dir/testdata/fuzz/$target"))
      if [[ -z "$added" ]] && grep -q 'context deadline exceeded' <<<"$out"; then
        echo "fuzz $target: the Go fuzz coordinator's end-of-run race (go.dev/issue/75804), no failing input; not a failure"
        raced=$((raced + 1))
        continue
      fi
      echo "fuzz $target: FAILED${added:+, failing input: $dir/testdata/fuzz/$target/$added}"
      failed=$((failed + 1))
    done
  done
done

echo "fuzz: $ran targets, $failed failed, $raced ended by the coordinator race"
((ran > 0)) || { echo "fuzz: no fuzz target found"; exit 1; }
((failed == 0))
