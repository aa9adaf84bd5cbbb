// shmconform: validate POSIX shared memory on this platform, and look after
// the segments the suite and its fixtures create.
#include <cstdio>
#include <exception>
#include <string>

#include "shmconform/plan/replay.hpp"
#include "cli/commands.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu.h>
#endif

namespace {

constexpr const char* kUsage = R"(usage: shmconform <command> [options]

commands:
  report [--json FILE|-] [--only PREFIX]
                      run the platform checks; one row per assertion, then a summary.
                      Exits 1 if any check FAILs.
  inspect NAME        print a segment's header and its classification
                      (ALIVE, STALE, FOREIGN, UNKNOWN)
  gc [--dry-run]      remove STALE /shmconform-* segments and semaphores of dead
                      test runs; never touches anything else
  crash-points        list the crash points and syscall fault points of this build
  replay SCENARIO PLAN-FILE|- [--times N] | replay --list
                      re-run one rapidcheck plan (the text a failing property
                      prints) N times; exit 1 if any run fails
  help                this text
)";

}  // namespace

int main(int argc, char** argv) {
#if defined(SHMC_FAULT_INJECTION)
  fiu_init(0);
#endif
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  shmc::cli::Args args(argv + 2, argv + argc);
  try {
    if (command == "report") return shmc::cli::report_command(args);
    if (command == "inspect") return shmc::cli::inspect_command(args);
    if (command == "gc") return shmc::cli::gc_command(args);
    if (command == "crash-points") return shmc::cli::crash_points_command(args);
    if (command == "replay") return shmc::plan::replay_plan_main(argc - 1, argv + 1);
    if (command == "help" || command == "--help" || command == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shmconform %s: %s\n", command.c_str(), e.what());
    return 2;
  }
  std::fprintf(stderr, "shmconform: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
