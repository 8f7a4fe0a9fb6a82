#!/usr/bin/env bash
# End-to-end tests on real Flink clusters: for each version in FLINK_VERSIONS, start a local session cluster
# assembled from Maven Central, run test/e2e against it, and stop exactly what was started.
set -euo pipefail
cd "$(dirname "$0")/.."

versions=${FLINK_VERSIONS:-"1.20.5 2.3.0"}
port=${FLINK_REST_PORT:-8081}
flink_local=scripts/flink-local/flink-local.sh

echo "==> Building the test job and the service"
mvn -q -B -f test/flink-job/pom.xml package
npm run build

current=
cleanup() { [[ -n $current ]] && FLINK_VERSION=$current FLINK_REST_PORT=$port bash "$flink_local" down || true; }
trap cleanup EXIT

for version in $versions; do
  echo "==> Flink $version"
  current=$version
  FLINK_VERSION=$version FLINK_REST_PORT=$port bash "$flink_local" up
  FLINK_VERSION=$version FLINK_REST_PORT=$port \
    TEST_FLINK_URL="http://127.0.0.1:$port" \
    TEST_FLINK_WORK_DIR="$(FLINK_VERSION=$version FLINK_REST_PORT=$port bash "$flink_local" path)" \
    npx vitest run --config test/vitest.e2e.config.ts "$@"
  # The smoke test runs what the suite above covers on every version: once, on the last version given, is enough.
  if [[ $version == "${versions##* }" ]]; then
    echo "==> Smoke test on Flink $version"
    FLINK_VERSION=$version FLINK_REST_PORT=$port bash scripts/smoke-local.sh
  fi
  FLINK_VERSION=$version FLINK_REST_PORT=$port bash "$flink_local" down
  current=
done
