// shm_open: creation, exclusion, truncation, modes, descriptor flags, name rules.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <unistd.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "shm_open";

struct ::stat stat_of(int fd) {
  struct ::stat st {};
  if (sys::fstat(fd, &st) != 0) st.st_ino = 0;
  return st;
}

SHMC_CHECK("shm.open.creat", kSection,
           "O_CREAT on a free name creates an object that shm_open without O_CREAT then opens",
           "shm_open/1 shm_open/5 shm_open/15 shm_open/28", "XSH shm_open DESCRIPTION") {
  ShmName name{harness::unique_name("creat")};
  Fd created{sys::shm_open(name.c_str(), O_RDWR | O_CREAT, 0600)};
  if (!created.ok()) return fail("shm_open(O_CREAT): " + errno_text(errno));
  Fd reopened{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (!reopened.ok()) return fail("reopening without O_CREAT: " + errno_text(errno));
  if (stat_of(created.get()).st_ino != stat_of(reopened.get()).st_ino)
    return fail("the reopened descriptor refers to another object (different inode)");
  return pass();
}

SHMC_CHECK("shm.open.new_size_zero", kSection, "a newly created object has size 0 until ftruncate sizes it",
           "shm_open/21", "XSH shm_open DESCRIPTION") {
  ShmName name{harness::unique_name("size0")};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (!fd.ok()) return fail("shm_open(O_CREAT|O_EXCL): " + errno_text(errno));
  struct ::stat st = stat_of(fd.get());
  if (st.st_size != 0) return fail("new object has size " + std::to_string(st.st_size));
  return pass();
}

SHMC_CHECK("shm.open.excl", kSection, "O_CREAT|O_EXCL on an existing name fails with EEXIST and leaves the object intact",
           "shm_open/22 shm_open/35", "XSH shm_open ERRORS [EEXIST]") {
  ShmName name{harness::unique_name("excl")};
  Fd first{create_object(name.c_str(), 4096)};
  if (!first.ok()) return fail("creating the first object: " + errno_text(errno));
  Fd second{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (second.ok()) return fail("the second O_CREAT|O_EXCL succeeded: two creators both think they own the name");
  if (errno != EEXIST) return fail("expected EEXIST, got " + errno_text(errno));
  if (stat_of(first.get()).st_size != 4096) return fail("the existing object changed size");
  return pass();
}

SHMC_CHECK("shm.open.creat_existing", kSection,
           "O_CREAT without O_EXCL on an existing name opens that object and keeps its contents",
           "shm_open/5 shm_open/28", "XSH shm_open DESCRIPTION") {
  ShmName name{harness::unique_name("createx")};
  Fd first{create_object(name.c_str(), 4096)};
  if (!first.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping m1(first.get(), 4096);
  if (!m1.ok()) return fail("mmap: " + errno_text(m1.error()));
  m1.bytes()[100] = 0x5a;
  Fd again{sys::shm_open(name.c_str(), O_RDWR | O_CREAT, 0600)};
  if (!again.ok()) return fail("shm_open(O_CREAT) on the existing name: " + errno_text(errno));
  if (stat_of(again.get()).st_ino != stat_of(first.get()).st_ino) return fail("O_CREAT opened a different object");
  Mapping m2(again.get(), 4096);
  if (!m2.ok()) return fail("mmap of the reopened object: " + errno_text(m2.error()));
  if (m2.bytes()[100] != 0x5a) return fail("the contents were not kept");
  return pass();
}

SHMC_CHECK("shm.open.trunc", kSection, "O_RDWR|O_TRUNC on an existing object truncates it to size 0",
           "shm_open/25", "XSH shm_open DESCRIPTION (O_TRUNC)") {
  ShmName name{harness::unique_name("trunc")};
  Fd first{create_object(name.c_str(), 8192)};
  if (!first.ok()) return fail("creating the object: " + errno_text(errno));
  Fd truncating{sys::shm_open(name.c_str(), O_RDWR | O_TRUNC, 0)};
  if (!truncating.ok()) return fail("shm_open(O_RDWR|O_TRUNC): " + errno_text(errno));
  auto size = stat_of(first.get()).st_size;
  if (size != 0) return fail("size after O_TRUNC is " + std::to_string(size) + ", expected 0");
  return pass("any process that opens with O_TRUNC shrinks the object under every mapping (see mmap.peer_truncate.sigbus)");
}

SHMC_CHECK("shm.open.mode_umask", kSection, "a new object gets mode & ~umask (0666 under umask 027 gives 0640)",
           "shm_open/18 shm_open/20", "XSH shm_open DESCRIPTION") {
  ShmName name{harness::unique_name("umask")};
  // umask is per process: change it in a child so the suite's own umask is untouched.
  auto child = harness::run_in_child("umask", [&](harness::ActorContext&) {
    ::umask(027);
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0666)};
    if (!fd.ok()) throw std::runtime_error("shm_open: " + errno_text(errno));
    return 0;
  }, milliseconds(2000));
  if (!child.ok()) return fail("child: " + child.describe());
  Fd fd{sys::shm_open(name.c_str(), O_RDONLY, 0)};
  if (!fd.ok()) return fail("the object the child created is not there: " + errno_text(errno));
  const unsigned mode = stat_of(fd.get()).st_mode & 07777;
  if (mode != 0640) {
    char text[64];
    std::snprintf(text, sizeof text, "mode is %04o, expected 0640", mode);
    return fail(text);
  }
  return pass();
}

SHMC_CHECK("shm.open.cloexec", kSection, "the new descriptor has FD_CLOEXEC set even without O_CLOEXEC",
           "shm_open/11", "XSH shm_open DESCRIPTION (FD_CLOEXEC)") {
  ShmName name{harness::unique_name("cloexec")};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (!fd.ok()) return fail("shm_open: " + errno_text(errno));
  int flags = ::fcntl(fd.get(), F_GETFD);
  if (flags < 0) return fail("fcntl(F_GETFD): " + errno_text(errno));
  if ((flags & FD_CLOEXEC) == 0) return fail("FD_CLOEXEC is clear: the descriptor leaks into exec'd programs");
  return pass();
}

SHMC_CHECK("shm.open.enoent", kSection, "shm_open without O_CREAT on a missing name fails with ENOENT",
           "shm_open/41 shm_open/31", "XSH shm_open ERRORS [ENOENT]") {
  ShmName name{harness::unique_name("enoent")};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (fd.ok()) return fail("opening a name nobody created succeeded");
  if (errno != ENOENT) return fail("expected ENOENT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("shm.name.longest", kSection,
           "a name of NAME_MAX-1 bytes after the slash is accepted; one of NAME_MAX bytes is accepted, or refused with "
           "EINVAL or ENAMETOOLONG without creating anything (which one is reported)",
           "shm_open/37 shm_open/39", "XSH shm_open ERRORS [EINVAL], [ENAMETOOLONG]") {
  {
    ShmName name{name_of_length(NAME_MAX - 1)};
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
    if (!fd.ok()) return fail("a " + std::to_string(NAME_MAX - 1) + "-byte name was refused: " + errno_text(errno));
  }
  // glibc releases differ at exactly NAME_MAX (EINVAL from the library or success).
  ShmName name{name_of_length(NAME_MAX)};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (fd.ok()) return pass("names of NAME_MAX = " + std::to_string(NAME_MAX) + " bytes work too");
  const int e = errno;
  if (e != EINVAL && e != ENAMETOOLONG) return fail("a NAME_MAX-byte name: expected success, EINVAL or ENAMETOOLONG, got " + errno_text(e));
  Fd probe{sys::shm_open(name.c_str(), O_RDONLY, 0)};
  if (probe.ok()) return fail("the refused NAME_MAX-byte name was created anyway");
  return pass("NAME_MAX = " + std::to_string(NAME_MAX) + " bytes is refused with " + errno_text(e) +
              ": keep names shorter than NAME_MAX");
}

SHMC_CHECK("shm.name.too_long", kSection,
           "a name longer than NAME_MAX fails with ENAMETOOLONG or EINVAL (both allowed) and creates nothing",
           "shm_open/39", "XSH shm_open ERRORS [ENAMETOOLONG]") {
  ShmName name{name_of_length(NAME_MAX + 1)};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (fd.ok()) return fail("a " + std::to_string(NAME_MAX + 1) + "-byte name was accepted");
  const int e = errno;
  if (e != ENAMETOOLONG && e != EINVAL) return fail("expected ENAMETOOLONG or EINVAL, got " + errno_text(e));
  return pass("refused with " + errno_text(e));
}

SHMC_CHECK("shm.open.lowest_fd", kSection,
           "a successful shm_open returns the lowest-numbered descriptor not open in the process",
           "shm_open/8 shm_open/30", "XSH shm_open RETURN VALUE") {
  // The lowest free number now: what a plain dup of 0 would get.
  const int probe = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
  if (probe < 0) return fail("F_DUPFD: " + errno_text(errno));
  (void)::close(probe);
  ShmName name{harness::unique_name("lowest")};
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600)};
  if (!fd.ok()) return fail("shm_open: " + errno_text(errno));
  if (fd.get() != probe) return fail("got descriptor " + std::to_string(fd.get()) + ", the lowest free was " + std::to_string(probe));
  return pass();
}

SHMC_CHECK("shm.open.emfile", kSection,
           "with every descriptor the process may have in use, shm_open fails with EMFILE (RLIMIT_NOFILE lowered in a child)",
           "shm_open/38", "XSH shm_open ERRORS [EMFILE]") {
  ShmName name{harness::unique_name("emfile")};
  Fd created{create_object(name.c_str(), 64)};
  if (!created.ok()) return fail("creating the object: " + errno_text(errno));
  auto child = harness::run_in_child("fd-hog", [&](harness::ActorContext&) {
    struct rlimit lim {32, 32};
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) throw std::runtime_error("setrlimit: " + errno_text(errno));
    while (::fcntl(0, F_DUPFD, 0) >= 0) {
    }
    if (errno != EMFILE) throw std::runtime_error("filling the table: " + errno_text(errno));
    errno = 0;
    if (sys::shm_open(name.c_str(), O_RDWR, 0) >= 0) throw std::runtime_error("shm_open succeeded with no descriptor free");
    if (errno != EMFILE) throw std::runtime_error("expected EMFILE, got " + errno_text(errno));
    return 0;
  }, milliseconds(2000));
  if (!child.ok()) return fail("child: " + child.describe());
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
