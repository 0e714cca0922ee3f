/* Private to the gait analysis (dsp/gait/): the events set and the result
 * object, and the stages bl_gait_analyse (analyse.c) calls in order:
 *   events validated (events.c; made by events_csv.c, footswitch.c,
 *   knee.c) -> cycles (cycles.c) -> channels, their quality, envelopes and
 *   amplitude normalisation (channels.c) -> per channel the
 *   time-normalised curves and Perry's phase means (timenorm.c) ->
 *   ensemble metrics (metrics.c) -> the posterior-chain answers
 *   (chain.c, in words chain_say.c) -> left/right symmetry (symmetry.c) ->
 *   synergies (synergy.c on nmf.c);
 * results.c reads the object, describe.c says what was done; lines.c
 * keeps the warnings. */
#ifndef BLI_GAIT_INTERNAL_H
#define BLI_GAIT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "backline/gait.h"

#define BLI_GAIT_NAME_LEN 32
#define BLI_GAIT_WHY_LEN 256

/* A growable list of one-line messages (warnings). */
typedef struct bli_lines {
    char **line;
    size_t n;
} bli_lines;

bl_status bli_lines_add(bli_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bl_status bli_lines_vadd(bli_lines *l, const char *fmt, va_list ap);
void bli_lines_free(bli_lines *l);

/* Footswitches (or knees) whose descriptions one set keeps (merged sets:
 * one a leg). */
#define BLI_GAIT_MAX_FOOTSWITCH 4

/* What footswitch detection ran with and found (its description). */
typedef struct bli_gait_found {
    size_t channel;
    bl_gait_footswitch_config cfg;
    double low, high, on, off; /* levels and the hysteresis band's edges */
    size_t bounces;            /* contacts or swings merged away */
} bli_gait_found;

/* What knee-angle estimation ran with and found. */
typedef struct bli_gait_knee_found {
    size_t channel;
    bl_gait_knee_config cfg;
    int flipped;               /* the angle was negated: flexion positive */
    double low, high;          /* 5th and 95th percentiles, degrees */
    size_t swings;             /* swing peaks found */
} bli_gait_knee_found;

struct bl_gait_events {
    bl_gait_event *ev;
    size_t *line;           /* source line of each event (0: added through the API) */
    size_t n, cap;
    bl_gait_events_source source;
    bli_lines warn;
    int repeats_said;       /* validate has warned about repeated kinds */
    /* footswitch: what was found */
    bli_gait_found fs[BLI_GAIT_MAX_FOOTSWITCH]; /* each footswitch's detector and findings */
    size_t n_fs;
    bli_gait_knee_found knee[BLI_GAIT_MAX_FOOTSWITCH]; /* each knee's, when estimated */
    size_t n_knee;
};

/* events.c: "L", "R" or "(no side)" for messages. */
const char *bli_gait_side_label(bl_side s);
/* events.c: append with the source line (0 none). */
bl_status bli_gait_events_push(bl_gait_events *ev, double time_s, bl_side side, bl_gait_event_kind kind,
                               size_t line);

/* events.c: the arguments every AUX detector takes, and its samples
 * finite (BL_ENONFINITE naming `what` channel N, the sample and time). */
bl_status bli_gait_check_channel(const float *x, size_t n, double rate_hz, bl_side side, const char *what,
                                 size_t channel, char *why, size_t why_len);
/* events.c: a deep copy (warnings included). */
bl_status bli_gait_events_copy(const bl_gait_events *src, bl_gait_events **out);

/* Perry's bound b (0..BL_GAIT_PHASES), % of a normal cycle, from the
 * model's table (gait_phases.h); stance ends at BLI_PERRY_STANCE_PCT. */
#define BLI_PERRY_STANCE_PCT BL_GAIT_NORMAL_STANCE_PCT
double bli_perry_bound(int b);

/* One channel of the analysis and, when used, its results. */
typedef struct bli_gait_ch {
    char name[BLI_GAIT_NAME_LEN];
    bl_muscle muscle;
    bl_side side;
    int used;
    char why[BLI_GAIT_WHY_LEN];   /* why it is not used ("" when used) */
    size_t ncyc;
    size_t *cyc;                  /* indices into bl_gait.cyc */
    double *curves;               /* ncyc x points */
    double *phase_pct;            /* ncyc x points: real phase of each point */
    double *phase_means;          /* ncyc x BL_GAIT_PHASES */
    double *mean, *sd, *point_phase; /* points each */
    bl_gait_muscle mus;
    size_t n_bursts;
    double *bursts;               /* n_bursts x (onset, offset) */
} bli_gait_ch;

/* One statement of the posterior-chain answers. */
#define BLI_GAIT_TEXT_LEN 600
typedef struct bli_gait_stmt {
    bl_side side;
    const char *key;
    char text[BLI_GAIT_TEXT_LEN];
    char rule[BLI_GAIT_TEXT_LEN];
} bli_gait_stmt;

/* The synergies of one side (synergy.c); arrays owned. */
typedef struct bli_gait_syn {
    bl_side side;
    size_t m, points, cycles, max_rank, rank;
    double *r2;                   /* max_rank */
    size_t *channel;              /* m */
    double *w, *h, *mean_h;       /* m x rank, rank x (cycles x points), rank x points */
} bli_gait_syn;

struct bl_gait {
    bl_gait_config cfg;
    bl_condition_report crep;
    char unit[24];                /* of the curves: "%MVC", "uV", "% of session peak" */
    char signal_unit[8];          /* of the session's samples: "uV" or "FS" */
    char unit_method[160];        /* how the amplitude was normalised, in words */
    size_t n_mvc;
    int session_peak;             /* 1: peak-normalised */
    bl_gait_events *events;       /* the validated events (their description) */
    size_t nch;
    bli_gait_ch *ch;
    bl_quality *quality;
    bl_recording *cond;           /* conditioned signals at the analysis rate (session unit) */
    bl_recording *env;            /* normalised envelopes at the analysis rate */
    size_t n_found;               /* candidate cycles */
    bl_gait_cycle *found;         /* all candidates with their states */
    size_t ncyc;                  /* kept */
    bl_gait_cycle *cyc;
    size_t points;
    double stance_points;
    bl_chanmap *map;              /* the session's, or NULL */
    double *lead_s;               /* per kept cycle: the glute lead (chain.c) */
    size_t nchains;
    bl_gait_chain *chains;
    size_t nstmt;
    bli_gait_stmt *stmt;
    size_t nsym;
    bl_gait_symmetry *sym;
    size_t nsyn;
    bli_gait_syn *syn;
    bli_lines warn;
};

bl_status bli_gait_warn(bl_gait *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bli_gait_config_ok(const bl_gait_config *c);

/* channels.c: names, muscles, sides from the map; the quality gate;
 * envelopes and amplitude normalisation into g->env. */
bl_status bli_gait_setup_channels(bl_gait *g, const bl_recording *session);
bl_status bli_gait_envelopes(bl_gait *g, const bl_recording *session, const bl_recording *const *mvc,
                             size_t n_mvc, char *why, size_t why_len);

/* timenorm.c: the grid (points, stance point) and, for one channel, each
 * of its cycles' curve, real phases of the points and phase means. */
void bli_gait_grid(bl_gait *g);
bl_status bli_gait_channel_curves(bl_gait *g, size_t c);
/* The real time (s) of Perry boundary b (0..BL_GAIT_PHASES) in cycle cy. */
double bli_gait_boundary_s(const bl_gait_cycle *cy, size_t b);

/* metrics.c: ensemble mean/SD, peak phase, CV, phase means, bursts. */
bl_status bli_gait_channel_metrics(bl_gait *g, size_t c);

/* chain.c: the posterior-chain answers of every side (g->chains,
 * g->lead_s), then their statements (chain_say.c). */
bl_status bli_gait_chains(bl_gait *g);
bl_status bli_gait_say(bl_gait *g, const bl_gait_chain *ch);
/* synergy.c: the synergies of every side (g->syn), and freeing them. */
bl_status bli_gait_synergies(bl_gait *g);
void bli_gait_synergies_free(bl_gait *g);
/* symmetry.c: the left/right comparisons (g->sym). */
bl_status bli_gait_symmetry(bl_gait *g);
/* Group membership for the answers. */
typedef enum bli_gait_group { BLI_GAIT_HAMSTRINGS = 0, BLI_GAIT_GLUTE, BLI_GAIT_QUADS } bli_gait_group;
int bli_gait_in_group(bl_muscle m, bli_gait_group grp);
/* Perry's phases combined by their widths: the stretches the answers use. */
double bli_gait_weighted(const double *phase_mean, bl_gait_phase first, bl_gait_phase last);

#endif
