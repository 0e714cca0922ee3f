#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conditioning_args.h"
#include "tool.h"

bl_output_kind bl_output_kind_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot) return BL_OUTPUT_OTHER;
    if (!strcasecmp(dot, ".csv")) return BL_OUTPUT_CSV;
    if (!strcasecmp(dot, ".wav")) return BL_OUTPUT_WAV;
    if (!strcasecmp(dot, ".json")) return BL_OUTPUT_JSON;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm")) return BL_OUTPUT_HTML;
    return BL_OUTPUT_OTHER;
}

int bl_emg_view_init(bl_emg_view *v, const bl_recording *rec, const bl_chanmap *map)
{
    memset(v, 0, sizeof *v);
    size_t channels = bl_recording_channels(rec);
    v->rec = rec;
    v->index = malloc(channels * sizeof *v->index);
    v->name = malloc(channels * sizeof *v->name);
    if (!v->index || !v->name) {
        bl_emg_view_free(v);
        return -1;
    }
    for (size_t c = 0; c < channels; c++) {
        if (map && bl_chanmap_muscle(map, c) == BL_MUSCLE_AUX) continue;
        if (map) bl_chanmap_entry_name(map, c, v->name[v->count], sizeof v->name[0]);
        else snprintf(v->name[v->count], sizeof v->name[0], "ch%zu", c + 1);
        v->index[v->count++] = c;
    }
    if (v->count == 0) {
        bl_emg_view_free(v);
        return -1;
    }
    return 0;
}

void bl_emg_view_free(bl_emg_view *v)
{
    free(v->index);
    free(v->name);
    memset(v, 0, sizeof *v);
}

/* Seven significant digits: all a float carries, so a CSV reloads to the
 * same envelope. */
static size_t format_g7(char *p, float value)
{
    return (size_t)snprintf(p, 32, "%.7g", (double)value);
}

int bl_write_csv(const char *path, const bl_emg_view *v)
{
    FILE *f = fopen(path, "w");
    if (!f) return bl_tool_error("-o %s: cannot create: %s", path, strerror(errno));
    static char buf[1 << 16];
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    fputs("time_s", f);
    for (size_t k = 0; k < v->count; k++) fprintf(f, ",%s", v->name[k]);
    fputc('\n', f);
    double rate = bl_recording_rate(v->rec);
    size_t frames = bl_recording_frames(v->rec);
    const float **ch = malloc(v->count * sizeof *ch);
    if (!ch) {
        fclose(f);
        return bl_tool_error("out of memory");
    }
    for (size_t k = 0; k < v->count; k++) ch[k] = bl_recording_cdata(v->rec, v->index[k]);
    int failed = 0;
    for (size_t i = 0; i < frames && !failed; i++) {
        size_t n = (size_t)snprintf(buf, 32, "%.6f", (double)i / rate);
        for (size_t k = 0; k < v->count; k++) {
            buf[n++] = ',';
            n += format_g7(buf + n, ch[k][i]);
        }
        buf[n++] = '\n';
        failed = fwrite(buf, 1, n, f) != n;
    }
    free(ch);
    int err = ferror(f) ? errno : 0;
    if (fclose(f) != 0 && !err) err = errno;
    if (failed || err)
        return bl_tool_error("-o %s: write failed: %s", path, strerror(err ? err : EIO));
    return 0;
}

int bl_write_wav(const char *path, const bl_emg_view *v)
{
    size_t frames = bl_recording_frames(v->rec);
    bl_recording *out = NULL;
    if (bl_recording_create(v->count, frames, bl_recording_rate(v->rec), &out) != BL_OK)
        return bl_tool_error("out of memory");
    char map[4096] = "";
    for (size_t k = 0; k < v->count; k++) {
        memcpy(bl_recording_data(out, k), bl_recording_cdata(v->rec, v->index[k]), frames * sizeof(float));
        size_t used = strlen(map);
        snprintf(map + used, sizeof map - used, "%s%s", k ? "," : "", v->name[k]);
    }
    bl_recording_set_map(out, map);
    bl_recording_set_meta(out, "content", "linear envelope");
    bl_recording_set_meta(out, "unit", bl_recording_unit(v->rec));
    char why[512] = "";
    bl_status st = bl_recording_save(out, path, BL_FORMAT_FLOAT32, why, sizeof why);
    bl_recording_destroy(out);
    if (st != BL_OK) return bl_tool_error("-o %s: %s", path, why[0] ? why : bl_strerror(st));
    return 0;
}

void bl_print_envelope_summary(FILE *out, const char *in_path, const char *out_path, const bl_emg_view *v,
                               const bl_envelope_config *cfg, const bl_condition_report *rep)
{
    const char *unit = bl_recording_unit(v->rec);
    const char *u = strcmp(unit, "uV") == 0 ? "uV" : "FS";
    size_t frames = bl_recording_frames(v->rec);
    double rate = bl_recording_rate(v->rec);
    fprintf(out, "envelope of %s: %zu channels, %.3f s at %g Hz -> %s\n", in_path, v->count,
            (double)frames / rate, rate, out_path);
    bl_print_conditioning(out, "  ", cfg, rep, unit, 1);
    fprintf(out, "\n  %-8s %12s %12s %10s\n", "channel", "mean", "peak", "peak at");
    for (size_t k = 0; k < v->count; k++) {
        const float *x = bl_recording_cdata(v->rec, v->index[k]);
        double sum = 0;
        size_t at = 0;
        for (size_t i = 0; i < frames; i++) {
            sum += x[i];
            if (x[i] > x[at]) at = i;
        }
        fprintf(out, "  %-8s %9.3g %-2s %9.3g %-2s %8.2f s\n", v->name[k], sum / (double)frames, u,
                (double)x[at], u, (double)at / rate);
    }
    if (strcmp(u, "FS") == 0) fprintf(out, "  (FS = full-scale units: the file carries no amplifier gain)\n");
}
