// mmap of shared-memory objects: what happens at and past the object's end.
// Accesses that may raise SIGBUS happen in a forked child, so a SIGBUS is a
// finding in the report, never a crash of the suite.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "mmap";

// Sanitizer runtimes catch SIGBUS to print a report; the check wants the
// platform's own behaviour, so the child restores the default action first.
void let_sigbus_kill() { std::signal(SIGBUS, SIG_DFL); }

bool died_of(const harness::ActorOutcome& o, int sig) {
  return o.end == harness::ActorOutcome::End::signalled && o.signal == sig;
}

SHMC_CHECK("mmap.beyond_end.sigbus", kSection,
           "a mapping longer than its object raises SIGBUS on access to whole pages past the object's end",
           "mmap/11", "XSH mmap DESCRIPTION (SIGBUS)") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("sigbus")};
  Fd fd{create_object(name.c_str(), page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), 2 * page);
  if (!map.ok()) return fail("mmap of twice the object's size was refused: " + errno_text(map.error()));
  auto child = harness::run_in_child("toucher", [&](harness::ActorContext& ctx) {
    let_sigbus_kill();
    ctx.doing("writing the object's last byte");
    map.bytes()[page - 1] = 1;
    ctx.doing("writing the first byte past the object's end");
    map.bytes()[page] = 1;
    return 0;
  }, milliseconds(2000));
  if (died_of(child, SIGBUS)) {
    if (child.last_doing != "writing the first byte past the object's end")
      return fail("SIGBUS came too early, while " + child.last_doing);
    return pass("the child died of SIGBUS past the end; size objects before mapping and check fstat first");
  }
  if (child.ok()) return fail("no SIGBUS: a write past the object's end went through");
  return fail("child: " + child.describe());
}

SHMC_CHECK("mmap.partial_page.zero_filled", kSection,
           "the rest of the last page past a non-page-sized object's end reads as zeros, without SIGBUS",
           "mmap/11", "XSH mmap DESCRIPTION (partial page)") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("partial")};
  Fd fd{create_object(name.c_str(), 100)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), page);
  if (!map.ok()) return fail("mmap: " + errno_text(map.error()));
  auto child = harness::run_in_child("reader", [&](harness::ActorContext& ctx) {
    let_sigbus_kill();
    ctx.doing("reading the tail of the last page");
    for (std::size_t i = 100; i < page; ++i)
      if (map.bytes()[i] != 0) throw std::runtime_error("byte " + std::to_string(i) + " past the end is not zero");
    return 0;
  }, milliseconds(2000));
  if (!child.ok()) return fail("child: " + child.describe());
  return pass();
}

SHMC_CHECK("mmap.grow.visible", kSection,
           "pages past the end become usable in an existing mapping once another process grows the object",
           "", "XSH mmap, XSH ftruncate") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("grow")};
  Fd fd{create_object(name.c_str(), page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), 2 * page);
  if (!map.ok()) return fail("mmap: " + errno_text(map.error()));
  auto grower = harness::run_in_child("grower", [&](harness::ActorContext&) {
    Fd own{sys::shm_open(name.c_str(), O_RDWR, 0)};
    if (!own.ok()) throw std::runtime_error("shm_open: " + errno_text(errno));
    if (sys::ftruncate(own.get(), static_cast<off_t>(2 * page)) != 0) throw std::runtime_error("ftruncate: " + errno_text(errno));
    return 0;
  }, milliseconds(2000));
  if (!grower.ok()) return fail("grower: " + grower.describe());
  auto user = harness::run_in_child("user", [&](harness::ActorContext& ctx) {
    let_sigbus_kill();
    ctx.doing("writing the second page of the grown object");
    map.bytes()[page + 7] = 9;
    return map.bytes()[page + 7] == 9 ? 0 : 1;
  }, milliseconds(2000));
  if (died_of(user, SIGBUS)) return fail("SIGBUS on a page that exists since the object grew");
  if (!user.ok()) return fail("user: " + user.describe());
  return pass();
}

struct TruncState {
  std::atomic<std::uint32_t> mapped;
  std::atomic<std::uint32_t> truncated;
};

SHMC_CHECK("mmap.peer_truncate.sigbus", kSection,
           "a peer that reopens the object with O_TRUNC makes every other process's next access SIGBUS",
           "", "XSH shm_open (O_TRUNC), XSH mmap (SIGBUS)") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("peertrunc")};
  Fd fd{create_object(name.c_str(), 2 * page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  harness::SharedArray<TruncState> shared(1);
  TruncState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("user", [&](harness::ActorContext& ctx) {
    let_sigbus_kill();
    Mapping map(fd.get(), 2 * page);
    if (!map.ok()) throw std::runtime_error("mmap: " + errno_text(map.error()));
    map.bytes()[0] = 1;
    st.mapped.store(1, std::memory_order_release);
    ctx.doing("waiting for the peer's O_TRUNC");
    if (!wait_flag(st.truncated, 1, milliseconds(2000))) throw std::runtime_error("the peer never truncated");
    ctx.doing("touching the first page after the truncation");
    map.bytes()[0] = 2;
    return 0;
  });
  actors.add("careless-peer", [&](harness::ActorContext&) {
    if (!wait_flag(st.mapped, 1, milliseconds(2000))) throw std::runtime_error("the user never mapped");
    Fd again{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600)};
    if (!again.ok()) throw std::runtime_error("shm_open(O_TRUNC): " + errno_text(errno));
    st.truncated.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(4000));
  if (!outcomes[1].ok()) return fail(harness::describe(outcomes));
  if (died_of(outcomes[0], SIGBUS))
    return finding("the user died of SIGBUS; never open an existing object with O_TRUNC ('open or create' must not truncate)");
  if (outcomes[0].ok()) return fail("no SIGBUS: the mapping outlived the truncation of its object");
  return fail(harness::describe(outcomes));
}

}  // namespace
}  // namespace shmc::conformance
