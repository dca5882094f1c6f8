# Shared by start.sh and stop.sh (sourced, not run).

# is_ours PID: PID is a live (not zombie) moto_launcher.py process.
is_ours() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/cmdline" ] || return 0 # no /proc: trust kill -0
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ "$state" != Z ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q moto_launcher.py
}
