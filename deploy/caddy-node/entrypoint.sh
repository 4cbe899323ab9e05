#!/bin/sh
# caddy-fleet node entrypoint (runs inside the official Caddy image, host networking).
# 1. asks IMDSv2 for the EC2 instance id and private IP (hop limit 1 is enough: host network);
# 2. exports CADDY_FLEET_CONFIG_URL=<control plane>/caddy/config?node=<instance-id> and
#    CADDY_ADMIN_LISTEN=<private-ip>:<admin port>, and replaces __ADMIN_LISTEN__ in the bootstrap JSON;
# 3. execs Caddy with the bootstrap config; --resume prefers the last good config (autosave.json).
# POSIX sh + BusyBox: the Caddy image has no curl and BusyBox wget cannot PUT (the IMDSv2 token call),
# so without curl every IMDS request is a raw HTTP/1.0 exchange over nc.
set -eu

IMDS="${CADDY_FLEET_IMDS_URL:-http://169.254.169.254}"
ADMIN_PORT="${CADDY_FLEET_CADDY_ADMIN_PORT:-2019}"
BOOTSTRAP="${CADDY_FLEET_BOOTSTRAP_PATH:-/tmp/bootstrap.json}"
CADDY_BIN="${CADDY_BIN:-caddy}"
ATTEMPTS="${CADDY_FLEET_IMDS_ATTEMPTS:-10}"

log() { echo "caddy-fleet-entrypoint: $*" >&2; }
die() { log "$*"; exit 1; }

# Raw HTTP/1.0 over nc for images without curl (BusyBox wget cannot PUT). Prints the body of a 200 only.
nc_http() {
  hostport="${IMDS#http://}"
  hostport="${hostport%%/*}"
  host="${hostport%%:*}"
  port=80
  case "$hostport" in *:*) port="${hostport##*:}" ;; esac
  prefix="${IMDS#http://"$hostport"}"
  resp="$(printf '%s %s%s HTTP/1.0\r\nHost: %s\r\n%s\r\nContent-Length: 0\r\n\r\n' "$1" "$prefix" "$2" "$host" "$3" |
    nc -w 2 "$host" "$port" | tr -d '\r')" || return 1
  case "$resp" in "HTTP/1."?" 200 "*) ;; *) return 1 ;; esac
  printf '%s\n' "$resp" | sed '1,/^$/d'
}

imds_token() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "$IMDS/latest/api/token"
  else
    nc_http PUT /latest/api/token 'X-aws-ec2-metadata-token-ttl-seconds: 21600'
  fi
}

imds_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $1" "$IMDS/latest/meta-data/$2"
  else
    nc_http GET "/latest/meta-data/$2" "X-aws-ec2-metadata-token: $1"
  fi
}

# Bounded retries: IMDS can be briefly unavailable while the instance boots.
attempt=0
TOKEN=''
INSTANCE_ID=''
PRIVATE_IP=''
while [ "$attempt" -lt "$ATTEMPTS" ]; do
  attempt=$((attempt + 1))
  TOKEN="$(imds_token 2>/dev/null || true)"
  if [ -n "$TOKEN" ]; then
    INSTANCE_ID="$(imds_get "$TOKEN" instance-id 2>/dev/null || true)"
    PRIVATE_IP="$(imds_get "$TOKEN" local-ipv4 2>/dev/null || true)"
  fi
  case "$INSTANCE_ID" in i-[0-9a-f]*) [ -n "$PRIVATE_IP" ] && break ;; esac
  log "instance metadata not available yet (attempt $attempt of $ATTEMPTS)"
  if [ "$attempt" -lt "$ATTEMPTS" ]; then sleep 1; fi
done
case "$INSTANCE_ID" in i-[0-9a-f]*) ;; *) die "no EC2 instance id from IMDSv2 at $IMDS" ;; esac
case "$PRIVATE_IP" in *[!0-9.]* | '') die "unexpected private IPv4 from IMDSv2: '$PRIVATE_IP'" ;; esac

: "${CADDY_FLEET_CONTROL_PLANE_URL:?CADDY_FLEET_CONTROL_PLANE_URL is required}"
: "${CADDY_FLEET_NODE_TOKEN:?CADDY_FLEET_NODE_TOKEN is required}"
: "${CADDY_BOOTSTRAP_JSON:?CADDY_BOOTSTRAP_JSON is required}"

CADDY_FLEET_NODE_ID="$INSTANCE_ID"
CADDY_ADMIN_LISTEN="$PRIVATE_IP:$ADMIN_PORT"
CADDY_FLEET_CONFIG_URL="${CADDY_FLEET_CONTROL_PLANE_URL%/}/caddy/config?node=$INSTANCE_ID"
export CADDY_FLEET_NODE_ID CADDY_ADMIN_LISTEN CADDY_FLEET_CONFIG_URL

printf '%s\n' "$CADDY_BOOTSTRAP_JSON" | sed "s|__ADMIN_LISTEN__|$CADDY_ADMIN_LISTEN|g" >"$BOOTSTRAP"
log "node $INSTANCE_ID, admin $CADDY_ADMIN_LISTEN, config from $CADDY_FLEET_CONFIG_URL"
exec "$CADDY_BIN" run --config "$BOOTSTRAP" --resume
