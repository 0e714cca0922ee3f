# The Python package's cdef, made from the public headers so it cannot
# drift from them: every include/backline/*.h through the C preprocessor
# with BL_API empty, GNU attributes dropped, and the standard headers
# replaced by empty ones (cffi knows size_t, uint64_t... itself and cannot
# parse a libc's headers). Generated rather than written and checked: a
# hand copy checked by a test would still be a second copy to keep, and
# this way the package can only ever see what the library was built from. Run by python/CMakeLists.txt as
#   cmake -DCC=... -DINCLUDE=<include dir> -DWORK=<scratch dir> -DVERSION=... -DOUT=<cdef> -P cdef.cmake
# The first line names the version, which the package checks against the
# library's bl_version(). The file is rewritten only when it changes.
file(GLOB headers RELATIVE ${INCLUDE} ${INCLUDE}/backline/*.h)
list(SORT headers)
file(MAKE_DIRECTORY ${WORK}/std)
# The standard headers a public header may include (STYLE.md), each
# empty: cffi knows their types (size_t, uint64_t, bool, FILE...). Another
# one fails here, loudly, rather than pass a libc's internals to cffi.
foreach(std stddef.h stdint.h stdbool.h stdio.h limits.h)
  file(WRITE ${WORK}/std/${std} "")
endforeach()
set(umbrella "")
foreach(h ${headers})
  string(APPEND umbrella "#include \"${h}\"\n")
endforeach()
file(WRITE ${WORK}/all_headers.c "${umbrella}")
execute_process(COMMAND ${CC} -E -P -nostdinc -isystem ${WORK}/std -I${INCLUDE} "-DBL_API="
                        "-D__attribute__(x)=" ${WORK}/all_headers.c
  OUTPUT_VARIABLE text ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cdef: preprocessing the public headers failed: ${err}")
endif()
# Blank lines the preprocessor leaves between declarations.
string(REGEX REPLACE "\n[ \t]*\n+" "\n" text "${text}")
# The headers' numeric macros (BL_MIN_EMG_RATE_HZ 200.0, BL_MUSCLE_MAX 64):
# cffi reads only integer #defines, so all go into one comment line the
# package parses (backline.constants).
execute_process(COMMAND ${CC} -E -dM -nostdinc -isystem ${WORK}/std -I${INCLUDE} "-DBL_API="
                        ${WORK}/all_headers.c
  OUTPUT_VARIABLE macros RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cdef: listing the public headers' macros failed")
endif()
string(REGEX MATCHALL "#define BL_[A-Z0-9_]+ \\(?-?[0-9][0-9.eE+-]*\\)?\n" numeric "${macros}")
set(constants "")
foreach(line ${numeric})
  string(REGEX REPLACE "#define (BL_[A-Z0-9_]+) \\(?(-?[0-9][0-9.eE+-]*)\\)?\n" "\\1=\\2" pair "${line}")
  list(APPEND constants ${pair})
endforeach()
list(SORT constants)
list(JOIN constants " " constants)
set(text "/* backline ${VERSION} cdef: include/backline/*.h preprocessed by python/cdef.cmake */\n/* constants: ${constants} */\n${text}")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE ${OUT} "${text}")
