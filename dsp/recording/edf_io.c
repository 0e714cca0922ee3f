/* EDF/EDF+ and BDF/BDF+ through edflib (Debian's libedf-dev), behind
 * bl_reader: the header becomes the recording's description, the signals
 * its channels, the annotations its markers.
 *
 * Units: a signal whose physical dimension is a voltage (nV, uV, mV, V)
 * is delivered as its physical value over its full scale in µV
 * (max |physical min|, |physical max|), with the gain that turns that
 * back into µV at a full scale of 1 V: exactly the form of a calibrated
 * WAV capture, so bl_recording_to_microvolts, the unit rule and the
 * clipping counters (at the digital extremes, |sample| = 1) treat both
 * alike. Any other dimension ("", "deg", "g") keeps its physical values
 * and no gain: uncalibrated, like a WAV without gains.
 *
 * edflib keeps its open files in a table of its own that it does not
 * guard ("edfopen_file_readonly(), edfclose_file(): MT-unsafe"), so
 * opening and closing go through one lock; reading a file of one's own
 * is safe. */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64

#include "edf_io.h"

#include <edflib.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "recording_internal.h"
#include "sndfile_io.h"

/* Most annotations kept as markers: each one rewrites the markers text,
 * and a file with more is a log, not a set of events. */
#define EDF_MARKERS_MAX 4096

static pthread_mutex_t edf_lock = PTHREAD_MUTEX_INITIALIZER;

struct bli_edf {
    int handle;
    size_t channels;
    size_t frames, frames_read;
    double *scale;  /* per channel: multiplies the physical value */
    double *buf;    /* one channel's block */
    size_t buf_cap; /* frames */
    char *path;
};

int bli_edf_sniff(int fd)
{
    unsigned char h[8];
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || bli_pread_all(fd, h, sizeof h, 0) != 0)
        return 0;
    return memcmp(h, "0       ", 8) == 0 || (h[0] == 0xFF && memcmp(h + 1, "BIOSEMI", 7) == 0);
}

/* edflib's error codes in our words. */
static const char *open_error(int code)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR: return "out of memory";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "cannot open";
    case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS:
        return "not a valid EDF/BDF file (a header field is malformed, or the file is shorter or longer than its "
               "header declares: truncated?)";
    case EDFLIB_MAXFILES_REACHED: return "too many EDF/BDF files open at once";
    case EDFLIB_FILE_READ_ERROR: return "not a valid EDF/BDF file (it ends inside its header: truncated?)";
    case EDFLIB_FILE_ALREADY_OPENED: return "already open for another reading in this process";
    case EDFLIB_FILETYPE_ERROR: return "not an EDF/BDF file";
    case EDFLIB_FILE_IS_DISCONTINUOUS:
        return "a discontinuous EDF+D/BDF+D file (its records have gaps); backline reads continuous files only";
    default: return "cannot be read by edflib";
    }
}

static const char *type_name(int filetype)
{
    switch (filetype) {
    case EDFLIB_FILETYPE_EDF: return "EDF 16-bit";
    case EDFLIB_FILETYPE_EDFPLUS: return "EDF+ 16-bit";
    case EDFLIB_FILETYPE_BDF: return "BDF 24-bit";
    default: return "BDF+ 24-bit";
    }
}

/* Leading and trailing spaces off a header string, and anything but
 * printable ASCII made '?' (the EDF header is ASCII by its specification;
 * a damaged one must not put a control character into a message line). */
static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') s[--n] = '\0';
    size_t lead = strspn(s, " ");
    memmove(s, s + lead, n - lead + 1);
    for (char *q = s; *q; q++)
        if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e) *q = '?';
}

/* µV per physical unit of a voltage dimension (trailing spaces allowed);
 * 0 for anything else. */
static double uv_per_unit(const char *dim)
{
    char d[16];
    size_t n = strlen(dim);
    while (n && dim[n - 1] == ' ') n--;
    if (n == 0 || n >= sizeof d) return 0;
    memcpy(d, dim, n);
    d[n] = '\0';
    /* µ in Latin-1 (0xB5) or UTF-8 (0xC2 0xB5) reads as u. */
    if ((unsigned char)d[0] == 0xB5) d[0] = 'u';
    else if ((unsigned char)d[0] == 0xC2 && (unsigned char)d[1] == 0xB5) memmove(d, d + 1, n), d[0] = 'u';
    if (!strcmp(d, "uV") || !strcmp(d, "UV") || !strcmp(d, "uv")) return 1.0;
    if (!strcmp(d, "mV") || !strcmp(d, "MV") || !strcmp(d, "mv")) return 1e3;
    if (!strcmp(d, "V") || !strcmp(d, "v")) return 1e6;
    if (!strcmp(d, "nV") || !strcmp(d, "nv")) return 1e-3;
    return 0;
}

/* One signal: gain and scale, and its map entry (*named 0 when its label
 * names nothing of ours: then EMG, or AUX for a dimension that is no
 * voltage). */
static void describe_signal(const struct edf_param_struct *p, bl_recording *info, double *scale, size_t c,
                            char *entry, size_t entry_len, int *named)
{
    char dim[sizeof p->physdimension], label[sizeof p->label];
    memcpy(dim, p->physdimension, sizeof dim);
    memcpy(label, p->label, sizeof label);
    double k = uv_per_unit(p->physdimension); /* before trim: µ is not ASCII */
    trim(dim);
    trim(label);
    double fs_uv = k * fmax(fabs(p->phys_max), fabs(p->phys_min));
    if (k > 0 && fs_uv > 0 && isfinite(fs_uv)) {
        scale[c] = k / fs_uv;      /* samples: µV over the full scale */
        info->gain[c] = 1e6 / fs_uv; /* full_scale_v (1 V) / gain × 1e6 = fs_uv */
    } else {
        scale[c] = 1.0;
    }
    *named = bli_label_to_entry(label, entry, entry_len);
    if (!*named)
        snprintf(entry, entry_len, "%s", k > 0 || !dim[0] ? "EMG" : "AUX");
}

/* Labels and dimensions as the keys edf_labels and edf_units (commas in
 * a label become ';'); a list too long for a metadata value is left out
 * with a warning. */
static bl_status store_list(bl_recording *info, const char *key, const struct edf_hdr_struct *h, int units)
{
    char text[BLI_META_VALUE_MAX + 1];
    size_t len = 0;
    int fits = 1;
    for (int c = 0; c < h->edfsignals && fits; c++) {
        char s[32];
        snprintf(s, sizeof s, "%s", units ? h->signalparam[c].physdimension : h->signalparam[c].label);
        trim(s);
        for (char *q = s; *q; q++)
            if (*q == ',') *q = ';';
        int n = snprintf(text + len, sizeof text - len, "%s%s", c ? "," : "", s);
        fits = n >= 0 && (size_t)n < sizeof text - len;
        len += fits ? (size_t)n : 0;
    }
    if (!fits)
        return bli_warn(info, key, "the %d signals' %s take more than %d bytes; not kept", h->edfsignals,
                        units ? "units" : "labels", BLI_META_VALUE_MAX);
    return bli_meta_store(info, key, text);
}

/* The map hinted by the labels, when any names a channel of ours; one
 * warning naming the labels that do not. */
static bl_status hint_map(bl_recording *info, const struct edf_hdr_struct *h, char (*entries)[16], const int *named)
{
    size_t n = (size_t)h->edfsignals, hits = 0;
    for (size_t c = 0; c < n; c++) hits += named[c] != 0;
    if (!hits)
        return BL_OK; /* the labels are not ours: --map names the channels */
    char *text = malloc(16 * n + 1), why[256] = "";
    if (!text) return BL_ENOMEM;
    size_t len = 0;
    for (size_t c = 0; c < n; c++) len += (size_t)sprintf(text + len, "%s%s", c ? "," : "", entries[c]);
    bl_status st = bl_recording_set_map(info, text, why, sizeof why);
    free(text);
    if (st == BL_ENOMEM) return st;
    if (st != BL_OK)
        return bli_warn(info, "map", "the signal labels make no map (%s)", why);
    if (hits == n) return BL_OK;
    char list[200] = "";
    size_t shown = 0, ll = 0;
    for (size_t c = 0; c < n && ll < sizeof list - 40; c++) {
        if (named[c]) continue;
        char label[sizeof h->signalparam[c].label];
        memcpy(label, h->signalparam[c].label, sizeof label);
        trim(label);
        ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%zu \"%s\"", shown++ ? ", " : "", c + 1, label);
    }
    return bli_warn(info, "map", "signal label%s %s%s name%s no channel of ours: unnamed (EMG, or AUX when not a "
                    "voltage); give --map to name %s", n - hits > 1 ? "s" : "", list, shown < n - hits ? ", ..." : "",
                    n - hits > 1 ? "" : "s", n - hits > 1 ? "them" : "it");
}

/* An annotation's text as a marker label: runs of characters a label
 * cannot hold become one '_', cut to BL_MARKER_LABEL_MAX. */
static void marker_label(const char *text, char *out)
{
    size_t n = 0;
    for (const char *p = text; *p && n < BL_MARKER_LABEL_MAX; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (ok) out[n++] = c;
        else if (n && out[n - 1] != '_') out[n++] = '_';
    }
    while (n && out[n - 1] == '_') n--;
    if (!n) memcpy(out, "annotation", n = 10);
    out[n] = '\0';
}

static bl_status read_annotations(bl_recording *info, int handle, long long count)
{
    long long skipped = 0;
    for (long long i = 0; i < count; i++) {
        struct edf_annotation_struct a;
        if (edf_get_annotation(handle, (int)i, &a) != 0) {
            skipped++;
            continue;
        }
        char label[BL_MARKER_LABEL_MAX + 1];
        marker_label(a.annotation, label);
        double t = (double)a.onset / (double)EDFLIB_TIME_DIMENSION;
        bl_status st = i < EDF_MARKERS_MAX ? bl_recording_add_marker(info, t, label) : BL_EINVAL;
        if (st == BL_ENOMEM) return st;
        skipped += st != BL_OK;
    }
    if (skipped)
        return bli_warn(info, "markers", "%lld of %lld annotations not kept as markers (before the start, past "
                        "1e9 s, unreadable, or beyond the first %d)", skipped, count, EDF_MARKERS_MAX);
    return BL_OK;
}

/* Every signal at the rate of the first, or one line saying which is not. */
static bl_status check_rates(const struct edf_hdr_struct *h, const char *path, double *rate, char *why,
                             size_t why_len)
{
    double rec_s = (double)h->datarecord_duration / (double)EDFLIB_TIME_DIMENSION;
    if (h->edfsignals <= 0 || !(rec_s > 0)) {
        bli_set_why(why, why_len, "%s: %s", path, h->edfsignals <= 0 ? "no signals (annotations only)"
                                                                      : "data records of no duration");
        return BL_EFORMAT;
    }
    for (int c = 1; c < h->edfsignals; c++)
        if (h->signalparam[c].smp_in_datarecord != h->signalparam[0].smp_in_datarecord) {
            char first[sizeof h->signalparam[0].label], other[sizeof first];
            memcpy(first, h->signalparam[0].label, sizeof first);
            memcpy(other, h->signalparam[c].label, sizeof other);
            trim(first);
            trim(other);
            bli_set_why(why, why_len,
                        "%s: signals at different sample rates (1 \"%s\" %g Hz, %d \"%s\" %g Hz): backline "
                        "analyses channels at one rate; export them at one rate, or without the others",
                        path, first, h->signalparam[0].smp_in_datarecord / rec_s, c + 1, other,
                        h->signalparam[c].smp_in_datarecord / rec_s);
            return BL_EFORMAT;
        }
    *rate = h->signalparam[0].smp_in_datarecord / rec_s;
    return BL_OK;
}

static bl_status describe(bli_edf *e, const struct edf_hdr_struct *h, double rate, bl_recording **info_out)
{
    size_t n = e->channels;
    bl_recording *info = bli_recording_alloc(n, 1, rate);
    char(*entries)[16] = calloc(n, sizeof *entries);
    int *named = calloc(n, sizeof *named);
    bl_status st = info && entries && named ? BL_OK : BL_ENOMEM;
    for (size_t c = 0; st == BL_OK && c < n; c++)
        describe_signal(&h->signalparam[c], info, e->scale, c, entries[c], sizeof entries[c], &named[c]);
    if (st == BL_OK) {
        snprintf(info->format_name, sizeof info->format_name, "%s", type_name(h->filetype));
        /* The header's start, in the recording's own clock (EDF says no zone). */
        char start[40];
        snprintf(start, sizeof start, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", h->startdate_year % 10000,
                 h->startdate_month % 100, h->startdate_day % 100, h->starttime_hour % 100, h->starttime_minute % 100,
                 h->starttime_second % 100, (int)(h->starttime_subsecond / 10000 % 1000));
        st = bli_meta_store(info, "start_time", start);
    }
    if (st == BL_OK) {
        if ((st = store_list(info, "edf_labels", h, 0)) == BL_OK && (st = store_list(info, "edf_units", h, 1)) == BL_OK &&
            (st = hint_map(info, h, entries, named)) == BL_OK)
            st = read_annotations(info, e->handle, h->annotations_in_file);
    }
    free(entries);
    free(named);
    if (st != BL_OK) {
        bl_recording_destroy(info);
        return st;
    }
    *info_out = info;
    return BL_OK;
}

bl_status bli_edf_open(const char *path, int fd, bli_edf **out, bl_recording **info, size_t *frames, char *why,
                       size_t why_len)
{
    *out = NULL;
    *info = NULL;
    /* The descriptor's own file, whatever became of the name since. */
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    const char *open_path = access(self, R_OK) == 0 ? self : path;
    struct edf_hdr_struct *h = malloc(sizeof *h); /* 150 kB: not on the stack */
    bli_edf *e = calloc(1, sizeof *e);
    if (!h || !e || !(e->path = bli_strdup(path))) {
        free(h);
        bli_edf_close(e);
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    e->handle = -1;
    pthread_mutex_lock(&edf_lock);
    int rc = edfopen_file_readonly(open_path, h, EDFLIB_READ_ALL_ANNOTATIONS);
    pthread_mutex_unlock(&edf_lock);
    if (rc != 0) {
        int code = h->filetype;
        bli_set_why(why, why_len, "%s: %s", path, open_error(code));
        free(h);
        bli_edf_close(e);
        return code == EDFLIB_MALLOC_ERROR ? BL_ENOMEM : BL_EFORMAT;
    }
    e->handle = h->handle;
    e->channels = (size_t)(h->edfsignals > 0 ? h->edfsignals : 0);
    double rate = 0;
    bl_status st = check_rates(h, path, &rate, why, why_len);
    if (st == BL_OK && !(e->scale = calloc(e->channels, sizeof *e->scale))) st = BL_ENOMEM;
    if (st == BL_OK) {
        e->frames = (size_t)h->signalparam[0].smp_in_file;
        if ((st = describe(e, h, rate, info)) == BL_ENOMEM) bli_set_why(why, why_len, "%s: out of memory", path);
    }
    free(h);
    if (st != BL_OK) {
        bli_edf_close(e);
        return st;
    }
    *frames = e->frames;
    *out = e;
    return BL_OK;
}

bl_status bli_edf_read(bli_edf *e, float *interleaved, size_t max_frames, size_t *got, char *why, size_t why_len)
{
    *got = 0;
    size_t n = e->frames - e->frames_read;
    if (n > max_frames) n = max_frames;
    if (n > (size_t)1 << 20) n = (size_t)1 << 20; /* edflib counts in int */
    if (n == 0) return BL_OK;
    if (n > e->buf_cap) {
        double *grown = realloc(e->buf, n * sizeof *grown);
        if (!grown) {
            bli_set_why(why, why_len, "%s: out of memory", e->path);
            return BL_ENOMEM;
        }
        e->buf = grown;
        e->buf_cap = n;
    }
    for (size_t c = 0; c < e->channels; c++) {
        int r = edfread_physical_samples(e->handle, (int)c, (int)n, e->buf);
        if (r < 0 || (size_t)r != n) {
            bli_set_why(why, why_len, "%s: cannot read signal %zu after %zu frames (the file ends early?)", e->path,
                        c + 1, e->frames_read);
            return BL_EFORMAT;
        }
        const double k = e->scale[c];
        for (size_t i = 0; i < n; i++) interleaved[i * e->channels + c] = (float)(e->buf[i] * k);
    }
    e->frames_read += n;
    *got = n;
    return BL_OK;
}

void bli_edf_close(bli_edf *e)
{
    if (!e) return;
    if (e->handle >= 0) {
        pthread_mutex_lock(&edf_lock);
        edfclose_file(e->handle);
        pthread_mutex_unlock(&edf_lock);
    }
    free(e->scale);
    free(e->buf);
    free(e->path);
    free(e);
}
