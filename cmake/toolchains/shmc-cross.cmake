# Shared part of the port toolchain files (i386.cmake, aarch64.cmake, armhf.cmake).
# Expects SHMC_PORT (our target name), SHMC_PORT_PROCESSOR, SHMC_PORT_GNU
# (compiler prefix), SHMC_PORT_MULTIARCH (Debian multiarch directory) and
# SHMC_PORT_EMULATOR (empty: the host runs the binaries itself).
#
# Libraries come from Debian's multi-arch packages (/usr/lib/<multiarch>), so
# the search root stays "/" and only the library architecture changes. libfiu
# is not multi-arch: ci/cross/install-deps.sh unpacks the target's package into
# /opt/shmconform-cross/<target>/libfiu and pkg-config is pointed there alone.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${SHMC_PORT_PROCESSOR})
set(CMAKE_C_COMPILER ${SHMC_PORT_GNU}-gcc)
set(CMAKE_CXX_COMPILER ${SHMC_PORT_GNU}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${SHMC_PORT_MULTIARCH})

set(SHMC_PORT_FIU_SYSROOT /opt/shmconform-cross/${SHMC_PORT}/libfiu)
set(ENV{PKG_CONFIG_LIBDIR} ${SHMC_PORT_FIU_SYSROOT}/usr/lib/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${SHMC_PORT_FIU_SYSROOT})
set(ENV{PKG_CONFIG_PATH} "")

# The host's programs (pkg-config, the crash-point scanner's cmake), the
# target's libraries and packages.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

if(SHMC_PORT_EMULATOR)
  # ctest, gtest_discover_tests and add_test(COMMAND <target>) run through it.
  # No -L /usr/<triplet>: the target's loader and libc are the multi-arch
  # libc6:<arch> in /lib (ci/cross/install-deps.sh installs it). With the cross
  # sysroot's libc (libc6-arm64-cross 2.36-8cross1) under qemu-user 7.2, a
  # forked child spins forever before returning from fork; with libc6:arm64
  # 2.36-9 it does not. Keep in sync with ci/cross/run.sh.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SHMC_PORT_EMULATOR})
endif()
