/* Private to the EMG layer (dsp/emg/): what conditioning, envelopes and
 * onsets share. */
#ifndef BLI_EMG_INTERNAL_H
#define BLI_EMG_INTERNAL_H

#include <stddef.h>

#include "backline/envelope.h"
#include "backline/filter.h"
#include "backline/onset.h"

/* The mains notches' edges are extended until they have rung down to this
 * fraction of the start (condition.c does it, condition_describe.c says so). */
#define BLI_NOTCH_RINGDOWN 0.01

/* Largest cascade we design: band-pass order <= 8 (8 sections) or mains
 * notches to 450 Hz at 50 Hz (9 sections). */
#define BLI_MAX_SECTIONS 32

/* BL_OK, or the code a bad configuration gets. */
bl_status bli_envelope_config_check(const bl_envelope_config *cfg);
/* The sample arrays of the EMG channels (every channel when there is no
 * map) into ptrs (room for every channel), their number into *count. */
void bli_emg_channels(bl_recording *rec, float **ptrs, size_t *count);
/* Zero-phase filtering of n planar channels; BL_ENODATA when they are
 * too short for the filter's edge padding. */
bl_status bli_filter_planar(const double *sos, size_t n_sections, float **ptrs, size_t n, size_t frames,
                            size_t threads);

/* Whether detection walks burst edges out to mean + backtrack_k·SD (the
 * rule onset.c runs and onset_describe.c reports). */
int bli_onset_refines_edges(const bl_onset_config *cfg);

/* The checks every conditioning entry point makes before touching the
 * samples (config, input rate against the band, finite samples, length
 * against the zero-phase padding; with_envelope: the low-pass's too). */
bl_status bli_condition_check(const bl_recording *in, const bl_envelope_config *cfg, int with_envelope);
/* Conditioning in place of a recording that passed bli_condition_check. */
bl_status bli_condition_checked(bl_recording *rec, const bl_envelope_config *cfg, bl_condition_report *report);

#endif
