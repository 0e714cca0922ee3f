/* The SVG figures of the hinge HTML report (hinge_figures.c); the page
 * that holds them is hinge_html.c. */
#ifndef HINGE_FIGURES_H
#define HINGE_FIGURES_H

#include <stddef.h>
#include <stdio.h>

#include "backline/hinge.h"

/* Channel c over [t0, t1] s: its filtered signal (faint, own µV scale),
 * its envelope (in the envelope's unit), repetitions k0..k1-1 shaded by
 * verdict with their turn and phases, and the onsets. A channel that was
 * not analysed gets a panel that says why. */
void hinge_fig_channel(FILE *f, const bl_hinge *h, size_t c, double t0, double t1, size_t k0, size_t k1);
/* Channel c's mean (bar) and peak (tick) per repetition, for repetitions
 * k0..k1-1 on the whole set's scale. */
void hinge_fig_levels(FILE *f, const bl_hinge *h, size_t c, size_t k0, size_t k1);
/* Channel c's median frequency per repetition k0..k1-1 and the set's
 * slope. */
void hinge_fig_fatigue(FILE *f, const bl_hinge *h, size_t c, size_t k0, size_t k1);
/* The torque-chain index of repetitions k0..k1-1 against the mixed band
 * of +/- margin. */
void hinge_fig_balance(FILE *f, const bl_hinge *h, size_t k0, size_t k1, double margin);

#endif
