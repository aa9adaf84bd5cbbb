// The leak guard: what a run left in /dev/shm.
//
// POSIX gives no portable way to list shared-memory objects; on Linux they are
// the files of /dev/shm, and a named semaphore "/x" is the file "sem.x".
#pragma once

#include <string>
#include <vector>

namespace shmc::harness {

inline constexpr const char* kDevShm = "/dev/shm";

// /dev/shm entries (file names, without the directory) whose object name starts
// with prefix ("/shmconform-..."), semaphores ("sem.shmconform-...") included.
std::vector<std::string> leftovers_with_prefix(const std::string& prefix);
// Removes the entries (as returned above); returns those it could not remove.
std::vector<std::string> remove_entries(const std::vector<std::string>& entries);
std::string join(const std::vector<std::string>& entries);

}  // namespace shmc::harness
