/* Recordings: multi-channel sEMG in planar float, with the metadata that
 * makes a capture describe itself.
 *
 * Samples are held as one float array per channel ("planar"). A per-channel
 * amplifier gain and the interface's full-scale voltage convert full-scale
 * samples to µV at the electrode:
 *     µV = sample × full_scale_volts / amplifier_gain × 1e6
 * Without a gain the samples stay in full-scale units and
 * bl_recording_unit() says so.
 *
 * Metadata (channel map, gains, full scale, device, start time, software
 * version, overrun counts) is stored as `key=value` lines after a
 * "backline-meta 1" first line, so any audio tool still opens the file.
 * Stored lines: map=<canonical map>, gain=g1,g2,... (one per channel, when
 * any is known), full_scale_v=<volts>, unit=uV,fs,... (per channel, only
 * once bl_recording_to_microvolts has run), then the free-form keys;
 * software=backline <version> is added when not set.
 *
 * Where: up to 2000 bytes, the file's own comment (WAV LIST/INFO, AIFF,
 * CAF, FLAC Vorbis comment). Longer text goes, in WAV, AIFF and CAF, into a
 * chunk of our own with the id "blmt" (libsndfile 1.2 drops WAV comments
 * over 2045 bytes on read), the comment then holding only
 * "backline-meta 1" and meta_chunk=<bytes in the chunk>; FLAC keeps it in
 * its comment. At most BL_RECORDING_META_MAX bytes in any format: beyond
 * that libsndfile writes a header that does not open again, so saving and
 * the writer refuse it (BL_ERANGE) before creating the file. W64 files
 * hold no metadata (libsndfile has no string support for W64): they store
 * the audio only.
 *
 * Reading: the chunk first, then the comment, whose lines override (late
 * keys of the writer). A comment that does not start with
 * "backline-meta" is another program's and is ignored. Everything that
 * parses is kept; each stored line that cannot be used, or only in part,
 * leaves a warning (bl_recording_warning) naming its key and saying what
 * was kept. The rules: a map entry that is not a channel makes that channel
 * an unnamed EMG channel ("EMG"), the other entries kept (no map when no
 * entry is one); a gain entry that
 * is not a number >= 0 leaves that channel without a gain; a unit entry
 * that is neither uV nor fs leaves that channel without a gain (it might
 * already be in µV and must not be converted twice); a map, gain or unit
 * list with a wrong entry count is not kept at all (which entry belongs to
 * which channel is unknown; a unit list so leaves every channel without a
 * gain); an invalid full_scale_v leaves every channel not yet in µV
 * without a gain; an invalid counter value (see bl_recording_set_meta) or
 * key, an over-long value, a line without "=", a later metadata version
 * and a missing or cut chunk are each reported; a key given twice keeps the
 * later value and is reported.
 */
#ifndef BACKLINE_RECORDING_H
#define BACKLINE_RECORDING_H

#include <stddef.h>
#include "backline/backline.h"
#include "backline/chanmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lowest sample rate accepted for surface EMG analysis, Hz. Surface EMG
 * carries power to ~450 Hz; below this the band cannot be represented. */
#define BL_MIN_EMG_RATE_HZ 200.0

/* Largest metadata text (bytes) stored in a file, in any format; see above. */
#define BL_RECORDING_META_MAX 32768

typedef struct bl_recording bl_recording;

typedef enum bl_sample_format {
    BL_FORMAT_PCM16 = 0, BL_FORMAT_PCM24, BL_FORMAT_PCM32, BL_FORMAT_FLOAT32
} bl_sample_format;

/* An empty recording of `channels` × `frames` zeros at `rate_hz`.
 * BL_EINVAL for zero channels or rate <= 0; BL_ENOMEM on overflow. */
BL_API bl_status bl_recording_create(size_t channels, size_t frames, double rate_hz, bl_recording **out);
/* Zeroed recording of `frames` at `rate_hz` carrying everything `like`
 * says about itself: channel count, map, gains, full scale, per-channel
 * units (µV stays µV) and metadata keys. For derived signals (resampled,
 * filtered, envelopes). */
BL_API bl_status bl_recording_create_like(const bl_recording *like, size_t frames, double rate_hz, bl_recording **out);
/* A copy of the channels listed in index[n] (in that order) with their map
 * entries, gains, units, the full scale and metadata keys. BL_EINVAL (NULL,
 * n 0), BL_ERANGE (an index out of range, or more than
 * BL_CHANMAP_MAX_ENTRIES channels with a map), BL_ENOMEM; *out NULL on
 * failure. */
BL_API bl_status bl_recording_select(const bl_recording *rec, const size_t *index, size_t n, bl_recording **out);
/* A copy of frames [first, first + frames) of every channel with all the
 * recording says about itself; its markers are those inside the slice,
 * their times from the slice's first frame (the clipping counted at load
 * stays the whole file's). BL_EINVAL (NULL, frames 0), BL_ERANGE (past the
 * end), BL_ENOMEM; *out NULL on failure. */
BL_API bl_status bl_recording_slice(const bl_recording *rec, size_t first, size_t frames, bl_recording **out);
/* Exchange everything two recordings hold (samples, rate, map, gains,
 * metadata): how an in-place operation adopts a resampled copy. */
BL_API void bl_recording_swap(bl_recording *a, bl_recording *b);
/* A new recording at out_rate_hz with the same metadata, through the
 * core's offline resampler (resample.h: time aligned, edges padded), of
 * length round(frames × out/in); a copy when the rates are equal.
 * Errors: BL_EINVAL (NULL), BL_ERANGE (ratio outside [1/256, 256]),
 * BL_ENODATA (nothing would be left), BL_ENOMEM; *out is then NULL. */
BL_API bl_status bl_recording_resample(const bl_recording *in, double out_rate_hz, bl_recording **out);
/* Load any file libsndfile reads, or an EDF/EDF+ or BDF/BDF+ file (known
 * by its header, whatever its name; read through edflib; see bl_reader
 * for what becomes of its header). BL_EIO (cannot open: missing, no
 * permission), BL_EFORMAT (not audio, undecodable, truncated, zero frames).
 * Integer samples map to [-1, 1); float files keep their values (beyond
 * ±1 too). Truncation is an error, not a partial load: a WAV whose data
 * chunk declares more bytes than the file holds, or a file that decodes to
 * fewer frames than libsndfile says its header declares, gives BL_EFORMAT
 * with both counts in `why`. (libsndfile derives AIFF and W64 lengths from
 * the file size, so a cut AIFF or W64 loads what it holds, unnoticed: use
 * WAV or FLAC for captures.) A stream of unknown length (a FLAC whose writer was cut
 * short by a full disk or a crash) loads what decodes; when decoding then
 * stopped on an error the meta key truncated=1 is set (report it). The
 * Backyard Brains WAVs, whose RIFF size is 4 bytes too large, load: only
 * the data chunk is checked. Metadata stored by backline is parsed line by
 * line (see the top of this header): what cannot be used is never fatal;
 * it is left out, or kept in part, with a warning on the recording
 * (bl_recording_warning). Non-finite samples are NOT rejected here: call
 * bl_recording_check_finite(). `why` gets one line. */
BL_API bl_status bl_recording_load(const char *path, bl_recording **out, char *why, size_t why_len);
/* bl_recording_load at an analysis rate: a file recorded faster than
 * rate_hz, at a ratio the decimator covers (bl_decimate_check: 44.1, 48,
 * 96 kHz … to 2 kHz), is decimated while it is read, block by block, so
 * the full-rate signal is never held; every block is checked for
 * non-finite samples as it arrives (BL_ENONFINITE, `why` naming the
 * channel, the frame and the time in the file). Any other file loads as
 * bl_recording_load does (at its own rate; conditioning resamples it).
 * bl_recording_source_rate then says the file's rate. Errors: those of
 * bl_recording_load, and BL_ENONFINITE. */
BL_API bl_status bl_recording_load_at(const char *path, double rate_hz, bl_recording **out, char *why,
                                      size_t why_len);
/* The same, calling progress(user, fraction read) after each block when
 * the header declares the length (progress may be NULL). */
BL_API bl_status bl_recording_load_at_progress(const char *path, double rate_hz, bl_progress_fn progress,
                                               void *user, bl_recording **out, char *why, size_t why_len);
/* A recording spooled at an analysis rate: bl_recording_load_at's reading
 * (decimated while read, every block checked for non-finite samples), with
 * the frames kept in memory up to 16 MB and beyond that written to an
 * unlinked temporary file in $TMPDIR (else /tmp), so an hour of 48 kHz
 * EMG costs the memory of a block (bl_envelope_spool works through it). A rate the decimator does not
 * cover is loaded whole and resampled (bl_recording_resample) before it is
 * spooled. load_at: the errors of bl_recording_load_at, and BL_EIO when
 * the temporary cannot be made or written (a full disk), `why` naming it.
 * info: the description (channels, rate = rate_hz, map, gains, metadata,
 * the file's warnings, the source rate, and the raw clipping when the file
 * was decimated) with no frames,
 * owned by the spool; its map may be set (bl_recording_set_chanmap), and
 * blocks read afterwards carry it. to_microvolts: blocks read afterwards
 * are converted as bl_recording_to_microvolts converts (its errors).
 * read: frames [first, first+frames) as a recording like info (BL_EINVAL,
 * BL_ERANGE past the end, BL_ENOMEM, BL_EIO). read_into: the same into
 * `rec`, a recording with the spool's channel count (one bl_spool_read
 * made, say), which becomes what read would return, reusing its sample
 * arrays (grown when shorter): no allocation and no fresh pages per block
 * of the same length. BL_EINVAL also for another channel count; after an
 * error `rec` holds no meaningful samples but may be read into again or
 * destroyed. destroy(NULL) is a no-op. */
typedef struct bl_spool bl_spool;
BL_API bl_status bl_spool_load_at(const char *path, double rate_hz, bl_progress_fn progress, void *user,
                                  bl_spool **out, char *why, size_t why_len);
BL_API bl_recording *bl_spool_info(bl_spool *s);
BL_API size_t bl_spool_frames(const bl_spool *s);
BL_API bl_status bl_spool_to_microvolts(bl_spool *s);
BL_API bl_status bl_spool_read(const bl_spool *s, size_t first, size_t frames, bl_recording **out);
BL_API bl_status bl_spool_read_into(const bl_spool *s, size_t first, size_t frames, bl_recording *rec);
BL_API void bl_spool_destroy(bl_spool *s);
/* The rate of the file the samples came from (before bl_recording_load_at
 * or bl_recording_resample changed it); the recording's own rate when it
 * was never resampled; 0 for NULL. */
BL_API double bl_recording_source_rate(const bl_recording *rec);
/* The fraction of the file's own samples of channel c that were clipped
 * (clipping.h), counted by bl_recording_load_at while it decimated the
 * file; NaN when not counted (the recording holds the file's samples:
 * count them) or out of range. Kept by resampling and channel selection. */
BL_API double bl_recording_raw_clipped_fraction(const bl_recording *rec, size_t channel);
/* Write WAV/FLAC/... chosen by the extension of `path` (.wav, .flac,
 * .aiff/.aif, .caf, .w64; case-insensitive). Metadata goes into the file.
 * Writes to a temporary name is NOT done: the caller picks the path.
 * Integer formats clip samples beyond full scale (no wrap-around).
 * BL_EINVAL: unknown extension, FLAC with BL_FORMAT_FLOAT32 (refused, not
 * quantised: a float capture may exceed full scale), a non-integer rate,
 * zero frames, channels in µV saved to an integer format (they would clip;
 * use float32), a channel count the format cannot hold (FLAC: 8).
 * BL_ERANGE: metadata longer than BL_RECORDING_META_MAX (nothing created).
 * BL_EIO: the file cannot be created or written. */
BL_API bl_status bl_recording_save(const bl_recording *rec, const char *path, bl_sample_format format,
                                   char *why, size_t why_len);
BL_API void bl_recording_destroy(bl_recording *rec);

BL_API size_t bl_recording_channels(const bl_recording *rec);
BL_API size_t bl_recording_frames(const bl_recording *rec);
BL_API double bl_recording_rate(const bl_recording *rec);
BL_API double bl_recording_duration(const bl_recording *rec); /* seconds */
/* Planar samples of one channel (NULL when out of range). */
BL_API float *bl_recording_data(bl_recording *rec, size_t channel);
BL_API const float *bl_recording_cdata(const bl_recording *rec, size_t channel);
/* Description of the source sample format, e.g. "WAV PCM 16-bit";
 * "float32 (in memory)" for created recordings. */
BL_API const char *bl_recording_format_name(const bl_recording *rec);

/* The channel map kept with the recording, parsed once (NULL: none, every
 * channel is then unnamed EMG), and its canonical text ("L.ST,L.BF"; NULL
 * without a map). Both stay valid until the map is replaced. */
BL_API const bl_chanmap *bl_recording_chanmap(const bl_recording *rec);
BL_API const char *bl_recording_map(const bl_recording *rec);
/* Keep a copy of `map` (NULL clears it). The one place a map is checked
 * against a recording: BL_EMAP when its entry count differs from the
 * channel count, with bl_chanmap_validate's line in `why` ("channel map has
 * 3 entries but the recording has 2 channels"); the map is then unchanged.
 * BL_EINVAL (NULL rec), BL_ENOMEM. */
BL_API bl_status bl_recording_set_chanmap(bl_recording *rec, const bl_chanmap *map, char *why, size_t why_len);
/* Parse `map_text` (bl_chanmap_parse: BL_EMAP and its line in `why` when
 * it does not parse) and keep it as bl_recording_set_chanmap does; NULL
 * clears the map. On failure the map is unchanged. */
BL_API bl_status bl_recording_set_map(bl_recording *rec, const char *map_text, char *why, size_t why_len);

/* Amplifier gain of a channel (0 = unknown) and the interface full scale in
 * volts (default 1.0). Setters: BL_EINVAL for a negative/non-finite gain or
 * a full scale <= 0; BL_ESTATE once the channel (any channel, for the full
 * scale) has been converted to µV. */
BL_API double bl_recording_gain(const bl_recording *rec, size_t channel);
BL_API bl_status bl_recording_set_gain(bl_recording *rec, size_t channel, double gain);
BL_API double bl_recording_full_scale(const bl_recording *rec);
BL_API bl_status bl_recording_set_full_scale(bl_recording *rec, double volts);
/* The rule that keeps amplitudes comparable: the EMG channels (all but
 * AUX) are all calibrated (a gain, or already in µV) or none is. BL_EUNIT
 * when only some are, with `why` giving the counts and the first channel
 * without a gain; BL_EINVAL for NULL; BL_OK otherwise. */
BL_API bl_status bl_recording_check_units(const bl_recording *rec, char *why, size_t why_len);
/* Multiply channels with a known gain (> 0) into µV, except channels the
 * map marks AUX. Each channel is converted at most once, so calling it
 * again (or on a loaded file saved after conversion) changes nothing.
 * BL_EUNIT, with nothing converted, when bl_recording_check_units fails:
 * a partial conversion would mix µV and full-scale units. BL_EINVAL for
 * NULL. */
BL_API bl_status bl_recording_to_microvolts(bl_recording *rec);
/* Where a channel's samples saturate, in its own unit: 1.0 for full-scale
 * samples, full_scale_v / gain × 1e6 once converted to µV; 0 out of range.
 * And whether the channel is in µV (0 out of range). */
BL_API double bl_recording_channel_full_scale(const bl_recording *rec, size_t channel);
BL_API int bl_recording_channel_in_uv(const bl_recording *rec, size_t channel);
/* "uV" when every EMG channel is in µV, else "full scale". */
BL_API const char *bl_recording_unit(const bl_recording *rec);
/* BL_EUNIT when `rec` and `reference` are in different units (a %MVC
 * reference must share the session's unit): `why` then reads "is in full
 * scale but the session is in uV (give both files the same amplifier
 * gains)", to follow the caller's name for `rec`. BL_EINVAL for NULL. */
BL_API bl_status bl_recording_check_same_unit(const bl_recording *rec, const bl_recording *reference,
                                              char *why, size_t why_len);

/* Free-form metadata: keys are [a-z0-9_]+ (at most 32 characters), values
 * one line of UTF-8 text without control characters (at most 512 bytes;
 * FLAC requires UTF-8, and libFLAC misreads anything else). Known keys:
 * device, start_time, software, overruns, ring_overflows, truncated (set by
 * bl_recording_load, see there). The counters overruns, ring_overflows and
 * synth_seed take a whole number >= 0 (decimal digits, at most 2^64 - 1)
 * and truncated takes 0 or 1: other values are BL_EINVAL here, and a file
 * that stores one gives a warning at load and no value for the key. The
 * keys map, gain, full_scale_v, unit and meta_chunk are reserved for the
 * fields above and the file format, and markers for the markers below
 * (BL_EINVAL). A NULL value removes the key. */
BL_API const char *bl_recording_meta(const bl_recording *rec, const char *key);
BL_API bl_status bl_recording_set_meta(bl_recording *rec, const char *key, const char *value);
/* Number of extra metadata entries and their keys, for listing ("markers"
 * among them when the recording has markers: its value is their stored
 * text, read them with the functions below). */
BL_API size_t bl_recording_meta_count(const bl_recording *rec);
BL_API const char *bl_recording_meta_key(const bl_recording *rec, size_t index);

/* Markers: time-stamped labels (a capture stores one per key press: "mark"
 * for the space bar, "1" to "9" for the digits). Stored as the metadata
 * line markers=T:LABEL,... (T in seconds from the first frame, six
 * decimals; in time order), so they survive resampling and selection like
 * the other keys. A label is 1 to BL_MARKER_LABEL_MAX characters of
 * A-Z a-z 0-9 _ -. At load, entries that do not parse are left out with
 * one warning (key "markers") and the others kept; a marker past the end
 * of the recording is kept (the analyses that use markers check it). */
#define BL_MARKER_LABEL_MAX 16
typedef struct bl_marker {
    double time_s;                        /* seconds from the first frame */
    char label[BL_MARKER_LABEL_MAX + 1];
} bl_marker;
/* Number of markers (0 for NULL). */
BL_API size_t bl_recording_marker_count(const bl_recording *rec);
/* Marker `index` in time order (equal times in the order added). BL_EINVAL
 * (NULL), BL_ERANGE (no such marker); *out unchanged on failure. */
BL_API bl_status bl_recording_get_marker(const bl_recording *rec, size_t index, bl_marker *out);
/* Add a marker at time_s (>= 0, < 1e9; kept to the microsecond, as it is
 * stored). BL_EINVAL (NULL, a bad time or label), BL_ENOMEM; the
 * recording is unchanged on failure. */
BL_API bl_status bl_recording_add_marker(bl_recording *rec, double time_s, const char *label);

/* What the load found wrong with the stored metadata: one line per problem
 * (up to 32, then one line counting the rest), e.g.
 *   gain: entry 3 "abc" is not a number >= 0; channel 3 has no gain, the
 *   other gains are kept
 *   overruns: "-5" is not a count (a whole number >= 0); no value kept (invalid)
 * and the key each concerns ("gain", "overruns"; "" when the line had no
 * usable key). The library never prints: show them to the user. Set by
 * bl_recording_load and on bl_reader_info; recordings made in memory or
 * derived from others (create_like, select, resample) have none; swap
 * exchanges them. Out of range: NULL. */
BL_API size_t bl_recording_warning_count(const bl_recording *rec);
BL_API const char *bl_recording_warning(const bl_recording *rec, size_t index);
BL_API const char *bl_recording_warning_key(const bl_recording *rec, size_t index);

/* BL_ENONFINITE at the first NaN/Inf (earliest frame; on a tie the lowest
 * channel) with its channel and frame in the out-parameters, which may be
 * NULL; BL_OK otherwise. */
BL_API bl_status bl_recording_check_finite(const bl_recording *rec, size_t *channel, size_t *frame);

/* Streaming writer for captures: interleaved float frames in, written
 * through libsndfile. Metadata from `meta` (a recording used only for its
 * map, gains, full scale and meta keys; may be NULL) goes into the file;
 * bl_writer_set_meta may update values until close (for overrun counts).
 * After a failed write the file written so far stays valid once closed.
 *
 * Formats and late keys (libsndfile 1.2): metadata is written before the
 * first block (in WAV and CAF it goes into the "blmt" chunk once longer
 * than 1488 bytes, leaving the comment room for late keys). Keys set after
 * that reach the file only for WAV and CAF (a comment appended at close:
 * the whole text, at most 2000 bytes, when it was in the comment; else the
 * chunk's pointer and the keys changed since, at most 2000 bytes; a key
 * stored in the chunk cannot be removed late: BL_ESTATE); FLAC and AIFF
 * cannot store them, so bl_writer_set_meta returns BL_ESTATE there once
 * audio has been written (capture to WAV when the counts must be kept).
 * After a failed write late keys are not stored either (BL_ESTATE):
 * rewriting the metadata then could lose the map. W64: no metadata at all
 * (BL_ESTATE).
 * The WAV/AIFF/CAF header is updated after every block, so a capture cut
 * by a crash still opens with what was written. The writer does file I/O:
 * call it from a writer thread, never from the audio callback.
 * `meta` (may be NULL) gives the map, gains, full scale, keys and units
 * (samples in µV only in float32, as bl_recording_save).
 * Errors: open as bl_recording_save, plus BL_EINVAL when `meta` has a
 * different channel count, or channels in µV for an integer format; write: BL_EIO with the libsndfile reason (e.g.
 * "File too large", "No space left on device"), after which every further
 * write returns BL_EIO; set_meta: BL_EINVAL (bad key/value, as
 * bl_recording_set_meta), BL_ERANGE (metadata would exceed
 * BL_RECORDING_META_MAX, or a late comment its 2000 bytes; old value
 * kept), BL_ESTATE. */
typedef struct bl_writer bl_writer;
BL_API bl_status bl_writer_open(const char *path, size_t channels, double rate_hz, bl_sample_format format,
                                const bl_recording *meta, bl_writer **out, char *why, size_t why_len);
BL_API bl_status bl_writer_write(bl_writer *w, const float *interleaved, size_t frames, char *why, size_t why_len);
BL_API bl_status bl_writer_set_meta(bl_writer *w, const char *key, const char *value);
/* A marker (see bl_recording_add_marker) added to the file's metadata: a
 * late key like the counts, so the same formats and limits apply (WAV and
 * CAF after the first block, within the 2000-byte comment: BL_ERANGE when
 * it would not fit, the markers stored so far kept). BL_EINVAL for a bad
 * time or label. */
BL_API bl_status bl_writer_add_marker(bl_writer *w, double time_s, const char *label);
BL_API size_t bl_writer_frames(const bl_writer *w);
/* Finishes the header and closes; BL_EIO if that fails. w is freed always;
 * NULL is a no-op (BL_OK). */
BL_API bl_status bl_writer_close(bl_writer *w, char *why, size_t why_len);

/* Streaming reader: any file libsndfile reads, block by block, with the
 * checks of bl_recording_load (which is built on it). The file is opened
 * once, so FIFOs and pipes work.
 * EDF/EDF+ and BDF/BDF+ (a regular file whose first bytes are an EDF or
 * BDF header; edflib must seek, so not from a pipe): every signal must
 * have one sample rate (else BL_EFORMAT naming two that differ);
 * discontinuous EDF+D is BL_EFORMAT. A signal whose physical dimension is
 * a voltage (nV, uV, mV, V) reads as full-scale samples (physical value
 * over max(|physical min|, |physical max|)) with the gain that makes
 * them µV at a full scale of 1 V, as a calibrated capture; any other
 * dimension keeps its physical values, without a gain. Labels naming one
 * of our muscles (code or name) and at most one side ("L.ST", "EMG ST
 * left", "st_r", "L biceps femoris") make the map (others unnamed EMG, or AUX when the dimension is no
 * voltage, with one warning naming them; no map when none does); the
 * labels and dimensions are the keys edf_labels and edf_units;
 * annotations are markers (the text made a label: characters a label
 * cannot hold become '_', cut to BL_MARKER_LABEL_MAX; the first 4096).
 * The format name is "EDF+ 16-bit", "BDF 24-bit", ...
 * open: BL_EIO (cannot open), BL_EFORMAT (not audio, a header with no
 * channels or rate, a WAV whose data chunk declares more bytes than the
 * file holds), BL_ENOMEM, BL_EINVAL (NULL); `why` gets one line; *out NULL
 * on failure.
 * info: what the file says about itself (channels, rate, map, gains, full
 * scale, units, keys, format name, and the warnings about its metadata:
 * bl_recording_warning) as a recording with no frames, owned by the reader
 * and valid until close. Metadata in the "blmt" chunk is not read from a
 * pipe or FIFO (libsndfile would have to seek): a warning then says it is
 * missing. At the end of a stream of unknown
 * length cut by a decoding error its key truncated=1 is set.
 * declared_frames: the length the header declares, 0 when unknown.
 * read: up to max_frames interleaved float frames (integers map to
 * [-1, 1), float files keep their values) into `interleaved`;
 * *frames_read is 0 at the end. BL_EFORMAT when the file ends before the
 * length its header declares or fails to decode (both counts in `why`),
 * after which reads return 0 frames. No allocation, except storing
 * truncated=1 at the end of a cut stream (BL_ENOMEM when that fails).
 * close: NULL is a no-op. */
typedef struct bl_reader bl_reader;
BL_API bl_status bl_reader_open(const char *path, bl_reader **out, char *why, size_t why_len);
BL_API const bl_recording *bl_reader_info(const bl_reader *r);
BL_API size_t bl_reader_declared_frames(const bl_reader *r);
BL_API size_t bl_reader_frames_read(const bl_reader *r);
BL_API bl_status bl_reader_read(bl_reader *r, float *interleaved, size_t max_frames, size_t *frames_read, char *why,
                                size_t why_len);
BL_API void bl_reader_close(bl_reader *r);

#ifdef __cplusplus
}
#endif
#endif
