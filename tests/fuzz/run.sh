#!/bin/sh
# run.sh - builds the libFuzzer targets (clang; everything instrumented with
# AddressSanitizer and UBSan) and runs each for FUZZ_SECONDS (default 60),
# starting from the samples and a few queries; then `plotline serve`, built
# the same way, under http_fuzz.py for as long. A crash, a leak or undefined
# behaviour stops a libFuzzer run with the input saved as crash-* in the
# corpus's folder. Usage: tests/fuzz/run.sh [ingest|search|import|http...]
# (make fuzz runs them all)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang
fi
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPLOTLINE_FUZZ=ON \
    >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target fuzz_ingest fuzz_search fuzz_import plotline-cli

# Seeds: the import formats, and queries of every syntax.
corpus="$build/fuzz-corpus"
mkdir -p "$corpus/ingest" "$corpus/search" "$corpus/import"
cp "$root"/data/samples/*.txt "$root/tests/web/fixture.jsonl" "$corpus/ingest/"
cp "$root"/data/samples/*.txt "$corpus/import/"
printf 'series\tseason\tepisode\tlang\ttitle\tsynopsis\nS\t1\t2\tde\tT\tEin Text.\n' \
    >"$corpus/ingest/seed.tsv"
i=0
for q in "Kreditkarte zerschnitten" Herz-OP "credit card shoes" "test de grossesse" coeur \
         '"credit card" -shoes +Carrie' "heart OR surgery" εγχείρηση Schwangerschaftstest; do
    i=$((i + 1))
    printf '%s' "$q" >"$corpus/search/q$i"
done

# The server: a catalog of the samples, writes allowed with the token "tok",
# a short idle timeout so that requests left incomplete end soon.
http() {
    work=$(mktemp -d)
    "$build/plotline" --db "$work/db" import --quiet "$root"/data/samples/*.txt \
        "$root/tests/web/fixture.jsonl"
    PLOTLINE_TOKEN=tok ASAN_OPTIONS=detect_leaks=1 "$build/plotline" --db "$work/db" serve \
        --listen 127.0.0.1:0 --timeout 2 >"$work/out" 2>"$work/err" &
    pid=$!
    rc=0
    python3 "$root/tests/fuzz/http_fuzz.py" "$work/out" "$seconds" || rc=1
    kill -TERM $pid
    wait $pid || rc=1
    if grep -E "ERROR: (Address|Leak)Sanitizer|runtime error" "$work/err"; then rc=1; fi
    rm -rf "$work"
    return $rc
}

status=0
for t in ${*:-ingest search import http}; do
    echo "== $t, ${seconds} s"
    if [ "$t" = http ]; then
        http || status=1
    else
        (cd "$corpus" && ASAN_OPTIONS=detect_leaks=1 "$build/fuzz_$t" \
            -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "$t") || status=1
    fi
done
exit $status
