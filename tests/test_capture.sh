#!/bin/bash
# End-to-end tests of backline-capture with no sound card: an ALSA `file`
# PCM (tests/alsa/blfile.conf.in) plays a known raw source into PortAudio as
# an input device. Checks: --list and --device matching; a 2 s capture at
# 48 kHz x 4 channels holds exactly 96000 frames equal to the source sample
# for sample, with the metadata readable by `backline-analyse info`; FLAC;
# SIGINT/SIGTERM/SIGHUP/SIGQUIT end it cleanly (summary, valid file); a
# SIGKILLed WAV capture loads with every frame its header declares (kept
# current after each block); a SIGKILLed FLAC capture is finished by
# --recover with its frames and metadata, never over an existing file; an
# existing output is refused unless --force, which replaces it whole at the
# end (the old file intact meanwhile); a size-limited file (ulimit -f) and a
# full tmpfs give one error line, a non-zero exit and a valid file with
# everything written before; bad maps, gains and devices give one line;
# markers sent while a synthetic session plays at real time are stored at
# their frames, listed by info and bound hinge --between-markers; keys on
# a pseudo-terminal become markers and the terminal is restored; the live
# view is in uV without references and in %MVC with --reference; bad meter
# options (--target alone, --mvc without --map, a missing trial, a report
# in another unit or not a report) give one line before the device.
#
# Skips (exit 77) only when PortAudio has no ALSA host API here; everything
# else that goes wrong fails.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*" >&2; exit 77; }
note() { echo "test_capture: $*"; }

TOOLS=${BL_TOOLS:-}
[ -n "$TOOLS" ] || skip "BL_TOOLS is not set (run through ctest)"
PY=${BL_PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
CAP=$TOOLS/backline-capture
ANA=$TOOLS/backline-analyse
SRC_PY=$HERE/alsa/blsource.py
[ -x "$CAP" ] || fail "backline-capture is not built ($CAP)"
[ -x "$ANA" ] || fail "backline-analyse is not built ($ANA)"

# The ALSA file plugin is part of alsa-lib itself; it is unavailable only
# when PortAudio was built without ALSA or ALSA's configuration is missing.
PA_LIB=$(ldd "$CAP" | awk '/libportaudio/ {print $3}')
[ -n "$PA_LIB" ] || fail "cannot find the PortAudio library backline-capture uses"
ldd "$PA_LIB" | grep -q libasound || skip "PortAudio ($PA_LIB) is built without ALSA: no ALSA file device possible"
[ -f /usr/share/alsa/alsa.conf ] || skip "ALSA configuration /usr/share/alsa/alsa.conf is absent"
"$PY" -c 'import numpy' 2>/dev/null || fail "$PY lacks numpy (needed to make and compare the source)"

WORK=$(mktemp -d)
MNT=""
cleanup() {
    if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

RATE=48000
CH=4
MAP=L.ST,L.BF,R.ST,R.BF
SRC_FRAMES=$((RATE * 4))
"$PY" "$SRC_PY" gen "$WORK/src.raw" $SRC_FRAMES $CH 20261121 || fail "cannot make the source"
sed "s|@INFILE@|$WORK/src.raw|" "$HERE/alsa/blfile.conf.in" > "$WORK/test.conf" || fail "cannot write the ALSA config"
# A second device whose name contains the first, for ambiguity and
# exact-name tests.
sed -e "s|@INFILE@|$WORK/src.raw|" -e 's|pcm\.blfile |pcm.blfile_b |' "$HERE/alsa/blfile.conf.in" \
    | grep -v '^#' >> "$WORK/test.conf"
export ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/test.conf

# run EXPECTED_RC NAME cmd...: run, keep stdout/stderr in $WORK/NAME.{out,err}.
run() {
    local want=$1 name=$2
    shift 2
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "--- stdout"; cat "$WORK/$name.out"; echo "--- stderr"; cat "$WORK/$name.err"
        fail "$name: exit status $rc, expected $want"
    fi
}

# one_line NAME PATTERN: stderr of NAME is exactly one line matching PATTERN.
one_line() {
    local name=$1 pattern=$2
    local lines
    lines=$(wc -l < "$WORK/$name.err")
    [ "$lines" = 1 ] || { cat "$WORK/$name.err"; fail "$name: $lines lines on stderr, expected exactly one"; }
    grep -Eq -e "$pattern" "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: error line does not match /$pattern/"; }
    note "$name: $(cat "$WORK/$name.err")"
}

# info_field FILE KEY: value of "KEY: value" in `backline-analyse info`.
info_field() {
    "$ANA" info "$1" | sed -n "s/^$2: *//p"
}

# ---- --list ----------------------------------------------------------------
run 0 list "$CAP" --list
grep -Eq '^ *[0-9]+\*? +blfile +ALSA +[0-9]+ +[0-9]+ Hz' "$WORK/list.out" \
    || { cat "$WORK/list.out" "$WORK/list.err"; fail "--list does not show the ALSA file device blfile"; }
[ ! -s "$WORK/list.err" ] || { cat "$WORK/list.err"; fail "--list printed on stderr (ALSA chatter must be silenced)"; }
note "--list shows: $(grep -E ' blfile ' "$WORK/list.out")"

# ---- 2 s at 48 kHz x 4 channels, sample for sample ---------------------------
run 0 exact "$CAP" --device BLFILE --channels $CH --rate $RATE --seconds 2 --map $MAP \
    --gain 1000,1000,500,500 --full-scale 2.5 -o "$WORK/exact.wav"
"$PY" "$SRC_PY" compare "$WORK/exact.wav" "$WORK/src.raw" $CH $((2 * RATE)) || fail "2 s capture differs from the source"
grep -q '96000 frames (2.000 s) at 48000 Hz x 4 channels; overruns 0, ring overflows 0 frames' "$WORK/exact.err" \
    || { cat "$WORK/exact.err"; fail "summary line missing or wrong"; }
[ "$(wc -l < "$WORK/exact.err")" = 1 ] || { cat "$WORK/exact.err"; fail "exact: unexpected extra output on stderr"; }
run 0 exact_info "$ANA" info "$WORK/exact.wav"
note "backline-analyse info:"; sed 's/^/    /' "$WORK/exact_info.out"
[ "$(info_field "$WORK/exact.wav" 'channel map')" = "$MAP" ] || fail "stored map is not $MAP"
[ "$(info_field "$WORK/exact.wav" frames)" = 96000 ] || fail "info does not report 96000 frames"
info_field "$WORK/exact.wav" gains | grep -q '^1000,1000,500,500 ' || fail "gains not stored"
[ "$(info_field "$WORK/exact.wav" 'full scale')" = "2.5 V" ] || fail "full scale not stored"
[ "$(info_field "$WORK/exact.wav" device)" = "blfile (ALSA)" ] || fail "device not stored"
info_field "$WORK/exact.wav" software | grep -Eq '^backline-capture [0-9]+\.[0-9]+\.[0-9]+$' || fail "software not stored"
info_field "$WORK/exact.wav" start_time | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
    || fail "start_time is not ISO 8601 UTC"
[ "$(info_field "$WORK/exact.wav" overruns)" = 0 ] || fail "overruns not stored as 0"
[ "$(info_field "$WORK/exact.wav" ring_overflows)" = 0 ] || fail "ring_overflows not stored as 0"

# Exact name wins over a substring match (blfile_b also contains "blfile");
# index works; the map alone sets the channel count.
IDX=$(awk '$2 == "blfile" || $3 == "blfile" {print $1}' "$WORK/list.out" | tr -d '*' | head -1)
[ -n "$IDX" ] || fail "cannot find blfile's index in --list"
run 0 by_index "$CAP" --device "$IDX" --rate $RATE --seconds 0.5 --map $MAP --quiet -o "$WORK/idx.wav"
[ ! -s "$WORK/by_index.err" ] || { cat "$WORK/by_index.err"; fail "--quiet still printed"; }
"$PY" "$SRC_PY" compare "$WORK/idx.wav" "$WORK/src.raw" $CH 24000 || fail "capture by index differs"

# ---- FLAC (24-bit by default) --------------------------------------------------
# Recorded through a temporary float WAV and copied into the FLAC at the end
# so the overrun counts make it into the metadata. k/32768 is exact in 24-bit.
run 0 flac "$CAP" --device blfile --channels $CH --rate $RATE --seconds 2 --map $MAP -o "$WORK/exact.flac"
"$PY" "$SRC_PY" compare "$WORK/exact.flac" "$WORK/src.raw" $CH $((2 * RATE)) || fail "FLAC capture differs from the source"
[ "$(info_field "$WORK/exact.flac" frames)" = 96000 ] || fail "FLAC capture does not hold 96000 frames"
[ "$(info_field "$WORK/exact.flac" 'channel map')" = "$MAP" ] || fail "FLAC capture lacks the map"
info_field "$WORK/exact.flac" format | grep -q 'FLAC.*24' || fail "FLAC capture is not 24-bit FLAC"
[ "$(info_field "$WORK/exact.flac" overruns)" = 0 ] || fail "FLAC: overruns not stored"
[ "$(info_field "$WORK/exact.flac" ring_overflows)" = 0 ] || fail "FLAC: ring_overflows not stored"
[ -n "$(info_field "$WORK/exact.flac" start_time)" ] || fail "FLAC: start_time not stored"
[ ! -e "$WORK/exact.flac.partial.wav" ] || fail "FLAC: the temporary WAV was left behind"
[ "$(wc -l < "$WORK/flac.err")" = 1 ] || { cat "$WORK/flac.err"; fail "FLAC: unexpected warnings"; }
note "FLAC: $(info_field "$WORK/exact.flac" format), 96000 frames equal to the source, map and counts stored"

# ---- no silent overwrite ----------------------------------------------------
# An existing output is refused before the device is opened (a device that
# does not exist is never looked up); --force replaces it, and the old file
# stays whole until the new one takes its place at the end.
cp "$WORK/exact.wav" "$WORK/old.wav"
OLD_SUM=$(md5sum < "$WORK/old.wav")
run 1 exists "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.5 --map $MAP -o "$WORK/old.wav"
one_line exists 'old\.wav exists; not overwritten \(give --force to replace it\)'
run 1 exists_nodev "$CAP" --device nosuchboard --channels $CH -o "$WORK/old.wav"
one_line exists_nodev 'old\.wav exists; not overwritten'
run 1 exists_flac "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.5 --map $MAP -o "$WORK/exact.flac"
one_line exists_flac 'exact\.flac exists; not overwritten'
[ "$(md5sum < "$WORK/old.wav")" = "$OLD_SUM" ] || fail "a refused capture changed the existing file"
run 0 force "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.5 --map $MAP --force -o "$WORK/old.wav"
[ "$(sed -n 1p "$WORK/force.err")" = "backline-capture: replacing $WORK/old.wav" ] \
    || { cat "$WORK/force.err"; fail "--force: no 'replacing' line first"; }
grep -q '24000 frames (0.500 s)' "$WORK/force.err" || { cat "$WORK/force.err"; fail "--force: no summary"; }
[ "$(wc -l < "$WORK/force.err")" = 2 ] || { cat "$WORK/force.err"; fail "--force: unexpected output"; }
"$PY" "$SRC_PY" compare "$WORK/old.wav" "$WORK/src.raw" $CH 24000 || fail "--force: the file is not the new capture"
[ ! -e "$WORK/old.wav.partial.wav" ] || fail "--force: the temporary WAV was left behind"
run 0 force_quiet "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.25 --map $MAP --force --quiet \
    -o "$WORK/old.wav"
[ ! -s "$WORK/force_quiet.err" ] || { cat "$WORK/force_quiet.err"; fail "--force --quiet printed"; }
[ "$(info_field "$WORK/old.wav" frames)" = 12000 ] || fail "--force --quiet did not replace the file"
cp "$WORK/exact.flac" "$WORK/old.flac"
run 0 force_flac "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.5 --map $MAP --force -o "$WORK/old.flac"
grep -qx "backline-capture: replacing $WORK/old.flac" "$WORK/force_flac.err" || { cat "$WORK/force_flac.err"; fail "FLAC --force: no 'replacing' line"; }
"$PY" "$SRC_PY" compare "$WORK/old.flac" "$WORK/src.raw" $CH 24000 || fail "FLAC --force: the file is not the new capture"
[ -z "$(ls -A "$WORK" | grep -E 'old\.(tmp|flac\.partial)')" ] || fail "FLAC --force left a temporary: $(ls -A "$WORK")"
# While a --force capture runs, the old file is still there, whole.
cp "$WORK/exact.wav" "$WORK/old.wav"
OLD_SUM=$(md5sum < "$WORK/old.wav")
( ulimit -f 262144; exec "$CAP" --device blfile --channels $CH --rate $RATE --map $MAP --force -o "$WORK/old.wav" ) \
    > "$WORK/force_run.out" 2> "$WORK/force_run.err" &
BG=$!
i=0
while ! { [ -f "$WORK/old.wav.partial.wav" ] && [ "$(stat -c %s "$WORK/old.wav.partial.wav")" -gt 4000000 ]; }; do
    kill -0 $BG 2>/dev/null || { cat "$WORK/force_run.err"; fail "--force run ended early"; }
    [ $i -lt 3000 ] || { kill -KILL $BG; fail "--force run: the temporary did not grow within 30 s"; }
    sleep 0.01
    i=$((i + 1))
done
[ "$(md5sum < "$WORK/old.wav")" = "$OLD_SUM" ] || { kill -KILL $BG; fail "--force: the old file changed while recording"; }
kill -INT $BG
wait $BG || { cat "$WORK/force_run.err"; fail "--force run: non-zero exit after SIGINT"; }
[ "$(info_field "$WORK/old.wav" frames)" -gt 96000 ] || fail "--force run: the new capture did not take the old one's place"
[ ! -e "$WORK/old.wav.partial.wav" ] || fail "--force run: temporary left"
# A FILE.partial.wav is what a killed capture leaves: never overwritten,
# --force or not.
echo keep > "$WORK/new.wav.partial.wav"
run 1 partial_exists "$CAP" --device blfile --channels $CH --rate $RATE --seconds 0.5 --force -o "$WORK/new.wav"
one_line partial_exists 'new\.wav\.partial\.wav exists: the frames of a capture that did not finish\? move it first'
[ "$(cat "$WORK/new.wav.partial.wav")" = keep ] || fail "the partial WAV was touched"
[ ! -e "$WORK/new.wav" ] || fail "a refused capture made its output"
rm -f "$WORK/new.wav.partial.wav" "$WORK/old.wav" "$WORK/old.flac"
note "no silent overwrite: existing output refused before the device, --force replaces it whole at the end"

# ---- SIGINT, SIGTERM, SIGHUP and SIGQUIT end a capture cleanly --------------
# SIGHUP is what a dropped SSH session sends; SIGQUIT is Ctrl-\. Each must
# end exactly like Ctrl-C: summary, exit 0, the file finalised with every
# frame and the counts.
# The file plugin's slave `null` is not clocked, so the device runs as fast
# as the writer drains it: signal as soon as the file has grown past 4 MB.
# Safety nets: `ulimit -f` bounds the file (a tool that ignored the signal
# would hit it and fail the test instead of filling the disk), and a
# watchdog kills it after 60 s.
stop_test() {
    local sig=$1 out=$WORK/stopped_$1.wav
    ( ulimit -f 262144; exec "$CAP" --device blfile --channels $CH --rate $RATE --map $MAP -o "$out" ) \
        > "$WORK/sig_$sig.out" 2> "$WORK/sig_$sig.err" &
    local pid=$! i=0
    # Past 4 MB the stream is running, so the tool's handlers are in place.
    while ! { [ -f "$out" ] && [ "$(stat -c %s "$out")" -gt 4000000 ]; }; do
        kill -0 $pid 2>/dev/null || { cat "$WORK/sig_$sig.err"; fail "$sig: the tool ended before the signal"; }
        [ $i -lt 3000 ] || { kill -KILL $pid; fail "$sig: the file did not grow within 30 s"; }
        sleep 0.01
        i=$((i + 1))
    done
    kill -"$sig" $pid
    i=0
    while kill -0 $pid 2>/dev/null; do
        [ $i -lt 6000 ] || { kill -KILL $pid; fail "$sig: still running 60 s after the signal"; }
        sleep 0.01
        i=$((i + 1))
    done
    wait $pid
    local rc=$?
    [ $rc = 0 ] || { cat "$WORK/sig_$sig.err"; fail "$sig: exit status $rc, expected 0"; }
    grep -q "stopped by signal (SIG$sig)" "$WORK/sig_$sig.err" || { cat "$WORK/sig_$sig.err"; fail "$sig: no summary"; }
    local frames reported ovf
    frames=$(info_field "$out" frames)
    [ -n "$frames" ] && [ "$frames" -gt 0 ] || fail "$sig: file does not load or holds no frames"
    reported=$(sed -n 's/.*: \([0-9]*\) frames (.*/\1/p' "$WORK/sig_$sig.err")
    [ "$frames" = "$reported" ] || fail "$sig: file holds $frames frames, tool reported $reported"
    ovf=$(sed -n 's/.*ring overflows \([0-9]*\) frames.*/\1/p' "$WORK/sig_$sig.err")
    [ "$(info_field "$out" ring_overflows)" = "$ovf" ] || fail "$sig: ring_overflows in the file differ from the report ($ovf)"
    [ "$(info_field "$out" overruns)" = 0 ] || fail "$sig: overruns not stored"
    [ "$(info_field "$out" 'channel map')" = "$MAP" ] || fail "$sig: map not stored"
    # The ring holds seconds of audio, so the start of the capture (the
    # whole source) cannot have been dropped.
    "$PY" "$SRC_PY" compare "$out" "$WORK/src.raw" $CH "atleast:$SRC_FRAMES" || fail "$sig: captured frames differ from the source"
    note "$sig: exit 0, $frames frames in a valid file, ring overflows $ovf (unclocked device), metadata stored"
    rm -f "$out"
}
stop_test INT
stop_test TERM
stop_test HUP
stop_test QUIT

# ---- SIGKILL: nothing can be finalised, nothing written may be lost --------
# start_until_big OUT WATCHED NAME: start a capture into OUT (in the
# background, bounded like stop_test) and return once WATCHED has passed
# 4 MB; its pid is in $BG.
start_until_big() {
    local out=$1 watched=$2 name=$3 i=0
    ( ulimit -f 262144; exec "$CAP" --device blfile --channels $CH --rate $RATE --map $MAP --gain 1000 \
        -o "$out" ) > "$WORK/$name.out" 2> "$WORK/$name.err" &
    BG=$!
    while ! { [ -f "$watched" ] && [ "$(stat -c %s "$watched")" -gt 4000000 ]; }; do
        kill -0 $BG 2>/dev/null || { cat "$WORK/$name.err"; fail "$name: the tool ended before the kill"; }
        [ $i -lt 3000 ] || { kill -KILL $BG; fail "$name: the file did not grow within 30 s"; }
        sleep 0.01
        i=$((i + 1))
    done
}

# WAV: the header is rewritten after every block (SFC_SET_UPDATE_HEADER_AUTO
# makes libsndfile do it at the end of each write), so a kill leaves a file
# whose header declares every completed block: at most the block being
# written (1024 frames) is past the declared data, and everything declared
# loads and equals the source.
start_until_big "$WORK/kill.wav" "$WORK/kill.wav" kill_wav
kill -KILL $BG
wait $BG 2>/dev/null
run 0 kill_info "$ANA" info "$WORK/kill.wav"
KILL_FRAMES=$(info_field "$WORK/kill.wav" frames)
[ -n "$KILL_FRAMES" ] && [ "$KILL_FRAMES" -gt 0 ] || fail "SIGKILL (WAV): the file does not load"
[ ! -s "$WORK/kill_info.err" ] || { cat "$WORK/kill_info.err"; fail "SIGKILL (WAV): info warns"; }
BEHIND=$("$PY" - "$WORK/kill.wav" <<'PY'
import struct, sys
raw = open(sys.argv[1], 'rb').read()
pos = 12
while pos + 8 <= len(raw):
    cid, n = raw[pos:pos + 4], struct.unpack('<I', raw[pos + 4:pos + 8])[0]
    if cid == b'data':
        print(len(raw) - (pos + 8) - n)  # bytes on disk past the declared data
        break
    pos += 8 + n + (n & 1)
PY
)
[ -n "$BEHIND" ] && [ "$BEHIND" -ge 0 ] && [ "$BEHIND" -le $((1024 * CH * 4)) ] \
    || fail "SIGKILL (WAV): $BEHIND bytes past the declared data (at most one 1024-frame block allowed)"
"$PY" "$SRC_PY" compare "$WORK/kill.wav" "$WORK/src.raw" $CH "atleast:$SRC_FRAMES" || fail "SIGKILL (WAV): frames differ"
[ "$(info_field "$WORK/kill.wav" 'channel map')" = "$MAP" ] || fail "SIGKILL (WAV): map lost"
[ -n "$(info_field "$WORK/kill.wav" start_time)" ] || fail "SIGKILL (WAV): start_time lost"
note "SIGKILL (WAV): $KILL_FRAMES frames load; $BEHIND bytes on disk past the declared data (one block at most)"

# FLAC: the frames are in <out>.partial.wav (a WAV as above); --recover
# makes the FLAC from it with the same copy as a finished capture.
start_until_big "$WORK/kill.flac" "$WORK/kill.flac.partial.wav" kill_flac
kill -KILL $BG
wait $BG 2>/dev/null
[ ! -e "$WORK/kill.flac" ] || fail "SIGKILL (FLAC): a FLAC exists before --recover"
PART_FRAMES=$(info_field "$WORK/kill.flac.partial.wav" frames)
[ -n "$PART_FRAMES" ] && [ "$PART_FRAMES" -gt 0 ] || fail "SIGKILL (FLAC): the partial WAV does not load"
cp "$WORK/kill.flac.partial.wav" "$WORK/again.flac.partial.wav"
run 0 recover "$CAP" --recover "$WORK/kill.flac.partial.wav"
grep -q "kill.flac: $PART_FRAMES frames (.* s) at 48000 Hz x 4 channels recovered from .*kill.flac.partial.wav (removed)" \
    "$WORK/recover.err" || { cat "$WORK/recover.err"; fail "--recover: no summary"; }
grep -q 'warning: .*kill.flac: the capture did not finish, so its overrun and ring-overflow counts were never stored' \
    "$WORK/recover.err" || { cat "$WORK/recover.err"; fail "--recover: no warning about the counts"; }
[ "$(wc -l < "$WORK/recover.err")" = 2 ] || { cat "$WORK/recover.err"; fail "--recover: unexpected output"; }
[ ! -e "$WORK/kill.flac.partial.wav" ] || fail "--recover: the partial WAV was not removed"
[ "$(info_field "$WORK/kill.flac" frames)" = "$PART_FRAMES" ] || fail "--recover: the FLAC lacks frames"
info_field "$WORK/kill.flac" format | grep -q 'FLAC.*24' || fail "--recover: not 24-bit FLAC"
[ "$(info_field "$WORK/kill.flac" 'channel map')" = "$MAP" ] || fail "--recover: map lost"
info_field "$WORK/kill.flac" gains | grep -q '^1000,1000,1000,1000 ' || fail "--recover: gains lost"
[ "$(info_field "$WORK/kill.flac" device)" = "blfile (ALSA)" ] || fail "--recover: device lost"
[ -n "$(info_field "$WORK/kill.flac" start_time)" ] || fail "--recover: start_time lost"
"$PY" "$SRC_PY" compare "$WORK/kill.flac" "$WORK/src.raw" $CH "atleast:$SRC_FRAMES" || fail "--recover: frames differ"
note "--recover: $(head -1 "$WORK/recover.err")"
# Never over an existing file; the partial WAV is then kept as it was.
SUM=$(md5sum < "$WORK/kill.flac")
run 1 recover_exists "$CAP" --recover "$WORK/again.flac.partial.wav" -o "$WORK/kill.flac"
one_line recover_exists 'kill\.flac exists; not overwritten'
[ "$(md5sum < "$WORK/kill.flac")" = "$SUM" ] || fail "--recover overwrote an existing FLAC"
[ -e "$WORK/again.flac.partial.wav" ] || fail "--recover removed the partial WAV it did not recover"
run 2 recover_name "$CAP" --recover "$WORK/src.raw"
one_line recover_name 'not a NAME\.flac\.partial\.wav.*give -o'
run 2 recover_ext "$CAP" --recover "$WORK/again.flac.partial.wav" -o "$WORK/again.wav"
one_line recover_ext 'must be \.flac'
run 2 recover_opts "$CAP" --recover "$WORK/again.flac.partial.wav" --device blfile
one_line recover_opts '--device cannot go with --recover'
run 1 recover_missing "$CAP" --recover "$WORK/none.flac.partial.wav"
one_line recover_missing 'none\.flac\.partial\.wav: cannot open'
[ ! -e "$WORK/none.flac" ] || fail "--recover of a missing file created its output"

# ---- a device that stops delivering -------------------------------------------
# The infile is a FIFO: the feeder writes 1 s of source, then holds the FIFO
# open without writing, so the device hangs inside its read like an
# interface that stopped. The tool must notice, finalise the file with what
# it captured and exit non-zero with one line, without waiting on the hung
# driver.
mkfifo "$WORK/fifo" || fail "cannot make a FIFO"
sed "s|@INFILE@|$WORK/fifo|" "$HERE/alsa/blfile.conf.in" > "$WORK/fifo.conf"
"$PY" "$SRC_PY" feed "$WORK/fifo" "$WORK/src.raw" $((RATE * CH * 4)) 60 &
FEEDER=$!
SECONDS=0
ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/fifo.conf run 1 stall \
    timeout -s KILL 40 "$CAP" --device blfile --channels $CH --rate $RATE --map $MAP -o "$WORK/stall.wav"
STALL_S=$SECONDS
kill $FEEDER 2>/dev/null
wait $FEEDER 2>/dev/null
one_line stall 'device blfile \(ALSA\) stopped delivering audio after [0-9.]+ s; the file keeps the [0-9]+ frames'
# A FIFO read may return less than the plugin asked for; the plugin then
# pads with stale buffer contents, so only the amount is checked here: every
# byte fed (1 s) reached the file, plus any padding.
STALL_FRAMES=$(info_field "$WORK/stall.wav" frames)
[ -n "$STALL_FRAMES" ] && [ "$STALL_FRAMES" -ge $RATE ] || fail "stall: the file does not load or lacks the second fed ($STALL_FRAMES frames)"
grep -q "keeps the $STALL_FRAMES frames" "$WORK/stall.err" || fail "stall: file holds $STALL_FRAMES frames, not what the error says"
[ $STALL_S -le 20 ] || fail "stall: took $STALL_S s to give up"
[ "$(info_field "$WORK/stall.wav" 'channel map')" = "$MAP" ] || fail "stall: map not stored"
note "stall: detected and finalised in ${STALL_S} s"

# ---- a full disk --------------------------------------------------------------
# ulimit -f (KiB): writes beyond 2 MiB fail with EFBIG (the tool ignores
# SIGXFSZ). 10 s of 4 x float32 at 48 kHz would be 7.7 MB.
( ulimit -f 2048; exec "$CAP" --device blfile --channels $CH --rate $RATE --seconds 10 --map $MAP \
    -o "$WORK/full.wav" ) > "$WORK/full.out" 2> "$WORK/full.err"
rc=$?
[ $rc != 0 ] || fail "full disk: exit status 0"
one_line full 'write failed after [0-9]+ frames.*File too large.*the file keeps the [0-9]+ frames'
FULL_FRAMES=$(info_field "$WORK/full.wav" frames)
[ -n "$FULL_FRAMES" ] && [ "$FULL_FRAMES" -gt 0 ] || fail "full disk: the file does not load"
grep -q "keeps the $FULL_FRAMES frames" "$WORK/full.err" || fail "full disk: file holds $FULL_FRAMES frames, not what the error says"
"$PY" "$SRC_PY" compare "$WORK/full.wav" "$WORK/src.raw" $CH "$FULL_FRAMES" || fail "full disk: frames differ from the source"
[ "$(info_field "$WORK/full.wav" 'channel map')" = "$MAP" ] || fail "full disk: map lost"

# A real ENOSPC on a 1 MiB tmpfs, where mounting is allowed (root).
mkdir -p "$WORK/mnt"
if mount -t tmpfs -o size=1m tmpfs "$WORK/mnt" 2>/dev/null; then
    MNT=$WORK/mnt
    run 1 enospc "$CAP" --device blfile --channels $CH --rate $RATE --seconds 10 --map $MAP -o "$MNT/full.wav"
    one_line enospc 'write failed after [0-9]+ frames.*No space left on device'
    F=$(info_field "$MNT/full.wav" frames)
    [ -n "$F" ] && [ "$F" -gt 0 ] || fail "tmpfs full: the file does not load"
    "$PY" "$SRC_PY" compare "$MNT/full.wav" "$WORK/src.raw" $CH "$F" || fail "tmpfs full: frames differ"
    umount "$MNT"
    MNT=""
else
    note "cannot mount a tmpfs here (not root?): ENOSPC covered by the ulimit -f test only"
fi

# FLAC on a full disk: the temporary WAV stops, the FLAC still gets every
# frame written before plus the complete metadata.
( ulimit -f 2048; exec "$CAP" --device blfile --channels $CH --rate $RATE --seconds 10 --map $MAP \
    -o "$WORK/full.flac" ) > "$WORK/full_flac.out" 2> "$WORK/full_flac.err"
[ $? != 0 ] || fail "full disk (FLAC): exit status 0"
one_line full_flac "File too large.*full\\.flac keeps the [0-9]+ frames"
F=$(info_field "$WORK/full.flac" frames)
[ -n "$F" ] && [ "$F" -gt 0 ] || fail "full disk (FLAC): the file does not load"
"$PY" "$SRC_PY" compare "$WORK/full.flac" "$WORK/src.raw" $CH "$F" || fail "full disk (FLAC): frames differ"
[ "$(info_field "$WORK/full.flac" ring_overflows)" = 0 ] || fail "full disk (FLAC): counts not stored"

# ---- markers: keys sent through --marker-fifo while a session plays at real time
# A synthetic hinge set (3 repetitions, alternating) plays through the ALSA
# file device from a FIFO at real time (blsource.py pace: whole chunks, so
# every frame arrives intact); the pacer sends a key into the marker FIFO
# once it has written the frames before a chosen one: space before rep 2,
# "3" between reps 2 and 3, and "1" after 1 s. info must list the three
# at their frames (within a block: the key is read every 20 ms, the frames
# come 170 at a time), and hinge --between-markers 2,3 must analyse the
# span: rep 2 alone, at the times the whole-file analysis gives it.
SYN=$TOOLS/backline-synth
[ -x "$SYN" ] || fail "backline-synth is not built ($SYN)"
"$SYN" hinge -o "$WORK/syn" --reps 3 --pattern alternating --seed 5 > "$WORK/syn.out" 2>&1 \
    || { cat "$WORK/syn.out"; fail "backline-synth hinge failed"; }
"$PY" "$SRC_PY" raw "$WORK/syn/session.wav" "$WORK/syn.raw" || fail "cannot convert the synthetic session"
read -r MK1 MK2 SYN_SECONDS <<< "$("$PY" -c '
import json, sys
t = json.load(open(sys.argv[1])); r = t["reps"]
m1 = (r[0]["end_s"] + r[1]["start_s"]) / 2; m2 = (r[1]["end_s"] + r[2]["start_s"]) / 2
n = len(open(sys.argv[2], "rb").read()) // 24
print(int(m1 * 2000), int(m2 * 2000), (n - 1000) / 2000)
' "$WORK/syn/truth.json" "$WORK/syn.raw")"
[ -n "$SYN_SECONDS" ] || fail "cannot read the synthetic truth"
SYN_MAP=$(info_field "$WORK/syn/session.wav" 'channel map')
rm -f "$WORK/audio.fifo" "$WORK/marks.fifo"
mkfifo "$WORK/audio.fifo" "$WORK/marks.fifo" || fail "cannot make the FIFOs"
sed "s|@INFILE@|$WORK/audio.fifo|" "$HERE/alsa/blfile.conf.in" > "$WORK/paced.conf"
"$PY" "$SRC_PY" pace "$WORK/audio.fifo" "$WORK/syn.raw" 2000 6 170 "$WORK/marks.fifo" \
    "2000:1,$MK1:space,$MK2:3" &
PACER=$!
ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/paced.conf run 0 marked \
    timeout -s KILL 60 "$CAP" --device blfile --channels 6 --rate 2000 --seconds "$SYN_SECONDS" --map "$SYN_MAP" \
    --gain 500 --marker-fifo "$WORK/marks.fifo" -o "$WORK/marked.wav"
kill $PACER 2>/dev/null
wait $PACER 2>/dev/null
grep -q '; 3 markers$' "$WORK/marked.err" || { cat "$WORK/marked.err"; fail "markers: the summary does not count 3 markers"; }
"$PY" "$SRC_PY" compare "$WORK/marked.wav" "$WORK/syn.raw" 6 any > /dev/null \
    || fail "markers: the paced capture differs from the session (the pacing corrupted frames)"
run 0 marked_info "$ANA" info "$WORK/marked.wav"
note "info of the marked capture:"; sed -n '/^markers:/,$p' "$WORK/marked_info.out" | sed 's/^/    /'
grep -q '^markers: *3 ' "$WORK/marked_info.out" || fail "markers: info does not list 3 markers"
check_marker() { # NUMBER LABEL FRAME_SENT
    local line frame
    line=$(grep -E "^ +$1 +[0-9.]+ s +frame [0-9]+ +$2\$" "$WORK/marked_info.out") \
        || fail "markers: no marker $1 labelled '$2' in info"
    frame=$(echo "$line" | sed 's/.*frame \([0-9]*\).*/\1/')
    [ "$frame" -ge "$3" ] && [ "$frame" -le $(($3 + 1024)) ] \
        || fail "markers: marker $1 ($2) at frame $frame, sent after frame $3 (wanted within a 1024-frame block)"
    note "marker $1 \"$2\": sent after frame $3, stored at frame $frame"
}
check_marker 1 1 2000
check_marker 2 mark "$MK1"
check_marker 3 3 "$MK2"
MVCS=()
for f in "$WORK"/syn/mvc_*.wav; do MVCS+=(--mvc "$f"); done
run 0 hinge_all "$ANA" hinge "$WORK/marked.wav" "${MVCS[@]}" --json "$WORK/all.json"
run 0 hinge_span "$ANA" hinge "$WORK/marked.wav" "${MVCS[@]}" --between-markers 2,3 --json "$WORK/span.json" \
    --csv "$WORK/span.csv"
"$PY" - "$WORK/all.json" "$WORK/span.json" "$WORK/span.csv" "$WORK/syn/truth.json" <<'PY' || fail "markers: hinge --between-markers 2,3 did not analyse rep 2 alone at its file times"
import csv, json, sys
full, span, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[4]))
rows = list(csv.DictReader(open(sys.argv[3])))
fr, sr = full["reps"], span["reps"]
print(f"  whole file: {len(fr)} reps; span {span['between_markers']['start_s']:.3f} s on: {len(sr)} rep(s)",
      [(r["start_s"], r["end_s"], r["chain"]) for r in sr], "truth rep 2:",
      (round(truth["reps"][1]["start_s"], 3), round(truth["reps"][1]["end_s"], 3)))
ok = len(fr) == 3 and len(sr) == 1
ok = ok and abs(sr[0]["start_s"] - fr[1]["start_s"]) < 0.15 and abs(sr[0]["end_s"] - fr[1]["end_s"]) < 0.15
ok = ok and sr[0]["chain"] == fr[1]["chain"]
ok = ok and span["between_markers"]["from"]["number"] == 2 and span["between_markers"]["to"]["label"] == "3"
ok = ok and rows and abs(float(rows[0]["start_s"]) - sr[0]["start_s"]) < 1e-3
sys.exit(0 if ok else 1)
PY
run 2 span_order "$ANA" hinge "$WORK/marked.wav" --between-markers 3,2 --json "$WORK/x.json"
one_line span_order 'between-markers 3,2: expected A,B, marker numbers with 1 <= A < B'
run 1 span_missing "$ANA" hinge "$WORK/marked.wav" --between-markers 2,9 --json "$WORK/x.json"
one_line span_missing 'the file has 3 markers'
run 2 span_html "$ANA" hinge "$WORK/marked.wav" --between-markers 2,3 --json "$WORK/x.json" --html "$WORK/x.html"
one_line span_html 'between-markers cannot go with --html'
run 1 bad_marker_fifo "$CAP" --device blfile --channels $CH --marker-fifo "$WORK/no/such/fifo" -o "$WORK/x.wav"
one_line bad_marker_fifo 'marker-fifo .*cannot open'
note "markers: sent through the FIFO, stored at their frames, listed by info, hinge analyses the span"

# ---- live view on a terminal ------------------------------------------------------
# `script` gives the tool a pseudo-terminal; the view must show the meters,
# the elapsed time, the scale and each side's balance line (both mapped).
if command -v script > /dev/null; then
    script -qec "$CAP --device blfile --channels $CH --rate $RATE --seconds 2 --map $MAP --gain 1000 -o $WORK/live.wav" \
        /dev/null > "$WORK/live.tty" 2>&1 || { cat "$WORK/live.tty"; fail "live view run failed"; }
    # No references: bars in uV on the fixed scale, no balance (it needs
    # %MVC); tests/test_capture_meters.sh checks the %MVC view in tmux.
    for want in 'recording 00:02.0' ' scale uV +0 +125 +250 +375 +500' '1 L.ST +\[[#.:>]{40}\] +[0-9.]+ uV' '4 R.BF' \
                'hamstrings L M:L balance: needs --mvc or --reference' 'hamstrings R M:L balance: needs' \
                'no mains notch|mains [56]0 Hz notched'; do
        grep -Eq -e "$want" "$WORK/live.tty" || { cat -v "$WORK/live.tty"; fail "live view lacks /$want/"; }
    done
    # A given mains frequency notches the meters from the start.
    script -qec "$CAP --device blfile --channels $CH --rate $RATE --seconds 1 --map $MAP --mains 60 -o $WORK/live60.wav" \
        /dev/null > "$WORK/live60.tty" 2>&1 || { cat "$WORK/live60.tty"; fail "live view run (--mains 60) failed"; }
    grep -q 'mains 60 Hz notched' "$WORK/live60.tty" || { cat -v "$WORK/live60.tty"; fail "--mains 60 not shown"; }
    note "live view on a pseudo-terminal: meters, elapsed time and balance shown"
    # Keys typed on the terminal (script's stdin feeds the pseudo-terminal)
    # become markers; the terminal is back in canonical mode with echo
    # after the capture, whether it ran out (--seconds) or was stopped by
    # SIGINT (stty -a runs in the same pseudo-terminal afterwards).
    for ending in seconds sigint; do
        rm -f "$WORK/audio.fifo"; mkfifo "$WORK/audio.fifo"
        "$PY" "$SRC_PY" pace "$WORK/audio.fifo" "$WORK/syn.raw" 2000 6 170 &
        PACER=$!
        if [ $ending = seconds ]; then
            cmd="$CAP --device blfile --channels 6 --rate 2000 --seconds 4 --map $SYN_MAP -o $WORK/keys_$ending.wav"
        else
            cmd="timeout --foreground -s INT 4 $CAP --device blfile --channels 6 --rate 2000 --map $SYN_MAP -o $WORK/keys_$ending.wav"
        fi
        ( sleep 2; printf ' 7x'; sleep 4 ) | ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/paced.conf \
            script -qec "$cmd; stty -a" /dev/null > "$WORK/keys.tty" 2>&1
        kill $PACER 2>/dev/null
        wait $PACER 2>/dev/null
        grep -aq 'markers 2, last "7" at 00:0' "$WORK/keys.tty" || { cat -v "$WORK/keys.tty"; fail "keys ($ending): the live view does not show the markers"; }
        grep -aqE '(^| )icanon( |$)' "$WORK/keys.tty" && grep -aqE '(^| )echo( |$)' "$WORK/keys.tty" \
            || { cat -v "$WORK/keys.tty"; fail "keys ($ending): the terminal was not restored (stty -a after the capture)"; }
        info_field "$WORK/keys_$ending.wav" markers | grep -q '^2 ' || fail "keys ($ending): the file lacks the 2 markers"
        "$ANA" info "$WORK/keys_$ending.wav" | grep -Eq '^ +2 +[0-9.]+ s +frame [0-9]+ +7$' || fail "keys ($ending): marker 2 is not \"7\""
    done
    note "keys on the terminal: space and 7 stored as markers, the terminal restored after --seconds and SIGINT"
    # --reference: the references the hinge report above stored: bars in %MVC.
    rm -f "$WORK/audio.fifo"; mkfifo "$WORK/audio.fifo"
    "$PY" "$SRC_PY" pace "$WORK/audio.fifo" "$WORK/syn.raw" 2000 6 170 &
    PACER=$!
    ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$WORK/paced.conf script -qec "$CAP --device blfile --channels 6 \
        --rate 2000 --seconds 3 --map $SYN_MAP --gain 500 --reference $WORK/all.json -o $WORK/ref.wav" /dev/null \
        > "$WORK/ref.tty" 2>&1
    kill $PACER 2>/dev/null
    wait $PACER 2>/dev/null
    for want in ' scale %MVC +0 +25 +50 +75 +100' '1 L.ST +\[[#.:>]{40}\] +[0-9.]+ %MVC' 'hamstrings L (at rest|M:L [+-])'; do
        grep -aEq -e "$want" "$WORK/ref.tty" || { cat -v "$WORK/ref.tty"; fail "--reference: the live view lacks /$want/"; }
    done
    note "--reference REPORT.json: the live view in %MVC"

else
    note "no 'script' command: live view not exercised"
fi

# ---- bad input: one line, non-zero, nothing recorded ----------------------
run 1 no_device "$CAP" --device nosuchboard --channels 2 -o "$WORK/x.wav"
one_line no_device 'no input device matches "nosuchboard"; inputs: .*blfile'
run 1 ambiguous "$CAP" --device BLF --channels 2 -o "$WORK/x.wav"
one_line ambiguous '"BLF" matches 2 input devices: .*blfile.*blfile_b'
run 1 bad_index "$CAP" --device 999 --channels 2 -o "$WORK/x.wav"
one_line bad_index 'no device with index 999'
run 2 map_count "$CAP" --device blfile --channels 4 --map L.ST,L.BF -o "$WORK/x.wav"
one_line map_count 'map.*2.*4|map.*4.*2'
run 2 bad_mains "$CAP" --device blfile --channels 2 --mains 55 -o "$WORK/x.wav"
one_line bad_mains '--mains: "55" is not auto, 50, 60 or off'
run 2 map_code "$CAP" --device blfile --map L.ST,L.XX -o "$WORK/x.wav"
one_line map_code 'XX'
run 2 gain_count "$CAP" --device blfile --channels 4 --gain 1,2 -o "$WORK/x.wav"
one_line gain_count '--gain has 2 values but there are 4 channels'
run 2 bad_ext "$CAP" --device blfile --channels 4 -o "$WORK/x.mp3"
one_line bad_ext 'must be \.wav or \.flac'
run 2 flac_float "$CAP" --device blfile --channels 4 --format float32 -o "$WORK/x.flac"
one_line flac_float 'FLAC'
run 2 no_output "$CAP" --device blfile --channels 4
one_line no_output 'no output file'
run 2 low_rate "$CAP" --device blfile --rate 100 -o "$WORK/x.wav"
one_line low_rate 'too low'
run 1 unwritable "$CAP" --device blfile --channels 4 --seconds 1 -o "$WORK/no/such/dir/x.wav"
one_line unwritable 'x\.wav'
run 2 target_alone "$CAP" --device blfile --channels $CH --target internal -o "$WORK/x.wav"
one_line target_alone '--target needs --mvc or --reference'
run 2 bad_target "$CAP" --device blfile --channels $CH --target sideways --mvc "$WORK/syn/mvc_ST.wav" -o "$WORK/x.wav"
one_line bad_target '--target: "sideways" is not internal or external'
run 2 mvc_no_map "$CAP" --device blfile --channels 6 --mvc "$WORK/syn/mvc_ST.wav" -o "$WORK/x.wav"
one_line mvc_no_map '--mvc needs --map'
run 1 mvc_missing "$CAP" --device blfile --map "$SYN_MAP" --gain 500 --mvc "$WORK/none.wav" -o "$WORK/x.wav"
one_line mvc_missing 'none\.wav'
run 1 ref_unit "$CAP" --device blfile --map "$SYN_MAP" --reference "$WORK/all.json" -o "$WORK/x.wav"
one_line ref_unit "reference .*all\.json: L\.ST's reference is in uV, the capture in full scale"
run 1 ref_bad "$CAP" --device blfile --map "$SYN_MAP" --gain 500 --reference "$WORK/src.raw" -o "$WORK/x.wav"
one_line ref_bad 'not a backline-analyse hinge --json report'
run 2 ref_and_mvc "$CAP" --device blfile --map "$SYN_MAP" --reference "$WORK/all.json" --mvc "$WORK/syn/mvc_ST.wav" -o "$WORK/x.wav"
one_line ref_and_mvc 'not both'
run 2 bad_scale "$CAP" --device blfile --channels $CH --scale -3 -o "$WORK/x.wav"
one_line bad_scale '--scale: "-3" is not a positive number of uV'
[ ! -e "$WORK/x.wav" ] || fail "a rejected command created its output file"

note "all capture checks passed"
