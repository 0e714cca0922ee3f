/* The SVG figures of the gait HTML report (gait_figures.c); the page that
 * holds them is gait_html.c. */
#ifndef GAIT_FIGURES_H
#define GAIT_FIGURES_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "backline/gait.h"

/* Channel c over the normalised cycle: every cycle faint, the mean and
 * its SD band, the lift-off, Perry's phases, the bursts and their onsets.
 * At most 50 cycles are drawn (evenly chosen). A channel not used gets a
 * panel that says why. */
void gait_fig_cycles(FILE *f, const bl_gait *g, size_t c);
/* The cycle axis's label, true to the time normalisation, into buf. */
const char *gait_fig_cycle_axis(const bl_gait *g, char *buf, size_t len);
/* Channel c over [t0, t1] s: its filtered signal (faint, own scale) and
 * envelope with the touchdowns (dashed), stance (shaded) and the mean
 * curve's onsets placed in each of the cycles it uses. */
void gait_fig_time(FILE *f, const bl_gait *g, size_t c, double t0, double t1);
/* Module k of one side's synergies (a "synergies" entry of the JSON
 * report): its muscle weights and its primitive over the cycle. */
void gait_fig_synergy(FILE *f, const cJSON *set, size_t k);

#endif
