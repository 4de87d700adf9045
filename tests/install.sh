#!/bin/sh
# tests/install.sh - make install into a temporary DESTDIR (PREFIX=/usr):
# the installed binary runs, the man pages format without warnings, and
# make uninstall leaves no file behind.
set -eu
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: install: $*" >&2; exit 1; }
make --no-print-directory -s install DESTDIR="$D" PREFIX=/usr >/dev/null
B=$D/usr/bin/chainsim
"$B" --version | grep -q '^chainsim ' || fail "--version"
"$B" check "$D/usr/share/chainsim/scenarios/bi-chain.yaml" >/dev/null || fail "check"
for f in scenarios/org-design/*.yaml; do
    "$B" check "$D/usr/share/chainsim/$f" >/dev/null || fail "check of the installed $f"
done
S=$D/usr/share/chainsim/scenarios/data
"$B" fit "$S/bi-export.csv" --map "$S/bi-map.yaml" -q >/dev/null || fail "fit of the installed sample"
for f in "$D/usr/share/man/man1/chainsim.1" "$D/usr/share/man/man5/chainsim-scenario.5" \
         "$D/usr/share/bash-completion/completions/chainsim" \
         "$D/usr/share/doc/chainsim/README.md" "$D/usr/share/doc/chainsim/cli.md" \
         "$D/usr/share/doc/chainsim/org-design.md"; do
    [ -f "$f" ] || fail "missing $f"
done
if command -v man >/dev/null 2>&1; then
    for p in man1/chainsim.1 man5/chainsim-scenario.5; do
        w=$(MANWIDTH=80 man --warnings -l "$D/usr/share/man/$p" 2>&1 >/dev/null)
        [ -z "$w" ] || fail "$p: $w"
        MANWIDTH=80 man -l "$D/usr/share/man/$p" | grep -q 'SEE ALSO' || fail "$p renders"
    done
else
    echo "install: man not installed, the pages are not formatted" >&2
fi
make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr >/dev/null
left=$(find "$D" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "install: ok"
