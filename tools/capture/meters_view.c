/* Live meters, the view: one status line, a labelled scale, a bar per
 * channel on that fixed scale, the medial:lateral hamstring balance per
 * side, and the last repetition's torque-chain verdict (reps.c).
 *
 * Scale: with references (--mvc, --reference) 0-100 %MVC, the library's
 * normalisation (bl_mvc_apply_channel), values above the scale filling the
 * bar with a '>' at its end; without, 0 to --scale uV (500) when the gains
 * give uV, else 0-10 % of full scale. A channel that delivered a NaN in the
 * last second shows "NaN", one whose samples have not changed for 0.5 s
 * "flat" (a dead input reads as exactly constant), never 0 uV.
 *
 * Balance: bl_hamstring_balance_of on the %MVC levels, as hinge does,
 * shown only while the side's hamstrings are active: the mean of its
 * medial and lateral levels at or above hinge's min_activity_pct (5 %MVC,
 * the level below which hinge calls a repetition's hamstrings too quiet
 * for a verdict). --target internal|external draws the band beyond hinge's
 * verdict_margin (0.1) on that side. Without references there is no
 * balance (unnormalised levels would compare gains, not muscles).
 *
 * Layout: every line is cut to the terminal's width - 1 (80 columns: the
 * bars are 40 wide; narrower terminals get shorter bars); when the rows do
 * not hold every channel the last ones give way to a "+N more" line. */
#define _POSIX_C_SOURCE 200809L
#include "meters_internal.h"

#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backline/balance.h"
#include "backline/hinge.h"
#include "backline/normalise.h"

#define CAP_CLIP_HOLD_S 1.0 /* how long CLIP stays up after the last clipped sample */
#define CAP_NAN_HOLD_S 1.0  /* ... and NaN after the last non-finite sample */
#define CAP_FLAT_S 0.5      /* unchanged this long: flat */
#define CAP_BAR_MAX 40
#define CAP_BAR_AT 13       /* column where the bars start */
#define CAP_BALANCE_BAR 21
#define CAP_LINE_MAX 512

/* What one render shows of a channel. */
typedef struct view_channel {
    double value;   /* in the channel's unit (uV or full scale) */
    double pct;     /* %MVC, NAN without a reference */
    int nan, flat, clipping;
} view_channel;

typedef struct view {
    FILE *out;
    size_t cols, lines;
} view;

/* One line, cut to the width, cleared to its end. */
static void put_line(view *v, const char *text)
{
    size_t n = strlen(text), max = v->cols > 1 ? v->cols - 1 : 0;
    fprintf(v->out, "%.*s\033[K\n", (int)(n < max ? n : max), text);
    v->lines++;
}

static void terminal_size(FILE *out, size_t *cols, size_t *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

/* The bars' unit: 2 %MVC, 1 uV, 0 % of full scale; and the full scale. */
static int bar_unit(const cap_meters *m, double *full)
{
    int all_uv = 1;
    for (size_t c = 0; c < m->channels; c++) all_uv &= m->in_uv[c];
    if (m->mvc) *full = 100.0;
    else if (all_uv) *full = m->scale_uv;
    else *full = 10.0;
    return m->mvc ? 2 : all_uv ? 1 : 0;
}

static void scale_line(view *v, const cap_meters *m, size_t bw)
{
    double full;
    int unit = bar_unit(m, &full);
    char line[CAP_LINE_MAX];
    memset(line, ' ', sizeof line);
    int n = snprintf(line, sizeof line, " scale %s", unit == 2 ? "%MVC" : unit == 1 ? "uV" : "%FS");
    line[n] = ' ';
    size_t end = CAP_BAR_AT;
    for (int k = 0; k <= 4 && bw >= 8; k++) {
        char num[16];
        int len = snprintf(num, sizeof num, "%g", full * k / 4);
        /* Under the ticks (channel_line), the last ending with the bar. */
        size_t at = CAP_BAR_AT + (k < 4 ? (size_t)k * bw / 4 : bw - (size_t)len);
        if (at < end || at + (size_t)len >= sizeof line - 1) continue;
        memcpy(line + at, num, (size_t)len);
        end = at + (size_t)len + 1;
    }
    line[end < sizeof line ? end : sizeof line - 1] = '\0';
    put_line(v, line);
}

static void channel_line(view *v, const cap_meters *m, size_t c, const view_channel *vc, size_t bw)
{
    double full;
    int unit = bar_unit(m, &full);
    char bar[CAP_BAR_MAX + 1], value[32];
    double x = unit == 2 ? vc->pct : unit == 1 ? vc->value : 100.0 * vc->value;
    int drawable = !vc->nan && !vc->flat && isfinite(x);
    size_t fill = drawable ? (size_t)fmin((double)bw, fmax(0.0, floor(x / full * (double)bw + 0.5))) : 0;
    for (size_t i = 0; i < bw; i++) {
        int tick = i > 0 && (i == bw / 4 || i == bw / 2 || i == 3 * bw / 4);
        bar[i] = i < fill ? '#' : tick ? ':' : '.';
        if (!drawable) bar[i] = ' ';
    }
    if (drawable && x > full && bw) bar[bw - 1] = '>';
    bar[bw] = '\0';
    if (vc->nan) snprintf(value, sizeof value, "%11s", "NaN");
    else if (vc->flat) snprintf(value, sizeof value, "%11s", "flat");
    else if (!isfinite(vc->value)) snprintf(value, sizeof value, "%11s", "--"); /* no level yet */
    else if (unit == 2 && isfinite(vc->pct)) snprintf(value, sizeof value, "%6.1f %%MVC", vc->pct);
    else if (m->in_uv[c]) snprintf(value, sizeof value, "%8.1f uV", vc->value);
    else snprintf(value, sizeof value, "%7.2f %%FS", 100.0 * vc->value);
    const char *flag = vc->clipping ? " CLIP" : unit == 2 && !isfinite(vc->pct) && !vc->nan && !vc->flat ? " noref" : "";
    char line[CAP_LINE_MAX];
    if (bw) snprintf(line, sizeof line, " %-10s [%s] %s%s", m->label[c], bar, value, flag);
    else snprintf(line, sizeof line, " %-10s %s%s", m->label[c], value, flag);
    put_line(v, line);
}

/* The sides whose map has medial and lateral hamstrings. */
static size_t balance_sides(const cap_meters *m, int sides[3])
{
    static const int all[3] = {BL_SIDE_LEFT, BL_SIDE_RIGHT, BL_SIDE_NONE};
    size_t n = 0;
    double zero[BL_CHANMAP_MAX_ENTRIES] = {0};
    for (size_t s = 0; m->map && m->channels <= BL_CHANMAP_MAX_ENTRIES && s < 3; s++) {
        bl_hamstring_balance hb;
        if (bl_hamstring_balance_of(m->map, zero, NULL, all[s], &hb) == BL_OK && hb.n_medial && hb.n_lateral)
            sides[n++] = all[s];
    }
    return n;
}

static void balance_line(view *v, const cap_meters *m, int side, const double *pct, const unsigned char *use)
{
    const char *name = side == BL_SIDE_LEFT ? "L " : side == BL_SIDE_RIGHT ? "R " : "";
    char line[CAP_LINE_MAX];
    bl_hinge_config hc;
    bl_hinge_config_default(&hc);
    bl_hamstring_balance hb;
    if (!m->mvc) {
        snprintf(line, sizeof line, " hamstrings %sM:L balance: needs --mvc or --reference (%%MVC)", name);
    } else if (bl_hamstring_balance_of(m->map, pct, use, side, &hb) != BL_OK || !hb.n_medial || !hb.n_lateral ||
               !isfinite(hb.balance)) {
        snprintf(line, sizeof line, " hamstrings %sM:L balance: no usable medial and lateral levels", name);
    } else if (!((hb.medial + hb.lateral) / 2 >= hc.min_activity_pct)) {
        snprintf(line, sizeof line, " hamstrings %sat rest (below %g %%MVC)", name, hc.min_activity_pct);
    } else {
        char bar[CAP_BALANCE_BAR + 1];
        int w = CAP_BALANCE_BAR, mid = w / 2;
        int at = (int)lround((hb.balance + 1.0) / 2.0 * (w - 1));
        int in_band = m->target > 0 ? hb.balance >= hc.verdict_margin : hb.balance <= -hc.verdict_margin;
        for (int i = 0; i < w; i++) {
            double b = 2.0 * i / (w - 1) - 1.0;
            int band = m->target > 0 ? b >= hc.verdict_margin : m->target < 0 && b <= -hc.verdict_margin;
            bar[i] = i == at ? '*' : i == mid ? '|' : band ? '=' : '.';
        }
        bar[w] = '\0';
        snprintf(line, sizeof line, " hamstrings %sM:L %+.2f [lat %s med]%s", name, hb.balance, bar,
                 !m->target ? "" : in_band ? " on target" : " off target");
    }
    put_line(v, line);
}

static void status_line(view *v, int mains, double elapsed_s, uint64_t overruns, uint64_t ring_overflows)
{
    int minutes = (int)(elapsed_s / 60.0);
    char hum[32], line[CAP_LINE_MAX];
    if (mains > 0) snprintf(hum, sizeof hum, "mains %d Hz notched", mains);
    else snprintf(hum, sizeof hum, "%s", mains < 0 ? "detecting mains" : "no mains notch");
    int n = snprintf(line, sizeof line, " recording %02d:%04.1f  overruns %llu  ring overflows %llu  %s", minutes,
                     elapsed_s - 60.0 * minutes, (unsigned long long)overruns, (unsigned long long)ring_overflows, hum);
    if (n > 0 && (size_t)n + 14 < v->cols) snprintf(line + n, sizeof line - (size_t)n, "  Ctrl-C stops");
    put_line(v, line);
}

/* What the snapshot says of every channel; the %MVC levels and whether
 * each may enter a balance. */
static void read_channels(cap_meters *m, view_channel *vc, double *pct, unsigned char *use, int *mains,
                          int *have_env, char *verdict)
{
    pthread_mutex_lock(&m->lock);
    uint64_t now = m->frames;
    for (size_t c = 0; c < m->channels; c++) {
        vc[c].value = m->level[c] * m->per_fs[c];
        vc[c].clipping = m->last_clip[c] && (double)(now - (m->last_clip[c] - 1)) < CAP_CLIP_HOLD_S * m->rate_hz;
        vc[c].nan = m->last_nan[c] && (double)(now - (m->last_nan[c] - 1)) < CAP_NAN_HOLD_S * m->rate_hz;
        vc[c].flat = !vc[c].nan && (double)(now - m->last_change[c]) >= CAP_FLAT_S * m->rate_hz;
    }
    *mains = m->mains;
    *have_env = m->have_env && m->env;
    memcpy(verdict, m->verdict, sizeof m->verdict);
    pthread_mutex_unlock(&m->lock);
    for (size_t c = 0; c < m->channels; c++) {
        float x = (float)vc[c].value, y;
        vc[c].pct = m->mvc && bl_mvc_apply_channel(m->mvc, c, &x, &y, 1) == BL_OK ? y : NAN;
        if (!*have_env) vc[c].value = vc[c].pct = NAN;
        pct[c] = vc[c].pct;
        use[c] = !vc[c].nan && !vc[c].flat && isfinite(vc[c].pct);
    }
}

void cap_meters_render(cap_meters *m, FILE *out, double elapsed_s, uint64_t overruns, uint64_t ring_overflows,
                       const char *note)
{
    size_t ch = m->channels, cols, rows;
    terminal_size(out, &cols, &rows);
    view_channel vc[BL_CHANMAP_MAX_ENTRIES];
    double pct[BL_CHANMAP_MAX_ENTRIES];
    unsigned char use[BL_CHANMAP_MAX_ENTRIES];
    size_t known = ch < BL_CHANMAP_MAX_ENTRIES ? ch : BL_CHANMAP_MAX_ENTRIES;
    int mains, have_env, sides[3];
    char verdict[sizeof m->verdict];
    read_channels(m, vc, pct, use, &mains, &have_env, verdict);
    size_t n_sides = have_env ? balance_sides(m, sides) : 0;

    /* Rows: the last stays free for the cursor; the status line, the note,
     * the scale, the balance and the verdict first, then the channels. */
    size_t fixed = 1 + (note && *note) + 1 + n_sides + (verdict[0] != '\0');
    size_t room = rows > fixed + 1 ? rows - 1 - fixed : 0, shown = known;
    if (shown > room) shown = room > 0 ? room - 1 : 0;
    size_t bw = cols > CAP_BAR_AT + 19 ? cols - CAP_BAR_AT - 19 : 0;
    if (bw > CAP_BAR_MAX) bw = CAP_BAR_MAX;
    if (bw < 5) bw = 0;

    view v = {out, cols, 0};
    if (m->lines_drawn) fprintf(out, "\033[%zuA", m->lines_drawn);
    fputc('\r', out);
    status_line(&v, mains, elapsed_s, overruns, ring_overflows);
    if (note && *note) {
        char line[CAP_LINE_MAX];
        snprintf(line, sizeof line, " %s", note);
        put_line(&v, line);
    }
    if (rows > 3) scale_line(&v, m, bw);
    for (size_t c = 0; c < shown; c++) channel_line(&v, m, c, &vc[c], bw);
    if (shown < ch && rows > 3) {
        char line[64];
        snprintf(line, sizeof line, " +%zu more channel%s", ch - shown, ch - shown == 1 ? "" : "s");
        put_line(&v, line);
    }
    for (size_t s = 0; s < n_sides; s++) balance_line(&v, m, sides[s], pct, use);
    /* The last repetition's verdict (reps.c), with the set's tally. */
    if (verdict[0]) {
        char line[CAP_LINE_MAX];
        snprintf(line, sizeof line, " %s", verdict);
        put_line(&v, line);
    }
    fputs("\033[J", out); /* whatever an earlier, longer view left below */
    fflush(out);
    m->lines_drawn = v.lines;
}
