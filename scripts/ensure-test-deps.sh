#!/usr/bin/env bash
# The system programs the tests drive for real: Debian's Chromium (Playwright; `npx playwright install` cannot work
# offline), OpenSSH's sshd (SSH deployments) and HAProxy (load-balancer steps). Installs what is missing when it
# can (root + apt), otherwise says exactly what to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing test dependencies: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
