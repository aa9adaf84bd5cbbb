// Platform finding: does a process see itself in /proc as others see it?
// ProcessIdentity is (tid, start time from /proc/<tid>/stat); a process stamps
// a lock with the identity it reads for itself and peers judge that stamp with
// what they read. qemu-user answers a process's reads of its own
// /proc/<pid>/stat itself (start time and state made up), so the two views
// can differ: a live owner would then look dead and be robbed.
#include <atomic>
#include <unistd.h>

#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::conformance {
namespace {

struct Views {
  std::atomic<std::uint64_t> self_view;  // packed, as the process read it for itself
  std::atomic<std::uint32_t> released;
};

SHMC_CHECK("abi.identity.self_view_matches", "abi",
           "the start time a process reads for itself in /proc equals what another process reads for it (owner "
           "identities rely on it)") {
  harness::SharedArray<Views> shared(1);
  Views& v = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("subject", [&](harness::ActorContext& ctx) {
    v.self_view.store(pack(self_identity()));
    ctx.doing("waiting to be looked at");
    return harness::poll_until([&] { return v.released.load() != 0; }, ctx.deadline()) ? 0 : 3;
  });
  actors.add("observer", [&](harness::ActorContext& ctx) {
    ctx.doing("waiting for the subject's own view");
    std::uint64_t word = 0;
    if (!harness::poll_until([&] { return (word = v.self_view.load()) != 0; }, ctx.deadline())) return 3;
    const ProcessIdentity self = unpack(word);
    const ProcessIdentity peer = identity_of(self.tid);
    const Liveness l = liveness(self);
    v.released.store(1);
    // The verdict travels back as the exit status.
    SHMC_ACTOR_CHECK(peer.tid == self.tid);
    if (l != Liveness::alive) return 10 + static_cast<int>(l);
    if (pack(peer) != word) return 20;
    return 0;
  });
  const auto outcomes = actors.run(std::chrono::seconds(20));
  const auto& observer = outcomes[1];
  const ProcessIdentity self = unpack(v.self_view.load());
  if (!outcomes[0].ok()) return fail("subject: " + outcomes[0].describe());
  if (observer.ok()) return pass("both read " + self.describe());
  if (observer.end == harness::ActorOutcome::End::exited && observer.exit_code >= 10 && observer.exit_code < 20)
    return fail("a live process that stamped itself as " + self.describe() + " is judged " +
                to_string(static_cast<Liveness>(observer.exit_code - 10)) +
                " by another process: /proc/<pid>/stat is not what the process itself reads (qemu-user answers a "
                "process's reads of its own /proc/<pid>/stat; read /proc/<pid>/task/<tid>/stat instead)");
  if (observer.end == harness::ActorOutcome::End::exited && observer.exit_code == 20)
    return fail("the start time differs between the process's own view (" + self.describe() +
                ") and another process's view, though liveness happened to say alive");
  return fail("observer: " + observer.describe());
}

}  // namespace
}  // namespace shmc::conformance
