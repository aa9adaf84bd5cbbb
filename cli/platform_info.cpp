#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include "cli/commands.hpp"

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
}  // namespace

std::string platform_summary() {
  std::string s = std::string("built for ") + built_for() + ", running on ";
  struct utsname u {};
  if (::uname(&u) == 0) s += std::string(u.sysname) + " " + u.release + " " + u.machine;
  s += ", glibc ";
  s += ::gnu_get_libc_version();
#if defined(__clang__)
  s += ", clang " __clang_version__;
#elif defined(__GNUC__)
  s += ", g++ " __VERSION__;
#endif
  s += ", " + std::to_string(sizeof(void*) * 8) + "-bit";
#if defined(SHMC_FAULT_INJECTION)
  s += ", fault injection on";
#else
  s += ", fault injection off";
#endif
#if defined(SHMC_SANITIZER)
  s += ", sanitizer " SHMC_SANITIZER;
#endif
  return s;
}

}  // namespace shmc::cli
