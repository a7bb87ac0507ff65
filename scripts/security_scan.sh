#!/usr/bin/env bash
# Dynamic security scan: wapiti against a throwaway portal served by gunicorn.
#
# The portal runs with PORTAL_ENV=production settings (Secure __Host- session
# cookie, HSTS, CSRF with strict Referer checks) behind TLS with a self-signed
# certificate made for this run, so the scanner sees what a real deployment
# sends, and can still log in. It gets its own instance directory and SQLite
# database in a temp dir, with the demo data loaded. Two wapiti runs, side by
# side: anonymous, and logged in as a demo employer.
#
# Fails (exit 1) on any wapiti vulnerability not listed in
# scripts/wapiti-accepted.txt, on any "Internal Server Error" anomaly and on
# any 5xx answer in gunicorn's access log. Other anomalies are only printed.
#
# Settings (environment):
#   WAPITI_MAX_SCAN_TIME    crawl time limit per scan, default 120 s
#   WAPITI_MAX_ATTACK_TIME  time limit per attack module, default 60 s
#   WAPITI_MODULE_TIME      limits for single modules, default "xss=300" (XSS
#                           matters most here and needs the longest)
#   SCAN_REPORT_DIR         where wapiti-*.json go; default the repository root
#                           (git ignores wapiti*.json)
#   SCAN_KEEP_TMP=1         keep the temp dir (server and wapiti logs) afterwards
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
MODULES="sql,blindsql,xss,exec,file,crlf,redirect,csrf,http_headers,cookieflags,csp"
MAX_SCAN_TIME=${WAPITI_MAX_SCAN_TIME:-120}
MAX_ATTACK_TIME=${WAPITI_MAX_ATTACK_TIME:-60}
export WAPITI_MODULE_TIME=${WAPITI_MODULE_TIME:-xss=300}
REPORT_DIR=${SCAN_REPORT_DIR:-$ROOT}
ACCEPTED=$ROOT/scripts/wapiti-accepted.txt
USER_AGENT="portal-security-scan (wapiti)"
DEMO_EMPLOYER=eva@molnlycke-lokalvard.demo
DEMO_PASSWORD=Demo-lokalvard-2026
# Debian's wapiti through a wrapper that repairs -x on Python 3.11, keeps
# wapiti from loading the modules that reach out to the internet and makes the
# attack time limits exact (see the wrapper's docstring).
WAPITI=(/usr/bin/python3 "$ROOT/scripts/wapiti_run.py")

log() { printf '[security-scan %(%H:%M:%S)T] %s\n' -1 "$*"; }

command -v wapiti >/dev/null || { echo "wapiti is not installed (apt-get install -y wapiti)"; exit 2; }
command -v openssl >/dev/null || { echo "openssl is not installed (apt-get install -y openssl)"; exit 2; }
if [ ! -x "$VENV/bin/gunicorn" ] || [ ! -x "$VENV/bin/flask" ]; then
  log "installing the portal into $VENV"
  make -s install
fi
# Compiled catalogs (*.mo) are not in git. (-q is pybabel's global option.)
if [ -d portal/translations ]; then "$VENV/bin/pybabel" -q compile -d portal/translations; fi

TMP=$(mktemp -d /tmp/portal-scan.XXXXXX)
PIDS=()
cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${SCAN_KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$("$PY" scripts/scan_helpers.py free-port)
BASE=https://127.0.0.1:$PORT

export FLASK_APP=portal
export PORTAL_ENV=production
export PORTAL_INSTANCE_PATH=$TMP/instance
export DATABASE_URL=sqlite:///$TMP/scan.db
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
export PORTAL_BASE_URL=$BASE
# Rate limits off so that the attack payloads reach the form handlers instead
# of stopping at 429 (the limits themselves are covered by the test suite).
export RATELIMIT_ENABLED=false
export RATELIMIT_STORAGE_URI=memory://
unset MAIL_SERVER SERVER_NAME || true
mkdir -p "$PORTAL_INSTANCE_PATH" "$REPORT_DIR"

log "database and demo data in $TMP"
"$VENV/bin/flask" db upgrade >"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log"; exit 1; }
"$VENV/bin/flask" portal demo-data >>"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log"; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1

log "gunicorn (production settings) on $BASE"
# gthread workers keep connections alive: no TLS handshake per request, which
# makes the scan about a quarter faster than sync workers.
"$VENV/bin/gunicorn" -w 2 -k gthread --threads 2 -b "127.0.0.1:$PORT" \
  --certfile "$TMP/cert.pem" --keyfile "$TMP/key.pem" \
  --access-logfile "$TMP/access.log" --error-logfile - \
  --access-logformat '%(t)s "%(r)s" %(s)s %(b)s %(D)sus' \
  --timeout 60 'portal:create_app()' >>"$TMP/server.log" 2>&1 &
PIDS+=($!)
"$PY" scripts/scan_helpers.py wait "$BASE/healthz" 30 || { cat "$TMP/server.log"; exit 1; }

log "logging in as $DEMO_EMPLOYER for the employer scan"
"$PY" scripts/scan_helpers.py login "$BASE" "$DEMO_EMPLOYER" "$DEMO_PASSWORD" \
  "$TMP/cookies.json" "$USER_AGENT"

run_wapiti() {  # NAME [extra wapiti options...]; output with timestamps in TMP
  local name=$1; shift
  local out=$REPORT_DIR/wapiti-$name.json
  rm -f "$out"
  # --no-bugreport: never upload crash reports. -x logout: the crawler submits
  # forms, and logging out would end the employer scan's session.
  "${WAPITI[@]}" -u "$BASE/" --scope folder --flush-session --no-bugreport \
    --store-session "$TMP/wapiti-$name" --store-config "$TMP/wapiti-config-$name" \
    -m "$MODULES" --max-scan-time "$MAX_SCAN_TIME" --max-attack-time "$MAX_ATTACK_TIME" \
    -A "$USER_AGENT" -x "$BASE/logout" -f json -o "$out" -v 1 "$@" </dev/null 2>&1 |
    while IFS= read -r line; do printf '%(%H:%M:%S)T %s\n' -1 "$line"; done \
      >"$TMP/wapiti-$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] && [ -s "$out" ]
}

declare -A SCAN_PID
log "wapiti: anonymous and employer scans side by side (modules: $MODULES;" \
    "crawl <= ${MAX_SCAN_TIME} s, each module <= ${MAX_ATTACK_TIME} s, $WAPITI_MODULE_TIME)"
# The inline number check is only reached through htmx (hx-get), which the
# crawler does not follow: give it as a start URL.
run_wapiti anonymous -s "$BASE/register" -s "$BASE/password/forgot" -s "$BASE/confirm" \
  -s "$BASE/register/check-number?country=SE&org_number=5567123457" &
SCAN_PID[anonymous]=$!
PIDS+=($!)
run_wapiti employer -c "$TMP/cookies.json" \
  -s "$BASE/organisation" -s "$BASE/account" -s "$BASE/account/password" &
SCAN_PID[employer]=$!
PIDS+=($!)

failed=0
for name in anonymous employer; do
  if wait "${SCAN_PID[$name]}"; then status="done"; else status=FAILED; failed=1; fi
  log "wapiti ($name) $status; its timeline:"
  grep -E "Launching module|reached|Login|Error|Traceback|\[!\]" "$TMP/wapiti-$name.log" \
    | sed 's/^/    /' || true
  if [ "$status" = FAILED ]; then tail -n 40 "$TMP/wapiti-$name.log"; fi
done
[ "$failed" = 0 ] || { log "a wapiti run failed"; exit 1; }

# Tracebacks in the server log are shown for diagnosis (5xx answers fail below).
if grep -q "Traceback" "$TMP/server.log"; then
  log "the server log has tracebacks:"
  grep -B2 -A25 "Traceback" "$TMP/server.log" | head -n 150
fi

"$PY" scripts/scan_helpers.py report --accepted "$ACCEPTED" --access-log "$TMP/access.log" \
  anonymous="$REPORT_DIR/wapiti-anonymous.json" employer="$REPORT_DIR/wapiti-employer.json"
