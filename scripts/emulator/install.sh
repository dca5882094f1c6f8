#!/usr/bin/env bash
# Make a Python that can run the moto AWS API emulator available, and record
# it in .cache/moto/env (a small shell file sourced by start.sh).
#
# Which Python runs moto, first match wins:
#   1. $FIXBRIDGE_MOTO_PYTHON, if set. It must already import moto (>= 5),
#      flask and flask_cors; otherwise this script fails.
#   2. The first `python3` on PATH, if it imports moto (>= 5), flask and
#      flask_cors. Skipped when FIXBRIDGE_MOTO_FROM_DEB=1.
#   3. "deb": Debian 13 (trixie)'s pure-Python python3-moto and its pure-Python
#      dependencies, fetched with `apt-get download` through a private apt
#      state in .cache/moto/apt (the system's apt sources are not touched),
#      unpacked with `dpkg -x` into .cache/moto/root, and run on the system
#      Python (/usr/bin/python3) with the system's own compiled
#      python3-cryptography, python3-markupsafe and python3-yaml (installed
#      with apt-get if missing; this needs root or sudo).
#
# Idempotent: a finished deb install is reused (checked by importing it).
#
# Environment:
#   FIXBRIDGE_MOTO_PYTHON      interpreter to use as-is (case 1)
#   FIXBRIDGE_MOTO_FROM_DEB=1  force case 3 even if python3 has moto
#   FIXBRIDGE_DEBIAN_MIRROR    Debian mirror (default http://deb.debian.org/debian)
#
# Output: progress on stderr; details of apt runs in .cache/moto/install.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="$ROOT/.cache/moto"
ENV_FILE="$CACHE/env"
LOG="$CACHE/install.log"
DEB_ROOT="$CACHE/root"
DEB_SITE="$DEB_ROOT/usr/lib/python3/dist-packages"
APT_DIR="$CACHE/apt"
APT_OPTS=() # apt-get options for the private trixie apt state (set below)

SYSTEM_PYTHON=/usr/bin/python3
MIRROR=${FIXBRIDGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
TRIXIE_KEY=/usr/share/keyrings/debian-archive-trixie-stable.gpg

# Compiled modules: the system's own Debian packages (built for its Python).
SYSTEM_DEBS=(python3 python3-cryptography python3-markupsafe python3-yaml)
# Pure-Python ("Architecture: all") packages taken from trixie: moto, the
# server extras (flask, flask-cors) and the rest of moto's dependency closure.
TRIXIE_DEBS=(
  python3-moto python3-flask-cors python3-flask python3-werkzeug
  python3-jinja2 python3-itsdangerous python3-click python3-blinker
  python3-boto3 python3-botocore python3-s3transfer python3-jmespath
  python3-dateutil python3-six python3-urllib3 python3-requests
  python3-idna python3-certifi python3-chardet python3-responses
  python3-xmltodict python3-jsonpath-ng python3-ply
)

log() { echo "emulator/install: $*" >&2; }
die() { echo "emulator/install: ERROR: $*" >&2; exit 1; }

# moto_probe PYTHON PYTHONPATH -> prints "MOTO_VERSION SYS_EXECUTABLE" when
# PYTHON (with that PYTHONPATH) can run moto's server; fails otherwise.
moto_probe() {
  PYTHONPATH="$2" "$1" -c '
import sys
import moto, moto.server, flask, flask_cors, jsonpath_ng  # jsonpath_ng: EventBridge rules with targets
if int(moto.__version__.split(".")[0]) < 5:
    sys.exit(1)
print(moto.__version__, sys.executable)
' 2>/dev/null
}

# write_env SOURCE PYTHON PYTHONPATH VERSION
write_env() {
  local tmp="$ENV_FILE.tmp.$$"
  {
    echo "# Written by scripts/emulator/install.sh; sourced by start.sh."
    printf 'MOTO_SOURCE=%q\n' "$1"
    printf 'MOTO_PYTHON=%q\n' "$2"
    printf 'MOTO_PYTHONPATH=%q\n' "$3"
    printf 'MOTO_VERSION=%q\n' "$4"
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "need root or sudo to run: $*" >&2
    return 1
  fi
}

# run_logged DESCRIPTION CMD... : run quietly, show the log tail on failure.
run_logged() {
  local what=$1
  shift
  echo "+ $*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    tail -n 15 "$LOG" >&2
    die "$what failed (full log: $LOG)"
  fi
}

system_apt_updated=0
system_apt_update() {
  if [ "$system_apt_updated" = 0 ]; then
    run_logged "apt-get update" as_root apt-get update -qq
    system_apt_updated=1
  fi
}

ensure_system_packages() {
  local missing=() p
  for p in "${SYSTEM_DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    system_apt_update
    run_logged "apt-get install ${missing[*]}" as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  [ -x "$SYSTEM_PYTHON" ] || die "$SYSTEM_PYTHON not found after installing python3"
}

ensure_trixie_key() {
  [ -f "$TRIXIE_KEY" ] && return 0
  # Debian 12's debian-archive-keyring gained the trixie keys in a stable
  # update (2023.3+deb12u2); older images need that update.
  log "updating debian-archive-keyring (trixie signing keys missing)"
  system_apt_update
  run_logged "apt-get install debian-archive-keyring" as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends debian-archive-keyring
  [ -f "$TRIXIE_KEY" ] || die "no trixie signing key in $KEYRING even after updating debian-archive-keyring"
}

# apt-get download writes into the current directory; subshell keeps our cwd.
download_trixie_debs() (
  cd "$APT_DIR/debs"
  apt-get "${APT_OPTS[@]}" download "${TRIXIE_DEBS[@]}"
)

install_from_deb() {
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    die "the deb install path needs a Debian system (apt-get, dpkg); set FIXBRIDGE_MOTO_PYTHON to a Python with moto>=5, flask, flask_cors instead"
  fi

  local stamp="$DEB_ROOT/.fixbridge-complete" want="$SUITE ${TRIXIE_DEBS[*]}" info
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$SYSTEM_PYTHON" ] &&
    info=$(moto_probe "$SYSTEM_PYTHON" "$DEB_SITE"); then
    log "using moto ${info%% *} already unpacked in .cache/moto/root (Debian $SUITE), on $SYSTEM_PYTHON"
    write_env deb "$SYSTEM_PYTHON" "$DEB_SITE" "${info%% *}"
    return 0
  fi

  : >"$LOG"
  ensure_system_packages
  ensure_trixie_key

  log "fetching Debian $SUITE python3-moto and its pure-Python deps (private apt state in .cache/moto/apt)"
  rm -rf "$APT_DIR"
  mkdir -p "$APT_DIR/state/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/debs"
  echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APT_DIR/sources.list"
  APT_OPTS=(
    -qq
    -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::Etc::Preferences=/dev/null"
    -o "Dir::Etc::PreferencesParts=/dev/null"
    -o "Dir::State=$APT_DIR/state"
    -o "Dir::State::status=/dev/null"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=root"
  )
  run_logged "apt-get update ($SUITE, private state)" apt-get "${APT_OPTS[@]}" update
  run_logged "apt-get download (${TRIXIE_DEBS[*]})" download_trixie_debs

  local staging="$DEB_ROOT.new" deb
  rm -rf "$staging"
  mkdir -p "$staging"
  for deb in "$APT_DIR"/debs/*.deb; do
    run_logged "dpkg -x $(basename "$deb")" dpkg -x "$deb" "$staging"
  done
  rm -rf "${staging:?}/usr/share" # docs and man pages only
  rm -rf "$DEB_ROOT"
  mv "$staging" "$DEB_ROOT"
  rm -rf "$APT_DIR"

  info=$(moto_probe "$SYSTEM_PYTHON" "$DEB_SITE") || {
    PYTHONPATH="$DEB_SITE" "$SYSTEM_PYTHON" -c 'import moto.server, flask_cors' >&2 || true
    die "Debian $SUITE moto does not import on $SYSTEM_PYTHON (see the error above)"
  }
  echo "$want" >"$stamp"
  log "installed moto ${info%% *} from Debian $SUITE into .cache/moto/root, on $SYSTEM_PYTHON"
  write_env deb "$SYSTEM_PYTHON" "$DEB_SITE" "${info%% *}"
}

main() {
  mkdir -p "$CACHE"
  # Serialise concurrent installs (e.g. parallel test workers calling start.sh).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/install.lock"
    flock 9
  fi

  local info
  if [ -n "${FIXBRIDGE_MOTO_PYTHON:-}" ]; then
    info=$(moto_probe "$FIXBRIDGE_MOTO_PYTHON" "${PYTHONPATH:-}") ||
      die "FIXBRIDGE_MOTO_PYTHON=$FIXBRIDGE_MOTO_PYTHON cannot import moto>=5, flask, flask_cors and jsonpath_ng"
    log "using moto ${info%% *} from FIXBRIDGE_MOTO_PYTHON (${info#* })"
    write_env explicit "${info#* }" "${PYTHONPATH:-}" "${info%% *}"
  elif [ "${FIXBRIDGE_MOTO_FROM_DEB:-0}" != 1 ] && command -v python3 >/dev/null 2>&1 &&
    info=$(moto_probe python3 "${PYTHONPATH:-}"); then
    log "using moto ${info%% *} from python3 on PATH (${info#* })"
    write_env path "${info#* }" "${PYTHONPATH:-}" "${info%% *}"
  else
    install_from_deb
  fi
}

main "$@"
