#!/usr/bin/env bash
# Smoke test of a running scheduler and its Flink cluster, with curl and jq:
#   health -> create job -> start -> RUNNING -> executions -> stop -> STOPPED -> delete.
# Exits non-zero at the first failure. Works against any deployment, docker-compose included:
#   scripts/smoke.sh http://localhost:8085
# SMOKE_JAR_URL (default /flink-test-job.jar, resolved against the service's DATA_PROCESSOR_URL),
# SMOKE_ENTRY_CLASS (default com.example.flinkjob.TestJob) and SMOKE_CONFIG (default {"mode":"unbounded"}) pick
# the job; it must keep running until stopped. SMOKE_TIMEOUT (default 120) bounds each wait, in seconds.
# SMOKE_API_KEY, when set, is sent as `Authorization: Bearer <key>`: an admin key, for a service that has API keys.
set -euo pipefail

base=${1:?usage: smoke.sh BASE_URL}
base=${base%/}
jar_url=${SMOKE_JAR_URL:-/flink-test-job.jar}
entry_class=${SMOKE_ENTRY_CLASS:-com.example.flinkjob.TestJob}
config=${SMOKE_CONFIG:-'{"mode":"unbounded"}'}
timeout=${SMOKE_TIMEOUT:-120}
auth=()
[[ -n ${SMOKE_API_KEY:-} ]] && auth=(-H "Authorization: Bearer $SMOKE_API_KEY")

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok   $*"; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# request METHOD PATH [BODY]: sets BODY to the response body and STATUS to the HTTP status.
request() {
  local method=$1 path=$2 data=${3:-}
  local args=(-sS -o "$out" -w '%{http_code}' -X "$method")
  [[ -n $data ]] && args+=(-H 'Content-Type: application/json' -d "$data")
  args+=(${auth[@]+"${auth[@]}"})
  STATUS=$(curl "${args[@]}" "$base$path") || fail "$method $path: no answer from $base"
  BODY=$(cat "$out")
}

expect_status() { [[ $STATUS == "$1" ]] || fail "$2: expected HTTP $1, got $STATUS: $3"; }

wait_for_status() {
  local execution_id=$1 wanted=$2 deadline=$((SECONDS + timeout)) status=
  while ((SECONDS < deadline)); do
    request GET "/api/v1/executions/$execution_id"
    status=$(jq -r .status <<<"$BODY")
    [[ $status == "$wanted" ]] && return 0
    case $status in SUCCEEDED | FAILED | STOPPED) fail "execution ended $status, wanted $wanted: $(jq -c .error <<<"$BODY")" ;; esac
    sleep 1
  done
  fail "execution $execution_id not $wanted within ${timeout}s (last: $status)"
}

request GET /health
expect_status 200 "GET /health" "$BODY"
[[ $(jq -r .database <<<"$BODY") == ok ]] || fail "database not ok: $BODY"
[[ $(jq -r .flink.reachable <<<"$BODY") == true ]] || fail "Flink not reachable: $BODY"
pass "health: $(jq -c . <<<"$BODY")"

name="smoke-$(date +%s)-$RANDOM"
job=$(jq -nc --arg name "$name" --arg jar "$jar_url" --arg class "$entry_class" --argjson config "$config" \
  '{name: $name, jarURL: $jar, entryClass: $class, config: $config, labels: {purpose: "smoke"}}')
request POST /api/v1/jobs "$job"
expect_status 201 "create job" "$BODY"
job_id=$(jq -r .id <<<"$BODY")
pass "created job $name ($job_id)"
# Leave nothing behind when a later step fails.
cleanup_job() {
  curl -sS -o /dev/null ${auth[@]+"${auth[@]}"} -X POST -H 'Content-Type: application/json' -d '{"mode":"cancel"}' \
    "$base/api/v1/jobs/$job_id/stop" || true
  curl -sS -o /dev/null ${auth[@]+"${auth[@]}"} -X DELETE "$base/api/v1/jobs/$job_id" || true
}
trap 'cleanup_job; rm -f "$out"' EXIT

request POST "/api/v1/jobs/$job_id/start"
expect_status 202 "start job" "$BODY"
execution_id=$(jq -r .id <<<"$BODY")
pass "started execution $execution_id"
wait_for_status "$execution_id" RUNNING
pass "execution RUNNING as Flink job $(jq -r .flinkJobId <<<"$BODY")"

request GET "/api/v1/jobs/$job_id/executions"
expect_status 200 "list executions" "$BODY"
[[ $(jq -r '.executions[0].id' <<<"$BODY") == "$execution_id" ]] || fail "execution not listed first: $BODY"
pass "listed in the job's executions"

# Flink can only take a savepoint once every task runs; give it a moment after RUNNING.
sleep "${SMOKE_SETTLE_SECONDS:-3}"
request POST "/api/v1/jobs/$job_id/stop"
expect_status 202 "stop job" "$BODY"
wait_for_status "$execution_id" STOPPED
pass "execution STOPPED (savepoint: $(jq -r .savepointPath <<<"$BODY"))"

request DELETE "/api/v1/jobs/$job_id"
expect_status 204 "delete job" "$BODY"
trap 'rm -f "$out"' EXIT
pass "deleted job"
echo "smoke test passed against $base"
