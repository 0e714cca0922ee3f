/* HTML report of `backline-analyse gait`, in the reports' one page design
 * (html_page.h): the cycles and warnings first, the method in the
 * library's words, a glossary, then per muscle its cycles over the
 * normalised cycle and its envelope over time in pages of about
 * CYCLES_PER_PAGE cycles, the posterior-chain answers with their rules,
 * left/right symmetry, synergies, and every parameter collapsed. Figures:
 * gait_figures.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gait_figures.h"
#include "gait_report.h"
#include "html_page.h"
#include "tool.h"

#define CYCLES_PER_PAGE 10
/* At most this many pages over time: a long walk shows more per page. */
#define MAX_TIME_PAGES 20

static const char *const glossary[][2] = {
    {"cycle", "touchdown to the next touchdown of the same foot; stance until the lift-off, swing after"},
    {"LR MSt TSt PSw", "Perry's stance phases: loading response, mid stance, terminal stance, pre-swing"},
    {"ISw MSw TSw", "Perry's swing phases: initial, mid and terminal swing"},
    {"G:H", "glute:hamstring ratio of the mean levels in stance"},
    {"Q:H", "quadriceps:hamstring ratio"},
    {"M:L", "medial:lateral hamstring ratio (ST+SM against BF)"},
    {"%MVC", "percent of the maximal voluntary contraction reference of that channel"},
    {"SD", "standard deviation across the cycles, the shaded band about the mean"},
    {"CV", "cycle-to-cycle coefficient of variation of a muscle's curves, %"},
    {"SI", "symmetry index of the left and right levels, %; r and lag: correlation of their curves and the "
           "shift that maximises it"},
    {"onset", "where a burst of the mean curve begins (\xe2\x96\xbc), in % of the cycle"},
};

typedef struct gait_page {
    const gait_report *r;
    const cJSON *doc;
} gait_page;


static void summary_cards(FILE *f, const gait_page *gp)
{
    const bl_gait *g = gp->r->g;
    char v[64], b[32];
    double stance = 0;
    size_t n = bl_gait_cycles(g), with = 0;
    for (size_t k = 0; k < n; k++) {
        bl_gait_cycle cy;
        if (bl_gait_get_cycle(g, k, &cy) == BL_OK && isfinite(bl_gait_cycle_stance_pct(&cy))) {
            stance += bl_gait_cycle_stance_pct(&cy);
            with++;
        }
    }
    page_cards_begin(f);
    snprintf(v, sizeof v, "%zu", n);
    page_card(f, v, "cycles", NULL);
    snprintf(v, sizeof v, "%s %%", page_num(b, sizeof b, with ? stance / (double)with : NAN, 1));
    page_card(f, v, "mean stance", NULL);
    page_card(f, page_unit(bl_gait_unit(g)), "amplitude", strcmp(bl_gait_unit(g), "%MVC") ? "v-external" : NULL);
    page_card(f, page_jstr(gp->doc, "normalise"), "time normalisation", NULL);
    page_card(f, gp->r->events_path ? "events file" : bl_gait_estimated(g) ? "knee angle" : "footswitch",
              "events from", bl_gait_estimated(g) ? "v-external" : NULL);
    const cJSON *s;
    cJSON_ArrayForEach(s, page_jget(gp->doc, "synergies"))
    {
        char label[48];
        snprintf(v, sizeof v, "%d", (int)cJSON_GetNumberValue(page_jget(s, "rank")));
        snprintf(label, sizeof label, "synergies %s", page_jstr(s, "side"));
        page_card(f, v, label, NULL);
    }
    /* The answer per side, in the header: its pattern (the rule and the
     * numbers are in the posterior-chain section). */
    const cJSON *side;
    cJSON_ArrayForEach(side, page_jget(gp->doc, "posterior_chain"))
    {
        char label[48];
        snprintf(label, sizeof label, "pattern, side %s", page_jstr(side, "side"));
        page_card(f, page_jstr(side, "pattern"), label, !strcmp(page_jstr(side, "pattern"), "unknown") ? "v-unknown"
                                                        : NULL);
    }
    page_cards_end(f);
    if (bl_gait_estimated(g))
        page_note(f, "warn", "The cycles rest on events ESTIMATED from the knee angle, not measured.");
}

static void figure_key(FILE *f)
{
    fputs("<div class=\"key\"><span><i class=\"sw\" style=\"background:#b9c2cf\"></i>each cycle</span>"
          "<span><i class=\"sw\" style=\"background:#1b4f9c\"></i>mean</span><span><i class=\"sw\" "
          "style=\"background:#2a7fff;opacity:.3\"></i>\xc2\xb1 SD</span><span style=\"color:#c2561a\">- - "
          "lift-off</span><span style=\"color:#d0417e\">\xe2\x96\xbc onset, bar: burst</span>"
          "<span><i class=\"sw\" style=\"background:#e9edf2\"></i>stance (over time)</span></div>\n",
          f);
}

static void muscle_heading(FILE *f, const bl_gait *g, size_t c)
{
    bl_muscle m = bl_gait_channel_muscle(g, c);
    bl_gait_muscle gm;
    char b1[32], b2[32];
    fputs("<h3>", f);
    page_textf(f, "%s \xe2\x80\x94 %s", bl_gait_channel_name(g, c), bl_muscle_name(m) ? bl_muscle_name(m) : "?");
    fputs("</h3>\n", f);
    if (bl_gait_get_muscle(g, c, &gm) != BL_OK) return;
    fputs("<p>", f);
    page_textf(f, "peak at %s %% of the cycle, CV %s %%, %zu cycles", page_num(b1, sizeof b1, gm.peak_phase_pct, 1),
               page_num(b2, sizeof b2, gm.cv_pct, 1), gm.cycles);
    if (gm.cycles > 50) page_textf(f, " (%zu of them drawn)", (gm.cycles + (gm.cycles + 49) / 50 - 1) / ((gm.cycles + 49) / 50));
    fputs("</p>\n", f);
}

static void cycle_panels(FILE *f, const bl_gait *g)
{
    page_section(f, "muscles", "Muscles over the gait cycle");
    figure_key(f);
    fputs("<div class=\"grid\">\n", f);
    for (size_t c = 0; c < bl_gait_channels(g); c++) {
        if (bl_gait_channel_muscle(g, c) == BL_MUSCLE_AUX) continue;
        fputs("<div class=\"panel muscle\">\n", f);
        muscle_heading(f, g, c);
        gait_fig_cycles(f, g, c);
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
}

/* Windows over the kept cycles' span, CYCLES_PER_PAGE median cycles long
 * (longer when that would make more than MAX_TIME_PAGES). */
static void time_pages(FILE *f, const bl_gait *g)
{
    size_t n = bl_gait_cycles(g);
    if (!n) return;
    double first = INFINITY, last = -INFINITY, total = 0;
    for (size_t k = 0; k < n; k++) {
        bl_gait_cycle cy;
        if (bl_gait_get_cycle(g, k, &cy) != BL_OK) continue;
        first = fmin(first, cy.start_s);
        last = fmax(last, cy.end_s);
        total += cy.end_s - cy.start_s;
    }
    double win = fmax(total / (double)n * CYCLES_PER_PAGE, (last - first) / MAX_TIME_PAGES);
    size_t pages = (size_t)fmax(1, ceil((last - first) / win - 1e-9));
    page_section(f, "time", "Muscles over time, with their cycles");
    page_nav(f, "page", pages);
    for (size_t pg = 0; pg < pages; pg++) {
        double t0 = fmax(0, first + (double)pg * win - 0.5), t1 = fmin(last + 0.5, first + (double)(pg + 1) * win + 0.5);
        fprintf(f, "<section class=\"page\" id=\"page-%zu\">\n<h3>", pg + 1);
        page_textf(f, "Page %zu of %zu: %.1f\xe2\x80\x93%.1f s", pg + 1, pages, t0, t1);
        fputs("</h3>\n<div class=\"grid\">\n", f);
        for (size_t c = 0; c < bl_gait_channels(g); c++) {
            if (!bl_gait_channel_used(g, c)) continue;
            fputs("<div class=\"panel\">\n<h3>", f);
            page_text(f, bl_gait_channel_name(g, c));
            fputs("</h3>\n", f);
            gait_fig_time(f, g, c, t0, t1);
            fputs("</div>\n", f);
        }
        fputs("</div>\n</section>\n", f);
    }
}

static void statements(FILE *f, const cJSON *doc)
{
    page_section(f, "chain", "Posterior chain");
    const cJSON *side, *s;
    if (!cJSON_GetArraySize(page_jget(doc, "posterior_chain"))) fputs("<p>No side with a hamstring channel.</p>\n", f);
    cJSON_ArrayForEach(side, page_jget(doc, "posterior_chain"))
    {
        fputs("<ul>\n", f);
        cJSON_ArrayForEach(s, page_jget(side, "statements"))
        {
            fputs("<li>", f);
            page_text(f, page_jstr(s, "text"));
            fputs("<br><small style=\"color:#5a6577\">rule: ", f);
            page_text(f, page_jstr(s, "rule"));
            fputs("</small></li>\n", f);
        }
        fputs("</ul>\n", f);
    }
}

static void symmetry(FILE *f, const cJSON *doc)
{
    page_section(f, "symmetry", "Left/right symmetry");
    const cJSON *rows = page_jget(doc, "symmetry"), *s;
    if (!cJSON_GetArraySize(rows)) {
        fputs("<p>Needs a muscle mapped on both sides.</p>\n", f);
        return;
    }
    fputs("<div class=\"tw\"><table>\n<tr><th class=\"l\">muscle</th><th>SI %</th><th>r</th><th>lag %</th>"
          "<th>peak R\xe2\x88\x92L %</th></tr>\n",
          f);
    const char *keys[4] = {"symmetry_index_pct", "r", "lag_pct", "peak_phase_diff_pct"};
    const int dec[4] = {1, 2, 1, 1};
    cJSON_ArrayForEach(s, rows)
    {
        char b[32];
        fputs("<tr><td class=\"l\">", f);
        page_text(f, page_jstr(s, "muscle"));
        fputs("</td>", f);
        for (int i = 0; i < 4; i++) {
            const cJSON *v = page_jget(s, keys[i]);
            fprintf(f, "<td>%s</td>", page_num(b, sizeof b, cJSON_IsNumber(v) ? v->valuedouble : NAN, dec[i]));
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

static void synergies(FILE *f, const cJSON *doc)
{
    page_section(f, "synergies", "Muscle synergies");
    const cJSON *set;
    if (!cJSON_GetArraySize(page_jget(doc, "synergies"))) fputs("<p>Needs two or more muscles on a side.</p>\n", f);
    fputs("<div class=\"grid\">\n", f);
    cJSON_ArrayForEach(set, page_jget(doc, "synergies"))
    {
        size_t rank = (size_t)cJSON_GetNumberValue(page_jget(set, "rank"));
        for (size_t k = 0; k < rank; k++) {
            fputs("<div class=\"panel\">\n<h3>", f);
            page_textf(f, "side %s: synergy %zu of %zu", page_jstr(set, "side"), k + 1, rank);
            fputs("</h3>\n", f);
            gait_fig_synergy(f, set, k);
            fputs("</div>\n", f);
        }
    }
    fputs("</div>\n", f);
}

static int page_body(FILE *f, void *ctx)
{
    const gait_page *gp = ctx;
    const bl_gait *g = gp->r->g;
    page_header(f, "Gait EMG report", gp->r->session_path, "backline-analyse gait", page_jstr(gp->doc, "version"));
    summary_cards(f, gp);
    page_warnings(f, page_jget(gp->doc, "warnings"));
    bl_doc *summary = NULL;
    if (bl_doc_create(&summary) != BL_OK || bl_gait_describe(g, NULL, summary) != BL_OK) {
        bl_doc_destroy(summary);
        return 1;
    }
    page_section(f, "method", "Method");
    page_method(f, summary);
    bl_doc_destroy(summary);
    page_section(f, "glossary", "Abbreviations");
    page_glossary(f, glossary, sizeof glossary / sizeof glossary[0]);
    statements(f, gp->doc);
    cycle_panels(f, g);
    time_pages(f, g);
    symmetry(f, gp->doc);
    synergies(f, gp->doc);
    page_parameters(f, page_jget(gp->doc, "parameters"));
    return 0;
}

int gait_write_html(tool_output *o, const gait_report *r, const cJSON *doc)
{
    gait_page gp = {r, doc};
    return page_write(o, "backline gait report", page_body, &gp);
}
