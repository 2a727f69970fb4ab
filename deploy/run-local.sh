#!/usr/bin/env bash
# Starts opend-sim and every service as separate processes on loopback, with the same
# flags and env names docker-compose.yml uses. Ctrl-C (or SIGTERM) stops them all.
set -euo pipefail

BIN=${BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
LOG_DIR=${LOG_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.run/logs}
mkdir -p "$LOG_DIR"

export OPEND_ADDR=${OPEND_ADDR:-127.0.0.1:11111}
pids=()

start() { # name, then the command line
  local name=$1; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  printf '  %-10s pid %-7s log %s\n' "$name" "$!" "$LOG_DIR/$name.log"
}

stop() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "all stopped"
}
trap stop INT TERM EXIT

echo "starting futugw (logs in $LOG_DIR):"
if [[ "$OPEND_ADDR" == 127.0.0.1:11111 ]]; then
  start opend-sim "$BIN/opend-sim" -addr 127.0.0.1:11111 -admin-addr 127.0.0.1:9111
fi
start auth  "$BIN/auth"  -grpc-addr 127.0.0.1:50051 -admin-addr 127.0.0.1:9101
start quote "$BIN/quote" -grpc-addr 127.0.0.1:50052 -admin-addr 127.0.0.1:9102 -opend-addr "$OPEND_ADDR"
start order "$BIN/order" -grpc-addr 127.0.0.1:50053 -admin-addr 127.0.0.1:9103 -opend-addr "$OPEND_ADDR"
start edge  "$BIN/edge"  -http-addr 127.0.0.1:22222

wait_ready() { # name, url
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then echo "  $1 ready"; return 0; fi
    sleep 0.1
  done
  echo "  $1 did not become ready; see $LOG_DIR/$1.log" >&2
  return 1
}
wait_ready auth  http://127.0.0.1:9101/readyz
wait_ready quote http://127.0.0.1:9102/readyz
wait_ready order http://127.0.0.1:9103/readyz
wait_ready edge  http://127.0.0.1:22222/readyz

echo
echo "panel:  http://localhost:22222"
echo "press Ctrl-C to stop"
wait -n "${pids[@]}" || true
echo "a process exited; see $LOG_DIR"
