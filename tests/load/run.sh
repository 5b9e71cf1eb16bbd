#!/usr/bin/env bash
# `make loadtest`: a throwaway PostgreSQL and gunicorn (3 workers) on loopback, locust headless
# with LOADTEST_USERS (20) people for LOADTEST_SECONDS (60) s, then the rows are counted.
# People arrive LOADTEST_SPAWN_RATE (2) per second, as logins are deliberately slow to hash.
# Prints requests, failures, p50/p95 and writes sent vs found; exits non-zero on any failure
# or missing write. Everything it starts is stopped at exit, and its files are removed.
#
# NODES=2 (`make loadtest NODES=2`): that many gunicorn servers on their own ports, one
# PostgreSQL; the people are split between them, one more user saves on one server and reads
# on the other (fresh page, same session), and afterwards send_reminders starts on every
# node at once: each message must arrive once. LOADTEST_WORKERS per server (3, or 2 with
# several servers on this 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
USERS=${LOADTEST_USERS:-20}
NODES=${NODES:-1}
if [ "$NODES" -gt 1 ]; then WORKERS=${LOADTEST_WORKERS:-2}; else WORKERS=${LOADTEST_WORKERS:-3}; fi
export LOADTEST_WORKERS=$WORKERS
SECONDS_TO_RUN=${LOADTEST_SECONDS:-60}
WORK=$(mktemp -d /tmp/loadtest.XXXXXX)
chmod 755 "$WORK"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
export PATH="$PATH:${PG_BIN}"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# initdb refuses to run as root: as root, run PostgreSQL as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

GUNICORN_PIDS=()
stop_servers() {
  for pid in "${GUNICORN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${GUNICORN_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  GUNICORN_PIDS=()
}
cleanup() {
  stop_servers
  [ -d "$WORK/pg" ] && as_pg pg_ctl -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PGPORT=$(free_port)
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

URLS=()
for n in $(seq "$NODES"); do
  port=$(free_port)
  echo "== gunicorn ノード$n（$WORKERS ワーカー、127.0.0.1:$port）"
  .venv/bin/gunicorn plan.wsgi --workers "$WORKERS" --bind "127.0.0.1:$port" --log-level warning \
    --no-control-socket >"$WORK/gunicorn-$n.log" 2>&1 &
  GUNICORN_PIDS+=($!)
  URLS+=("http://127.0.0.1:$port")
  for _ in $(seq 100); do
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/login/')" 2>/dev/null && break
    sleep 0.2
  done
done
NODE_URLS=""
[ "$NODES" -gt 1 ] && NODE_URLS="${URLS[*]}"

echo "== locust: $USERS 人、$SECONDS_TO_RUN 秒"
LOCUST_RC=0
LOADTEST_PLAN="$WORK/plan.json" LOADTEST_RESULT="$WORK/result.json" \
LOADTEST_USERS=$USERS LOADTEST_SECONDS=$SECONDS_TO_RUN LOADTEST_NODES="$NODE_URLS" \
  timeout $((SECONDS_TO_RUN + 120)) .venv/bin/locust -f tests/load/locustfile.py --headless \
  --users "$USERS" --spawn-rate "${LOADTEST_SPAWN_RATE:-2}" --run-time "${SECONDS_TO_RUN}s" --stop-timeout 10 \
  --host "${URLS[0]}" --only-summary --loglevel WARNING \
  >"$WORK/locust.log" 2>&1 || LOCUST_RC=$?
sed -n '/Type \+Name/,$p' "$WORK/locust.log" | head -60

# Stop the servers first: every request has ended, so every write is committed or never was.
stop_servers
for log in "$WORK"/gunicorn-*.log; do
  if grep -q "Error\|Traceback" "$log"; then
    echo "== $(basename "$log") にエラー:"; tail -30 "$log"
  fi
done
[ -f "$WORK/result.json" ] || { echo "locust が結果を残しませんでした（終了コード $LOCUST_RC）"; tail -30 "$WORK/locust.log"; exit 1; }
STATUS=0
"$PY" manage.py shell -v 0 -c "from tests.load import server; server.report_and_exit('$WORK/result.json')" || STATUS=$?
if [ "$NODES" -gt 1 ]; then
  "$PY" -m tests.load.reminders_on_nodes "$NODES" || STATUS=1
fi
exit $STATUS
