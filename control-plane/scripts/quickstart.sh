#!/usr/bin/env bash
# Quick start: the daemon with an embedded SQLite file and a local fleet of Caddy nodes on loopback.
# Installs what is missing (Caddy from Debian, node modules), creates an API token on first run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash control-plane/scripts/ensure-deps.sh caddy

mkdir -p data
if [ ! -s data/api-token ]; then
  node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' > data/api-token
  chmod 600 data/api-token
fi
TOKEN=$(cat data/api-token)
export CADDY_FLEET_API_TOKENS="${CADDY_FLEET_API_TOKENS:-$TOKEN}"
export CADDY_FLEET_LOCAL_NODES="${CADDY_FLEET_LOCAL_NODES:-2}"
export CADDY_FLEET_LOCAL_BASE_PORT="${CADDY_FLEET_LOCAL_BASE_PORT:-9100}"
export CADDY_FLEET_DEFAULT_UPSTREAM="${CADDY_FLEET_DEFAULT_UPSTREAM:-127.0.0.1:9000}"

DEMO_UPSTREAM_PORT=9000 node_modules/.bin/tsx control-plane/scripts/demo-upstream.ts &
demo=$!
trap 'kill $demo 2>/dev/null || true' EXIT

base=$CADDY_FLEET_LOCAL_BASE_PORT
cat <<MSG
caddy-fleet quick start
  API + dashboard  http://127.0.0.1:8080   (dashboard: http://127.0.0.1:8080/dashboard)
  ask endpoint     http://127.0.0.1:8081/ask?domain=<name>
  API token        $TOKEN   (saved in data/api-token)
  Caddy nodes      ${CADDY_FLEET_LOCAL_NODES} local nodes; node 0: admin 127.0.0.1:$base, HTTP :$((base + 1)), HTTPS :$((base + 2))
  database         ./data/caddy-fleet.db

Try:
  curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"hostname":"shop.example.com"}' http://127.0.0.1:8080/v1/domains
  curl -sk --resolve shop.example.com:$((base + 2)):127.0.0.1 https://shop.example.com:$((base + 2))/
  curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/v1/fleet
MSG
node_modules/.bin/tsx control-plane/main.ts
