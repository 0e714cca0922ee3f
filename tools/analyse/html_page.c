/* The page design of the HTML reports. See html_page.h.
 *
 * Why no script: a report is read offline, printed, archived and opened
 * in mail clients that run none; every figure is SVG written here, so the
 * page is whole with JavaScript off. Figures scale with their container
 * (viewBox, width 100 %), so nothing is wider than the screen; a figure
 * never breaks across printed pages (break-inside: avoid) and is sized to
 * fit one A4 page. */
#include "html_page.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "svg_plot.h"
#include "tool.h"

static const char page_css[] =
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430;background:#fff;"
    "max-width:1200px;margin:0 auto;padding:12px 16px}\n"
    "h1{font-size:22px;margin:6px 0 2px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #dde2ea;"
    "padding-bottom:3px}h3{font-size:14px;margin:14px 0 4px}\n"
    ".sub{color:#5a6577;font-size:13px;overflow-wrap:anywhere}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}\n"
    ".card{border:1px solid #dde2ea;border-radius:6px;padding:6px 12px;min-width:96px}\n"
    ".card b{display:block;font-size:19px}.card span{font-size:12px;color:#5a6577}\n"
    ".warn,.note{border-radius:6px;padding:6px 12px;margin:8px 0;font-size:13.5px;overflow-wrap:anywhere}\n"
    ".warn{background:#fff6e0;border:1px solid #f0c36d}.note{background:#eef4fb;border:1px solid #a9c6e8}\n"
    ".warn ul{margin:4px 0;padding-left:20px}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:10px}\n"
    ".panel{border:1px solid #e6e9ef;border-radius:6px;padding:6px 8px;break-inside:avoid;"
    "page-break-inside:avoid;min-width:0}\n"
    ".panel h3{margin:0 0 2px;font-size:13.5px}.panel p{margin:0;font-size:12px;color:#5a6577}\n"
    "svg.fig{display:block;width:100%;height:auto;break-inside:avoid;page-break-inside:avoid}\n"
    "svg text{font-family:inherit}\n"
    ".tick,.label{font-size:11px;fill:#5a6577}.small{font-size:10px;fill:#5a6577}.hd{font-size:11px;"
    "font-weight:600}\n"
    "line.grid{stroke:#e6e9ef}line.axis{stroke:#5a6577}\n"
    ".sig{fill:#8c96a5;fill-opacity:.45}.env{fill:none;stroke:#1b4f9c;stroke-width:1.4;stroke-linejoin:round}\n"
    ".cyc{fill:none;stroke:#b9c2cf;stroke-width:.7}.sd{fill:#2a7fff;fill-opacity:.18}\n"
    ".mean{fill:none;stroke:#1b4f9c;stroke-width:1.8}\n"
    ".r-internal{fill:#1b6fb8;fill-opacity:.10}.r-external{fill:#c2561a;fill-opacity:.12}"
    ".r-mixed{fill:#8a8a8a;fill-opacity:.12}.r-unknown{fill:#c8c8c8;fill-opacity:.18}.r-cycle{fill:#e9edf2}\n"
    ".b-internal{fill:#1b6fb8}.b-external{fill:#c2561a}.b-mixed{fill:#8a8a8a}.b-unknown{fill:#c8c8c8}\n"
    ".t-internal{fill:#1b6fb8}.t-external{fill:#c2561a}.t-mixed{fill:#6b6b6b}.t-unknown{fill:#999}\n"
    ".turn{stroke:#3c4656;stroke-dasharray:4 3}.bound{stroke:#c2561a;stroke-dasharray:4 3}\n"
    ".onset{fill:#d0417e}.burst{fill:#d0417e;fill-opacity:.5}\n"
    ".bar{fill:#2a7fff}.peak{stroke:#1d2430;stroke-width:1.6}.mfdot{fill:#17a673}"
    ".slope{stroke:#0e6e4a;stroke-width:1.4;stroke-dasharray:5 3}\n"
    ".band{fill:#eceff3}.zero{stroke:#5a6577}.target{fill:#17a673;fill-opacity:.15}\n"
    ".phase{fill:#f3f5f8}.con{fill:#1d2430;fill-opacity:.07}.narrow{max-width:580px}\n"
    ".print-only{display:none}\n"
    ".v-internal{color:#1b6fb8;font-weight:600}.v-external{color:#c2561a;font-weight:600}"
    ".v-mixed{color:#6b6b6b;font-weight:600}.v-unknown{color:#999}\n"
    ".g-pass{color:#17a673;font-weight:600}.g-warn{color:#b07a00;font-weight:600}.g-fail{color:#c0392b;"
    "font-weight:600}\n"
    ".tw{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;font-size:12.5px}th,td{border-bottom:1px solid #e6e9ef;padding:3px 6px;"
    "text-align:right;vertical-align:top}th{background:#f4f6f9}td.l,th.l{text-align:left}\n"
    "table.method td{text-align:left}table.method td:first-child{color:#5a6577;white-space:nowrap}\n"
    "dl.gloss{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px;margin:0}\n"
    "dl.gloss dt{font-weight:600}dl.gloss dd{margin:0}\n"
    ".key{font-size:12.5px;margin:4px 0}.key span{margin-right:12px;white-space:nowrap;display:inline-block}\n"
    ".sw{display:inline-block;width:12px;height:10px;border-radius:2px;vertical-align:-1px;margin-right:4px}\n"
    ".pages{font-size:13px}.pages a{margin-right:6px}\n"
    ".page{margin-top:10px}.page h3{color:#3c4656}\n"
    "details summary{cursor:pointer;font-weight:600;font-size:15px;margin:20px 0 8px}\n"
    "@media (max-width:600px){body{padding:8px}h1{font-size:19px}.card{min-width:80px;padding:4px 8px}"
    ".card b{font-size:16px}}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:12px}.grid{grid-template-columns:1fr 1fr}"
    ".page{break-before:page}.page:first-of-type{break-before:auto}.pages{display:none}"
    ".tw{overflow:visible}table{font-size:10px}h2{break-after:avoid}details{display:none}.print-only{display:block;column-count:2;column-gap:6mm}.print-only table{font-size:7.5px}.print-only td{padding:1px 3px}}\n";

int page_write(tool_output *o, const char *title, int (*body)(FILE *f, void *ctx), void *ctx)
{
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s: cannot write: %s", o->path, strerror(errno));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    page_text(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
    int oom = body(f, ctx) != 0;
    fputs("</body>\n</html>\n", f);
    int bad = tool_output_close(o) != 0;
    if (oom || bad) {
        tool_outputs_abort(o, 1);
        return tool_error(oom ? "%s: out of memory drawing the report" : "%s: write failed (disk full?)", o->path);
    }
    return 0;
}

void page_text(FILE *f, const char *s) { svg_escape(f, s); }

void page_textf(FILE *f, const char *fmt, ...)
{
    char buf[1024], *text = buf;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf && (text = malloc((size_t)n + 1)) != NULL) { /* a long path: whole, not cut */
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    svg_escape(f, text ? text : buf);
    if (text != buf) free(text);
}

const char *page_num(char *buf, size_t len, double v, int d)
{
    if (!isfinite(v)) snprintf(buf, len, "\xe2\x80\x93");
    else snprintf(buf, len, "%.*f", d, v);
    return buf;
}

const char *page_unit(const char *unit) { return unit && !strcmp(unit, "uV") ? "\xc2\xb5V" : unit ? unit : ""; }

const cJSON *page_jget(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

const char *page_jstr(const cJSON *o, const char *key)
{
    const cJSON *v = page_jget(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

double page_jnum(const cJSON *o, const char *key)
{
    const cJSON *v = page_jget(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

void page_left_out(FILE *f, const char *name, const char *why)
{
    fputs("<p>not analysed: ", f);
    page_text(f, why && *why ? why : "auxiliary channel");
    fputs("</p>\n", f);
    svg_open(f, SVG_FIG_W, 24, "data-channel", name, name);
    svg_text_px(f, 10, 16, "start", "label", "not analysed (the reason is above)");
    svg_close(f);
}

void page_header(FILE *f, const char *title, const char *session, const char *tool, const char *version)
{
    fputs("<header>\n<h1>", f);
    page_text(f, title);
    fputs("</h1>\n<div class=\"sub\">", f);
    page_textf(f, "%s \xe2\x80\x94 %s %s", session, tool, version);
    fputs("</div>\n</header>\n", f);
}

void page_cards_begin(FILE *f) { fputs("<div class=\"cards\">\n", f); }
void page_cards_end(FILE *f) { fputs("</div>\n", f); }

void page_card(FILE *f, const char *value, const char *label, const char *cls)
{
    fputs("<div class=\"card\"><b", f);
    if (cls) fprintf(f, " class=\"%s\"", cls);
    fputc('>', f);
    page_text(f, value);
    fputs("</b><span>", f);
    page_text(f, label);
    fputs("</span></div>\n", f);
}

void page_note(FILE *f, const char *cls, const char *text)
{
    fprintf(f, "<div class=\"%s\">", cls);
    page_text(f, text);
    fputs("</div>\n", f);
}

void page_warnings(FILE *f, const cJSON *warnings)
{
    if (!cJSON_GetArraySize(warnings)) return;
    fputs("<div class=\"warn\"><b>Warnings</b>\n<ul>\n", f);
    const cJSON *w;
    cJSON_ArrayForEach(w, warnings)
    {
        fputs("<li>", f);
        page_text(f, cJSON_IsString(w) ? w->valuestring : "");
        fputs("</li>\n", f);
    }
    fputs("</ul></div>\n", f);
}

void page_method(FILE *f, const bl_doc *summary)
{
    if (!summary || !bl_doc_count(summary)) return;
    fputs("<div class=\"tw\"><table class=\"method\">\n", f);
    for (size_t i = 0; i < bl_doc_count(summary); i++) {
        const bl_doc *d = bl_doc_child(summary, i);
        fputs("<tr><td>", f);
        page_text(f, bl_doc_key(d) ? bl_doc_key(d) : "");
        fputs("</td><td>", f);
        page_text(f, bl_doc_string(d) ? bl_doc_string(d) : "");
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

void page_glossary(FILE *f, const char *const (*terms)[2], size_t n)
{
    fputs("<dl class=\"gloss\">\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<dt>", f);
        page_text(f, terms[i][0]);
        fputs("</dt><dd>", f);
        page_text(f, terms[i][1]);
        fputs("</dd>\n", f);
    }
    fputs("</dl>\n", f);
}

void page_glossary_doc(FILE *f, const bl_doc *terms)
{
    fputs("<dl class=\"gloss\">\n", f);
    for (size_t i = 0; terms && i < bl_doc_count(terms); i++) {
        const bl_doc *d = bl_doc_child(terms, i);
        fputs("<dt>", f);
        page_text(f, bl_doc_key(d) ? bl_doc_key(d) : "");
        fputs("</dt><dd>", f);
        page_text(f, bl_doc_string(d) ? bl_doc_string(d) : "");
        fputs("</dd>\n", f);
    }
    fputs("</dl>\n", f);
}

/* One row per leaf: its key path ("conditioning / bandpass / order") and
 * value; arrays of plain values on one row. */
static void param_rows(FILE *f, const cJSON *node, char *path, size_t len)
{
    size_t at = strlen(path);
    const cJSON *c;
    int plain_array = cJSON_IsArray(node);
    cJSON_ArrayForEach(c, node) if (cJSON_IsObject(c) || cJSON_IsArray(c)) plain_array = 0;
    if (plain_array || !(cJSON_IsObject(node) || cJSON_IsArray(node))) {
        fputs("<tr><td class=\"l\">", f);
        page_text(f, path);
        fputs("</td><td class=\"l\">", f);
        if (plain_array && !cJSON_GetArraySize(node)) fputs("(none)", f);
        for (c = plain_array ? node->child : node; c; c = plain_array ? c->next : NULL) {
            if (c != node && c != node->child) fputs(", ", f);
            if (cJSON_IsString(c)) page_text(f, c->valuestring);
            else if (cJSON_IsNumber(c)) fprintf(f, "%.10g", c->valuedouble);
            else if (cJSON_IsBool(c)) fputs(cJSON_IsTrue(c) ? "yes" : "no", f);
            else fputs("\xe2\x80\x93", f);
        }
        fputs("</td></tr>\n", f);
        return;
    }
    size_t i = 0;
    cJSON_ArrayForEach(c, node)
    {
        char key[32];
        const char *k = c->string;
        if (!k) {
            snprintf(key, sizeof key, "%zu", ++i);
            k = key;
        }
        snprintf(path + at, len - at, "%s%s", at ? " / " : "", k);
        param_rows(f, c, path, len);
        path[at] = '\0';
    }
}

void page_parameters(FILE *f, const cJSON *params)
{
    fputs("<details id=\"parameters\"><summary>Processing parameters (ISEK style), every setting</summary>\n"
          "<div class=\"tw\"><table>\n<tr><th class=\"l\">parameter</th><th class=\"l\">value</th></tr>\n",
          f);
    char path[512] = "";
    if (params) param_rows(f, params, path, sizeof path);
    fputs("</table></div>\n</details>\n", f);
    /* A closed <details> prints as nothing: the printout has the table. */
    fputs("<div class=\"print-only\"><h2>Processing parameters (ISEK style)</h2>\n<table>\n"
          "<tr><th class=\"l\">parameter</th><th class=\"l\">value</th></tr>\n",
          f);
    path[0] = '\0';
    if (params) param_rows(f, params, path, sizeof path);
    fputs("</table></div>\n", f);
}

void page_section(FILE *f, const char *id, const char *title)
{
    fprintf(f, "<h2 id=\"%s\">", id);
    page_text(f, title);
    fputs("</h2>\n", f);
}

void page_nav(FILE *f, const char *id, size_t n)
{
    if (n < 2) return;
    fputs("<div class=\"pages\">pages: ", f);
    for (size_t i = 1; i <= n; i++) fprintf(f, "<a href=\"#%s-%zu\">%zu</a>", id, i, i);
    fputs("</div>\n", f);
}
