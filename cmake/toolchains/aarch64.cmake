# 64-bit Arm with Debian's aarch64 cross compiler, run under qemu-user.
set(SHMC_PORT aarch64)
set(SHMC_PORT_PROCESSOR aarch64)
set(SHMC_PORT_GNU aarch64-linux-gnu)
set(SHMC_PORT_MULTIARCH aarch64-linux-gnu)
set(SHMC_PORT_EMULATOR qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/shmc-cross.cmake)
