// Test helper: a shared-memory object made and edited behind the Segment
// class's back, as a foreign program or a scribbling peer would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace shmc::test {

void make_raw_object(const std::string& name, const void* bytes, std::size_t size);
void truncate_object(const std::string& name, off_t size);
// Overwrites `size` bytes at `offset` of an existing object.
void patch_object(const std::string& name, off_t offset, const void* bytes, std::size_t size);

template <class T>
void patch_field(const std::string& name, std::size_t offset, T value) {
  patch_object(name, static_cast<off_t>(offset), &value, sizeof value);
}

}  // namespace shmc::test
