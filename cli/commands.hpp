// The subcommands of `shmconform`. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shmc::cli {

using Args = std::vector<std::string>;

int report_command(const Args& args);
int inspect_command(const Args& args);
int gc_command(const Args& args);
int crash_points_command(const Args& args);

// What the report says about where it ran, field by field (the JSON's "platform").
struct PlatformInfo {
  std::string built_for;       // the architecture this binary was compiled for: x86_64, i386, aarch64, arm
  std::string kernel_name;     // uname: Linux
  std::string kernel_release;  // 6.1.0-...
  std::string machine;         // uname -m: what the kernel (or qemu-user) says it is
  std::string libc_name;       // glibc, or "unknown" where the libc does not say
  std::string libc_version;
  std::string compiler;        // "g++ 12.2.0"
  int pointer_bits = 0;
  unsigned uid = 0, euid = 0;
  std::string user;            // name of uid, or empty
  std::string dev_shm_fstype;  // tmpfs, or the magic number in hex
  std::uint64_t dev_shm_size = 0, dev_shm_free = 0;  // bytes; 0 if /dev/shm could not be read
  long cpus = 0;               // online CPUs
  bool fault_injection = false;
  std::string sanitizer;       // empty, address or thread
};
PlatformInfo platform_info();

// "built for x86_64, running on Linux 6.1.0 x86_64, glibc 2.36, g++ 12.2.0, 64-bit, fault injection on"
std::string platform_summary();
std::string platform_summary(const PlatformInfo& p);

}  // namespace shmc::cli
