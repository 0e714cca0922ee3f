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

struct bli_meta_entry {
    char *key;
    char *value;
};

struct bl_recording {
    size_t channels;
    size_t frames;
    size_t capacity;      /* frames allocated per channel */
    double rate_hz;
    float **ch;           /* channels arrays of capacity floats */
    double *gain;         /* per channel, 0 = unknown */
    unsigned char *in_uv; /* per channel: samples already in µV */
    double full_scale_v;
    bl_chanmap *map;      /* parsed, fits `channels`; NULL = none */
    struct bli_meta_entry *meta;
    size_t meta_count, meta_cap;
    char format_name[64];
};

/* recording.c: storage. */
/* A recording of `channels` zeroed arrays with room for `capacity` frames
 * (frames = 0); NULL when out of memory or the sizes overflow. */
bl_recording *bli_recording_alloc(size_t channels, size_t capacity, double rate_hz);
/* Room for `need` frames per channel (doubling); 0, or -1 out of memory. */
int bli_recording_grow(bl_recording *r, size_t need);
/* Give back what growing over-allocated (a failed shrink keeps more). */
void bli_recording_shrink(bl_recording *r);
/* Everything `src` says about itself but its samples, units and rate:
 * map, gains, full scale and metadata keys. BL_ENOMEM. */
bl_status bli_recording_copy_description(bl_recording *dst, const bl_recording *src);
char *bli_strdup(const char *s);
void bli_clear_why(char *why, size_t why_len);

/* calibration.c */
int bli_recording_any_in_uv(const bl_recording *rec);

/* metadata.c: free-form keys and the comment text stored in files. */
int bli_meta_key_ok(const char *key);   /* [a-z0-9_]+, not reserved */
int bli_meta_value_ok(const char *value);
/* Set or (value NULL) remove a key, unchecked. BL_ENOMEM. */
bl_status bli_meta_store(bl_recording *rec, const char *key, const char *value);
/* The comment text for a file (caller frees); NULL out of memory. */
char *bli_meta_text(const bl_recording *rec, size_t *len_out);
/* Apply a stored comment: lines that are not ours or malformed are skipped
 * one by one. BL_ENOMEM only. */
bl_status bli_meta_apply(bl_recording *rec, const char *text);

#endif
