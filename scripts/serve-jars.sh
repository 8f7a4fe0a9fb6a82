#!/usr/bin/env bash
# The data processor for local runs: builds the example Flink job (test/flink-job, with Maven) when its sources are
# newer than its JAR, and serves the folder of JARs it builds on http://127.0.0.1:$JARS_PORT in the background, so
# that a job's `jarURL` of `/flink-test-job.jar` resolves against DATA_PROCESSOR_URL=http://127.0.0.1:$JARS_PORT.
#
#   scripts/serve-jars.sh up|down|url
#
# Environment: JARS_PORT (default 8090), MVN (default mvn).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${JARS_PORT:-8090}"
jar_dir="test/flink-job/target"
jar="$jar_dir/flink-test-job.jar"
state_dir=".flink-local"
pid_file="$state_dir/serve-jars-$port.pid"
log_file="$state_dir/serve-jars-$port.log"
url="http://127.0.0.1:$port"

log() { echo "[serve-jars] $*" >&2; }

running_pid() {
  local pid
  pid="$(cat "$pid_file" 2>/dev/null)" || return 1
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

build() {
  if [[ -f "$jar" && -z "$(find test/flink-job/src test/flink-job/pom.xml -newer "$jar" -print -quit)" ]]; then
    return
  fi
  log "building the example job with Maven (the first build downloads Flink's API jars)"
  "${MVN:-mvn}" -q -B -f test/flink-job/pom.xml package
}

up() {
  build
  if pid="$(running_pid)"; then
    log "already serving $jar_dir on $url (pid $pid)"
  else
    mkdir -p "$state_dir"
    setsid nohup node --import tsx scripts/jar-server.ts "$jar_dir" "$port" >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 50); do
      curl -fsS -o /dev/null "$url/flink-test-job.jar" 2>/dev/null && break
      running_pid >/dev/null || { cat "$log_file" >&2; log "the JAR server exited"; exit 1; }
      sleep 0.2
    done
    log "serving $jar_dir on $url (pid $(cat "$pid_file")); start the service with DATA_PROCESSOR_URL=$url"
  fi
}

down() {
  if pid="$(running_pid)"; then
    kill "$pid"
    log "stopped the JAR server on $url"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "$url" ;;
  *)
    echo "usage: $0 up|down|url" >&2
    exit 2
    ;;
esac
