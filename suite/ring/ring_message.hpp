// The test message: a delivery item (producer, seq, checksum) in its first 16
// bytes, then a pattern derived from the checksum, so that a torn or
// overwritten payload decodes as "corrupt" instead of as some other item.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "shmconform/check/delivery.hpp"

namespace shmc::ring::testing {

inline constexpr std::size_t kMessageSize = 64;
using Message = std::array<std::byte, kMessageSize>;

Message make_message(std::uint32_t producer, std::uint32_t seq);
// nullopt unless the bytes are exactly a message make_message() could have made.
std::optional<check::delivery::Item> read_message(std::span<const std::byte> bytes);

}  // namespace shmc::ring::testing
