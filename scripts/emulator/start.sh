#!/usr/bin/env bash
# Start the moto AWS API emulator in the background on 127.0.0.1.
#
# Usage: scripts/emulator/start.sh [PORT]
#   PORT defaults to $FIXBRIDGE_MOTO_PORT, else 5055.
#
# Runs install.sh first (quick when already installed), starts
# moto_launcher.py with the interpreter recorded in .cache/moto/env, waits
# (at most $FIXBRIDGE_MOTO_START_TIMEOUT seconds, default 30) until it answers
# HTTP, then prints the endpoint URL (http://127.0.0.1:PORT) on stdout.
# Progress and errors go to stderr.
#
# Files: .cache/moto/server.pid, .cache/moto/server.port, .cache/moto/server.log.
# If the emulator started by this script is already running on PORT it is
# reused. Stop it with scripts/emulator/stop.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE="$ROOT/.cache/moto"
PID_FILE="$CACHE/server.pid"
PORT_FILE="$CACHE/server.port"
LOG_FILE="$CACHE/server.log"

HOST=127.0.0.1
PORT=${1:-${FIXBRIDGE_MOTO_PORT:-5055}}
TIMEOUT=${FIXBRIDGE_MOTO_START_TIMEOUT:-30}
URL="http://$HOST:$PORT"

log() { echo "emulator/start: $*" >&2; }
die() { echo "emulator/start: ERROR: $*" >&2; exit 1; }

case $PORT in
  '' | *[!0-9]*) die "port must be a number, got '$PORT'" ;;
esac

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# answers: something speaks HTTP on HOST:PORT (pure bash, no curl needed).
answers() {
  local line=
  { exec 3<>"/dev/tcp/$HOST/$PORT"; } 2>/dev/null || return 1
  printf 'GET /moto-api/ HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$HOST" "$PORT" >&3
  IFS= read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  [[ $line == HTTP/* ]]
}

# Reuse or refuse an already running emulator.
if [ -f "$PID_FILE" ]; then
  old_pid=$(cat "$PID_FILE")
  if is_ours "$old_pid"; then
    old_port=$(cat "$PORT_FILE" 2>/dev/null || echo '?')
    if [ "$old_port" = "$PORT" ] && answers; then
      log "already running (pid $old_pid)"
      echo "$URL"
      exit 0
    fi
    die "an emulator (pid $old_pid) is already running on port $old_port; run scripts/emulator/stop.sh first"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
fi
if answers; then
  die "port $PORT is already in use by another process; pass another port: start.sh PORT"
fi

"$HERE/install.sh"
# shellcheck source=/dev/null
. "$CACHE/env"

: >"$LOG_FILE"
PYTHONPATH="$MOTO_PYTHONPATH" nohup "$MOTO_PYTHON" "$HERE/moto_launcher.py" \
  -H "$HOST" -p "$PORT" >>"$LOG_FILE" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$PID_FILE"
echo "$PORT" >"$PORT_FILE"

deadline=$((SECONDS + TIMEOUT))
until answers; do
  if ! is_ours "$pid"; then
    rm -f "$PID_FILE" "$PORT_FILE"
    tail -n 20 "$LOG_FILE" >&2
    die "moto server exited during startup (log: $LOG_FILE)"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    kill "$pid" 2>/dev/null || true
    rm -f "$PID_FILE" "$PORT_FILE"
    tail -n 20 "$LOG_FILE" >&2
    die "moto server did not answer on $URL within ${TIMEOUT}s (log: $LOG_FILE)"
  fi
  sleep 0.2
done

log "moto $MOTO_VERSION ($MOTO_SOURCE) listening on $URL (pid $pid, log: .cache/moto/server.log)"
echo "$URL"
