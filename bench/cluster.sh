#!/usr/bin/env bash
# Two gateway nodes as one cluster (issue 11, "Speed"), beside one node, in one sitting on one embedded
# PostgreSQL: PerfDriver's echo jobs/s and events/s with the client on node A and the agents on node B
# (A runs `--no-demo-agents`, so every job crosses to B and its events cross back), against a single
# `serve --store pg` with the same store, ROUNDS rounds alternately, medians; then a node's loss: the client's
# node A is killed (kill -9) while two chatty jobs stream, and the client resumes on B, timed from the kill to
# the welcome and to both jobs' end (target: under 10 s).
#
#   bench/cluster.sh [scenario ...]    scenarios: echo8 chatty1m chatty100 failover (default: echo8 chatty1m failover)
#
# Environment: ROUNDS (3), SECONDS_PER_RUN (8), WARMUP (4), CHATTY_EVENTS (1000000), PORT (18480; node B is
# PORT+1), HZ_PORT (18570; Hazelcast of A, B on HZ_PORT+1), GATEWAY_ARGS, GATEWAY_JVM_ARGS, FLOOR_DIR
# (../shared/bench). Hazelcast binds to 127.0.0.1 only. Run it on an otherwise idle machine: both nodes,
# PostgreSQL and the driver share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."

FLOOR_DIR=${FLOOR_DIR:-../shared/bench}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
WARMUP=${WARMUP:-4}
CHATTY_EVENTS=${CHATTY_EVENTS:-1000000}
PORT=${PORT:-18480}
HZ_PORT=${HZ_PORT:-18570}
TOKEN=tb
OUT=target/cluster
JAR=target/arcp-gateway.jar
SECRET=bench-cluster-delegation-secret-of-32-bytes
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck source=bench/pg-processes.sh
. bench/pg-processes.sh
[ target/drv/ResumeDriver.class -nt bench/ResumeDriver.java ] \
  || javac --release 17 -cp "$JAR" -d target/drv bench/ResumeDriver.java

SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(echo8 chatty1m failover)
for scenario in "${SCENARIOS[@]}"; do [ "$scenario" = failover ] || driver_args "$scenario" >/dev/null; done

runs=0
for scenario in "${SCENARIOS[@]}"; do
  if [ "$scenario" = failover ]; then runs=$((runs + ROUNDS)); else runs=$((runs + 2 * ROUNDS)); fi
done
start_pg "$runs"

# start_node <A|B> <log> [serve options...]: a clustered node on the current database; sets LAUNCHED
CLUSTER=""
start_node() {
  local node=$1 log=$2 offset=0
  shift 2
  [ "$node" = B ] && offset=1
  launch_gateway "$log" $((PORT + offset)) --store pg --pg-uri "$URI" --cluster \
    --cluster-members "127.0.0.1:$HZ_PORT,127.0.0.1:$((HZ_PORT + 1))" --set "cluster.port=$((HZ_PORT + offset))" \
    --set "cluster.name=$CLUSTER" --set lease.delegation.algorithm=HS256 --set "lease.delegation.secret=$SECRET" "$@"
}

# cluster_up <tag> [options for A...]: node B (the agents) then node A (none of its own); sets A_PID, B_PID
cluster_up() {
  local tag=$1
  shift
  CLUSTER="arcp-bench-$tag-$RANDOM"
  start_node B "$OUT/$tag-b.log"
  B_PID=$LAUNCHED
  start_node A "$OUT/$tag-a.log" --no-demo-agents "$@"
  A_PID=$LAUNCHED
  # A welcomes B's agents once the nodes have met: wait until its inventory lists echo
  for _ in $(seq 1 300); do
    java -cp "$JAR" dev.arcpgateway.cli.Main agents --url "ws://127.0.0.1:$PORT/arcp" --token "$TOKEN" 2>/dev/null \
      | grep -q '^echo' && return 0
    sleep 0.2
  done
  echo "node A never listed node B's agents: $OUT/$tag-a.log" >&2
  exit 1
}

# perf <single|cross> <scenario> <round>
perf() {
  local topology=$1 scenario=$2 round=$3 tag="$1-$2-$3" result
  next_db
  if [ "$topology" = single ]; then
    launch_gateway "$OUT/$tag.log" "$PORT" --store pg --pg-uri "$URI"
    A_PID=$LAUNCHED
    B_PID=""
  else
    cluster_up "$tag"
  fi
  # shellcheck disable=SC2046
  result=$(java -cp "$JAR:target/drv" PerfDriver $(driver_args "$scenario") --url "ws://127.0.0.1:$PORT/arcp" \
    --token "$TOKEN" --cpu-pid "$A_PID" 2>"$OUT/$tag-driver.log" | sed -n 's/^RESULT //p') || true
  stop_pid TERM "$A_PID"
  [ -z "$B_PID" ] || stop_pid TERM "$B_PID"
  [ -n "$result" ] || { echo "no RESULT from PerfDriver: $OUT/$tag-driver.log" >&2; exit 1; }
  echo "$topology $scenario $result" >>"$OUT/results.txt"
  echo "$topology $scenario round $round: $result" >&2
}

# failover <round>: two chatty jobs on A (their agent on B), kill -9 A, the client resumes on B
failover() {
  local tag="failover-$1" result
  next_db
  cluster_up "$tag"
  result=$(java -cp "$JAR:target/drv" ResumeDriver failover --url "ws://127.0.0.1:$PORT/arcp" \
    --url-b "ws://127.0.0.1:$((PORT + 1))/arcp" --token "$TOKEN" --kill-pid "$A_PID" \
    2>"$OUT/$tag-driver.log" | sed -n 's/^RESULT //p') || true
  stop_pid KILL "$A_PID"
  stop_pid TERM "$B_PID"
  [ -n "$result" ] || { echo "no RESULT from ResumeDriver failover: $OUT/$tag-driver.log" >&2; exit 1; }
  echo "cross failover $result" >>"$OUT/results.txt"
  echo "failover round $1: $result" >&2
}

: >"$OUT/results.txt"
for scenario in "${SCENARIOS[@]}"; do
  for round in $(seq 1 "$ROUNDS"); do
    if [ "$scenario" = failover ]; then
      failover "$round"
    else
      perf single "$scenario" "$round"
      perf cross "$scenario" "$round"
    fi
  done
done

python3 - "$OUT/results.txt" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    topology, scenario, result = line.split(" ", 2)
    rows.setdefault((scenario, topology), []).append(json.loads(result))
def med(scenario, topology, key):
    values = [r.get(key) for r in rows.get((scenario, topology), []) if r.get(key) is not None]
    return statistics.median(values) if values else float("nan")
perf = [s for s in dict.fromkeys(s for s, _ in rows) if s != "failover"]
if perf:
    print(f"{'scenario':<10} {'one node':>10} {'A→B':>10} {'ratio':>6} {'≥ 0.50':>7}   {'node A CPU/unit one / A→B':>27}")
for scenario in perf:
    rate, cpu, unit = (("jobs_per_s", "server_us_per_job", "job") if scenario.startswith("echo")
                       else ("events_per_s", "server_us_per_event", "event"))
    one, cross = med(scenario, "single", rate), med(scenario, "cross", rate)
    ratio = cross / one if one else float("nan")
    print(f"{scenario:<10} {one:>10,.0f} {cross:>10,.0f} {ratio:>6.2f} {'yes' if ratio >= 0.5 else 'NO':>7}"
          f"   {med(scenario, 'single', cpu):>10.1f} / {med(scenario, 'cross', cpu):<7.1f} µs/{unit}")
runs = rows.get(("failover", "cross"), [])
if runs:
    ok = [r for r in runs if r.get("ok")]
    print()
    print(f"kill -9 of the client's node: {len(ok)}/{len(runs)} runs gap-free;"
          f" welcome on B {statistics.median([r['welcome_ms'] for r in ok]) if ok else float('nan'):.0f} ms,"
          f" both jobs ended {statistics.median([r['ended_s'] for r in ok]) if ok else float('nan'):.2f} s after the kill"
          f" (target < 10 s: {'yes' if ok and statistics.median([r['ended_s'] for r in ok]) < 10 else 'NO'});"
          f" outcomes {sorted(set(o for r in ok for o in r['outcomes']))}")
PY
