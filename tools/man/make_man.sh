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
  help2man --no-info --section=1 --name="$summary" --output="$work/$name.1" "$wrapper"
  mv "$work/$name.1" "$out/$name.1"
}
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
