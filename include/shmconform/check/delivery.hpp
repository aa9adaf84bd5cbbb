// Delivery checker for queues, linear in the history (one hash map).
//
// Every pushed item is (producer, seq, checksum), encoded in the two words of
// a queue operation (queue_model.hpp) by encode(). The checker proves:
//   no loss         every acknowledged push was popped, or is in `remaining`;
//                   an item may be missing only if some pop is pending (a
//                   consumer killed mid-pop may have taken it with it)
//   no duplicate    no item is delivered twice (a crashed push at most once)
//   no corruption   every delivered item was pushed, with the same checksum;
//                   an item whose push reported full is never delivered
//   per-producer FIFO  items of one producer come out in push order: no pop of
//                   a later item returns before the pop of an earlier one is
//                   invoked, and no earlier item is left behind a popped later one
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "shmconform/check/operation.hpp"

namespace shmc::check::delivery {

struct Item {
  std::uint32_t producer = 0;  // < 2^31
  std::uint32_t seq = 0;
  std::uint64_t checksum = 0;
};

// The checksum a well-formed item carries (a fixture may use its own).
std::uint64_t checksum(std::uint32_t producer, std::uint32_t seq);
Item make_item(std::uint32_t producer, std::uint32_t seq);
// Bit 63 of the first word tags an item, so a zeroed slot never decodes as one.
std::array<std::uint64_t, 2> encode(const Item& item);
bool is_item(std::uint64_t word0);
Item decode(std::uint64_t word0, std::uint64_t word1);

struct Options {
  std::vector<Item> remaining{};  // still in the queue at the end (drained after the run)
  std::size_t max_problems = 20;
};

struct Report {
  std::size_t pushes_acked = 0, pushes_full = 0, pushes_pending = 0;
  std::size_t delivered = 0, pops_pending = 0, missing = 0;
  std::vector<std::string> problems;  // at most Options::max_problems
  std::size_t problem_count = 0;
  // problem_count by kind: acknowledged items never delivered; delivered twice; delivered but not
  // as pushed (garbage, unknown, wrong checksum, a push that said full); out of FIFO order; test bugs.
  std::size_t lost = 0, duplicated = 0, corrupted = 0, misordered = 0, malformed = 0;
  bool ok() const { return problem_count == 0; }
  std::string text() const;
};

// The history holds the push and pop operations of queue::Model (other codes are ignored).
Report check_delivery(const History& history, const Options& options = {});

}  // namespace shmc::check::delivery
