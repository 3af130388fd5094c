#!/usr/bin/env bash
# run.sh - the index and search benchmark: plotline against SQLite FTS5 and
# Xapian on the same multilingual corpus, in one run, single-threaded.
#
#   bench/search/run.sh                 the real corpus (see make_corpus.py)
#   bench/search/run.sh --growth        10k, 100k and 1M records of the
#                                       replicated corpus (takes a while)
#   ENGINES="plotline fts5" run.sh ...  a subset of the engines
#   BENCH_WORK=DIR run.sh ...           build and run in DIR (default
#                                       bench/search/work): two runs at
#                                       once need one each, as they
#                                       share the databases' folders
#
# Installs the Debian packages it needs (as root, or through sudo), builds
# the corpus and queries once into bench/search/data/, builds the library
# (CMake, Release) and the harnesses (gcc/g++) into bench/search/work/, runs
# each engine in its own process under /usr/bin/time -v (peak memory), and
# prints every figure with its ratio to the best peer (report.py).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${BENCH_DATA:-$HERE/data}
WORK=${BENCH_WORK:-$HERE/work}
ENGINES=${ENGINES:-plotline fts5 xapian}
MODE=${1:-real}

PACKAGES="libxapian-dev libsqlite3-dev time python3 pkg-config g++
manpages-de manpages-fr manpages-es manpages-it manpages-pl manpages-ru manpages-nl
manpages-cs manpages-fi manpages-hu manpages-pt-br manpages-sv manpages-el manpages-ro
manpages-uk manpages-da manpages-ja manpages-tr manpages-nb manpages-vi manpages-id
manpages-zh manpages-pt manpages-mk manpages-sr
fortune-mod fortunes-min fortunes-de fortunes-es fortunes-it fortunes-pl fortunes-ru
fortunes-cs fortunes-bg fortunes-br fortunes-ga fortunes-eo
libreoffice-help-de libreoffice-help-fr libreoffice-help-es libreoffice-help-it
libreoffice-help-nl libreoffice-help-pl libreoffice-help-ru libreoffice-help-sv
libreoffice-help-fi libreoffice-help-hu libreoffice-help-pt libreoffice-help-en-us
libreoffice-help-da libreoffice-help-el libreoffice-help-tr libreoffice-help-cs
installation-guide-amd64"

install_packages() {
    local missing=()
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
    mkdir -p "$WORK"
    cmake -S "$ROOT" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$WORK/build" -j2 --target plotline >/dev/null
    local deps
    deps=$(pkg-config --libs sqlite3 libutf8proc jansson libxxhash)
    gcc -O2 -Wall -Wextra -I"$ROOT/include" -o "$WORK/bench_plotline" "$HERE/bench_plotline.c" \
        "$WORK/build/libplotline.a" $deps -lstemmer -lm
    gcc -O2 -Wall -Wextra -o "$WORK/bench_fts5" "$HERE/bench_fts5.c" -lsqlite3
    g++ -O2 -Wall -Wextra -o "$WORK/bench_xapian" "$HERE/bench_xapian.cc" \
        $(pkg-config --cflags --libs xapian-core)
}

# run_engine ENGINE CORPUS LIMIT LABEL: one engine, one corpus size.
run_engine() {
    local engine=$1 corpus=$2 limit=$3 label=$4 dir="$WORK/db-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "== $engine on $label" >&2
    /usr/bin/time -v -o "$WORK/$engine-$label.time" \
        "$WORK/bench_$engine" "$corpus" "$DATA/queries.tsv" "$dir" "$limit" \
        >"$WORK/$engine-$label.out"
    awk -F': ' '/Maximum resident set size/ {print "peak_rss_kb", $2}' \
        "$WORK/$engine-$label.time" >>"$WORK/$engine-$label.out"
    if [ "$engine" = plotline ]; then
        # The same queries on the same index with the words only as given
        # (no translation into the catalog's other languages): what the
        # peers are asked to do.
        echo "== plotline (words as given) on $label" >&2
        "$WORK/bench_plotline" "$corpus" "$DATA/queries.tsv" "$dir" "$limit" \
            --no-index --no-translate >"$WORK/plotline-words-$label.out"
    fi
    rm -rf "$dir"
}

install_packages
if [ ! -s "$DATA/corpus.tsv" ] || [ ! -s "$DATA/queries.tsv" ]; then
    python3 "$HERE/make_corpus.py" --out "$DATA"
fi
build
case "$MODE" in
real)
    for e in $ENGINES; do run_engine "$e" "$DATA/corpus.tsv" 0 real; done
    python3 "$HERE/report.py" "$WORK" real $ENGINES
    ;;
--growth)
    [ -s "$DATA/corpus-1000000.tsv" ] ||
        python3 "$HERE/make_corpus.py" --out "$DATA" --scale 1000000
    for n in 10000 100000 1000000; do
        for e in $ENGINES; do run_engine "$e" "$DATA/corpus-1000000.tsv" "$n" "$n"; done
    done
    python3 "$HERE/report.py" "$WORK" growth $ENGINES
    ;;
*)
    echo "usage: run.sh [--growth]" >&2
    exit 2
    ;;
esac
