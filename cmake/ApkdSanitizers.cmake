# APKD_SANITIZE=address;undefined instruments everything built after this point.
if(APKD_SANITIZE)
  list(JOIN APKD_SANITIZE "," apkd_sanitizers)
  add_compile_options(-fsanitize=${apkd_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${apkd_sanitizers})
endif()
