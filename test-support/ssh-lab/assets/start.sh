#!/bin/sh
# start.sh [--version V] [--port P]  — start the app in the background; no-op if already running.
# Exit 0 once the app is listening (it writes the pidfile only after listen succeeds), 1 otherwise.
set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

VERSION=${CALLER_VERSION:-}
PORT=${CALLER_PORT:-${SLIPWAY_APP_PORT:-}}
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "start.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$VERSION" ] || VERSION=$(cat "$ROOT/app/VERSION" 2>/dev/null || echo 0.0.0)
[ -n "$PORT" ] || { echo "start.sh: no port (host.env SLIPWAY_APP_PORT or --port)" >&2; exit 2; }

if pid=$(app_pid); then
  echo "already running pid=$pid ($(app_args "$pid"))"
  exit 0
fi
rm -f "$PIDFILE"

# nohup + all three stdio redirected: the ssh exec channel only closes when no process holds its
# pipes, and without a pty sshd sends no SIGHUP, so the app outlives the session.
nohup "$NODE" "$ROOT/app/app.js" --port "$PORT" --version "$VERSION" --root "$ROOT" --pidfile "$PIDFILE" \
  >>"$LOG" 2>&1 </dev/null &
child=$!

i=0
while [ $i -lt 100 ]; do # bounded: 100 x 0.1 s
  if [ "$(cat "$PIDFILE" 2>/dev/null)" = "$child" ]; then
    echo "started pid=$child version=$VERSION port=$PORT"
    exit 0
  fi
  if ! is_alive "$child"; then
    echo "start.sh: app exited during start-up; last log lines:" >&2
    tail -n 5 "$LOG" >&2
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
echo "start.sh: app did not start listening within 10 s" >&2
exit 1
