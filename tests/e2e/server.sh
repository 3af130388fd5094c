# server.sh - plotline serve over real HTTP on 127.0.0.1: every endpoint,
# every error status, language fallback and placeholders, writes and their
# authorization, malformed HTTP and slow clients, and a clean shutdown (under
# ASan a leak at exit fails the test through the server's exit status).
. "$(dirname "$0")/lib.bash"
: "${PLOTLINE_SRC:?set PLOTLINE_SRC to the source tree}"
command -v curl >/dev/null || { echo "FAIL: curl is not installed (tools/install-deps.sh)"; exit 1; }
FIXTURE="$PLOTLINE_SRC/tests/web/fixture.jsonl"

SERVER_PIDS=""
SLOW_PIDS=""
cleanup() {
    for p in $SLOW_PIDS $SERVER_PIDS; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME [serve options...]: starts a server on a free port and
# sets PORT and PID (and NAME's log files in $WORK).
start_server() {
    local name=$1
    shift
    "$PLOTLINE" serve --listen 127.0.0.1:0 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PID=$!
    SERVER_PIDS="$SERVER_PIDS $PID"
    PORT=""
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's|^plotline: serving .* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' \
            "$WORK/$name.out")
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$PORT" ]; then
        echo "FAIL: $name did not start:" >&2
        cat "$WORK/$name.out" "$WORK/$name.err" >&2
        exit 1
    fi
}

# stop_server PID NAME: SIGTERM, then the exit status must be 0 (ASan's leak
# check runs at exit and would make it non-zero).
stop_server() {
    local pid=$1 name=$2 rc
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    wait "$pid"
    rc=$?
    expect_eq "$name exits cleanly on SIGTERM" "$rc" 0
    [ "$rc" -eq 0 ] || tail -n 40 "$WORK/$name.err" >&2
    SERVER_PIDS=$(echo "$SERVER_PIDS" | sed "s/ $pid\b//")
}

# req METHOD PATH [curl options...]: sets STATUS, BODY and HEADERS.
req() {
    local method=$1 path=$2
    shift 2
    local how=(-X "$method")
    [ "$method" = HEAD ] && how=(--head)
    STATUS=$(curl -s "${how[@]}" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
        --max-time 20 "$@" "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$WORK/body")
    HEADERS=$(tr -d '\r' <"$WORK/headers")
}

# expect_status WHAT WANT METHOD PATH [curl options...]
expect_status() {
    local what=$1 want=$2
    shift 2
    req "$@"
    expect_eq "$what: status" "$STATUS" "$want"
    if [ "$want" -ge 400 ]; then
        expect_contains "$what: a JSON error" "$BODY" '{"error":{"code":"'
    fi
}

# The first number after "KEY": in $BODY.
num() { printf '%s' "$BODY" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

# raw BYTES: sends BYTES (printf format) on a fresh connection and prints the
# status line of the answer ("" when the server closed without one).
raw() {
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    # In a subshell: a write to a socket the server has closed raises
    # SIGPIPE, which must not end the test.
    (printf "$1" >&3) 2>/dev/null
    timeout 5 head -n 1 <&3 | tr -d '\r'
    exec 3<&- 3>&-
}

# ---- a database with the samples and a multilingual series -----------------
"$PLOTLINE" import --quiet "$PLOTLINE_SAMPLES/000_a745887c23e04ec9.txt" --series "Sex and the City" --season 1
"$PLOTLINE" import --quiet "$PLOTLINE_SAMPLES/003_c8ee2d876f44739e.txt"
"$PLOTLINE" import --quiet "$FIXTURE"
TOKEN="s3cret-$$-token"
printf '%s\n' "$TOKEN" >"$WORK/token"
AUTH="Authorization: Bearer $TOKEN"

start_server main --token-file "$WORK/token" --max-body 65536 --timeout 5
MAIN_PID=$PID
expect_contains "startup line" "$(cat "$WORK/main.out")" "plotline: serving $PLOTLINE_DB on http://127.0.0.1:$PORT"

# ---- reads -------------------------------------------------------------------
expect_status "healthz" 200 GET /healthz
expect_contains "healthz body" "$BODY" '"status":"ok"'

expect_status "the page" 200 GET /
expect_contains "the page is HTML" "$HEADERS" "Content-Type: text/html"
expect_contains "the page's content security policy" "$HEADERS" "Content-Security-Policy: default-src 'self'"
expect_contains "the page" "$BODY" '<script src="/app.js"'
etag=$(printf '%s\n' "$HEADERS" | sed -n 's/^ETag: //p')
expect_status "the page, revalidated" 304 GET / -H "If-None-Match: $etag"
expect_status "the script" 200 GET /app.js
expect_contains "the script's type" "$HEADERS" "Content-Type: text/javascript"
expect_status "the style" 200 GET /style.css

expect_status "search" 200 GET "/v1/search?q=Kreditkarte%20zerschnitten"
expect_contains "search: the credit card episode first" "$BODY" '"results":[{"rank":1,'
expect_eq "search: its episode" "$(printf '%s' "$BODY" | grep -o '"episode":{"id":[0-9]*' | head -n 1)" '"episode":{"id":5'
expect_contains "search: snippet marks the match" "$BODY" '[Kreditkarte]'
expect_contains "search: the language shown" "$BODY" '"lang":"de","synopsis":{"id":5'

# Both synopses of episode 1 match: one result, two matched synopses.
expect_status "search, collapsed" 200 GET "/v1/search?q=Flaschenpost%20lighthouse&lang=en"
EP1=$(printf '%s' "$BODY" | grep -o '"episode":{"id":[0-9]*' | head -n 1 | grep -o '[0-9]*$')
expect_eq "search, collapsed: one result per episode" \
    "$(printf '%s' "$BODY" | grep -o "\"episode\":{\"id\":$EP1," | wc -l | tr -d ' ')" 1
expect_eq "search, collapsed: both synopses matched" \
    "$(printf '%s' "$BODY" | grep -o '"matched":\[[^]]*\]' | grep -o '"synopsis_id"' | wc -l | tr -d ' ')" 2
expect_contains "search, collapsed: shown in the reader's language" "$BODY" '"lang":"en","synopsis":{"id":'
expect_contains "search, collapsed: snippet from the shown synopsis" "$BODY" '[lighthouse]'

# Without translation only the German synopsis matches ("treasure map" is
# the English one's rendering of Schatzkarte): the snippet must come from it.
expect_status "search in German, read in English" 200 GET "/v1/search?q=Schatzkarte&lang=en&translate=0"
expect_contains "search: English shown" "$BODY" '"lang":"en","synopsis":{"id":'
expect_contains "search: German snippet" "$BODY" '"snippet":{"synopsis_id":'
expect_contains "search: the German match marked" "$BODY" '[Schatzkarte]'
expect_status "search: paging" 200 GET "/v1/search?q=Carrie&limit=2&offset=0"
expect_contains "search: more pages" "$BODY" '"more":true'
expect_eq "search: two per page" "$(printf '%s' "$BODY" | grep -o '"rank":' | wc -l | tr -d ' ')" 2
expect_status "search: page 2" 200 GET "/v1/search?q=Carrie&limit=2&offset=2"
expect_contains "search: page 2 ranks" "$BODY" '"rank":3,'

# Language choice: regional tag, base language, fallback list, original.
expect_status "episode" 200 GET "/v1/episodes/$EP1?lang=pt-BR&fallback=en"
expect_contains "pt-BR then en serves en" "$BODY" '"lang":"en","synopsis":{'
expect_contains "Content-Language" "$HEADERS" "Content-Language: en"
expect_contains "episode: series" "$BODY" '"series":"Testserie","season":1,"number":1,"title":"Der Anfang"'
expect_contains "episode: its languages" "$BODY" '"languages":["de","en"]'
expect_status "episode, de-AT" 200 GET "/v1/episodes/$EP1?lang=de-AT"
expect_contains "de-AT falls back to de" "$BODY" '"lang":"de","synopsis":{'
expect_status "episode, no match" 200 GET "/v1/episodes/$EP1?lang=pt-BR"
expect_contains "otherwise the original language" "$BODY" '"lang":"de","synopsis":{'
expect_status "episode, fallback order" 200 GET "/v1/episodes/$EP1?lang=fi&fallback=it,en,de"
expect_contains "fallback in order" "$BODY" '"lang":"en","synopsis":{'
expect_status "episode, Accept-Language" 200 GET "/v1/episodes/$EP1" -H "Accept-Language: fr;q=0.9, en-GB;q=0.8"
expect_contains "Accept-Language when no lang" "$BODY" '"lang":"en","synopsis":{'

# Placeholders: "Episode 2" (en) and "Epizóda 2" (sk) count as missing.
EP2=$((EP1 + 1))
EP3=$((EP1 + 2))
expect_status "placeholder episode" 200 GET "/v1/episodes/$EP2?lang=en&fallback=sk"
expect_contains "placeholders are skipped" "$BODY" '"lang":"fr","synopsis":{'
expect_contains "placeholders are no language" "$BODY" '"languages":["fr"]'
expect_status "title-only episode" 200 GET "/v1/episodes/$EP3?lang=de"
expect_contains "a synopsis that is the title is none" "$BODY" '"lang":null,"synopsis":null'
expect_status "all synopses" 200 GET "/v1/episodes/$EP2/synopses"
expect_eq "all synopses: three" "$(printf '%s' "$BODY" | grep -o '"placeholder":' | wc -l | tr -d ' ')" 3
expect_eq "all synopses: two placeholders" "$(printf '%s' "$BODY" | grep -o '"placeholder":true' | wc -l | tr -d ' ')" 2
expect_contains "all synopses: source" "$BODY" '"source":"fixture.jsonl:3"'
expect_status "search for a placeholder" 200 GET "/v1/search?q=Episode%202"
case "$BODY" in *"\"episode\":{\"id\":$EP2,"*) fail "a placeholder matched: $BODY" ;; esac
expect_status "search for a title-only text" 200 GET "/v1/search?q=Ende"
case "$BODY" in *"\"episode\":{\"id\":$EP3,"*) fail "a title-only synopsis matched: $BODY" ;; esac

expect_status "series list" 200 GET /v1/series
expect_contains "series list" "$BODY" '"name":"Testserie","seasons":1,"episodes":4,"synopses":7'
SERIES=$(printf '%s' "$BODY" | grep -o '"id":[0-9]*,"name":"Testserie"' | grep -o '[0-9]*' | head -n 1)
expect_status "one series" 200 GET "/v1/series/$SERIES"
expect_contains "series: seasons and episodes" "$BODY" "\"seasons\":[{\"season\":1,\"episodes\":[{\"id\":$EP1,\"number\":1,\"title\":\"Der Anfang\",\"languages\":[\"de\",\"en\"]"
expect_status "a synopsis" 200 GET /v1/synopses/1
expect_contains "a synopsis" "$BODY" '"id":1,"episode_id":1,"lang":"de"'

expect_status "langid" 200 POST "/v1/langid?top=3" -H "Content-Type: text/plain" --data-binary "Der Hund läuft über die Straße und bellt den Briefträger an."
expect_contains "langid: German" "$BODY" '{"lang":"de","confidence":'
expect_eq "langid: three candidates" "$(printf '%s' "$BODY" | grep -o '"lang":' | wc -l | tr -d ' ')" 4
expect_status "langid, JSON" 200 POST /v1/langid -H "Content-Type: application/json" --data-binary '{"text":"Le chat dort sur le canapé pendant que la pluie tombe."}'
expect_contains "langid: French" "$BODY" '{"lang":"fr",'
expect_status "langid spans" 200 POST "/v1/langid?spans=1" -H "Content-Type: text/plain" --data-binary "Кэрри смотрит фильм «Breakfast at Tiffany's» и плачет."
expect_contains "langid spans: the Russian start" "$BODY" '"spans":[{"start":0,"length":37,"lang":"ru"'
expect_contains "langid spans: the English title" "$BODY" '"lang":"en","confidence":'
expect_contains "langid spans: the title's text" "$BODY" '"text":"«Breakfast at Tiffany'"'"'s» "}'
expect_status "langid spans=2" 400 POST "/v1/langid?spans=2" -H "Content-Type: text/plain" --data-binary "Ein Satz."

# ---- writes --------------------------------------------------------------------
expect_status "write without a token" 401 POST /v1/synopses -H "Content-Type: text/plain" --data-binary "Ein Text."
expect_contains "401 names the scheme" "$HEADERS" 'WWW-Authenticate: Bearer realm="plotline"'
expect_status "write with a wrong token" 401 POST /v1/synopses -H "Authorization: Bearer nope" -H "Content-Type: text/plain" --data-binary "Ein Text."
expect_contains "401 says the token is wrong" "$HEADERS" 'error="invalid_token"'
expect_status "delete without a token" 401 DELETE /v1/synopses/1

before=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^plotline_synopses //p')
expect_status "add a JSON array" 201 POST "/v1/synopses?source=api.json" -H "$AUTH" -H "Content-Type: application/json" --data-binary \
    '[{"series":"Neue Serie","season":2,"episode":7,"synopsis":"Ein Kapitän verliert seinen Papagei an einen Piraten und jagt ihm über die sieben Meere nach."},
      {"series":"Neue Serie","season":2,"episode":7,"synopsis":"A captain loses his parrot to a pirate and chases him across the seven seas."}]'
expect_contains "add: two added" "$BODY" '"added":2,"duplicates":0'
expect_contains "add: German detected" "$BODY" '"lang":"de","lang_confidence":'
expect_contains "add: English detected" "$BODY" '"lang":"en","lang_confidence":'
expect_contains "add: source" "$BODY" '"source":"api.json:2"'
NEW_ID=$(num id)
NEW_EP=$(num episode_id)
expect_eq "add: one episode for both" "$(printf '%s' "$BODY" | grep -o "\"episode_id\":$NEW_EP," | wc -l | tr -d ' ')" 2
expect_status "search finds the new synopsis" 200 GET "/v1/search?q=Papagei%20Piraten&lang=en"
expect_contains "search: the new episode" "$BODY" "\"episode\":{\"id\":$NEW_EP,\"series\":\"Neue Serie\",\"season\":2,\"number\":7"
expect_contains "search: shown in English" "$BODY" '"lang":"en","synopsis":{'
expect_status "the same again" 200 POST /v1/synopses -H "$AUTH" -H "Content-Type: application/json" --data-binary \
    '[{"synopsis":"A captain loses his parrot to a pirate and chases him across the seven seas."}]'
expect_contains "duplicates are not stored twice" "$BODY" '"added":0,"duplicates":1'
expect_status "add JSON Lines" 201 POST /v1/synopses -H "$AUTH" -H "Content-Type: application/x-ndjson" --data-binary \
    $'{"synopsis":"Ein Bäcker backt einen riesigen Kuchen für die Hochzeit des Bürgermeisters.","lang":"de"}\n'
expect_contains "JSON Lines: added" "$BODY" '"added":1'
expect_status "add text lines as a season" 201 POST "/v1/synopses?series=Zeilen&season=3" -H "$AUTH" -H "Content-Type: text/plain; charset=utf-8" --data-binary \
    $'Die Feuerwehr rettet eine Katze vom Kirchturm.\nDer Zirkus kommt in die Stadt und ein Elefant büxt aus.\n'
expect_contains "text: two added" "$BODY" '"added":2'
expect_status "the text's second line" 200 GET "/v1/search?q=Elefant"
expect_contains "line 2 is episode 2" "$BODY" '"series":"Zeilen","season":3,"number":2'

expect_status "delete" 200 DELETE "/v1/synopses/$NEW_ID" -H "$AUTH"
expect_contains "delete answers" "$BODY" "{\"deleted\":{\"id\":$NEW_ID,"
expect_status "deleted synopsis" 404 GET "/v1/synopses/$NEW_ID"
expect_status "delete again" 404 DELETE "/v1/synopses/$NEW_ID" -H "$AUTH"
expect_status "search after delete" 200 GET "/v1/search?q=Papagei&lang=de"
case "$BODY" in *"\"synopsis_id\":$NEW_ID,"*) fail "a deleted synopsis is still found: $BODY" ;; esac

# ---- bad requests --------------------------------------------------------------
expect_status "no query" 400 GET /v1/search
expect_status "empty query" 400 GET "/v1/search?q="
expect_status "limit 0" 400 GET "/v1/search?q=Herz&limit=0"
expect_status "limit junk" 400 GET "/v1/search?q=Herz&limit=ten"
expect_status "offset negative" 400 GET "/v1/search?q=Herz&offset=-1"
expect_status "bad lang tag" 400 GET "/v1/search?q=Herz&lang=Deutsch%20bitte"
expect_status "bad fallback tag" 400 GET "/v1/episodes/1?fallback=en,x"
expect_status "invalid UTF-8 in the query" 400 GET "/v1/search?q=Herz%FF"
expect_status "a NUL in the query" 400 GET "/v1/search?q=Herz%00OP"
expect_status "query too long" 400 GET "/v1/search?q=$(head -c 2000 /dev/zero | tr '\0' a)"
expect_status "only excluded words" 400 GET "/v1/search?q=-Herz"
expect_status "id not a number" 400 GET /v1/episodes/abc
expect_status "id zero" 400 GET /v1/synopses/0
expect_status "malformed JSON" 400 POST /v1/synopses -H "$AUTH" -H "Content-Type: application/json" --data-binary '[{"synopsis": "kaputt"'
expect_contains "malformed JSON: where" "$BODY" 'upload:1:'
expect_status "unknown key" 400 POST /v1/synopses -H "$AUTH" -H "Content-Type: application/json" --data-binary '[{"synopsis":"Gut.","folge":3}]'
expect_contains "unknown key: which element" "$BODY" 'upload:1: unknown key \"folge\"'
expect_status "invalid UTF-8 in a text body" 400 POST "/v1/synopses?source=bad.txt" -H "$AUTH" -H "Content-Type: text/plain" --data-binary $'Ein Satz.\nKaputt \xff hier.\n'
expect_contains "invalid UTF-8: file and line" "$BODY" 'bad.txt:2: invalid UTF-8'
expect_status "bad JSON Lines" 400 POST /v1/synopses -H "$AUTH" -H "Content-Type: application/x-ndjson" --data-binary $'{"synopsis":"Gut."}\n{"synopsis":42}\n'
expect_contains "bad JSON Lines: line" "$BODY" 'upload:2:'
expect_status "empty body" 400 POST /v1/synopses -H "$AUTH" -H "Content-Type: text/plain" --data-binary ''
expect_status "empty langid" 400 POST /v1/langid -H "Content-Type: text/plain" --data-binary ''
after=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^plotline_synopses //p')
expect_eq "bad writes stored nothing (5 added, 1 deleted)" "$after" "$((before + 4))"

expect_status "no such path" 404 GET /nope
expect_status "no such API path" 404 GET /v1/nope
expect_status "no such episode" 404 GET /v1/episodes/999999
expect_status "no such series" 404 GET /v1/series/999999
expect_status "PUT on search" 405 PUT "/v1/search?q=Herz"
expect_contains "405 says what is allowed" "$HEADERS" "Allow: GET, HEAD, OPTIONS"
expect_status "GET on langid" 405 GET /v1/langid
expect_contains "405 on langid" "$HEADERS" "Allow: POST, OPTIONS"
expect_status "POST on an episode" 405 POST /v1/episodes/1 -H "Content-Type: text/plain" --data-binary x
expect_status "OPTIONS" 204 OPTIONS /v1/synopses/1
expect_contains "OPTIONS lists methods" "$HEADERS" "Allow: GET, HEAD, DELETE, OPTIONS"
expect_status "HEAD" 200 HEAD /healthz

big=$(head -c 70000 /dev/zero | tr '\0' 'a')
expect_status "a body over the limit" 413 POST /v1/synopses -H "$AUTH" -H "Content-Type: text/plain" --data-binary "$big"
expect_status "a chunked body over the limit" 413 POST /v1/synopses -H "$AUTH" -H "Content-Type: text/plain" -H "Transfer-Encoding: chunked" --data-binary "$big"
expect_status "langid over the limit" 413 POST /v1/langid -H "Content-Type: text/plain" --data-binary "$big"
expect_status "an image" 415 POST /v1/synopses -H "$AUTH" -H "Content-Type: image/png" --data-binary x
expect_status "no content type" 415 POST /v1/synopses -H "$AUTH" -H "Content-Type:" --data-binary x
expect_status "another charset" 415 POST /v1/synopses -H "$AUTH" -H "Content-Type: text/plain; charset=iso-8859-1" --data-binary x

# ---- malformed HTTP -----------------------------------------------------------
line=$(raw '\x01\x02\x03 garbage\r\n\r\n')
expect_contains "a bad request line" "$line" "HTTP/1.1 400"
line=$(raw 'GET /healthz FOO/1.1\r\nHost: x\r\n\r\n')
expect_contains "a bad protocol" "$line" "HTTP/1.1 400"
line=$(raw 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n')
expect_contains "an unknown HTTP version" "$line" "HTTP/1.1 505"
line=$(raw 'GARBAGE\r\n\r\n') # MHD hangs up on a one-word line: no answer is fine
line=$(raw 'GET /healthz HTTP/1.1\r\n\r\n')
expect_contains "HTTP/1.1 without Host" "$line" "HTTP/1.1 400"
line=$(raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 100000 /dev/zero | tr '\0' a)\r\n\r\n")
expect_contains "a huge header" "$line" "HTTP/1.1 431"
req GET "/v1/search?q=$(head -c 100000 /dev/zero | tr '\0' a)"
expect_eq "a URL over the header memory" "$STATUS" 414
line=$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n')
expect_contains "a header without a colon" "$line" "HTTP/1.1 400"
line=$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
expect_contains "a plain request by hand" "$line" "HTTP/1.1 200"

# A truncated body: the client hangs up half-way; nothing is stored.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
(printf 'POST /v1/synopses HTTP/1.1\r\nHost: x\r\n%s\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nEin abgeschnittener Te' "$AUTH" >&3) 2>/dev/null
sleep 0.3
exec 3<&- 3>&-
# ...and one that stops sending: the idle timeout (5 s here) ends it.
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
(printf 'POST /v1/synopses HTTP/1.1\r\nHost: x\r\n%s\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nNoch ein abgeschnittener' "$AUTH" >&4) 2>/dev/null
start=$(date +%s)
timeout 20 cat <&4 >/dev/null
took=$(( $(date +%s) - start ))
exec 4<&- 4>&-
CHECKS=$((CHECKS + 1))
[ "$took" -le 12 ] || fail "a stalled upload held its connection for ${took}s (timeout 5s)"
expect_status "healthy after truncated bodies" 200 GET /healthz
now=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -n 's/^plotline_synopses //p')
expect_eq "truncated bodies stored nothing" "$now" "$after"

# A hundred slow clients dribbling their headers, on a server of their own
# whose per-address limit admits them all, do not hold up the others: every
# search beside them is answered (each within curl's 5-second limit).
MAIN_PORT=$PORT
start_server slow --per-ip 200 --max-connections 400 --timeout 10
SLOWSRV_PID=$PID
for i in $(seq 1 100); do
    (
        trap 'exit 0' PIPE
        exec 5<>"/dev/tcp/127.0.0.1/$PORT"
        printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&5
        for _ in 1 2 3 4 5 6 7 8; do printf 'X' >&5 2>/dev/null || exit 0; sleep 0.5; done
    ) &
    SLOW_PIDS="$SLOW_PIDS $!"
done
sleep 0.5
ok=0
for i in $(seq 1 20); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/v1/search?q=Herz")
    [ "$code" = 200 ] && ok=$((ok + 1))
done
expect_eq "searches answered beside 100 slow clients" "$ok" 20
for p in $SLOW_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
SLOW_PIDS=""
stop_server "$SLOWSRV_PID" slow
PORT=$MAIN_PORT

# Concurrent reads and writes: readers see a consistent catalog throughout.
READERS=""
for i in 1 2 3 4; do
    ( for _ in $(seq 1 10); do curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT/v1/search?q=Carrie"; done ) >"$WORK/par.$i" &
    READERS="$READERS $!"
done
for i in 1 2 3; do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "$AUTH" -H "Content-Type: text/plain" \
        --data-binary "Gleichzeitiger Schreiber Nummer $i schreibt einen Text über Carrie." \
        "http://127.0.0.1:$PORT/v1/synopses" >>"$WORK/par.w"
done
for p in $READERS; do wait "$p"; done
expect_eq "parallel searches all answered" "$(cat "$WORK"/par.[0-9] | sort -u)" 200
expect_eq "parallel writes all stored" "$(sort -u "$WORK/par.w")" 201
expect_status "a write seen by every reader" 200 GET "/v1/search?q=Gleichzeitiger%20Schreiber&limit=10&translate=0"
expect_eq "all three written episodes" \
    "$(printf '%s' "$BODY" | grep -o '"text":"Gleichzeitiger Schreiber Nummer [0-9]' | sort -u | wc -l | tr -d ' ')" 3

# ---- metrics -----------------------------------------------------------------
expect_status "metrics" 200 GET /metrics
expect_contains "metrics: type" "$HEADERS" "Content-Type: text/plain; version=0.0.4"
expect_contains "metrics: requests by route and status" "$BODY" 'plotline_http_requests_total{route="/v1/search",status="200"}'
expect_contains "metrics: errors counted" "$BODY" 'plotline_http_requests_total{route="/v1/synopses",status="413"}'
expect_contains "metrics: latency histogram" "$BODY" 'plotline_http_request_duration_seconds_bucket{route="/v1/search",le="+Inf"}'
expect_contains "metrics: index size" "$BODY" 'plotline_index_bytes '
expect_contains "metrics: synopsis count" "$BODY" 'plotline_synopses '

stop_server "$MAIN_PID" main
expect_contains "shutdown is logged" "$(cat "$WORK/main.err")" "SIGTERM, stopping"

# ---- a server without a token, and few connections ---------------------------
unset PLOTLINE_TOKEN
start_server small --max-connections 2 --timeout 10
SMALL_PID=$PID
expect_contains "no token: said at startup" "$(cat "$WORK/small.out")" "writes are refused"
expect_status "writes without a server token" 403 POST /v1/synopses -H "Authorization: Bearer anything" -H "Content-Type: text/plain" --data-binary "Ein Text."
expect_status "deletes without a server token" 403 DELETE /v1/synopses/1
# Two idle connections fill the server; the third request is told to wait.
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
exec 7<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.3
expect_status "overloaded" 429 GET /healthz
expect_contains "429 says when to retry" "$HEADERS" "Retry-After: 1"
exec 6<&- 6>&- 7<&- 7>&-
sleep 0.3
expect_status "after the load" 200 GET /healthz
stop_server "$SMALL_PID" small

# Refusals at startup.
err=$("$PLOTLINE" serve --listen 127.0.0.1:99999 2>&1); rc=$?
expect_eq "a bad port exits 1" "$rc" 1
expect_contains "a bad port" "$err" "port must be a number"
err=$("$PLOTLINE" serve --token-file "$WORK/no-such-token" 2>&1); rc=$?
expect_eq "a missing token file exits 1" "$rc" 1
expect_contains "a missing token file" "$err" "no-such-token: No such file or directory"
err=$("$PLOTLINE" serve --threads zero 2>&1); rc=$?
expect_eq "a bad option exits 2" "$rc" 2
finish
