/* Private to the recording layer (dsp/recording/): the container's layout
 * and the helpers its files share. Nothing here reaches the public API. */
#ifndef BLI_RECORDING_INTERNAL_H
#define BLI_RECORDING_INTERNAL_H

#include <stddef.h>

#include "backline/chanmap.h"
#include "backline/recording.h"

#define BLI_META_MAGIC "backline-meta 1"
#define BLI_META_KEY_MAX 32
#define BLI_META_VALUE_MAX 512
/* Metadata up to this many bytes is stored in the file's comment, as it
 * always was (libsndfile 1.2 drops WAV comments over 2045 bytes on read);
 * longer metadata goes into our own chunk (see meta_io.c). */
#define BLI_META_COMMENT_MAX 2000
/* The chunk (WAV, AIFF, CAF) that holds longer metadata. */
#define BLI_META_CHUNK_ID "blmt"
/* Most warnings one load keeps; the rest are counted in a last line. */
#define BLI_META_WARNINGS_MAX 32

struct bli_meta_entry {
    char *key;
    char *value;
};

/* A problem found in the stored metadata: the key it concerns ("" when
 * the line had none) and one line saying what was kept. */
struct bli_warning {
    char *key;
    char *text;
};

struct bl_recording {
    size_t channels;
    size_t frames;
    size_t capacity;      /* frames allocated per channel */
    double rate_hz;
    double source_rate_hz; /* the file's rate before resampling; 0 = rate_hz */
    double *raw_clipped;   /* per channel, counted while decimating at load; NULL = not counted */
    float **ch;           /* channels arrays of capacity floats */
    double *gain;         /* per channel, 0 = unknown */
    unsigned char *in_uv; /* per channel: samples already in µV */
    double full_scale_v;
    bl_chanmap *map;      /* parsed, fits `channels`; NULL = none */
    struct bli_meta_entry *meta;
    size_t meta_count, meta_cap;
    struct bli_warning *warn; /* from loading the file; derived recordings have none */
    size_t warn_count, warn_cap;
    size_t warn_dropped;      /* beyond BLI_META_WARNINGS_MAX */
    char format_name[64];
};

/* recording.c: storage. */
/* A recording of `channels` zeroed arrays with room for `capacity` frames
 * (frames = 0); NULL when out of memory or the sizes overflow. */
bl_recording *bli_recording_alloc(size_t channels, size_t capacity, double rate_hz);
/* Room for `need` frames per channel (doubling); 0, or -1 out of memory. */
int bli_recording_grow(bl_recording *r, size_t need);
/* n interleaved frames of nch channels into the planar arrays ch[c] from
 * index pos (load.c; vectorised four channels by four frames). */
/* n interleaved frames into planar channels at pos; k (may be NULL):
 * channel c scaled by k[c] on the way, rounded as bl_recording_to_microvolts
 * rounds ((float)(x * k) in double), k[c] 0 copies it as it is. */
void bli_deinterleave(const float *buf, size_t n, size_t nch, float *const *ch, size_t pos, const double *k);
/* The factor bl_recording_to_microvolts multiplies channel c by; 0 when
 * it leaves the channel as it is (already in µV, no gain, AUX). */
double bli_recording_uv_factor(const bl_recording *rec, size_t c);
/* Give back what growing over-allocated (a failed shrink keeps more). */
void bli_recording_shrink(bl_recording *r);
/* `r` (channels as `like`) made what bl_recording_create_like(like,
 * frames, rate_hz) makes, but for its samples: its arrays are kept (grown
 * to exactly `frames` when shorter) and their contents are left for the
 * caller to overwrite. BL_EINVAL (channel counts differ), BL_ENOMEM (then
 * valid, to be destroyed or reused). */
bl_status bli_recording_reuse_like(bl_recording *r, const bl_recording *like, size_t frames, double rate_hz);
/* Everything `src` says about itself but its samples, units and rate:
 * map, gains, full scale and metadata keys. BL_ENOMEM. */
bl_status bli_recording_copy_description(bl_recording *dst, const bl_recording *src);
char *bli_strdup(const char *s);
void bli_clear_why(char *why, size_t why_len);

/* calibration.c */
int bli_recording_any_in_uv(const bl_recording *rec);

/* metadata.c: free-form keys and the text stored in files. */
/* A free-form key (not reserved) and a value (NULL: removal) that
 * bl_recording_set_meta accepts. */
int bli_meta_entry_ok(const char *key, const char *value);
int bli_meta_key_syntax_ok(const char *key); /* [a-z0-9_]+, at most BLI_META_KEY_MAX */
int bli_meta_key_reserved(const char *key);
int bli_meta_value_ok(const char *value); /* a free-form value */
/* One line of UTF-8 text without control characters, of any length (the
 * stored fields: map, gain, ...). */
int bli_meta_text_ok(const char *value);
/* Why `value` is not a valid value of the counter `key` (overruns,
 * ring_overflows, synth_seed: a whole number >= 0; truncated: 0 or 1), or
 * NULL when it is (or `key` is no counter). */
const char *bli_meta_counter_problem(const char *key, const char *value);
/* Set or (value NULL) remove a key, unchecked. BL_ENOMEM. */
bl_status bli_meta_store(bl_recording *rec, const char *key, const char *value);
/* The metadata text for a file (caller frees); NULL out of memory. */
char *bli_meta_text(const bl_recording *rec, size_t *len_out);
/* The comment that goes beside our chunk of `chunk_len` bytes:
 * "backline-meta 1\nmeta_chunk=<chunk_len>", then the keys of `now` whose
 * values differ from `base` (both may be NULL). NULL out of memory. */
char *bli_meta_update_text(const bl_recording *now, const bl_recording *base, size_t chunk_len, size_t *len_out);

/* meta_parse.c: the stored text applied to a recording, with warnings. */
struct bli_meta_sources {
    const char *chunk;   /* the text of our chunk, NULL when there is none */
    const char *comment; /* the file's comment, NULL when there is none */
    /* Why the chunk was not read ("cannot be read from a pipe"), for the
     * comment's pointer to it; NULL otherwise. */
    const char *chunk_unread;
};
/* Apply the chunk, then the comment (whose lines override the chunk's, as
 * late keys do). Text that is not ours is ignored; every line of ours that
 * cannot be used, or only in part, adds a warning (bli_warn). BL_ENOMEM
 * only. */
bl_status bli_meta_apply(bl_recording *rec, const struct bli_meta_sources *src);
/* markers.c: the stored line markers=... applied (entries that parse
 * kept in canonical form, one warning for the rest; BL_ENOMEM only), and
 * the canonical text of `text` (canonical or NULL) with one more marker
 * (caller frees; BL_EINVAL for a bad time or label or text, BL_ENOMEM). */
bl_status bli_markers_apply(bl_recording *rec, const char *value);
bl_status bli_markers_with(const char *text, double time_s, const char *label, char **out);
/* Add a warning about `key` (NULL or "" for none); BL_ENOMEM. Past
 * BLI_META_WARNINGS_MAX only counted. */
bl_status bli_warn(bl_recording *rec, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The warnings of `src` appended to `dst`'s. BL_ENOMEM. */
bl_status bli_recording_copy_warnings(bl_recording *dst, const bl_recording *src);

/* spool.c / load.c: spooling. bli_spool_append: n interleaved frames of
 * the spool's channels onto its end (BL_EIO or BL_ENOMEM, `why` naming
 * path). bli_recording_spool_load: load.c's reading and decimating with
 * the frames appended to the spool and *desc the description without
 * frames. */
bl_status bli_spool_append(bl_spool *s, const float *buf, size_t n, size_t channels, const char *path, char *why,
                           size_t why_len);
/* Before the first frame: a spool whose file `fd` (an open input at the
 * spool's rate) is a float32 WAV of `channels` reads its frames from the
 * file (a duplicate descriptor) instead of keeping them; otherwise, or
 * when the file cannot be duplicated, nothing changes. */
void bli_spool_use_file(bl_spool *s, int fd, size_t channels);
/* The descriptor a reader keeps beside libsndfile's (for pread). */
int bli_reader_fd(const bl_reader *r);
bl_status bli_recording_spool_load(const char *path, double rate_hz, bl_progress_fn progress, void *user,
                                   bl_spool *spool, bl_recording **desc, char *why, size_t why_len);
void bli_recording_free_warnings(bl_recording *rec);

#endif
