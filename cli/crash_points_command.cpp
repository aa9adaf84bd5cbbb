#include <cstdio>

#include "cli/commands.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/crash_catalog.hpp"

namespace shmc::cli {

// `crash-points`: a table for people; `crash-points --markdown`: docs/crash-points.md.
int crash_points_command(const Args& args) {
  if (args.size() == 1 && args[0] == "--markdown") {
    std::fputs(crash::catalog_markdown().c_str(), stdout);
    return 0;
  }
  if (!args.empty()) {
    std::fprintf(stderr, "usage: shmconform crash-points [--markdown]\n");
    return 2;
  }
  std::printf("%s\n", harness::crash_injection_available()
                          ? "fault injection is compiled in: every point below can be armed"
                          : "this build has fault injection compiled out: points are listed, not armable");
  for (const auto& p : crash::catalog())
    std::printf("%-6s %-44s %s\n", p.is_syscall_fault ? "fault" : "crash", p.name, p.why);
  return 0;
}

}  // namespace shmc::cli
