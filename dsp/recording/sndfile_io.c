/* What the recording layer needs of libsndfile: format names and choices,
 * opening for writing, the WAV truncation check libsndfile does not make,
 * and the plain WAV layouts we decode ourselves (where metadata goes is meta_io.c). This layer is the only one that sees
 * sndfile.h.
 *
 * Behaviour of Debian 12's libsndfile 1.2.0 that shaped this layer
 * (measured, see tests/test_recording.c):
 *  - String chunks: a WAV comment longer than 2045 bytes is written but
 *    dropped on read; AIFF files with a comment over 8189 bytes do not open
 *    again; W64 stores no strings at all. Longer metadata therefore goes
 *    into a chunk of our own (meta_io.c).
 *  - Strings set after audio was written: WAV/CAF append a LIST chunk at
 *    close (the early one becomes PAD); FLAC refuses them; AIFF accepts them
 *    but corrupts the audio. The writer only updates late keys for WAV/CAF,
 *    and never after a failed write (the early LIST would already be PAD and
 *    the late one cannot be written, losing the map).
 *  - A chopped WAV is read without error: libsndfile silently shortens the
 *    frame count. We walk the RIFF chunks ourselves to notice.
 *  - FLAC whose encoder was cut short reports an unknown length
 *    (SF_COUNT_MAX), so loading grows its buffers instead of trusting it.
 */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64 /* pread past 2 GB on 32-bit hosts */

#include "sndfile_io.h"


#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "internal.h"
#include "recording_internal.h"

const char *bli_sf_major_name(int major)
{
    switch (major) {
    case SF_FORMAT_WAV: return "WAV";
    case SF_FORMAT_WAVEX: return "WAV";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_AU: return "AU";
    case SF_FORMAT_RAW: return "RAW";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_CAF: return "CAF";
    case SF_FORMAT_OGG: return "Ogg";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_NIST: return "NIST";
    case SF_FORMAT_IRCAM: return "IRCAM";
    case SF_FORMAT_MAT4: return "MAT4";
    case SF_FORMAT_MAT5: return "MAT5";
    default: return "audio";
    }
}

const char *bli_sf_sub_name(int sub)
{
    switch (sub) {
    case SF_FORMAT_PCM_S8: return "PCM 8-bit";
    case SF_FORMAT_PCM_U8: return "PCM 8-bit unsigned";
    case SF_FORMAT_PCM_16: return "PCM 16-bit";
    case SF_FORMAT_PCM_24: return "PCM 24-bit";
    case SF_FORMAT_PCM_32: return "PCM 32-bit";
    case SF_FORMAT_FLOAT: return "float32";
    case SF_FORMAT_DOUBLE: return "float64";
    case SF_FORMAT_ULAW: return "u-law";
    case SF_FORMAT_ALAW: return "A-law";
    case SF_FORMAT_VORBIS: return "Vorbis";
    case SF_FORMAT_OPUS: return "Opus";
    default: return "compressed";
    }
}

/* Major format from the extension of path; 0 if unknown. */
static int major_from_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        return 0;
    char ext[8];
    size_t n = strlen(dot + 1);
    if (n == 0 || n >= sizeof ext)
        return 0;
    for (size_t i = 0; i <= n; i++) {
        char c = dot[1 + i];
        ext[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (strcmp(ext, "wav") == 0) return SF_FORMAT_WAV;
    if (strcmp(ext, "flac") == 0) return SF_FORMAT_FLAC;
    if (strcmp(ext, "aiff") == 0 || strcmp(ext, "aif") == 0) return SF_FORMAT_AIFF;
    if (strcmp(ext, "caf") == 0) return SF_FORMAT_CAF;
    if (strcmp(ext, "w64") == 0) return SF_FORMAT_W64;
    return 0;
}

static int sub_from_format(bl_sample_format f)
{
    switch (f) {
    case BL_FORMAT_PCM16: return SF_FORMAT_PCM_16;
    case BL_FORMAT_PCM24: return SF_FORMAT_PCM_24;
    case BL_FORMAT_PCM32: return SF_FORMAT_PCM_32;
    case BL_FORMAT_FLOAT32: return SF_FORMAT_FLOAT;
    default: return 0;
    }
}

/* Resolve path + sample format to a libsndfile format, with the reasons
 * we refuse. */
bl_status bli_sf_choose_format(const char *path, bl_sample_format f, int *sf_format, char *why,
                               size_t why_len)
{
    int major = major_from_path(path);
    if (!major) {
        bli_set_why(why, why_len,
                "%s: unknown file extension (use .wav, .flac, .aiff, .aif, .caf or .w64)", path);
        return BL_EINVAL;
    }
    int sub = sub_from_format(f);
    if (!sub) {
        bli_set_why(why, why_len, "%s: unknown sample format %d", path, (int)f);
        return BL_EINVAL;
    }
    if (major == SF_FORMAT_FLAC && sub == SF_FORMAT_FLOAT) {
        /* Refuse rather than quietly quantise: a float capture may hold
         * values beyond full scale that 24-bit would clip. */
        bli_set_why(why, why_len, "%s: FLAC cannot store float samples; use PCM 16/24-bit or a .wav file",
                path);
        return BL_EINVAL;
    }
    *sf_format = major | sub;
    return BL_OK;
}

/* Libsndfile stores integer sample rates only. */
int bli_integral_rate(double rate_hz)
{
    return rate_hz >= 1 && rate_hz <= 16777216.0 && rate_hz == floor(rate_hz);
}

/* Whether the container keeps string metadata at all (W64 does not). */
int bli_sf_supports_strings(int major)
{
    return major != SF_FORMAT_W64;
}

/* The RIFF WAVE chunks up to the first data chunk: where it starts, what
 * it declares and what the file holds after its header, and the format
 * chunk's fields when it came first. 0 for anything else (not a regular
 * file, not RIFF/RIFX WAVE, no data chunk). */
typedef struct {
    int big;                    /* RIFX */
    int have_fmt;               /* a fmt chunk before the data */
    unsigned tag, channels, block_align, bits, sub_tag; /* sub_tag: WAVE_FORMAT_EXTENSIBLE's */
    unsigned long long data_pos; /* the data chunk's first sample byte */
    unsigned long long declared, present;
} wav_layout;

static unsigned long long wav_u(const unsigned char *c, int n, int big)
{
    unsigned long long v = 0;
    for (int i = 0; i < n; i++)
        v |= (unsigned long long)c[big ? n - 1 - i : i] << (8 * i);
    return v;
}

static int wav_walk(int fd, wav_layout *w)
{
    memset(w, 0, sizeof *w);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0; /* a pipe has no end to compare with */
    unsigned char h[12];
    if (pread(fd, h, 12, 0) != 12 || memcmp(h + 8, "WAVE", 4) != 0 ||
        (memcmp(h, "RIFF", 4) != 0 && memcmp(h, "RIFX", 4) != 0))
        return 0;
    w->big = memcmp(h, "RIFX", 4) == 0;
    unsigned long long size = (unsigned long long)sb.st_size, pos = 12;
    while (pos + 8 <= size) {
        unsigned char c[8];
        if (pread(fd, c, 8, (off_t)pos) != 8)
            break;
        unsigned long long len = wav_u(c + 4, 4, w->big);
        if (memcmp(c, "data", 4) == 0) {
            w->data_pos = pos + 8;
            w->declared = len;
            w->present = size - pos - 8;
            return 1;
        }
        unsigned char f[26];
        if (memcmp(c, "fmt ", 4) == 0 && len >= 16 && !w->have_fmt) {
            size_t want = len >= 26 ? 26 : 16;
            if (pread(fd, f, want, (off_t)(pos + 8)) == (ssize_t)want) {
                w->have_fmt = 1;
                w->tag = (unsigned)wav_u(f, 2, w->big);
                w->channels = (unsigned)wav_u(f + 2, 2, w->big);
                w->block_align = (unsigned)wav_u(f + 12, 2, w->big);
                w->bits = (unsigned)wav_u(f + 14, 2, w->big);
                w->sub_tag = want == 26 ? (unsigned)wav_u(f + 24, 2, w->big) : 0;
            }
        }
        pos += 8 + len + (len & 1);
    }
    return 0;
}

/* WAV only: does the data chunk declare more bytes than the file holds?
 * libsndfile shortens the frame count silently in that case. Returns 1 and
 * fills declared/present when truncated, 0 otherwise (including any file we
 * cannot parse: libsndfile already accepted it). */
int bli_wav_truncated(int fd, unsigned long long *declared, unsigned long long *present)
{
    wav_layout w;
    if (!wav_walk(fd, &w))
        return 0;
    if (w.declared != 0xFFFFFFFFull && w.declared > w.present) {
        *declared = w.declared;
        *present = w.present;
        return 1;
    }
    return 0;
}

bli_wav_raw bli_wav_raw_data(int fd, size_t channels, unsigned long long *offset)
{
    const union { uint16_t u; unsigned char c[2]; } one = {1};
    wav_layout w;
    if (!one.c[0] || !wav_walk(fd, &w) || w.big || !w.have_fmt || w.channels != channels)
        return BLI_WAV_RAW_NONE; /* RIFF is little-endian: on such a host only */
    unsigned tag = w.tag == 0xFFFE ? w.sub_tag : w.tag; /* WAVE_FORMAT_EXTENSIBLE: its sub-format */
    bli_wav_raw kind = BLI_WAV_RAW_NONE;
    if (tag == 3 && w.bits == 32) /* WAVE_FORMAT_IEEE_FLOAT */
        kind = BLI_WAV_RAW_FLOAT32;
    else if (tag == 1 && w.bits == 16) /* WAVE_FORMAT_PCM */
        kind = BLI_WAV_RAW_PCM16;
    else if (tag == 1 && w.bits == 24)
        kind = BLI_WAV_RAW_PCM24;
    if (kind == BLI_WAV_RAW_NONE || w.block_align != bli_wav_raw_bytes(kind) * channels)
        return BLI_WAV_RAW_NONE;
    *offset = w.data_pos;
    return kind;
}

size_t bli_wav_raw_bytes(bli_wav_raw kind)
{
    return kind == BLI_WAV_RAW_FLOAT32 ? 4 : kind == BLI_WAV_RAW_PCM24 ? 3 : kind == BLI_WAV_RAW_PCM16 ? 2 : 0;
}

/* libsndfile puts an integer sample in the top bits of an int32 and scales
 * by 2^-31 (pcm.c, normalised float); an int24 or int16 is exact in a
 * float, so this is the same value to the bit. 24-bit: four samples (12
 * bytes) at a time, moved into the top bytes of four int32 lanes by one
 * byte shuffle (pshufb where the CPU has it); a per-byte loop was a
 * quarter of a 48 kHz 24-bit envelope. */
typedef unsigned char raw_v16u8 __attribute__((vector_size(16)));
typedef int32_t raw_v4i32 __attribute__((vector_size(16)));
typedef float raw_v4f __attribute__((vector_size(16)));

BL_CLONES static void pcm24_to_float(const unsigned char *in, float *out, size_t n, float scale)
{
    const raw_v16u8 zero = {0};
    size_t i = 0;
    for (; i + 6 <= n; i += 4) { /* the 16-byte load reads 4 bytes past these 4 samples */
        raw_v16u8 b;
        BLI_LD(b, in + 3 * i);
        raw_v4i32 v = (raw_v4i32)BLI_SHUFFLE(b, zero, raw_v16u8, 16, 0, 1, 2, 16, 3, 4, 5, 16, 6, 7, 8, 16, 9, 10, 11);
        raw_v4f f = __builtin_convertvector(v, raw_v4f) * scale;
        BLI_ST(out + i, f);
    }
    for (; i < n; i++) {
        uint32_t u = (uint32_t)in[3 * i] << 8 | (uint32_t)in[3 * i + 1] << 16 | (uint32_t)in[3 * i + 2] << 24;
        out[i] = (float)(int32_t)u * scale;
    }
}

void bli_wav_raw_to_float(bli_wav_raw kind, const unsigned char *in, float *out, size_t n)
{
    const float scale = 1.0f / 2147483648.0f;
    if (kind == BLI_WAV_RAW_FLOAT32) {
        memcpy(out, in, n * sizeof *out);
    } else if (kind == BLI_WAV_RAW_PCM16) {
        for (size_t i = 0; i < n; i++) {
            uint32_t u = (uint32_t)in[2 * i] << 16 | (uint32_t)in[2 * i + 1] << 24;
            out[i] = (float)(int32_t)u * scale;
        }
    } else if (kind == BLI_WAV_RAW_PCM24) {
        pcm24_to_float(in, out, n, scale);
    }
}

int bli_pread_all(int fd, void *buf, size_t bytes, long long at)
{
    size_t done = 0;
    while (done < bytes) {
        ssize_t got = pread(fd, (char *)buf + done, bytes - done, (off_t)(at + (long long)done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        done += (size_t)got;
    }
    return 0;
}

bl_status bli_sf_open_write(const char *path, int sf_format, size_t channels, double rate_hz,
                                SNDFILE **out, char *why, size_t why_len)
{
    if (channels > 1024) {
        bli_set_why(why, why_len, "%s: %zu channels; libsndfile writes at most 1024", path, channels);
        return BL_EINVAL;
    }
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)rate_hz;
    info.channels = (int)channels;
    info.format = sf_format;
    if (!sf_format_check(&info)) {
        bli_set_why(why, why_len, "%s: %s %s cannot hold %zu channels at %d Hz", path,
                bli_sf_major_name(sf_format & SF_FORMAT_TYPEMASK), bli_sf_sub_name(sf_format & SF_FORMAT_SUBMASK),
                channels, info.samplerate);
        return BL_EINVAL;
    }
    errno = 0;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) {
        /* A system error reads better in the system's words than in
         * libsndfile's "System error : ..." wrapping. */
        int sys = errno;
        bli_set_why(why, why_len, "%s: cannot create: %s", path,
                            sf_error(NULL) == SF_ERR_SYSTEM && sys ? strerror(sys) : sf_strerror(NULL));
        return BL_EIO;
    }
    /* Overdriven float must saturate, not wrap around, in integer files;
     * float files ignore this. */
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
    /* The PEAK chunk of float files carries the time of writing: without
     * it the same samples always make the same bytes (deterministic
     * fixtures), and no reader we know of needs it. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    *out = sf;
    return BL_OK;
}

int bli_sf_late_strings_ok(int major)
{
    /* WAV and CAF append late strings correctly; FLAC refuses them and
     * AIFF corrupts its audio (libsndfile 1.2.0). */
    return major == SF_FORMAT_WAV || major == SF_FORMAT_CAF;
}
