#!/bin/sh
# build-lexicon.sh - rebuilds data/xling/lexicon.bin from scratch, reproducibly.
#
# Installs the pinned Debian packages that hold the sources (FreeDict
# bilingual dictionaries in dictd form, Apertium's curated bilingual
# dictionaries, hunspell word lists for decompounding),
# unpacks the dictionaries into build/xling-cache, compiles the builder against
# plotline's analyzer and runs it. The same package versions always give the
# same lexicon bytes. Run from anywhere, as root or through sudo:
#     tools/xling/build-lexicon.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/tools/xling"
cache="$root/build/xling-cache"
mkdir -p "$cache/dict" "$cache/words"

# FreeDict 2022 releases: every pair between English and the catalog's main
# European languages, and the direct pairs among them that FreeDict has.
pkgs="
dict-freedict-dan-eng=2022.04.21-1 dict-freedict-deu-ell=2022.12.07-2 dict-freedict-deu-eng=2022.04.21-1
dict-freedict-deu-fin=2022.12.07-2 dict-freedict-deu-fra=2022.12.07-2 dict-freedict-deu-ita=2022.04.21-1
dict-freedict-deu-nld=2022.04.21-1 dict-freedict-deu-pol=2022.12.07-2 dict-freedict-deu-por=2022.04.21-1
dict-freedict-deu-rus=2022.12.07-2 dict-freedict-deu-spa=2022.12.07-2 dict-freedict-deu-swe=2022.12.07-2
dict-freedict-ell-eng=2022.12.07-2 dict-freedict-ell-fin=2022.12.07-2 dict-freedict-ell-fra=2022.12.07-2
dict-freedict-ell-ita=2022.12.07-2 dict-freedict-ell-nld=2022.12.07-2 dict-freedict-ell-nor=2022.12.07-2
dict-freedict-ell-pol=2022.12.07-2 dict-freedict-ell-por=2022.12.07-2 dict-freedict-ell-rus=2022.12.07-2
dict-freedict-ell-spa=2022.12.07-2 dict-freedict-ell-swe=2022.12.07-2 dict-freedict-eng-dan=2022.04.21-1
dict-freedict-eng-deu=2022.04.21-1 dict-freedict-eng-ell=2022.04.21-1 dict-freedict-eng-fin=2022.12.07-2
dict-freedict-eng-fra=2022.04.21-1 dict-freedict-eng-hun=2022.04.21-1 dict-freedict-eng-ita=2022.04.21-1
dict-freedict-eng-nld=2022.04.21-1 dict-freedict-eng-nor=2022.12.07-2 dict-freedict-eng-pol=2022.04.21-1
dict-freedict-eng-por=2022.04.21-1 dict-freedict-eng-rus=2022.04.21-1 dict-freedict-eng-spa=2022.04.21-1
dict-freedict-eng-swe=2022.04.21-1 dict-freedict-fin-deu=2022.12.07-2 dict-freedict-fin-ell=2022.12.07-2
dict-freedict-fin-eng=2022.12.07-2 dict-freedict-fin-fra=2022.12.07-2 dict-freedict-fin-ita=2022.12.07-2
dict-freedict-fin-nld=2022.12.07-2 dict-freedict-fin-nor=2022.12.07-2 dict-freedict-fin-pol=2022.12.07-2
dict-freedict-fin-por=2022.12.07-2 dict-freedict-fin-swe=2022.12.07-2 dict-freedict-fra-deu=2022.12.07-2
dict-freedict-fra-ell=2022.12.07-2 dict-freedict-fra-eng=2022.04.21-1 dict-freedict-fra-fin=2022.12.07-2
dict-freedict-fra-ita=2022.12.07-2 dict-freedict-fra-nld=2022.04.21-1 dict-freedict-fra-pol=2022.12.07-2
dict-freedict-fra-por=2022.12.07-2 dict-freedict-fra-rus=2022.12.07-2 dict-freedict-fra-spa=2022.12.07-2
dict-freedict-fra-swe=2022.12.07-2 dict-freedict-hun-eng=2022.04.21-1 dict-freedict-ita-deu=2022.04.21-1
dict-freedict-ita-ell=2022.12.07-2 dict-freedict-ita-eng=2022.04.21-1 dict-freedict-ita-fin=2022.12.07-2
dict-freedict-ita-nor=2022.12.07-2 dict-freedict-ita-pol=2022.12.07-2 dict-freedict-ita-por=2022.12.07-2
dict-freedict-ita-rus=2022.12.07-2 dict-freedict-ita-spa=2022.12.07-2 dict-freedict-ita-swe=2022.12.07-2
dict-freedict-nld-deu=2022.04.21-1 dict-freedict-nld-ell=2022.12.07-2 dict-freedict-nld-eng=2022.04.21-1
dict-freedict-nld-fin=2022.12.07-2 dict-freedict-nld-fra=2022.04.21-1 dict-freedict-nld-ita=2022.12.07-2
dict-freedict-nld-pol=2022.12.07-2 dict-freedict-nld-por=2022.12.07-2 dict-freedict-nld-rus=2022.12.07-2
dict-freedict-nld-spa=2022.12.07-2 dict-freedict-nld-swe=2022.12.07-2 dict-freedict-pol-deu=2022.12.07-2
dict-freedict-pol-ell=2022.12.07-2 dict-freedict-pol-eng=2022.12.07-2 dict-freedict-pol-fin=2022.12.07-2
dict-freedict-pol-fra=2022.12.07-2 dict-freedict-pol-ita=2022.12.07-2 dict-freedict-pol-nld=2022.12.07-2
dict-freedict-pol-nor=2022.12.07-2 dict-freedict-pol-por=2022.12.07-2 dict-freedict-pol-rus=2022.12.07-2
dict-freedict-pol-spa=2022.12.07-2 dict-freedict-pol-swe=2022.12.07-2 dict-freedict-por-deu=2022.04.21-1
dict-freedict-por-eng=2022.04.21-1 dict-freedict-por-fra=2022.12.07-2 dict-freedict-por-spa=2022.12.07-2
dict-freedict-spa-deu=2022.04.21-1 dict-freedict-spa-eng=2022.04.21-1 dict-freedict-spa-por=2022.04.21-1
dict-freedict-swe-deu=2022.12.07-2 dict-freedict-swe-ell=2022.12.07-2 dict-freedict-swe-eng=2022.04.21-1
dict-freedict-swe-fin=2022.12.07-2 dict-freedict-swe-fra=2022.12.07-2 dict-freedict-swe-ita=2022.12.07-2
dict-freedict-swe-nld=2022.12.07-2 dict-freedict-swe-nor=2022.12.07-2 dict-freedict-swe-pol=2022.12.07-2
dict-freedict-swe-por=2022.12.07-2 dict-freedict-swe-rus=2022.12.07-2 dict-freedict-swe-spa=2022.12.07-2
hunspell-da=1:7.5.0-1 hunspell-de-de=20161207-11 hunspell-hu=1:7.5.0-1
hunspell-nl=2:2.20.19-2 hunspell-no=1:7.5.0-1 hunspell-sv=1:7.5.0-1
apertium-eng-spa=0.8.1-2 apertium-fr-es=0.9.4-1 apertium-spa-ita=0.2.1-3
apertium-es-pt=1.1.6-1 lttoolbox-dev=3.7.1-1+b2
"

missing=""
for p in $pkgs; do
    [ "$(dpkg-query -W -f '${Version}' "${p%%=*}" 2>/dev/null)" = "${p#*=}" ] ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        $missing >&2
fi

# Dictionaries: dictd's .dict.dz is gzip-compatible. English pairs first, so
# that the order of the builder's input (and so its output) is fixed.
dicts=""
for p in $(printf '%s\n' $pkgs | sed -n 's/^dict-freedict-\([a-z]*-[a-z]*\)=.*/\1/p' |
           awk '/eng/ {print 0, $0; next} {print 1, $0}' | sort | cut -d' ' -f2); do
    src=${p%-*} tgt=${p#*-}
    d=/usr/share/dictd/freedict-$p
    [ -s "$cache/dict/$p.dict" ] && [ "$cache/dict/$p.dict" -nt "$d.dict.dz" ] ||
        gzip -dc "$d.dict.dz" > "$cache/dict/$p.dict"
    # eng-deu is Ding's German-English list turned round: a headword's
    # entries come in the order of their German side, not of its senses.
    opt=-d
    [ "$p" = eng-deu ] && opt=-D
    dicts="$dicts $opt $src $tgt $d.index $cache/dict/$p.dict"
done

# Word lists for decompounding: hunspell's stems (flags dropped), as UTF-8.
words() { # lang dic-file
    enc=$(sed -n 's/^SET[[:space:]]*//p' "${2%.dic}.aff" | tr -d '\r')
    sed 1d "$2" | iconv -f "${enc:-UTF-8}" -t UTF-8 | cut -d/ -f1 | LC_ALL=C sort -u \
        > "$cache/words/$1.txt"
    printf ' -w %s %s' "$1" "$cache/words/$1.txt"
}
wl="$(words de /usr/share/hunspell/de_DE.dic)$(words nl /usr/share/hunspell/nl.dic)"
wl="$wl$(words sv /usr/share/hunspell/sv_SE.dic)$(words da /usr/share/hunspell/da_DK.dic)"
wl="$wl$(words nb /usr/share/hunspell/nb_NO.dic)$(words hu /usr/share/hunspell/hu_HU.dic)"

# Apertium's bilingual transducers as text (lt-print, from lttoolbox-dev):
# English with Spanish both ways, and Spanish with French, Italian and
# Portuguese, which the builder joins into English pairs through Spanish.
ap=/usr/share/apertium
listing() { # transducer text-file: listed once, and again when the package is newer
    [ -s "$2" ] && [ "$2" -nt "$1" ] || lt-print "$1" > "$2"
}
bidix=""
for t in apertium-eng-spa/eng-spa:en:es apertium-eng-spa/spa-eng:es:en \
         apertium-fr-es/fr-es:fr:es apertium-fr-es/es-fr:es:fr \
         apertium-spa-ita/ita-spa:it:es apertium-spa-ita/spa-ita:es:it \
         apertium-es-pt/pt-es:pt:es apertium-es-pt/es-pt:es:pt; do
    f=${t%%:*} l=${t#*:}
    att="$cache/dict/$(basename "$f").att"
    listing "$ap/$f.autobil.bin" "$att"
    bidix="$bidix -a ${l%:*} ${l#*:} $att"
done
# Their generators (lemma and tags to word forms), for the stems a word's
# forms have besides its lemma's. (Portuguese's lists no forms this way.)
for t in apertium-eng-spa/eng-spa:es apertium-eng-spa/spa-eng:en \
         apertium-fr-es/es-fr:fr apertium-spa-ita/spa-ita:it; do
    f=${t%%:*} l=${t#*:}
    att="$cache/dict/gen-$l.att"
    listing "$ap/$f.autogen.bin" "$att"
    bidix="$bidix -g $l $att"
done

# Message catalogs translated sentence by sentence: Battle for Wesnoth 1.16's
# stories, dialogue and help; the interfaces of VLC, LibreOffice, GIMP,
# Inkscape, GTK, GNOME (Settings, Files, Disks, Software), KDE (KIO, Dolphin,
# Konsole, Plasma, Partition Manager, Info Center, System Log), Thunar,
# Midnight Commander, GParted, Synaptic and aptitude; the messages of the C
# library, GCC, Bison, Git, GnuPG, cryptsetup, NetworkManager and wget, and
# of Mercurial, Subversion, Vim, GLib, flatpak, fwupd, udisks, PackageKit,
# GVfs, aria2, xfsprogs, gphoto2, flex, GnuTLS and Lynx. They rank a word's
# dictionary senses by use and add the pairs they show plainly (-x; see mine
# in xling_build.c) and those that aligning their words shows (-A; align), the
# command-line tools' catalogs (-C) also on their own, for the senses such
# tools use. None of these packages' programs has a man page in bench/xling's
# evaluation text. The packages are only unpacked, never installed, and only
# their .mo files kept.
lo=4:7.4.7-1+deb12u14
catpkgs="vlc-l10n=3.0.24-0+deb12u1 gcc-12-locales=12.2.0-14+deb12u1
git=1:2.39.5-0+deb12u3 mc-data=3:4.8.29-2 gnupg-l10n=2.2.40-1.1+deb12u2
gimp-data=2.10.34-1+deb12u10 libgtk-3-common=3.24.38-2~deb12u3
inkscape=1.2.2-2+deb12u1 gnome-disk-utility=43.0-1 aptitude-common=0.8.13-5
bison=2:3.8.2+dfsg-1+b1 cryptsetup-bin=2:2.6.1-4~deb12u2 dolphin=4:22.12.3-1
gnome-control-center-data=1:43.6-2~deb12u1 gnome-software-common=43.5-1~deb12u2
gparted-common=1.3.1-1 kinfocenter=4:5.27.5-2 kio=5.103.0-1+deb12u1
konsole=4:22.12.3-1+deb12u1 ksystemlog=4:22.12.3-1 libc-l10n=2.36-9+deb12u14
nautilus-data=43.2-1 network-manager=1.42.4-1+deb12u1 partitionmanager=22.12.3-1
plasma-workspace-data=4:5.27.5-2+deb12u2 synaptic=0.91.3 thunar-data=4.18.4-1
wget=1.21.3-1+deb12u1
mercurial-common=6.3.2-1+deb12u1 subversion=1.14.2-4+deb12u1 vim-runtime=2:9.0.1378-2+deb12u2
libglib2.0-data=2.74.6-2+deb12u9 flatpak=1.14.10-1~deb12u2 fwupd=2.0.20-1~deb12u2
udisks2=2.9.4-4+deb12u2 packagekit=1.2.6-5+deb12u1 gvfs-common=1.50.3-1+deb12u1
aria2=1.36.0-1 xfsprogs=6.1.0-1 gphoto2=2.5.28-2 flex=2.6.4-8.2
libgnutls30=3.7.9-2+deb12u7 lynx-common=2.9.0dev.12-1"
for d in data did dm dw ei httt l low nr sof sota sotbe thot trow tsg ttb utbs; do
    catpkgs="$catpkgs wesnoth-1.16-$d=1:1.16.9-1"
done
for l in da de el es fi fr hu it nb nl pl pt pt-br ru sv; do
    catpkgs="$catpkgs libreoffice-l10n-$l=$lo"
done
# Each package is unpacked into a directory of its own, kept while its
# version is the pinned one; only the packages listed here are read, whatever
# else the cache holds.
pk="$cache/deb/pkgs"
mkdir -p "$pk"
for pv in $catpkgs; do
    d=${pv%%=*} v=${pv#*=}
    [ -f "$pk/$d/.version" ] && [ "$(cat "$pk/$d/.version")" = "$v" ] && continue
    rm -rf "${pk:?}/$d" && mkdir -p "$pk/$d"
    (cd "$cache/deb" && rm -f "${d}_"*.deb && apt-get download "$d=$v" >&2)
    dpkg-deb --fsys-tarfile "$cache/deb/${d}_"*.deb | tar -x -C "$pk/$d" --wildcards '*.mo'
    rm -f "$cache/deb/${d}_"*.deb
    echo "$v" >"$pk/$d/.version"
done
# A language's catalogs in the order of their paths inside the packages.
cats=""
for l in da de el es fi fr hu it nb nl pl pt ru sv; do
    rels="usr/share/games/wesnoth/1.16/locale/$l usr/share/locale/$l
          usr/lib/libreoffice/program/resource/$l usr/share/vim/vim90/lang/$l
          usr/lib/python3/dist-packages/mercurial/locale/$l"
    [ "$l" = pt ] && rels="$rels usr/share/locale/pt_BR usr/share/locale/pt_PT
                                 usr/lib/libreoffice/program/resource/pt-BR
                                 usr/share/vim/vim90/lang/pt_BR
                                 usr/lib/python3/dist-packages/mercurial/locale/pt_BR"
    for mo in $(for pv in $catpkgs; do
                    for rel in $rels; do
                        for f in "$pk/${pv%%=*}/$rel"/LC_MESSAGES/*.mo; do
                            [ -f "$f" ] && printf '/%s\t%s\n' "$rel/LC_MESSAGES/${f##*/}" "$f"
                        done
                    done
                done | LC_ALL=C sort | cut -f2); do
        # The command-line tools' messages (see -C in xling_build.c).
        opt=-c
        case "$mo" in
        "$pk"/git/* | "$pk"/gcc-12-locales/* | "$pk"/libc-l10n/* | "$pk"/bison/* | \
        "$pk"/wget/* | "$pk"/gnupg-l10n/* | "$pk"/cryptsetup-bin/* | \
        "$pk"/network-manager/* | "$pk"/mc-data/* | "$pk"/aptitude-common/* | \
        "$pk"/mercurial-common/* | "$pk"/subversion/* | "$pk"/vim-runtime/* | \
        "$pk"/libglib2.0-data/* | "$pk"/flatpak/* | "$pk"/fwupd/* | "$pk"/udisks2/* | \
        "$pk"/packagekit/* | "$pk"/gvfs-common/* | "$pk"/aria2/* | \
        "$pk"/xfsprogs/* | "$pk"/gphoto2/* | "$pk"/flex/* | "$pk"/libgnutls30/* | \
        "$pk"/lynx-common/*) opt=-C ;;
        esac
        cats="$cats $opt $l $mo"
    done
done

cc=${CC:-gcc}
$cc -std=gnu11 -O2 -Wall -Wextra -I"$root/src" -I"$root/include" \
    "$tools/xling_build.c" "$root"/src/util/*.c "$root"/src/text/*.c \
    "$root/src/xling/xling.c" "$root/src/xling/decompound.c" \
    "$root/src/xling/stopwords.c" "$root/src/xling/stopwords_blob.S" -I"$root/data/xling" \
    -lutf8proc -lstemmer -lxxhash -o "$cache/xling_build"
mkdir -p "$root/data/xling"
# Linking elements: German Schwangerschaft-s-test, Kreditkarte-n-, Schul(e)hof;
# Dutch -s-/-en-; Swedish -s-/-a-/-u-/-o-; Danish and Norwegian -s-/-e-.
# Finnish and Hungarian join their parts as they are.
# shellcheck disable=SC2086
"$cache/xling_build" ${XLING_FLAGS:-} -o "$root/data/xling/lexicon.bin" \
    -l de "s es n en e er ens -e" -l nl "s e en" -l sv "s a u o e" -l da "s e" \
    -l nb "s e" -l fi "" -l hu "" $wl $dicts $bidix -p es -x -A $cats
