#!/bin/sh
# build-stopwords.sh - writes data/xling/stopwords.txt, the function words of
# each language that the query planner neither translates nor lets weigh
# like content words ("de", "the", "und").
#
# From Debian's liblingua-stopwords-perl (Snowball's stop lists), pinned
# below; one line per language: its code, then its words, case-folded and
# sorted, so that the file is the same on every run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/data/xling/stopwords.txt"
pkg=liblingua-stopwords-perl
version=0.12-2

have=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
if [ "$have" != "$version" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$pkg=$version" >&2
fi

{
    echo "# function words per language: code, then words (tools/xling/build-stopwords.sh, $pkg $version)"
    LC_ALL=C perl -CS -MLingua::StopWords=getStopWords -e '
        my %code = (no => "nb");
        # Beside Snowball'"'"'s lists: the pronoun of "the one where ...", the
        # way readers of episode guides name an episode.
        my %extra = (en => ["one"]);
        for my $l (qw(da de en es fi fr hu id it nl no pt ro ru sv)) {
            my $s = getStopWords($l, "UTF-8");
            my %seen;
            my @w = sort grep { !$seen{$_}++ } map { fc($_) } keys(%$s), @{$extra{$l} // []};
            print(($code{$l} // $l), " ", join(" ", @w), "\n");
        }' -M'feature=fc'
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -l <"$out") lines)" >&2
