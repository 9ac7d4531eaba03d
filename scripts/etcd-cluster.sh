#!/usr/bin/env bash
# A local 3-member etcd cluster on 127.0.0.1, for the etcd store's tests and benchmarks.
#
#   scripts/etcd-cluster.sh start            start all members, wait until the cluster is healthy
#   scripts/etcd-cluster.sh stop             stop all members and delete the data
#   scripts/etcd-cluster.sh status           print each member's health
#   scripts/etcd-cluster.sh endpoints        print the client endpoints (comma separated)
#   scripts/etcd-cluster.sh kill-member N    SIGKILL member N (1..3), keeping its data
#   scripts/etcd-cluster.sh start-member N   restart member N on its existing data
#   scripts/etcd-cluster.sh wait-healthy     wait until every member is healthy (or fail)
#
# Needs the etcd binary (Debian: `apt-get install -y etcd-server`) and node (for the health probe;
# etcdctl ships in another Debian package, so it is not used). Ports are distinct from etcd's
# defaults (2379/2380), so a system etcd started by the package does not collide with this one.
# Settings: LEASEHOLD_ETCD_DIR (state, default $TMPDIR/leasehold-etcd),
# LEASEHOLD_ETCD_PORT_BASE (default 23790: member N serves clients on BASE+N, peers on BASE+10+N).
set -euo pipefail

MEMBERS=3
DIR="${LEASEHOLD_ETCD_DIR:-${TMPDIR:-/tmp}/leasehold-etcd}"
BASE="${LEASEHOLD_ETCD_PORT_BASE:-23790}"
# Seconds to wait for health after a start; an election takes about one election timeout.
HEALTH_WAIT_S=30
ETCD="${ETCD_BIN:-$(command -v etcd || true)}"

client_url() { echo "http://127.0.0.1:$((BASE + $1))"; }
peer_url() { echo "http://127.0.0.1:$((BASE + 10 + $1))"; }

endpoints() {
  local list=() n
  for n in $(seq 1 "$MEMBERS"); do list+=("$(client_url "$n")"); done
  (IFS=,; echo "${list[*]}")
}

initial_cluster() {
  local list=() n
  for n in $(seq 1 "$MEMBERS"); do list+=("m$n=$(peer_url "$n")"); done
  (IFS=,; echo "${list[*]}")
}

require_etcd() {
  if [ -z "$ETCD" ]; then
    echo "etcd-cluster: etcd not found; install it (Debian: apt-get install -y etcd-server)" >&2
    exit 2
  fi
}

member_pid() {
  local file="$DIR/m$1.pid"
  [ -f "$file" ] || return 1
  local pid
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start_member() {
  local n="$1" state=new
  if member_pid "$n" >/dev/null; then return 0; fi
  mkdir -p "$DIR/m$n"
  [ -d "$DIR/m$n/data/member" ] && state=existing
  # Short heartbeat and election timeouts: on one machine they keep fail-over near one second.
  nohup "$ETCD" --name "m$n" --data-dir "$DIR/m$n/data" \
    --listen-client-urls "$(client_url "$n")" --advertise-client-urls "$(client_url "$n")" \
    --listen-peer-urls "$(peer_url "$n")" --initial-advertise-peer-urls "$(peer_url "$n")" \
    --initial-cluster "$(initial_cluster)" --initial-cluster-state "$state" \
    --initial-cluster-token leasehold-local --heartbeat-interval 50 --election-timeout 500 \
    --logger zap --log-level warn >"$DIR/m$n.log" 2>&1 &
  echo $! >"$DIR/m$n.pid"
}

# Prints each running member's /health answer; exits 0 only when every member reports healthy
# (a member is healthy once it has a leader and can serve a linearizable read).
health() {
  node -e '
    const urls = process.argv.slice(1);
    Promise.all(urls.map(async (url) => {
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
        const body = await res.json();
        return [url, body.health === "true"];
      } catch (error) {
        return [url, false];
      }
    })).then((rows) => {
      for (const [url, ok] of rows) console.log(`${url} ${ok ? "healthy" : "unhealthy"}`);
      process.exit(rows.every(([, ok]) => ok) ? 0 : 1);
    });
  ' $(endpoints | tr , ' ')
}

wait_healthy() {
  local deadline=$((SECONDS + HEALTH_WAIT_S))
  until health >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "etcd-cluster: not healthy after ${HEALTH_WAIT_S}s; logs in $DIR/m*.log" >&2
      health >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

stop_member() {
  local pid
  if pid="$(member_pid "$1")"; then
    kill "-$2" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$DIR/m$1.pid"
}

check_member() {
  if ! [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || [ "$1" -gt "$MEMBERS" ]; then
    echo "etcd-cluster: member must be 1..$MEMBERS" >&2
    exit 2
  fi
}

case "${1:-}" in
  start)
    require_etcd
    mkdir -p "$DIR"
    for n in $(seq 1 "$MEMBERS"); do start_member "$n"; done
    wait_healthy
    echo "etcd-cluster: $MEMBERS members healthy at $(endpoints) (state in $DIR)"
    ;;
  stop)
    for n in $(seq 1 "$MEMBERS"); do
      stop_member "$n" TERM
      # Only what start created: LEASEHOLD_ETCD_DIR may point somewhere that holds other files.
      rm -rf "${DIR:?}/m$n" "$DIR/m$n.log"
    done
    rmdir "$DIR" 2>/dev/null || true
    echo "etcd-cluster: stopped"
    ;;
  status)
    health
    ;;
  wait-healthy)
    wait_healthy
    ;;
  endpoints)
    endpoints
    ;;
  kill-member)
    check_member "${2:-}"
    stop_member "$2" KILL
    ;;
  start-member)
    require_etcd
    check_member "${2:-}"
    start_member "$2"
    wait_healthy
    ;;
  *)
    echo "usage: $0 start|stop|status|wait-healthy|endpoints|kill-member N|start-member N" >&2
    exit 2
    ;;
esac
