# crash.sh - kill -9 at many points of an import, a delete and a reindex:
# after each, the database opens, the batch is wholly there or wholly absent,
# nothing acknowledged before is lost, and the index agrees with the catalog.
. "$(dirname "$0")/lib.bash"
S000="$PLOTLINE_SAMPLES/000_a745887c23e04ec9.txt"
"$PLOTLINE" import --quiet "$S000"
base=12

# A batch big enough to take a while: the samples' sentences, numbered so
# that every line is a new text, each with a word found nowhere else.
awk 'BEGIN { srand(7) } { s[NR] = $0 } END {
    for (i = 1; i <= 2000; i++) print "Quokkafeder Nummer " i ": " s[1 + i % NR]
}' "$S000" > "$WORK/batch.txt"
n_batch=2000

count() { "$PLOTLINE" stats --json | grep -o '"synopses":[0-9]*' | cut -d: -f2; }

# How long a whole import takes here, to spread the kills over it.
cp "$PLOTLINE_DB" "$WORK/timing.db"
start=$(date +%s%N)
"$PLOTLINE" --db "$WORK/timing.db" import --quiet "$WORK/batch.txt"
total_ms=$(( ($(date +%s%N) - start) / 1000000 ))
rm -f "$WORK"/timing.db*
[ "$total_ms" -gt 20 ] || total_ms=20
echo "a whole import takes ${total_ms} ms"

points=14
present=0 absent=0
for i in $(seq 1 $points); do
    delay_ms=$(( total_ms * i / (points + 1) ))
    "$PLOTLINE" import --quiet "$WORK/batch.txt" &
    pid=$!
    sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    n=$(count)
    CHECKS=$((CHECKS + 1))
    if [ "$n" = "$base" ]; then
        absent=$((absent + 1))
        hits=$("$PLOTLINE" search --json Quokkafeder | grep -o '"total":[0-9]*')
        expect_eq "kill $i: absent batch is not searchable" "$hits" '"total":0'
    elif [ "$n" = "$((base + n_batch))" ]; then
        present=$((present + 1))
        hits=$("$PLOTLINE" search --json Quokkafeder | grep -o '"total":[0-9]*')
        expect_eq "kill $i: present batch is searchable" "$hits" "\"total\":$n_batch"
        # Remove the batch again (found by its word) so the next kill starts alike.
        ids=$("$PLOTLINE" search --json --limit 1000 Quokkafeder | grep -o '"synopsis_id":[0-9]*' | cut -d: -f2)
        while [ -n "$ids" ]; do
            # A failing rm would leave the ids found again and again.
            "$PLOTLINE" rm $ids >/dev/null || { fail "kill $i: rm failed"; break; }
            ids=$("$PLOTLINE" search --json --limit 1000 Quokkafeder | grep -o '"synopsis_id":[0-9]*' | cut -d: -f2)
        done
    else
        fail "kill $i after ${delay_ms} ms: $n synopses, expected $base or $((base + n_batch))"
    fi
    expect_eq "kill $i: integrity" "$("$PLOTLINE" integrity-check 2>&1)" "ok"
    expect_eq "kill $i: earlier data kept" "$(first_source Kreditkarte)" "000_a745887c23e04ec9.txt:5"
done
echo "import killed $points times: batch absent $absent times, present $present times"

# A reindex killed part-way leaves an index the next open completes.
for d in 0.02 0.05 0.1 0.2; do
    "$PLOTLINE" reindex >/dev/null &
    pid=$!
    sleep $d
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    expect_eq "reindex killed after $d s: integrity" "$("$PLOTLINE" integrity-check 2>&1)" "ok"
    expect_eq "reindex killed after $d s: search" "$(first_source Kreditkarte)" "000_a745887c23e04ec9.txt:5"
done
finish
