// Named semaphores: sem_open / sem_close / sem_unlink life cycle.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <semaphore.h>
#include <stdexcept>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "sem_open";

sem_t* create_sem(const SemName& name, unsigned value) {
  return sys::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, value);
}

SHMC_CHECK("sem.open.same_address", kSection,
           "sem_open of an open name in the same process returns the same address",
           "sem_open/15 sem_open/1", "XSH sem_open DESCRIPTION") {
  SemName name{harness::unique_name("sem-addr")};
  SemHandle first{create_sem(name, 0)};
  if (!first.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  SemHandle second{sys::sem_open_existing(name.c_str())};
  if (!second.ok()) return fail("sem_open of the open name: " + errno_text(errno));
  if (first.get() != second.get()) return fail("two handles at different addresses for one semaphore in one process");
  return pass();
}

SHMC_CHECK("sem.open.excl", kSection, "sem_open with O_CREAT|O_EXCL on an existing name fails with EEXIST",
           "sem_open/2 sem_open/4", "XSH sem_open ERRORS [EEXIST]") {
  SemName name{harness::unique_name("sem-excl")};
  SemHandle first{create_sem(name, 0)};
  if (!first.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  SemHandle second{create_sem(name, 0)};
  if (second.ok()) return fail("a second O_CREAT|O_EXCL succeeded");
  if (errno != EEXIST) return fail("expected EEXIST, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.open.enoent", kSection, "sem_open without O_CREAT on a missing name fails with ENOENT",
           "sem_open/6", "XSH sem_open ERRORS [ENOENT]") {
  SemName name{harness::unique_name("sem-enoent")};
  SemHandle sem{sys::sem_open_existing(name.c_str())};
  if (sem.ok()) return fail("opening a semaphore nobody created succeeded");
  if (errno != ENOENT) return fail("expected ENOENT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.open.value_max", kSection, "sem_open with an initial value above SEM_VALUE_MAX fails with EINVAL",
           "sem_open/5", "XSH sem_open ERRORS [EINVAL]") {
  SemName name{harness::unique_name("sem-vmax")};
  SemHandle sem{create_sem(name, static_cast<unsigned>(SEM_VALUE_MAX) + 1u)};
  if (sem.ok()) return fail("an initial value of SEM_VALUE_MAX + 1 was accepted");
  if (errno != EINVAL) return fail("expected EINVAL, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.close.value_kept", "sem_close",
           "closing every handle without sem_unlink keeps the semaphore and its value for the next sem_open",
           "sem_close/3", "XSH sem_close DESCRIPTION") {
  SemName name{harness::unique_name("sem-kept")};
  {
    SemHandle sem{create_sem(name, 2)};
    if (!sem.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
    if (sys::sem_post(sem.get()) != 0 || sys::sem_post(sem.get()) != 0) return fail("sem_post: " + errno_text(errno));
    if (sys::sem_trywait(sem.get()) != 0) return fail("sem_trywait: " + errno_text(errno));
  }  // value 3, every handle closed
  SemHandle again{sys::sem_open_existing(name.c_str())};
  if (!again.ok()) return fail("reopening after close: " + errno_text(errno));
  int v = sem_value(again.get());
  if (v != 3) return fail("value after close and reopen is " + std::to_string(v) + ", expected 3");
  return pass();
}

SHMC_CHECK("sem.unlink.handles_usable", "sem_unlink",
           "after sem_unlink the name is gone but open handles (and a forked child's) still post and wait",
           "sem_unlink/1 sem_unlink/2 sem_unlink/9", "XSH sem_unlink DESCRIPTION") {
  SemName name{harness::unique_name("sem-unlinked")};
  SemHandle sem{create_sem(name, 0)};
  if (!sem.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  if (sys::sem_unlink(name.c_str()) != 0) return fail("sem_unlink: " + errno_text(errno));
  SemHandle by_name{sys::sem_open_existing(name.c_str())};
  if (by_name.ok()) return fail("the name still opens after sem_unlink");
  if (errno != ENOENT) return fail("reopening after unlink: expected ENOENT, got " + errno_text(errno));
  // A child inherits the handle across fork and posts through it.
  auto child = harness::run_in_child("post-unlinked", [&](harness::ActorContext&) {
    if (sys::sem_post(sem.get()) != 0) throw std::runtime_error("sem_post in the child: " + errno_text(errno));
    return 0;
  }, milliseconds(2000));
  if (!child.ok()) return fail("child: " + child.describe());
  if (sys::sem_trywait(sem.get()) != 0)
    return fail("the child's post is not visible through the parent's handle: " + errno_text(errno));
  if (sys::sem_post(sem.get()) != 0 || sys::sem_trywait(sem.get()) != 0)
    return fail("post/wait on the unlinked semaphore: " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.unlink.recreate_is_new", "sem_unlink",
           "O_CREAT after sem_unlink makes a new semaphore with the new value, independent of old handles",
           "sem_unlink/6", "XSH sem_unlink DESCRIPTION") {
  SemName name{harness::unique_name("sem-recreate")};
  SemHandle old_sem{create_sem(name, 5)};
  if (!old_sem.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  if (sys::sem_unlink(name.c_str()) != 0) return fail("sem_unlink: " + errno_text(errno));
  SemHandle new_sem{create_sem(name, 0)};
  if (!new_sem.ok()) return fail("O_CREAT|O_EXCL after unlink: " + errno_text(errno));
  if (new_sem.get() == old_sem.get()) return fail("the re-created semaphore has the old handle's address");
  if (int v = sem_value(new_sem.get()); v != 0) return fail("new semaphore has value " + std::to_string(v) + ", expected 0");
  if (sys::sem_post(old_sem.get()) != 0) return fail("sem_post on the old handle: " + errno_text(errno));
  if (int v = sem_value(new_sem.get()); v != 0) return fail("a post on the old semaphore reached the new one");
  if (int v = sem_value(old_sem.get()); v != 6) return fail("old semaphore has value " + std::to_string(v) + ", expected 6");
  return pass();
}

SHMC_CHECK("sem.name.too_long", kSection,
           "a semaphore name longer than NAME_MAX fails with ENAMETOOLONG or EINVAL; the longest accepted name is at "
           "least _POSIX_NAME_MAX (14) bytes and one byte more is refused the same way (the longest is reported)",
           "", "XSH sem_open ERRORS [ENAMETOOLONG]") {
  auto refused_properly = [](std::size_t n, std::string& why) {
    SemName name{name_of_length(n)};
    SemHandle sem{create_sem(name, 0)};
    if (sem.ok()) {
      why = "a " + std::to_string(n) + "-byte semaphore name was accepted";
      return false;
    }
    if (errno != ENAMETOOLONG && errno != EINVAL) {
      why = std::to_string(n) + " bytes: expected ENAMETOOLONG or EINVAL, got " + errno_text(errno);
      return false;
    }
    return true;
  };
  std::string why;
  if (!refused_properly(NAME_MAX + 1, why)) return fail(why);
  // Probe downwards from NAME_MAX: glibc stores "/x" as /dev/shm/sem.x, so it loses four bytes.
  const std::size_t shortest = std::max<std::size_t>(_POSIX_NAME_MAX, harness::unique_name("len").size() - 1);
  for (std::size_t n = NAME_MAX; n >= shortest; --n) {
    SemName name{name_of_length(n)};
    SemHandle sem{create_sem(name, 0)};
    if (!sem.ok()) continue;
    if (n < NAME_MAX && !refused_properly(n + 1, why)) return fail("longest accepted " + std::to_string(n) + ", but " + why);
    return pass("longest accepted: " + std::to_string(n) + " bytes after the slash (NAME_MAX is " +
                std::to_string(NAME_MAX) + ")");
  }
  return fail("no semaphore name of " + std::to_string(shortest) + " .. " + std::to_string(NAME_MAX) + " bytes was accepted");
}

}  // namespace
}  // namespace shmc::conformance
