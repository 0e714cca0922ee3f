/* Method descriptions come from the configuration that ran: change a
 * setting and the description (tree and sentences) changes with it. Also
 * the description tree itself (doc.h): order, types, lookups, NULL-safety. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backline/doc.h"
#include "backline/envelope.h"
#include "backline/hinge.h"
#include "backline/onset.h"
#include "backline/synth.h"
#include "check.h"

/* The node at a dotted path ("bandpass.low_hz"), or NULL. */
static const bl_doc *at(const bl_doc *d, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && d; tok = strtok(NULL, ".")) d = bl_doc_find(d, tok);
    return d;
}

static void test_doc_tree(void)
{
    bl_doc *d = NULL;
    CHECK_EQ_INT(bl_doc_create(&d), BL_OK);
    bl_doc_add_number(d, "b", 2);
    bl_doc_add_string(d, "a", "x");
    bl_doc_add_number(d, "nan", NAN);
    bl_doc *arr = bl_doc_add_array(d, "list");
    bl_doc_add_bool(arr, NULL, 1);
    bl_doc_add_stringf(arr, NULL, "%d-%s", 7, "y");
    bl_doc_add_number(arr, "keyed", 1); /* a key in an array: refused */
    bl_doc_add_number(d, NULL, 1);      /* no key in an object: refused */
    bl_doc_add_number(NULL, "x", 1);    /* adding to nothing: no-op */
    CHECK_EQ_INT(bl_doc_status(d), BL_OK);
    CHECK_EQ_INT(bl_doc_count(d), 4);
    CHECK(strcmp(bl_doc_key(bl_doc_child(d, 0)), "b") == 0); /* insertion order */
    CHECK(strcmp(bl_doc_key(bl_doc_child(d, 1)), "a") == 0);
    CHECK_EQ_INT(bl_doc_type_of(bl_doc_find(d, "nan")), BL_DOC_NULL);
    CHECK_EQ_INT(bl_doc_count(arr), 2);
    CHECK(bl_doc_bool(bl_doc_child(arr, 0)));
    CHECK(strcmp(bl_doc_string(bl_doc_child(arr, 1)), "7-y") == 0);
    CHECK(isnan(bl_doc_number(bl_doc_find(d, "a"))));
    CHECK(strcmp(bl_doc_string(bl_doc_find(d, "b")), "") == 0);
    CHECK(bl_doc_find(d, "missing") == NULL);
    CHECK(bl_doc_child(d, 99) == NULL);
    CHECK_EQ_INT(bl_doc_create(NULL), BL_EINVAL);
    bl_doc_destroy(d);
    bl_doc_destroy(NULL);
}

static void test_condition(void)
{
    bl_envelope_config cfg;
    bl_envelope_config_default(&cfg);
    bl_condition_report rep = {2000, 2000, 0, 50, 14.2, 9, 2, 0, 1, 61, 64.0, -27.5, 0, 0, 0, ""};
    bl_doc *a = NULL, *b = NULL, *la = NULL, *lb = NULL;
    bl_doc_create(&a);
    bl_doc_create(&b);
    bl_doc_create(&la);
    bl_doc_create(&lb);
    CHECK_EQ_INT(bl_condition_describe(&cfg, &rep, "uV", 1, a, la), BL_OK);
    cfg.lowpass_hz = 4;
    cfg.lowpass_order = 2;
    cfg.bandpass_lo_hz = 30;
    cfg.notch = BL_NOTCH_OFF;
    rep.mains_hz = 0;
    rep.notch_sections = 0;
    CHECK_EQ_INT(bl_condition_describe(&cfg, &rep, "full scale", 0, b, lb), BL_OK);
    CHECK_NEAR(bl_doc_number(at(a, "envelope.lowpass_hz")), 6, 0);
    CHECK(at(b, "envelope") == NULL); /* no envelope asked for */
    CHECK_NEAR(bl_doc_number(at(a, "bandpass.low_hz")), 20, 0);
    CHECK_NEAR(bl_doc_number(at(b, "bandpass.low_hz")), 30, 0);
    CHECK(strcmp(bl_doc_string(at(b, "mains.mode")), "off") == 0);
    CHECK(strcmp(bl_doc_string(at(b, "amplitude_unit")), "full scale") == 0);
    CHECK_MSG(strstr(bl_doc_string(at(la, "band-pass")), "20-450 Hz"), "%s", bl_doc_string(at(la, "band-pass")));
    CHECK_MSG(strstr(bl_doc_string(at(lb, "band-pass")), "30-450 Hz"), "%s", bl_doc_string(at(lb, "band-pass")));
    CHECK_MSG(strstr(bl_doc_string(at(la, "mains")), "50 Hz and harmonics") != NULL, "%s",
              bl_doc_string(at(la, "mains")));
    CHECK(strcmp(bl_doc_string(at(lb, "mains")), "off") == 0);
    CHECK(strstr(bl_doc_string(at(la, "envelope")), "6 Hz low-pass Butterworth order 4") != NULL);
    CHECK(strstr(bl_doc_string(at(lb, "amplitude")), "full-scale") != NULL);
    /* Gains from the file, or from whoever set them (the calibration the
     * report carries): the text says which, and the parameters name it. */
    CHECK(strcmp(bl_doc_string(at(la, "amplitude")), "uV at the electrode (gain from the file)") == 0);
    CHECK(at(a, "amplitude_calibration") == NULL);
    bl_doc *c = NULL, *lc = NULL;
    bl_doc_create(&c);
    bl_doc_create(&lc);
    snprintf(rep.calibration, sizeof rep.calibration, "--unit mV on the command line");
    CHECK_EQ_INT(bl_condition_describe(&cfg, &rep, "uV", 1, c, lc), BL_OK);
    CHECK_MSG(strcmp(bl_doc_string(at(lc, "amplitude")),
                     "uV at the electrode (gain from --unit mV on the command line, not from the file)") == 0,
              "%s", bl_doc_string(at(lc, "amplitude")));
    CHECK(strcmp(bl_doc_string(at(c, "amplitude_calibration")), "--unit mV on the command line") == 0);
    bl_doc_destroy(c);
    bl_doc_destroy(lc);
    CHECK_EQ_INT(bl_condition_describe(NULL, &rep, "uV", 1, a, NULL), BL_EINVAL);
    bl_doc_destroy(a);
    bl_doc_destroy(b);
    bl_doc_destroy(la);
    bl_doc_destroy(lb);
}

static void test_onsets(void)
{
    bl_onset_config oc;
    bl_onset_config_default(&oc);
    bl_doc *a = NULL, *la = NULL;
    bl_doc_create(&a);
    bl_doc_create(&la);
    CHECK_EQ_INT(bl_onset_describe(&oc, a, la), BL_OK);
    CHECK_NEAR(bl_doc_number(at(a, "k")), 8, 0);
    CHECK(bl_doc_bool(at(a, "edge_refinement.enabled")));
    CHECK(strstr(bl_doc_string(at(la, "threshold")), "mean + 8 SD; baseline = quietest 2 s window") != NULL);
    CHECK(strstr(bl_doc_string(at(la, "bursts")), "edges refined to mean + 2 SD") != NULL);
    bl_doc_destroy(a);
    bl_doc_destroy(la);

    bl_onset_config_default_method(&oc, BL_ONSET_TKEO);
    oc.k = 5;
    oc.backtrack_k = -1;
    oc.baseline_start_s = 0;
    oc.baseline_end_s = 1.5;
    oc.tkeo_lowpass_hz = 30;
    bl_doc_create(&a);
    bl_doc_create(&la);
    CHECK_EQ_INT(bl_onset_describe(&oc, a, la), BL_OK);
    CHECK(strcmp(bl_doc_string(at(a, "method")), "tkeo") == 0);
    CHECK_NEAR(bl_doc_number(at(a, "k")), 5, 0);
    CHECK(!bl_doc_bool(at(a, "edge_refinement.enabled")));
    CHECK(strcmp(bl_doc_string(at(a, "baseline.mode")), "given") == 0);
    CHECK_NEAR(bl_doc_number(at(a, "baseline.end_s")), 1.5, 0);
    CHECK_NEAR(bl_doc_number(at(a, "tkeo.lowpass_hz")), 30, 0);
    CHECK(strstr(bl_doc_string(at(la, "threshold")), "mean + 5 SD; baseline 0-1.5 s (given)") != NULL);
    CHECK(strstr(bl_doc_string(at(la, "tkeo")), "30 Hz low-pass") != NULL);
    CHECK(strstr(bl_doc_string(at(la, "bursts")), "refined") == NULL);
    /* The unit and the input follow the method. */
    CHECK(strcmp(bl_onset_signal_unit(BL_ONSET_TKEO, "uV"), "uV^2") == 0);
    CHECK(strcmp(bl_onset_signal_unit(BL_ONSET_BASELINE, "full scale"), "FS") == 0);
    CHECK_EQ_INT(bl_onset_method_input(BL_ONSET_BASELINE), BL_ONSET_ON_ENVELOPE);
    CHECK_EQ_INT(bl_onset_method_input(BL_ONSET_DOUBLE), BL_ONSET_ON_CONDITIONED);
    bl_doc_destroy(a);
    bl_doc_destroy(la);
}

/* A short synthetic set analysed twice with different settings. */
static bl_hinge *analyse(const bl_hinge_config *cfg)
{
    bl_synth_config sc;
    bl_synth_config_default(&sc);
    sc.seed = 3;
    sc.map = "L.ST,L.BF,L.GMAX";
    bl_synth *s = NULL;
    bl_recording *rec = NULL;
    bl_hinge *h = NULL;
    bl_synth_hinge_config hc;
    bl_synth_hinge_config_default(&hc);
    hc.reps = 2;
    CHECK_EQ_INT(bl_synth_create(&sc, &s, NULL, 0), BL_OK);
    if (s && bl_synth_hinge(s, &hc, &rec, NULL) == BL_OK) {
        CHECK_EQ_INT(bl_recording_to_microvolts(rec), BL_OK);
        char why[256] = "";
        CHECK_MSG(bl_hinge_analyse(rec, NULL, 0, cfg, &h, why, sizeof why) == BL_OK, "%s", why);
    }
    bl_recording_destroy(rec);
    bl_synth_destroy(s);
    return h;
}

static void test_hinge(void)
{
    bl_hinge_config cfg;
    bl_hinge_config_default(&cfg);
    bl_hinge *h1 = analyse(&cfg);
    cfg.onset_rise_fraction = 0.2;
    cfg.mvc.window_s = 0.25;
    cfg.weight_trunk = 0.5;
    cfg.chain[BL_MUSCLE_ST] = BL_CHAIN_EXTERNAL;
    bl_hinge *h2 = analyse(&cfg);
    if (!h1 || !h2) {
        bl_hinge_destroy(h1);
        bl_hinge_destroy(h2);
        return;
    }
    bl_doc *a = NULL, *b = NULL, *la = NULL, *lb = NULL;
    bl_doc_create(&a);
    bl_doc_create(&b);
    bl_doc_create(&la);
    bl_doc_create(&lb);
    CHECK_EQ_INT(bl_hinge_describe(h1, "session.wav", NULL, a, la), BL_OK);
    CHECK_EQ_INT(bl_hinge_describe(h2, NULL, NULL, b, lb), BL_OK);
    CHECK_NEAR(bl_doc_number(at(a, "onsets.rise_fraction")), 0.1, 0);
    CHECK_NEAR(bl_doc_number(at(b, "onsets.rise_fraction")), 0.2, 0);
    CHECK_MSG(strstr(bl_doc_string(at(a, "onsets.method")), "through 10 % of the repetition's own") != NULL,
              "%s", bl_doc_string(at(a, "onsets.method")));
    CHECK(strstr(bl_doc_string(at(b, "onsets.method")), "through 20 % of the repetition's own") != NULL);
    CHECK_NEAR(bl_doc_number(at(b, "normalisation.window_s")), 0.25, 0);
    CHECK_NEAR(bl_doc_number(at(b, "torque_chain.weight_trunk")), 0.5, 0);
    CHECK(at(a, "torque_chain.override") == NULL);
    CHECK(strcmp(bl_doc_string(at(b, "torque_chain.override")), "ST=external") == 0);
    CHECK(strcmp(bl_doc_string(at(b, "torque_chain.table.ST")), "external") == 0);
    CHECK(strcmp(bl_doc_string(at(a, "normalisation.method")), "session-peak") == 0);
    /* Provenance: the session named where its peak was the reference. */
    /* (channel names contain dots: walk to them instead of a dotted path) */
    const bl_doc *pc = at(a, "normalisation.per_channel");
    const bl_doc *st = pc ? bl_doc_find(pc, "L.ST") : NULL;
    CHECK(st && strcmp(bl_doc_string(bl_doc_child(bl_doc_find(st, "files"), 0)), "session.wav") == 0);
    /* The segmentation weights are the function's. */
    char w[32];
    snprintf(w, sizeof w, "GMAX %g", bl_hinge_segment_weight(BL_MUSCLE_GMAX));
    CHECK_MSG(strstr(bl_doc_string(at(a, "segmentation.signal")), w) != NULL, "%s",
              bl_doc_string(at(a, "segmentation.signal")));
    CHECK(strstr(bl_doc_string(at(la, "normalisation")), "largest 0.5 s moving average") != NULL);
    CHECK(strstr(bl_doc_string(at(lb, "normalisation")), "largest 0.25 s moving average") != NULL);
    CHECK(bl_doc_find(la, "band-pass") != NULL); /* the conditioning sentences come first */
    CHECK_EQ_INT(bl_hinge_describe(NULL, NULL, NULL, a, la), BL_EINVAL);
    bl_doc_destroy(a);
    bl_doc_destroy(b);
    bl_doc_destroy(la);
    bl_doc_destroy(lb);
    bl_hinge_destroy(h1);
    bl_hinge_destroy(h2);
}

int main(void)
{
    test_doc_tree();
    test_condition();
    test_onsets();
    test_hinge();
    return test_finish("test_describe");
}
