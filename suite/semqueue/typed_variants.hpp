// Every queue variant as a gtest type list, each test named after its variant.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "suite/semqueue/queue_variants.hpp"

namespace shmc::semqueue::test {

using AllVariants = ::testing::Types<NamedVariant, UnnamedVariant, NamedSlotVariant, RobustVariant>;
struct VariantNames {
  template <class V>
  static std::string GetName(int) { return V::kName; }
};

}  // namespace shmc::semqueue::test
