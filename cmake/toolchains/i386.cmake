# 32-bit x86 with Debian's i686 cross compiler. An x86_64 kernel with
# CONFIG_IA32_EMULATION runs the binaries directly: no emulator.
set(SHMC_PORT i386)
set(SHMC_PORT_PROCESSOR i686)
set(SHMC_PORT_GNU i686-linux-gnu)
set(SHMC_PORT_MULTIARCH i386-linux-gnu)
set(SHMC_PORT_EMULATOR "")
include(${CMAKE_CURRENT_LIST_DIR}/shmc-cross.cmake)
