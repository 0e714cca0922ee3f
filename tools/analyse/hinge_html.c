/* HTML report of `backline-analyse hinge`, in the reports' one page design
 * (html_page.h): the verdicts and warnings first, the method in the
 * library's words, a glossary, then per muscle the signal, envelope,
 * repetitions and onsets in pages of REPS_PER_PAGE repetitions, the
 * levels and median frequency per repetition, the balance per repetition,
 * the tables, and every parameter collapsed. Figures: hinge_figures.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hinge_figures.h"
#include "hinge_report.h"
#include "html_page.h"
#include "tool.h"

/* Ten repetitions (about a minute of a set) per page: a printed page of
 * panels stays legible and a 60-repetition set is six pages, not a
 * 4,000 px scroll. */
#define REPS_PER_PAGE 10
/* Rows of one balance figure: 30 fit an A4 page. */
#define BALANCE_PER_FIG 30
/* Repetitions of one levels or median-frequency figure: 60 keep a bar
 * wider than a few pixels. */
#define REPS_PER_FIG 60
/* Without repetitions the session is shown in windows of this length. */
#define WINDOW_S 60.0


typedef struct hinge_page {
    const hinge_report *r;
    const cJSON *doc;
} hinge_page;


static void summary_cards(FILE *f, const bl_hinge *h)
{
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    char v[48], b[32];
    page_cards_begin(f);
    snprintf(v, sizeof v, "%zu", s.reps);
    page_card(f, v, "repetitions", NULL);
    const size_t counts[4] = {s.internal, s.external, s.mixed, s.unknown};
    const char *names[4] = {"internal", "external", "mixed", "unknown"};
    for (int i = 0; i < 4; i++) {
        char cls[32];
        snprintf(v, sizeof v, "%zu", counts[i]);
        snprintf(cls, sizeof cls, "v-%s", names[i]);
        page_card(f, v, names[i], cls);
    }
    snprintf(v, sizeof v, "%s%s", s.mean_index > 0 ? "+" : "", page_num(b, sizeof b, s.mean_index, 2));
    page_card(f, v, "mean chain index", NULL);
    snprintf(v, sizeof v, "%s Hz", page_num(b, sizeof b, s.fatigue_slope_hz, 2));
    page_card(f, v, "median-freq. slope / rep", NULL);
    page_card(f, s.normalised_to_mvc ? "%MVC" : "session peak", "normalisation",
              s.normalised_to_mvc ? NULL : "v-external");
    page_cards_end(f);
    if (!s.reps) return;
    char note[1024];
    snprintf(note, sizeof note, "%sAgainst this set: %s.",
             !s.normalised_to_mvc ? "No MVC trials, so no absolute internal or external label. "
             : s.unknown == s.reps ? "No repetition has a verdict the data can carry (see each reason). "
                                   : "",
             s.relative ? s.relative : "");
    page_note(f, "note", note);
}

static void figure_key(FILE *f)
{
    fputs("<div class=\"key\"><span><i class=\"sw\" style=\"background:#8c96a5;opacity:.6\"></i>filtered signal "
          "(own scale, \xc2\xb1 peak at left)</span><span><i class=\"sw\" style=\"background:#1b4f9c\"></i>envelope"
          "</span><span style=\"color:#d0417e\">\xe2\x96\xbc onset</span><span>- - turn: eccentric before, concentric (shaded darker) after</span>"
          "<span><i class=\"sw\" style=\"background:#1b6fb8;opacity:.35\"></i>internal rep</span>"
          "<span><i class=\"sw\" style=\"background:#c2561a;opacity:.35\"></i>external rep</span>"
          "<span><i class=\"sw\" style=\"background:#8a8a8a;opacity:.35\"></i>mixed rep</span>"
          "<span><i class=\"sw\" style=\"background:#c8c8c8;opacity:.5\"></i>unknown rep</span></div>\n",
          f);
}

/* The panel's heading: the channel, its muscle and chain, its reference. */
static void panel_head(FILE *f, const cJSON *ch)
{
    fputs("<h3>", f);
    page_textf(f, "%s \xe2\x80\x94 %s", page_jstr(ch, "name"), page_jstr(ch, "muscle_name"));
    if (strcmp(page_jstr(ch, "chain"), "none")) page_textf(f, " (%s chain)", page_jstr(ch, "chain"));
    fputs("</h3>\n", f);
    const cJSON *ref = page_jget(ch, "mvc_reference");
    if (ref) {
        char b[32];
        fputs("<p>", f);
        page_textf(f, "reference %s %s (%s)", page_num(b, sizeof b, page_jnum(ref, "value"), 1),
                   page_unit(page_jstr(ref, "unit")), page_jstr(ref, "source"));
        fputs("</p>\n", f);
    }
}

static void channel_panels(FILE *f, const hinge_page *hp, double t0, double t1, size_t k0, size_t k1)
{
    const bl_hinge *h = hp->r->h;
    const cJSON *chs = page_jget(hp->doc, "channels");
    fputs("<div class=\"grid\">\n", f);
    for (size_t c = 0; c < bl_hinge_channels(h); c++) {
        if (bl_hinge_channel_state(h, c) == BL_HINGE_CH_AUX) continue;
        fputs("<div class=\"panel muscle\">\n", f);
        panel_head(f, cJSON_GetArrayItem(chs, (int)c));
        hinge_fig_channel(f, h, c, t0, t1, k0, k1);
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
}

static double session_duration(const bl_hinge *h)
{
    for (size_t c = 0; c < bl_hinge_channels(h); c++) {
        size_t n = 0;
        double rate = 0;
        if (bl_hinge_channel_envelope(h, c, &n, &rate) && rate > 0) return (double)n / rate;
    }
    bl_hinge_rep r;
    return bl_hinge_get_rep(h, bl_hinge_reps(h) - 1, &r) == BL_OK ? r.end_s : 0;
}

/* Pages of REPS_PER_PAGE repetitions, each from a little before its first
 * to a little after its last; without repetitions, windows of WINDOW_S. */
static void muscle_pages(FILE *f, const hinge_page *hp)
{
    const bl_hinge *h = hp->r->h;
    size_t reps = bl_hinge_reps(h);
    double dur = session_duration(h);
    size_t pages = reps ? (reps + REPS_PER_PAGE - 1) / REPS_PER_PAGE : (size_t)fmax(1, ceil(dur / WINDOW_S));
    page_section(f, "muscles", "Muscles: filtered signal, envelope, repetitions and onsets");
    figure_key(f);
    page_nav(f, "page", pages);
    for (size_t pg = 0; pg < pages; pg++) {
        size_t k0 = pg * REPS_PER_PAGE, k1 = reps ? (k0 + REPS_PER_PAGE < reps ? k0 + REPS_PER_PAGE : reps) : 0;
        double t0 = pg * WINDOW_S, t1 = fmin(dur, t0 + WINDOW_S);
        if (reps) {
            bl_hinge_rep a, b;
            bl_hinge_get_rep(h, k0, &a);
            bl_hinge_get_rep(h, k1 - 1, &b);
            t0 = fmax(0, a.start_s - 1.5);
            t1 = fmin(dur, b.end_s + 1.5);
        }
        fprintf(f, "<section class=\"page\" id=\"page-%zu\">\n<h3>", pg + 1);
        if (reps) page_textf(f, "Page %zu of %zu: repetitions %zu\xe2\x80\x93%zu, %.1f\xe2\x80\x93%.1f s", pg + 1,
                             pages, k0 + 1, k1, t0, t1);
        else page_textf(f, "Page %zu of %zu: %.1f\xe2\x80\x93%.1f s (no repetitions found)", pg + 1, pages, t0, t1);
        fputs("</h3>\n", f);
        channel_panels(f, hp, t0, t1, k0, k1);
        fputs("</section>\n", f);
    }
}

static void per_rep_figures(FILE *f, const hinge_page *hp)
{
    const bl_hinge *h = hp->r->h;
    bl_hinge_config cfg;
    bl_hinge_get_config(h, &cfg);
    size_t reps = bl_hinge_reps(h);
    if (!reps) return;
    const char *titles[2] = {"Mean (bar) and peak (tick) per repetition",
                             "Fatigue: median frequency per repetition, with its slope"};
    for (int kind = 0; kind < 2; kind++) {
        page_section(f, kind ? "fatigue" : "levels", titles[kind]);
        for (size_t k0 = 0; k0 < reps; k0 += REPS_PER_FIG) {
            size_t k1 = k0 + REPS_PER_FIG < reps ? k0 + REPS_PER_FIG : reps;
            if (reps > REPS_PER_FIG) {
                fputs("<h3>", f);
                page_textf(f, "Repetitions %zu\xe2\x80\x93%zu", k0 + 1, k1);
                fputs("</h3>\n", f);
            }
            fputs("<div class=\"grid\">\n", f);
            for (size_t c = 0; c < bl_hinge_channels(h); c++) {
                if (!bl_hinge_channel_envelope(h, c, NULL, NULL)) continue;
                fputs("<div class=\"panel\">\n<h3>", f);
                page_text(f, bl_hinge_channel_name(h, c));
                fputs("</h3>\n", f);
                if (kind) hinge_fig_fatigue(f, h, c, k0, k1);
                else hinge_fig_levels(f, h, c, k0, k1);
                fputs("</div>\n", f);
            }
            fputs("</div>\n", f);
        }
    }
    page_section(f, "balance", "Torque-chain balance per repetition");
    for (size_t k0 = 0; k0 < reps; k0 += BALANCE_PER_FIG) {
        fputs("<div class=\"panel narrow\">\n", f);
        hinge_fig_balance(f, h, k0, k0 + BALANCE_PER_FIG < reps ? k0 + BALANCE_PER_FIG : reps, cfg.verdict_margin);
        fputs("</div>\n", f);
    }
}

static void quality_table(FILE *f, const cJSON *doc)
{
    page_section(f, "quality", "Signal quality per channel");
    fputs("<div class=\"tw\"><table>\n<tr><th class=\"l\">channel</th><th class=\"l\">grade</th>"
          "<th class=\"l\">state</th><th class=\"l\">failed</th><th class=\"l\">warnings</th></tr>\n",
          f);
    const cJSON *c;
    cJSON_ArrayForEach(c, page_jget(doc, "channels"))
    {
        const cJSON *q = page_jget(c, "quality");
        if (!q) continue;
        fputs("<tr><td class=\"l\">", f);
        page_text(f, page_jstr(c, "name"));
        fprintf(f, "</td><td class=\"l g-%s\">", page_jstr(q, "grade"));
        page_text(f, page_jstr(q, "grade"));
        fputs("</td><td class=\"l\">", f);
        page_textf(f, "%s%s%s", page_jstr(c, "state"), page_jget(c, "left_out") ? ": " : "", page_jstr(c, "left_out"));
        for (int part = 0; part < 2; part++) {
            fputs("</td><td class=\"l\">", f);
            const cJSON *e;
            int any = 0;
            cJSON_ArrayForEach(e, page_jget(q, part ? "warned" : "failed"))
            {
                page_textf(f, "%s%s: %s", any++ ? "; " : "", e->string, cJSON_IsString(e) ? e->valuestring : "");
            }
            if (!any) fputs("\xe2\x80\x93", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

static void cell(FILE *f, double v, int d, int sign)
{
    char b[32];
    fprintf(f, "<td>%s%s</td>", sign && v > 0 ? "+" : "", page_num(b, sizeof b, v, d));
}

static void reps_table(FILE *f, const cJSON *doc, const char *unit)
{
    page_section(f, "reps", "Repetitions");
    fputs("<div class=\"tw\"><table>\n<tr><th>rep</th><th>start s</th><th>end s</th><th>turn s</th>"
          "<th class=\"l\">chain</th><th>index</th><th class=\"l\">vs set</th><th>M:L</th><th>G:H</th>"
          "<th>ES share</th><th>H:Q</th><th>hamstrings ",
          f);
    page_text(f, unit);
    fputs("</th><th class=\"l\">firing order</th><th class=\"l\">reason</th></tr>\n", f);
    const cJSON *r;
    cJSON_ArrayForEach(r, page_jget(doc, "reps"))
    {
        const cJSON *ra = page_jget(r, "ratios"), *con = page_jget(page_jget(r, "phases"), "concentric");
        fprintf(f, "<tr><td>%d</td>", (int)page_jnum(r, "index"));
        cell(f, page_jnum(r, "start_s"), 2, 0);
        cell(f, page_jnum(r, "end_s"), 2, 0);
        cell(f, page_jnum(con, "start_s"), 2, 0);
        fprintf(f, "<td class=\"l v-%s\">%s</td>", page_jstr(r, "chain"), page_jstr(r, "chain"));
        cell(f, page_jnum(r, "chain_index"), 2, 1);
        fprintf(f, "<td class=\"l\">%s</td>", page_jstr(r, "lean"));
        cell(f, page_jnum(ra, "medial_lateral_hamstring"), 2, 0);
        cell(f, page_jnum(ra, "glute_hamstring"), 2, 0);
        cell(f, page_jnum(ra, "erector_share"), 2, 0);
        cell(f, page_jnum(ra, "hamstring_quad"), 2, 0);
        cell(f, page_jnum(r, "hamstring_mean_pct_mvc"), 1, 0);
        fputs("<td class=\"l\">", f);
        const cJSON *o;
        int i = 0;
        cJSON_ArrayForEach(o, page_jget(r, "firing_order")) page_textf(f, "%s%s", i++ ? " \xe2\x86\x92 " : "", o->valuestring);
        fputs("</td><td class=\"l\">", f);
        page_text(f, page_jstr(r, "reason"));
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

/* Every repetition x muscle number of the JSON, collapsed. */
static void numbers_table(FILE *f, const cJSON *doc, const char *unit)
{
    fputs("<details id=\"numbers\"><summary>Per repetition and muscle: mean, peak, iEMG, onset, median "
          "frequency</summary>\n<div class=\"tw\"><table>\n<tr><th>rep</th><th class=\"l\">channel</th>",
          f);
    const char *cols[3] = {"mean ", "peak ", "iEMG "};
    for (int i = 0; i < 3; i++) {
        fprintf(f, "<th>%s", cols[i]);
        page_text(f, unit);
        fputs(i == 2 ? "\xc2\xb7s</th>" : "</th>", f);
    }
    fputs("<th>onset s</th><th>MF Hz</th></tr>\n", f);
    const cJSON *r, *c;
    cJSON_ArrayForEach(r, page_jget(doc, "reps")) cJSON_ArrayForEach(c, page_jget(r, "channels"))
    {
        fprintf(f, "<tr><td>%d</td><td class=\"l\">", (int)page_jnum(r, "index"));
        page_text(f, c->string);
        fputs("</td>", f);
        cell(f, page_jnum(c, "mean_pct_mvc"), 1, 0);
        cell(f, page_jnum(c, "peak_pct_mvc"), 1, 0);
        cell(f, page_jnum(c, "iemg_pct_mvc_s"), 1, 0);
        cell(f, page_jnum(c, "onset_s"), 2, 1);
        cell(f, page_jnum(c, "median_freq_hz"), 1, 0);
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n</details>\n", f);
}

static int page_body(FILE *f, void *ctx)
{
    const hinge_page *hp = ctx;
    const bl_hinge *h = hp->r->h;
    page_header(f, "Hip-hinge torque-chain report", hp->r->session_path, "backline-analyse hinge",
                page_jstr(hp->doc, "version"));
    summary_cards(f, h);
    page_warnings(f, page_jget(hp->doc, "warnings"));
    bl_doc *summary = NULL, *terms = NULL;
    if (bl_doc_create(&summary) != BL_OK || bl_doc_create(&terms) != BL_OK ||
        bl_hinge_describe(h, hp->r->session_path, hp->r->mvc_paths, NULL, summary) != BL_OK ||
        bl_hinge_glossary(h, terms) != BL_OK) {
        bl_doc_destroy(summary);
        bl_doc_destroy(terms);
        return 1;
    }
    page_section(f, "method", "Method");
    page_method(f, summary);
    page_section(f, "glossary", "Abbreviations");
    page_glossary_doc(f, terms);
    bl_doc_destroy(summary);
    bl_doc_destroy(terms);
    quality_table(f, hp->doc);
    muscle_pages(f, hp);
    per_rep_figures(f, hp);
    bl_hinge_summary s;
    bl_hinge_get_summary(h, &s);
    const char *unit = s.normalised_to_mvc ? "%MVC" : "% of peak";
    reps_table(f, hp->doc, unit);
    numbers_table(f, hp->doc, unit);
    page_parameters(f, page_jget(hp->doc, "parameters"));
    return 0;
}

int hinge_write_html(tool_output *o, const hinge_report *r, const cJSON *doc)
{
    hinge_page hp = {r, doc};
    return page_write(o, "backline hinge report", page_body, &hp);
}
