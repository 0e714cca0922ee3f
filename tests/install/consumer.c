/* Builds against an installed backline, through pkg-config and through
 * CMake (tests/test_install.sh): the public headers and link line suffice. */
#include <backline/backline.h>
#include <backline/filter.h>
#include <stdio.h>
int main(void){ double sos[4*6]; size_t n; bl_status st = bl_butter_design(4, BL_BANDPASS, 20, 450, 2000, sos, 4, &n); printf("backline %s: %s, %zu sections, b0 %.12g\n", bl_version(), bl_strerror(st), n, sos[0]); return st; }
