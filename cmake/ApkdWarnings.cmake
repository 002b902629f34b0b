# One INTERFACE target carries the project's warning set; every apkd target links it.
add_library(apkd_warnings INTERFACE)
target_compile_options(apkd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wimplicit-fallthrough)
if(APKD_WERROR)
  target_compile_options(apkd_warnings INTERFACE -Werror)
endif()
