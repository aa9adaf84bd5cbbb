#include "shmconform/runtime/crash_point.hpp"

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace shmc::crash {

namespace {
std::atomic<FireHook> g_hook{nullptr};
}

void set_fire_hook(FireHook hook) { g_hook.store(hook, std::memory_order_release); }

void fire(const char* point) {
  if (FireHook hook = g_hook.load(std::memory_order_acquire)) hook(point);
  // SIGKILL cannot be caught: the process dies exactly here, with its shared
  // state as it is, which is the point of the exercise.
  ::kill(::getpid(), SIGKILL);
  for (;;) ::pause();
}

}  // namespace shmc::crash
