#!/bin/sh
# run.sh - builds the libFuzzer targets (clang; everything instrumented with
# AddressSanitizer and UBSan) and runs each for FUZZ_SECONDS (default 60),
# starting from the samples and a few queries. A crash, a leak or undefined
# behaviour stops the run with the input saved as crash-* in the corpus's
# folder. Usage: tests/fuzz/run.sh [TARGET...]   (make fuzz)
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
cmake --build "$build" -j "${JOBS:-2}" --target fuzz_ingest fuzz_search fuzz_import

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

status=0
for t in ${*:-ingest search import}; do
    echo "== fuzz_$t, ${seconds} s"
    (cd "$corpus" && ASAN_OPTIONS=detect_leaks=1 "$build/fuzz_$t" -max_total_time="$seconds" \
        -max_len=4096 -print_final_stats=1 "$t") || status=1
done
exit $status
