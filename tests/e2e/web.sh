# web.sh - the search page in a real browser: starts plotline serve on a
# database with the samples and tests/web/fixture.jsonl, then runs
# tests/web/page.test.mjs (playwright-core driving Debian's chromium).
# Missing chromium or node is a failure, not a skip: CI must run this.
. "$(dirname "$0")/lib.bash"
: "${PLOTLINE_SRC:?set PLOTLINE_SRC to the source tree}"
WEB="$PLOTLINE_SRC/tests/web"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "FAIL: $CHROMIUM is missing (tools/install-deps.sh installs chromium)"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "FAIL: node and npm are needed (tools/install-deps.sh)"; exit 1; }

# playwright-core, at the version package-lock.json pins; installed once per
# checkout (a lock keeps two builds' test runs from installing at once).
if [ ! -f "$WEB/node_modules/playwright-core/package.json" ]; then
    (
        flock 9
        [ -f "$WEB/node_modules/playwright-core/package.json" ] ||
            (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
    ) 9>"${TMPDIR:-/tmp}/plotline-web-npm.lock" || { echo "FAIL: npm ci in tests/web failed"; exit 1; }
fi

"$PLOTLINE" import --quiet "$PLOTLINE_SAMPLES/000_a745887c23e04ec9.txt" --series "Sex and the City" --season 1
"$PLOTLINE" import --quiet "$PLOTLINE_SAMPLES/003_c8ee2d876f44739e.txt"
"$PLOTLINE" import --quiet "$WEB/fixture.jsonl"

"$PLOTLINE" serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
trap 'kill -9 $PID 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=""
for _ in $(seq 1 300); do
    PORT=$(sed -n 's|^plotline: serving .* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$WORK/serve.out")
    [ -n "$PORT" ] && break
    kill -0 $PID 2>/dev/null || break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "FAIL: the server did not start"; cat "$WORK/serve.err"; exit 1; }

# Screenshots land beside the test's build, for a look after a failure.
OUT="${PLOTLINE_WEB_OUT:-$(dirname "$PLOTLINE")/web-test-output}"
PLOTLINE_URL="http://127.0.0.1:$PORT" PLOTLINE_WEB_OUT="$OUT" CHROMIUM="$CHROMIUM" \
    NODE_PATH="$WEB/node_modules" timeout 180 node "$WEB/page.test.mjs"
rc=$?
echo "screenshots: $OUT"

kill -TERM $PID
wait $PID
src=$?
CHECKS=$((CHECKS + 1))
[ $src -eq 0 ] || { fail "the server exited with $src"; tail -n 30 "$WORK/serve.err" >&2; }
[ $rc -eq 0 ] || FAILED=$((FAILED + 1))
finish
