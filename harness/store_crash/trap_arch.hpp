// The one architecture-specific piece of store traps: the single-step flag in a
// signal's saved context. x86-64 and i386 have it (EFLAGS.TF, bit 8); arm and
// aarch64 have no user-visible equivalent (single-step is a debug-state feature
// only a tracer can use), so there the schedule is unsupported at compile time.
#pragma once

#include <ucontext.h>

namespace shmc::harness::store_trap::arch {

#if defined(__x86_64__) || defined(__i386__)
inline constexpr bool kHasSingleStep = true;
inline constexpr const char* kNoSingleStepReason = "";
inline void set_single_step(void* uc, bool on) {
  constexpr greg_t kTrapFlag = 0x100;
  auto& flags = static_cast<ucontext_t*>(uc)->uc_mcontext.gregs[REG_EFL];
  flags = on ? (flags | kTrapFlag) : (flags & ~kTrapFlag);
}
#else
inline constexpr bool kHasSingleStep = false;
inline constexpr const char* kNoSingleStepReason =
    "this architecture has no user-visible single-step flag (x86 EFLAGS.TF): a trapped store cannot be "
    "stepped over and protected again (PTRACE_SINGLESTEP from a tracer would do; not implemented)";
inline void set_single_step(void*, bool) {}
#endif

}  // namespace shmc::harness::store_trap::arch
