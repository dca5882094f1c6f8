#!/usr/bin/env bash
# Stop the moto AWS API emulator started by scripts/emulator/start.sh.
# Sends SIGTERM to the PID in .cache/moto/server.pid (SIGKILL after 5s).
# Succeeds if nothing is running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="$ROOT/.cache/moto"
PID_FILE="$CACHE/server.pid"
PORT_FILE="$CACHE/server.port"

log() { echo "emulator/stop: $*" >&2; }

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ ! -f "$PID_FILE" ]; then
  log "not running (no .cache/moto/server.pid)"
  exit 0
fi

pid=$(cat "$PID_FILE")
if is_ours "$pid"; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    is_ours "$pid" || break
    sleep 0.1
  done
  if is_ours "$pid"; then
    log "pid $pid ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  log "stopped (pid $pid)"
else
  log "not running (stale pid file for pid $pid)"
fi
rm -f "$PID_FILE" "$PORT_FILE"
