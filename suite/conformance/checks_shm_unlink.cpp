// shm_unlink: the name goes at once, the object lives on while anyone maps or holds it.
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "shm_unlink";

SHMC_CHECK("shm.unlink.name_gone", kSection,
           "after shm_unlink the name is gone at once (ENOENT), although a descriptor is still open",
           "shm_unlink/1 shm_unlink/2 shm_unlink/6", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("gone")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  if (sys::shm_unlink(name.c_str()) != 0) return fail("shm_unlink: " + errno_text(errno));
  Fd again{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (again.ok()) return fail("the name still opens after shm_unlink");
  if (errno != ENOENT) return fail("expected ENOENT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("shm.unlink.enoent", kSection, "shm_unlink of a name that does not exist fails with ENOENT",
           "shm_unlink/11", "XSH shm_unlink ERRORS [ENOENT]") {
  ShmName name{harness::unique_name("unlink-missing")};
  if (sys::shm_unlink(name.c_str()) == 0) return fail("shm_unlink of a missing name succeeded");
  if (errno != ENOENT) return fail("expected ENOENT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("shm.unlink.mapped_contents_live", kSection,
           "after shm_unlink and close, an existing mapping still reads and writes the object",
           "shm_unlink/3", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("mapped-live")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), 4096);
  if (!map.ok()) return fail("mmap: " + errno_text(map.error()));
  map.bytes()[10] = 42;
  if (sys::shm_unlink(name.c_str()) != 0) return fail("shm_unlink: " + errno_text(errno));
  fd.reset();
  if (map.bytes()[10] != 42) return fail("the mapping lost its contents after unlink and close");
  map.bytes()[4095] = 7;
  if (map.bytes()[4095] != 7) return fail("the mapping is not writable after unlink and close");
  return pass();
}

SHMC_CHECK("shm.unlink.open_contents_live", kSection,
           "after shm_unlink, an open descriptor still reaches the object: a new mapping sees the old contents",
           "shm_unlink/3 shm_open/28", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("open-live")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  {
    Mapping before(fd.get(), 4096);
    if (!before.ok()) return fail("mmap: " + errno_text(before.error()));
    before.bytes()[123] = 99;
  }
  if (sys::shm_unlink(name.c_str()) != 0) return fail("shm_unlink: " + errno_text(errno));
  Mapping after(fd.get(), 4096);
  if (!after.ok()) return fail("mmap through the descriptor after unlink: " + errno_text(after.error()));
  if (after.bytes()[123] != 99) return fail("a mapping made after unlink does not see the old contents");
  return pass();
}

SHMC_CHECK("shm.unlink.recreate_is_new", kSection,
           "O_CREAT after shm_unlink makes a new, empty object, independent of the old one's mappings",
           "shm_unlink/5", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("recreate")};
  Fd old_fd{create_object(name.c_str(), 4096)};
  if (!old_fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping old_map(old_fd.get(), 4096);
  if (!old_map.ok()) return fail("mmap: " + errno_text(old_map.error()));
  old_map.bytes()[0] = 1;
  if (sys::shm_unlink(name.c_str()) != 0) return fail("shm_unlink: " + errno_text(errno));

  Fd new_fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (!new_fd.ok()) return fail("O_CREAT|O_EXCL after unlink: " + errno_text(errno));
  struct ::stat old_st {}, new_st {};
  if (sys::fstat(old_fd.get(), &old_st) != 0 || sys::fstat(new_fd.get(), &new_st) != 0)
    return fail("fstat: " + errno_text(errno));
  if (new_st.st_size != 0) return fail("the re-created object has size " + std::to_string(new_st.st_size));
  if (old_st.st_ino == new_st.st_ino && old_st.st_dev == new_st.st_dev) return fail("the re-created name is the old object");
  if (sys::ftruncate(new_fd.get(), 4096) != 0) return fail("ftruncate: " + errno_text(errno));
  Mapping new_map(new_fd.get(), 4096);
  if (!new_map.ok()) return fail("mmap of the new object: " + errno_text(new_map.error()));
  if (new_map.bytes()[0] != 0) return fail("the new object shows the old object's contents");
  new_map.bytes()[0] = 2;
  if (old_map.bytes()[0] != 1) return fail("a write to the new object changed the old one");
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
