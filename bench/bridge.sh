#!/usr/bin/env bash
# Events/s delivered to one WebSocket client by a chatty agent: the built-in Java `chatty` (in the gateway's JVM),
# and its bridged twins `chatty-py` (Python process) and `chatty-node` (Node.js process) connected through the
# agent bridge. Uses bench/LoadDriver.java (chatty mode, --agent) against one gateway started here.
#
#   bench/bridge.sh                      # EVENTS=200000 SIZE=64 RUNS=3 AGENTS="chatty chatty-py chatty-node"
#   EVENTS=500000 SIZE=256 RUNS=5 bench/bridge.sh
#
# Needs target/arcp-gateway.jar (mvn -q -B -DskipTests package), python3 and node.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-200000}
SIZE=${SIZE:-64}
RUNS=${RUNS:-3}
AGENTS=${AGENTS:-"chatty chatty-py chatty-node"}
JAR=${JAR:-target/arcp-gateway.jar}
TOKEN=bench-token
AGENT_TOKEN=bench-agent-token
LOG=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "build first: mvn -q -B -DskipTests package" >&2; exit 2; }

java -jar "$JAR" serve --port 0 --bridge-port 0 --token "bench:$TOKEN" --agent-token "$AGENT_TOKEN:chatty-py,chatty-node" \
  >"$LOG/gateway.out" 2>"$LOG/gateway.err" &
PIDS+=($!)
for _ in $(seq 1 100); do
  grep -q "Agent bridge listening" "$LOG/gateway.out" 2>/dev/null && break
  sleep 0.2
done
URL=$(grep -o 'ws://[^ ]*' "$LOG/gateway.out")
BRIDGE_PORT=$(grep -o 'tcp://[^ ]*' "$LOG/gateway.out" | sed 's/.*://')
[ -n "$URL" ] && [ -n "$BRIDGE_PORT" ] || { echo "the gateway did not start:"; cat "$LOG"/gateway.*; exit 1; }

start_agent() { # name command...
  local name=$1; shift
  "$@" --port "$BRIDGE_PORT" --token "$AGENT_TOKEN" --max-concurrent 0 >"$LOG/$name.out" 2>"$LOG/$name.err" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    grep -q "announced" "$LOG/$name.out" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$name did not announce:"; cat "$LOG/$name".*; exit 1
}
case " $AGENTS " in *" chatty-py "*) start_agent chatty-py python3 agents-examples/python/chatty.py ;; esac
case " $AGENTS " in *" chatty-node "*) start_agent chatty-node node agents-examples/node/chatty.mjs ;; esac

echo "gateway $URL, agent bridge port $BRIDGE_PORT; $EVENTS events of $SIZE bytes, $RUNS runs per agent;" \
  "$(nproc) cores; $(java -version 2>&1 | head -1); $(python3 --version); node $(node --version)"
for agent in $AGENTS; do
  echo "== $agent"
  java -cp "$JAR" bench/LoadDriver.java chatty --url "$URL" --token "$TOKEN" --agent "$agent" \
    --events "$EVENTS" --size "$SIZE" --runs "$RUNS"
done
