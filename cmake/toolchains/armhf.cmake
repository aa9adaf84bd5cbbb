# 32-bit Arm (ARMv7, hard float) with Debian's armhf cross compiler, run under qemu-user.
set(SHMC_PORT armhf)
set(SHMC_PORT_PROCESSOR armv7l)
set(SHMC_PORT_GNU arm-linux-gnueabihf)
set(SHMC_PORT_MULTIARCH arm-linux-gnueabihf)
set(SHMC_PORT_EMULATOR qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/shmc-cross.cmake)
# g++ notes (not warnings) that the ARM EABI passing of some 64-bit-aligned
# arguments changed in GCC 7.1: irrelevant to us (nothing links with GCC < 7 code).
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
