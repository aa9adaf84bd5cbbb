// The baselines' lock: a robust process-shared pthread mutex taken with a
// bound, through the semaphore queue's robust-mutex calls (the fixtures' one
// robust-mutex path), so a baseline is as crash-aware as the obvious
// alternative can be and never waits unbounded.
#pragma once

#include <pthread.h>

#include <chrono>

#include "shmconform/runtime/result.hpp"

namespace shmc::bench {

// Held on success. True when the previous owner died holding it: the mutex is already made
// consistent, and the caller decides what to make of what the dead owner left.
Result<bool> lock_robust(pthread_mutex_t* m, std::chrono::steady_clock::time_point deadline, const char* what);
void unlock_robust(pthread_mutex_t* m);

}  // namespace shmc::bench
