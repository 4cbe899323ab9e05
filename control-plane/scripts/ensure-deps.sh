#!/usr/bin/env bash
# Installs what caddy-fleet needs on a fresh Debian machine with Node 20+:
#   - the Debian packages named as arguments (only the missing ones; needs root)
#   - node_modules via `npm ci` when absent or stale (package-lock.json changed)
# Usage: ensure-deps.sh [debian-package ...]
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.caddy-fleet-lock
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "installing node modules (npm ci; better-sqlite3 may compile for a minute or two)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
