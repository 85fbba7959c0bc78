#!/usr/bin/env bash
# Installs the system packages the test suite needs: PostgreSQL 15 server binaries and Chromium (Debian/Ubuntu).
# Safe to run repeatedly; it only installs what is missing.
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
# The sandbox service tests run real python3 inside bubblewrap (prlimit comes with util-linux).
[ -x /usr/bin/bwrap ] || need+=(bubblewrap)
[ -x /usr/bin/python3 ] || need+=(python3)

if [ ${#need[@]} -eq 0 ]; then
  echo "Test system packages present: PostgreSQL 15, Chromium, Dovecot IMAP, bubblewrap, python3."
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Please install as root: apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here. Install these yourself: ${need[*]} (PostgreSQL 15 server binaries in /usr/lib/postgresql/15/bin, and Chromium at /usr/bin/chromium)." >&2
  exit 1
fi
echo "Installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
