/* The one page design of the HTML reports of `hinge` and `gait`: a
 * self-contained page (inline CSS, figures as inline SVG drawn by
 * svg_plot.c, no script and nothing fetched), readable at phone width and
 * printable on A4 with no figure cut across pages. Its parts, in order:
 * a header (title, what was analysed, summary cards, warnings), the
 * method in the library's words, a glossary of every abbreviation, the
 * figures (long sessions in pages of a fixed number of repetitions or
 * cycles, never a scroll box), tables, and the full parameters collapsed
 * as a table. Each report module writes its own sections with these
 * helpers. */
#ifndef HTML_PAGE_H
#define HTML_PAGE_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "backline/doc.h"
#include "output_file.h"

/* Writes the page into an output (begun here, closed, not in place):
 * body(f, ctx) writes everything between the page's head and its end.
 * One error line, the output aborted and 1 on failure (body returns
 * non-zero when out of memory; write errors are found at the close); 0 on
 * success. */
int page_write(tool_output *o, const char *title, int (*body)(FILE *f, void *ctx), void *ctx);

/* The header: the title, a line naming the session and the tool. */
void page_header(FILE *f, const char *title, const char *session, const char *tool, const char *version);
/* Summary cards: begin, one per figure (value, what it is; cls colours the
 * value, NULL for none), end. */
void page_cards_begin(FILE *f);
void page_card(FILE *f, const char *value, const char *label, const char *cls);
void page_cards_end(FILE *f);
/* A note box (cls "note" or "warn") holding text. */
void page_note(FILE *f, const char *cls, const char *text);
/* The warnings (a JSON array of strings), in a box; nothing when empty. */
void page_warnings(FILE *f, const cJSON *warnings);
/* The method, as the library described it (a bl_doc object of
 * sentences): one row per step. */
void page_method(FILE *f, const bl_doc *summary);
/* The glossary: terms[i][0] is the abbreviation, terms[i][1] its meaning;
 * or a bl_doc object of them (the library's words). */
void page_glossary(FILE *f, const char *const (*terms)[2], size_t n);
void page_glossary_doc(FILE *f, const bl_doc *terms);
/* Every parameter (a JSON object tree) as a key path / value table,
 * collapsed under a heading. */
void page_parameters(FILE *f, const cJSON *params);
/* A section heading with an id to link to. */
void page_section(FILE *f, const char *id, const char *title);
/* Links to pages 1..n of a paged figure set ("pages: 1 2 3"), anchors
 * id-1 .. id-n; nothing for one page. */
void page_nav(FILE *f, const char *id, size_t n);
/* Escaped text (svg_escape) and a formatted escaped text. */
void page_text(FILE *f, const char *s);
void page_textf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number with d decimals, or an en dash for NaN. */
const char *page_num(char *buf, size_t len, double v, int d);
/* "µV" for the library's "uV"; any other unit as it is. */
const char *page_unit(const char *unit);
/* A channel that was not analysed: why, as text that wraps, and an SVG
 * panel carrying data-channel="name" so every channel has one. */
void page_left_out(FILE *f, const char *name, const char *why);
/* Reading the JSON report: a member (NULL when absent), a string ("" when
 * absent or not a string), a number (NaN likewise). */
const cJSON *page_jget(const cJSON *o, const char *key);
const char *page_jstr(const cJSON *o, const char *key);
double page_jnum(const cJSON *o, const char *key);

#endif
