#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "doc_render.h"
#include "tool.h"

tool_output_kind tool_output_kind_of(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot) return TOOL_OUTPUT_OTHER;
    if (!strcasecmp(dot, ".csv")) return TOOL_OUTPUT_CSV;
    if (!strcasecmp(dot, ".wav")) return TOOL_OUTPUT_WAV;
    if (!strcasecmp(dot, ".json")) return TOOL_OUTPUT_JSON;
    if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm")) return TOOL_OUTPUT_HTML;
    return TOOL_OUTPUT_OTHER;
}

int tool_output_is(const char *path, tool_output_kind kind)
{
    /* Standard output ("-") carries any text output. */
    if (path && strcmp(path, "-") == 0) return kind != TOOL_OUTPUT_WAV;
    return tool_output_kind_of(path) == kind;
}

int tool_emg_view_init(tool_emg_view *v, const bl_recording *rec)
{
    const bl_chanmap *map = bl_recording_chanmap(rec);
    memset(v, 0, sizeof *v);
    size_t channels = bl_recording_channels(rec);
    v->rec = rec;
    v->index = malloc(channels * sizeof *v->index);
    v->name = malloc(channels * sizeof *v->name);
    if (!v->index || !v->name) {
        tool_emg_view_free(v);
        return -1;
    }
    for (size_t c = 0; c < channels; c++) {
        if (map && bl_chanmap_muscle(map, c) == BL_MUSCLE_AUX) continue;
        if (map) bl_chanmap_get_entry_name(map, c, v->name[v->count], sizeof v->name[0]);
        else snprintf(v->name[v->count], sizeof v->name[0], "ch%zu", c + 1);
        v->index[v->count++] = c;
    }
    if (v->count == 0) {
        tool_emg_view_free(v);
        return -1;
    }
    return 0;
}

void tool_emg_view_free(tool_emg_view *v)
{
    free(v->index);
    free(v->name);
    memset(v, 0, sizeof *v);
}

static size_t put_uint(char *p, unsigned long long v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < min_digits);
    for (int i = 0; i < n; i++) p[i] = tmp[n - 1 - i];
    return (size_t)n;
}

/* 10^k for k in [POW10_MIN, POW10_MAX]: the literals are correctly
 * rounded, as glibc's pow(10, k) is, so the digits are those printf's
 * would be, without a libm call per value. The range covers every float
 * (1.4e-45 .. 3.4e38) scaled to seven digits. */
#define POW10_MIN (-46)
#define POW10_MAX 53
static double pow10_of(int k)
{
    static const double table[] = {
        1e-46, 1e-45, 1e-44, 1e-43, 1e-42, 1e-41, 1e-40, 1e-39, 1e-38, 1e-37, 1e-36, 1e-35, 1e-34, 1e-33,
        1e-32, 1e-31, 1e-30, 1e-29, 1e-28, 1e-27, 1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20, 1e-19,
        1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,
        1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,   1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,
        1e10,  1e11,  1e12,  1e13,  1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,  1e22,  1e23,
        1e24,  1e25,  1e26,  1e27,  1e28,  1e29,  1e30,  1e31,  1e32,  1e33,  1e34,  1e35,  1e36,  1e37,
        1e38,  1e39,  1e40,  1e41,  1e42,  1e43,  1e44,  1e45,  1e46,  1e47,  1e48,  1e49,  1e50,  1e51,
        1e52,  1e53};
    return table[k - POW10_MIN];
}

/* floor(log10(v)) for a positive finite float's value, exactly: the binary
 * exponent gives it within one, the table settles it. */
static int decimal_exponent(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int b = (int)((bits >> 52) & 0x7ff) - 1023; /* denormal floats are normal doubles */
    int e = (int)((double)b * 0.30102999566398120); /* log10(2) */
    if (b < 0 && (double)e != (double)b * 0.30102999566398120) e--; /* floor for negatives */
    while (e > POW10_MIN && v < pow10_of(e)) e--;
    while (e + 1 <= POW10_MAX && v >= pow10_of(e + 1)) e++;
    return e;
}

/* Seven significant digits (all a float carries, so the CSV reloads to the
 * same envelope), like "%.7g" but without printf's cost, which dominated a
 * large CSV: fixed notation for 1e-5 <= |v| < 1e7, else d.dddddde±XX.
 * Trailing zeros are dropped. */
static size_t format_g7(char *p, float value)
{
    double v = value;
    if (!isfinite(v)) return (size_t)snprintf(p, 32, "%.7g", v);
    size_t n = 0;
    if (v < 0) {
        p[n++] = '-';
        v = -v;
    }
    if (v == 0) {
        p[n++] = '0';
        return n;
    }
    int e = decimal_exponent(v);
    /* v × 10^(6−e) is below 2^52 with a fraction: + 0.5 is exact, so the
     * truncation rounds half up as llround does for positive values. */
    unsigned long long m = (unsigned long long)(v * pow10_of(6 - e) + 0.5);
    if (m >= 10000000ull) { /* rounding carried into an eighth digit */
        m /= 10;
        e++;
    }
    char digits[8];
    put_uint(digits, m, 7);
    int last = 6;
    while (last > 0 && digits[last] == '0') last--;
    if (e >= -5 && e < 7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++) p[n++] = digits[i];
            if (last > e) {
                p[n++] = '.';
                for (int i = e + 1; i <= last; i++) p[n++] = digits[i];
            }
        } else {
            p[n++] = '0';
            p[n++] = '.';
            for (int i = 0; i < -e - 1; i++) p[n++] = '0';
            for (int i = 0; i <= last; i++) p[n++] = digits[i];
        }
    } else {
        p[n++] = digits[0];
        if (last > 0) {
            p[n++] = '.';
            for (int i = 1; i <= last; i++) p[n++] = digits[i];
        }
        p[n++] = 'e';
        p[n++] = e < 0 ? '-' : '+';
        n += put_uint(p + n, (unsigned long long)(e < 0 ? -e : e), 2);
    }
    return n;
}

/* Time of frame i in seconds with six decimals (microseconds). */
static size_t format_time(char *p, size_t i, double rate)
{
    unsigned long long us = (unsigned long long)llround((double)i * 1e6 / rate);
    size_t n = put_uint(p, us / 1000000ull, 1);
    p[n++] = '.';
    return n + put_uint(p + n, us % 1000000ull, 6);
}

/* ---- Envelopes written block by block (bl_envelope_spool's sink). */

/* Frames per WAV write: 512 kB of 8 float channels. */
#define TOOL_WAV_CHUNK 16384

int tool_block_writer_begin(tool_block_writer *w, tool_output *o, tool_output_kind kind, const bl_recording *desc)
{
    memset(w, 0, sizeof *w);
    w->o = o;
    w->kind = kind;
    if (tool_emg_view_init(&w->view, desc) != 0) return -1;
    w->view.rec = NULL; /* only names and indices: the blocks bring the samples */
    size_t n = w->view.count;
    w->sum = calloc(n, sizeof *w->sum);
    w->peak = calloc(n, sizeof *w->peak);
    w->at = calloc(n, sizeof *w->at);
    if (!w->sum || !w->peak || !w->at) {
        tool_block_writer_free(w);
        return -1;
    }
    return 0;
}

void tool_block_writer_free(tool_block_writer *w)
{
    if (w->wav) bl_writer_close(w->wav, NULL, 0); /* after a failure: the output is aborted anyway */
    w->wav = NULL;
    tool_emg_view_free(&w->view);
    free(w->sum);
    free(w->peak);
    free(w->at);
    free(w->frame_buf);
    w->sum = NULL;
    w->peak = NULL;
    w->at = NULL;
    w->frame_buf = NULL;
}

/* The first block opens the output: the WAV's description (units, map,
 * gains of the EMG channels, content=envelope) is the enveloped block's. */
static int open_output(tool_block_writer *w, const bl_recording *env)
{
    tool_output *o = w->o;
    w->rate = bl_recording_rate(env);
    snprintf(w->unit, sizeof w->unit, "%s", bl_recording_unit(env));
    if (w->kind == TOOL_OUTPUT_CSV) {
        if (!(w->csv = tool_output_open(o)))
            return tool_error("%s %s: cannot create: %s", o->option, o->path, strerror(errno));
        setvbuf(w->csv, NULL, _IOFBF, 1 << 20);
        fputs("time_s", w->csv);
        for (size_t k = 0; k < w->view.count; k++) fprintf(w->csv, ",%s", w->view.name[k]);
        fputc('\n', w->csv);
        return 0;
    }
    if (tool_output_begin(o) != 0) return tool_error("%s %s: cannot create: %s", o->option, o->path, strerror(errno));
    if (!(w->frame_buf = malloc((size_t)TOOL_WAV_CHUNK * w->view.count * sizeof *w->frame_buf))) return tool_error("out of memory");
    bl_recording *like = NULL, *desc = NULL;
    char why[512] = "";
    /* The description without the samples: a copy of the block's would
     * cost more than the header it makes. */
    bl_status st = bl_recording_create_like(env, 0, w->rate, &like);
    if (st == BL_OK) st = bl_recording_select(like, w->view.index, w->view.count, &desc);
    bl_recording_destroy(like);
    if (st == BL_OK) st = bl_recording_set_meta(desc, "content", TOOL_ENVELOPE_CONTENT);
    if (st == BL_OK)
        st = bl_writer_open(tool_output_file(o), w->view.count, w->rate, BL_FORMAT_FLOAT32, desc, &w->wav, why,
                            sizeof why);
    bl_recording_destroy(desc);
    if (st == BL_OK) return 0;
    tool_output_fix_why(o, why, sizeof why);
    return why[0] ? tool_error("%s %s", o->option, why) : tool_error("%s %s: %s", o->option, o->path, bl_strerror(st));
}

static int add_csv(tool_block_writer *w, const float *const *ch, size_t frames, size_t first_frame)
{
    static char buf[1 << 16];
    for (size_t i = 0; i < frames; i++) {
        size_t n = format_time(buf, first_frame + i, w->rate);
        for (size_t k = 0; k < w->view.count; k++) {
            buf[n++] = ',';
            n += format_g7(buf + n, ch[k][i]);
        }
        buf[n++] = '\n';
        if (fwrite(buf, 1, n, w->csv) != n) {
            w->failed = 1;
            return tool_error("%s %s: write failed: %s", w->o->option, w->o->path, strerror(errno ? errno : EIO));
        }
    }
    return 0;
}

/* The summary of one channel's block: sum in frame order (the mean), the
 * peak and where (the first of equal peaks). */
static void add_stats(tool_block_writer *w, size_t k, const float *x, size_t frames)
{
    double sum = w->sum[k];
    float peak = w->peak[k];
    size_t at = w->at[k];
    if (w->frames == 0 && frames) {
        peak = x[0];
        at = 0;
    }
    for (size_t i = 0; i < frames; i++) {
        sum += x[i];
        if (x[i] > peak) {
            peak = x[i];
            at = w->frames + i;
        }
    }
    w->sum[k] = sum;
    w->peak[k] = peak;
    w->at[k] = at;
}

typedef float tool_v4f __attribute__((vector_size(16)));
typedef int tool_v4i __attribute__((vector_size(16)));
typedef double tool_v4d __attribute__((vector_size(32)));

/* Frames [i0, i0+m) (m a multiple of 4) of channels g..g+3 into their
 * places in `out` (n floats a frame), four frames at a time, with each
 * channel's sum and running peak carried in a lane: lane k adds channel
 * k's samples in frame order and keeps its peak by the scalar rule (a
 * sample replaces it only when greater), so both are the scalar loop's
 * to the bit. */
static void interleave4(const float *const *ch, size_t g, size_t n, size_t i0, size_t m, float *out, double *sum,
                        float *peak)
{
    tool_v4d s;
    tool_v4f pk;
    memcpy(&s, sum + g, sizeof s);
    memcpy(&pk, peak + g, sizeof pk);
    for (size_t i = 0; i < m; i += 4) {
        tool_v4f r[4];
        for (size_t k = 0; k < 4; k++) memcpy(&r[k], ch[g + k] + i0 + i, sizeof r[k]);
        for (size_t j = 0; j < 4; j++) {
            tool_v4f f = {r[0][j], r[1][j], r[2][j], r[3][j]};
            memcpy(out + (i + j) * n + g, &f, sizeof f);
            s += __builtin_convertvector(f, tool_v4d);
            tool_v4i gt = f > pk;
            pk = (tool_v4f)(((tool_v4i)f & gt) | ((tool_v4i)pk & ~gt));
        }
    }
    memcpy(sum + g, &s, sizeof s);
    memcpy(peak + g, &pk, sizeof pk);
}

/* Interleaved into the frame buffer, TOOL_WAV_CHUNK frames a write, with
 * the summary taken on the way, tile by tile: channels four at a time in
 * vector lanes (interleave4), the rest and the tile's last frames one by
 * one; where a tile raised a channel's peak, its frame is the first of the
 * tile equal to the new peak (the scalar loop's last update). */
#define TOOL_TILE 1024
static int add_wav(tool_block_writer *w, const float *const *ch, size_t frames)
{
    const size_t n = w->view.count;
    for (size_t k = 0; k < n && w->frames == 0 && frames; k++) {
        w->peak[k] = ch[k][0];
        w->at[k] = 0;
    }
    float before[TOOL_BLOCK_MAX_CHANNELS];
    for (size_t pos = 0; pos < frames; pos += TOOL_WAV_CHUNK) {
        size_t m = frames - pos < TOOL_WAV_CHUNK ? frames - pos : TOOL_WAV_CHUNK;
        for (size_t t0 = 0; t0 < m; t0 += TOOL_TILE) {
            const size_t tm = m - t0 < TOOL_TILE ? m - t0 : TOOL_TILE, i0 = pos + t0, vm = n <= TOOL_BLOCK_MAX_CHANNELS ? tm & ~(size_t)3 : 0;
            const size_t lanes = vm ? n & ~(size_t)3 : 0;
            for (size_t k = 0; k < lanes; k++) before[k] = w->peak[k];
            for (size_t g = 0; g < lanes; g += 4)
                interleave4(ch, g, n, i0, vm, w->frame_buf + t0 * n, w->sum, w->peak);
            for (size_t k = 0; k < lanes; k++)
                if (w->peak[k] > before[k]) {
                    size_t i = 0;
                    while (ch[k][i0 + i] != w->peak[k]) i++;
                    w->at[k] = w->frames + i0 + i;
                }
            for (size_t i = 0; i < tm; i++) { /* the rest: channels past the lanes, frames past vm */
                float *restrict out = w->frame_buf + (t0 + i) * n;
                for (size_t k = i < vm ? lanes : 0; k < n; k++) {
                    const float v = ch[k][i0 + i];
                    out[k] = v;
                    w->sum[k] += v;
                    if (v > w->peak[k]) {
                        w->peak[k] = v;
                        w->at[k] = w->frames + i0 + i;
                    }
                }
            }
        }
        char why[512] = "";
        if (bl_writer_write(w->wav, w->frame_buf, m, why, sizeof why) != BL_OK) {
            w->failed = 1;
            tool_output_fix_why(w->o, why, sizeof why);
            return tool_error("%s %s", w->o->option, why);
        }
    }
    return 0;
}

int tool_block_writer_add(tool_block_writer *w, const bl_recording *env, size_t offset, size_t frames,
                          size_t first_frame)
{
    if (!w->csv && !w->wav && open_output(w, env) != 0) {
        w->failed = 1;
        return -1;
    }
    const float *ch[TOOL_BLOCK_MAX_CHANNELS];
    const float **p = w->view.count <= TOOL_BLOCK_MAX_CHANNELS ? ch : malloc(w->view.count * sizeof *p);
    if (!p) {
        w->failed = 1;
        return tool_error("out of memory");
    }
    for (size_t k = 0; k < w->view.count; k++) {
        p[k] = bl_recording_cdata(env, w->view.index[k]) + offset;
        if (w->kind == TOOL_OUTPUT_CSV) add_stats(w, k, p[k], frames); /* WAV: while interleaving */
    }
    int rc = w->kind == TOOL_OUTPUT_CSV ? add_csv(w, p, frames, first_frame) : add_wav(w, p, frames);
    if (p != ch) free(p);
    w->frames += frames;
    return rc;
}

int tool_block_writer_end(tool_block_writer *w)
{
    tool_output *o = w->o;
    if (w->kind == TOOL_OUTPUT_CSV) {
        int err = w->csv && ferror(w->csv) ? errno : 0;
        if (w->csv && tool_output_close(o) != 0 && !err) err = errno;
        w->csv = NULL;
        if (err) return tool_error("%s %s: write failed: %s", o->option, o->path, strerror(err));
        return 0;
    }
    char why[512] = "";
    bl_status st = bl_writer_close(w->wav, why, sizeof why);
    w->wav = NULL;
    if (st == BL_OK && tool_output_close(o) == 0) return 0;
    tool_output_fix_why(o, why, sizeof why);
    if (st == BL_OK) st = BL_EIO;
    return why[0] ? tool_error("%s %s", o->option, why) : tool_error("%s %s: %s", o->option, o->path, bl_strerror(st));
}

void tool_print_envelope_summary(FILE *out, const char *in_path, const char *out_path, const tool_block_writer *w,
                                 const bl_envelope_config *cfg, const bl_condition_report *rep)
{
    const char *unit = w->unit;
    const char *u = strcmp(unit, "uV") == 0 ? "uV" : "FS";
    size_t frames = w->frames;
    double rate = w->rate;
    fprintf(out, "envelope of %s: %zu channels, %.3f s at %g Hz -> %s\n", in_path, w->view.count,
            (double)frames / rate, rate, out_path);
    bl_doc *lines = NULL;
    if (bl_doc_create(&lines) == BL_OK && bl_condition_describe(cfg, rep, unit, 1, NULL, lines) == BL_OK)
        tool_print_summary(out, "  ", lines);
    bl_doc_destroy(lines);
    fprintf(out, "\n  %-8s %12s %12s %10s\n", "channel", "mean", "peak", "peak at");
    for (size_t k = 0; k < w->view.count; k++)
        fprintf(out, "  %-8s %9.3g %-2s %9.3g %-2s %8.2f s\n", w->view.name[k], w->sum[k] / (double)frames, u,
                (double)w->peak[k], u, (double)w->at[k] / rate);
    if (strcmp(u, "FS") == 0) fprintf(out, "  (FS = full-scale units: the file carries no amplifier gain)\n");
}

int tool_write_envelope_summary_csv(tool_output *o, const tool_block_writer *w)
{
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s %s: cannot write: %s", o->option, o->path, strerror(errno));
    fputs("channel,unit,mean,peak,peak_s\n", f);
    for (size_t k = 0; k < w->view.count; k++) {
        fprintf(f, "%s,", w->view.name[k]);
        tool_csv_text(f, w->unit);
        fputc(',', f);
        tool_csv_number(f, w->frames ? w->sum[k] / (double)w->frames : NAN);
        fputc(',', f);
        tool_csv_number(f, (double)w->peak[k]);
        fputc(',', f);
        tool_csv_number(f, (double)w->at[k] / w->rate);
        fputc('\n', f);
    }
    if (tool_output_close(o) != 0) return tool_error("%s %s: write failed (disk full?)", o->option, o->path);
    return 0;
}
