/* Normative activation profiles of walking and running, and the variants
 * the generator makes of them (bl_synth_gait_variant).
 *
 * Each muscle's profile over the stride is a sum of smooth bursts: wrapped
 * Gaussians in the stride's event-relative phase u (%; stance stretched to
 * [0, stance_ref), swing to [stance_ref, 100)), with a centre, a width
 * (SD) and a peak level in %MVC above rest. The bursts are PLACED after
 * published gait EMG:
 *   walking  Winter (1991), The Biomechanics and Motor Control of Human
 *            Gait, 2nd ed. (normal cadence), with the timing of Perry &
 *            Burnfield (2010): hamstrings in terminal swing into loading
 *            response, gluteus maximus around touchdown, vasti in loading
 *            response, triceps surae in terminal stance, tibialis anterior
 *            at touchdown and in initial swing, erector spinae at both
 *            heel strikes;
 *   running  Novacheck (1998), Gait Posture 7:77, and Cappellini et al.
 *            (2006), J Neurophysiol 95:3426: everything around touchdown
 *            is larger and earlier, the hamstrings peak late in swing,
 *            the calf in mid-stance.
 * The LEVELS are ours: round %MVC numbers of a plausible size (walking
 * 10-50, running up to 65), as those sources normalise to the stride mean
 * or give on/off bars; the timing and the relations between muscles are
 * what the tests lean on. Running is cut into Perry's walking phases by
 * the analysis too ("pre-swing" then has no double support). Where a muscle has two bursts of about one size (the erectors at
 * both heel strikes, rectus femoris at loading and in swing), the first is
 * made the larger so that the peak, a ground truth, is one phase. */
#include <math.h>
#include <stddef.h>

#include "synth_internal.h"

typedef struct burst {
    double centre, sd, level; /* %, %, %MVC */
} burst;

#define MAX_BURSTS 3

typedef struct profile {
    int set;
    burst b[MAX_BURSTS];
} profile;

/* Walking, stance_ref 60. */
static const profile walk[BL_MUSCLE_COUNT] = {
    [BL_MUSCLE_ST] = {1, {{96, 5.5, 30}, {4, 5, 14}, {48, 6, 4}}},
    [BL_MUSCLE_SM] = {1, {{96, 5.5, 30}, {4, 5, 14}, {48, 6, 4}}},
    [BL_MUSCLE_BF] = {1, {{94, 6, 26}, {5, 5, 12}, {48, 6, 4}}},
    [BL_MUSCLE_GMAX] = {1, {{1, 5, 26}, {12, 5, 10}, {95, 3, 6}}},
    [BL_MUSCLE_GMED] = {1, {{10, 8, 28}, {95, 3, 5}}},
    [BL_MUSCLE_VM] = {1, {{8, 5.5, 32}, {97, 3, 7}}},
    [BL_MUSCLE_VL] = {1, {{8, 5.5, 32}, {97, 3, 7}}},
    [BL_MUSCLE_RF] = {1, {{6, 5, 14}, {58, 4, 10}}},
    [BL_MUSCLE_ES] = {1, {{3, 6, 20}, {53, 6, 15}}},
    [BL_MUSCLE_EO] = {1, {{3, 8, 7}, {53, 8, 5}}},
    [BL_MUSCLE_IO] = {1, {{3, 8, 7}, {53, 8, 5}}},
    [BL_MUSCLE_MG] = {1, {{42, 6.5, 48}}},
    [BL_MUSCLE_LG] = {1, {{42, 6.5, 44}}},
    [BL_MUSCLE_TFL] = {1, {{8, 7, 18}, {60, 6, 10}}},
    [BL_MUSCLE_TA] = {1, {{2, 4, 32}, {68, 7, 20}, {95, 4, 12}}},
    [BL_MUSCLE_PL] = {1, {{35, 10, 30}}},
    [BL_MUSCLE_SOL] = {1, {{38, 9, 45}}},
};

/* Running, stance_ref 40. */
static const profile run[BL_MUSCLE_COUNT] = {
    [BL_MUSCLE_ST] = {1, {{90, 5.5, 50}, {4, 5, 22}}},
    [BL_MUSCLE_SM] = {1, {{90, 5.5, 50}, {4, 5, 22}}},
    [BL_MUSCLE_BF] = {1, {{88, 6, 45}, {4, 5, 20}}},
    [BL_MUSCLE_GMAX] = {1, {{98, 6, 45}, {8, 5, 25}}},
    [BL_MUSCLE_GMED] = {1, {{5, 7, 40}}},
    [BL_MUSCLE_VM] = {1, {{96, 5, 40}, {8, 6, 50}}},
    [BL_MUSCLE_VL] = {1, {{96, 5, 40}, {8, 6, 50}}},
    [BL_MUSCLE_RF] = {1, {{6, 6, 30}, {55, 8, 16}}},
    [BL_MUSCLE_ES] = {1, {{2, 6, 32}, {52, 6, 24}}},
    [BL_MUSCLE_EO] = {1, {{2, 8, 11}, {52, 8, 8}}},
    [BL_MUSCLE_IO] = {1, {{2, 8, 11}, {52, 8, 8}}},
    [BL_MUSCLE_MG] = {1, {{18, 7, 65}}},
    [BL_MUSCLE_LG] = {1, {{18, 7, 60}}},
    [BL_MUSCLE_TFL] = {1, {{5, 7, 25}, {55, 8, 15}}},
    [BL_MUSCLE_TA] = {1, {{0, 5, 35}, {60, 12, 25}}},
    [BL_MUSCLE_PL] = {1, {{18, 8, 40}}},
    [BL_MUSCLE_SOL] = {1, {{16, 8, 60}}},
};

/* The hamstrings' extra burst in leg recovery (active-recovery, running):
 * centred in early swing, where the analysis reads initial and mid-swing. */
static const burst recovery_burst = {58, 7, 30};

double bli_synth_gait_stance_ref(bl_synth_gait_task task) { return task == BL_SYNTH_RUN ? 40.0 : 60.0; }

static double wrapped_gaussian(const burst *b, double u)
{
    double d = fmod(u - b->centre + 150.0, 100.0) - 50.0; /* in [-50, 50) */
    return exp(-0.5 * d * d / (b->sd * b->sd));
}

static int is_hamstring(bl_muscle m) { return m == BL_MUSCLE_ST || m == BL_MUSCLE_SM || m == BL_MUSCLE_BF; }
static int is_quad(bl_muscle m) { return m == BL_MUSCLE_VM || m == BL_MUSCLE_VL || m == BL_MUSCLE_RF; }

/* One burst's level and centre under the variant. */
static burst varied(bl_muscle m, bl_synth_gait_task task, bl_synth_gait_variant v, burst b)
{
    double stance_ref = bli_synth_gait_stance_ref(task);
    if (v == BL_SYNTH_GAIT_DORMANT_GLUTE) {
        if (m == BL_MUSCLE_GMAX) {
            b.level *= 0.3;
            b.centre += 3.0;
        } else if (is_hamstring(m)) {
            /* Bursts in stance (or reaching into it from touchdown) carry
             * the hip extension the glute does not. */
            b.level *= b.centre < stance_ref || b.centre > 97.0 ? 2.0 : 1.15;
        }
    } else if (v == BL_SYNTH_GAIT_QUAD_DOMINANT) {
        if (is_quad(m))
            b.level *= 1.8;
        else if (is_hamstring(m))
            b.level *= 0.55;
    }
    return b;
}

double bli_synth_gait_activation(bl_muscle m, bl_synth_gait_task task, bl_synth_gait_variant variant, double u)
{
    if ((int)m < 0 || m >= BL_MUSCLE_COUNT)
        return 0.0;
    const profile *p = task == BL_SYNTH_RUN ? &run[m] : &walk[m];
    double a = 0.0;
    for (size_t k = 0; p->set && k < MAX_BURSTS && p->b[k].sd > 0.0; k++) {
        burst b = varied(m, task, variant, p->b[k]);
        a += b.level * wrapped_gaussian(&b, u);
    }
    if (variant == BL_SYNTH_GAIT_ACTIVE_RECOVERY && is_hamstring(m))
        a += recovery_burst.level * wrapped_gaussian(&recovery_burst, u);
    return a;
}
