// Seed 003, exercise 5: a second process that opens the queue while its
// creator is still making it must never use a semaphore the creator has not
// finished. Here the opener either finds nothing yet (not_found) or a queue
// that works at once; it never blocks on a half-made semaphore.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "suite/semqueue/message_codec.hpp"
#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/typed_variants.hpp"

namespace {

using namespace shmc;
using namespace shmc::semqueue;
using namespace shmc::semqueue::test;
using namespace std::chrono_literals;

template <class V>
class SemQueueInitRace : public ::testing::Test {};
TYPED_TEST_SUITE(SemQueueInitRace, AllVariants, VariantNames);

TYPED_TEST(SemQueueInitRace, AnOpenerNeverSeesAHalfMadeQueue) {
  using V = TypeParam;
  for (int round = 0; round < 10; ++round) {
    const std::string name = harness::unique_name("semq-race");
    harness::SharedArray<std::atomic<std::uint32_t>> opener_done(1);
    harness::Actors actors;
    actors.add("creator", [&](harness::ActorContext& ctx) {
      auto q = V::create(name, 2);
      SHMC_ACTOR_CHECK(q.ok());
      // Keep the queue (and its names) until the opener is through; bounded by the run.
      return harness::poll_until([&] { return opener_done[0].load() != 0; }, ctx.deadline()) ? 0 : 1;
    });
    actors.add("opener", [&](harness::ActorContext& ctx) {
      for (;;) {
        auto q = V::open(name);
        if (!q) {
          SHMC_ACTOR_CHECK(q.error().code == Errc::not_found || q.error().code == Errc::still_initialising);
          SHMC_ACTOR_CHECK(std::chrono::steady_clock::now() < ctx.deadline());
          continue;
        }
        // Usable at once: a push and a pop, each with a short bound.
        const Message m = to_message(check::delivery::make_item(1, 1));
        const bool pushed = q->push(m, Clock::now() + 500ms).ok();
        Message back;
        const bool popped = pushed && q->pop(back, Clock::now() + 500ms).ok();
        opener_done[0].store(1);
        SHMC_ACTOR_CHECK(pushed && popped && back.words == m.words);
        return 0;
      }
    });
    const auto outcomes = actors.run(10s);
    ASSERT_TRUE(harness::all_ok(outcomes)) << "round " << round << ": " << harness::describe(outcomes);
  }
}

}  // namespace
