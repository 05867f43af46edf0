# Shared by start.sh / stop.sh / status.sh. POSIX sh (dash on Debian): the "custom script" service
# control mode must work on hosts without bash.
#
# Layout under the host root (SLIPWAY_HOST_ROOT, set per host by sshd SetEnv):
#   app/app.js  app/VERSION  scripts/*.sh  run/app.pid  logs/app.log  host.env  unhealthy (optional)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${SLIPWAY_HOST_ROOT:-$(dirname "$HERE")}
# Capture caller overrides before host.env (lab-written defaults) is sourced.
CALLER_PORT=${APP_PORT:-}
CALLER_VERSION=${APP_VERSION:-}
[ -f "$ROOT/host.env" ] && . "$ROOT/host.env"
NODE=${SLIPWAY_NODE:-node}
PIDFILE="$ROOT/run/app.pid"
LOG="$ROOT/logs/app.log"
mkdir -p "$ROOT/run" "$ROOT/logs"

# Prints the pid if the pidfile names a live process that is really our app.js (a stale pidfile
# whose pid was reused by something else must not count as "running" or be killed).
app_pid() {
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$ROOT/app/app.js" || return 1
  echo "$pid"
}

app_args() {
  tr '\0' ' ' <"/proc/$1/cmdline"
}

# kill -0 also succeeds for zombies, and an orphaned app is reaped by PID 1 whenever PID 1 gets
# round to it (seconds in some containers, never under a non-reaping PID 1). Treat Z as dead.
is_alive() {
  [ -r "/proc/$1/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
  [ "$state" != "Z" ] && [ "$state" != "X" ]
}
