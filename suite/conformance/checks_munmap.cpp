// munmap: what goes, what stays, and the errnos. Faulting accesses happen in a child.
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "munmap";
constexpr milliseconds kChild{2000};

void* map_object(int fd, std::size_t len, int flags = MAP_SHARED) {
  return sys::mmap(nullptr, len, PROT_READ | PROT_WRITE, flags, fd, 0);
}

volatile unsigned char* at(void* base, std::size_t off) { return static_cast<volatile unsigned char*>(base) + off; }

SHMC_CHECK("munmap.access_sigsegv", kSection, "an access to a page after munmap raises SIGSEGV",
           "munmap/1", "XSH munmap DESCRIPTION") {
  ShmName name{harness::unique_name("unmapped")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  auto child = harness::run_in_child("toucher", [&](harness::ActorContext& ctx) {
    let_signal_kill(SIGSEGV);
    void* p = map_object(fd.get(), 4096);
    expect(p != MAP_FAILED, "mmap: " + errno_text(errno));
    *at(p, 0) = 1;
    expect(sys::munmap(p, 4096) == 0, "munmap: " + errno_text(errno));
    ctx.doing("touching the unmapped page");
    *at(p, 0) = 2;
    return 0;
  }, kChild);
  if (died_of(child, SIGSEGV)) {
    if (child.last_doing != "touching the unmapped page") return fail("SIGSEGV too early, while " + child.last_doing);
    return pass();
  }
  if (child.ok()) return fail("a write to an unmapped page went through");
  return fail("child: " + child.describe());
}

SHMC_CHECK("munmap.partial_splits", kSection,
           "munmap of the middle page of three splits the mapping: the outer pages work, the middle one raises SIGSEGV",
           "munmap/1", "XSH munmap DESCRIPTION") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("split")};
  Fd fd{create_object(name.c_str(), 3 * page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  auto child = harness::run_in_child("splitter", [&](harness::ActorContext& ctx) {
    let_signal_kill(SIGSEGV);
    void* p = map_object(fd.get(), 3 * page);
    expect(p != MAP_FAILED, "mmap: " + errno_text(errno));
    expect(sys::munmap(static_cast<char*>(p) + page, page) == 0, "munmap of the middle page: " + errno_text(errno));
    ctx.doing("using the outer pages");
    *at(p, 0) = 1;
    *at(p, 2 * page) = 3;
    unsigned char b = 0;
    expect(::pread(fd.get(), &b, 1, static_cast<off_t>(2 * page)) == 1 && b == 3, "the third page lost its mapping");
    ctx.doing("touching the middle page");
    *at(p, page) = 2;
    return 0;
  }, kChild);
  if (died_of(child, SIGSEGV)) {
    if (child.last_doing != "touching the middle page") return fail("SIGSEGV while " + child.last_doing);
    return pass();
  }
  if (child.ok()) return fail("the unmapped middle page is still accessible");
  return fail("child: " + child.describe());
}

SHMC_CHECK("munmap.einval", kSection,
           "munmap fails with EINVAL for an address that is not page-aligned, for len 0, and for a range outside the "
           "address space",
           "munmap/3 munmap/8 munmap/9", "XSH munmap ERRORS [EINVAL]") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("munmap-einval")};
  Fd fd{create_object(name.c_str(), page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  void* p = map_object(fd.get(), page);
  if (p == MAP_FAILED) return fail("mmap: " + errno_text(errno));
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() { (void)sys::munmap(p, n); }
  } guard{p, page};
  const std::uintptr_t top = ~std::uintptr_t{0} & ~static_cast<std::uintptr_t>(page - 1);
  struct Case {
    const char* what;
    void* addr;
    std::size_t len;
  } cases[] = {
      {"an unaligned address", static_cast<char*>(p) + 1, page},
      {"len 0", p, 0},
      {"the last page of the address range and beyond", reinterpret_cast<void*>(top), 2 * page},
  };
  for (const Case& c : cases) {
    if (sys::munmap(c.addr, c.len) == 0) return fail(std::string("munmap of ") + c.what + " succeeded");
    if (errno != EINVAL) return fail(std::string("munmap of ") + c.what + ": expected EINVAL, got " + errno_text(errno));
  }
  *at(p, 0) = 1;  // the refused calls left the real mapping alone
  return pass();
}

SHMC_CHECK("munmap.nothing_mapped_is_noop", kSection,
           "munmap of a range with no mapping succeeds and has no effect",
           "munmap/2", "XSH munmap DESCRIPTION") {
  const std::size_t page = page_size();
  // A range that surely holds nothing: reserve it, then release it.
  void* p = sys::mmap(nullptr, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return fail("mmap: " + errno_text(errno));
  if (sys::munmap(p, page) != 0) return fail("munmap: " + errno_text(errno));
  if (sys::munmap(p, page) != 0) return fail("munmap of the now-empty range: " + errno_text(errno));
  return pass();
}

SHMC_CHECK("munmap.private_discarded", kSection,
           "unmapping a MAP_PRIVATE mapping discards its writes: a new mapping shows the object's own contents",
           "munmap/4", "XSH munmap DESCRIPTION") {
  ShmName name{harness::unique_name("priv-discard")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  void* p = map_object(fd.get(), 4096, MAP_PRIVATE);
  if (p == MAP_FAILED) return fail("mmap(MAP_PRIVATE): " + errno_text(errno));
  *at(p, 5) = 0x55;
  if (sys::munmap(p, 4096) != 0) return fail("munmap: " + errno_text(errno));
  Mapping again(fd.get(), 4096);
  if (!again.ok()) return fail("mmap: " + errno_text(again.error()));
  if (again.bytes()[5] != 0) return fail("the private write survived munmap");
  return pass();
}

SHMC_CHECK("munmap.peer_intact", kSection,
           "a process that unmaps its (inherited) MAP_SHARED mapping leaves the other process's mapping intact",
           "munmap/1", "XSH munmap DESCRIPTION") {
  ShmName name{harness::unique_name("peer-intact")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), 4096);
  if (!map.ok()) return fail("mmap: " + errno_text(map.error()));
  auto child = harness::run_in_child("unmapper", [&](harness::ActorContext&) {
    map.bytes()[0] = 0x61;
    expect(sys::munmap(map.data(), 4096) == 0, "munmap in the child: " + errno_text(errno));
    return 0;
  }, kChild);
  if (!child.ok()) return fail("child: " + child.describe());
  if (map.bytes()[0] != 0x61) return fail("the parent does not see the child's write");
  map.bytes()[1] = 0x62;
  if (map.bytes()[1] != 0x62) return fail("the parent's mapping stopped working");
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
