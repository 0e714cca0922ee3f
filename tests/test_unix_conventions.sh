#!/usr/bin/env bash
# The Unix conventions every tool keeps: --help exits 0 and ends with the
# exit-status paragraph; --version prints "NAME X.Y.Z", one version for all;
# the man pages (generated from the help at build time) exist, render, and
# name every option the help names; bash completion completes commands and
# options from the installed program; "-" reads standard input and writes
# standard output, with the tool's own text on stderr; --quiet on every
# analyse command. (test_install checks that the pages and the completion
# are installed.)
set -uo pipefail
analyse="$BL_TOOLS/backline-analyse"
synth="$BL_TOOLS/backline-synth"
capture="$BL_TOOLS/backline-capture"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/support/paths.sh"
require_tool "$analyse" "$synth"
demo="$BL_FIXTURES/demo"
require_fixture "$demo/session.wav"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

tools=("$analyse" "$synth")
[ -x "$capture" ] && tools+=("$capture")
commands=$("$analyse" --help | awk '/^commands:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }')
for c in info envelope onsets quality hinge gait; do
  echo "$commands" | grep -qx "$c" || fail "backline-analyse --help does not list the command $c (lists: $(echo $commands))"
done

# --help: exit 0, the exit-status paragraph last with codes 0, 1 and 2.
# help_of LABEL COMMAND...
help_of() {
  local label=$1; shift
  local out
  out=$("$@" --help) || { fail "$label --help exits $?"; return; }
  echo "$out" > "$tmp/help.$label"
  echo "$out" | awk '/^Exit status:$/ { on = 1; n = 0; next } on && /^  [0-2]  / { codes = codes $1 } END { exit codes != "012" }' \
    || fail "$label --help has no 'Exit status:' paragraph with 0, 1 and 2"
  [ "$(echo "$out" | grep -n '^Exit status:$' | cut -d: -f1)" -gt 1 ] || fail "$label --help starts with the exit status"
}
for t in "${tools[@]}"; do help_of "$(basename "$t")" "$t"; done
for c in $commands; do help_of "backline-analyse-$c" "$analyse" "$c"; done

# --version: "NAME X.Y.Z", the same version everywhere.
versions=""
for t in "${tools[@]}"; do
  v=$("$t" --version) || fail "$(basename "$t") --version exits $?"
  [[ $v =~ ^$(basename "$t")\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "$(basename "$t") --version prints '$v'"
  versions="$versions ${v##* }"
done
[ "$(echo $versions | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || fail "the tools give different versions:$versions"

# Man pages: one per tool and per analyse command, rendered by nroff, the
# NAME line and every --option of the help in them.
man_dir=$(dirname "$BL_TOOLS")/man
if ! command -v groff > /dev/null; then
  fail "groff is missing (Debian package groff-base, tools/debian-packages.txt)"
elif [ ! -d "$man_dir" ]; then
  fail "no man pages in $man_dir (help2man missing at configure time? tools/debian-packages.txt)"
else
  pages="backline-analyse backline-synth"
  [ -x "$capture" ] && pages="$pages backline-capture"
  for c in $commands; do pages="$pages backline-analyse-$c"; done
  for p in $pages; do
    f="$man_dir/$p.1"
    [ -s "$f" ] || { fail "man page $f missing"; continue; }
    # Plain text, 200 columns, no hyphenation: each option whole on its line.
    groff -man -rLL=200n -rHY=0 -Tascii -P-cbou -ww "$f" 2> "$tmp/groff.err" > "$tmp/$p.txt"
    [ -s "$tmp/groff.err" ] && fail "groff warns on $p.1: $(head -1 "$tmp/groff.err")"
    grep -q "^NAME" "$tmp/$p.txt" && grep -Eq "^[[:space:]]+$p[[:space:]]+-[[:space:]]+[a-z]" "$tmp/$p.txt" || fail "$p.1 has no NAME line '$p - ...'"
    # Every option the help lists (a line of its own, "  --opt ...") is an
    # option entry of the page (an indented line that starts with it).
    for o in $(grep -oE -- '^ +--[a-z][a-z0-9-]*' "$tmp/help.$p" | sort -u); do
      grep -Eq -- "^ +$o([ ,=]|\$)" "$tmp/$p.txt" || fail "$p.1 has no entry for $o (its --help has)"
    done
    grep -q "^EXIT STATUS" "$tmp/$p.txt" || fail "$p.1 has no EXIT STATUS section"
    grep -q "^SEE ALSO" "$tmp/$p.txt" || fail "$p.1 has no SEE ALSO section"
  done
fi

# Bash completion, from the program's own help.
complete_words() { # WORD... : what completing the last word offers
  bash -c 'PATH=$1:$PATH; shift; . "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _backline; printf "%s\n" "${COMPREPLY[@]}"' \
    "$here/../tools/completion/backline.bash" "$BL_TOOLS" "$@"
}
[ "$(complete_words backline-analyse hi)" = hinge ] || fail "completing 'backline-analyse hi' gives '$(complete_words backline-analyse hi)'"
[ "$(complete_words backline-analyse hinge --bet)" = --between-markers ] \
  || fail "completing 'backline-analyse hinge --bet' gives '$(complete_words backline-analyse hinge --bet)'"
complete_words backline-analyse gait --foot | grep -qx -- --footswitch || fail "completing 'gait --foot' lacks --footswitch"
complete_words backline-synth g | grep -qx gait || fail "completing 'backline-synth g' lacks gait"
complete_words backline-analyse envelope "$demo/sess" | grep -qx "$demo/session.wav" || fail "completing a file name fails"

mvcs=$(for f in "$demo"/mvc_*.wav; do printf -- '--mvc %s ' "$f"; done)
# "-": standard input and output, byte-identical to the files' run; a pipe
# is read as a file (metadata after the audio, as capture writes it).
"$analyse" envelope "$demo/session.wav" -o "$tmp/ref.csv" > "$tmp/ref.out" 2>&1 || fail "envelope to a file fails"
cat "$demo/session.wav" | "$analyse" envelope - -o - > "$tmp/pipe.csv" 2> "$tmp/pipe.err" || fail "envelope - -o - fails: $(tail -1 "$tmp/pipe.err")"
cmp -s "$tmp/ref.csv" "$tmp/pipe.csv" || fail "envelope through pipes differs from envelope on files"
grep -q "envelope" "$tmp/pipe.err" || fail "envelope -o - printed its summary nowhere (expected on stderr)"
"$analyse" quality - --json - < "$demo/session.wav" 2> /dev/null | "$BL_PYTHON" -c 'import json, sys; d = json.load(sys.stdin); assert d["channels"]' \
  || fail "quality - --json - is not one JSON document on stdout"
"$analyse" info - < "$demo/session.wav" | grep -q "^rate: *2000 Hz" || fail "info - does not read standard input"
late="$BL_FIXTURES/fuzz/recording/pcm16_meta.wav" # its LIST chunk comes after the data
require_fixture "$late"
want=$("$analyse" info "$late" | grep "^channel map:")
[ -n "$want" ] && [ "$want" != "channel map:  (none stored)" ] || fail "the trailing-LIST fixture has no stored map"
got=$(cat "$late" | "$analyse" info - | grep "^channel map:")
[ "$got" = "$want" ] || fail "through a pipe the stored map is lost: '$got', not '$want'"
cp "$demo/session.wav" "$tmp/in.wav"
sum=$(md5sum < "$tmp/in.wav")
"$analyse" quality "$tmp/in.wav" --json - >> "$tmp/in.wav" 2> "$tmp/app.err"
[ $? = 2 ] && grep -q "same file as the input" "$tmp/app.err" || fail "--json - appended to the input is not refused"
"$analyse" envelope - -o "$tmp/in.wav" < "$tmp/in.wav" 2> "$tmp/rep.err"
[ $? = 2 ] && grep -q "same file as the input - (standard input)" "$tmp/rep.err" \
  || fail "-o INPUT with the input on standard input is not refused"
[ "$(md5sum < "$tmp/in.wav")" = "$sum" ] || fail "the input was changed"
"$analyse" hinge - --mvc - --json "$tmp/h.json" < "$demo/session.wav" > /dev/null 2> "$tmp/twice.err"
[ $? = 2 ] && grep -q "standard input (-) can be read once" "$tmp/twice.err" || fail "standard input given twice is not refused"
"$analyse" hinge "$demo/session.wav" $mvcs --json - --csv "$tmp/no/such/dir.csv" > "$tmp/partial.json" 2> /dev/null
[ $? = 1 ] && [ ! -s "$tmp/partial.json" ] || fail "standard output got a report although another output failed"
"$analyse" envelope "$demo/session.wav" -o - > "$tmp/noerr.csv" 2>&-
cmp -s "$tmp/noerr.csv" "$tmp/ref.csv" || fail "with stderr closed, the tool's text went into the data on standard output"
ls "${TMPDIR:-/tmp}"/.backline-analyse-stdout.tmp* > /dev/null 2>&1 && fail "a standard-output temporary was left in ${TMPDIR:-/tmp}"
"$analyse" hinge "$demo/session.wav" $mvcs --json - --csv - > /dev/null 2> "$tmp/two.err"
[ $? = 2 ] && grep -q "writes standard output already" "$tmp/two.err" || fail "two outputs on standard output are not refused as a usage error"
"$analyse" envelope "$demo/session.wav" -o - > /dev/full 2> "$tmp/full.err"
[ $? = 1 ] && [ "$(wc -l < "$tmp/full.err")" -ge 1 ] && grep -q "No space" "$tmp/full.err" \
  || fail "envelope -o - > /dev/full does not fail with one line"

# --quiet on every analyse command: no "replacing" line (and the same
# command without it says "replacing", so the check can fail).
cp "$demo/session.wav" "$tmp/s.wav"
quiet_check() { # NAME OUTPUT COMMAND...
  local name=$1 out=$2; shift 2
  "$@" > /dev/null 2>&1 || { fail "$name fails"; return; }
  "$@" > /dev/null 2> "$tmp/loud.err"
  grep -q "replacing $out" "$tmp/loud.err" || fail "$name does not say it replaces $out"
  "$@" --quiet > /dev/null 2> "$tmp/quiet.err" || fail "$name --quiet fails"
  grep -q "replacing" "$tmp/quiet.err" && fail "$name --quiet still says: $(grep replacing "$tmp/quiet.err")"
}
quiet_check envelope "$tmp/e.csv" "$analyse" envelope "$tmp/s.wav" -o "$tmp/e.csv"
quiet_check onsets "$tmp/o.json" "$analyse" onsets "$tmp/s.wav" --json "$tmp/o.json"
quiet_check quality "$tmp/q.json" "$analyse" quality "$tmp/s.wav" --json "$tmp/q.json"
quiet_check hinge "$tmp/h.json" "$analyse" hinge "$tmp/s.wav" $mvcs --json "$tmp/h.json"
"$synth" gait -o "$tmp/walk" --seed 3 > /dev/null 2>&1 || fail "backline-synth gait fails"
quiet_check gait "$tmp/g.json" "$analyse" gait "$tmp/walk/session.wav" --events "$tmp/walk/events.csv" --json "$tmp/g.json"
"$analyse" info "$tmp/s.wav" --quiet > /dev/null || fail "info --quiet fails"

if [ $failures -gt 0 ]; then echo "test_unix_conventions: $failures failure(s)" >&2; exit 1; fi
echo "test_unix_conventions: help, version, $(ls "$man_dir" | wc -l) man pages, completion, '-' and --quiet checked"
