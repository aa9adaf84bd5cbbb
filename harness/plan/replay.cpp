#include "shmconform/plan/replay.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

namespace shmc::plan {
namespace {

struct Scenario {
  std::string description;
  PlanRunner runner;
};

std::map<std::string, Scenario>& registry() {
  static std::map<std::string, Scenario> r;  // function-local: usable from other static initialisers
  return r;
}

int usage() {
  std::fprintf(stderr,
               "usage: shmconform replay <scenario> <plan-file | -> [--times N]\n"
               "       shmconform replay --list\n");
  return 2;
}

}  // namespace

void register_scenario(const std::string& name, const std::string& description, PlanRunner runner) {
  registry()[name] = Scenario{description, std::move(runner)};
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> out;
  for (const auto& [name, s] : registry()) out.push_back(name);
  return out;
}

int replay_plan_main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (const auto& [name, s] : registry()) std::printf("%-32s %s\n", name.c_str(), s.description.c_str());
    return 0;
  }
  unsigned times = 5;
  if (args.size() == 4 && args[2] == "--times") {
    try {
      times = static_cast<unsigned>(std::stoul(args[3]));
    } catch (const std::exception&) {
      return usage();
    }
    args.resize(2);
  }
  if (args.size() != 2 || times == 0) return usage();
  auto found = registry().find(args[0]);
  if (found == registry().end()) {
    std::fprintf(stderr, "replay: no scenario '%s' (see --list)\n", args[0].c_str());
    return 2;
  }
  std::string text;
  if (args[1] == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(args[1]);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", args[1].c_str());
      return 2;
    }
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  auto plan = parse_plan(text);
  if (!plan) {
    std::fprintf(stderr, "replay: %s\n", plan.error().describe().c_str());
    return 2;
  }
  std::printf("%s", describe(*plan).c_str());
  int failures = 0;
  for (unsigned i = 1; i <= times; ++i) {
    RunResult r;
    try {
      r = found->second.runner(*plan);
    } catch (const std::exception& e) {
      r = {false, std::string("runner threw: ") + e.what()};
    }
    std::printf("run %u/%u: %s\n", i, times, r.passed ? "passed" : "FAILED");
    if (!r.passed) {
      ++failures;
      std::printf("%s\n", r.message.c_str());
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace shmc::plan
