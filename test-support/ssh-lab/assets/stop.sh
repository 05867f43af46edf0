#!/bin/sh
# stop.sh — SIGTERM the app (graceful: in-flight requests finish), wait up to 10 s, then SIGKILL.
# Idempotent: exit 0 when nothing is running.
set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

if ! pid=$(app_pid); then
  rm -f "$PIDFILE"
  echo "not running"
  exit 0
fi
kill -TERM "$pid" 2>/dev/null
i=0
while [ $i -lt 100 ] && is_alive "$pid"; do # bounded: 100 x 0.1 s
  sleep 0.1
  i=$((i + 1))
done
if is_alive "$pid"; then
  echo "stop.sh: pid $pid ignored SIGTERM for 10 s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null
  sleep 0.2
fi
rm -f "$PIDFILE"
echo "stopped pid=$pid"
