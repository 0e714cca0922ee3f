/* CSV report of `backline-analyse hinge`: one row per repetition and
 * channel (long format, ready for R/pandas), the repetition's verdict and
 * ratios repeated on each of its rows. Empty cells are missing values. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "hinge_report.h"
#include "tool.h"

static void cell(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, ",%.6g", v);
    else fputs(",", f);
}

int hinge_write_csv(tool_output *o, const hinge_report *r)
{
    const bl_hinge *h = r->h;
    FILE *f = tool_output_open(o);
    if (!f) return tool_error("%s: cannot write: %s", o->path, strerror(errno));
    fputs("rep,start_s,end_s,turn_s,chain,chain_index,hamstring_balance,trunk_balance,medial_lateral,"
          "glute_hamstring,erector_share,hamstring_quad,channel,muscle,channel_chain,mean_pct_mvc,peak_pct_mvc,"
          "iemg_pct_mvc_s,onset_s,median_freq_hz,reason\n", f);
    for (size_t k = 0; k < bl_hinge_reps(h); k++) {
        bl_hinge_rep rep;
        if (bl_hinge_get_rep(h, k, &rep) != BL_OK) continue;
        for (size_t c = 0; c < bl_hinge_channels(h); c++) {
            if (bl_hinge_channel_state(h, c) == BL_HINGE_CH_AUX) continue;
            bl_hinge_rep_channel rc;
            if (bl_hinge_get_rep_channel(h, k, c, &rc) != BL_OK) continue;
            fprintf(f, "%zu", k + 1);
            /* Times from the file's first frame (t0_s: where an analysed span starts). */
            cell(f, rep.start_s + r->t0_s);
            cell(f, rep.end_s + r->t0_s);
            cell(f, rep.turn_s + r->t0_s);
            fprintf(f, ",%s", bl_hinge_verdict_name(rep.verdict));
            cell(f, rep.chain_index);
            cell(f, rep.hamstring_balance);
            cell(f, rep.trunk_balance);
            cell(f, rep.medial_lateral);
            cell(f, rep.glute_hamstring);
            cell(f, rep.erector_share);
            cell(f, rep.hamstring_quad);
            bl_muscle m = bl_hinge_channel_muscle(h, c);
            fprintf(f, ",%s,%s,%s", bl_hinge_channel_name(h, c), bl_muscle_code(m) ? bl_muscle_code(m) : "",
                    bl_chain_name(bl_hinge_channel_chain(h, c)));
            cell(f, rc.mean_pct);
            cell(f, rc.peak_pct);
            cell(f, rc.iemg);
            cell(f, rc.onset_s); /* relative to the repetition's start_s, not to the file */
            cell(f, rc.median_hz);
            fputc(',', f);
            tool_csv_text(f, rep.reason); /* reasons contain commas */
            fputc('\n', f);
        }
    }
    if (tool_output_close(o) != 0) {
        tool_outputs_abort(o, 1);
        return tool_error("%s: write failed (disk full?)", o->path);
    }
    return 0;
}
