include(GoogleTest)

# shmc_add_gtest(<name> SOURCES ... [LIBS ...] [LABELS ...] [TIMEOUT s] [RUN_SERIAL])
# One test binary, every TEST discovered by ctest. Each label is passed as its own
# LABELS key: gtest_discover_tests flattens a list value, which would shift the
# properties after it.
function(shmc_add_gtest name)
  cmake_parse_arguments(ARG "RUN_SERIAL" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} shmc_gtest_main shmc_options)
  set(_props TIMEOUT ${ARG_TIMEOUT})
  if(ARG_RUN_SERIAL)
    list(APPEND _props RUN_SERIAL TRUE)
  endif()
  foreach(_label IN LISTS ARG_LABELS)
    list(APPEND _props LABELS ${_label})
  endforeach()
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES ${_props})
endfunction()

# shmc_add_report_rows(<area> SOURCES ... LIBS ... CAN_FAIL ... [LABELS ...] [RUN_SERIAL])
# A structure area's rows for `shmconform report`: the OBJECT library shmc_<area>_checks (OBJECT, so the
# rows' static registrations reach the command that links it, cli/CMakeLists.txt) and <area>_rows_test,
# every registered row as one gtest (suite/conformance/conformance_test.cpp) beside CAN_FAIL, the tests
# that run the rows on planted variants and require FAIL.
function(shmc_add_report_rows area)
  cmake_parse_arguments(ARG "RUN_SERIAL" "" "SOURCES;LIBS;CAN_FAIL;LABELS" ${ARGN})
  set(_serial)
  if(ARG_RUN_SERIAL)
    set(_serial RUN_SERIAL)
  endif()
  add_library(shmc_${area}_checks OBJECT ${ARG_SOURCES})
  target_link_libraries(shmc_${area}_checks PUBLIC ${ARG_LIBS} shmc_harness shmc_options)
  shmc_add_gtest(${area}_rows_test
    SOURCES ${PROJECT_SOURCE_DIR}/suite/conformance/conformance_test.cpp
            ${PROJECT_SOURCE_DIR}/suite/conformance/check_registry.cpp
            ${ARG_CAN_FAIL}
    LIBS shmc_${area}_checks LABELS ${ARG_LABELS} ${_serial})
endfunction()
