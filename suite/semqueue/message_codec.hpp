// How the suite fills a 64-byte message: the delivery checker's item
// (producer, seq, checksum) in words 0-1, and words 2-7 derived from them, so
// a torn or stale slot is caught whichever part of the line it hits.
#pragma once

#include <array>
#include <cstdint>

#include "fixtures/semqueue/message.hpp"
#include "shmconform/check/delivery.hpp"

namespace shmc::semqueue::test {

Message to_message(const check::delivery::Item& item);
// The two checker words of a popped message. A message whose body does not
// match its words comes back with its checksum inverted, so the delivery
// checker reports it as corrupt.
std::array<std::uint64_t, 2> checker_words(const Message& m);

}  // namespace shmc::semqueue::test
