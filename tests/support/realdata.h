/* The real recordings in ../shared/data/real (or BL_REAL_DATA): each
 * NAME.wav has a sidecar NAME.json whose "channels" list is a backline map
 * and whose "scale_to_uV" (when not null) turns the file's EMG samples
 * into µV. */
#ifndef TEST_REALDATA_H
#define TEST_REALDATA_H

#include <stddef.h>

#include "backline/recording.h"

/* The sidecar's channel list as map text ("RF,BF,VM,ST,AUX") into map;
 * the number of channels, or -1 when the sidecar is missing, does not
 * parse or has no list. */
int test_sidecar_map(const char *json_path, char *map, size_t len);
/* The sidecar's scale_to_uV, or 0 when it is null or absent. */
double test_sidecar_scale_uv(const char *json_path);

/* SUBDIR/NAME.wav of the real-data folder (skips loudly, exit 77, when it
 * is missing), loaded with the sidecar's map and, when the sidecar gives
 * a scale, gains that put the EMG channels in µV (converted). Failing to
 * load a file that is present fails the test (exit 1). */
bl_recording *test_load_real(const char *subdir, const char *name);

#endif
