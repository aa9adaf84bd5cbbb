// Small helpers the models share to print words readably.
#pragma once

#include <cstdint>
#include <string>

namespace shmc::check {

// A word as decimal if small, hex otherwise (checksums are noise in decimal).
std::string format_word(std::uint64_t w);
// An item of two words; a tagged delivery item (delivery.hpp) is shown as p<producer>#<seq> so reports read like the test that made them.
std::string format_pair(std::uint64_t a, std::uint64_t b);

}  // namespace shmc::check
