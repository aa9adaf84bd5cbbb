#include "suite/semqueue/trial.hpp"

namespace shmc::semqueue::test {

Role role_of_point(const std::string& point) {
  if (point.find("/recover/") != std::string::npos) return Role::recovery;
  if (point.find("/pop/") != std::string::npos || point.find("/read/") != std::string::npos) return Role::consumer;
  return Role::producer;
}

std::string TrialResult::finding() const {
  if (clean()) return {};
  if (!fired) return "the planned kill did not happen (" + what + ")";
  if (stuck) return "not crash-safe: stuck after a kill at " + what;
  if (!after_drain.consistent() || after_drain.items != 0)
    return "not crash-safe: lost a slot after a kill at " + what + " (" + after_drain.describe() + ")";
  return "not crash-safe: delivery broken after a kill at " + what + ": " + delivery.text();
}

std::string TrialResult::describe() const {
  std::string s = what + (fired ? " (fired)" : " (did NOT fire)");
  if (stuck) s += ", stuck";
  if (broken) s += ", BROKEN";
  s += "\n  after drain: " + after_drain.describe() + (after_drain.consistent() ? "" : " [inconsistent]");
  s += "\n  delivery: " + delivery.text();
  s += "\n  actors: " + actors;
  return s;
}

}  // namespace shmc::semqueue::test
