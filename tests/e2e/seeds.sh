# seeds.sh - the sample synopses end to end: import, language, search, show,
# delete, statistics.
. "$(dirname "$0")/lib.bash"
S000="$PLOTLINE_SAMPLES/000_a745887c23e04ec9.txt"
S003="$PLOTLINE_SAMPLES/003_c8ee2d876f44739e.txt"

out=$("$PLOTLINE" import "$S000" --series "Sex and the City" --season 1)
expect_eq "import 000" "$?" 0
expect_contains "import 000 report" "$out" "12 synopses added"
out=$("$PLOTLINE" import "$S003")
expect_contains "import 003 report" "$out" "9 synopses added"
out=$("$PLOTLINE" import "$S003")
expect_contains "re-import adds nothing" "$out" "0 synopses added"
expect_contains "re-import counts duplicates" "$out" "9 already stored"

# Every seed line's language, with and without the database.
got=$("$PLOTLINE" langid < "$S000" | cut -f1 | tr '\n' ' ')
expect_eq "langid 000" "$got" "de de de de de de de de de de de de "
got=$("$PLOTLINE" langid < "$S003" | cut -f1 | tr '\n' ' ')
expect_eq "langid 003" "$got" "de en fi fr hu it es pt el "
# Every seed line is one span of its own language; a mixed line is split.
got=$("$PLOTLINE" langid --spans < "$S003" | cut -f1 | tr '\n' ' ')
expect_eq "langid --spans 003" "$got" "de  en  fi  fr  hu  it  es  pt  el  "
got=$(printf 'Die Mädels gehen ins Kino, und Samantha sagt nur: you only live once, meine Lieben!\n' |
      "$PLOTLINE" langid --spans | cut -f1,3,5 | tr '\t\n' '| ')
expect_eq "langid --spans, mixed" "$got" "de|0|Die Mädels gehen ins Kino, und Samantha sagt nur: en|51|you only live once, de|71|meine Lieben!  "
got=$("$PLOTLINE" show --json 14 | grep -o '"lang":"[^"]*"')
expect_eq "stored language of 003:2" "$got" '"lang":"en"'

# Finding an episode by what happens in it.
expect_eq "Kreditkarte zerschnitten" "$(first_source 'Kreditkarte zerschnitten')" "000_a745887c23e04ec9.txt:5"
expect_eq "Kreditkarten" "$(first_source Kreditkarten)" "000_a745887c23e04ec9.txt:5"
expect_eq "Schuh" "$(first_source Schuh)" "000_a745887c23e04ec9.txt:5"
expect_eq "Schwangerschaftstest" "$(first_source Schwangerschaftstest)" "000_a745887c23e04ec9.txt:10"
expect_eq "Herz-OP" "$(first_source Herz-OP)" "003_c8ee2d876f44739e.txt:1"
# Read as German, as written: split into "Herz OP" it read as Dutch.
expect_contains "Herz-OP read as German" "$("$PLOTLINE" search --json --limit 1 Herz-OP)" \
    '"why":[{"word":"Herz","term":"herz","lang":"de","translated":false},{"word":"OP","term":"op","lang":"de",'
expect_eq "Schildkröte mit Mundgeruch" "$(first_source 'Schildkröte mit Mundgeruch')" "000_a745887c23e04ec9.txt:9"
expect_eq "--lang de" "$(first_source --lang de Kreditkarte)" "000_a745887c23e04ec9.txt:5"
expect_eq "phrase" "$(first_source '"Schildkröte mit Mundgeruch"')" "000_a745887c23e04ec9.txt:9"
expect_eq "accents folded in French" "$(first_source coeur)" "003_c8ee2d876f44739e.txt:4"

json=$("$PLOTLINE" search --json --limit 5 Schwangerschaftstest)
expect_contains "json query" "$json" '"query":"Schwangerschaftstest"'
expect_contains "json rank" "$json" '"rank":1,"score":'
expect_contains "json snippet marks" "$json" '[Schwangerschaftstest]'
expect_contains "json lang" "$json" '"lang":"de"'

# Exclusion and OR.
got=$("$PLOTLINE" search --json 'Carrie -Big' | grep -c '"source":"003_c8ee2d876f44739e.txt:1"')
expect_eq "excluded word drops 003:1" "$got" 0
src=$("$PLOTLINE" search --json --limit 30 'Schildkröte OR Schwangerschaftstest' | grep -o '"source":"[^"]*"' | sort | tr '\n' ' ')
expect_eq "OR" "$src" '"source":"000_a745887c23e04ec9.txt:10" "source":"000_a745887c23e04ec9.txt:9" '

# Required words: only synopses with both (Herz and Schwangerschaft never meet).
got=$("$PLOTLINE" search --json --limit 30 'Herz Schwangerschaft' | grep -o '"source":' | wc -l)
expect_eq "two optional words find either" "$([ "$got" -ge 2 ] && echo yes)" yes
got=$("$PLOTLINE" search --json 'Herz AND Schwangerschaft')
expect_contains "AND: none has both" "$got" '"total":0,'
got=$("$PLOTLINE" search --json '+Herz +Schwangerschaft')
expect_contains "+a +b: none has both" "$got" '"total":0,'
src=$("$PLOTLINE" search --json --limit 30 '+Kreditkarte Schuhe Carrie' | grep -o '"source":"[^"]*"' | tr '\n' ' ')
expect_eq "+word: only synopses with it" "$src" '"source":"000_a745887c23e04ec9.txt:5" '
# A German function word in a German query is not translated as another
# language's word ("mit" is Hungarian for "what").
got=$("$PLOTLINE" search --json --limit 1 'Schildkröte mit Mundgeruch' | grep -o '"word":"mit"[^}]*}' | tr '\n' ' ')
expect_eq "mit: only its German self" "$got" '"word":"mit","term":"mit","lang":"de","translated":false} '
src=$("$PLOTLINE" search --json --limit 30 'credit AND card' | grep -o '"source":"[^"]*"' | tr '\n' ' ')
expect_eq "AND through translations" "$src" '"source":"000_a745887c23e04ec9.txt:5" '

# Options may follow the query; --limit is not a word of it.
got=$("$PLOTLINE" search Miranda --limit 1 --json | grep -o '"source":"[^"]*"' | wc -l)
expect_eq "options after the query" "$got" 1
got=$("$PLOTLINE" search --json Miranda --limit 30 | grep -c '000_a745887c23e04ec9.txt:5"')
expect_eq "no option taken as a word" "$got" 0

# show: a synopsis, an episode.
out=$("$PLOTLINE" show 5)
expect_contains "show 5" "$out" "Kreditkarte"
out=$("$PLOTLINE" show --episode 5)
expect_contains "show episode 5" "$out" "season 1  episode 5"

# stats, then rm: gone from catalog and index alike.
out=$("$PLOTLINE" stats --json)
expect_contains "stats synopses" "$out" '"synopses":21'
expect_contains "stats languages" "$out" '"de":13'
err=$("$PLOTLINE" rm 10 999999 2>&1 >/dev/null)
expect_eq "rm with a missing id exit" "$?" 1
expect_contains "rm names the missing id" "$err" "999999"
expect_eq "rm with a missing id deletes none" "$(first_source Schwangerschaftstest)" "000_a745887c23e04ec9.txt:10"
out=$("$PLOTLINE" rm 10 10)
expect_eq "rm exit" "$?" 0
expect_eq "rm names a repeated id once" "$out" "deleted synopsis 10"
got=$(first_source Schwangerschaftstest)
expect_eq "deleted synopsis not found" "$got" ""
"$PLOTLINE" show 10 >/dev/null 2>&1
expect_eq "show deleted" "$?" 1
"$PLOTLINE" rm 10 >/dev/null 2>&1
expect_eq "rm twice" "$?" 1
out=$("$PLOTLINE" integrity-check)
expect_eq "integrity after rm" "$out" "ok"
# The imports and the delete left several segments; optimize makes one, and
# the same searches find the same synopses.
segments() { "$PLOTLINE" stats --json | grep -o '"index_segments":[0-9]*' | cut -d: -f2; }
before_segments=$(segments)
# (The ids in order: a deleted synopsis's words leave the statistics, so
# scores may move.)
ids_of() { "$PLOTLINE" search --json "$1" | grep -o '"synopsis_id":[0-9]*' | tr '\n' ' '; }
before_search=$(ids_of "Kreditkarte zerschnitten")
out=$("$PLOTLINE" optimize)
expect_eq "optimize exit" "$?" 0
expect_contains "optimize reports" "$out" "segments"
expect_eq "one segment after optimize" "$(segments)" 1
[ "$before_segments" -gt 1 ] || fail "several segments before optimize: $before_segments"
CHECKS=$((CHECKS + 1))
expect_eq "the same search after optimize" "$(ids_of "Kreditkarte zerschnitten")" "$before_search"
expect_eq "deleted synopsis not found after optimize" "$(first_source Schwangerschaftstest)" ""
out=$("$PLOTLINE" integrity-check)
expect_eq "integrity after optimize" "$out" "ok"
"$PLOTLINE" reindex >/dev/null
expect_eq "Kreditkarte after reindex" "$(first_source Kreditkarte)" "000_a745887c23e04ec9.txt:5"
out=$("$PLOTLINE" integrity-check)
expect_eq "integrity after reindex" "$out" "ok"

# Every command answers --help.
for cmd in import search langid show rm stats integrity-check reindex optimize; do
    out=$("$PLOTLINE" $cmd --help)
    expect_contains "$cmd --help" "$out" "Usage: plotline"
done
finish
