# Project-wide compile options, applied through the interface target shmc_options
# so that every target of ours (and none of the imported ones) gets them. What is
# ours alone (warnings, sanitizers, the source tree's include paths) is BUILD_INTERFACE;
# what a user of the installed package needs too (the public include root, the
# fault-injection defines and libfiu, threads) is exported with it (cmake/ShmcInstall.cmake).
add_library(shmc_options INTERFACE)
target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-Wall> $<BUILD_INTERFACE:-Wextra>)
# g++ 12 at -O2 reports -Wrestrict inside libstdc++ for ordinary std::string
# concatenation (GCC PR 105651, fixed in 13): a false positive, not our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-Wno-restrict>)
endif()
if(SHMC_WERROR)
  target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-Werror>)
endif()
target_include_directories(shmc_options INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:include>)
# __FILE__ relative to the project root: crash points record where they stand (docs/crash-points.md).
target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-fmacro-prefix-map=${PROJECT_SOURCE_DIR}/=>)
target_link_libraries(shmc_options INTERFACE Threads::Threads)
target_compile_definitions(shmc_options INTERFACE _GNU_SOURCE)

if(SHMC_FAULT_INJECTION)
  target_compile_definitions(shmc_options INTERFACE FIU_ENABLE=1 SHMC_FAULT_INJECTION=1)
  target_link_libraries(shmc_options INTERFACE PkgConfig::LIBFIU)
endif()
if(SHMC_ACTORS_AS_THREADS)
  target_compile_definitions(shmc_options INTERFACE SHMC_ACTORS_AS_THREADS=1)
endif()

if(SHMC_SANITIZE STREQUAL "address")
  set(_shmc_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
elseif(SHMC_SANITIZE STREQUAL "thread")
  set(_shmc_san -fsanitize=thread -fno-omit-frame-pointer)
  # g++ 12 warns that TSan does not model atomic_thread_fence. The seqlocks that use fences
  # (blackboard, double buffer, scoreboard) read and write their data through relaxed atomics,
  # which TSan never reports as races, so an unmodelled fence cannot produce a false report; it
  # can only hide a missing one, which docs/blackboard.md says TSan cannot catch anyway.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-Wno-tsan>)
  endif()
elseif(NOT SHMC_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SHMC_SANITIZE must be empty, address or thread, not '${SHMC_SANITIZE}'")
endif()
if(_shmc_san)
  target_compile_options(shmc_options INTERFACE "$<BUILD_INTERFACE:${_shmc_san}>")
  target_link_options(shmc_options INTERFACE "$<BUILD_INTERFACE:${_shmc_san}>")
  target_compile_definitions(shmc_options INTERFACE SHMC_SANITIZER=\"${SHMC_SANITIZE}\")
endif()

# Fuzzing (the fuzz preset, suite/fuzz): our code gets libFuzzer's coverage
# instrumentation; only the fuzz targets link libFuzzer's main (-fsanitize=fuzzer).
option(SHMC_FUZZ "Instrument for libFuzzer and build the fuzz targets (clang only)" OFF)
if(SHMC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SHMC_FUZZ needs clang (libFuzzer); use the fuzz preset")
  endif()
  target_compile_options(shmc_options INTERFACE $<BUILD_INTERFACE:-fsanitize=fuzzer-no-link>)
endif()
