/* Streaming reader: any file libsndfile reads, and EDF/BDF through edflib
 * (edf_io.c, chosen by the file's first bytes, not its name), block by
 * block, with the truncation checks libsndfile does not make.
 * bl_recording_load is built on it; tools that copy or stream files use
 * it instead of libsndfile.
 *
 * A plain WAV (float32, 16- or 24-bit PCM, little-endian, of known length)
 * is read with pread and converted here: libsndfile's decode and copy were
 * a third of a 48 kHz 24-bit envelope. The first block is read both ways
 * and must match to the byte, else the file is read through libsndfile
 * after all, so the shortcut can change no result. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "edf_io.h"
#include "recording_internal.h"
#include "sndfile_io.h"

struct bl_reader {
    SNDFILE *sf;
    bli_edf *edf;       /* an EDF/BDF file (sf NULL) */
    int fd;
    char *path;
    size_t channels;
    int known;          /* the header declares a length */
    size_t declared;    /* that length, frames */
    size_t frames_read;
    int ended;          /* the end (or a cut) was reached */
    bli_wav_raw raw;    /* a plain WAV read here (BLI_WAV_RAW_NONE: by libsndfile) */
    long long raw_at;   /* byte offset of the next frame */
    unsigned char *raw_buf;
    size_t raw_cap;     /* bytes */
    bl_recording *info; /* 0 frames: map, gains, full scale, keys, format */
};

/* The file is opened once, by bl_reader_open (a FIFO cannot be opened
 * twice). libsndfile gets a duplicate of the descriptor and owns it: it
 * closes it at sf_close, and on a failed open already (whatever
 * close_desc says), so that copy is never closed here. We keep the
 * original for the truncation check (pread) and close it ourselves. */
static bl_status open_file(const char *path, int fd, SNDFILE **out, SF_INFO *info, char *why, size_t why_len)
{
    memset(info, 0, sizeof *info);
    int sf_fd = dup(fd);
    if (sf_fd < 0) {
        bli_set_why(why, why_len, "%s: cannot open: %s", path, strerror(errno));
        return BL_EIO;
    }
    SNDFILE *sf = sf_open_fd(sf_fd, SFM_READ, info, SF_TRUE);
    if (!sf) {
        int err = sf_error(NULL);
        if (err == SF_ERR_UNRECOGNISED_FORMAT)
            bli_set_why(why, why_len, "%s: not an audio or EDF/BDF file (format not recognised)", path);
        else
            bli_set_why(why, why_len, "%s: cannot open: %s", path, sf_strerror(NULL));
        return err == SF_ERR_SYSTEM ? BL_EIO : BL_EFORMAT;
    }
    *out = sf;
    return BL_OK;
}

/* Channels, rate, declared length and the WAV truncation check. */
static bl_status check_header(bl_reader *r, const SF_INFO *info, int fd, char *why, size_t why_len)
{
    if (info->channels <= 0 || info->samplerate <= 0) {
        bli_set_why(why, why_len, "%s: header gives %d channels at %d Hz", r->path, info->channels,
                    info->samplerate);
        return BL_EFORMAT;
    }
    r->channels = (size_t)info->channels;
    r->known = info->frames > 0 && info->frames != SF_COUNT_MAX;
    r->declared = r->known ? (size_t)info->frames : 0;
    int major = info->format & SF_FORMAT_TYPEMASK;
    unsigned long long declared = 0, present = 0;
    if ((major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX) && bli_wav_truncated(fd, &declared, &present)) {
        bli_set_why(why, why_len, "%s: truncated: data chunk declares %llu bytes, file holds %llu (%zu frames)",
                    r->path, declared, present, r->declared);
        return BL_EFORMAT;
    }
    return BL_OK;
}

/* What the file says about itself, as a recording without frames. */
static bl_status read_description(bl_reader *r, const SF_INFO *info, char *why, size_t why_len)
{
    r->info = bli_recording_alloc(r->channels, 1, (double)info->samplerate);
    if (!r->info) {
        bli_set_why(why, why_len, "%s: out of memory", r->path);
        return BL_ENOMEM;
    }
    snprintf(r->info->format_name, sizeof r->info->format_name, "%s %s",
             bli_sf_major_name(info->format & SF_FORMAT_TYPEMASK),
             bli_sf_sub_name(info->format & SF_FORMAT_SUBMASK));
    if (bli_meta_read(r->sf, r->fd, r->info) != BL_OK) {
        bli_set_why(why, why_len, "%s: out of memory reading metadata", r->path);
        return BL_ENOMEM;
    }
    return BL_OK;
}

/* An EDF/BDF file: edflib describes it and reads it; the descriptor
 * stays open for what the spool asks of it (nothing: it is no WAV). */
static bl_status open_edf(bl_reader *r, char *why, size_t why_len)
{
    bl_status st = bli_edf_open(r->path, r->fd, &r->edf, &r->info, &r->declared, why, why_len);
    if (st != BL_OK)
        return st;
    r->channels = r->info->channels;
    r->known = 1;
    return BL_OK;
}

bl_status bl_reader_open(const char *path, bl_reader **out, char *why, size_t why_len)
{
    if (out)
        *out = NULL;
    if (!path || !out) {
        bli_set_why(why, why_len, "reader: NULL argument");
        return BL_EINVAL;
    }
    bli_clear_why(why, why_len);
    bl_reader *r = calloc(1, sizeof *r);
    if (r)
        r->fd = -1; /* not open: close must not close descriptor 0 */
    if (!r || !(r->path = bli_strdup(path))) {
        free(r);
        bli_set_why(why, why_len, "%s: out of memory", path);
        return BL_ENOMEM;
    }
    if ((r->fd = open(path, O_RDONLY)) < 0) {
        bli_set_why(why, why_len, "%s: cannot open: %s", path, strerror(errno));
        bl_reader_close(r);
        return BL_EIO;
    }
    if (bli_edf_sniff(r->fd)) {
        bl_status st = open_edf(r, why, why_len);
        if (st != BL_OK) {
            bl_reader_close(r);
            return st;
        }
        *out = r;
        return BL_OK;
    }
    SF_INFO info;
    bl_status st = open_file(path, r->fd, &r->sf, &info, why, why_len);
    if (st == BL_OK)
        st = check_header(r, &info, r->fd, why, why_len);
    if (st == BL_OK) {
        /* Integers map to [-1, 1); float files keep their values (libsndfile
         * never rescales float data read as float). Explicit because the
         * default is a library setting, not a promise. */
        sf_command(r->sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
        st = read_description(r, &info, why, why_len);
    }
    unsigned long long offset = 0;
    if (st == BL_OK && r->known && (r->raw = bli_wav_raw_data(r->fd, r->channels, &offset)) != BLI_WAV_RAW_NONE)
        r->raw_at = (long long)offset;
    if (st != BL_OK) {
        bl_reader_close(r);
        return st;
    }
    *out = r;
    return BL_OK;
}

const bl_recording *bl_reader_info(const bl_reader *r)
{
    return r ? r->info : NULL;
}

size_t bl_reader_declared_frames(const bl_reader *r)
{
    return r ? r->declared : 0;
}

int bli_reader_fd(const bl_reader *r)
{
    return r ? r->fd : -1;
}

size_t bl_reader_frames_read(const bl_reader *r)
{
    return r ? r->frames_read : 0;
}

/* At the end of the data: a decoding error or a file shorter than its
 * header is an error, except a stream of unknown length (a FLAC whose
 * writer was cut short by a full disk or a crash), which keeps what decoded
 * and says so in its truncated=1 key. */
static bl_status finish(bl_reader *r, char *why, size_t why_len)
{
    r->ended = 1;
    if (sf_error(r->sf) != SF_ERR_NO_ERROR) {
        if (r->known || r->frames_read == 0) {
            bli_set_why(why, why_len, "%s: cannot decode after %zu frames: %s", r->path, r->frames_read,
                        sf_strerror(r->sf));
            return BL_EFORMAT;
        }
        if (bli_meta_store(r->info, "truncated", "1") != BL_OK) {
            bli_set_why(why, why_len, "%s: out of memory", r->path);
            return BL_ENOMEM;
        }
        return BL_OK;
    }
    if (r->known && r->frames_read < r->declared) {
        bli_set_why(why, why_len, "%s: truncated: header declares %zu frames, file holds %zu", r->path,
                    r->declared, r->frames_read);
        return BL_EFORMAT;
    }
    return BL_OK;
}

/* n frames of the plain WAV into `out` (interleaved floats); -1 when the
 * file ends first or cannot be read, or out of memory. */
static int raw_read(bl_reader *r, float *out, size_t n)
{
    size_t samples = n * r->channels, bytes = samples * bli_wav_raw_bytes(r->raw);
    errno = 0;
    void *dst = out;
    if (r->raw != BLI_WAV_RAW_FLOAT32) {
        if (bytes > r->raw_cap) {
            unsigned char *grown = realloc(r->raw_buf, bytes);
            if (!grown)
                return -1;
            r->raw_buf = grown;
            r->raw_cap = bytes;
        }
        dst = r->raw_buf;
    }
    if (bli_pread_all(r->fd, dst, bytes, r->raw_at) != 0)
        return -1;
    bli_wav_raw_to_float(r->raw, dst, out, samples);
    r->raw_at += (long long)bytes;
    return 0;
}

/* The first block both ways: the shortcut stays only if it gives
 * libsndfile's floats exactly. Either way `out` holds libsndfile's. */
static sf_count_t first_block(bl_reader *r, float *out, size_t n)
{
    sf_count_t got = sf_readf_float(r->sf, out, (sf_count_t)n);
    float *mine = got > 0 ? malloc((size_t)got * r->channels * sizeof *mine) : NULL;
    int same = mine && raw_read(r, mine, (size_t)got) == 0 &&
               memcmp(mine, out, (size_t)got * r->channels * sizeof *mine) == 0;
    free(mine);
    if (!same)
        r->raw = BLI_WAV_RAW_NONE; /* libsndfile reads on from where it is */
    return got;
}

bl_status bl_reader_read(bl_reader *r, float *interleaved, size_t max_frames, size_t *frames_read, char *why,
                         size_t why_len)
{
    if (frames_read)
        *frames_read = 0;
    if (!r || !frames_read || (!interleaved && max_frames)) {
        bli_set_why(why, why_len, "reader: NULL argument");
        return BL_EINVAL;
    }
    if (r->ended || max_frames == 0)
        return BL_OK;
    if (max_frames > (size_t)INT64_MAX / r->channels)
        max_frames = (size_t)INT64_MAX / r->channels;
    if (r->edf) {
        size_t got = 0;
        bl_status st = bli_edf_read(r->edf, interleaved, max_frames, &got, why, why_len);
        if (st != BL_OK || got == 0)
            r->ended = 1;
        r->frames_read += got;
        *frames_read = got;
        return st;
    }
    sf_count_t n;
    if (r->raw != BLI_WAV_RAW_NONE && r->frames_read > 0) {
        size_t left = r->declared - r->frames_read;
        n = (sf_count_t)(max_frames < left ? max_frames : left);
        if (n > 0 && raw_read(r, interleaved, (size_t)n) != 0) {
            bli_set_why(why, why_len, "%s: cannot read after %zu frames: %s", r->path, r->frames_read,
                        errno ? strerror(errno) : "the file ended early");
            r->ended = 1;
            return BL_EIO;
        }
    } else if (r->raw != BLI_WAV_RAW_NONE) {
        n = first_block(r, interleaved, max_frames);
    } else {
        n = sf_readf_float(r->sf, interleaved, (sf_count_t)max_frames);
    }
    if (n <= 0)
        return finish(r, why, why_len);
    r->frames_read += (size_t)n;
    *frames_read = (size_t)n;
    return BL_OK;
}

void bl_reader_close(bl_reader *r)
{
    if (!r)
        return;
    if (r->sf)
        sf_close(r->sf);
    bli_edf_close(r->edf);
    if (r->fd >= 0)
        close(r->fd);
    bl_recording_destroy(r->info);
    free(r->raw_buf);
    free(r->path);
    free(r);
}
