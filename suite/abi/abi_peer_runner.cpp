#include "suite/abi/abi_peer_runner.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"

namespace shmc::ports {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::string PeerCommand::describe() const {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::vector<PeerCommand> configured_peers() {
  std::vector<PeerCommand> peers;
  if (const char* env = std::getenv("SHMC_ABI_PEER"); env != nullptr && *env != '\0') {
    for (const auto& command : split(env, ';')) peers.push_back(PeerCommand{split(command, ' ')});
    return peers;
  }
#ifdef SHMC_DEFAULT_ABI_PEER
  struct ::stat st {};
  if (::stat(SHMC_DEFAULT_ABI_PEER, &st) == 0) peers.push_back(PeerCommand{{SHMC_DEFAULT_ABI_PEER}});
#endif
  return peers;
}

std::string how_to_get_a_peer() {
  std::string s = "no abi_peer of another ABI: set SHMC_ABI_PEER";
#ifdef SHMC_DEFAULT_ABI_PEER
  s += " or build " SHMC_DEFAULT_ABI_PEER;
#endif
  return s + " (ci/cross/ci-ports.sh does; see docs/ports.md)";
}

std::string PeerAnswer::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

PeerAnswer ask_peer(const PeerCommand& peer, const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  PeerAnswer answer;
  char path[] = "/tmp/shmc-abi-peer-XXXXXX";
  const int out = ::mkstemp(path);
  if (out < 0) {
    answer.outcome = "mkstemp failed";
    return answer;
  }
  std::vector<std::string> argv = peer.argv;
  argv.insert(argv.end(), args.begin(), args.end());
  const auto outcome = harness::run_in_child("abi_peer", [&](harness::ActorContext& ctx) {
    ctx.doing("exec " + argv.front());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    if (::dup2(out, STDOUT_FILENO) < 0) return 126;
    ::execvp(cargv[0], cargv.data());
    return 127;  // exec failed
  }, timeout);
  ::close(out);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  ::unlink(path);
  answer.output = text.str();
  answer.outcome = outcome.describe();
  answer.ran = outcome.ok();
  for (const auto& line : split(answer.output, '\n')) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) answer.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return answer;
}

}  // namespace shmc::ports
