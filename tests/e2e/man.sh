#!/bin/sh
# man.sh — the manual page src/front/paramlab.1 renders with `man -l`
# without warnings, describes every command the program lists in `help`,
# every environment variable the source reads and every command-line
# option, and `make install` puts it in man1. Skipped when man is missing.
bin=${1:-build/paramlab}
page=src/front/paramlab.1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "man.sh: $*"; exit 1; }
command -v man >/dev/null 2>&1 || { echo "man.sh: skipped: man is not installed"; exit 0; }
MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$page" >"$dir/page" 2>"$dir/warn" || fail "man -l $page failed: $(cat "$dir/warn")"
col -bx <"$dir/page" >"$dir/text" 2>/dev/null || cp "$dir/page" "$dir/text"
[ -s "$dir/warn" ] && fail "man -l $page warns: $(head -3 "$dir/warn")"
if command -v groff >/dev/null 2>&1; then
    groff -ww -z -man -Tutf8 "$page" 2>"$dir/groff" || fail "groff refuses $page"
    [ -s "$dir/groff" ] && fail "groff warns: $(head -3 "$dir/groff")"
fi
for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS"; do
    grep -q "^$s" "$dir/text" || fail "no $s section"
done
# every command of `help`, as an entry of its own
"$bin" -q -c help 2>&1 | awk '/^  [a-z]/ { print $1 }' >"$dir/cmds"
[ "$(wc -l <"$dir/cmds")" -gt 20 ] || fail "could not list the commands: $(head -3 "$dir/cmds")"
while read -r c; do
    grep -Eq "^ {7}(.*[ ,|])?$c([ ,\[]|$)" "$dir/text" || fail "the command '$c' is not described"
done <"$dir/cmds"
# every environment variable the source reads, every option of --help
for v in $(grep -rho 'getenv("[A-Z_]*")' src | sed 's/getenv("//; s/")//' | sort -u); do
    grep -q "$v" "$dir/text" || fail "the environment variable $v is not described"
done
for o in $("$bin" --help 2>&1 | grep -Eo '^  -[-a-zA-Z]+(, --[a-z]+)?' | tr ',' ' '); do
    grep -q -- "$o" "$dir/text" || fail "the option $o is not described"
done
# make install puts it under man1
make -n install DESTDIR="$dir/root" prefix=/usr 2>/dev/null | grep -q 'paramlab.1 .*/usr/share/man/man1/paramlab.1' ||
    fail "make install does not install the man page"
echo "man.sh: ok ($(wc -l <"$dir/cmds") commands, rendered with man -l)"
