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

# is_ours PID: PID is a live (not zombie) moto_launcher.py process.
is_ours() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/cmdline" ] || return 0 # no /proc: trust kill -0
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ "$state" != Z ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q moto_launcher.py
}

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
