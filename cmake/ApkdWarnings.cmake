# One INTERFACE target carries the project's warning set; every apkd target links it.
add_library(apkd_warnings INTERFACE)
target_compile_options(apkd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wimplicit-fallthrough)
if(APKD_WERROR)
  target_compile_options(apkd_warnings INTERFACE -Werror)
endif()
# GCC 12 reports false -Wrestrict positives inside std::string concatenation at -O2 (GCC bug
# 105329); clang, which the CI build uses with -Werror, has no such warning.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(apkd_warnings INTERFACE -Wno-restrict)
endif()
