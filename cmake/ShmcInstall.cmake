# The installed package: headers (include/shmconform), static libraries, the
# shmconform command, a CMake package and a pkg-config file.
#
#   cmake --install build/dev --prefix /opt/shmconform
#   find_package(shmconform CONFIG REQUIRED)      # with CMAKE_PREFIX_PATH=/opt/shmconform
#   target_link_libraries(my_test PRIVATE shmconform::harness shmconform::gtest_main)
#
# Targets (each also an alias of the same name in this tree, so in-tree and installed use agree):
#   shmconform::runtime     segment, syscall shim, crash points, identities, Result<T>
#   shmconform::harness     the campaign engine and everything it uses (actors, histories, checkers, plans,
#                           store traps, timelines)
#   shmconform::gtest_main  main() for test binaries: leak guard, libfiu, campaign trials as gtests
# The package says which flavour it is: SHMCONFORM_FAULT_INJECTION (ON: crash points are live) in
# CMake, `fault_injection=yes|no` in pkg-config, and `shmconform crash-points` on its first line.
if(CMAKE_LIBRARY_ARCHITECTURE AND NOT DEFINED CACHE{CMAKE_INSTALL_LIBDIR})
  set(CMAKE_INSTALL_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}" CACHE PATH "Object code libraries (multiarch)")
endif()
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_shmc_exported
  shmc_options:options shmc_runtime:runtime shmc_harness:actors shmc_check:check shmc_history:history
  shmc_plan:plan shmc_store_crash:store_crash shmc_timeline:timeline shmc_campaign:harness
  shmc_gtest_main:gtest_main)
set(_shmc_targets "")
set(_shmc_libs "")
foreach(_pair IN LISTS _shmc_exported)
  string(REPLACE ":" ";" _pair "${_pair}")
  list(GET _pair 0 _target)
  list(GET _pair 1 _name)
  set_target_properties(${_target} PROPERTIES EXPORT_NAME ${_name})
  get_target_property(_type ${_target} TYPE)
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    set_target_properties(${_target} PROPERTIES OUTPUT_NAME shmconform_${_name})
    list(PREPEND _shmc_libs "-lshmconform_${_name}")  # dependants first, for static linking
  endif()
  add_library(shmconform::${_name} ALIAS ${_target})
  list(APPEND _shmc_targets ${_target})
endforeach()

install(TARGETS ${_shmc_targets} EXPORT shmconformTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/shmconform DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS shmconform RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT shmconformTargets NAMESPACE shmconform:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/shmconform)

set(SHMCONFORM_FAULT_INJECTION ${SHMC_FAULT_INJECTION})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/shmconformConfig.cmake.in
  ${PROJECT_BINARY_DIR}/shmconformConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/shmconform)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/shmconformConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/shmconformConfig.cmake ${PROJECT_BINARY_DIR}/shmconformConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/shmconform)

if(SHMC_FAULT_INJECTION)
  set(SHMC_PC_FAULT_INJECTION yes)
  set(SHMC_PC_CFLAGS "-DFIU_ENABLE=1 -DSHMC_FAULT_INJECTION=1")
  set(SHMC_PC_REQUIRES "libfiu")
else()
  set(SHMC_PC_FAULT_INJECTION no)
  set(SHMC_PC_CFLAGS "")
  set(SHMC_PC_REQUIRES "")
endif()
list(JOIN _shmc_libs " " SHMC_PC_LIBS)
# Relocatable: the prefix is found from the .pc file's own place (cmake --install --prefix anywhere).
file(RELATIVE_PATH SHMC_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/shmconform.pc.in ${PROJECT_BINARY_DIR}/shmconform.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/shmconform.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
