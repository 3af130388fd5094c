# bad_input.sh - malformed input is refused with file:line and a reason, a
# non-zero exit, and a catalog exactly as it was.
. "$(dirname "$0")/lib.bash"
"$PLOTLINE" import --quiet "$PLOTLINE_SAMPLES/003_c8ee2d876f44739e.txt"
snapshot() { "$PLOTLINE" stats --json | sed 's/"catalog_bytes":[0-9]*,//; s/"index_bytes":[0-9]*,//'; }
before=$(snapshot)

# try NAME EXPECTED_MESSAGE [import options...]: the file $WORK/NAME must fail.
try() {
    local name=$1 want=$2
    shift 2
    local err
    err=$("$PLOTLINE" import "$@" "$WORK/$name" 2>&1 >/dev/null)
    local rc=$?
    CHECKS=$((CHECKS + 1))
    [ $rc -ne 0 ] || fail "$name: exit status 0"
    expect_contains "$name message" "$err" "$want"
    expect_eq "$name leaves the catalog as it was" "$(snapshot)" "$before"
}

printf 'Ein guter Satz.\nZweite Zeile mit \xff\xfe kaputt.\n' > "$WORK/bad_utf8.txt"
try bad_utf8.txt "bad_utf8.txt:2: invalid UTF-8 at byte 18"
printf 'Erste Zeile.\nZweite\0Zeile.\n' > "$WORK/nul.txt"
try nul.txt "nul.txt:2: NUL byte"
: > "$WORK/empty.txt"
try empty.txt "empty.txt: the input is empty"
printf '\n  \n\n' > "$WORK/blank.txt"
try blank.txt "blank.txt: the input holds no synopsis"
{ echo "Eine Zeile davor."; head -c 10485760 /dev/zero | tr '\0' 'a'; echo; } > "$WORK/huge.txt"
try huge.txt "huge.txt:2: line is longer than the limit"
printf 'season\tepisode\tsynopsis\n1\t1\tEin Text.\n1\t2\n' > "$WORK/missing.tsv"
try missing.tsv "missing.tsv:3: the row has 2 fields, the header names 3"
printf 'season\tepisoden\tsynopsis\n' > "$WORK/header.tsv"
try header.tsv 'header.tsv:1: unknown column "episoden"'
printf 'season\tepisode\tsynopsis\nzwei\t1\tEin Text.\n' > "$WORK/number.tsv"
try number.tsv 'number.tsv:2: season "zwei" is not a whole number'
printf '{"synopsis":"Gut."}\n{"synopsis": "kaputt"\n' > "$WORK/bad.jsonl"
try bad.jsonl "bad.jsonl:2: malformed JSON"
printf '{"synopsis":"Gut."}\n["not","an","object"]\n' > "$WORK/array.jsonl"
try array.jsonl "array.jsonl:2: expected a JSON object"
printf '{"synopsis":42}\n' > "$WORK/type.jsonl"
try type.jsonl 'type.jsonl:1: "synopsis" must be a string'
printf '{"text":"Gut.","episode":-1}\n' > "$WORK/range.jsonl"
try range.jsonl 'range.jsonl:1: "episode" must be a whole number'
printf '{"title":"Ohne Text"}\n' > "$WORK/notext.jsonl"
try notext.jsonl 'notext.jsonl:1: the object has no "synopsis"'
printf 'Ein Satz.\n' > "$WORK/lang.txt"
try lang.txt '"Deutsch" is not a language code' --lang Deutsch
head -c 4096 /dev/urandom > "$WORK/binary.txt"
try binary.txt "binary.txt:"

err=$("$PLOTLINE" import "$WORK/does-not-exist.txt" 2>&1); rc=$?
expect_eq "missing file: exit status" "$rc" 1
expect_contains "missing file" "$err" "does-not-exist.txt: No such file or directory"
err=$("$PLOTLINE" search 2>&1); rc=$?
expect_eq "search without a query exits 2" "$rc" 2
err=$("$PLOTLINE" search -- '-alles' 2>&1); rc=$?
expect_eq "only excluded words: exit 1" "$rc" 1
expect_contains "only excluded words" "$err" "no word to search for"
err=$(printf 'ok\nbad \xff line\n' | "$PLOTLINE" langid 2>&1 >/dev/null); rc=$?
expect_eq "langid on invalid UTF-8 exits 1" "$rc" 1
expect_contains "langid on invalid UTF-8" "$err" "-:2: invalid UTF-8"
err=$("$PLOTLINE" --db "$WORK/nothing.db" search Herz 2>&1); rc=$?
expect_eq "search on a missing database exits 1" "$rc" 1
expect_contains "missing database" "$err" "no such database"
echo "not a database at all" > "$WORK/junk.db"
err=$("$PLOTLINE" --db "$WORK/junk.db" stats 2>&1); rc=$?
expect_eq "a file that is no database: exit 1" "$rc" 1
expect_contains "a file that is no database" "$err" "junk.db"
# A lexicon that cannot be found is said (the index would be built without
# compound splits, searches stay within a language); none asked for is not.
err=$(PLOTLINE_LEXICON="$WORK/no-lexicon.bin" "$PLOTLINE" search Herz 2>&1 >/dev/null)
expect_contains "a missing lexicon is warned of" "$err" "warning: $WORK/no-lexicon.bin"
err=$(PLOTLINE_LEXICON= "$PLOTLINE" search Herz 2>&1 >/dev/null)
expect_lacks "no lexicon asked for: no warning" "$err" "warning"
err=$("$PLOTLINE" search Herz 2>&1 >/dev/null)
expect_lacks "the lexicon found: no warning" "$err" "warning"
out=$("$PLOTLINE" integrity-check)
expect_eq "integrity after the failures" "$out" "ok"
finish
