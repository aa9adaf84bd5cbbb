// Every way an open can be refused has its own error, and none of them
// touches memory it should not (no SIGBUS, no misread).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/segment/raw_object.hpp"

using namespace shmc;

namespace {

struct Created {
  std::string name = harness::unique_name("seg");
  harness::ScopedUnlink cleanup{name};
  Created() {
    auto seg = Segment::create(name, SegmentKind::map, 4096);
    if (!seg) throw std::runtime_error(seg.error().describe());
    seg->disown();  // the test edits it behind the class's back; cleanup unlinks
  }
};

Errc open_error(const std::string& name, SegmentKind kind = SegmentKind::map) {
  SegmentOptions quick;
  quick.init_wait = std::chrono::milliseconds(100);
  auto r = Segment::open(name, kind, quick);
  return r ? throw std::runtime_error("open unexpectedly succeeded") : r.error().code;
}

TEST(SegmentRefusal, MissingNameIsNotFound) {
  auto r = Segment::open(harness::unique_name("absent"), SegmentKind::map);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_NE(r.error().describe().find("absent"), std::string::npos) << "the error names the object";
}

TEST(SegmentRefusal, BadNamesAreInvalidArguments) {
  for (const std::string& bad : std::vector<std::string>{"", "/", "noslash", "/a/b", "/" + std::string(300, 'x')}) {
    EXPECT_EQ(Segment::open(bad, SegmentKind::raw).error().code, Errc::invalid_argument) << bad;
    EXPECT_EQ(Segment::create(bad, SegmentKind::raw, 64).error().code, Errc::invalid_argument) << bad;
  }
}

TEST(SegmentRefusal, CreatingAnExistingNameIsAlreadyExists) {
  Created c;
  auto r = Segment::create(c.name, SegmentKind::map, 64);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::already_exists);
}

TEST(SegmentRefusal, AForeignObjectIsForeignAndLeftIntact) {
  std::string name = harness::unique_name("foreign");
  harness::ScopedUnlink cleanup(name);
  std::vector<char> junk(4096, 'J');
  test::make_raw_object(name, junk.data(), junk.size());
  EXPECT_EQ(open_error(name), Errc::foreign);
  auto cls = classify_segment(name);
  ASSERT_TRUE(cls);
  EXPECT_EQ(cls->cls, SegmentClass::foreign);
  auto reclaimed = reclaim_if_stale(name);
  ASSERT_TRUE(reclaimed);
  EXPECT_EQ(reclaimed->cls, SegmentClass::foreign);
  EXPECT_EQ(Segment::open(name, SegmentKind::map).error().code, Errc::foreign) << "gc must never remove a foreign object";
}

TEST(SegmentRefusal, OtherLayoutVersionIsLayoutMismatch) {
  Created c;
  test::patch_field<std::uint32_t>(c.name, offsetof(SegmentHeader, layout_version), kSegmentLayoutVersion + 1);
  EXPECT_EQ(open_error(c.name), Errc::layout_mismatch);
}

TEST(SegmentRefusal, OtherAbiTagIsAbiMismatchAndSaysWhatDiffers) {
  Created c;
  std::uint32_t other = current_abi_tag() ^ 0x0cu;  // a writer of the other pointer width (4 <-> 8)
  test::patch_field<std::uint32_t>(c.name, offsetof(SegmentHeader, abi_tag), other);
  auto r = Segment::open(c.name, SegmentKind::map);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::abi_mismatch);
  EXPECT_NE(r.error().message.find(sizeof(void*) == 8 ? "32-bit" : "64-bit"), std::string::npos) << r.error().describe();
}

TEST(SegmentRefusal, ByteSwappedMagicIsAbiMismatchNotForeign) {
  Created c;
  test::patch_field<std::uint64_t>(c.name, offsetof(SegmentHeader, magic), kSegmentMagicSwapped);
  EXPECT_EQ(open_error(c.name), Errc::abi_mismatch);
}

TEST(SegmentRefusal, AnObjectShorterThanItsHeaderSaysIsTruncatedWithoutSigbus) {
  Created c;
  test::truncate_object(c.name, static_cast<off_t>(kPayloadOffset + 10));
  auto r = Segment::open(c.name, SegmentKind::map);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::truncated);
  EXPECT_NE(r.error().message.find("bytes"), std::string::npos);
}

TEST(SegmentRefusal, AnObjectTooSmallForAHeaderIsRefusedWithoutSigbus) {
  Created c;
  test::truncate_object(c.name, 12);
  EXPECT_EQ(open_error(c.name), Errc::creator_died) << "our magic, no header, nobody initialising";
}

TEST(SegmentRefusal, AnotherFixtureKindIsWrongKind) {
  Created c;
  EXPECT_EQ(open_error(c.name, SegmentKind::ring), Errc::wrong_kind);
}

TEST(SegmentRefusal, ScribbledSizesAreCorrupt) {
  Created c;
  test::patch_field<std::uint64_t>(c.name, offsetof(SegmentHeader, payload_size), 1);
  EXPECT_EQ(open_error(c.name), Errc::corrupt);
}

TEST(SegmentRefusal, AScribbledStateWordIsCorruptNotReady) {
  Created c;
  test::patch_field<std::uint32_t>(c.name, offsetof(SegmentHeader, state), 1);
  EXPECT_EQ(open_error(c.name), Errc::corrupt);
}

TEST(SegmentRefusal, APoisonedSegmentIsRefused) {
  Created c;
  {
    auto seg = Segment::open(c.name, SegmentKind::map);
    ASSERT_TRUE(seg);
    seg->poison();
  }
  auto r = Segment::open(c.name, SegmentKind::map);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt);
  EXPECT_NE(r.error().message.find("poisoned"), std::string::npos);
}

}  // namespace

namespace {

TEST(SegmentRefusal, LibcObjectsLaidOutDifferentlyAreAbiMismatch) {
  // What an aarch64 peer (48-byte pthread_mutex_t, same ABI tag as x86_64) would record.
  std::string name = harness::unique_name("libc");
  auto seg = Segment::create(name, SegmentKind::sem_queue, 256, {}, holding_libc_objects({}));
  ASSERT_TRUE(seg);
  EXPECT_TRUE(Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({})));
  test::patch_field<std::uint32_t>(name, offsetof(SegmentHeader, fixture_abi), libc_sync_abi() + (8u << 8));
  auto r = Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::abi_mismatch);
  EXPECT_NE(r.error().message.find("pthread_mutex_t"), std::string::npos) << r.error().describe();
  // A fixture without libc objects is refused a segment that has them, too.
  EXPECT_EQ(Segment::open(name, SegmentKind::sem_queue).error().code, Errc::abi_mismatch);
}

}  // namespace
