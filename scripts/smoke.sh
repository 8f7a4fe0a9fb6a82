#!/usr/bin/env bash
# Smoke test of a running scheduler and its Flink cluster, with curl and jq:
#   health -> create job -> start -> RUNNING -> executions -> stop -> STOPPED -> delete.
# Exits non-zero at the first failure. Works against any deployment, docker-compose included:
#   scripts/smoke.sh http://localhost:8085
# SMOKE_JAR_URL (default /flink-test-job.jar, resolved against the service's DATA_PROCESSOR_URL),
# SMOKE_ENTRY_CLASS (default com.example.flinkjob.TestJob) and SMOKE_CONFIG (default {"mode":"unbounded"}) pick
# the job; it must keep running until stopped. SMOKE_TIMEOUT (default 120) bounds each wait, in seconds.
set -euo pipefail

base=${1:?usage: smoke.sh BASE_URL}
base=${base%/}
jar_url=${SMOKE_JAR_URL:-/flink-test-job.jar}
entry_class=${SMOKE_ENTRY_CLASS:-com.example.flinkjob.TestJob}
config=${SMOKE_CONFIG:-'{"mode":"unbounded"}'}
timeout=${SMOKE_TIMEOUT:-120}

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }

# request METHOD PATH [BODY] -> prints the body; STATUS holds the HTTP status.
request() {
  local method=$1 path=$2 body=${3:-} out
  out=$(mktemp)
  if [[ -n $body ]]; then
    STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' -d "$body" "$base$path") || fail "$method $path: no answer"
  else
    STATUS=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$base$path") || fail "$method $path: no answer"
  fi
  cat "$out"
  rm -f "$out"
}

expect_status() { [[ $STATUS == "$1" ]] || fail "$2: expected HTTP $1, got $STATUS: $3"; }

wait_for_status() {
  local execution_id=$1 wanted=$2 deadline=$((SECONDS + timeout)) body status
  while ((SECONDS < deadline)); do
    body=$(request GET "/api/v1/executions/$execution_id")
    status=$(jq -r .status <<<"$body")
    [[ $status == "$wanted" ]] && return 0
    case $status in SUCCEEDED | FAILED | STOPPED) fail "execution ended $status, wanted $wanted: $(jq -c .error <<<"$body")" ;; esac
    sleep 1
  done
  fail "execution $execution_id not $wanted within ${timeout}s (last: $status)"
}

body=$(request GET /health)
expect_status 200 "GET /health" "$body"
[[ $(jq -r .database <<<"$body") == ok ]] || fail "database not ok: $body"
[[ $(jq -r .flink.reachable <<<"$body") == true ]] || fail "Flink not reachable: $body"
pass "health: $(jq -c . <<<"$body")"

name="smoke-$(date +%s)-$RANDOM"
job=$(jq -nc --arg name "$name" --arg jar "$jar_url" --arg class "$entry_class" --argjson config "$config" \
  '{name: $name, jarURL: $jar, entryClass: $class, config: $config, labels: {purpose: "smoke"}}')
body=$(request POST /api/v1/jobs "$job")
expect_status 201 "create job" "$body"
job_id=$(jq -r .id <<<"$body")
pass "created job $name ($job_id)"
trap 'curl -sS -o /dev/null -X POST "$base/api/v1/jobs/$job_id/stop" -H "Content-Type: application/json" -d "{\"mode\":\"cancel\"}" || true; curl -sS -o /dev/null -X DELETE "$base/api/v1/jobs/$job_id" || true' ERR

body=$(request POST "/api/v1/jobs/$job_id/start")
expect_status 202 "start job" "$body"
execution_id=$(jq -r .id <<<"$body")
pass "started execution $execution_id"
wait_for_status "$execution_id" RUNNING
pass "execution RUNNING as Flink job $(request GET "/api/v1/executions/$execution_id" | jq -r .flinkJobId)"

body=$(request GET "/api/v1/jobs/$job_id/executions")
expect_status 200 "list executions" "$body"
[[ $(jq -r '.executions[0].id' <<<"$body") == "$execution_id" ]] || fail "execution not listed first: $body"
pass "listed in the job's executions"

# Flink can only take a savepoint once every task runs; give it a moment after RUNNING.
sleep "${SMOKE_SETTLE_SECONDS:-3}"
body=$(request POST "/api/v1/jobs/$job_id/stop")
expect_status 202 "stop job" "$body"
wait_for_status "$execution_id" STOPPED
pass "execution STOPPED (savepoint: $(request GET "/api/v1/executions/$execution_id" | jq -r .savepointPath))"

body=$(request DELETE "/api/v1/jobs/$job_id")
expect_status 204 "delete job" "$body"
trap - ERR
pass "deleted job"
echo "smoke test passed against $base"
