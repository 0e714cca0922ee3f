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
 * A channel not used gets a panel that says why. */
void gait_fig_cycles(FILE *f, const bl_gait *g, size_t c);
/* Channel c's envelope over [t0, t1] s with the touchdowns (dashed) and
 * stance (shaded) of the cycles it uses. */
void gait_fig_time(FILE *f, const bl_gait *g, size_t c, double t0, double t1);
/* Module k of one side's synergies (a "synergies" entry of the JSON
 * report): its muscle weights and its primitive over the cycle. */
void gait_fig_synergy(FILE *f, const cJSON *set, size_t k);

#endif
