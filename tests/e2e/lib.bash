# lib.bash - what the end-to-end tests share: a fresh database per test, and
# assertions that print what they expected and what they got.
# Sourced by the tests; $PLOTLINE is the binary, $PLOTLINE_SAMPLES the seeds.
set -u
: "${PLOTLINE:?set PLOTLINE to the plotline binary}"
: "${PLOTLINE_SAMPLES:?set PLOTLINE_SAMPLES to data/samples}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PLOTLINE_DB="$WORK/test.db"
FAILED=0
CHECKS=0

fail() {
    echo "FAIL: $*" >&2
    FAILED=$((FAILED + 1))
}

# expect_eq WHAT GOT WANT
expect_eq() {
    CHECKS=$((CHECKS + 1))
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() {
    CHECKS=$((CHECKS + 1))
    case "$2" in *"$3"*) ;; *) fail "$1: '$3' not in: $2" ;; esac
}

# expect_lacks WHAT HAYSTACK NEEDLE
expect_lacks() {
    CHECKS=$((CHECKS + 1))
    case "$2" in *"$3"*) fail "$1: '$3' in: $2" ;; *) ;; esac
}

# expect_exit WHAT STATUS COMMAND...: the command exits with STATUS.
expect_exit() {
    CHECKS=$((CHECKS + 1))
    local what=$1 want=$2 got=0
    shift 2
    "$@" >/dev/null 2>&1 || got=$?
    [ "$got" = "$want" ] || fail "$what: exit status $got, expected $want"
}

# first_source QUERY [search options...]: the source of the best result.
first_source() {
    "$PLOTLINE" search --json --limit 1 "$@" | grep -o '"source":"[^"]*"' | head -n 1 |
        sed 's/"source":"\(.*\)"/\1/'
}

finish() {
    echo "$CHECKS checks, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
