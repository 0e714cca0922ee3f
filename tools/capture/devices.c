/* PortAudio start-up, the --list table and --device matching. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

int cap_quietly(int (*fn)(void *), void *arg)
{
    const char *debug = getenv("BL_CAPTURE_DEBUG");
    if (debug && *debug && strcmp(debug, "0") != 0) return fn(arg);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    if (saved < 0 || null_fd < 0) {
        /* Cannot silence: better noisy than not working. */
        if (saved >= 0) close(saved);
        if (null_fd >= 0) close(null_fd);
        return fn(arg);
    }
    dup2(null_fd, STDERR_FILENO);
    close(null_fd);
    int r = fn(arg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    return r;
}

static int do_init(void *arg)
{
    (void)arg;
    return Pa_Initialize();
}

static int do_terminate(void *arg)
{
    (void)arg;
    return Pa_Terminate();
}

int cap_pa_init(void)
{
    PaError e = cap_quietly(do_init, NULL);
    if (e != paNoError) return tool_error("cannot start PortAudio: %s", Pa_GetErrorText(e));
    return 0;
}

void cap_pa_terminate(void)
{
    cap_quietly(do_terminate, NULL);
}

void cap_device_label(int index, char *buf, size_t len)
{
    const PaDeviceInfo *d = Pa_GetDeviceInfo(index);
    const PaHostApiInfo *h = d ? Pa_GetHostApiInfo(d->hostApi) : NULL;
    snprintf(buf, len, "%s (%s)", d && d->name ? d->name : "?", h && h->name ? h->name : "?");
}

int cap_list_devices(void)
{
    int n = Pa_GetDeviceCount();
    if (n < 0) return tool_error("cannot list devices: %s", Pa_GetErrorText(n));
    int def = Pa_GetDefaultInputDevice();
    int shown = 0;
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (!d || d->maxInputChannels <= 0) continue;
        if (!shown) printf("%5s  %-40s  %-12s  %8s  %12s\n", "index", "name", "host API", "channels", "default rate");
        const PaHostApiInfo *h = Pa_GetHostApiInfo(d->hostApi);
        printf("%4d%c  %-40s  %-12s  %8d  %9.0f Hz\n", i, i == def ? '*' : ' ', d->name,
               h ? h->name : "?", d->maxInputChannels, d->defaultSampleRate);
        shown++;
    }
    if (!shown) {
        /* Not an error for a listing, but say it clearly. */
        printf("no input devices found\n");
    } else if (def >= 0) {
        printf("(* = default input device)\n");
    }
    return 0;
}

/* Case-insensitive substring test. */
static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0) return 1;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return 0;
}

static int equal_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

/* Append "INDEX "NAME"" candidates to buf, at most a handful, so the error
 * stays one readable line. */
static void append_candidate(char *buf, size_t len, int shown, int index, const char *name)
{
    size_t used = strlen(buf);
    if (used >= len - 1) return;
    if (shown == 6) {
        snprintf(buf + used, len - used, ", ...");
        return;
    }
    if (shown > 6) return;
    snprintf(buf + used, len - used, "%s%d \"%s\"", shown ? ", " : "", index, name);
}

int cap_find_device(const char *spec)
{
    int n = Pa_GetDeviceCount();
    if (n < 0) {
        tool_error("cannot list devices: %s", Pa_GetErrorText(n));
        return -1;
    }
    if (!spec) {
        int def = Pa_GetDefaultInputDevice();
        if (def < 0 || def >= n) {
            tool_error("no default input device; choose one with --device (see --list)");
            return -1;
        }
        return def;
    }
    int index;
    if (tool_parse_int(spec, &index) == 0) {
        if (index < 0 || index >= n) {
            tool_error("no device with index %d (there are %d; see --list)", index, n);
            return -1;
        }
        const PaDeviceInfo *d = Pa_GetDeviceInfo(index);
        if (!d || d->maxInputChannels <= 0) {
            tool_error("device %d \"%s\" has no inputs (see --list)", index, d ? d->name : "?");
            return -1;
        }
        return index;
    }
    /* By name: an exact (case-insensitive) name wins, else a unique
     * substring match among input devices. */
    int exact = -1, exact_count = 0, match = -1, match_count = 0;
    char candidates[400] = "";
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (!d || d->maxInputChannels <= 0 || !d->name) continue;
        if (equal_ci(d->name, spec)) {
            if (exact_count++ == 0) exact = i;
        }
        if (contains_ci(d->name, spec)) {
            append_candidate(candidates, sizeof candidates, match_count, i, d->name);
            if (match_count++ == 0) match = i;
        }
    }
    if (exact_count == 1) return exact;
    if (match_count == 1) return match;
    if (match_count == 0) {
        char inputs[400] = "";
        int shown = 0;
        for (int i = 0; i < n; i++) {
            const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
            if (!d || d->maxInputChannels <= 0 || !d->name) continue;
            append_candidate(inputs, sizeof inputs, shown++, i, d->name);
        }
        if (shown)
            tool_error("no input device matches \"%s\"; inputs: %s", spec, inputs);
        else
            tool_error("no input device matches \"%s\": no input devices found", spec);
        return -1;
    }
    tool_error("\"%s\" matches %d input devices: %s; give more of the name or the index", spec,
                  match_count, candidates);
    return -1;
}
