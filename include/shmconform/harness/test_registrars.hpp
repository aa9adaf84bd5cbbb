// Tests registered at run time (one gtest per conformance check, per campaign trial).
//
// They cannot be registered from static initialisers: what they enumerate
// (crash points, subjects, checks) registers itself from other translation
// units' static initialisers, in no defined order. shmconform's gtest main
// (shmconform::gtest_main) calls every registrar after InitGoogleTest and
// before RUN_ALL_TESTS, when all of that is in place.
#pragma once

namespace shmc::harness {

void add_test_registrar(void (*registrar)());

}  // namespace shmc::harness
