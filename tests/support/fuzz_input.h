/* Shared by the fuzz targets that read audio: fuzz bytes as a file that
 * bl_recording_load opens (libsndfile tells the format from the bytes, so
 * one temporary name serves WAV, FLAC, AIFF...). */
#ifndef TEST_FUZZ_INPUT_H
#define TEST_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "backline/recording.h"

/* Load data[0..size) as an audio file. *st and `why` are the library's;
 * a failure that leaves a recording or no message aborts (a broken
 * contract is a finding). NULL on failure, or when no temporary file can
 * be made (*st BL_EIO then). */
bl_recording *fuzz_load(const uint8_t *data, size_t size, bl_status *st, char *why, size_t why_len);

#endif
