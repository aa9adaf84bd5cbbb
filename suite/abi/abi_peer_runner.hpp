// Runs the abi_peer program of another ABI (a 32-bit build, or a 64-bit one
// under qemu-user) inside a harness actor and reads its key=value answers.
//
// Which peers: $SHMC_ABI_PEER, a ';'-separated list of commands (words split on
// spaces, e.g. "qemu-aarch64 build/aarch64/suite/abi/abi_peer"),
// or else the build's default (SHMC_DEFAULT_ABI_PEER: the i386 port's peer for
// a 64-bit build, the dev build's for a 32-bit one) when that file exists.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace shmc::ports {

struct PeerCommand {
  std::vector<std::string> argv;  // the peer program, with its emulator in front if any
  std::string describe() const;
};

std::vector<PeerCommand> configured_peers();
// Where to look and how to build one, for the skip message.
std::string how_to_get_a_peer();

struct PeerAnswer {
  bool ran = false;  // exited with status 0
  std::string outcome;  // the actor's outcome, for messages
  std::string output;
  std::map<std::string, std::string> values;
  std::string get(const std::string& key) const;
};

PeerAnswer ask_peer(const PeerCommand& peer, const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace shmc::ports
