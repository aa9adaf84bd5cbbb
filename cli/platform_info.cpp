#include <pwd.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>

#include "cli/commands.hpp"

// gnu_get_libc_version is glibc's; other libcs get the version from confstr where they
// have it (SHMC_HAVE_GNU_GET_LIBC_VERSION is detected at configure time).
#if defined(SHMC_HAVE_GNU_GET_LIBC_VERSION)
#include <gnu/libc-version.h>
#endif

namespace shmc::cli {

namespace {
// What this binary was compiled for; uname -m names the kernel's machine, which
// says x86_64 for an i386 binary and for nothing else under qemu-user.
const char* built_for() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__i386__)
  return "i386";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__arm__)
  return "arm";
#else
  return "unknown architecture";
#endif
}

void read_libc(PlatformInfo& p) {
#if defined(__GLIBC__)
  p.libc_name = "glibc";
#else
  p.libc_name = "unknown";
#endif
#if defined(SHMC_HAVE_GNU_GET_LIBC_VERSION)
  p.libc_version = ::gnu_get_libc_version();
#elif defined(_CS_GNU_LIBC_VERSION)
  char buf[64] = {};
  if (::confstr(_CS_GNU_LIBC_VERSION, buf, sizeof buf) > 0) p.libc_version = buf;
#endif
  if (p.libc_version.empty()) p.libc_version = "unknown";
}

void read_dev_shm(PlatformInfo& p) {
  struct ::statfs fs {};
  if (::statfs("/dev/shm", &fs) != 0) return;
  constexpr unsigned long kTmpfsMagic = 0x01021994;
  if (static_cast<unsigned long>(fs.f_type) == kTmpfsMagic) {
    p.dev_shm_fstype = "tmpfs";
  } else {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(fs.f_type));
    p.dev_shm_fstype = hex;
  }
  p.dev_shm_size = static_cast<std::uint64_t>(fs.f_blocks) * static_cast<std::uint64_t>(fs.f_bsize);
  p.dev_shm_free = static_cast<std::uint64_t>(fs.f_bavail) * static_cast<std::uint64_t>(fs.f_bsize);
}
}  // namespace

PlatformInfo platform_info() {
  PlatformInfo p;
  p.built_for = built_for();
  struct utsname u {};
  if (::uname(&u) == 0) {
    p.kernel_name = u.sysname;
    p.kernel_release = u.release;
    p.machine = u.machine;
  }
  read_libc(p);
#if defined(__clang__)
  p.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  p.compiler = "g++ " __VERSION__;
#endif
  p.pointer_bits = static_cast<int>(sizeof(void*) * 8);
  p.uid = ::getuid();
  p.euid = ::geteuid();
  if (const struct passwd* pw = ::getpwuid(p.uid)) p.user = pw->pw_name;
  read_dev_shm(p);
  p.cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
#if defined(SHMC_FAULT_INJECTION)
  p.fault_injection = true;
#endif
#if defined(SHMC_SANITIZER)
  p.sanitizer = SHMC_SANITIZER;
#endif
  return p;
}

std::string platform_summary(const PlatformInfo& p) {
  std::string s = "built for " + p.built_for + ", running on " + p.kernel_name + " " + p.kernel_release + " " +
                  p.machine + ", " + p.libc_name + " " + p.libc_version;
  if (!p.compiler.empty()) s += ", " + p.compiler;
  s += ", " + std::to_string(p.pointer_bits) + "-bit";
  s += p.fault_injection ? ", fault injection on" : ", fault injection off";
  if (!p.sanitizer.empty()) s += ", sanitizer " + p.sanitizer;
  return s;
}

std::string platform_summary() { return platform_summary(platform_info()); }

}  // namespace shmc::cli
