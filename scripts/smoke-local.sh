#!/usr/bin/env bash
# Runs scripts/smoke.sh against the local Flink cluster (scripts/flink-local, already up): starts the built
# service on embedded PGlite and a stand-in data processor serving the test job, smoke-tests, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

flink_port=${FLINK_REST_PORT:-8081}
service_port=${SMOKE_SERVICE_PORT:-18086}
jars_port=${SMOKE_JARS_PORT:-18090}
work_dir=$(bash scripts/flink-local/flink-local.sh path)
data_dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

[[ -f dist/cmd/server.js ]] || npm run build
[[ -f test/flink-job/target/flink-test-job.jar ]] || mvn -q -B -f test/flink-job/pom.xml package

node --import tsx scripts/jar-server.ts test/flink-job/target "$jars_port" >"$data_dir/jars.log" 2>&1 &
pids+=($!)
PORT=$service_port HOST=127.0.0.1 DATA_DIR="$data_dir" \
  FLINK_JOBMANAGER_URL="http://127.0.0.1:$flink_port" DATA_PROCESSOR_URL="http://127.0.0.1:$jars_port" \
  SAVEPOINT_DIR="file://$work_dir/savepoints" \
  node dist/cmd/server.js >"$data_dir/service.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$service_port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
if ! bash scripts/smoke.sh "http://127.0.0.1:$service_port"; then
  echo "--- service log (last 40 lines)"
  tail -n 40 "$data_dir/service.log"
  exit 1
fi
