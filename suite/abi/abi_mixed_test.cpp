// A process of this build and an abi_peer of another ABI on one segment.
// What must hold (issue 8): a layout that matches works across the two; a
// mismatch is refused with a clear error (Errc::abi_mismatch naming both
// ABIs) and never misread. The segment header is laid out identically on every
// supported ABI, so each side reads the other's header field for field even
// when it refuses the contents.
//
// Matching means equal ABI tags (pointer size, 64-bit alignment, byte order,
// lock-free 64-bit atomics): x86_64 and aarch64 match, i386 matches neither.
#include <gtest/gtest.h>

#include <cstring>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixtures/map/map.hpp"
#include "fixtures/ring/ring.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/abi/abi_facts.hpp"
#include "suite/abi/abi_peer_runner.hpp"

namespace {

using namespace shmc;
using ports::PeerAnswer;
using ports::PeerCommand;

class AbiMixed : public ::testing::Test {
 protected:
  void SetUp() override {
    peers_ = ports::configured_peers();
    if (peers_.empty()) GTEST_SKIP() << ports::how_to_get_a_peer();
  }

  // The peer's ABI tag; fails the test if the peer cannot even say.
  std::uint32_t peer_tag(const PeerCommand& peer) {
    const PeerAnswer info = ports::ask_peer(peer, {"info"});
    EXPECT_TRUE(info.ran) << peer.describe() << ": " << info.outcome << "\n" << info.output;
    std::printf("[   PEER   ] %s: %s\n", peer.describe().c_str(), info.get("abi").c_str());
    return static_cast<std::uint32_t>(std::strtoul(info.get("abi_tag").c_str(), nullptr, 16));
  }
  bool matches(const PeerCommand& peer) { return peer_tag(peer) == current_abi_tag(); }

  // An open from the other side: works when the ABIs match, else is refused as abi_mismatch.
  void expect_open_answer(const PeerCommand& peer, const PeerAnswer& a, bool match) {
    ASSERT_TRUE(a.ran) << peer.describe() << ": " << a.outcome << "\n" << a.output;
    if (match) {
      EXPECT_EQ(a.get("result"), "ok") << a.output;
    } else {
      EXPECT_EQ(a.get("result"), "error") << a.output;
      EXPECT_EQ(a.get("errc"), to_string(Errc::abi_mismatch)) << a.output;
      EXPECT_NE(a.get("message").find("-bit pointers"), std::string::npos) << "the refusal names the ABIs: " << a.output;
    }
  }
  template <class OpenResult>
  void expect_open_here(const OpenResult& r, bool match) {
    if (match) {
      EXPECT_TRUE(r.ok()) << r.error().describe();
    } else {
      ASSERT_FALSE(r.ok()) << "a segment of another ABI was opened";
      EXPECT_EQ(r.error().code, Errc::abi_mismatch) << r.error().describe();
      EXPECT_NE(r.error().message.find("-bit pointers"), std::string::npos) << r.error().describe();
    }
  }

  std::vector<PeerCommand> peers_;
};

TEST_F(AbiMixed, HeaderWrittenHereIsReadThereFieldForField) {
  for (const auto& peer : peers_) {
    const std::string name = harness::unique_name("abi-hdr");
    SegmentOptions options;
    options.label = "mixed-abi header";
    auto seg = Segment::create(name, SegmentKind::raw, 1000, {}, options);
    ASSERT_TRUE(seg.ok()) << seg.error().describe();
    const SegmentHeader& h = seg->header();
    const PeerAnswer a = ports::ask_peer(peer, {"header", name});
    ASSERT_TRUE(a.ran) << a.outcome << "\n" << a.output;
    EXPECT_EQ(a.get("class"), "ALIVE") << a.output;
    EXPECT_EQ(a.get("magic"), ports::hex(h.magic));
    EXPECT_EQ(a.get("layout_version"), std::to_string(h.layout_version));
    EXPECT_EQ(a.get("abi_tag"), ports::hex(h.abi_tag));
    EXPECT_EQ(a.get("kind"), std::to_string(h.kind));
    EXPECT_EQ(a.get("total_size"), std::to_string(h.total_size));
    EXPECT_EQ(a.get("payload_size"), std::to_string(h.payload_size));
    EXPECT_EQ(a.get("generation"), std::to_string(h.generation));
    EXPECT_EQ(a.get("creator_tid"), std::to_string(h.creator_tid));
    EXPECT_EQ(a.get("state"), ports::hex(kStateReady));
    EXPECT_EQ(a.get("label"), "mixed-abi header");
  }
}

TEST_F(AbiMixed, HeaderWrittenThereIsReadHereFieldForField) {
  for (const auto& peer : peers_) {
    const std::string name = harness::unique_name("abi-hdr");
    harness::ScopedUnlink cleanup(name);
    const PeerAnswer created = ports::ask_peer(peer, {"create", "raw", name});
    ASSERT_TRUE(created.ran) << created.outcome << "\n" << created.output;
    auto c = classify_segment(name);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    ASSERT_TRUE(c->header.has_value());
    const SegmentHeaderImage& h = *c->header;
    EXPECT_EQ(h.magic, kSegmentMagic);
    EXPECT_EQ(h.layout_version, kSegmentLayoutVersion);
    EXPECT_EQ(h.kind, static_cast<std::uint32_t>(SegmentKind::raw));
    EXPECT_EQ(std::to_string(h.generation), created.get("generation"));
    EXPECT_EQ(h.state, kStateReady);
    EXPECT_STREQ(h.label, "abi_peer");
    EXPECT_EQ(h.payload_offset, kPayloadOffset);
    EXPECT_EQ(h.total_size, kPayloadOffset + 4096);
    // The peer exited without unlinking: its segment is stale, unless the
    // ABI differs, which makes it unknown (never reclaimed by gc).
    EXPECT_STREQ(to_string(c->cls), matches(peer) ? "STALE" : "UNKNOWN") << c->reason;
  }
}

TEST_F(AbiMixed, RawSegmentOpensAcrossMatchingAbisAndIsRefusedOtherwise) {
  for (const auto& peer : peers_) {
    const bool match = matches(peer);
    const std::string name = harness::unique_name("abi-raw");
    {
      auto seg = Segment::create(name, SegmentKind::raw, 64);
      ASSERT_TRUE(seg.ok()) << seg.error().describe();
      expect_open_answer(peer, ports::ask_peer(peer, {"open", "raw", name}), match);
    }
    harness::ScopedUnlink cleanup(name);
    ASSERT_TRUE(ports::ask_peer(peer, {"create", "raw", name}).ran);
    expect_open_here(Segment::open(name, SegmentKind::raw), match);
  }
}

TEST_F(AbiMixed, RingCarriesItemsAcrossMatchingAbisAndIsRefusedOtherwise) {
  for (const auto& peer : peers_) {
    const bool match = matches(peer);
    const std::string name = harness::unique_name("abi-ring");
    {
      auto r = ring::Ring::create(name, {.capacity = 4, .slot_size = 16});
      ASSERT_TRUE(r.ok()) << r.error().describe();
      const std::string hello = "from here";
      ASSERT_TRUE(r->try_push(std::as_bytes(std::span(hello))).ok());
      const PeerAnswer a = ports::ask_peer(peer, {"open", "ring", name});
      expect_open_answer(peer, a, match);
      if (match) {
        EXPECT_EQ(a.get("popped"), hello) << a.output;
        EXPECT_EQ(a.get("pushed"), "pushed") << a.output;
        char buf[16] = {};
        auto popped = r->try_pop(std::as_writable_bytes(std::span(buf)));
        ASSERT_TRUE(popped.ok()) << popped.error().describe();
        EXPECT_EQ(std::string(buf, popped->size), "reply");
      }
      EXPECT_TRUE(r->validate().ok()) << "whatever the peer did, the ring is intact";
    }
    harness::ScopedUnlink cleanup(name);
    ASSERT_TRUE(ports::ask_peer(peer, {"create", "ring", name}).ran);
    auto r = ring::Ring::open(name);
    expect_open_here(r, match);
    if (match && r.ok()) {
      char buf[16] = {};
      auto popped = r->try_pop(std::as_writable_bytes(std::span(buf)));
      ASSERT_TRUE(popped.ok()) << popped.error().describe();
      EXPECT_EQ(std::string(buf, popped->size), "hello");
    }
  }
}

TEST_F(AbiMixed, MapEntriesAreFoundAcrossMatchingAbisAndRefusedOtherwise) {
  for (const auto& peer : peers_) {
    const bool match = matches(peer);
    const std::string name = harness::unique_name("abi-map");
    const std::uint64_t key = ports::kMapKey, value = ports::kMapValue;
    {
      auto m = map::Map::create(name, {.capacity = 8, .key_size = 8, .value_size = 8});
      ASSERT_TRUE(m.ok()) << m.error().describe();
      ASSERT_TRUE(m->insert(std::as_bytes(std::span(&key, 1)), std::as_bytes(std::span(&value, 1))).ok());
      const PeerAnswer a = ports::ask_peer(peer, {"open", "map", name});
      expect_open_answer(peer, a, match);
      if (match) {
        EXPECT_EQ(a.get("found"), std::to_string(value)) << a.output;
      }
    }
    harness::ScopedUnlink cleanup(name);
    ASSERT_TRUE(ports::ask_peer(peer, {"create", "map", name}).ran);
    auto m = map::Map::open(name);
    expect_open_here(m, match);
    if (match && m.ok()) {
      std::uint64_t found = 0;
      auto r = m->find(std::as_bytes(std::span(&key, 1)), std::as_writable_bytes(std::span(&found, 1)));
      ASSERT_TRUE(r.ok()) << r.error().describe();
      EXPECT_EQ(found, value);
    }
  }
}

// A finding, not a fixture property: glibc encodes a process-shared sem_t
// differently in 32- and 64-bit processes (abi.sem_t.value_encoding), so a
// semaphore in a plain shared object (no ABI tag to refuse it) is misread.
// This measures what the peer reads; it fails if the finding goes stale.
TEST_F(AbiMixed, ProcessSharedSemaphoreValueAsReadByThePeer) {
  for (const auto& peer : peers_) {
    const bool match = matches(peer);
    const std::string name = harness::unique_name("abi-sem");
    harness::ScopedUnlink cleanup(name);
    const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 4096), 0);
    void* p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(p, MAP_FAILED);
    auto* sem = static_cast<sem_t*>(p);
    ASSERT_EQ(::sem_init(sem, 1, 5), 0);
    const PeerAnswer a = ports::ask_peer(peer, {"sem-value", name, "0"});
    ::sem_destroy(sem);
    ::munmap(p, 4096);
    ASSERT_TRUE(a.ran) << a.outcome << "\n" << a.output;
    std::printf("[ FINDING  ] a sem_t holding 5 here (sizeof %zu) reads as %s in the peer (sizeof %s)\n", sizeof(sem_t),
                a.get("value").c_str(), a.get("sizeof_sem_t").c_str());
    if (match) {
      EXPECT_EQ(a.get("value"), "5");
    } else {
      EXPECT_NE(a.get("value"), "5") << "glibc now agrees across ABIs: update docs/ports.md and abi.sem_t.value_encoding";
    }
  }
}

}  // namespace
