// Named crash points and syscall fault points, placed in anyone's code.
//
//   SHMC_CRASH_POINT("mylib/push/linked", "node linked, count not yet raised");
//
// SHMC_CRASH_POINT(name, why) marks a step where a process may die. In
// fault-injection builds (SHMC_FAULT_INJECTION) it is a libfiu point: the
// harness arms it in one actor, at its Nth hit, and the actor SIGKILLs itself
// there. In release builds it never fires.
//
// SHMC_FAULT_POINT(name, why) marks a system call the harness can make fail
// (the call returns -1 with the errno the test chose).
//
// Both take string literals. Each use registers itself before main() runs, in
// every build (a template's static member, instantiated by the use), so the
// catalog (crash_catalog.hpp) lists exactly the points linked into the
// program: `shmconform crash-points` prints them and docs/crash-points.md is
// generated from that list. A point inside a template registers once the
// template is instantiated.
#pragma once

#include <cstddef>

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-local.h>
#endif

namespace shmc::crash {

// Records the crash (through the hook the harness installed, if any) and
// SIGKILLs the calling process. Never returns.
[[noreturn]] void fire(const char* point);

// Set by the harness in an actor process: called with the point name just
// before the SIGKILL, so the harness learns where the actor died.
using FireHook = void (*)(const char* point);
void set_fire_hook(FireHook hook);

namespace detail {

// A string literal as a template argument.
template <std::size_t N>
struct Literal {
  char text[N];
  constexpr Literal(const char (&s)[N]) {  // NOLINT(google-explicit-constructor): used as `Point<"name">`
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};

// Adds one point to the catalog; defined in crash_catalog.cpp.
struct Registration {
  Registration(const char* name, const char* why, const char* file, bool is_syscall_fault) noexcept;
};

template <Literal Name, Literal Why, Literal File, bool IsFault>
struct Registered {
  static_assert(sizeof(Why.text) > 1, "every crash or fault point says why it is there");
  static inline const Registration entry{Name.text, Why.text, File.text, IsFault};
};

}  // namespace detail
}  // namespace shmc::crash

#define SHMC_DETAIL_REGISTER_POINT(name, why, is_fault) \
  static_cast<void>(&::shmc::crash::detail::Registered<name, why, __FILE__, is_fault>::entry)

#if defined(SHMC_FAULT_INJECTION)
#define SHMC_CRASH_POINT(name, why)                \
  do {                                             \
    SHMC_DETAIL_REGISTER_POINT(name, why, false);  \
    if (fiu_fail(name)) ::shmc::crash::fire(name); \
  } while (0)
#define SHMC_FAULT_POINT(name, why) (SHMC_DETAIL_REGISTER_POINT(name, why, true), fiu_fail(name) != 0)
#else
#define SHMC_CRASH_POINT(name, why)               \
  do {                                            \
    SHMC_DETAIL_REGISTER_POINT(name, why, false); \
  } while (0)
#define SHMC_FAULT_POINT(name, why) (SHMC_DETAIL_REGISTER_POINT(name, why, true), false)
#endif
