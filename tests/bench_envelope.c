/* Envelope throughput, file to file, beside SciPy in the same run.
 *
 *   bench_envelope [--minutes M] [--channels N] [--repeats R] [--rate HZ] [--csv]
 *
 * Writes an N-channel (default 8), M-minute (default 10) float32 WAV at
 * HZ (default 2 kHz; 44100 or 48000 for a sound card's file, which both
 * sides bring to 2 kHz first: backline's decimator, SciPy's resample_poly),
 * then times `backline-analyse envelope --notch off --ecg off` and the SciPy
 * peer (tests/scipy_envelope.py: sosfiltfilt band-pass 20-450 order 4, abs,
 * sosfiltfilt low-pass 6 Hz order 4) on it, each as a child process: best
 * wall time of R runs, peak resident memory of the child (wait4), and the
 * throughput in Msamples/s (channels × frames / time). Prints figures; it
 * asserts nothing, because this machine is noisy: read the ratio. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backline/recording.h"

typedef struct run_result {
    double seconds;     /* best wall time of the repeats */
    double cpu_seconds; /* best user + system CPU time of the repeats */
    double peak_mb;     /* largest peak RSS of the child */
    int ok;
} run_result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static run_result run(char *const argv[], int repeats)
{
    run_result r = {INFINITY, INFINITY, 0, 1};
    for (int i = 0; i < repeats; i++) {
        fflush(stdout);
        double t0 = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout)) _exit(127);
            execv(argv[0], argv);
            _exit(127);
        }
        int status = 0;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
            r.ok = 0;
            return r;
        }
        double dt = now_s() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) r.ok = 0;
        double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                     ru.ru_stime.tv_usec * 1e-6;
        if (dt < r.seconds) r.seconds = dt;
        if (cpu < r.cpu_seconds) r.cpu_seconds = cpu;
        if (ru.ru_maxrss / 1024.0 > r.peak_mb) r.peak_mb = ru.ru_maxrss / 1024.0;
    }
    return r;
}

static int make_input(const char *path, size_t channels, size_t frames, double rate)
{
    bl_recording *rec = NULL;
    if (bl_recording_create(channels, frames, rate, &rec) != BL_OK) return -1;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t c = 0; c < channels; c++) {
        float *x = bl_recording_data(rec, c);
        for (size_t i = 0; i < frames; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            double u = (double)(s >> 11) / 9007199254740992.0 - 0.5;
            double burst = fmod((double)i / rate + c * 0.7, 4.0) < 1.5 ? 1.0 : 0.1;
            x[i] = (float)(0.2 * u * burst);
        }
    }
    char why[256];
    bl_status st = bl_recording_save(rec, path, BL_FORMAT_FLOAT32, why, sizeof why);
    bl_recording_destroy(rec);
    if (st != BL_OK) fprintf(stderr, "bench_envelope: %s\n", why);
    return st == BL_OK ? 0 : -1;
}

static void report(const char *label, run_result r, double msamples)
{
    if (!r.ok) {
        printf("  %-34s FAILED\n", label);
        return;
    }
    printf("  %-36s %7.3f s %7.1f Msamples/s %7.3f s CPU %7.1f MB peak RSS\n", label, r.seconds,
           msamples / r.seconds, r.cpu_seconds, r.peak_mb);
}

int main(int argc, char **argv)
{
    double minutes = 10, rate = 2000;
    int channels = 8, repeats = 3, csv = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--minutes") && i + 1 < argc) minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--channels") && i + 1 < argc) channels = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc) rate = atof(argv[++i]);
        else if (!strcmp(argv[i], "--csv")) csv = 1;
        else {
            fprintf(stderr, "usage: bench_envelope [--minutes M] [--channels N] [--repeats R] [--rate HZ] [--csv]\n");
            return 2;
        }
    }
    if (!(rate >= 2000)) {
        fprintf(stderr, "bench_envelope: --rate must be at least 2000 Hz\n");
        return 2;
    }
    size_t frames = (size_t)(minutes * 60 * rate);
    char dir[] = "/tmp/bl_bench_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char in[256], out_wav[256], out_csv[256], ref_wav[256], ref_csv[256], map[256] = "";
    snprintf(in, sizeof in, "%s/in.wav", dir);
    snprintf(out_wav, sizeof out_wav, "%s/ours.wav", dir);
    snprintf(out_csv, sizeof out_csv, "%s/ours.csv", dir);
    snprintf(ref_wav, sizeof ref_wav, "%s/scipy.wav", dir);
    snprintf(ref_csv, sizeof ref_csv, "%s/scipy.csv", dir);
    static const char *codes[] = {"L.ST", "L.BF", "L.GMAX", "L.ES", "L.EO", "L.VL", "R.ST", "R.BF"};
    for (int c = 0; c < channels; c++)
        snprintf(map + strlen(map), sizeof map - strlen(map), "%s%s", c ? "," : "", c < 8 ? codes[c] : "EMG");
    if (make_input(in, (size_t)channels, frames, rate)) return 1;

    char tool[512], script[512];
    snprintf(tool, sizeof tool, "%s/backline-analyse", BL_TOOLS_DIR);
    snprintf(script, sizeof script, "%s/tests/scipy_envelope.py", BL_SOURCE_DIR);
    double msamples = (double)channels * (double)frames / 1e6;

    char load[64] = "?";
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (!fgets(load, sizeof load, la)) snprintf(load, sizeof load, "?\n");
        fclose(la);
    }
    printf("load average %s(wall-time ratios need a quiet machine; CPU-time ratios are steadier)\n", load);
    printf("envelope benchmark: %d channels x %.1f min at %g Hz = %.1f Msamples, float32 WAV in,\n"
           "band-pass 20-450 Hz order 4 + rectify + 6 Hz low-pass order 4, zero-phase; best of %d runs\n",
           channels, minutes, rate, msamples, repeats);

    char *ours_wav[] = {tool, "envelope", in, "--map", map, "--notch", "off", "--ecg", "off", "-o", out_wav, NULL};
    char *ours_auto[] = {tool, "envelope", in, "--map", map, "-o", out_wav, NULL};
    char *scipy_wav[] = {"/usr/bin/python3", script, in, ref_wav, "--rate", "2000", NULL};
    run_result a = run(ours_wav, repeats);
    run_result b = run(scipy_wav, repeats);
    run_result c = run(ours_auto, repeats);
    report("backline  WAV -> WAV (--notch off --ecg off)", a, msamples);
    report("SciPy     WAV -> WAV", b, msamples);
    report("backline  WAV -> WAV (defaults)", c, msamples);
    if (a.ok && b.ok)
        printf("  speed-up over SciPy: %.1fx wall, %.1fx CPU time; peak memory %.2fx of SciPy's\n",
               b.seconds / a.seconds, b.cpu_seconds / a.cpu_seconds, a.peak_mb / b.peak_mb);
    if (csv) {
        char *ours_c[] = {tool, "envelope", in, "--map", map, "--notch", "off", "--ecg", "off", "-o", out_csv, NULL};
        char *scipy_c[] = {"/usr/bin/python3", script, in, ref_csv, "--rate", "2000", NULL};
        run_result d = run(ours_c, 1), e = run(scipy_c, 1);
        report("backline  WAV -> CSV (--notch off --ecg off)", d, msamples);
        report("SciPy     WAV -> CSV (np.savetxt)", e, msamples);
        if (d.ok && e.ok)
            printf("  CSV speed-up over SciPy: %.1fx wall, %.1fx CPU time\n", e.seconds / d.seconds,
                   e.cpu_seconds / d.cpu_seconds);
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
