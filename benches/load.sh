#!/usr/bin/env bash
# Load benchmark: requests per second for GET /patients/{id}, POST /patients and POST /scans on SQLite and
# PostgreSQL, each as a ratio against GET /healthz measured in the same run (these machines are shared and
# noisy, so only the ratios compare across runs). Scans go to a `seen` checkpoint station over a pool of
# collected specimens: each one is a durable write (custody event, specimen update, audit event, commit).
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
SPECIMENS=${SPECIMENS:-64}

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

rps() { # url [extra wrk args...] -> requests/second; fails if any answer was not 2xx
  local url=$1; shift
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$@" "$url")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$url: $(grep 'Non-2xx' <<<"$out")" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

api() { # method path [json] -> body
  curl -sf -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}
}
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\\1/"; }

# A checkpoint station and $SPECIMENS collected specimens; writes the wrk script that scans them in turn.
prepare_scans() { # patient-id
  local provider station order accessions=()
  provider=$(api POST /providers '{"npi":"1234567893","entity_type":"individual","last_name":"Bench","first_name":"Load",
    "taxonomy_code":"207Q00000X","is_billing":true,"is_rendering":true}' | field id)
  station=$(api POST /stations '{"name":"Load checkpoint","location":"Bench 1","action":"seen"}' | field id)
  for _ in $(seq 1 "$SPECIMENS"); do
    order=$(api POST /lab-orders "{\"patient_id\":\"$1\",\"provider_id\":\"$provider\",
      \"tests\":[{\"code\":\"80053\",\"container_type\":\"SST\",\"min_volume_ul\":1000}]}")
    api POST "/specimens/$(field id <<<"${order#*\"specimens\":[}")/actions" '{"action":"collect","volume_ul":5000}' >/dev/null
    accessions+=("\"$(field accession <<<"${order#*\"specimens\":[}")\"")
  done
  local IFS=,
  cat > "$WORK/scan.lua" <<LUA
wrk.method = "POST"
wrk.path = "/scans"
wrk.headers["Content-Type"] = "application/json"
local accessions = {${accessions[*]}}
local n = math.random(#accessions)
request = function()
  n = n % #accessions + 1
  return wrk.format(nil, nil, nil, '{"scanned":"' .. accessions[n] .. '","station_id":"$station"}')
end
LUA
}

run_backend() { # name database-url
  local name=$1 url=$2
  BACKOFFICE_DATABASE_URL=$url BACKOFFICE_BIND=127.0.0.1:$PORT RUST_LOG=warn "$BIN" serve >"$WORK/$name.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  TOKEN=$(grep -o 'bo_[0-9a-f]*' "$WORK/$name.out" | head -n 1)
  BASE="http://127.0.0.1:$PORT"
  local patient
  patient=$(api POST /patients '{"last_name":"Loadtest","first_name":"Bench","date_of_birth":"1980-02-29","sex":"F","address":{"line1":"1 Test Way","city":"Springfield","state":"IL","zip":"62701"}}' \
    | field id)
  prepare_scans "$patient"
  local health get post scans
  health=$(rps "$BASE/healthz")
  get=$(rps "$BASE/patients/$patient")
  post=$(rps "$BASE/patients" -s "$WORK/post.lua")
  scans=$(rps "$BASE/scans" -s "$WORK/scan.lua")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  ratio() { awk -v a="$1" -v b="$health" 'BEGIN {printf "%.3f", a/b}'; }
  printf '%-10s %12s %12s %8s %12s %8s %12s %8s\n' "$name" "$health" "$get" "$(ratio "$get")" \
    "$post" "$(ratio "$post")" "$scans" "$(ratio "$scans")"
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION; release build; audit events written on every patient read and scan"
printf '%-10s %12s %12s %8s %12s %8s %12s %8s\n' backend "healthz/s" "GET pat/s" ratio "POST pat/s" ratio "scans/s" ratio
run_backend sqlite "$WORK/bench.db"
PG_DB=bo_bench_$$
if psql "$POSTGRES_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null 2>&1; then
  run_backend postgres "$(echo "$POSTGRES_URL" | sed -E "s#/[^/]*\$#/$PG_DB#")"
else
  echo "postgres   skipped: cannot create a database at $POSTGRES_URL"
fi
