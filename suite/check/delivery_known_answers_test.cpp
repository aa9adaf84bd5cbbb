// Issue 14, class 7: the smallest history that breaks each rule of the
// delivery checker, alone and mixed with pending pushes, pending pops and
// completed operations, each with the kinds of problem it must (and must not)
// report. The table is also run against planted checkers: each rewrites the
// real report the way one plausible one-line mistake would (e.g. a lost item
// excused because some other push is pending), and must get a known answer wrong.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "shmconform/check/delivery.hpp"
#include "suite/check/delivery_items.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check::delivery {
namespace {

using testing_items::pop;
using testing_items::push;
Operation pending(Operation o) { return testing::crashed(o); }
Operation pending_pop(int actor, std::uint64_t i) { return pending(pop(actor, make_item(9, 9), i, 0)); }

const Item a0 = make_item(0, 0), a1 = make_item(0, 1), b0 = make_item(1, 0);

Item with_bad_checksum(Item it) {
  it.checksum ^= 1;
  return it;
}

// The kinds a report found, as one letter each: l(ost) d(uplicated) c(orrupted) m(isordered) x (malformed).
std::string kinds(const Report& r) {
  std::string k;
  if (r.lost) k += 'l';
  if (r.duplicated) k += 'd';
  if (r.corrupted) k += 'c';
  if (r.misordered) k += 'm';
  if (r.malformed) k += 'x';
  return k;
}

struct KnownAnswer {
  const char* what;
  History history;
  Options options;
  const char* want;  // kinds(), "" for a clean history
};

std::vector<KnownAnswer> known_answers() {
  const Operation zero = testing::op(1, queue::kPop, 0, 0, queue::kOk, 0, 5, 6);
  const Operation untagged = testing::op(0, queue::kPush, 5, 0, queue::kOk, 0, 1, 2);
  return {
      {"clean: pushes, pops, a full push", {push(0, a0, 1, 2), push(1, b0, 1, 3), pop(2, b0, 4, 5), pop(2, a0, 6, 7),
                                            push(0, a1, 8, 9, queue::kFull)}, {}, ""},
      {"acked push never delivered", {push(0, a0, 1, 2)}, {}, "l"},
      {"acked push still in the queue", {push(0, a0, 1, 2)}, {.remaining = {a0}}, ""},
      {"missing item excused by a pending pop", {push(0, a0, 1, 2), pending_pop(1, 3)}, {}, ""},
      {"missing item, a pending push (no pending pop)", {push(0, a0, 1, 2), pending(push(1, b0, 3, 0))}, {}, "l"},
      {"two missing, one pending pop, one pending push",
       {push(0, a0, 1, 2), push(0, a1, 3, 4), pending_pop(1, 5), pending(push(2, b0, 5, 0))}, {}, "l"},
      {"missing item, a pending push that was delivered",
       {push(0, a0, 1, 2), pending(push(1, b0, 3, 0)), pop(2, b0, 4, 5)}, {}, "l"},
      {"pending push delivered once, pending pop", {pending(push(0, a0, 1, 0)), pop(1, a0, 2, 3), pending_pop(2, 4)},
       {}, ""},
      {"pending push never delivered", {pending(push(0, a0, 1, 0))}, {}, ""},
      {"delivered twice", {push(0, a0, 1, 2), pop(1, a0, 3, 4), pop(2, a0, 5, 6)}, {}, "d"},
      {"delivered twice beside a pending pop", {push(0, a0, 1, 2), pop(1, a0, 3, 4), pop(2, a0, 5, 6), pending_pop(3, 7)},
       {}, "d"},
      {"pending push delivered twice", {pending(push(0, a0, 1, 0)), pop(1, a0, 2, 3), pop(2, a0, 4, 5)}, {}, "d"},
      {"popped and still in the queue", {push(0, a0, 1, 2), pop(1, a0, 3, 4)}, {.remaining = {a0}}, "d"},
      {"wrong checksum", {push(0, a0, 1, 2), pop(1, with_bad_checksum(a0), 3, 4)}, {}, "c"},
      {"delivered what nobody pushed", {pop(1, b0, 3, 4)}, {}, "c"},
      {"delivered a word that is no item", {zero}, {}, "c"},
      {"delivered a push that reported full", {push(0, a0, 1, 2, queue::kFull), pop(1, a0, 3, 4)}, {}, "c"},
      {"a later item returned before the earlier's pop began",
       {push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 6), pop(2, a0, 7, 8)}, {}, "m"},
      {"overlapping pops may return in either order",
       {push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 8), pop(2, a0, 6, 9)}, {}, ""},
      {"a later item popped, the earlier left in the queue", {push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 6)},
       {.remaining = {a0}}, "m"},
      {"untagged push", {untagged}, {}, "x"},
      {"the same item pushed twice", {push(0, a0, 1, 2), push(1, a0, 3, 4), pop(2, a0, 5, 6)}, {}, "x"},
  };
}

using Checker = std::function<Report(const History&, const Options&)>;

// The known answers `checker` gets wrong, one line each.
std::string wrong_answers(const Checker& checker) {
  std::string out;
  for (const KnownAnswer& k : known_answers()) {
    const Report r = checker(k.history, k.options);
    if (kinds(r) != k.want || r.ok() != (std::string(k.want).empty()))
      out += std::string(k.what) + ": found '" + kinds(r) + "', want '" + k.want + "'\n" + r.text();
  }
  return out;
}

// Removes the problems of one kind, as a checker that never reported them would.
void excuse(Report& r, std::size_t Report::*kind, const std::string& starts_with) {
  std::size_t dropped = 0;
  std::erase_if(r.problems, [&](const std::string& p) { return p.rfind(starts_with, 0) == 0 && ++dropped; });
  r.problem_count -= r.*kind;
  r.*kind = 0;
}

Report real(const History& h, const Options& o) { return check_delivery(h, o); }

struct Planted {
  const char* bug;
  Checker checker;
};

std::vector<Planted> planted_checkers() {
  return {
      {"a pending push excuses a lost item (missing <= pops pending + pushes pending)",
       [](const History& h, const Options& o) {
         Report r = check_delivery(h, o);
         if (r.missing <= r.pops_pending + r.pushes_pending) excuse(r, &Report::lost, "loss");
         return r;
       }},
      {"a pending pop excuses a duplicate", [](const History& h, const Options& o) {
         Report r = check_delivery(h, o);
         if (r.pops_pending > 0) excuse(r, &Report::duplicated, "duplicate");
         return r;
       }},
      {"a pending push may be delivered twice", [](const History& h, const Options& o) {
         Report r = check_delivery(h, o);
         if (r.pushes_pending > 0) excuse(r, &Report::duplicated, "duplicate");
         return r;
       }},
      {"items left in the queue are not counted as deliveries", [](const History& h, const Options& o) {
         Options without = o;
         without.remaining.clear();
         Report r = check_delivery(h, without);
         if (!o.remaining.empty()) excuse(r, &Report::lost, "loss");
         return r;
       }},
      {"corruption is not a problem unless the item is unknown", [](const History& h, const Options& o) {
         Report r = check_delivery(h, o);
         excuse(r, &Report::corrupted, "corruption");
         return r;
       }},
      {"FIFO is checked only between completed pops", [](const History& h, const Options& o) {
         Report r = check_delivery(h, o);
         if (!o.remaining.empty()) excuse(r, &Report::misordered, "FIFO");
         return r;
       }},
  };
}

TEST(DeliveryKnownAnswers, TheRealCheckerAnswersEveryOne) { EXPECT_EQ(wrong_answers(real), ""); }

TEST(DeliveryKnownAnswers, EveryPlantedCheckerGetsOneWrong) {
  for (const Planted& p : planted_checkers()) EXPECT_NE(wrong_answers(p.checker), "") << "planted bug passed: " << p.bug;
}

}  // namespace
}  // namespace shmc::check::delivery
