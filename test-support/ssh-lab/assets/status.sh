#!/bin/sh
# status.sh — LSB-style: exit 0 and print details when running, exit 3 when stopped.
set -u
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

if pid=$(app_pid); then
  echo "running pid=$pid $(app_args "$pid")"
  exit 0
fi
echo "stopped"
exit 3
