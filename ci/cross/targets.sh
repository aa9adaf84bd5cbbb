# Sourced by the ci/cross scripts: what each port target is made of.
#   shmc_target TARGET  sets TARGET_ARCH (Debian architecture), TARGET_TRIPLET
#   (multiarch directory), TARGET_CXX (cross compiler), TARGET_QEMU (user-mode
#   emulator, empty when the host runs the binaries itself) and FIU_SYSROOT.
# Kept in one place so install-deps.sh, test.sh, report.sh and the toolchain
# files (cmake/toolchains/) agree.
shmc_target() {
  case "$1" in
    i386)    TARGET_ARCH=i386;  TARGET_TRIPLET=i386-linux-gnu;       TARGET_CXX=i686-linux-gnu-g++;        TARGET_QEMU= ;;
    aarch64) TARGET_ARCH=arm64; TARGET_TRIPLET=aarch64-linux-gnu;    TARGET_CXX=aarch64-linux-gnu-g++;     TARGET_QEMU=qemu-aarch64 ;;
    armhf)   TARGET_ARCH=armhf; TARGET_TRIPLET=arm-linux-gnueabihf;  TARGET_CXX=arm-linux-gnueabihf-g++;   TARGET_QEMU=qemu-arm ;;
    *) echo "unknown port target '$1' (i386, aarch64 or armhf)" >&2; return 1 ;;
  esac
  # libfiu is not multi-arch (it installs into /usr/lib, not /usr/lib/<triplet>):
  # the target's package is unpacked here instead; the toolchain file points
  # pkg-config at it. Keep in sync with cmake/toolchains/shmc-cross.cmake.
  FIU_SYSROOT=/opt/shmconform-cross/$1/libfiu
  TARGET=$1
}
