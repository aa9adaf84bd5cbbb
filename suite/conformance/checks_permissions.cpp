// Permissions against another user. As root every permission check passes
// vacuously, so the denied side runs in a child that has dropped to an
// unprivileged uid (support::become); without root these rows are UNSUPPORTED.
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "permissions (other user)";
constexpr milliseconds kChild{2000};

struct ::stat stat_fd(int fd) {
  struct ::stat st {};
  if (sys::fstat(fd, &st) != 0) st.st_ino = 0;
  return st;
}

std::string mode_text(mode_t m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Runs `body` as the other user in a child; the outcome of the child as a row.
Outcome as_other_user(const std::string& what, const std::function<void(const OtherUser&)>& body) {
  auto who = other_user();
  if (!who) return unsupported(other_user_unavailable_reason());
  auto child = harness::run_in_child(what, [&](harness::ActorContext&) {
    become(*who);
    body(*who);
    return 0;
  }, kChild);
  if (!child.ok()) return fail("as uid " + std::to_string(who->uid) + " (" + who->name + "): " + child.describe());
  return pass("denied side ran as uid " + std::to_string(who->uid) + " (" + who->name + ")");
}

// The other user's open of `name` with `oflag` must fail with EACCES.
void expect_eacces_open(const std::string& name, int oflag, const char* what) {
  errno = 0;
  Fd fd{sys::shm_open(name.c_str(), oflag, 0)};
  expect(!fd.ok(), std::string(what) + " succeeded for another user");
  expect(errno == EACCES, std::string(what) + ": expected EACCES, got " + errno_text(errno));
}

SHMC_CHECK("perm.shm_open.eacces", kSection,
           "another user's shm_open of a 0600 object fails with EACCES, for O_RDONLY and for O_RDWR",
           "shm_open/32", "XSH shm_open ERRORS [EACCES]") {
  ShmName name{harness::unique_name("perm-open")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  return as_other_user("other-opener", [&](const OtherUser&) {
    expect_eacces_open(name.str(), O_RDONLY, "shm_open(O_RDONLY)");
    expect_eacces_open(name.str(), O_RDWR, "shm_open(O_RDWR)");
  });
}

SHMC_CHECK("perm.shm_open.trunc_without_write", kSection,
           "O_TRUNC by a user without write permission (object 0644) fails with EACCES and leaves the size unchanged",
           "shm_open/34", "XSH shm_open ERRORS [EACCES]") {
  ShmName name{harness::unique_name("perm-trunc")};
  Fd fd{create_object(name.c_str(), 8192)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  if (::fchmod(fd.get(), 0644) != 0) return fail("fchmod: " + errno_text(errno));
  auto out = as_other_user("other-truncater", [&](const OtherUser&) {
    expect_eacces_open(name.str(), O_RDWR | O_TRUNC, "shm_open(O_RDWR|O_TRUNC)");
    Fd reader{sys::shm_open(name.c_str(), O_RDONLY, 0)};
    expect(reader.ok(), "the other user cannot even read a 0644 object: " + errno_text(errno));
  });
  if (out.verdict != Verdict::pass) return out;
  if (stat_fd(fd.get()).st_size != 8192) return fail("the refused O_TRUNC changed the size");
  return out;
}

SHMC_CHECK("perm.shm_unlink.eacces_unchanged", kSection,
           "another user's shm_unlink of the object fails with EACCES, and the object keeps its name and contents",
           "shm_unlink/9 shm_unlink/8", "XSH shm_unlink ERRORS [EACCES]") {
  ShmName name{harness::unique_name("perm-unlink")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  Mapping map(fd.get(), 4096);
  if (!map.ok()) return fail("mmap: " + errno_text(map.error()));
  map.bytes()[7] = 0x77;
  auto out = as_other_user("other-unlinker", [&](const OtherUser&) {
    errno = 0;
    expect(sys::shm_unlink(name.c_str()) != 0, "shm_unlink succeeded for another user");
    // /dev/shm is sticky: the kernel says EPERM, POSIX says EACCES (glibc translates).
    expect(errno == EACCES, "expected EACCES, got " + errno_text(errno));
  });
  if (out.verdict != Verdict::pass) return out;
  Fd again{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (!again.ok()) return fail("the name is gone after a failed shm_unlink: " + errno_text(errno));
  if (stat_fd(again.get()).st_ino != stat_fd(fd.get()).st_ino) return fail("the name refers to another object now");
  if (map.bytes()[7] != 0x77) return fail("the contents changed");
  return out;
}

SHMC_CHECK("perm.shm_open.new_owner", kSection,
           "an object created by another user is owned by its effective uid and gid, with mode & ~umask",
           "shm_open/16 shm_open/17 shm_open/18", "XSH shm_open DESCRIPTION") {
  ShmName name{harness::unique_name("perm-owner")};
  auto out = as_other_user("other-creator", [&](const OtherUser&) {
    ::umask(022);
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0666)};
    expect(fd.ok(), "the other user cannot create in /dev/shm: " + errno_text(errno));
  });
  if (out.verdict != Verdict::pass) return out;
  Fd fd{sys::shm_open(name.c_str(), O_RDONLY, 0)};
  if (!fd.ok()) return fail("the other user's object is not there: " + errno_text(errno));
  const auto who = *other_user();
  const struct ::stat st = stat_fd(fd.get());
  if (st.st_uid != who.uid) return fail("owner uid " + std::to_string(st.st_uid) + ", expected " + std::to_string(who.uid));
  if (st.st_gid != who.gid) return fail("group " + std::to_string(st.st_gid) + ", expected " + std::to_string(who.gid));
  if ((st.st_mode & 07777) != 0644) return fail("mode " + mode_text(st.st_mode) + ", expected 0644");
  return out;
}

SHMC_CHECK("perm.shm_open.trunc_keeps_owner", kSection,
           "O_RDWR|O_TRUNC by root on another user's object truncates it and keeps its mode and owner",
           "shm_open/26", "XSH shm_open DESCRIPTION (O_TRUNC)") {
  ShmName name{harness::unique_name("perm-trunc-owner")};
  auto out = as_other_user("other-creator", [&](const OtherUser&) {
    ::umask(0);
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0646)};
    expect(fd.ok(), "the other user cannot create: " + errno_text(errno));
    expect(sys::ftruncate(fd.get(), 4096) == 0, "ftruncate: " + errno_text(errno));
  });
  if (out.verdict != Verdict::pass) return out;
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_TRUNC, 0)};
  if (!fd.ok()) return fail("shm_open(O_RDWR|O_TRUNC): " + errno_text(errno));
  const auto who = *other_user();
  const struct ::stat st = stat_fd(fd.get());
  if (st.st_size != 0) return fail("not truncated: size " + std::to_string(st.st_size));
  if (st.st_uid != who.uid || st.st_gid != who.gid) return fail("O_TRUNC changed the owner to " + std::to_string(st.st_uid));
  if ((st.st_mode & 07777) != 0646) return fail("O_TRUNC changed the mode to " + mode_text(st.st_mode));
  return out;
}

SHMC_CHECK("perm.sem_open.eacces", kSection, "another user's sem_open of a 0600 named semaphore fails with EACCES",
           "sem_open/3", "XSH sem_open ERRORS [EACCES]") {
  SemName name{harness::unique_name("perm-sem")};
  SemHandle sem{sys::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 1)};
  if (!sem.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  return as_other_user("other-sem-opener", [&](const OtherUser&) {
    errno = 0;
    SemHandle theirs{sys::sem_open_existing(name.c_str())};
    expect(!theirs.ok(), "sem_open succeeded for another user");
    expect(errno == EACCES, "expected EACCES, got " + errno_text(errno));
  });
}

SHMC_CHECK("perm.sem_unlink.eacces", kSection,
           "another user's sem_unlink fails with EACCES and the semaphore keeps its name and value",
           "sem_unlink/3", "XSH sem_unlink ERRORS [EACCES]") {
  SemName name{harness::unique_name("perm-semunlink")};
  SemHandle sem{sys::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 3)};
  if (!sem.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  auto out = as_other_user("other-sem-unlinker", [&](const OtherUser&) {
    errno = 0;
    expect(sys::sem_unlink(name.c_str()) != 0, "sem_unlink succeeded for another user");
    expect(errno == EACCES, "expected EACCES, got " + errno_text(errno));
  });
  if (out.verdict != Verdict::pass) return out;
  SemHandle again{sys::sem_open_existing(name.c_str())};
  if (!again.ok()) return fail("the name is gone after a failed sem_unlink: " + errno_text(errno));
  if (int v = sem_value(again.get()); v != 3) return fail("value " + std::to_string(v) + ", expected 3");
  return out;
}

}  // namespace
}  // namespace shmc::conformance
