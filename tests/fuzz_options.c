/* Fuzz target: the tools' option and number parsing. The input is an
 * argument vector (arguments separated by newlines). Each argument goes
 * through the strict number parsers, whose conclusions are checked against
 * the text (an accepted number is made of the allowed characters only and
 * reads back to the same value); the vector goes through the option
 * scanner with the conditioning options and into a bl_envelope_config,
 * which must be one the library accepts whenever the parse succeeded. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backline/envelope.h"
#include "conditioning_args.h"
#include "tool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 48

/* Only characters of the strict syntax: digits, a sign first, and for
 * doubles '.', 'e' or 'E' and an exponent sign. */
static int allowed(const char *s, int fraction)
{
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (isdigit((unsigned char)c)) continue;
        if ((c == '+' || c == '-') && (i == 0 || (fraction && (s[i - 1] == 'e' || s[i - 1] == 'E')))) continue;
        if (fraction && (c == '.' || c == 'e' || c == 'E')) continue;
        return 0;
    }
    return 1;
}

static void check_numbers(const char *s)
{
    double d = 0, lo = 0, hi = 0;
    int k = 0;
    uint64_t u = 0;
    if (tool_parse_double(s, &d) == 0) {
        if (!isfinite(d) || !allowed(s, 1) || strtod(s, NULL) != d) abort();
    }
    if (tool_parse_int(s, &k) == 0) {
        if (!allowed(s, 0) || strtol(s, NULL, 10) != k) abort();
    }
    if (tool_parse_u64(s, &u) == 0) {
        if (!allowed(s, 0) || s[0] == '+' || s[0] == '-' || strtoull(s, NULL, 10) != u) abort();
    }
    if (tool_parse_range(s, &lo, &hi) == 0) {
        const char *colon = strchr(s, ':');
        if (!colon || strchr(colon + 1, ':') || !isfinite(lo) || !isfinite(hi)) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        tool_set_name("fuzz_options");
        quiet = 1;
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 1] = {"prog"};
    int argc = 1;
    for (char *p = text; argc < MAX_ARGS && p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        argv[argc++] = p;
        p = nl ? nl + 1 : NULL;
    }
    for (int i = 1; i < argc; i++) check_numbers(argv[i]);

    static const tool_opt_spec spec[] = {TOOL_CONDITIONING_OPTS, {"--json", 1, 0}, {"--mvc", 1, 1},
                                         {"--lowpass", 1, 0}, {"--help", 0, 0}, {NULL, 0, 0}};
    tool_args a;
    int rc = tool_args_parse(argc, argv, spec, &a);
    if (rc != 0 && rc != 2) abort();
    if (rc == 0) {
        for (size_t i = 0; i < a.n_opts; i++) {
            const tool_opt_spec *s = spec;
            while (s->name && strcmp(s->name, a.opts[i].name)) s++;
            if (!s->name || (s->takes_value != (a.opts[i].value != NULL))) abort();
        }
        bl_envelope_config cfg;
        int c = tool_conditioning_from_args(&a, &cfg);
        if (c != 0 && c != 2) abort();
        if (c == 0) {
            /* What the tools accepted, the library must accept too. */
            if (!(cfg.rate_hz >= BL_MIN_EMG_RATE_HZ) || !(cfg.bandpass_lo_hz > 0) ||
                !(cfg.bandpass_hi_hz > cfg.bandpass_lo_hz) || !(cfg.bandpass_hi_hz < cfg.rate_hz / 2) ||
                cfg.bandpass_order < 1 || cfg.bandpass_order > 8 || (int)cfg.ecg < 0 || cfg.ecg > BL_ECG_OFF)
                abort();
        }
    }
    free(text);
    return 0;
}
