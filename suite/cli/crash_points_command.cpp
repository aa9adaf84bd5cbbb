#include <cstdio>

#include "fixtures/crash/crash_catalog.hpp"
#include "harness/actors/actors.hpp"
#include "suite/cli/commands.hpp"

namespace shmc::cli {

int crash_points_command(const Args&) {
  std::printf("%s\n", harness::crash_injection_available()
                          ? "fault injection is compiled in: every point below can be armed"
                          : "this build has fault injection compiled out: points are listed, not armable");
  for (const auto& p : crash::catalog())
    std::printf("%-6s %-44s %s\n", p.is_syscall_fault ? "fault" : "crash", p.name, p.why);
  return 0;
}

}  // namespace shmc::cli
