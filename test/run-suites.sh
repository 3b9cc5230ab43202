#!/bin/sh
# Run every test suite in turn against the server in PG*, then print one
# closing line "N passed, M failed" (suites, not cases: each suite prints
# its own details above it).  Exits non-zero if any suite failed.
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_names=""

run() {
    name=$1
    shift
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_names="$failed_names $name"
        [ -f test/regress/regression.diffs ] && [ "$name" = regress ] && head -200 test/regress/regression.diffs
    fi
}

run regress   make -s installcheck
run unit      make -s unit
run fuzz      make -s fuzz
run docs      make -s docscheck
run valgrind  make -s check-valgrind
run capture   make -s capture-check
run api-asan  make -s check-api-asan
[ -d test/isolation/specs ] && run isolation make -s isolationcheck
[ -d test/t ] && run tap make -s prove-check

echo
[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
