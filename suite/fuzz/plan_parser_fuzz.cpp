// libFuzzer target: the plan text parser (`shmconform replay` reads what a
// user pastes). Any text: a plan or a clear error. A plan that parses must
// print to a text that parses back to the same plan.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shmconform/plan/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto plan = shmc::plan::parse_plan(text);
  if (!plan) {
    if (plan.error().message.empty()) std::abort();  // a refusal must say why
    return 0;
  }
  (void)shmc::plan::describe(*plan);
  auto again = shmc::plan::parse_plan(shmc::plan::to_text(*plan));
  if (!again || !(*again == *plan)) std::abort();
  return 0;
}
