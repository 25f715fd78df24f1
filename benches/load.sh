#!/usr/bin/env bash
# Load benchmark: requests per second for GET /patients/{id} and POST /patients on SQLite and PostgreSQL,
# each as a ratio against GET /healthz measured in the same run (these machines are shared and noisy, so
# only the ratios compare across runs); then code search (GET /codes/search over the full ICD-10-CM
# release, rotating code, one-word and three-word queries): requests per second and latency p50/p99.
#
#   benches/load.sh                 # 10 s per measurement, 2 threads, 16 connections
#   DURATION=30s CONNECTIONS=32 benches/load.sh
#   POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/postgres benches/load.sh   # server for the PG run
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
POSTGRES_URL=${POSTGRES_URL:-${BACKOFFICE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
PORT=${PORT:-18181}
WORK=$(mktemp -d)
SERVER_PID=

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/backoffice

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${PG_DB:-}" ] && psql "$POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"last_name":"Loadtest","first_name":"Bench","date_of_birth":"1980-02-29","sex":"F",' ..
  '"address":{"line1":"1 Test Way","city":"Springfield","state":"IL","zip":"62701"}}'
LUA

cat > "$WORK/search.lua" <<'LUA'
local queries = {
  "q=E11", "q=E11.6", "q=S52.5", "q=hypertension", "q=fracture", "q=asthma",
  "q=diab%20mell%20type", "q=fracture%20shaft%20radius", "q=acute%20upper%20respiratory",
}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/codes/search?system=icd10cm&date=2026-06-01&" .. queries[(n % #queries) + 1])
end
LUA

search_latency() { # base-url -> "requests/s p50 p99"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
    -s "$WORK/search.lua" "$1" \
    | awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}'
}

rps() { # url [extra wrk args...] -> requests/second
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$@" "$url" \
    | awk '/Requests\/sec/ {print $2}'
}

run_backend() { # name database-url
  local name=$1 url=$2
  BACKOFFICE_DATABASE_URL=$url BACKOFFICE_BIND=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve >"$WORK/$name.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  TOKEN=$(grep -o 'bo_[0-9a-f]*' "$WORK/$name.out" | head -n 1)
  local base="http://127.0.0.1:$PORT"
  local patient
  patient=$(curl -sf -X POST "$base/patients" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"last_name":"Loadtest","first_name":"Bench","date_of_birth":"1980-02-29","sex":"F","address":{"line1":"1 Test Way","city":"Springfield","state":"IL","zip":"62701"}}' \
    | sed -E 's/.*"id":"([^"]+)".*/\1/')
  local health get post
  health=$(rps "$base/healthz")
  get=$(rps "$base/patients/$patient")
  post=$(rps "$base/patients" -s "$WORK/post.lua")
  SEARCH[$name]=$(search_latency "$base")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  printf '%-10s %12s %12s %8s %12s %8s\n' "$name" "$health" "$get" \
    "$(awk -v a="$get" -v b="$health" 'BEGIN {printf "%.3f", a/b}')" "$post" \
    "$(awk -v a="$post" -v b="$health" 'BEGIN {printf "%.3f", a/b}')"
}

declare -A SEARCH
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION; release build; audit events written on every patient read"
printf '%-10s %12s %12s %8s %12s %8s\n' backend "healthz/s" "GET pat/s" ratio "POST pat/s" ratio
run_backend sqlite "$WORK/bench.db"
PG_DB=bo_bench_$$
if psql "$POSTGRES_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null 2>&1; then
  run_backend postgres "$(echo "$POSTGRES_URL" | sed -E "s#/[^/]*\$#/$PG_DB#")"
else
  echo "postgres   skipped: cannot create a database at $POSTGRES_URL"
fi

echo
echo "code search, full ICD-10-CM, 9 rotating queries (codes, one word, three words)"
printf '%-10s %12s %10s %10s\n' backend "search/s" p50 p99
for name in "${!SEARCH[@]}"; do
  read -r r p50 p99 <<<"${SEARCH[$name]}"
  printf '%-10s %12s %10s %10s\n' "$name" "$r" "$p50" "$p99"
done
