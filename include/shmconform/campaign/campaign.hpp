// Campaign: one engine that crashes actors of any Subject (subject.hpp) in
// every schedule and judges each trial with one typed verdict.
//
//   SHMC_REGISTER_SUBJECT(my_queue_robust, {.subject = "myqueue", .variant = "robust",
//                                           .make = [] { return std::make_unique<MyQueueSubject>(); }});
//   SHMC_CAMPAIGN_TESTS(MyQueue, "myqueue");          // gtest.hpp: one gtest test per trial
//   $ shmconform campaign myqueue                     // or run them from the command line
//
// Schedules, for each variant:
//   - every crash point the subject's point_rules() arm, hits 1..K, in the rule's role;
//   - every point reached only after an earlier death (a rule with a prior crash);
//   - seeded random SIGKILLs of any actor inside the subject's kill window;
//   - store trials (issue 12, no annotations needed): for each role and operation kind, its first
//     occurrence is dry-run counting its stores to the trial's shared objects (n), then the victim is
//     killed before store k for k = 1..n (StoreAt{op, k}; sampled in the default run).
// A trial whose armed crash did not fire is a harness_error ("point X never
// reached in N ops", "op X made only N stores"), never a pass; except a store crash among running
// peers that no re-run reached (the interleaving chose a shorter path): not_reached, a skip that says
// so. Every failing trial prints a replay line.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shmconform/campaign/subject.hpp"
#include "shmconform/campaign/verdict.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/operation.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/plan/plan.hpp"

namespace shmc::campaign {

struct TrialSpec;

// Which verdicts a trial of a variant may end with. The default expects a
// crash-safe structure: every trial ok. A variant with a planted bug, or a
// structure declared not crash-safe (the textbook semaphore queues), expects
// its finding: a crash-point trial must end in one of the finding's kinds.
struct Expectation {
  std::function<VerdictSet(const TrialSpec&)> allowed{};
  static Expectation crash_safe();
  // Crash-point trials must end in one of `kinds`; random kills may also end ok (the kill may land outside
  // the protocol). `narrow` (optional) replaces `kinds` for some trials: return an empty set to keep `kinds`.
  static Expectation finding(VerdictSet kinds, std::function<VerdictSet(const TrialSpec&)> narrow = {});
};

// One registered variant of a subject: the thing a campaign runs.
struct SubjectVariant {
  std::string subject{};      // "ring"
  std::string variant = "default";  // "robust", "non_robust": planted bugs are variants too
  std::string description{};  // one line
  std::function<std::unique_ptr<Subject>()> make{};
  Expectation expect = Expectation::crash_safe();
  std::chrono::milliseconds op_bound{2000};  // TrialSetup::op_bound
  std::string id() const { return subject + ":" + variant; }
};

// Safe to call from static initialisers (SHMC_REGISTER_SUBJECT). A second registration of an id replaces the first.
void register_subject(SubjectVariant variant);
// "ring" finds the subject's first registered variant, "ring:non_robust" that one; nullptr when unknown.
const SubjectVariant* find_subject(std::string_view id);
std::vector<const SubjectVariant*> subjects();  // sorted by id

#define SHMC_REGISTER_SUBJECT(tag, ...)                                            \
  [[maybe_unused]] static const bool shmc_subject_registered_##tag = [] {          \
    ::shmc::campaign::register_subject(::shmc::campaign::SubjectVariant(__VA_ARGS__)); \
    return true;                                                                   \
  }()

struct CampaignOptions {
  static constexpr std::uint32_t kEveryStore = 0xffffffffu;
  std::uint32_t hits = 3;          // crash-point trials at hits 1..hits
  std::uint32_t random_kills = 8;  // seeded random SIGKILL trials
  std::uint64_t seed = 0x5eed0005;
  // Store trials: per operation kind, at most this many of its crash states (evenly spread, the first and
  // the last store included); 0: none; kEveryStore: every one.
  std::uint32_t stores = 24;
  // The default run; the long one (label `long`, `shmconform campaign --long`): hits 1..10, 60 random kills,
  // every store.
  static CampaignOptions standard();
  static CampaignOptions long_run();
  // SHMC_CAMPAIGN_SEED in the environment replaces the seed (printed with every failure either way).
  CampaignOptions with_environment() const;
};

struct TrialSpec {
  std::string id{};        // unique within the variant, a valid gtest name: "ring_push_claimed_hit2"
  std::string label{};     // "ring/push/claimed hit 2"
  std::string family{};    // "point", "after_death", "random" or "store"
  std::string point{};     // the armed point ("" for random kills; "store/<k>" for store trials)
  std::uint32_t hit = 0;   // and its hit (store trials: k)
  plan::Plan plan{};
  int victim = -1;       // the armed actor of the concurrent run
};
// Every trial of a campaign, generated from the seed before anything runs.
// A point with no rule becomes a trial that fails with harness_error.
std::vector<TrialSpec> plan_trials(const SubjectVariant& variant, const CampaignOptions& options);

// Why a trial cannot run in this build or on this machine (crash points compiled out, no store traps
// here: aarch64, armhf, TSan's thread actors), or nothing. gtest skips it, the command says UNSUPPORTED.
std::optional<std::string> unsupported(const TrialSpec& trial);

// What the store trials of a variant cover: per role and operation kind, the stores its first
// occurrence made in the dry runs and how many crash states the campaign tries.
struct StoreCoverage {
  std::string role{};
  std::uint32_t op = 0;     // the victim's operation index
  std::string call{};       // "push(...)"
  std::uint64_t stores = 0;
  std::uint32_t tried = 0;
  std::string error{};      // not counted: why
  std::string describe() const;  // "producer push(...) (op 0): 9 stores, 9 crash states tried"
};
std::vector<StoreCoverage> store_coverage(const SubjectVariant& variant, const CampaignOptions& options);

// The subject's actors for a set-up with their operations, and no crash: a plain concurrent run.
plan::Plan concurrent_plan(const SubjectVariant& variant, const std::string& profile, std::uint64_t seed);

struct TrialResult {
  Verdict verdict{};
  std::vector<harness::ActorOutcome> outcomes{};  // plan order
  check::History history{};                       // once the run got as far as the checkers
  std::vector<check::delivery::Item> remaining{}; // what drain() found left, for item queues
  std::shared_ptr<const check::Model> model{};                   // the trial's model (for the timeline)
  std::optional<check::LinearizabilityResult> linearizability{};  // when the checker ran
  std::vector<int> stuck_actors{};                               // plan indices of survivors that got stuck
  std::chrono::milliseconds wall{0};
  bool fired = false;  // every victim died by its plan
  // not_reached: the stores the armed op made, in each run (all below the armed k).
  std::vector<std::uint64_t> short_paths{};
};
// One trial: set up, run, judge. Never throws for anything the structure does. The victims are
// the actors with a crash plan (prior actors run first and must die). require_fired: a victim whose
// crash did not fire is a harness_error (campaign schedules); otherwise it is judged like any
// survivor (rapidcheck plans, where a kill delay may outlast the actor's work).
TrialResult run_plan(const SubjectVariant& variant, const plan::Plan& plan, bool require_fired = true);
bool expected(const SubjectVariant& variant, const TrialSpec& trial, const Verdict& verdict);

// Shrinks a plan whose trial ended in `kind`: drops actors, operations and crashes while the
// result stays `kind` (each candidate re-run up to `attempts` times; it counts as failing if any
// run does), within `budget` of wall time.
plan::Plan shrink(const SubjectVariant& variant, const plan::Plan& plan, VerdictKind kind,
                  unsigned attempts = 3, std::chrono::milliseconds budget = std::chrono::seconds(20));

// "shmconform replay ring:robust --trial ring_push_claimed_hit2 --seed 0x5eed0005"
std::string replay_line(const SubjectVariant& variant, const TrialSpec& trial, const CampaignOptions& options);
// Writes the plan's text where failures go (SHMC_FAILURE_DIR, else $TMPDIR/shmconform-failures) and
// returns "shmconform replay ring:robust <file>"; empty if it cannot be written.
std::string replay_file_line(const SubjectVariant& variant, const TrialSpec& trial, const plan::Plan& plan);
// The trial's HTML timeline (and its JSON beside it) at `html_path`: lanes, crashes, the verdict
// (docs/timeline.md). Returns the path written, or why not.
Result<std::string> write_timeline(const SubjectVariant& variant, const TrialSpec& trial, const TrialResult& result,
                                   const CampaignOptions& options, const std::string& html_path);
// Where a failing trial's files go: SHMC_FAILURE_DIR, else $TMPDIR/shmconform-failures (created).
std::string failure_dir();
// The failure message of a trial: verdict, per-actor table, checker report, replay lines, and the
// timeline page it writes in failure_dir().
std::string failure_report(const SubjectVariant& variant, const TrialSpec& trial, const TrialResult& result,
                           const CampaignOptions& options);

// The command-line front ends (argv[0] is the subcommand's name). Exit 0: every trial as expected;
// 1: some trial was not; 2: usage error.
int campaign_main(int argc, char** argv);  // campaign SUBJECT[:VARIANT] [--long] [--seed S] [--only TEXT] [--json FILE]
int replay_main(int argc, char** argv);    // replay SUBJECT[:VARIANT] (PLAN-FILE|- | --trial ID [--seed S]) [--times N]

}  // namespace shmc::campaign
