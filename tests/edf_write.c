/* edf_write IN OUT.edf|OUT.bdf [--labels A,B,...] [--dimension DIM] [--physical-per-unit K]
 *                               [--annot SECONDS:TEXT]... [--mixed]
 * A recording (any file the library reads, samples as loaded, no
 * calibration applied) written as EDF+ (.edf) or BDF+ (.bdf) for the
 * end-to-end tests (test_edf_cli.sh); --mixed puts the last signal at
 * half the rate. Not a test itself: exits 1 with one line on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edfwrite.h"

#define MAX_ITEMS 64

static size_t split(char *s, const char **out)
{
    size_t n = 0;
    for (char *p = strtok(s, ","); p && n < MAX_ITEMS; p = strtok(NULL, ",")) out[n++] = p;
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: edf_write IN OUT.edf|OUT.bdf [options]\n");
        return 2;
    }
    const char *labels[MAX_ITEMS], *texts[MAX_ITEMS];
    double onsets[MAX_ITEMS];
    size_t n_labels = 0;
    test_edf_spec sp = {0};
    const size_t len = strlen(argv[2]);
    sp.bdf = len > 4 && !strcmp(argv[2] + len - 4, ".bdf");
    sp.annot_s = onsets;
    sp.annot_text = texts;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--mixed")) { sp.halve_last_rate = 1; continue; }
        if (!v) { fprintf(stderr, "edf_write: %s needs a value\n", a); return 2; }
        i++;
        if (!strcmp(a, "--labels")) n_labels = split(argv[i], labels);
        else if (!strcmp(a, "--dimension")) sp.dimension = v;
        else if (!strcmp(a, "--physical-per-unit")) sp.physical_per_unit = atof(v);
        else if (!strcmp(a, "--annot") && sp.n_annot < MAX_ITEMS && strchr(v, ':')) {
            onsets[sp.n_annot] = atof(v);
            texts[sp.n_annot++] = strchr(v, ':') + 1;
        } else { fprintf(stderr, "edf_write: bad option %s\n", a); return 2; }
    }
    char why[512] = "";
    bl_recording *rec = NULL;
    if (bl_recording_load(argv[1], &rec, why, sizeof why) != BL_OK) {
        fprintf(stderr, "edf_write: %s\n", why);
        return 1;
    }
    if (n_labels && n_labels != bl_recording_channels(rec)) {
        fprintf(stderr, "edf_write: %zu labels for %zu channels\n", n_labels, bl_recording_channels(rec));
        return 1;
    }
    sp.labels = n_labels ? labels : NULL;
    int rc = test_edf_write(argv[2], rec, &sp, why, sizeof why);
    if (rc) fprintf(stderr, "edf_write: %s\n", why);
    bl_recording_destroy(rec);
    return rc ? 1 : 0;
}
