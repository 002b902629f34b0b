# APKD_SANITIZE=address;undefined instruments everything built after this point.
if(APKD_SANITIZE)
  list(JOIN APKD_SANITIZE "," apkd_sanitizers)
  add_compile_options(-fsanitize=${apkd_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${apkd_sanitizers})
endif()

# Fuzz builds instrument every library for coverage, so libFuzzer can steer into the parsers;
# only the fuzz targets themselves link the libFuzzer main (tests/fuzz/CMakeLists.txt).
if(APKD_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "APKD_BUILD_FUZZ needs clang (CC=clang-14 CXX=clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
