#!/usr/bin/env bash
# Runs a real Apache Flink standalone session cluster (one JobManager, one
# TaskManager) on 127.0.0.1, assembled from the Flink jars on Maven Central.
#
#   scripts/flink-local/flink-local.sh up|down|status|path|savepoints|stop-jobmanager [--kill]|start-jobmanager
#
#   path: the work dir; savepoints: the savepoint folder as the file:// URI to give the service as SAVEPOINT_DIR
#
# Environment:
#   FLINK_VERSION          Flink version (default 1.20.5; 2.3.0 is tested too)
#   FLINK_REST_PORT        REST / web UI port (default 8081)
#   FLINK_RPC_PORT         JobManager RPC port (default 6123 + FLINK_REST_PORT - 8081)
#   FLINK_LOCAL_HOME       work directory root (default <repo>/.flink-local)
#   FLINK_TASK_SLOTS       TaskManager slots (default 4)
#   FLINK_JM_MEMORY        jobmanager.memory.process.size (default 1024m)
#   FLINK_TM_MEMORY        taskmanager.memory.process.size (default 1536m)
#   FLINK_UP_TIMEOUT       seconds to wait for free slots (default 180)
#   FLINK_STOP_TIMEOUT     seconds between SIGTERM and SIGKILL (default 30)
#   JAVA                   java binary (default: $JAVA_HOME/bin/java or java)
#   MVN                    maven binary (default mvn)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

FLINK_VERSION="${FLINK_VERSION:-1.20.5}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-$((6123 + FLINK_REST_PORT - 8081))}"
FLINK_LOCAL_HOME="${FLINK_LOCAL_HOME:-$REPO_ROOT/.flink-local}"
FLINK_TASK_SLOTS="${FLINK_TASK_SLOTS:-4}"
FLINK_JM_MEMORY="${FLINK_JM_MEMORY:-1024m}"
FLINK_TM_MEMORY="${FLINK_TM_MEMORY:-1536m}"
FLINK_UP_TIMEOUT="${FLINK_UP_TIMEOUT:-180}"
FLINK_STOP_TIMEOUT="${FLINK_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"
if [[ -z "${JAVA:-}" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$JAVA_HOME/bin/java"
  else
    JAVA=java
  fi
fi

HOST=127.0.0.1
WORK_DIR="$FLINK_LOCAL_HOME/$FLINK_VERSION"
LIB_DIR="$WORK_DIR/lib"
# Everything that belongs to one cluster instance is keyed by its REST port.
INSTANCE_DIR="$WORK_DIR/cluster-$FLINK_REST_PORT"
CONF_DIR="$INSTANCE_DIR/conf"
LOG_DIR="$INSTANCE_DIR/log"
RUN_DIR="$INSTANCE_DIR/run"
TMP_DIR="$INSTANCE_DIR/tmp"
UPLOAD_DIR="$INSTANCE_DIR/web-upload"
SAVEPOINT_DIR="$WORK_DIR/savepoints"
CHECKPOINT_DIR="$WORK_DIR/checkpoints"
BASE_URL="http://$HOST:$FLINK_REST_PORT"

JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
BASH_UTILS_CLASS=org.apache.flink.runtime.util.bash.BashJavaUtils

# Flink's default env.java.opts.all (flink-dist config.yaml), needed on Java 17.
JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

log() { echo "[flink-local] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  cat >&2 <<EOF
usage: $(basename "$0") <command>

  up                 resolve jars (first time only), write config, start JobManager and
                     TaskManager, wait until slots are free
  down               stop the JobManager and TaskManager started by 'up'
  stop-jobmanager    stop only the JobManager (SIGTERM; with --kill: SIGKILL, like a crash)
  start-jobmanager   start the JobManager again and wait until slots are free
  status             show the processes and GET /overview
  path               print the work directory for FLINK_VERSION
  savepoints         print the savepoint folder as a file:// URI (the service's SAVEPOINT_DIR)

FLINK_VERSION=$FLINK_VERSION FLINK_REST_PORT=$FLINK_REST_PORT
EOF
}

major_version() { echo "${FLINK_VERSION%%.*}"; }

# ---------------------------------------------------------------- classpath

# The lib/ folder is resolved again whenever pom.xml changes (its checksum is kept in .complete).
lib_stamp() { cksum <"$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

lib_is_current() { [[ -f "$LIB_DIR/.complete" && "$(cat "$LIB_DIR/.complete")" == "$(lib_stamp)" ]]; }

resolve_lib() {
  if lib_is_current; then
    return 0
  fi
  mkdir -p "$WORK_DIR"
  # One resolution per version at a time, even for clusters on different ports.
  exec 8>"$WORK_DIR/.lib.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 900 8 || die "timed out waiting for $WORK_DIR/.lib.lock"
  fi
  if lib_is_current; then
    exec 8>&-
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  log "resolving Flink $FLINK_VERSION jars from Maven into $LIB_DIR"
  rm -rf "$LIB_DIR"
  mkdir -p "$LIB_DIR"
  local mvn_log="$WORK_DIR/maven.log"
  if ! "$MVN" -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" \
      -Dflink.version="$FLINK_VERSION" \
      dependency:copy-dependencies \
      -DincludeScope=runtime \
      -DoutputDirectory="$LIB_DIR" >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2 || true
    rm -rf "$LIB_DIR"
    die "could not resolve Flink $FLINK_VERSION from Maven (see $mvn_log)"
  fi
  [[ -n "$(ls "$LIB_DIR"/flink-runtime-web-*.jar 2>/dev/null)" ]] || die "flink-runtime-web missing in $LIB_DIR"
  lib_stamp >"$LIB_DIR/.complete"
  exec 8>&-
}

classpath() {
  local cp="" jar
  for jar in "$LIB_DIR"/*.jar; do
    cp="${cp:+$cp:}$jar"
  done
  echo "$cp"
}

# ---------------------------------------------------------------- config

write_config() {
  mkdir -p "$CONF_DIR" "$LOG_DIR" "$RUN_DIR" "$TMP_DIR" "$UPLOAD_DIR" \
    "$INSTANCE_DIR/plugins" "$SAVEPOINT_DIR" "$CHECKPOINT_DIR"

  # Flink 1.x reads flink-conf.yaml first (config.yaml only when it is missing);
  # Flink 2.x only reads config.yaml. Write exactly the one this version reads.
  local conf_file stale_file
  if [[ "$(major_version)" -ge 2 ]]; then
    conf_file="$CONF_DIR/config.yaml"
    stale_file="$CONF_DIR/flink-conf.yaml"
  else
    conf_file="$CONF_DIR/flink-conf.yaml"
    stale_file="$CONF_DIR/config.yaml"
  fi
  rm -f "$stale_file"

  cat >"$conf_file" <<EOF
# Generated by scripts/flink-local/flink-local.sh for Flink $FLINK_VERSION; rewritten by 'up'.
env.java.opts.all: ${JAVA17_OPTS[*]}

jobmanager.rpc.address: $HOST
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: $HOST
jobmanager.memory.process.size: $FLINK_JM_MEMORY
jobmanager.execution.failover-strategy: region

taskmanager.host: $HOST
taskmanager.bind-host: $HOST
taskmanager.numberOfTaskSlots: $FLINK_TASK_SLOTS
taskmanager.memory.process.size: $FLINK_TM_MEMORY
taskmanager.resource-id: local-taskmanager-$FLINK_REST_PORT
# Keep the TaskManager alive while the JobManager is stopped for a while.
taskmanager.registration.timeout: 1h

parallelism.default: 1

rest.address: $HOST
rest.bind-address: $HOST
rest.port: $FLINK_REST_PORT
web.submit.enable: true
web.cancel.enable: true
web.upload.dir: $UPLOAD_DIR
web.tmpdir: $TMP_DIR
io.tmp.dirs: $TMP_DIR

restart-strategy.type: none

# Old (1.x) and new (1.20+/2.x) names of the checkpoint / savepoint directories.
state.checkpoints.dir: file://$CHECKPOINT_DIR
state.savepoints.dir: file://$SAVEPOINT_DIR
execution.checkpointing.dir: file://$CHECKPOINT_DIR
execution.checkpointing.savepoint-dir: file://$SAVEPOINT_DIR

# Notice a stopped JobManager / TaskManager sooner than the 50 s default
# (a TaskManager re-registers with a restarted JobManager after this timeout).
heartbeat.interval: 3000
heartbeat.timeout: 15000
EOF

  cat >"$CONF_DIR/log4j.properties" <<'EOF'
# Same layout as Flink's conf/log4j.properties: one rolling file per process.
monitorInterval=30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.akka.name = akka
logger.akka.level = INFO
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = INFO
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = INFO
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 5
EOF

  cat >"$CONF_DIR/log4j-bash-utils.properties" <<'EOF'
rootLogger.level = ERROR
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = CONSOLE
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c - %m%n
EOF
}

# Runs Flink's BashJavaUtils (as bin/config.sh does) to derive the JVM memory flags
# (line 1) and the dynamic memory properties (line 2) from the config.
memory_params() {
  local command="$1" out results
  out="$("$JAVA" -cp "$(classpath)" \
    -Dlog4j.configurationFile="file:$CONF_DIR/log4j-bash-utils.properties" \
    "$BASH_UTILS_CLASS" "$command" --configDir "$CONF_DIR" 2>"$LOG_DIR/bash-java-utils.err")" \
    || { cat "$LOG_DIR/bash-java-utils.err" >&2; die "BashJavaUtils $command failed"; }
  results="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://' || true)"
  if [[ "$(wc -l <<<"$results")" -lt 2 ]]; then
    echo "$out" >&2
    die "unexpected BashJavaUtils $command output"
  fi
  echo "$results" | tail -n 2
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$RUN_DIR/$1.pid"; }

# Prints the pid recorded for a component if that process is still the one we started.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  # Guard against pid reuse: the command line must carry our config dir and component.
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *"-Dflink.local.component=$1"* && "$cmdline" == *"$CONF_DIR"* ]] || return 1
  echo "$pid"
}

start_component() {
  local component="$1" main_class="$2" utils_command="$3"
  local params jvm_params dynamic_params log_file out_file pid
  params="$(memory_params "$utils_command")"
  jvm_params="$(sed -n 1p <<<"$params")"
  dynamic_params="$(sed -n 2p <<<"$params")"
  log_file="$LOG_DIR/$component.log"
  out_file="$LOG_DIR/$component.out"

  local -a cmd=("$JAVA")
  # shellcheck disable=SC2206 # word splitting intended: "-Xmx.. -Xms.." style flags
  cmd+=($jvm_params)
  cmd+=("${JAVA17_OPTS[@]}" -XX:+IgnoreUnrecognizedVMOptions
    "-Dflink.local.component=$component"
    "-Dlog.file=$log_file"
    "-Dlog4j.configuration=file:$CONF_DIR/log4j.properties"
    "-Dlog4j.configurationFile=file:$CONF_DIR/log4j.properties"
    -classpath "$(classpath)"
    "$main_class" --configDir "$CONF_DIR")
  # shellcheck disable=SC2206 # "-D key=value -D key=value"
  cmd+=($dynamic_params)

  {
    echo "=== $(date '+%Y-%m-%d %H:%M:%S') starting $component (Flink $FLINK_VERSION)"
  } >>"$out_file"
  # setsid + nohup: the process outlives this script and its caller's process group.
  # It runs in the instance dir so relative paths (e.g. "plugins") stay inside it.
  (
    cd "$INSTANCE_DIR"
    export FLINK_CONF_DIR="$CONF_DIR" FLINK_LIB_DIR="$LIB_DIR" FLINK_PLUGINS_DIR="$INSTANCE_DIR/plugins"
    exec 9>&-
    exec setsid nohup "${cmd[@]}" >>"$out_file" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$(pid_file "$component")"
  log "started $component (pid $pid), log: $log_file"
}

stop_component() {
  local component="$1" signal="${2:-TERM}" pid waited=0
  if ! pid="$(running_pid "$component")"; then
    rm -f "$(pid_file "$component")"
    log "$component is not running"
    return 0
  fi
  log "stopping $component (pid $pid, SIG$signal)"
  kill "-$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    # A zombie counts as gone.
    if [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)" == Z ]]; then
      break
    fi
    if ((waited >= FLINK_STOP_TIMEOUT * 10)); then
      log "$component did not stop within ${FLINK_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$(pid_file "$component")"
  log "$component stopped"
}

# ---------------------------------------------------------------- REST checks

overview() { curl -fsS --max-time 5 "$BASE_URL/overview" 2>/dev/null; }

free_slots() {
  local json
  json="$(overview)" || return 1
  sed -n 's/.*"slots-available":\([0-9]*\).*/\1/p' <<<"$json"
}

port_in_use() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

print_log_tails() {
  local f
  for f in "$LOG_DIR"/jobmanager.out "$LOG_DIR"/jobmanager.log "$LOG_DIR"/taskmanager.out "$LOG_DIR"/taskmanager.log; do
    [[ -f "$f" ]] || continue
    echo "----- tail -n 40 $f" >&2
    tail -n 40 "$f" >&2 || true
  done
}

wait_for_slots() {
  local deadline=$((SECONDS + FLINK_UP_TIMEOUT)) slots
  while ((SECONDS < deadline)); do
    slots="$(free_slots || true)"
    if [[ -n "$slots" && "$slots" -gt 0 ]]; then
      log "cluster ready at $BASE_URL ($slots free slots, Flink $FLINK_VERSION)"
      return 0
    fi
    local c
    for c in jobmanager taskmanager; do
      if ! running_pid "$c" >/dev/null; then
        log "$c exited during startup"
        print_log_tails
        return 1
      fi
    done
    sleep 1
  done
  log "timed out after ${FLINK_UP_TIMEOUT}s waiting for free slots at $BASE_URL/overview"
  print_log_tails
  return 1
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local jm_pid tm_pid
  jm_pid="$(running_pid jobmanager || true)"
  tm_pid="$(running_pid taskmanager || true)"
  if [[ -n "$jm_pid" && -n "$tm_pid" ]]; then
    if overview >/dev/null; then
      log "Flink $FLINK_VERSION is already up at $BASE_URL (jobmanager pid $jm_pid, taskmanager pid $tm_pid)"
      log "savepoints go to file://$SAVEPOINT_DIR (SAVEPOINT_DIR for the service)"
      return 0
    fi
    log "processes are running but $BASE_URL does not answer yet; waiting"
    wait_for_slots
    return
  fi
  if [[ -n "$jm_pid" || -n "$tm_pid" ]]; then
    log "only part of the cluster is running; restarting it"
    cmd_down
  fi
  rm -f "$(pid_file jobmanager)" "$(pid_file taskmanager)"
  if port_in_use "$FLINK_REST_PORT"; then
    die "port $FLINK_REST_PORT on $HOST is already in use by a process these scripts did not start"
  fi
  if port_in_use "$FLINK_RPC_PORT"; then
    die "RPC port $FLINK_RPC_PORT on $HOST is already in use (set FLINK_RPC_PORT)"
  fi

  local start=$SECONDS
  resolve_lib
  write_config
  # Uploaded jars do not outlive a JobManager, as with Flink's default temp upload dir.
  rm -rf "${UPLOAD_DIR:?}"/*
  # Whatever goes wrong from here on, do not leave half a cluster behind.
  trap 'exit 130' INT TERM
  trap 'rc=$?; if ((rc != 0)); then log "up failed; stopping what was started"; cmd_down || true; fi' EXIT
  start_component jobmanager "$JM_CLASS" GET_JM_RESOURCE_PARAMS
  start_component taskmanager "$TM_CLASS" GET_TM_RESOURCE_PARAMS
  wait_for_slots || exit 1
  trap - EXIT INT TERM
  log "up took $((SECONDS - start))s"
  log "Flink $FLINK_VERSION at $BASE_URL; savepoints go to file://$SAVEPOINT_DIR (SAVEPOINT_DIR for the service)"
}

cmd_down() {
  stop_component taskmanager
  stop_component jobmanager
}

cmd_stop_jobmanager() {
  case "${1:-}" in
    "") stop_component jobmanager TERM ;;
    --kill) stop_component jobmanager KILL ;;
    *) die "usage: stop-jobmanager [--kill]" ;;
  esac
}

cmd_start_jobmanager() {
  if [[ ! -f "$LIB_DIR/.complete" || ! -d "$CONF_DIR" ]]; then
    die "no cluster set up for Flink $FLINK_VERSION on port $FLINK_REST_PORT; run 'up' first"
  fi
  if running_pid jobmanager >/dev/null; then
    log "jobmanager is already running"
  else
    if port_in_use "$FLINK_REST_PORT"; then
      die "port $FLINK_REST_PORT on $HOST is already in use"
    fi
    rm -rf "${UPLOAD_DIR:?}"/*
    start_component jobmanager "$JM_CLASS" GET_JM_RESOURCE_PARAMS
  fi
  if ! running_pid taskmanager >/dev/null; then
    log "taskmanager is not running; starting it too"
    start_component taskmanager "$TM_CLASS" GET_TM_RESOURCE_PARAMS
  fi
  wait_for_slots
}

cmd_status() {
  local c pid rc=0
  echo "Flink $FLINK_VERSION, REST $BASE_URL, work dir $WORK_DIR"
  for c in jobmanager taskmanager; do
    if pid="$(running_pid "$c")"; then
      echo "$c: running (pid $pid)"
    else
      echo "$c: not running"
      rc=1
    fi
  done
  local json
  if json="$(overview)"; then
    echo "overview: $json"
  else
    echo "overview: not reachable"
    rc=1
  fi
  return $rc
}

# Serialises commands on one cluster instance (fd 9 is closed for the Flink processes).
lock_instance() {
  mkdir -p "$INSTANCE_DIR"
  exec 9>"$INSTANCE_DIR/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 600 9 || die "another flink-local.sh command holds $INSTANCE_DIR/.lock"
  fi
}

main() {
  local command="${1:-}"
  case "$command" in
    up | down | stop-jobmanager | start-jobmanager) lock_instance ;;
  esac
  case "$command" in
    up) cmd_up ;;
    down) cmd_down ;;
    stop-jobmanager) cmd_stop_jobmanager "${2:-}" ;;
    start-jobmanager) cmd_start_jobmanager ;;
    status) cmd_status ;;
    path) echo "$WORK_DIR" ;;
    savepoints) echo "file://$SAVEPOINT_DIR" ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
