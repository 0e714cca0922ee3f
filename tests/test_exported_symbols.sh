#!/usr/bin/env bash
# Only the public API leaves the library. Lists the global symbols the
# library's objects define and fails on any that is not public API:
#  - exported (default visibility): must be a bl_ function declared BL_API
#    in include/backline/*.h;
#  - hidden: internals shared across files, which must carry the internal
#    prefix bli_, never bl_;
#  - and every BL_API declaration must be exported.
# Then links the objects into a shared library, as a consumer of a shared
# build would see it, and checks that exactly the public API is exported,
# and the same of the libbackline.so the build makes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(dirname "${BL_TOOLS:?run through ctest}")
lib="$build/dsp/libbackline.a"
[ -f "$lib" ] || { echo "FAILED: $lib is not built" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Declared public API: BL_API prototypes in the installed headers.
cat "$root"/include/backline/*.h | tr '\n' ' ' | grep -oE 'BL_API [^;(]*\b(bl_[A-Za-z0-9_]+) *\(' |
  grep -oE 'bl_[A-Za-z0-9_]+ *\($' | tr -d ' (' | sort -u > "$tmp/declared"
[ -s "$tmp/declared" ] || fail "no BL_API declarations found in include/backline"

readelf -sW "$lib" | awk '$5 == "GLOBAL" && $7 != "UND" { print $6, $8 }' | sort -u > "$tmp/globals"
awk '$1 == "DEFAULT" { print $2 }' "$tmp/globals" | sort -u > "$tmp/exported"
awk '$1 != "DEFAULT" { print $2 }' "$tmp/globals" | sort -u > "$tmp/hidden"

while read -r sym; do fail "exported symbol $sym is not declared BL_API in include/backline"; done \
  < <(comm -23 "$tmp/exported" "$tmp/declared")
while read -r sym; do fail "public function $sym is declared but not exported (defined? visible?)"; done \
  < <(comm -13 "$tmp/exported" "$tmp/declared")
# (ASan marks each instrumented global with __odr_asan.<name>: the name
# inside must carry the prefix.)
while read -r sym; do fail "internal symbol $sym lacks the internal prefix bli_"; done \
  < <(grep -vE '^(__odr_asan\.)?bli_' "$tmp/hidden")

echo "test_exported_symbols: $(wc -l < "$tmp/exported") exported, $(wc -l < "$tmp/hidden") internal (bli_)"

# A shared build exports the public API and nothing else.
if [ "${BL_SANITIZED:-}" != 1 ]; then
  if cc -shared -o "$tmp/libbackline.so" -Wl,--whole-archive "$lib" -Wl,--no-whole-archive \
       $(pkg-config --libs fftw3 sndfile samplerate) -lm -lpthread 2> "$tmp/link.err"; then
    nm -D --defined-only "$tmp/libbackline.so" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u > "$tmp/so"
    while read -r sym; do fail "the shared library exports $sym, which is not public API"; done \
      < <(comm -23 "$tmp/so" "$tmp/declared")
    [ "$(comm -13 "$tmp/so" "$tmp/declared" | wc -l)" -eq 0 ] || fail "the shared library lacks public functions"
  else
    cat "$tmp/link.err" >&2
    fail "the library's objects do not link into a shared library"
  fi
fi
# The shared library the build installs (dsp/CMakeLists.txt's
# backline_shared), the same check.
so="$build/dsp/libbackline.so"
if [ "${BL_SANITIZED:-}" = 1 ]; then
  : # instrumented: the sanitizer's own symbols may be exported
elif [ -f "$so" ]; then
  nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u > "$tmp/built_so"
  while read -r sym; do fail "$so exports $sym, which is not public API"; done \
    < <(comm -23 "$tmp/built_so" "$tmp/declared")
  while read -r sym; do fail "$so lacks the public function $sym"; done < <(comm -13 "$tmp/built_so" "$tmp/declared")
else
  fail "$so is not built"
fi
[ "$failures" -eq 0 ] || { echo "test_exported_symbols: $failures failure(s)" >&2; exit 1; }
echo "test_exported_symbols: only the public API is exported"
