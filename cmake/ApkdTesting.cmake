# apkd_add_test(NAME name LABEL unit|integration SOURCES ... LIBS ...)
# One GoogleTest binary per subsystem, discovered into CTest with a label.
find_package(GTest REQUIRED)
include(GoogleTest)

function(apkd_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} apkd_test_support GTest::gtest_main
                        apkd_warnings)
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS ${T_LABEL}
    DISCOVERY_TIMEOUT 60)
endfunction()
