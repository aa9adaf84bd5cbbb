// The subcommands of `shmconform`. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace shmc::cli {

using Args = std::vector<std::string>;

int report_command(const Args& args);
int inspect_command(const Args& args);
int gc_command(const Args& args);
int crash_points_command(const Args& args);

// "Linux 6.1.0 x86_64, glibc 2.36, g++ 12.2.0, build Debug, fault injection on"
std::string platform_summary();

}  // namespace shmc::cli
