#include <gtest/gtest.h>

#include "harness/campaign/store_schedule.hpp"
#include "shmconform/campaign/gtest.hpp"

namespace shmc::campaign {

namespace {

class TrialTest : public ::testing::Test {
 public:
  TrialTest(const SubjectVariant* variant, TrialSpec trial, CampaignOptions options)
      : variant_(variant), trial_(std::move(trial)), options_(options) {}

  void TestBody() override {
    if (auto why = unsupported(trial_)) GTEST_SKIP() << *why;
    const TrialResult r = run_plan(*variant_, trial_.plan);
    RecordProperty("verdict", to_string(r.verdict.kind));
    std::printf("[  TRIAL   ] %s %s: %s in %lld ms\n", variant_->id().c_str(), trial_.label.c_str(),
                to_string(r.verdict.kind), static_cast<long long>(r.wall.count()));
    if (r.verdict.kind == VerdictKind::not_reached) GTEST_SKIP() << r.verdict.summary;
    if (expected(*variant_, trial_, r.verdict)) return;
    std::string report = failure_report(*variant_, trial_, r, options_);
    // A real failure gets the smallest plan that still shows it (not a trial that proved nothing).
    if (r.verdict.kind != VerdictKind::harness_error && r.verdict.kind != VerdictKind::ok) {
      const plan::Plan small = shrink(*variant_, trial_.plan, r.verdict.kind);
      report += "shrunk (each candidate re-run 3 times) to " + plan::describe(small);
      TrialSpec shrunk = trial_;
      shrunk.id += "-shrunk";
      if (auto line = replay_file_line(*variant_, shrunk, small); !line.empty())
        report += "replay: " + line + "\n";
    }
    ADD_FAILURE() << report;
  }

 private:
  const SubjectVariant* variant_;
  TrialSpec trial_;
  CampaignOptions options_;
};

}  // namespace

void register_trial_tests(const char* suite, const char* subject_id, const CampaignOptions& base, const char* file,
                          int line) {
  const CampaignOptions options = base.with_environment();
  const SubjectVariant* variant = find_subject(subject_id);
  if (variant == nullptr) {
    const std::string id = subject_id;
    ::testing::RegisterTest(suite, "subject_is_registered", nullptr, nullptr, file, line, [id]() -> ::testing::Test* {
      struct Missing : ::testing::Test {
        std::string id;
        explicit Missing(std::string i) : id(std::move(i)) {}
        void TestBody() override { FAIL() << "no subject '" << id << "' is registered (SHMC_REGISTER_SUBJECT)"; }
      };
      return new Missing(id);
    });
    return;
  }
  if (options.stores != 0) {  // what the store trials cover, and whether every operation kind was counted
    ::testing::RegisterTest(suite, "store_coverage", nullptr, nullptr, file, line, [variant, options]() -> ::testing::Test* {
      struct Coverage : ::testing::Test {
        const SubjectVariant* variant;
        CampaignOptions options;
        Coverage(const SubjectVariant* v, CampaignOptions o) : variant(v), options(o) {}
        void TestBody() override {
          if (auto why = detail::store_traps_unsupported()) GTEST_SKIP() << *why;
          for (const auto& c : store_coverage(*variant, options)) {
            std::printf("[ STORES   ] %s %s\n", variant->id().c_str(), c.describe().c_str());
            EXPECT_TRUE(c.error.empty()) << variant->id() << " " << c.describe();
          }
        }
      };
      return new Coverage(variant, options);
    });
  }
  for (TrialSpec& trial : plan_trials(*variant, options)) {
    const std::string name = trial.id;
    ::testing::RegisterTest(suite, name.c_str(), nullptr, nullptr, file, line,
                            [variant, trial = std::move(trial), options]() -> ::testing::Test* {
                              return new TrialTest(variant, trial, options);
                            });
  }
}

}  // namespace shmc::campaign
