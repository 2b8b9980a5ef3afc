#!/usr/bin/env bash
# The gateway beside the floor (../shared/bench/README.md): the same PerfDriver against each server, servers
# alternating, ROUNDS rounds, medians; prints throughput and server CPU per unit with the gateway/floor ratios.
#
#   bench/compare.sh [scenario ...]        scenarios: echo1 echo8 echo4x8 chatty100 chatty1m (default: all)
#
# Environment: FLOOR_DIR (default ../shared/bench), ROUNDS (3), SECONDS_PER_RUN (8), WARMUP (4),
# GATEWAY_ARGS (extra `serve` options). Run it on an otherwise idle machine: both servers, the driver and this
# script share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."

FLOOR_DIR=${FLOOR_DIR:-../shared/bench}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
WARMUP=${WARMUP:-4}
GATEWAY_PORT=18080
FLOOR_PORT=22100
TOKEN=tb
OUT=target/compare
mkdir -p "$OUT"

[ -f target/arcp-gateway.jar ] || mvn -q -B -DskipTests package
[ -f "$FLOOR_DIR/floor/target/arcp-floor.jar" ] || (cd "$FLOOR_DIR/floor" && mvn -q -B package)
if [ ! -f target/drv/PerfDriver.class ] || [ "$FLOOR_DIR/PerfDriver.java" -nt target/drv/PerfDriver.class ]; then
  javac --release 17 -cp target/arcp-gateway.jar -d target/drv "$FLOOR_DIR/PerfDriver.java"
fi

driver_args() {
  case "$1" in
    echo1) echo "echo --inflight 1 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    echo8) echo "echo --inflight 8 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    echo4x8) echo "echo --sessions 4 --inflight 8 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    chatty100) echo "chatty --events 100 --size 64 --inflight 8 --seconds $SECONDS_PER_RUN --warmup $WARMUP" ;;
    chatty1m) echo "chatty --events 1000000 --size 64 --runs 1 --warmup-runs 1 --warmup-events 200000" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
}

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  exit 1
}

# run <server> <scenario> <round>: starts the server, drives it once, stops it; appends the RESULT line
run() {
  local server=$1 scenario=$2 round=$3 port pid
  if [ "$server" = gateway ]; then
    port=$GATEWAY_PORT
    # shellcheck disable=SC2086
    java -jar target/arcp-gateway.jar serve --port "$port" --token "bench:$TOKEN" ${GATEWAY_ARGS:-} \
      >"$OUT/$server-$scenario-$round.log" 2>&1 &
  else
    port=$FLOOR_PORT
    java -jar "$FLOOR_DIR/floor/target/arcp-floor.jar" --port "$port" >"$OUT/$server-$scenario-$round.log" 2>&1 &
  fi
  pid=$!
  wait_port "$port"
  # shellcheck disable=SC2046
  java -cp target/arcp-gateway.jar:target/drv PerfDriver $(driver_args "$scenario") \
    --url "ws://127.0.0.1:$port/arcp" --token "$TOKEN" --cpu-pid "$pid" 2>>"$OUT/$server-$scenario-$round.log" \
    | grep '^RESULT ' | sed "s/^RESULT /$server $scenario /" >>"$OUT/results.txt"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(echo1 echo8 echo4x8 chatty100 chatty1m)
: >"$OUT/results.txt"
for scenario in "${SCENARIOS[@]}"; do
  for round in $(seq 1 "$ROUNDS"); do
    run gateway "$scenario" "$round"
    run floor "$scenario" "$round"
  done
done

python3 - "$OUT/results.txt" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    server, scenario, result = line.split(" ", 2)
    rows.setdefault((scenario, server), []).append(json.loads(result))
def median(scenario, server, key):
    values = [r[key] for r in rows.get((scenario, server), []) if key in r]
    return statistics.median(values) if values else float("nan")
print(f"{'scenario':<10} {'gateway':>12} {'floor':>12} {'ratio':>6}   {'CPU gateway/floor per unit':>28} {'ratio':>6}"
      f"   {'p99 result ms g/f':>18}")
for scenario in dict.fromkeys(s for s, _ in rows):
    chatty = scenario.startswith("chatty")
    rate, cpu = ("events_per_s", "server_us_per_event") if chatty else ("jobs_per_s", "server_us_per_job")
    g, f = median(scenario, "gateway", rate), median(scenario, "floor", rate)
    gc, fc = median(scenario, "gateway", cpu), median(scenario, "floor", cpu)
    gp, fp = median(scenario, "gateway", "result_p99_ms"), median(scenario, "floor", "result_p99_ms")
    print(f"{scenario:<10} {g:>12,.0f} {f:>12,.0f} {g / f:>6.2f}   {gc:>13.1f} / {fc:<6.1f} µs   {gc / fc:>6.1f}"
          f"   {gp:>8.2f} / {fp:<7.2f}")
EOF
