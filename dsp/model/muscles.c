/* The muscle table: codes, names, anatomical groups and default torque
 * chains. It mirrors DESIGN.md ("Channels and muscles") and is the one
 * place they live. */
#include "backline/chanmap.h"

#include <string.h>

struct muscle_info {
    const char *code;
    const char *name;
    bl_group group;
    bl_chain chain;
};

/* Indexed by bl_muscle; order must match the enum. */
static const struct muscle_info muscles[BL_MUSCLE_COUNT] = {
    [BL_MUSCLE_ST] = {"ST", "semitendinosus", BL_GROUP_MEDIAL_HAMSTRING, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_SM] = {"SM", "semimembranosus", BL_GROUP_MEDIAL_HAMSTRING, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_BF] = {"BF", "biceps femoris (long head)", BL_GROUP_LATERAL_HAMSTRING,
                      BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_GMAX] = {"GMAX", "gluteus maximus", BL_GROUP_GLUTE, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_GMED] = {"GMED", "gluteus medius", BL_GROUP_GLUTE, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_VM] = {"VM", "vastus medialis", BL_GROUP_QUAD, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_VL] = {"VL", "vastus lateralis", BL_GROUP_QUAD, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_RF] = {"RF", "rectus femoris", BL_GROUP_QUAD, BL_CHAIN_NONE},
    [BL_MUSCLE_ES] = {"ES", "lumbar erector spinae", BL_GROUP_TRUNK, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_EO] = {"EO", "external oblique", BL_GROUP_TRUNK, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_IO] = {"IO", "internal oblique", BL_GROUP_TRUNK, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_MG] = {"MG", "medial gastrocnemius", BL_GROUP_CALF, BL_CHAIN_INTERNAL},
    [BL_MUSCLE_LG] = {"LG", "lateral gastrocnemius", BL_GROUP_CALF, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_TFL] = {"TFL", "tensor fasciae latae", BL_GROUP_OTHER, BL_CHAIN_EXTERNAL},
    [BL_MUSCLE_TA] = {"TA", "tibialis anterior", BL_GROUP_OTHER, BL_CHAIN_NONE},
    [BL_MUSCLE_PL] = {"PL", "peroneus longus", BL_GROUP_OTHER, BL_CHAIN_NONE},
    [BL_MUSCLE_SOL] = {"SOL", "soleus", BL_GROUP_OTHER, BL_CHAIN_NONE},
    [BL_MUSCLE_EMG] = {"EMG", "unnamed muscle", BL_GROUP_OTHER, BL_CHAIN_NONE},
    [BL_MUSCLE_AUX] = {"AUX", "auxiliary (not EMG)", BL_GROUP_NOT_EMG, BL_CHAIN_NONE},
};

static const char codes_list[] =
    "ST, SM, BF, GMAX, GMED, VM, VL, RF, ES, EO, IO, MG, LG, TFL, TA, PL, SOL, EMG, AUX";

const char *bl_muscle_code(bl_muscle m)
{
    if ((unsigned)m >= BL_MUSCLE_COUNT)
        return NULL;
    return muscles[m].code;
}

const char *bl_muscle_name(bl_muscle m)
{
    if ((unsigned)m >= BL_MUSCLE_COUNT)
        return NULL;
    return muscles[m].name;
}

bl_muscle bl_muscle_from_code(const char *code)
{
    if (!code)
        return BL_MUSCLE_COUNT;
    for (int i = 0; i < BL_MUSCLE_COUNT; i++)
        if (strcmp(code, muscles[i].code) == 0)
            return (bl_muscle)i;
    return BL_MUSCLE_COUNT;
}

bl_group bl_muscle_group(bl_muscle m)
{
    /* The header promises no sentinel group; an invalid muscle is "other"
     * rather than silently a hamstring (group value 0). */
    if ((unsigned)m >= BL_MUSCLE_COUNT)
        return BL_GROUP_OTHER;
    return muscles[m].group;
}

bl_chain bl_muscle_default_chain(bl_muscle m)
{
    if ((unsigned)m >= BL_MUSCLE_COUNT)
        return BL_CHAIN_NONE;
    return muscles[m].chain;
}

const char *bl_chain_name(bl_chain c)
{
    switch (c) {
    case BL_CHAIN_INTERNAL: return "internal";
    case BL_CHAIN_EXTERNAL: return "external";
    case BL_CHAIN_NONE: return "none";
    default: return NULL;
    }
}

const char *bl_muscle_codes_list(void)
{
    return codes_list;
}

