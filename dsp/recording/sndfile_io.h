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
/* The metadata text for `path`, refused when over BL_RECORDING_META_MAX. */
bl_status bli_meta_for_file(const bl_recording *rec, const char *path, char **text, char *why,
                            size_t why_len);
/* Create `path` for writing (clipping on, no PEAK chunk). */
bl_status bli_sf_open_write(const char *path, int sf_format, size_t channels, double rate_hz,
                            SNDFILE **out, char *why, size_t why_len);

#endif
