/* The gait analysis's configuration, its names (tasks, normalisation
 * modes) and what a valid configuration is. */
#include <math.h>
#include <string.h>

#include "gait_internal.h"

double bli_perry_bound(int b)
{
    double lo, hi;
    if (b < 0 || b > BL_GAIT_PHASES) return NAN;
    if (b == BL_GAIT_PHASES) return bl_gait_phase_bounds((bl_gait_phase)(b - 1), &lo, &hi) == BL_OK ? hi : NAN;
    return bl_gait_phase_bounds((bl_gait_phase)b, &lo, &hi) == BL_OK ? lo : NAN;
}

void bl_gait_config_default(bl_gait_config *cfg)
{
    if (!cfg) return;
    bl_envelope_config_default(&cfg->envelope);
    bl_mvc_config_default(&cfg->mvc);
    bl_quality_config_default(&cfg->quality);
    bl_gait_cycle_config_default(&cfg->cycles);
    cfg->normalise = BL_GAIT_NORM_PHASES;
    cfg->stance_points = 60;
    cfg->swing_points = 40;
    cfg->cycle_points = 101;
    cfg->onset_fraction = 0.3;
    cfg->task = BL_GAIT_TASK_AUTO;
    cfg->run_stance_pct = 50.0;
    cfg->active_pct = 30.0;
    cfg->recovery_high_pct = 30.0;
    cfg->gh_dormant_walk = 0.6;
    cfg->gh_dormant_run = 1.0;
    cfg->qh_dominant_walk = 2.0;
    cfg->qh_dominant_run = 4.0;
    cfg->lead_before = 0.35;
    cfg->lead_after = 0.2;
    cfg->lead_rise_fraction = 0.2;
    cfg->synergy = (bl_gait_synergy_config){1, 0, 5, 1000, 1e-4, 1e-4, 1};
}

const char *bl_gait_task_name(bl_gait_task t)
{
    return t == BL_GAIT_TASK_AUTO ? "auto" : t == BL_GAIT_TASK_WALK ? "walk" : t == BL_GAIT_TASK_RUN ? "run" : "?";
}

int bl_gait_task_from_name(const char *name)
{
    if (!name) return -1;
    for (int t = BL_GAIT_TASK_AUTO; t <= BL_GAIT_TASK_RUN; t++)
        if (!strcmp(name, bl_gait_task_name((bl_gait_task)t))) return t;
    return -1;
}

const char *bl_gait_normalise_name(bl_gait_normalise m)
{
    return m == BL_GAIT_NORM_PHASES ? "phases" : m == BL_GAIT_NORM_CYCLE ? "cycle" : "?";
}

int bl_gait_normalise_from_name(const char *name)
{
    if (!name) return -1;
    if (!strcmp(name, "phases")) return BL_GAIT_NORM_PHASES;
    if (!strcmp(name, "cycle")) return BL_GAIT_NORM_CYCLE;
    return -1;
}

/* Grids up to this many points (a cycle has no more detail to show). */
#define GRID_MAX 10000

int bli_gait_config_ok(const bl_gait_config *c)
{
    if (c->normalise != BL_GAIT_NORM_PHASES && c->normalise != BL_GAIT_NORM_CYCLE) return 0;
    if (c->stance_points < 2 || c->swing_points < 2 || c->stance_points + c->swing_points > GRID_MAX) return 0;
    if (c->cycle_points < 3 || c->cycle_points > GRID_MAX) return 0;
    if (!(c->onset_fraction > 0 && c->onset_fraction < 1)) return 0;
    if ((int)c->task < BL_GAIT_TASK_AUTO || c->task > BL_GAIT_TASK_RUN) return 0;
    if (!(c->run_stance_pct > 0 && c->run_stance_pct < 100 && c->active_pct >= 0 && c->recovery_high_pct >= 0))
        return 0;
    if (!(c->gh_dormant_walk > 0 && c->gh_dormant_run > 0 && c->qh_dominant_walk > 0 && c->qh_dominant_run > 0 &&
          isfinite(c->gh_dormant_walk + c->gh_dormant_run + c->qh_dominant_walk + c->qh_dominant_run)))
        return 0;
    if (!(c->lead_before > 0 && c->lead_before < 1 && c->lead_after > 0 && c->lead_after < 1)) return 0;
    if (!(c->lead_rise_fraction > 0 && c->lead_rise_fraction < 1)) return 0;
    const bl_gait_synergy_config *y = &c->synergy;
    if (y->enabled && !(y->restarts >= 1 && y->max_iter >= 1 && y->tol >= 0 && y->mse_threshold >= 0)) return 0;
    return c->cycles.min_ratio > 0 && c->cycles.min_ratio <= 1 && c->cycles.max_ratio >= 1 &&
           isfinite(c->cycles.max_ratio);
}
