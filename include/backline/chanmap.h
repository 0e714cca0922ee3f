/* Channel maps: which input channel carries which muscle.
 *
 * Text form: a comma-separated list of `SIDE.CODE` entries, e.g.
 * "L.ST,L.BF,L.GMAX,L.ES,L.EO,L.VL". SIDE is `L` or `R`, or omitted when the
 * source does not say ("ST"). CODE is one of the muscle codes (bl_muscle_codes_list) or
 * `AUX` for a non-EMG channel. Parsing is case-sensitive and strict: an
 * unknown code is an error that names the entry and lists the valid codes.
 */
#ifndef BACKLINE_CHANMAP_H
#define BACKLINE_CHANMAP_H

#include <stddef.h>
#include "backline/backline.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bl_side { BL_SIDE_NONE = 0, BL_SIDE_LEFT, BL_SIDE_RIGHT } bl_side;

typedef enum bl_muscle {
    BL_MUSCLE_ST = 0, BL_MUSCLE_SM, BL_MUSCLE_BF, BL_MUSCLE_GMAX, BL_MUSCLE_GMED,
    BL_MUSCLE_VM, BL_MUSCLE_VL, BL_MUSCLE_RF, BL_MUSCLE_ES, BL_MUSCLE_EO,
    BL_MUSCLE_IO, BL_MUSCLE_MG, BL_MUSCLE_LG, BL_MUSCLE_TFL, BL_MUSCLE_TA,
    BL_MUSCLE_PL, BL_MUSCLE_SOL, BL_MUSCLE_EMG, BL_MUSCLE_AUX,
    BL_MUSCLE_COUNT
} bl_muscle;

/* Room in per-muscle tables (bl_hinge_config.chain): larger than
 * BL_MUSCLE_COUNT will ever be, so adding a muscle code changes no
 * structure's size. */
#define BL_MUSCLE_MAX 64

/* Anatomical group of a muscle. */
typedef enum bl_group {
    BL_GROUP_MEDIAL_HAMSTRING, BL_GROUP_LATERAL_HAMSTRING, BL_GROUP_GLUTE,
    BL_GROUP_QUAD, BL_GROUP_TRUNK, BL_GROUP_CALF, BL_GROUP_OTHER, BL_GROUP_NOT_EMG
} bl_group;

/* Default torque-chain assignment in a hinge (the coaches' model: inner
 * hamstrings with the external obliques internal, the outer hamstring with
 * the lumbar erectors external); data, overridable
 * by callers that keep their own table. */
typedef enum bl_chain { BL_CHAIN_NONE = 0, BL_CHAIN_INTERNAL, BL_CHAIN_EXTERNAL } bl_chain;

/* Most entries a map may have: far beyond any EMG board (sound cards stop
 * at 64 inputs), small enough that a runaway string cannot make the parser
 * allocate much. */
#define BL_CHANMAP_MAX_ENTRIES 256

typedef struct bl_chanmap bl_chanmap;

/* Parse `text`. On failure returns BL_EMAP (BL_EINVAL for NULL arguments,
 * BL_ENOMEM), leaves *out NULL and, when `why` is not NULL, writes one line
 * naming the offending entry (1-based position and text) and what is valid. */
BL_API bl_status bl_chanmap_parse(const char *text, bl_chanmap **out, char *why, size_t why_len);
/* An independent copy. BL_EINVAL (NULL), BL_ENOMEM; *out NULL on failure. */
BL_API bl_status bl_chanmap_copy(const bl_chanmap *map, bl_chanmap **out);
/* The entries index[0..n) of `map`, in that order (an entry may repeat).
 * BL_EINVAL (NULL, n 0), BL_ERANGE (an index past the end, or n over
 * BL_CHANMAP_MAX_ENTRIES), BL_ENOMEM; *out NULL on failure. */
BL_API bl_status bl_chanmap_select(const bl_chanmap *map, const size_t *index, size_t n, bl_chanmap **out);
/* NULL: no-op. */
BL_API void bl_chanmap_destroy(bl_chanmap *map);

/* 1 when both maps have the same entries in the same order (two NULLs are
 * equal, NULL and a map are not). */
BL_API int bl_chanmap_equal(const bl_chanmap *a, const bl_chanmap *b);
/* Canonical text ("L.ST,L.BF"), valid as long as the map; "" for NULL. */
BL_API const char *bl_chanmap_text(const bl_chanmap *map);

BL_API size_t bl_chanmap_count(const bl_chanmap *map); /* 0 for NULL */
/* Out-of-range index: BL_SIDE_NONE / BL_MUSCLE_COUNT. */
BL_API bl_side bl_chanmap_side(const bl_chanmap *map, size_t index);
BL_API bl_muscle bl_chanmap_muscle(const bl_chanmap *map, size_t index);

/* Write the canonical text form ("L.ST,L.BF") into buf. BL_ERANGE when it
 * does not fit (buf then holds a truncated, terminated string). */
BL_API bl_status bl_chanmap_format(const bl_chanmap *map, char *buf, size_t buf_len);
/* Name of one entry ("L.ST", "BF") into buf. BL_EINVAL (NULL, empty buf,
 * index out of range), BL_ERANGE when it does not fit (truncated). */
BL_API bl_status bl_chanmap_get_entry_name(const bl_chanmap *map, size_t index, char *buf, size_t buf_len);

/* BL_EMAP when the map does not have exactly `channels` entries; `why`
 * then says both counts. */
BL_API bl_status bl_chanmap_validate(const bl_chanmap *map, size_t channels, char *why, size_t why_len);

/* First index >= `from` whose muscle is `m` (any side), or (size_t)-1. */
BL_API size_t bl_chanmap_find(const bl_chanmap *map, bl_muscle m, size_t from);

/* Static tables. NULL / BL_MUSCLE_COUNT for unknown input. */
BL_API const char *bl_muscle_code(bl_muscle m);        /* "ST" */
BL_API const char *bl_muscle_name(bl_muscle m);        /* "semitendinosus" */
BL_API bl_muscle bl_muscle_from_code(const char *code); /* exact match */
BL_API bl_group bl_muscle_group(bl_muscle m);
BL_API bl_chain bl_muscle_default_chain(bl_muscle m);
BL_API const char *bl_chain_name(bl_chain c);          /* "internal", "external", "none" */
/* Comma-separated list of all valid codes, for error messages and help. */
BL_API const char *bl_muscle_codes_list(void);

#ifdef __cplusplus
}
#endif
#endif
