// What the ABI checks, the mixed-ABI test and its peer program share: how an
// ABI tag is printed, and the values the peer and the test exchange.
#pragma once

#include <cstdint>
#include <string>

namespace shmc::ports {

std::string hex(std::uint64_t value);
// "64-bit pointers, alignof(uint64_t) 8, alignof(atomic<uint64_t>) 8, little-endian, 64-bit atomics lock-free"
std::string describe_abi(std::uint32_t tag);

// The map entry the creator inserts and the other side looks up.
inline constexpr std::uint64_t kMapKey = 0x6b6579;       // "key"
inline constexpr std::uint64_t kMapValue = 0x1122334455667788ULL;

}  // namespace shmc::ports
