# across.sh - across languages with the seeds imported unlabeled: grouping
# translations into episodes (in any import order, one line at a time too)
# and finding German synopses from descriptions in other languages.
. "$(dirname "$0")/lib.bash"
S000="$PLOTLINE_SAMPLES/000_a745887c23e04ec9.txt"
S003="$PLOTLINE_SAMPLES/003_c8ee2d876f44739e.txt"

# The episodes' sizes, largest first: "9 1 1 ..." is 003 together, 000 apart.
sizes() {
    sqlite3 "$PLOTLINE_DB" "SELECT count(*) FROM synopses GROUP BY episode_id ORDER BY 1 DESC" |
        tr '\n' ' '
}
WANT="9 1 1 1 1 1 1 1 1 1 1 1 1 "
fresh() { rm -rf "$PLOTLINE_DB" "$PLOTLINE_DB"-wal "$PLOTLINE_DB"-shm "$PLOTLINE_DB".idx; }

"$PLOTLINE" import "$S000" "$S003" >/dev/null
expect_eq "000 then 003: 13 episodes" "$(sizes)" "$WANT"
expect_eq "the 003 lines are one episode" \
    "$(sqlite3 "$PLOTLINE_DB" "SELECT count(DISTINCT episode_id) FROM synopses WHERE source LIKE '003%'")" 1
fresh
"$PLOTLINE" import "$S003" "$S000" >/dev/null
expect_eq "003 then 000: 13 episodes" "$(sizes)" "$WANT"
fresh
"$PLOTLINE" import "$S000" >/dev/null
i=0
while IFS= read -r line || [ -n "$line" ]; do
    i=$((i + 1))
    printf '%s\n' "$line" >"$WORK/003_line$i.txt"
    "$PLOTLINE" import "$WORK/003_line$i.txt" >/dev/null
done <"$S003"
expect_eq "003 one line at a time: 13 episodes" "$(sizes)" "$WANT"
fresh
"$PLOTLINE" import "$S000" --series "Sex and the City" --season 1 >/dev/null
"$PLOTLINE" import "$S003" >/dev/null
expect_eq "beside a labeled season: 13 episodes" "$(sizes)" "$WANT"

# Descriptions in other languages find the German synopses first.
fresh
"$PLOTLINE" import "$S000" "$S003" >/dev/null
expect_eq "credit card shoes" "$(first_source 'credit card shoes')" "000_a745887c23e04ec9.txt:5"
expect_eq "pregnancy test" "$(first_source 'pregnancy test')" "000_a745887c23e04ec9.txt:10"
# "fart" is French "pet", which is also how "petit" is indexed: the French
# 003 line, which has "petit", must not come before the German "Furz".
expect_eq "fart" "$(first_source 'fart')" "000_a745887c23e04ec9.txt:11"
# "Schwangerschaftstest" is indexed by its parts too, so "test" meets it;
# "grossesse" read as Portuguese ("gross") must not meet German "groß".
expect_eq "test de grossesse" "$(first_source 'test de grossesse')" "000_a745887c23e04ec9.txt:10"
expect_eq "tarjeta de crédito zapatos" "$(first_source 'tarjeta de crédito zapatos')" \
    "000_a745887c23e04ec9.txt:5"
# "zapatos de diseñador" is Schuh and Designer word by word; the German text
# says Designerschuhe, which the index keeps whole: the two words' joined
# translations (in Spanish order turned round) meet it, as both words.
out=$("$PLOTLINE" search --json --limit 1 "zapatos de diseñador")
expect_contains "a compound of two words' translations" "$out" \
    '{"word":"zapatos diseñador","term":"designerschuh","lang":"de","translated":true}'
expect_eq "zapatos de diseñador" "$(first_source 'zapatos de diseñador')" \
    "000_a745887c23e04ec9.txt:5"
# The same join from French and Spanish, "credit" being Kredit once the
# English-German entries are ranked by the reverse dictionary.
expect_eq "tarjeta de crédito" "$(first_source 'tarjeta de crédito')" "000_a745887c23e04ec9.txt:5"
expect_eq "carte de crédit" "$(first_source 'carte de crédit')" "000_a745887c23e04ec9.txt:5"
ep003=$(sqlite3 "$PLOTLINE_DB" "SELECT episode_id FROM synopses WHERE source LIKE '003%' LIMIT 1")
first_episode() { "$PLOTLINE" search --json --limit 1 "$1" | grep -o '"episode_id":[0-9]*' | cut -d: -f2; }
expect_eq "heart surgery" "$(first_episode 'heart surgery')" "$ep003"
# As readers name an episode: "one" is no word to translate (German "mehr",
# "einzig" found another episode first).
expect_eq "the one with the heart surgery" "$(first_episode 'the one with the heart surgery')" \
    "$ep003"
expect_eq "operazione al cuore" "$(first_episode 'operazione al cuore')" "$ep003"
# A function word of the query's language is no name spelled alike
# everywhere: English "a" meets the English synopsis, not French "à".
out=$("$PLOTLINE" search --lang en --json --limit 9 "a heart surgery")
expect_contains "a function word in its own language" "$out" \
    '"lang":"en","source":"003_c8ee2d876f44739e.txt:2","snippet"'
expect_eq "a function word not across languages" \
    "$(printf '%s' "$out" | grep -o '{"word":"a","term":"a",' | wc -l)" 1

# Why: the translation is named; without translation nothing is found.
out=$("$PLOTLINE" search --json --limit 1 "credit card shoes")
expect_contains "why names the translation" "$out" \
    '{"word":"shoes","term":"schuh","lang":"de","translated":true}'
# The word named as the reader meant it, without the punctuation around it.
expect_contains "why: a word without its comma" \
    "$("$PLOTLINE" search --json --limit 1 "shoes, (credit card)")" \
    '"why":[{"word":"shoes","term":"schuh","lang":"de","translated":true},{"word":"credit card",'
# "credit" is also "glaubwürdig" (credible), whose head würdig is "wurd" as
# wurde ("was") is: no translation may become a function word's term.
expect_lacks "no function word's term as a translation" "$out" '"term":"wurd"'
# A compound matched through a part says so: French "test" in Schwangerschaftstest.
expect_contains "why names a compound's part" \
    "$("$PLOTLINE" search --json --limit 1 'test de grossesse')" '{"word":"test","term":"test",'
expect_contains "no translation, no match" "$("$PLOTLINE" search --no-translate 'credit card shoes')" \
    "no synopsis matches"

# What grouping would do with a text, without storing it: the French 003 line
# said to be Dutch (a language 003 lacks) would join 003; said to be French,
# it would not (003 has a French synopsis), and it would start a new episode.
fr_line=$(sed -n 4p "$S003")
out=$("$PLOTLINE" match --json --lang nl "$fr_line")
expect_contains "match: 003 first" "$out" "\"candidates\":[{\"episode_id\":$ep003,"
expect_contains "match: would join 003" "$out" "\"would_join\":$ep003,"
expect_contains "match: one language per episode" \
    "$("$PLOTLINE" match --json --lang fr "$fr_line")" '"would_join":null'
expect_eq "match stores nothing" "$(sizes)" "$WANT"
expect_exit "match: empty text refused" 1 "$PLOTLINE" match ""

# By hand: split the French line off, import more, merge it back.
fr_id=$(sqlite3 "$PLOTLINE_DB" "SELECT id FROM synopses WHERE source LIKE '003%:4'")
expect_contains "split" "$("$PLOTLINE" group split "$fr_id")" "synopsis $fr_id is now episode"
expect_eq "split: 14 episodes" "$(sizes)" "8 1 1 1 1 1 1 1 1 1 1 1 1 1 "
# The 003 lines again, as new synopses (a second import of the same text
# would be a duplicate): grouping places them, and moves no stored one.
sed 's/$/ (2)/' "$S003" >"$WORK/003_again.txt"
"$PLOTLINE" import "$WORK/003_again.txt" >/dev/null
expect_eq "an import does not undo a split" \
    "$(sqlite3 "$PLOTLINE_DB" "SELECT episode_id != $ep003 FROM synopses WHERE id=$fr_id")" 1
sqlite3 "$PLOTLINE_DB" "SELECT id FROM synopses WHERE source LIKE '003_again%'" |
    while read -r id; do "$PLOTLINE" rm "$id" >/dev/null; done
fr_ep=$(sqlite3 "$PLOTLINE_DB" "SELECT episode_id FROM synopses WHERE id=$fr_id")
expect_contains "merge" "$("$PLOTLINE" group merge "$ep003" "$fr_ep")" "merged episode $fr_ep"
expect_eq "merged back: 9 together" \
    "$(sqlite3 "$PLOTLINE_DB" "SELECT count(*) FROM synopses WHERE episode_id=$ep003")" 9
de1=$(sqlite3 "$PLOTLINE_DB" "SELECT episode_id FROM synopses WHERE source LIKE '000%:1'")
de2=$(sqlite3 "$PLOTLINE_DB" "SELECT episode_id FROM synopses WHERE source LIKE '000%:2'")
expect_exit "merge: two German synopses refused" 1 "$PLOTLINE" group merge "$de1" "$de2"
expect_contains "merge: says why" "$("$PLOTLINE" group merge "$de1" "$de2" 2>&1)" \
    "both have a synopsis in de"
expect_exit "split: a lone synopsis refused" 1 "$PLOTLINE" group split "$(sqlite3 "$PLOTLINE_DB" "SELECT id FROM synopses WHERE source LIKE '000%:1'")"
expect_exit "group: usage" 2 "$PLOTLINE" group shuffle 1

# A word that passes unchanged into German, which stems it apart ("trainer",
# German "train"), is read as a German word too; no dictionary of the
# lexicon gives it.
fresh
printf 'Der neue Trainer der Mannschaft verliert sein erstes Spiel.\n' >"$WORK/trainer.txt"
"$PLOTLINE" import "$WORK/trainer.txt" >/dev/null
expect_contains "the word as written, read as German" \
    "$("$PLOTLINE" search --json --lang en trainer)" \
    '{"word":"trainer","term":"train","lang":"de","translated":true}'

# A reader's own word meets its forms that stem apart: Spanish "convertir"
# (stem convert) finds "convierte" (conviert).
printf 'El mago convierte al príncipe en una rana durante la fiesta.\n' >"$WORK/rana.txt"
"$PLOTLINE" import "$WORK/rana.txt" >/dev/null
expect_contains "a word's own inflected stem" \
    "$("$PLOTLINE" search --json --lang es convertir)" \
    '{"word":"convertir","term":"conviert","lang":"es","translated":false}'
finish
