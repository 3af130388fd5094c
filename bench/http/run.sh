#!/usr/bin/env bash
# run.sh - load benchmark of plotline serve: wrk with 64 connections for 30 s
# against /v1/search on 127.0.0.1 (one query, then a rotation of ten), and the
# same against nginx serving a static copy of a search answer, as the ceiling
# of what this machine's loopback and HTTP stack allow. Prints a Markdown
# table for docs/BENCHMARKS.md. Not run by ctest (it takes about 2 minutes).
#
#   bench/http/run.sh [PLOTLINE_BINARY]      (default build/plotline)
#
# Needs wrk and nginx (Debian packages wrk, nginx).
set -euo pipefail
cd "$(dirname "$0")/../.."
PLOTLINE=${1:-build/plotline}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}            # wrk's threads
SERVER_THREADS=${SERVER_THREADS:-4}
for tool in wrk nginx; do
    command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] ||
        { echo "$tool is missing: apt-get install $tool" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d)
SERVER_PID="" NGINX_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

DB="$WORK/bench.db"
"$PLOTLINE" --db "$DB" import --quiet data/samples/000_a745887c23e04ec9.txt --series "Sex and the City" --season 1
"$PLOTLINE" --db "$DB" import --quiet data/samples/003_c8ee2d876f44739e.txt
"$PLOTLINE" --db "$DB" import --quiet tests/web/fixture.jsonl

"$PLOTLINE" --db "$DB" serve --listen 127.0.0.1:0 --threads "$SERVER_THREADS" \
    --max-connections 1024 --per-ip 1024 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$WORK/serve.out")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$WORK/serve.err" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/v1/search?q=Kreditkarte%20zerschnitten&lang=en&fallback=de&limit=10"

# nginx serves the very bytes of that answer from a file.
chmod 755 "$WORK"
mkdir -p "$WORK/www" "$WORK/nginx"
curl -s "$URL" >"$WORK/www/search.json"
chmod -R a+rX "$WORK/www"
NGINX_PORT=$((PORT + 1))
while (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; do NGINX_PORT=$((NGINX_PORT + 1)); done
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        default_type application/json;
    }
}
CONF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx/stderr" &
NGINX_PID=$!
sleep 0.5

# run NAME URL [wrk options...]: one wrk run, summarized as a table row.
run() {
    local name=$1 url=$2
    shift 2
    curl -s -o /dev/null "$url" # warm up
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$WORK/wrk.out"
    local rps p50 p99 total errors non2xx
    rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.out")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
    total=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
    errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$WORK/wrk.out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.out")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$total" \
        "${errors:-0} socket, ${non2xx:-0} non-2xx"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency; plotline serve --threads $SERVER_THREADS; nginx worker_processes $SERVER_THREADS"
echo
echo "| target | requests/s | p50 | p99 | requests | errors |"
echo "|---|---|---|---|---|---|"
run "plotline /v1/search, one query" "$URL"
run "plotline /v1/search, ten queries in turn" "http://127.0.0.1:$PORT/" -s bench/http/queries.lua
run "nginx, the same answer as a static file" "http://127.0.0.1:$NGINX_PORT/search.json"
