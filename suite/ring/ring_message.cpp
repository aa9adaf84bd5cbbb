#include "suite/ring/ring_message.hpp"

#include <cstring>

namespace shmc::ring::testing {

namespace {

std::byte pattern_byte(std::uint64_t checksum, std::size_t i) {
  std::uint64_t x = checksum + 0x9e3779b97f4a7c15ULL * (i + 1);
  x ^= x >> 29;
  return static_cast<std::byte>(x & 0xff);
}

}  // namespace

Message make_message(std::uint32_t producer, std::uint32_t seq) {
  const auto words = check::delivery::encode(check::delivery::make_item(producer, seq));
  Message m{};
  std::memcpy(m.data(), words.data(), sizeof words);
  for (std::size_t i = sizeof words; i < kMessageSize; ++i) m[i] = pattern_byte(words[1], i);
  return m;
}

std::optional<check::delivery::Item> read_message(std::span<const std::byte> bytes) {
  if (bytes.size() != kMessageSize) return std::nullopt;
  std::array<std::uint64_t, 2> words{};
  std::memcpy(words.data(), bytes.data(), sizeof words);
  if (!check::delivery::is_item(words[0])) return std::nullopt;
  const auto item = check::delivery::decode(words[0], words[1]);
  if (item.checksum != check::delivery::checksum(item.producer, item.seq)) return std::nullopt;
  for (std::size_t i = sizeof words; i < kMessageSize; ++i)
    if (bytes[i] != pattern_byte(words[1], i)) return std::nullopt;
  return item;
}

}  // namespace shmc::ring::testing
