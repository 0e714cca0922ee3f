/* Private to the recording layer: EDF/EDF+ and BDF/BDF+ files through
 * edflib (edf_io.c), the second backend of bl_reader beside libsndfile.
 * The only header of the library that knows edflib exists (edflib.h
 * itself is included by edf_io.c alone). */
#ifndef BLI_EDF_IO_H
#define BLI_EDF_IO_H

#include <stddef.h>

#include "backline/recording.h"

typedef struct bli_edf bli_edf;

/* 1 when the first bytes of the open regular file `fd` are an EDF header
 * ("0" and seven spaces) or a BDF one (0xFF "BIOSEMI"); 0 otherwise,
 * pipes included (read with pread: the position is untouched, and a FIFO
 * cannot be peeked at without losing the bytes libsndfile needs). */
int bli_edf_sniff(int fd);

/* Open `path` (already open as `fd`, which edflib reopens through
 * /proc/self/fd where it can, so it reads the same file) and describe it:
 * *info a recording without frames (channels, rate, gains that turn the
 * samples into µV, the map hinted by the labels, the labels and physical
 * units as keys edf_labels and edf_units, the annotations as markers, the
 * warnings), *frames the frames per channel. Every signal must have the
 * same sample rate. BL_EFORMAT (not a valid EDF/BDF, discontinuous
 * EDF+D, mixed rates, no signals) and BL_EIO with one line in `why`
 * naming `path`; BL_ENOMEM. */
bl_status bli_edf_open(const char *path, int fd, bli_edf **out, bl_recording **info, size_t *frames, char *why,
                       size_t why_len);
/* Up to max_frames interleaved frames, in the units of *info (µV over
 * each channel's full scale where calibrated, so its gain converts them;
 * the file's physical values elsewhere). *got 0 at the end. BL_EFORMAT
 * when the file ends before its header says, BL_ENOMEM. */
bl_status bli_edf_read(bli_edf *e, float *interleaved, size_t max_frames, size_t *got, char *why, size_t why_len);
void bli_edf_close(bli_edf *e);

/* edf_labels.c: a signal label as a channel map entry ("EMG ST left" ->
 * "L.ST"; "L.ST", "st_r", "Semitendinosus R", "Tibialis anterior L" too):
 * its words (any case, any separators) name exactly one of our muscles,
 * by code or by its name in the muscle table, and at most one side (L, R,
 * left, right), besides the word EMG, and nothing else. 1 and the entry
 * in `entry` when it does; 0 otherwise ("GM_L": GM is no code of ours, and
 * could be two muscles). */
int bli_label_to_entry(const char *label, char *entry, size_t entry_len);

#endif
