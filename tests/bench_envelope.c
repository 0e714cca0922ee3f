/* Envelope and hinge throughput, file to file, beside SciPy in the same run.
 *
 *   bench_envelope [--minutes M] [--channels N] [--repeats R] [--rate HZ]
 *                  [--format float|pcm24] [--hum] [--csv] [--hinge]
 *
 * Writes an N-channel (default 8), M-minute (default 10) WAV at HZ
 * (default 2 kHz; 44100 or 48000 for a sound card's file, which both sides
 * bring to 2 kHz first: backline's decimator, SciPy's resample_poly), of
 * noise bursts, with --hum a 50 Hz hum and its odd harmonics that
 * `--notch auto` must find. Then times each command as a child process:
 * median wall and CPU (user + system) time of R runs and the largest peak
 * resident memory (wait4), against the SciPy peer (tests/scipy_envelope.py:
 * [resample_poly,] [iirnotch filtfilt at 50 Hz and harmonics,] sosfiltfilt
 * band-pass 20-450 order 4, abs, sosfiltfilt low-pass 6 Hz order 4).
 * --hinge times `backline-analyse hinge` on the same file and relates its
 * peak memory to the analysis-rate envelopes it must hold.
 *
 * It also prints the machine (load, CPU model, the vector extensions the
 * kernels' clones use) and a floor: the floating-point operations per
 * sample of the pipeline that ran against the CPU's peak, and the time to
 * read and write the same bytes. It asserts nothing: this machine is
 * noisy, so read the ratios, CPU time first. */
#define _GNU_SOURCE
#include <fcntl.h>
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
#include "backline/resample.h"

#define MAX_REPEATS 15

typedef struct run_result {
    double seconds;     /* median wall time of the repeats */
    double cpu_seconds; /* median user + system CPU time */
    double peak_mb;     /* largest peak RSS of the child */
    int ok;
} run_result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static run_result run(char *const argv[], int repeats)
{
    run_result r = {0, 0, 0, 1};
    double wall[MAX_REPEATS], cpu[MAX_REPEATS];
    for (int i = 0; i < repeats; i++) {
        fflush(stdout);
        double t0 = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
            execv(argv[0], argv);
            _exit(127);
        }
        int status = 0;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
            r.ok = 0;
            return r;
        }
        wall[i] = now_s() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) r.ok = 0;
        cpu[i] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec * 1e-6;
        if (ru.ru_maxrss / 1024.0 > r.peak_mb) r.peak_mb = ru.ru_maxrss / 1024.0;
    }
    r.seconds = median(wall, repeats);
    r.cpu_seconds = median(cpu, repeats);
    return r;
}

static int make_input(const char *path, size_t channels, size_t frames, double rate, bl_sample_format fmt, int hum)
{
    bl_recording *rec = NULL;
    if (bl_recording_create(channels, frames, rate, &rec) != BL_OK) return -1;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t c = 0; c < channels; c++) {
        float *x = bl_recording_data(rec, c);
        for (size_t i = 0; i < frames; i++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            double u = (double)(s >> 11) / 9007199254740992.0 - 0.5, t = (double)i / rate;
            double burst = fmod(t + c * 0.7, 4.0) < 1.5 ? 1.0 : 0.1;
            double h = hum ? 0.01 * sin(2 * M_PI * 50 * t + c) + 0.004 * sin(2 * M_PI * 150 * t) +
                                 0.002 * sin(2 * M_PI * 250 * t)
                           : 0;
            x[i] = (float)(0.2 * u * burst + h);
        }
    }
    char why[256];
    bl_status st = bl_recording_save(rec, path, fmt, why, sizeof why);
    bl_recording_destroy(rec);
    if (st != BL_OK) fprintf(stderr, "bench_envelope: %s\n", why);
    return st == BL_OK ? 0 : -1;
}

static void report(const char *label, run_result r, double msamples)
{
    if (!r.ok) {
        printf("  %-46s FAILED\n", label);
        return;
    }
    printf("  %-46s %7.3f s %7.1f Msamples/s %7.3f s CPU %8.1f MB peak RSS\n", label, r.seconds,
           msamples / r.seconds, r.cpu_seconds, r.peak_mb);
}

static void ratio(const char *what, run_result ours, run_result peer)
{
    if (ours.ok && peer.ok)
        printf("  %s: %.1fx SciPy by CPU time, %.1fx by wall time; peak memory %.2fx of SciPy's\n", what,
               peer.cpu_seconds / ours.cpu_seconds, peer.seconds / ours.seconds, ours.peak_mb / peer.peak_mb);
}

/* CPU model, cores, and the extensions the kernels' clones choose from. */
static double print_machine(void)
{
    char load[64] = "?\n", line[4096], model[256] = "?";
    double mhz = 0;
    int avx2 = 0, avx512 = 0, fma = 0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(load, sizeof load, f)) snprintf(load, sizeof load, "?\n");
        fclose(f);
    }
    if ((f = fopen("/proc/cpuinfo", "r"))) {
        while (fgets(line, sizeof line, f)) {
            if (!strncmp(line, "model name", 10) && model[0] == '?') snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            if (!strncmp(line, "cpu MHz", 7) && mhz == 0) mhz = atof(strchr(line, ':') + 1);
            if (!strncmp(line, "flags", 5)) {
                avx2 |= strstr(line, " avx2") != NULL;
                avx512 |= strstr(line, " avx512f") != NULL;
                fma |= strstr(line, " fma") != NULL;
            }
        }
        fclose(f);
    }
    model[strcspn(model, "\n")] = '\0';
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("machine: %s, %ld cores at %.0f MHz; the kernels' %s clone runs (FMA in the CPU: %s); load average %s",
           model, cores, mhz, avx512 ? "AVX-512" : avx2 ? "AVX2" : "baseline", fma ? "yes" : "no", load);
    /* The CPU's double-precision peak: 4 (AVX2) or 8 (AVX-512) lanes, two
     * fused multiply-add units, 2 flops each, per cycle per core. */
    double lanes = avx512 ? 8 : avx2 ? 4 : 2;
    return (double)cores * mhz * 1e6 * lanes * 2 * (fma ? 2 : 1);
}

/* Seconds to read `path` and to write `out_bytes` (the envelopes' size) to
 * a new file beside it: what file-to-file work cannot go below. */
static void io_floor(const char *path, const char *scratch, long long out_bytes, double *read_s, double *write_s)
{
    static char buf[1 << 20];
    *read_s = *write_s = NAN;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    double t0 = now_s();
    long long total = 0;
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) total += n;
    (void)total; /* the bytes read: the loop is the measurement */
    *read_s = now_s() - t0;
    close(fd);
    if ((fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) return;
    t0 = now_s();
    for (long long left = out_bytes; left > 0;) {
        ssize_t n = write(fd, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf);
        if (n <= 0) break;
        left -= n;
    }
    close(fd);
    *write_s = now_s() - t0;
    unlink(scratch);
}

/* Floating-point operations per input sample of the envelope pipeline:
 * each biquad section 9 per direction (5 multiplies, 4 adds), forward and
 * backward; the notches at 50 Hz and harmonics below 450 Hz when on; the
 * rectifier; the decimator's taps per output at each stage (a multiply
 * and an add each), divided by the decimation to that stage's output. */
static double flops_per_sample(double rate, int notches)
{
    double at_2k = 2 * 9 * (4 + 2) + 1 + (notches ? 2 * 9 * 9 : 0), per_input = 0;
    bl_decimator *d = NULL;
    if (rate > 2000 && bl_decimator_create(1, rate, 2000, &d) == BL_OK) {
        for (size_t k = 0; k < bl_decimator_stages(d); k++) {
            bl_decimator_stage s;
            bl_decimator_get_stage(d, k, &s);
            per_input += 2.0 * ((double)s.taps / (double)s.up) * s.out_rate_hz / rate;
        }
    }
    bl_decimator_destroy(d);
    return per_input + at_2k * 2000 / rate;
}

int main(int argc, char **argv)
{
    double minutes = 10, rate = 2000;
    int channels = 8, repeats = 3, csv = 0, hum = 0, hinge = 0;
    bl_sample_format fmt = BL_FORMAT_FLOAT32;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--minutes") && i + 1 < argc) minutes = atof(argv[++i]);
        else if (!strcmp(argv[i], "--channels") && i + 1 < argc) channels = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rate") && i + 1 < argc) rate = atof(argv[++i]);
        else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            const char *f = argv[++i];
            fmt = !strcmp(f, "pcm24") ? BL_FORMAT_PCM24 : BL_FORMAT_FLOAT32;
        } else if (!strcmp(argv[i], "--hum")) hum = 1;
        else if (!strcmp(argv[i], "--csv")) csv = 1;
        else if (!strcmp(argv[i], "--hinge")) hinge = 1;
        else {
            fprintf(stderr, "usage: bench_envelope [--minutes M] [--channels N] [--repeats R] [--rate HZ] "
                            "[--format float|pcm24] [--hum] [--csv] [--hinge]\n");
            return 2;
        }
    }
    if (!(rate >= 2000) || repeats < 1 || repeats > MAX_REPEATS || channels < 1 || channels > 8) {
        fprintf(stderr, "bench_envelope: --rate at least 2000 Hz, --repeats 1..%d, --channels 1..8\n", MAX_REPEATS);
        return 2;
    }
    size_t frames = (size_t)(minutes * 60 * rate);
    char dir[] = "/tmp/bl_bench_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char in[256], out_wav[256], out_csv[256], ref_wav[256], ref_csv[256], scratch[256], json[256], map[256] = "";
    snprintf(in, sizeof in, "%s/in.wav", dir);
    snprintf(out_wav, sizeof out_wav, "%s/ours.wav", dir);
    snprintf(out_csv, sizeof out_csv, "%s/ours.csv", dir);
    snprintf(ref_wav, sizeof ref_wav, "%s/scipy.wav", dir);
    snprintf(ref_csv, sizeof ref_csv, "%s/scipy.csv", dir);
    snprintf(scratch, sizeof scratch, "%s/io.bin", dir);
    snprintf(json, sizeof json, "%s/hinge.json", dir);
    static const char *codes[] = {"L.ST", "L.BF", "L.GMAX", "L.ES", "L.EO", "L.VL", "R.ST", "R.BF"};
    for (int c = 0; c < channels; c++)
        snprintf(map + strlen(map), sizeof map - strlen(map), "%s%s", c ? "," : "", codes[c]);
    if (make_input(in, (size_t)channels, frames, rate, fmt, hum)) return 1;

    char tool[512], script[512];
    snprintf(tool, sizeof tool, "%s/backline-analyse", BL_TOOLS_DIR);
    snprintf(script, sizeof script, "%s/tests/scipy_envelope.py", BL_SOURCE_DIR);
    double msamples = (double)channels * (double)frames / 1e6;
    double peak_flops = print_machine();
    printf("%d channels x %.1f min at %g Hz, %s WAV%s = %.1f Msamples in; envelopes at 2 kHz out; median of %d "
           "runs\n",
           channels, minutes, rate, fmt == BL_FORMAT_PCM24 ? "24-bit" : "float", hum ? " with 50 Hz hum" : "",
           msamples, repeats);

    char *ours_off[] = {tool, "envelope", in, "--map", map, "--notch", "off", "--ecg", "off", "-o", out_wav, NULL};
    char *ours_auto[] = {tool, "envelope", in, "--map", map, "--ecg", "off", "-o", out_wav, NULL};
    char *ours_def[] = {tool, "envelope", in, "--map", map, "-o", out_wav, NULL};
    char *scipy_off[] = {"/usr/bin/python3", script, in, ref_wav, "--rate", "2000", NULL};
    char *scipy_notch[] = {"/usr/bin/python3", script, in, ref_wav, "--rate", "2000", "--notch", "50", NULL};
    run_result a = run(ours_off, repeats), b = run(scipy_off, repeats);
    report("backline  envelope --notch off --ecg off", a, msamples);
    report("SciPy     the same pipeline", b, msamples);
    ratio("--notch off", a, b);
    run_result c = run(ours_auto, repeats), d = run(scipy_notch, repeats), e = run(ours_def, repeats);
    report("backline  envelope --notch auto --ecg off", c, msamples);
    report("SciPy     with iirnotch at 50 Hz and harmonics", d, msamples);
    ratio(hum ? "--notch auto (hum present, notched)" : "--notch auto (no hum: nothing notched)", c, d);
    report("backline  envelope, defaults (ECG removal on)", e, msamples);

    if (csv) {
        char *ours_c[] = {tool, "envelope", in, "--map", map, "--notch", "off", "--ecg", "off", "-o", out_csv, NULL};
        char *scipy_c[] = {"/usr/bin/python3", script, in, ref_csv, "--rate", "2000", NULL};
        run_result f = run(ours_c, 1), g = run(scipy_c, 1);
        report("backline  envelope to CSV", f, msamples);
        report("SciPy     to CSV (np.savetxt)", g, msamples);
        ratio("CSV", f, g);
    }
    if (hinge) {
        char *ours_h[] = {tool, "hinge", in, "--map", map, "--json", json, NULL};
        run_result h = run(ours_h, repeats);
        report("backline  hinge (no MVC trials)", h, msamples);
        double env_mb = (double)channels * (double)frames * 2000 / rate * 4 / 1e6;
        if (h.ok)
            printf("  hinge peak memory %.1f MB = %.2fx its %.1f MB of analysis-rate envelopes\n", h.peak_mb,
                   h.peak_mb / env_mb, env_mb);
    }

    /* The floor: compute at the CPU's peak, and the bytes in and out. */
    double rd, wr, fl = flops_per_sample(rate, hum);
    io_floor(in, scratch, (long long)((double)channels * (double)frames * 2000 / rate) * 4, &rd, &wr);
    double compute_s = fl * msamples * 1e6 / peak_flops;
    printf("  floor: %.0f flops per input sample (%s) = %.2f GFLOP, %.3f s at the %.0f GFLOP/s double peak; "
           "reading the input %.3f s, writing the envelopes' bytes %.3f s\n",
           fl, hum ? "decimation, 9 notches, band-pass, envelope" : "decimation, band-pass, envelope",
           fl * msamples / 1e3, compute_s, peak_flops / 1e9, rd, wr);
    run_result best = hum ? c : a;
    if (best.ok)
        printf("  backline's CPU time is %.1fx that floor (compute + read + write)\n",
               best.cpu_seconds / (compute_s + rd + wr));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
