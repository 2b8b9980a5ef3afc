# Sourced by the bench scripts that run gateways on PostgreSQL (store.sh, cluster.sh): one embedded PostgreSQL
# for the sitting (bench/PgServer.java, the tests' EmbeddedPg: nothing to install; fsync, synchronous_commit and
# full_page_writes off as in the tests, so the disk's flush time is left out), a fresh database per run, and the
# gateway processes, all stopped when the script ends (Ctrl-C and kill included).
#
# Needs: JAR, TOKEN, FLOOR_DIR, SECONDS_PER_RUN, WARMUP, CHATTY_EVENTS set by the script. Gives: TEST_CP,
# driver_args, start_pg, next_db (sets URI), pg_ticks, pg_stats, launch_gateway, stop_pid.

PG_DIR=target/bench-pg
mkdir -p "$PG_DIR/tmp" target/drv

[ -f "$FLOOR_DIR/PerfDriver.java" ] || { echo "no PerfDriver.java in FLOOR_DIR=$FLOOR_DIR" >&2; exit 2; }
[ -f "$JAR" ] && [ -d target/test-classes ] || mvn -q -B -DskipTests package
[ -s "$PG_DIR/classpath.txt" ] && [ "$PG_DIR/classpath.txt" -nt pom.xml ] \
  || mvn -o -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PG_DIR/classpath.txt"
TEST_CP="target/test-classes:$(cat "$PG_DIR/classpath.txt")"
if [ ! -f target/drv/PerfDriver.class ] || [ "$FLOOR_DIR/PerfDriver.java" -nt target/drv/PerfDriver.class ]; then
  javac --release 17 -cp "$JAR" -d target/drv "$FLOOR_DIR/PerfDriver.java"
fi
[ target/drv/PgServer.class -nt bench/PgServer.java ] \
  || javac --release 17 -cp "$TEST_CP" -d target/drv bench/PgServer.java

# driver_args <scenario>: PerfDriver's options for one of the scenarios these scripts share
driver_args() {
  case "$1" in
    echo8) echo "echo --inflight 8 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    chatty1m) echo "chatty --events $CHATTY_EVENTS --size 64 --runs 1 --warmup-runs 1 --warmup-events $((CHATTY_EVENTS / 5))" ;;
    chatty100) echo "chatty --events 100 --size 64 --inflight 8 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
}

PG_PID=""      # the PgServer JVM
GW_PIDS=()     # every gateway started, stopped or not
cleanup() {
  for pid in "${GW_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -n "$PG_PID" ]; then
    kill "$PG_PID" 2>/dev/null || true # its shutdown hook stops PostgreSQL and removes the data directory
    wait "$PG_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap stops PostgreSQL and the gateways on Ctrl-C or kill too

# start_pg <databases>: PostgreSQL with that many empty databases; its data directory goes under target/
start_pg() {
  : >"$PG_DIR/server.out"
  java -Djava.io.tmpdir="$PG_DIR/tmp" -Dot.epg.working-dir="${TMPDIR:-/tmp}/embedded-pg" -cp "target/drv:$TEST_CP" \
    PgServer serve --databases "$1" >>"$PG_DIR/server.out" 2>"$PG_DIR/server.err" &
  PG_PID=$!
  for _ in $(seq 1 600); do
    grep -q '^READY' "$PG_DIR/server.out" && break
    kill -0 "$PG_PID" 2>/dev/null || { echo "PostgreSQL did not start:" >&2; cat "$PG_DIR/server.err" >&2; exit 1; }
    sleep 0.1
  done
  grep -q '^READY' "$PG_DIR/server.out" || { echo "PostgreSQL did not start within 60 s" >&2; exit 1; }
  mapfile -t PG_URIS < <(awk '$1 == "URI" {print $2}' "$PG_DIR/server.out")
  POSTMASTER=$(awk '$1 == "PID" {print $2}' "$PG_DIR/server.out")
  NEXT_DB=0
}

next_db() { URI=${PG_URIS[$NEXT_DB]}; NEXT_DB=$((NEXT_DB + 1)); }

# CPU ticks of the postmaster and its children (backends, writers), including children that already exited
pg_ticks() {
  python3 - "$POSTMASTER" <<'PY'
import os, sys
root, total = sys.argv[1], 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    if pid == root or fields[1] == root:
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
print(total)
PY
}

pg_stats() { java -cp "target/drv:$TEST_CP" PgServer stats "$URI" | sed -n 's/^STATS //p'; }

# launch_gateway <log> <port> [serve options...]: sets LAUNCHED to its pid once it listens on <port>
launch_gateway() {
  local log=$1 port=$2
  shift 2
  : >"$log" # emptied here, not in the background job: the wait below must not read an older run's line
  # shellcheck disable=SC2086
  java ${GATEWAY_JVM_ARGS:-} -jar "$JAR" serve --port "$port" --bridge-port 0 --token "bench:$TOKEN" "$@" \
    ${GATEWAY_ARGS:-} >>"$log" 2>&1 &
  LAUNCHED=$!
  GW_PIDS+=("$LAUNCHED")
  for _ in $(seq 1 900); do
    grep -qs 'ARCP gateway listening' "$log" && return 0
    kill -0 "$LAUNCHED" 2>/dev/null || { echo "the gateway did not start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the gateway did not start within 90 s: $log" >&2
  exit 1
}

# stop_pid <TERM|KILL> <pid>: SIGTERM drains (at most 60 s here, then kill -9); KILL is kill -9
stop_pid() {
  { # stderr of the whole block: the shell's "Killed" notice goes with it
    kill "-$1" "$2" || true
    for _ in $(seq 1 600); do kill -0 "$2" || break; sleep 0.1; done
    kill -9 "$2" || true
    wait "$2" || true
  } 2>/dev/null
}
