/* Stand-in for libFuzzer's driver in ordinary builds: runs a fuzz target
 * over the files named on the command line (a seed corpus), so the targets
 * build and are exercised by ctest everywhere; the BACKLINE_FUZZ build
 * links the real libFuzzer instead. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "fuzz replay: cannot open %s\n", argv[i]);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
        size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
        fclose(f);
        LLVMFuzzerTestOneInput(buf, got);
        /* Every prefix of the first kilobyte too: truncation is the classic bug. */
        for (size_t len = 0; len < got && len < 1024; len += 7) LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        ran++;
    }
    if (ran == 0) {
        /* The seed corpus is committed (fixtures/fuzz/<target>/): none
         * given means it is missing, which fails like any fixture. */
        fprintf(stderr, "FAILED: no corpus files given (the committed seed corpus under fixtures/fuzz/ is "
                        "missing or empty; regenerate it with fixtures/fuzz/make_corpus.py, then re-run cmake)\n");
        return 1;
    }
    printf("fuzz replay: %d corpus file(s) and their prefixes ran clean\n", ran);
    return 0;
}
