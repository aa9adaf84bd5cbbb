// open_sealed refuses what it must: a descriptor whose size is not sealed
// (whoever holds it could shrink it under the mapping), and a memfd whose
// contents are not a usable segment, each with its own error that names it.
// Each refusal has a planted variant that takes what it is given.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/segment/raw_memfd.hpp"

using namespace shmc;

namespace {

constexpr int kSizeSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

// The bytes of a genuine sealed segment, to copy into memfds made by hand.
std::vector<unsigned char> genuine_image() {
  auto seg = Segment::create_sealed(SegmentKind::raw, 4096);
  if (!seg) throw std::runtime_error(seg.error().describe());
  return test::contents_of(seg->fd());
}

template <class T>
std::vector<unsigned char> patched(std::vector<unsigned char> image, std::size_t offset, T value) {
  std::memcpy(image.data() + offset, &value, sizeof value);
  return image;
}

// "" when open_sealed refuses `fd` with `expected`, naming the object; else what it did.
std::string refusal(const char* what, int fd, Errc expected, SegmentKind kind = SegmentKind::raw,
                    const SegmentOptions& options = {}) {
  auto r = Segment::open_sealed(fd, kind, options);
  if (r) return std::string(what) + ": opened\n";
  if (r.error().code != expected)
    return std::string(what) + ": refused as " + r.error().describe() + ", expected " + std::string(to_string(expected)) + "\n";
  if (r.error().message.empty()) return std::string(what) + ": refused without saying why\n";
  return "";
}

// --- the size must be sealed ---------------------------------------------------

std::string unsealed_refused() {
  const auto image = genuine_image();
  std::string out;
  out += refusal("no seals", test::RawMemfd(image, 0).fd(), Errc::not_sealed);
  out += refusal("SHRINK only", test::RawMemfd(image, F_SEAL_SHRINK).fd(), Errc::not_sealed);
  out += refusal("GROW|SEAL, shrinkable", test::RawMemfd(image, F_SEAL_GROW | F_SEAL_SEAL).fd(), Errc::not_sealed);
  out += refusal("SHRINK|GROW without SEAL", test::RawMemfd(image, F_SEAL_SHRINK | F_SEAL_GROW).fd(), Errc::not_sealed);
  {
    test::RawMemfd unsealable(image.size(), 0, false);  // the kernel gives it SEAL alone, for good
    if (::pwrite(unsealable.fd(), image.data(), image.size(), 0) != static_cast<ssize_t>(image.size()))
      return "pwrite failed";
    out += refusal("made without MFD_ALLOW_SEALING", unsealable.fd(), Errc::not_sealed);
  }
  {
    const std::string name = harness::unique_name("sealed-named");
    harness::ScopedUnlink cleanup(name);
    auto named = Segment::create(name, SegmentKind::raw, 4096);
    if (!named) return "Segment::create: " + named.error().describe();
    out += refusal("a shm_open segment's descriptor", named->fd(), Errc::not_sealed);
  }
  {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return "pipe failed";
    out += refusal("a pipe (F_GET_SEALS: EINVAL)", p[0], Errc::not_sealed);
    ::close(p[0]);
    ::close(p[1]);
  }
  return out;
}

TEST(SealedSegmentRefusal, ADescriptorWhoseSizeIsNotSealedIsNotSealed) { EXPECT_EQ(unsealed_refused(), ""); }

// Under the planted bug `point`, `check` must report each of `cases` as opened.
void expect_caught(const char* point, const std::function<std::string()>& check, std::vector<std::string> cases) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  harness::ScopedFault planted(point, 0);
  const std::string why = check();
  for (const std::string& c : cases) EXPECT_NE(why.find(c + ": opened"), std::string::npos) << c << "\n" << why;
}

TEST(SealedSegmentRefusal, PlantedOpenerThatTakesAnyDescriptorIsCaught) {
  expect_caught("segment/sealed/planted_unchecked_seals", unsealed_refused, {"no seals", "a shm_open segment's descriptor"});
}

TEST(SealedSegmentRefusal, TheRefusalSaysWhatAHolderCouldDo) {
  test::RawMemfd m(genuine_image(), F_SEAL_GROW | F_SEAL_SEAL);
  auto r = Segment::open_sealed(m.fd(), SegmentKind::raw);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_sealed);
  const std::string& why = r.error().message;
  EXPECT_NE(why.find("memfd:shmconform-test-raw"), std::string::npos) << why;
  EXPECT_NE(why.find("GROW|SEAL"), std::string::npos) << "the seals it has: " << why;
  EXPECT_NE(why.find("shrink it"), std::string::npos) << "what the missing seal allows: " << why;
}

TEST(SealedSegmentRefusal, ACreateThatSealedNothingIsRefusedByItsOpeners) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  std::optional<Result<Segment>> seg;
  {
    harness::ScopedFault planted("segment/sealed/planted_no_seals", 0);
    seg.emplace(Segment::create_sealed(SegmentKind::raw, 4096));
    ASSERT_EQ(planted.failures(), 1u);
  }
  ASSERT_TRUE(*seg) << seg->error().describe();
  EXPECT_EQ(::fcntl((*seg)->fd(), F_GET_SEALS), 0);
  EXPECT_EQ(refusal("planted unsealed create", (*seg)->fd(), Errc::not_sealed), "");
}

TEST(SealedSegmentRefusal, AWriteSealedMemfdIsRefusedBeforeMapping) {
  test::RawMemfd m(genuine_image(), kSizeSeals | F_SEAL_WRITE);
  EXPECT_EQ(refusal("write-sealed", m.fd(), Errc::permission_denied), "");
}

TEST(SealedSegmentRefusal, ANegativeDescriptorIsAnInvalidArgument) {
  EXPECT_EQ(refusal("fd -1", -1, Errc::invalid_argument), "");
}

// --- the contents must be a usable segment -----------------------------------

std::string foreign_and_corrupt_refused() {
  const auto image = genuine_image();
  auto sealed = [](const std::vector<unsigned char>& bytes) { return test::RawMemfd(bytes, kSizeSeals); };
  std::string out;
  out += refusal("somebody else's bytes", sealed(std::vector<unsigned char>(4096, 'J')).fd(), Errc::foreign);
  out += refusal("all zeros", sealed(std::vector<unsigned char>(4096, 0)).fd(), Errc::foreign);
  out += refusal("byte-swapped magic", sealed(patched(image, offsetof(SegmentHeader, magic), kSegmentMagicSwapped)).fd(),
                 Errc::abi_mismatch);
  out += refusal("other layout version",
                 sealed(patched(image, offsetof(SegmentHeader, layout_version), kSegmentLayoutVersion + 1)).fd(),
                 Errc::layout_mismatch);
  out += refusal("other ABI tag", sealed(patched(image, offsetof(SegmentHeader, abi_tag), current_abi_tag() ^ 0x0cu)).fd(),
                 Errc::abi_mismatch);
  out += refusal("scribbled payload size", sealed(patched(image, offsetof(SegmentHeader, payload_size), std::uint64_t{1})).fd(),
                 Errc::corrupt);
  out += refusal("never ready", sealed(patched(image, offsetof(SegmentHeader, state), kStateInitialising)).fd(),
                 Errc::corrupt);
  out += refusal("poisoned", sealed(patched(image, offsetof(SegmentHeader, state), kStatePoisoned)).fd(), Errc::corrupt);
  out += refusal("scribbled state", sealed(patched(image, offsetof(SegmentHeader, state), std::uint32_t{1})).fd(),
                 Errc::corrupt);
  {
    auto shorter = image;
    shorter.resize(kPayloadOffset + 10);
    out += refusal("shorter than its header says", sealed(shorter).fd(), Errc::truncated);
    shorter.resize(12);
    out += refusal("shorter than a header", sealed(shorter).fd(), Errc::truncated);
  }
  {
    auto m = sealed(image);
    out += refusal("another fixture kind", m.fd(), Errc::wrong_kind, SegmentKind::ring);
    out += refusal("other libc objects", m.fd(), Errc::abi_mismatch, SegmentKind::raw, holding_libc_objects({}));
    if (auto ok = Segment::open_sealed(m.fd(), SegmentKind::raw); !ok)
      out += "the unaltered copy was refused too: " + ok.error().describe() + "\n";
  }
  return out;
}

TEST(SealedSegmentRefusal, AForeignOrCorruptMemfdIsRefusedWithItsOwnError) {
  EXPECT_EQ(foreign_and_corrupt_refused(), "");
}

TEST(SealedSegmentRefusal, PlantedOpenerThatMapsWhateverItIsGivenIsCaught) {
  expect_caught("segment/sealed/planted_unchecked_header", foreign_and_corrupt_refused,
                {"somebody else's bytes", "scribbled payload size"});
}

TEST(SealedSegmentRefusal, TheForeignRefusalNamesTheMemfd) {
  test::RawMemfd m(std::vector<unsigned char>(4096, 'J'), kSizeSeals);
  auto r = Segment::open_sealed(m.fd(), SegmentKind::raw);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::foreign);
  EXPECT_NE(r.error().message.find("'memfd:shmconform-test-raw' is not a shmconform segment"), std::string::npos)
      << r.error().describe();
}

}  // namespace
