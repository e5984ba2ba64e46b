#!/bin/sh
# The shape of src/, checked on the objects the build made: no two source
# files call into each other, directly or round a longer circle (a call is
# a symbol one object uses and another defines); calls only go down the
# layers (front → cmd → engine/view → base, and view never into engine);
# no header includes itself round a circle; no source file over 1200
# lines and no function over 120; no engine sentence names a command.
# Prints each breach and fails.
# Usage: structure.sh BIN (the objects are in BIN's folder, under obj/)
bin=${1:-build/paramlab}
dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$dir" || exit 1
obj=$(dirname "$bin")/obj
tmp=$(mktemp -d "${TMPDIR:-/tmp}/paramlab-structure.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
bad() {
    echo "structure: $*"
    fails=$((fails + 1))
}

rank() {
    case $1 in
    base/*) echo 0 ;; engine/* | view/*) echo 1 ;; cmd/*) echo 2 ;; front/*) echo 3 ;; *) echo 9 ;;
    esac
}

# who defines and who uses each global symbol
for o in "$obj"/*/*.o; do
    [ -f "$o" ] || { bad "no objects in $obj (build first)"; exit 1; }
    f=${o#"$obj"/}
    f=${f%.o}
    nm -P --defined-only --extern-only "$o" | awk -v f="$f" '$2 ~ /^[TDBRVW]$/ { print $1, f }' >> "$tmp/defs"
    nm -P --undefined-only "$o" | awk -v f="$f" '{ print $1, f }' >> "$tmp/uses"
done
sort -u "$tmp/defs" > "$tmp/defs.s"
sort -u "$tmp/uses" > "$tmp/uses.s"
# edges "user definer", one per pair of files
join "$tmp/uses.s" "$tmp/defs.s" | awk '$2 != $3 { print $2, $3 }' | sort -u > "$tmp/calls"
[ -s "$tmp/calls" ] || bad "no calls between files found (nm missing?)"

if ! tsort "$tmp/calls" > /dev/null 2> "$tmp/loop"; then
    bad "a circle of calls between source files:"
    sed 's/^tsort: /    /' "$tmp/loop"
fi
while read -r from to; do
    rf=$(rank "$from")
    rt=$(rank "$to")
    if [ "$rf" -lt "$rt" ]; then
        bad "$from calls up into $to"
    elif [ "$rf" -eq "$rt" ] && [ "${from%%/*}" != "${to%%/*}" ]; then
        bad "$from calls $to, a layer beside its own"
    fi
done < "$tmp/calls"

# includes: no header includes itself round a circle
for f in src/*/*.[ch]; do
    sed -n 's/^#include "\(.*\)"/\1/p' "$f" | while read -r h; do
        echo "$(basename "$f") $h"
    done
done | sort -u > "$tmp/includes"
if ! tsort "$tmp/includes" > /dev/null 2> "$tmp/iloop"; then
    bad "a circle of includes:"
    sed 's/^tsort: /    /' "$tmp/iloop"
fi

# sizes: files and functions (a function runs from a line "{" to a line "}")
for f in src/*/*.c src/*/*.h; do
    n=$(wc -l < "$f")
    [ "$n" -le 1200 ] || bad "$f has $n lines (at most 1200)"
done
awk 'FNR == 1 { start = 0 }
     /^\{/ { start = FNR; sig = prev }
     /^\}/ && start { if (FNR - start > 120) printf "%s:%d: %s is %d lines long (at most 120)\n", FILENAME, start, sig, FNR - start + 1; start = 0 }
     { prev = $0 }' src/*/*.c > "$tmp/long"
while read -r line; do bad "$line"; done < "$tmp/long"

# the engine's sentences name no command (the command layer adds advice):
# no string literal in src/base or src/engine holds a backquote
grep -n '"[^"]*`[^"]*"' src/base/*.c src/engine/*.c | grep -v '^[^:]*:[0-9]*: *\(/\*\|\*\)' > "$tmp/cmds"
while read -r line; do bad "an engine sentence names a command: $line"; done < "$tmp/cmds"

# the top level holds what the project is made of and nothing a run left
# behind (a saved session, an exported tensor): checked in a git checkout
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files | sed 's|/.*||' | sort -u | while read -r top; do
        case $top in src | lessons | tests | Makefile | README.md | .ci | .gitignore) ;;
        *) echo "$top" ;; esac
    done > "$tmp/top"
    while read -r line; do bad "a file at the top level that is not part of the project: $line"; done < "$tmp/top"
fi

if [ "$fails" -eq 0 ]; then
    echo "structure: ok ($(wc -l < "$tmp/calls") file-to-file calls, all downward, no circle; no file over 1200 lines, no function over 120; no command named in the engine)"
fi
[ "$fails" -eq 0 ]
