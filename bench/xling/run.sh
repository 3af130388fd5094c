#!/usr/bin/env bash
# run.sh - the cross-language benchmark end to end: fetches the Debian
# packages (packages.txt), unpacks them, builds the corpus (build_corpus.py),
# imports it into fresh plotline databases, runs the searches and writes the
# report (evaluate.py) to out/results.md. See README.md.
#
# Environment:
#   PLOTLINE       the plotline binary (default: build/plotline of this tree,
#                  built with cmake when missing)
#   XLING_DEB_DIR  a directory of already downloaded .deb files to take
#                  packages from before downloading
#   XLING_REBUILD  1 to rebuild the corpus even when it looks current
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=$HERE/out
DEB=$OUT/deb
ROOT=$OUT/root
CORPUS=$OUT/corpus
RUN=$OUT/run
PY=${PYTHON:-python3}
LANGS="de fr it es pt fi hu"

log() { printf '== %s\n' "$*" >&2; }

# ---- plotline -------------------------------------------------------------
PLOTLINE=${PLOTLINE:-$TOP/build/plotline}
if [ ! -x "$PLOTLINE" ]; then
    log "building plotline"
    cmake -S "$TOP" -B "$TOP/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$TOP/build" -j2 >/dev/null
fi

# ---- packages -------------------------------------------------------------
mkdir -p "$DEB"
missing=()
while read -r pkg; do
    [ -z "$pkg" ] && continue
    compgen -G "$DEB/${pkg}_*.deb" >/dev/null && continue
    if [ -n "${XLING_DEB_DIR:-}" ] && compgen -G "$XLING_DEB_DIR/${pkg}_*.deb" >/dev/null; then
        cp "$XLING_DEB_DIR/${pkg}"_*.deb "$DEB/"
        continue
    fi
    missing+=("$pkg")
done <"$HERE/packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
    log "downloading ${#missing[@]} packages"
    if ! (cd "$DEB" && apt-get download "${missing[@]}" >/dev/null); then
        echo "run.sh: apt-get download failed; run 'apt-get update' first" >&2
        exit 1
    fi
fi

# ---- unpacking and the corpus ------------------------------------------------
# Only the listed packages are unpacked (the newest file of each, when out/deb
# has several); the stamp names them, and a different set unpacks anew.
debs=()
while read -r pkg; do
    [ -z "$pkg" ] && continue
    debs+=("$(compgen -G "$DEB/${pkg}_*.deb" | sort -V | tail -1)")
done <"$HERE/packages.txt"
stamp=$(printf '%s\n' "${debs[@]##*/}" | sha1sum | cut -c1-40)
if [ "$(cat "$ROOT/.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "unpacking packages"
    rm -rf "$ROOT" "$CORPUS"
    mkdir -p "$ROOT"
    for f in "${debs[@]}"; do dpkg-deb -x "$f" "$ROOT"; done
    echo "$stamp" >"$ROOT/.stamp"
fi
if [ "${XLING_REBUILD:-0}" = 1 ] || [ ! -s "$CORPUS/stats.tsv" ] ||
    [ "$HERE/build_corpus.py" -nt "$CORPUS/stats.tsv" ]; then
    log "building the corpus (renders every man page: a few minutes)"
    rm -rf "$CORPUS"
    "$PY" "$HERE/build_corpus.py" "$ROOT" "$CORPUS" >/dev/null
fi

# ---- the runs -----------------------------------------------------------------
rm -rf "$RUN"
mkdir -p "$RUN"
# Sources are recorded as FILE:LINE with FILE as given: import from inside
# the corpus directory so that they read "group.txt:17".
imp() { (cd "$CORPUS" && "$PLOTLINE" --db "$RUN/$1.db" import --quiet "$2"); }

log "grouping: importing $(wc -l <"$CORPUS/group.txt") texts"
imp group group.txt

if "$PLOTLINE" search --help 2>&1 | grep -q -- '--no-translate'; then
    no_translate=1
else
    no_translate=0
    log "this plotline's search has no --no-translate: that setup is n/a"
fi
search() { # DB QUERIES OUT [--guess] [FLAGS...]
    local db=$1 q=$2 o=$3 lang="--lang en"
    shift 3
    # --guess: the queries' language is left to plotline, as the CLI does by default.
    [ "${1:-}" = --guess ] && { lang=""; shift; }
    # A failing query is reported in its JSON line (and exit status 1): go on.
    # shellcheck disable=SC2086
    "$PLOTLINE" --db "$RUN/$db.db" search --batch "$CORPUS/$q" --limit 10 $lang "$@" \
        >"$RUN/$o" 2>>"$RUN/search.err" || true
}

for L in $LANGS; do
    [ -s "$CORPUS/queries.$L.txt" ] || continue
    log "retrieval $L: $(wc -l <"$CORPUS/queries.$L.txt") queries, $(wc -l <"$CORPUS/pool.$L.txt") texts"
    imp "$L" "pool.$L.txt"
    imp "en-$L" "pool.en-$L.txt"
    search "$L" "queries.$L.txt" "search.$L.translate.jsonl"
    [ $no_translate = 1 ] && search "$L" "queries.$L.txt" "search.$L.no-translate.jsonl" --no-translate
    search "en-$L" "queries.$L.txt" "search.$L.ceiling.jsonl"
    search "$L" "queries.$L.txt" "search.$L.guessed.jsonl" --guess
done

# ---- the report ---------------------------------------------------------------
{
    printf 'plotline\t%s (%s)\n' "$("$PLOTLINE" --version 2>&1 | head -1)" \
        "$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')"
    printf 'packages\t%s\n' "$(for f in "${debs[@]##*/}"; do case $f in
        manpages_* | manpages-de_* | gnome-user-docs_* | installation-guide-*) printf '%s ' "${f%_*.deb}" ;;
        esac; done)and $((${#debs[@]} - 4)) more (packages.txt)"
    printf 'corpus\t%s\n' "$(cd "$CORPUS" && sha1sum ./*.txt | sort -k2 | sha1sum | cut -c1-12) (sha1 of the corpus files)"
    printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
} >"$RUN/meta.txt"
"$PY" "$HERE/evaluate.py" "$CORPUS" "$RUN" "$OUT/results.md"
