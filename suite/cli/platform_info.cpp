#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include "suite/cli/commands.hpp"

namespace shmc::cli {

std::string platform_summary() {
  std::string s;
  struct utsname u {};
  if (::uname(&u) == 0) s = std::string(u.sysname) + " " + u.release + " " + u.machine;
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
