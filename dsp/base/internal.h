/* Private helpers shared by the library layers; not installed. Names
 * that must cross files carry the internal prefix bli_ (hidden from the
 * library's exported symbols), never the public bl_. */
#ifndef BLI_INTERNAL_H
#define BLI_INTERNAL_H

#include <stddef.h>
#include <string.h>

/* Write one line into a caller's `why` buffer (NULL or zero length: no-op). */
void bli_set_why(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The k-th smallest of v[0..n) (n > 0, k < n; Hoare's selection, average
 * O(n)); v is reordered. */
float bli_select_kth(float *v, size_t n, size_t k);

/* ---- what the vectorised kernels share (core's filters, decimator and
 * clipping counters, the recording layer's sample conversion): run-time
 * CPU dispatch (AVX-512 and AVX2 clones beside the baseline, chosen at
 * load time) and unaligned vector loads and stores. ---- */
/* No clones under ThreadSanitizer: an instrumented ifunc resolver runs
 * during relocation, before the sanitizer runtime exists, and crashes. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(BL_NO_CLONES) &&         \
    !defined(__SANITIZE_THREAD__)
#define BL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
/* Whether the CPU has AVX-512F, where code chooses between forms by hand
 * (libgcc's CPU model, filled before main). 0 without clones. */
#define BLI_CPU_AVX512F() __builtin_cpu_supports("avx512f")
#else
#define BL_CLONES
#define BLI_CPU_AVX512F() 0
#endif

/* Loads and stores through memcpy: no alignment or aliasing assumptions,
 * and macros rather than functions because passing 32-byte vectors by
 * value changes the ABI between the clones. */
#define BLI_LD(dst, p) memcpy(&(dst), (p), sizeof(dst))
#define BLI_ST(p, src) memcpy((p), &(src), sizeof(src))

/* Two-vector shuffle by constant indices into the pair's lanes: GCC spells
 * it __builtin_shuffle with a mask vector of type MASK, clang
 * __builtin_shufflevector with the indices as arguments; the same
 * instruction either way. */
#if defined(__clang__)
#define BLI_SHUFFLE(a, b, MASK, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define BLI_SHUFFLE(a, b, MASK, ...) __builtin_shuffle(a, b, (MASK){__VA_ARGS__})
#endif

#endif
