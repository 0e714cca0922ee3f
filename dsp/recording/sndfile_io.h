/* Private to the recording layer: the libsndfile side of file I/O
 * (sndfile_io.c). The only header of the library that includes sndfile.h. */
#ifndef BLI_SNDFILE_IO_H
#define BLI_SNDFILE_IO_H

#include <sndfile.h>

#include "backline/recording.h"

/* Frames per libsndfile call while loading, saving and copying. */
#define BLI_IO_CHUNK_FRAMES 4096

/* "WAV", "FLAC", ...; "PCM 16-bit", "float32", ... */
const char *bli_sf_major_name(int major);
const char *bli_sf_sub_name(int sub);
/* Path extension + sample format to a libsndfile format, with the reasons
 * we refuse (unknown extension, FLAC float). */
bl_status bli_sf_choose_format(const char *path, bl_sample_format f, int *sf_format, char *why,
                               size_t why_len);
/* libsndfile stores integer sample rates only. */
int bli_integral_rate(double rate_hz);
/* Whether the container keeps string metadata at all (W64 does not), and
 * whether strings set after the audio are written correctly (WAV, CAF). */
int bli_sf_supports_strings(int major);
int bli_sf_late_strings_ok(int major);
/* WAV only, on an open regular file: does the data chunk declare more
 * bytes than the file holds? 1 and the counts when truncated; 0 otherwise
 * (including anything we cannot parse, and pipes). Reads with pread, so
 * the descriptor's position is untouched. */
int bli_wav_truncated(int fd, unsigned long long *declared, unsigned long long *present);
/* WAV only, on an open regular file: is the data interleaved little-endian
 * samples of `channels` channels on a little-endian host, float32 or
 * 16/24-bit PCM, which we can turn into exactly what sf_readf_float
 * returns (normalised) without libsndfile? The kind and the offset of the
 * data's first byte when it is; BLI_WAV_RAW_NONE otherwise. Reads with
 * pread. */
typedef enum bli_wav_raw { BLI_WAV_RAW_NONE = 0, BLI_WAV_RAW_FLOAT32, BLI_WAV_RAW_PCM16, BLI_WAV_RAW_PCM24 } bli_wav_raw;
bli_wav_raw bli_wav_raw_data(int fd, size_t channels, unsigned long long *offset);
/* Bytes per sample of a raw kind (0 for NONE). */
size_t bli_wav_raw_bytes(bli_wav_raw kind);
/* n samples of a raw kind to floats, as sf_readf_float with normalisation
 * makes them (integers / 2^(bits-1), exactly). */
void bli_wav_raw_to_float(bli_wav_raw kind, const unsigned char *in, float *out, size_t n);
/* `bytes` at `at` of fd, whatever pread's short reads and EINTR; -1 on an
 * error or a file that ends first. */
int bli_pread_all(int fd, void *buf, size_t bytes, long long at);

/* meta_io.c: where the metadata text goes in a file, and reading it back. */
struct bli_meta_plan {
    char *comment;    /* the file's comment; NULL: none */
    char *chunk;      /* our chunk's text; NULL: none */
    size_t chunk_len;
};
/* What to store for `rec` in a file of major format `major`: text up to
 * `comment_max` bytes (at most BLI_META_COMMENT_MAX) in the comment, longer
 * text in our chunk where the format has chunks (the comment then points to
 * it), else in the comment. Nothing for W64. BL_ERANGE (with the sizes in
 * `why`) over BL_RECORDING_META_MAX; BL_ENOMEM. */
bl_status bli_meta_plan_make(const bl_recording *rec, const char *path, int major, size_t comment_max,
                             struct bli_meta_plan *plan, char *why, size_t why_len);
/* Hand the plan to libsndfile (before the audio); keep it until sf_close.
 * BL_EIO with libsndfile's reason. */
bl_status bli_meta_plan_store(SNDFILE *sf, struct bli_meta_plan *plan, const char *path, char *why,
                              size_t why_len);
void bli_meta_plan_free(struct bli_meta_plan *plan);
/* Read our chunk (regular files only) and the comment of an open file and
 * apply them to `info` (bli_meta_apply), with warnings. BL_ENOMEM only. */
bl_status bli_meta_read(SNDFILE *sf, int fd, bl_recording *info);
/* Create `path` for writing (clipping on, no PEAK chunk). */
bl_status bli_sf_open_write(const char *path, int sf_format, size_t channels, double rate_hz,
                            SNDFILE **out, char *why, size_t why_len);

#endif
