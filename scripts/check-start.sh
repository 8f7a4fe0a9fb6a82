#!/usr/bin/env bash
# Starts the service the way README tells a new user to (`npm start`: no keys, so on the default 127.0.0.1, with
# embedded PGlite in a fresh DATA_DIR), waits for /readyz, creates and reads a job with curl, finds it in the web console, and stops it with
# SIGTERM, expecting a clean shutdown.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d)
log_file="$data_dir/service.log"
port=${CHECK_PORT:-18085}
cleanup() { [[ -n ${pid:-} ]] && kill -- "-$pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

# In its own process group, so a signal to the group reaches npm and the node process it runs.
echo "starting on Node $(node --version)"
PORT=$port DATA_DIR="$data_dir" setsid npm start >"$log_file" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log_file"; echo "service exited during start-up" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz"; echo

job_id=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/jobs" -H 'Content-Type: application/json' \
  -d '{"name":"start-check","jarURL":"/jars/x.jar","entryClass":"com.example.Main"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')
curl -fsS "http://127.0.0.1:$port/api/v1/jobs/$job_id" >/dev/null
echo "created and read job $job_id"
curl -fsS "http://127.0.0.1:$port/docs" | grep -q 'docs/swagger-ui-bundle.js'
curl -fsS "http://127.0.0.1:$port/docs/swagger-ui-bundle.js" -o /dev/null
echo "served the API reference at /docs"
curl -fsS "http://127.0.0.1:$port/ui" | grep -q 'start-check'
echo "served the web console at /ui"

kill -TERM -- "-$pid"
status=0
wait "$pid" || status=$?
# npm may exit before the service has finished draining: wait until the whole group is gone.
for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
pid=
grep -q '"msg":"service stopped"' "$log_file" || { cat "$log_file"; echo "no clean shutdown logged" >&2; exit 1; }
# npm itself got the SIGTERM too, so it reports 143; the service's own clean exit is the log line above.
[[ $status -eq 0 || $status -eq 143 ]] || { cat "$log_file"; echo "npm exited with $status" >&2; exit 1; }
echo "service stopped cleanly"
