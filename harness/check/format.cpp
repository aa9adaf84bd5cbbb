#include "shmconform/check/format.hpp"

#include <cstdio>

namespace shmc::check {

std::string format_word(std::uint64_t w) {
  char buf[32];
  if (w < 1000000)
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(w));
  else
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(w));
  return buf;
}

std::string format_pair(std::uint64_t a, std::uint64_t b) {
  if (b == 0) return format_word(a);
  if ((a >> 63) != 0) {  // tagged delivery item, see delivery.hpp
    char buf[64];
    std::snprintf(buf, sizeof buf, "p%u#%u", static_cast<unsigned>((a >> 32) & 0x7fffffffu),
                  static_cast<unsigned>(a & 0xffffffffu));
    return buf;
  }
  return format_word(a) + "/" + format_word(b);
}

}  // namespace shmc::check
