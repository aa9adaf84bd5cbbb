#include "suite/semqueue/message_codec.hpp"

namespace shmc::semqueue::test {

namespace {
std::uint64_t body_word(std::uint64_t w0, std::uint64_t w1, std::size_t i) {
  std::uint64_t x = w0 * 0x9e3779b97f4a7c15ULL ^ (w1 + i * 0xbf58476d1ce4e5b9ULL);
  x ^= x >> 31;
  return x * 0x94d049bb133111ebULL;
}
}  // namespace

Message to_message(const check::delivery::Item& item) {
  Message m;
  const auto w = check::delivery::encode(item);
  m.words[0] = w[0];
  m.words[1] = w[1];
  for (std::size_t i = 2; i < m.words.size(); ++i) m.words[i] = body_word(w[0], w[1], i);
  return m;
}

std::array<std::uint64_t, 2> checker_words(const Message& m) {
  bool body_ok = true;
  for (std::size_t i = 2; i < m.words.size(); ++i) body_ok &= m.words[i] == body_word(m.words[0], m.words[1], i);
  return {m.words[0], body_ok ? m.words[1] : ~m.words[1]};
}

}  // namespace shmc::semqueue::test
