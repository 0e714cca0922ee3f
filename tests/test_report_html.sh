#!/usr/bin/env bash
# The hinge HTML report opens offline in a real browser without script
# errors: render it in headless Chromium (--dump-dom), require the marker
# the page's script sets when it has finished (body data-render="ok"), no
# "Uncaught" error or console error in Chromium's log, the envelope chart,
# the balance bars and the parameters block present, and no external
# resource referenced. Also a session with no repetition at all (quiet
# standing) must render. Skips loudly only when chromium is not installed.
set -uo pipefail
synth="$BL_TOOLS/backline-synth"
tool="$BL_TOOLS/backline-analyse"
py=${BL_PYTHON:-/usr/bin/python3}
chromium=${BL_CHROMIUM:-/usr/bin/chromium}
. "$(dirname "$0")/support/paths.sh"
require_tool "$tool" "$synth"
[ -x "$chromium" ] || { echo "SKIPPED: $chromium is not installed (apt package chromium; tools/setup.sh installs it)" >&2; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

render() { # HTML NAME: dump the DOM and a screenshot; checks.
  local html=$1 name=$2 profile
  profile=$(mktemp -d -p "$tmp")
  local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile" --enable-logging=stderr --v=0)
  if ! timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$html" > "$tmp/$name.dom" 2> "$tmp/$name.log"; then
    fail "$name: chromium --dump-dom failed"; tail -5 "$tmp/$name.log" >&2; return
  fi
  grep -q 'data-render="ok"' "$tmp/$name.dom" || {
    fail "$name: the page's script did not finish (marker: $(grep -o 'data-render="[a-z]*"' "$tmp/$name.dom"))"
    grep -o '<div id="error"[^<]*' "$tmp/$name.dom" >&2; }
  if grep -E 'Uncaught|:ERROR:CONSOLE|CONSOLE\([0-9]+\)\] "(Error|TypeError|ReferenceError|SyntaxError)' "$tmp/$name.log" > "$tmp/$name.errs"; then
    fail "$name: JavaScript errors in the browser log:"; cat "$tmp/$name.errs" >&2
  fi
  grep -q '<polyline' "$tmp/$name.dom" || [ "$name" = rest ] || fail "$name: no envelope polyline in the chart"
  grep -q 'id="params"' "$tmp/$name.dom" && grep -q 'bandpass' "$tmp/$name.dom" || fail "$name: parameters block missing"
  profile=$(mktemp -d -p "$tmp")
  flags[8]=--user-data-dir="$profile"
  timeout 120 "$chromium" "${flags[@]}" --window-size=1240,1800 --screenshot="$tmp/$name.png" "file://$html" \
    > /dev/null 2>&1 || fail "$name: screenshot failed"
  [ -s "$tmp/$name.png" ] || fail "$name: empty screenshot"
  [ -n "${BL_KEEP_SCREENSHOT:-}" ] && cp "$tmp/$name.png" "$BL_KEEP_SCREENSHOT.$name.png"
  echo "ok: $name renders ($(wc -c < "$html") bytes of HTML)"
}

# Self-contained: nothing fetched from anywhere (the SVG namespace URI is
# an identifier, not a resource).
offline() {
  if grep -nE '<link|src=|@import|url\(|https?://' "$1" | grep -v 'http://www.w3.org/2000/svg' > "$tmp/ext"; then
    fail "$1 references external resources:"; head -5 "$tmp/ext" >&2
  fi
}

"$synth" hinge -o "$tmp/set" --seed 6101 --reps 6 --pattern alternating --noise high > /dev/null 2>&1 \
  || { fail "backline-synth hinge"; exit 1; }
args=(); for f in "$tmp"/set/mvc_*.wav; do args+=(--mvc "$f"); done
"$tool" hinge "$tmp/set/session.wav" "${args[@]}" --json "$tmp/set.json" --html "$tmp/set.html" > /dev/null 2> "$tmp/err" \
  || { fail "analyse hinge --html"; cat "$tmp/err" >&2; }
[ -s "$tmp/set.html" ] && { offline "$tmp/set.html"; render "$tmp/set.html" set; }
# The page shows what the JSON says.
"$py" - "$tmp/set.json" "$tmp/set.dom" <<'PY' || fail "the rendered page does not show every repetition"
import json, sys, re
reps = json.load(open(sys.argv[1]))["reps"]
dom = open(sys.argv[2]).read()
rows = len(re.findall(r'<td class="v-(internal|external|mixed|unknown)"', dom))
print(f"  {len(reps)} reps in the JSON, {rows} table rows in the rendered page")
sys.exit(0 if rows == len(reps) and len(reps) > 0 else 1)
PY

# No repetition, no MVC: still a valid page.
"$synth" rest -o "$tmp/rest" --seed 6102 > /dev/null 2>&1 || fail "backline-synth rest"
if [ -f "$tmp/rest/rest.wav" ]; then
  "$tool" hinge "$tmp/rest/rest.wav" --json "$tmp/rest.json" --html "$tmp/rest.html" > /dev/null 2>&1 \
    || fail "analyse hinge on quiet standing"
  [ -s "$tmp/rest.html" ] && { offline "$tmp/rest.html"; render "$tmp/rest.html" rest; }
fi

if [ $failures -ne 0 ]; then echo "test_report_html: $failures failure(s)" >&2; exit 1; fi
echo "test_report_html: all checks passed"
