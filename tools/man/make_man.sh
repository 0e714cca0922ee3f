#!/usr/bin/env bash
# Man pages from the tools' own --help and --version (help2man), so the
# pages say what the programs say: one page per tool, and one per
# backline-analyse subcommand (backline-analyse-hinge(1), ...), named and
# summarised from the command table `backline-analyse --help` prints.
#   make_man.sh TOOL_DIR OUT_DIR
set -euo pipefail
tools=$1 out=$2
mkdir -p "$out"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/pages"
# The page date is the source's (the last commit, else this script's
# mtime), not the build's, so the same source gives the same pages.
here=$(cd "$(dirname "$0")" && pwd)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || stat -c %Y "$0")}
version=$("$tools/backline-analyse" --version)
version=${version##* }
# The usage paragraph as help2man reads a synopsis: "Usage: ..." on one
# line per form, further forms as "  or: ...".
cat > "$work/synopsis.awk" <<'AWK'
NR == 1 { sub(/^usage:/, "Usage:"); line = $0; inusage = 1; next }
inusage && /^ +/ {
  sub(/^ +/, "")
  if ($0 ~ /^backline-/) { print line; line = "  or: " $0 } else line = line " " $0
  next
}
inusage { print line; inusage = 0 }
{ print }
END { if (inusage) print line }
AWK
# page NAME SUMMARY COMMAND...: help2man runs a wrapper with --help and
# --version; the wrapper gives COMMAND's help with its synopsis as above,
# and "NAME VERSION".
page() {
  local name=$1 summary=$2 wrapper="$work/$1"
  shift 2
  {
    echo '#!/bin/sh'
    echo "if [ \"\$1\" = --version ]; then echo '$name $version'; exit; fi"
    printf '%q ' "$@"
    echo "\"\$@\" | awk -f '$work/synopsis.awk'"
  } > "$wrapper"
  chmod +x "$wrapper"
  help2man --no-info --section=1 --name="$summary" --include="$work/see_also.$name" --output="$work/$name.1" "$wrapper"
  # No hyphenation (option names stay whole), and the help's "Exit status:"
  # paragraph as the EXIT STATUS section man pages have.
  sed -e '/^\.TH /a .nh' -e 's/^\.SS "Exit status:"$/.SH "EXIT STATUS"/' "$work/$name.1" > "$work/pages/$name.1"
}
# see_also NAME PAGE...: the SEE ALSO section of NAME's page.
see_also() {
  local name=$1 n=$(($# - 1)) i=0 p
  shift
  {
    echo "[SEE ALSO]"
    for p in "$@"; do
      i=$((i + 1))
      if [ $i -lt $n ]; then echo ".BR $p (1),"; else echo ".BR $p (1)"; fi
    done
  } > "$work/see_also.$name"
}
commands=$("$tools/backline-analyse" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
all="backline-analyse backline-synth"
[ -x "$tools/backline-capture" ] && all="$all backline-capture"
for c in $commands; do all="$all backline-analyse-$c"; done
for p in $all; do
  case $p in
    backline-analyse) see_also "$p" $(for c in $commands; do echo "backline-analyse-$c"; done) backline-synth ;;
    backline-analyse-*) see_also "$p" backline-analyse $(for q in $all; do [ "$q" != "$p" ] && [[ $q == backline-analyse-* ]] && echo "$q"; done) ;;
    *) see_also "$p" $(for q in $all; do [ "$q" != "$p" ] && [[ $q != backline-analyse-* ]] && echo "$q"; done) ;;
  esac
done
page backline-analyse "offline analysis of surface EMG recordings" "$tools/backline-analyse"
page backline-synth "synthetic surface EMG with known ground truth" "$tools/backline-synth"
if [ -x "$tools/backline-capture" ]; then
  page backline-capture "record surface EMG from a sound card" "$tools/backline-capture"
fi
# The subcommands: the lines of the "commands:" paragraph, "  NAME  SUMMARY".
"$tools/backline-analyse" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on' |
  while read -r name summary; do
    page "backline-analyse-$name" "$summary" "$tools/backline-analyse" "$name"
  done
# Every page made: replace the folder's pages at once (a command that is
# gone leaves no page behind), then the stamp the build depends on.
rm -f "$out"/*.1
mv "$work/pages"/*.1 "$out"/
touch "$out/.stamp"
