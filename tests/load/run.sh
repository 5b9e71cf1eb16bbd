#!/usr/bin/env bash
# `make loadtest`: a throwaway PostgreSQL and gunicorn (3 workers) on loopback, locust headless
# with LOADTEST_USERS (20) people for LOADTEST_SECONDS (60) s, then the rows are counted.
# People arrive LOADTEST_SPAWN_RATE (2) per second, as logins are deliberately slow to hash.
# Prints requests, failures, p50/p95 and writes sent vs found; exits non-zero on any failure
# or missing write. Everything it starts is stopped at exit, and its files are removed.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
USERS=${LOADTEST_USERS:-20}
SECONDS_TO_RUN=${LOADTEST_SECONDS:-60}
WORK=$(mktemp -d /tmp/loadtest.XXXXXX)
chmod 755 "$WORK"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
export PATH="$PATH:${PG_BIN}"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# initdb refuses to run as root: as root, run PostgreSQL as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

GUNICORN_PID=
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true
  [ -d "$WORK/pg" ] && as_pg pg_ctl -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PGPORT=$(free_port)
WEBPORT=$(free_port)
mkdir "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
echo "== PostgreSQL (127.0.0.1:$PGPORT, 使い捨て)"
as_pg initdb -D "$WORK/pg/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg pg_ctl -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
createdb -h 127.0.0.1 -p "$PGPORT" -U postgres plan

# Production settings, except HTTPS: this is plain HTTP on loopback.
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/plan"
export DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1 CONN_MAX_AGE=60
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY

echo "== migrate, load_plan, collectstatic, 利用者の準備"
"$PY" manage.py migrate --verbosity 0
"$PY" manage.py load_plan --verbosity 0
"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py shell -v 0 -c "from tests.load import server; server.prepare('$WORK/plan.json', users=$USERS)"

echo "== gunicorn（3 ワーカー、127.0.0.1:$WEBPORT）"
.venv/bin/gunicorn plan.wsgi --workers 3 --bind "127.0.0.1:$WEBPORT" --log-level warning \
  >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 100); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$WEBPORT/login/')" 2>/dev/null && break
  sleep 0.2
done

echo "== locust: $USERS 人、$SECONDS_TO_RUN 秒"
LOCUST_RC=0
LOADTEST_PLAN="$WORK/plan.json" LOADTEST_RESULT="$WORK/result.json" \
LOADTEST_USERS=$USERS LOADTEST_SECONDS=$SECONDS_TO_RUN \
  timeout $((SECONDS_TO_RUN + 120)) .venv/bin/locust -f tests/load/locustfile.py --headless \
  --users "$USERS" --spawn-rate "${LOADTEST_SPAWN_RATE:-2}" --run-time "${SECONDS_TO_RUN}s" --stop-timeout 10 \
  --host "http://127.0.0.1:$WEBPORT" --only-summary --loglevel WARNING \
  >"$WORK/locust.log" 2>&1 || LOCUST_RC=$?
sed -n '/Type \+Name/,$p' "$WORK/locust.log" | head -60

# Stop the server first: every request has ended, so every write is committed or never was.
kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=
if grep -q "Error\|Traceback" "$WORK/gunicorn.log"; then
  echo "== gunicorn のログにエラー:"; tail -30 "$WORK/gunicorn.log"
fi
[ -f "$WORK/result.json" ] || { echo "locust が結果を残しませんでした（終了コード $LOCUST_RC）"; tail -30 "$WORK/locust.log"; exit 1; }
"$PY" manage.py shell -v 0 -c "from tests.load import server; server.report_and_exit('$WORK/result.json')"
