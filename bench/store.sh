#!/usr/bin/env bash
# The gateway on its two stores in one sitting (issue 10, "Speed"): memory and PostgreSQL alternately, ROUNDS
# rounds, medians; prints memory vs pg, the pg/memory ratio against the ½ target, where PostgreSQL's share of each
# run went, and the resume of a 100,000-event backlog after a restart against the 3 s target.
#
#   bench/store.sh [scenario ...]     scenarios: echo8 chatty1m chatty100 resume (default: echo8 chatty1m resume)
#
#   echo8      PerfDriver echo, 8 jobs in flight, one session (jobs/s)
#   chatty1m   PerfDriver chatty, one job of CHATTY_EVENTS 64-byte events to one client, after a warm-up job
#   chatty100  PerfDriver chatty, jobs of 100 events, 8 in flight, timed
#   resume     ResumeDriver: one chatty job of RESUME_EVENTS events read to its result, the socket dropped, then a
#              resume with last_event_seq 0 timed to the last replayed event; RESUME_MODES say what happens in
#              between on pg: live (nothing: same gateway process), term (SIGTERM, start again on the same
#              database), kill9 (kill -9, start again). Memory runs live only (it keeps nothing over a restart).
#
# Every pg run gets its own empty database on one embedded PostgreSQL (bench/PgServer.java, the tests'
# EmbeddedPg: nothing to install; fsync, synchronous_commit and full_page_writes off as in the tests, so the
# disk's flush time is left out). Environment: ROUNDS (3), SECONDS_PER_RUN (8), WARMUP (4), CHATTY_EVENTS (1000000),
# RESUME_EVENTS (100000), RESUME_FORM (nested | flat | frame), RESUME_MODES ("live term kill9"), PORT (18480),
# GATEWAY_ARGS (extra `serve` options for every run), GATEWAY_JVM_ARGS (extra JVM options, e.g. a JFR recording), FLOOR_DIR (where PerfDriver.java is,
# default ../shared/bench). Run it on an otherwise idle machine: gateway, PostgreSQL and driver share its cores.
set -euo pipefail
cd "$(dirname "$0")/.."

FLOOR_DIR=${FLOOR_DIR:-../shared/bench}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
WARMUP=${WARMUP:-4}
CHATTY_EVENTS=${CHATTY_EVENTS:-1000000}
RESUME_EVENTS=${RESUME_EVENTS:-100000}
RESUME_FORM=${RESUME_FORM:-nested}
read -r -a RESUME_MODES <<<"${RESUME_MODES:-live term kill9}"
PORT=${PORT:-18480}
TOKEN=tb
OUT=target/store
JAR=target/arcp-gateway.jar
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck source=bench/pg-processes.sh
. bench/pg-processes.sh
[ target/drv/ResumeDriver.class -nt bench/ResumeDriver.java ] \
  || javac --release 17 -cp "$JAR" -d target/drv bench/ResumeDriver.java

SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(echo8 chatty1m resume)

for scenario in "${SCENARIOS[@]}"; do [ "$scenario" = resume ] || driver_args "$scenario" >/dev/null; done

# ---- processes: one PostgreSQL for the sitting, one gateway at a time ------------------------------------------

databases=0
for scenario in "${SCENARIOS[@]}"; do
  if [ "$scenario" = resume ]; then databases=$((databases + ROUNDS * ${#RESUME_MODES[@]})); else databases=$((databases + ROUNDS)); fi
done
start_pg "$databases"
GW_PID=""

# start_gateway <memory|pg> <log> [serve options...]: sets GW_PID once it listens
start_gateway() {
  local store=$1 log=$2
  shift 2
  local store_args=()
  [ "$store" = pg ] && store_args=(--store pg --pg-uri "$URI")
  launch_gateway "$log" "$PORT" "${store_args[@]}" "$@"
  GW_PID=$LAUNCHED
}

# stop_gateway <TERM|KILL>
stop_gateway() {
  stop_pid "$1" "$GW_PID"
  GW_PID=""
}

# ---- runs ---------------------------------------------------------------------------------------------------

# perf <store> <scenario> <round>: one PerfDriver run on a fresh gateway (and, on pg, a fresh database)
perf() {
  local store=$1 scenario=$2 round=$3 log="$OUT/$1-$2-$3.log" result before after t0 t1
  [ "$store" = pg ] && next_db
  start_gateway "$store" "$log"
  [ "$store" = pg ] && before=$(pg_ticks)
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  result=$(java -cp "$JAR:target/drv" PerfDriver $(driver_args "$scenario") --url "ws://127.0.0.1:$PORT/arcp" \
    --token "$TOKEN" --cpu-pid "$GW_PID" 2>"${log%.log}-driver.log" | sed -n 's/^RESULT //p') || true
  t1=$(date +%s.%N)
  [ "$store" = pg ] && after=$(pg_ticks)
  stop_gateway TERM
  [ -n "$result" ] || { echo "no RESULT from PerfDriver: ${log%.log}-driver.log, $log" >&2; exit 1; }
  echo "$store $scenario $result" >>"$OUT/results.txt"
  if [ "$store" = pg ]; then
    sleep 1 # the statistics collector hears of the backends' last transactions
    echo "pgdb $scenario {\"pg_cpu_s\": $(((after - before)))e-2, \"run_s\": $(awk "BEGIN {print $t1 - $t0}")," \
      "\"stats\": $(pg_stats)}" >>"$OUT/results.txt"
  fi
  echo "$store $scenario round $round: $result" >&2
}

# resume <store> <mode> <round>
resume() {
  local store=$1 mode=$2 round=$3 log="$OUT/$1-resume-$2-$3" state="$OUT/resume-state.json" submitted result rc=0
  local buffer=(--set "limits.resume_buffer_max_events=$((RESUME_EVENTS + 1024))"
    --set "limits.resume_buffer_max_bytes=$(((RESUME_EVENTS + 1024) * 512 > 67108864 ? (RESUME_EVENTS + 1024) * 512 : 67108864))")
  [ "$store" = pg ] && next_db
  start_gateway "$store" "$log-1.log" "${buffer[@]}"
  submitted=$(java -cp "$JAR:target/drv" ResumeDriver submit --url "ws://127.0.0.1:$PORT/arcp" --token "$TOKEN" \
    --events "$RESUME_EVENTS" --state "$state" 2>>"$log-driver.log" | sed -n 's/^RESULT //p') || true
  [ -n "$submitted" ] || { echo "no RESULT from ResumeDriver submit: $log-driver.log" >&2; exit 1; }
  case "$mode" in
    live) ;;
    term) stop_gateway TERM; start_gateway "$store" "$log-2.log" "${buffer[@]}" ;;
    kill9) stop_gateway KILL; start_gateway "$store" "$log-2.log" "${buffer[@]}" ;;
    *) echo "unknown resume mode $mode" >&2; exit 2 ;;
  esac
  result=$(java -cp "$JAR:target/drv" ResumeDriver resume --url "ws://127.0.0.1:$PORT/arcp" --token "$TOKEN" \
    --state "$state" --form "$RESUME_FORM" --cpu-pid "$GW_PID" 2>>"$log-driver.log" | sed -n 's/^RESULT //p') || rc=$?
  stop_gateway TERM
  [ -n "$result" ] || { echo "no RESULT from ResumeDriver resume (exit $rc): $log-driver.log" >&2; exit 1; }
  echo "$store submit $submitted" >>"$OUT/results.txt"
  echo "$store resume-$mode $result" >>"$OUT/results.txt"
  echo "$store resume-$mode round $round: $result" >&2
}

: >"$OUT/results.txt"
for scenario in "${SCENARIOS[@]}"; do
  for round in $(seq 1 "$ROUNDS"); do
    if [ "$scenario" = resume ]; then
      resume memory live "$round"
      for mode in "${RESUME_MODES[@]}"; do resume pg "$mode" "$round"; done
    else
      perf memory "$scenario" "$round"
      perf pg "$scenario" "$round"
    fi
  done
done

python3 - "$OUT/results.txt" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    store, scenario, result = line.split(" ", 2)
    rows.setdefault((scenario, store), []).append(json.loads(result))
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")
def med(scenario, store, key):
    return median([r.get(key) for r in rows.get((scenario, store), [])])
scenarios = list(dict.fromkeys(s for s, _ in rows))
durable = next((f"fsync {d['stats'].get('fsync')}" for (s, store), ds in rows.items() if store == "pgdb" for d in ds), "")

perf = [s for s in scenarios if s in ("echo8", "chatty1m", "chatty100")]
if perf:
    print(f"{'scenario':<10} {'memory':>10} {'pg':>10} {'pg/mem':>7} {'≥ 0.50':>7}   {'gateway CPU/unit mem / pg':>26}"
          f"   {'PostgreSQL/unit (' + durable + ')':>40}")
for scenario in perf:
    echo = scenario.startswith("echo")
    rate, cpu, unit, table = (("jobs_per_s", "server_us_per_job", "job", "arcp_job") if echo
                              else ("events_per_s", "server_us_per_event", "event", "arcp_event"))
    m, p = med(scenario, "memory", rate), med(scenario, "pg", rate)
    mc, pc = med(scenario, "memory", cpu), med(scenario, "pg", cpu)
    # PostgreSQL's share, over the whole driver run (warm-up included), per unit it stored in that run
    db = rows.get((scenario, "pgdb"), [])
    units = [d["stats"]["tables"].get(table, {}).get("ins") or float("nan") for d in db]
    pg_us = median([d["pg_cpu_s"] * 1e6 / u for d, u in zip(db, units)])
    commits = median([d["stats"]["xact_commit"] / u for d, u in zip(db, units)])
    active = median([d["stats"]["active_ms"] * 1e3 / u for d, u in zip(db, units)])
    ratio = p / m if m else float("nan")
    print(f"{scenario:<10} {m:>10,.0f} {p:>10,.0f} {ratio:>7.2f} {'yes' if ratio >= 0.5 else 'NO':>7}"
          f"   {mc:>10.1f} / {pc:<7.1f} µs/{unit}   {pg_us:>6.1f} µs CPU, {active:>5.1f} µs in SQL, {commits:>4.2f} commits")
    writes = {}
    for d in db:
        for name, t in d["stats"]["tables"].items():
            writes.setdefault(name, []).append((t["ins"] + t["upd"] + t["del"]) / max(1, d["stats"]["tables"].get(table, {}).get("ins", 1)))
    print(" " * 11 + f"pg rows written per {unit}: " + ", ".join(f"{n} {median(v):.2f}" for n, v in sorted(writes.items())
                                                                 if median(v) >= 0.005))

resumes = [s for s in scenarios if s.startswith("resume-")]
if resumes:
    print()
    print(f"{'resume':<16} {'runs':>4} {'ok':>3} {'welcome ms':>11} {'to last event s':>16} {'events/s':>10}"
          f" {'gateway CPU s':>14}   {'< 3 s':>6}")
for scenario in resumes:
    for store in ("memory", "pg"):
        runs = rows.get((scenario, store), [])
        if not runs:
            continue
        ok = [r for r in runs if r.get("ok")]
        refused = [r["refused"] for r in runs if "refused" in r]
        label = f"{store} {scenario[7:]}"
        if not ok:
            print(f"{label:<16} {len(runs):>4} {0:>3}   " + (f"refused: {refused[0]}" if refused else
                  f"failed: {runs[0].get('failure', runs[0])}"))
            continue
        secs = median([r["resume_s"] for r in ok])
        target = "yes" if secs < 3 else "NO"
        print(f"{label:<16} {len(runs):>4} {len(ok):>3} {median([r['welcome_ms'] for r in ok]):>11.1f}"
              f" {secs:>16.3f} {median([r['events_per_s'] for r in ok]):>10,.0f}"
              f" {median([r.get('server_cpu_s') for r in ok]):>14.2f}   {target if scenario != 'resume-live' else '':>6}")
for store in ("memory", "pg"):
    subs = rows.get(("submit", store), [])
    if subs:
        print(f"(the submitted job: {store} {median([s['events_per_s'] for s in subs]):,.0f} events/s,"
              f" {median([s['job_s'] for s in subs]):.2f} s)")
EOF
