// shmconform: validate POSIX shared memory on this platform, and look after
// the segments the suite and its fixtures create.
#include <cstdio>
#include <exception>
#include <string>

#include "shmconform/campaign/campaign.hpp"
#include "cli/commands.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu.h>
#endif

namespace {

constexpr const char* kUsage = R"(usage: shmconform <command> [options]

commands:
  report [--json FILE|-] [--junit FILE|-] [--only PREFIX] [--skip PREFIX]...
                      run the platform checks; one row per assertion grouped by section,
                      per-section counts, then a summary. --json writes schema 2, --junit
                      JUnit XML (one test case per row). Exits 1 if any check FAILs
                      (FINDING, UNSUPPORTED and UNTESTED do not).
  inspect NAME        print a segment's header and its classification
                      (ALIVE, STALE, FOREIGN, UNKNOWN)
  gc [--dry-run]      remove STALE /shmconform-* segments and semaphores of dead
                      test runs; never touches anything else
  crash-points        list the crash points and syscall fault points of this build
  campaign SUBJECT[:VARIANT] [--long] [--seed S] [--only TEXT] [--json FILE|-] [--list]
                      run a subject's crash campaign: every schedule, one verdict per
                      trial, a summary per schedule family; exit 1 if a trial ended
                      other than its variant expects. `campaign --list`: the subjects
  replay SUBJECT[:VARIANT] PLAN-FILE|- [--times N]
  replay SUBJECT[:VARIANT] --trial ID [--seed S] [--times N]
                      re-run one failing trial (the replay line it printed) N times
                      (default 5); exit 1 if any run ends other than expected
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
    if (command == "campaign") return shmc::campaign::campaign_main(argc - 1, argv + 1);
    if (command == "replay") return shmc::campaign::replay_main(argc - 1, argv + 1);
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
