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
