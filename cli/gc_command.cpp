#include <cstdio>
#include <stdexcept>

#include "shmconform/harness/gc.hpp"
#include "cli/commands.hpp"

namespace shmc::cli {

int gc_command(const Args& args) {
  bool dry_run = false;
  for (const auto& a : args) {
    if (a == "--dry-run") dry_run = true;
    else throw std::invalid_argument("unknown gc option '" + a + "'");
  }
  int removed = 0, kept = 0;
  for (const auto& d : harness::collect_garbage(dry_run)) {
    std::printf("%-9s %-8s %s: %s\n", d.removed ? "removed" : (dry_run && (d.verdict == "STALE" || d.verdict == "RUN-DEAD") ? "would rm" : "kept"),
                d.verdict.c_str(), d.entry.c_str(), d.reason.c_str());
    (d.removed ? removed : kept)++;
  }
  std::printf("gc: %d removed, %d kept%s\n", removed, kept, dry_run ? " (dry run)" : "");
  return 0;
}

}  // namespace shmc::cli
