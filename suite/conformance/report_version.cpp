#include "suite/conformance/report_junit.hpp"

namespace shmc::conformance {

const char* tool_version() { return SHMC_TOOL_VERSION; }

const char* tool_commit() {
  return
#include "report_commit.inc"
      ;
}

}  // namespace shmc::conformance
