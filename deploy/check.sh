#!/usr/bin/env bash
# Check the deploy files with their own tools (run by .ci/run; needs systemd and nginx
# installed, not running): `systemd-analyze verify` on the units and `nginx -t` on the site.
# Any message from either tool fails the check, warnings included (an unknown key in a unit
# is only a warning to systemd, and would be silently ignored on the server).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# systemd: the units as installed, except that /srv/plan (the app's directory on a server)
# becomes a scratch directory holding the programs they start, so verify can check them.
app="$work/srv-plan"
mkdir -p "$app/.venv/bin" "$work/units"
for program in python gunicorn; do
  printf '#!/bin/sh\n' >"$app/.venv/bin/$program"
  chmod +x "$app/.venv/bin/$program"
done
for unit in systemd/*.service systemd/*.timer; do
  sed "s#/srv/plan#$app#g" "$unit" >"$work/units/$(basename "$unit")"
done
out=$(cd "$work/units" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1) || {
  printf '%s\n' "$out"
  exit 1
}
if [ -n "$out" ]; then
  printf 'systemd-analyze verify:\n%s\n' "$out"
  exit 1
fi
echo "systemd-analyze verify: $(ls systemd | tr '\n' ' ')OK"

# nginx: the site inside a minimal main configuration, with a self-signed certificate at
# the paths the site names, and STATIC_ROOT at the path it serves.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=plan.example.jp" \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
mkdir -p "$app/deploy/nginx"
for file in nginx/*; do
  sed -e "s#/etc/ssl/plan/#$work/#g" -e "s#/srv/plan#$app#g" "$file" >"$app/deploy/$file"
done

cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  include $app/deploy/nginx/plan.conf;
}
CONF
out=$(nginx -t -q -c "$work/nginx.conf" -p "$work" 2>&1) || {
  printf '%s\n' "$out"
  exit 1
}
if [ -n "$out" ]; then
  printf 'nginx -t:\n%s\n' "$out"
  exit 1
fi
echo "nginx -t: nginx/plan.conf OK"
