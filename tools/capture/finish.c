/* After the stop: the counts into the metadata, the file closed, a FLAC
 * transcoded from its temporary WAV, and the session's final messages. */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

/* The overrun and ring-overflow counts into the file (through the writer)
 * and into `meta` (what the FLAC copy is made with). 0 when the file that
 * is kept (the WAV, or the FLAC made from `meta`) will lack one. */
static int store_counts(cap_session *s, int flac)
{
    char num[32];
    int in_writer = 1, in_meta = 1;
    snprintf(num, sizeof num, "%llu", (unsigned long long)s->overruns);
    if (bl_writer_set_meta(s->writer, "overruns", num) != BL_OK) in_writer = 0;
    if (bl_recording_set_meta(s->meta, "overruns", num) != BL_OK) in_meta = 0;
    snprintf(num, sizeof num, "%llu", (unsigned long long)s->ring_overflows);
    if (bl_writer_set_meta(s->writer, "ring_overflows", num) != BL_OK) in_writer = 0;
    if (bl_recording_set_meta(s->meta, "ring_overflows", num) != BL_OK) in_meta = 0;
    return flac ? in_meta : in_writer;
}

/* The markers into the file (through the writer) and into `meta` (the
 * FLAC copy's); those the kept file cannot take are counted, and listed
 * by the report so that none is lost. */
static void store_markers(cap_session *s, int flac)
{
    s->markers_lost = 0;
    for (size_t i = 0; i < s->n_markers; i++) {
        struct cap_marker *m = &s->markers[i];
        double t = (double)m->frame / s->rate;
        int in_writer = bl_writer_add_marker(s->writer, t, m->label) == BL_OK;
        int in_meta = bl_recording_add_marker(s->meta, t, m->label) == BL_OK;
        m->stored = flac ? in_meta : in_writer;
        s->markers_lost += !m->stored;
    }
}

/* Close the file with everything captured, whatever the ending. */
void cap_finalise_file(cap_session *s)
{
    const cap_options *o = s->opt;
    s->overruns = atomic_load(&s->shared.overruns);
    s->ring_overflows = atomic_load(&s->shared.ring_overflows);
    uint64_t frames_in = atomic_load(&s->shared.frames_in);
    if (s->live) cap_meters_render(s->meters, stderr, (double)frames_in / s->rate, s->overruns, s->ring_overflows, "");
    /* Frames lost because writing stopped are not ring overflows; they are
     * reported by the write error itself. */
    s->counts_stored = store_counts(s, o->flac);
    store_markers(s, o->flac);
    s->written = bl_writer_frames(s->writer);
    s->close_status = bl_writer_close(s->writer, s->close_why, sizeof s->close_why);
    s->writer = NULL;

    /* FLAC: now that every count is known, copy the temporary WAV into the
     * FLAC with the complete metadata (transcode.c says why). A WAV that
     * replaces a file (--force) takes its place now that it is complete. */
    if (o->flac && s->close_status == BL_OK) {
        size_t copied = 0;
        if (cap_transcode(s->write_path, o->out, s->replace, o->format, s->meta, &copied, s->transcode_why,
                          sizeof s->transcode_why) != 0)
            s->kept_partial = 1;
        else
            s->replaced = s->replace;
    } else if (o->flac) {
        s->kept_partial = 1;
    } else if (s->replace && s->close_status == BL_OK) {
        if (rename(s->write_path, o->out) != 0) {
            snprintf(s->transcode_why, sizeof s->transcode_why, "%s: cannot put in place: %s", o->out,
                     strerror(errno));
            s->kept_partial = 1;
        } else {
            s->replaced = 1;
        }
    }
    /* Where the frames are, for the messages. */
    if (s->kept_partial || (s->replace && !s->replaced)) snprintf(s->result_path, sizeof s->result_path, "%s", s->write_path);
    else if (o->flac) snprintf(s->result_path, sizeof s->result_path, "%s", o->out);
    else snprintf(s->result_path, sizeof s->result_path, "the file");
}

/* The one error line of a session that did not end as asked (its status),
 * or 0 when it did. */
static int report_failure(cap_session *s)
{
    double dur = (double)s->written / s->rate;
    if (s->ending == CAP_END_WRITE_ERROR) {
        /* libsndfile's reason ends in ".": drop it inside our sentence. */
        char *why = s->wt.why;
        size_t wl = strlen(why);
        while (wl && (why[wl - 1] == '.' || why[wl - 1] == ' ')) why[--wl] = '\0';
        return tool_error("%s; recording stopped, %s keeps the %zu frames (%.3f s) written before", why,
                          s->result_path, s->written, dur);
    }
    if (s->close_status != BL_OK) return tool_error("%s", s->close_why);
    if (s->kept_partial)
        return tool_error("%s; the capture (%zu frames, %.3f s) is kept in %s", s->transcode_why, s->written, dur,
                          s->write_path);
    if (s->ending == CAP_END_DEVICE) {
        if (s->stream_error < 0)
            return tool_error("device %s failed after %.3f s: %s; %s keeps the %zu frames captured", s->label,
                              dur, Pa_GetErrorText(s->stream_error), s->result_path, s->written);
        return tool_error("device %s stopped delivering audio after %.3f s; %s keeps the %zu frames captured",
                          s->label, dur, s->result_path, s->written);
    }
    return 0;
}

/* The final messages: the error line, or the summary (unless --quiet) and
 * a warning for every way the file falls short. */
int cap_report(cap_session *s)
{
    int status = report_failure(s);
    if (status) return status;
    const cap_options *o = s->opt;
    size_t worst = 0;
    uint64_t clipped = cap_meters_clipped(s->meters, &worst);
    double dur = (double)s->written / s->rate;
    char marks[48] = "";
    if (s->n_markers) snprintf(marks, sizeof marks, "; %zu marker%s", s->n_markers, s->n_markers == 1 ? "" : "s");
    if (s->replaced && !o->quiet) fprintf(stderr, "backline-capture: replacing %s\n", o->out);
    if (!o->quiet)
        fprintf(stderr, "backline-capture: %s: %zu frames (%.3f s) at %.0f Hz x %zu channels%s%s%s; "
                "overruns %llu, ring overflows %llu frames%s\n",
                o->out, s->written, dur, s->rate, s->channels,
                s->ending == CAP_END_SIGNAL ? ", stopped by signal (" : "",
                s->ending == CAP_END_SIGNAL ? cap_stop_signal_name() : "", s->ending == CAP_END_SIGNAL ? ")" : "",
                (unsigned long long)s->overruns, (unsigned long long)s->ring_overflows, marks);
    if (s->overruns)
        tool_warn("the driver reported %llu input overruns: samples were lost before they reached us",
                  (unsigned long long)s->overruns);
    if (s->ring_overflows)
        tool_warn("%llu frames did not fit the ring buffer and are missing from the file (the disk was too slow)",
                  (unsigned long long)s->ring_overflows);
    if (clipped)
        tool_warn("%llu samples clipped (|x| >= 0.999 full scale), most in channel %zu",
                  (unsigned long long)clipped, worst + 1);
    if (!s->counts_stored)
        tool_warn("%s: the overrun and overflow counts could not be stored in the file", o->out);
    if (s->markers_lost) {
        /* One line, every marker the file lacks, so none is lost. */
        fprintf(stderr, "%s: warning: %zu of %zu markers could not be stored in %s (its metadata is full or "
                "could not be written); they were (seconds label):", tool_name(), s->markers_lost, s->n_markers,
                o->out);
        for (size_t i = 0; i < s->n_markers; i++)
            if (!s->markers[i].stored)
                fprintf(stderr, " %.6f %s", (double)s->markers[i].frame / s->rate, s->markers[i].label);
        fprintf(stderr, "\n");
    }
    return 0;
}

