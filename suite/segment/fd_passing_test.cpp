// Descriptor passing (fd_passing.hpp): the way a sealed segment reaches a
// process that did not create it. What arrives is the sender's object; every
// malformed message is refused with its descriptors closed; every wait ends
// at its bound.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/fd_passing.hpp"
#include "suite/segment/raw_memfd.hpp"

using namespace shmc;
using namespace std::chrono_literals;

namespace {

struct SocketPair {
  int ends[2] = {-1, -1};
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
      throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  }
  ~SocketPair() {
    for (int e : ends)
      if (e >= 0) ::close(e);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  void close_end(int i) {
    ::close(ends[i]);
    ends[i] = -1;
  }
};

// Sends a message carrying `fds` (possibly none) the way a careless or hostile peer might.
void send_raw(int sock, const std::vector<int>& fds) {
  char byte = 'x';
  struct iovec iov {&byte, 1};
  struct msghdr msg {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ASSERT_EQ(::sendmsg(sock, &msg, MSG_NOSIGNAL), 1) << std::strerror(errno);
}

ino_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

TEST(FdPassing, TheReceivedDescriptorIsTheSendersObjectAndCloseOnExec) {
  SocketPair s;
  test::RawMemfd m(4096, 0);
  ASSERT_TRUE(send_descriptor(s.ends[0], m.fd()));
  auto got = receive_descriptor(s.ends[1], 2000ms);
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_NE(*got, m.fd()) << "a new descriptor in the receiver";
  EXPECT_EQ(inode_of(*got), inode_of(m.fd()));
  EXPECT_NE(::fcntl(*got, F_GETFD) & FD_CLOEXEC, 0) << "a received descriptor must not leak into exec'd programs";
  ::close(*got);
}

struct Relay {
  std::atomic<std::uint64_t> inode;  // stored before the send: the receiver reads it after its receive
};

TEST(FdPassing, AProcessThatNeverHadTheObjectGetsIt) {
  SocketPair s;
  harness::SharedArray<Relay> shared(1);
  harness::Actors actors(harness::ActorMode::processes);
  // Forked before the object exists: the receiver can only get it through the socket.
  actors.add("sender", [&](harness::ActorContext&) {
    test::RawMemfd m(4096, 0);
    shared[0].inode.store(inode_of(m.fd()), std::memory_order_release);
    SHMC_ACTOR_CHECK(send_descriptor(s.ends[0], m.fd()).ok());
    return 0;
  });
  actors.add("receiver", [&](harness::ActorContext&) {
    auto got = receive_descriptor(s.ends[1], 5000ms);
    SHMC_ACTOR_CHECK(got.ok());
    SHMC_ACTOR_CHECK(inode_of(*got) == shared[0].inode.load(std::memory_order_acquire));
    ::close(*got);
    return 0;
  });
  auto out = actors.run(10s);
  EXPECT_TRUE(harness::all_ok(out)) << harness::describe(out);
}

TEST(FdPassing, NothingSentIsTimedOutAtTheBound) {
  SocketPair s;
  const auto start = std::chrono::steady_clock::now();
  auto got = receive_descriptor(s.ends[1], 100ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::timed_out) << got.error().describe();
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 5s) << "the bound was not kept";
}

TEST(FdPassing, APeerThatClosedItsEndIsNotFound) {
  SocketPair s;
  s.close_end(0);
  auto got = receive_descriptor(s.ends[1], 2000ms);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::not_found) << got.error().describe();
  auto sent = send_descriptor(s.ends[1], 0);
  ASSERT_FALSE(sent) << "sending to a closed peer must fail (and not raise SIGPIPE)";
  EXPECT_EQ(sent.error().sys_errno, EPIPE) << sent.error().describe();
}

TEST(FdPassing, AMessageWithoutADescriptorIsRefused) {
  SocketPair s;
  send_raw(s.ends[0], {});
  auto got = receive_descriptor(s.ends[1], 2000ms);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::invalid_argument);
  EXPECT_NE(got.error().message.find("got 0"), std::string::npos) << got.error().describe();
}

// Closes what appeared since `before`: a test's own cleanup after a receiver that leaked.
std::size_t close_new_descriptors(const std::set<int>& before) {
  std::size_t n = 0;
  for (int fd : test::open_descriptors())
    if (!before.contains(fd)) {
      ::close(fd);
      ++n;
    }
  return n;
}

// "" when a message with two descriptors is refused and neither stays open in the receiver.
std::string two_descriptors_refused() {
  SocketPair s;
  test::RawMemfd a(4096, 0), b(4096, 0);
  send_raw(s.ends[0], {a.fd(), b.fd()});
  const std::set<int> before = test::open_descriptors();
  auto got = receive_descriptor(s.ends[1], 2000ms);
  const std::size_t leaked = close_new_descriptors(before);
  if (got) return "a message with two descriptors was accepted";
  if (got.error().code != Errc::invalid_argument || got.error().message.find("got 2") == std::string::npos)
    return "refused as " + got.error().describe();
  if (leaked != 0) return std::to_string(leaked) + " refused descriptors stayed open in the receiver";
  return "";
}

TEST(FdPassing, AMessageWithTwoDescriptorsIsRefusedAndBothAreClosed) { EXPECT_EQ(two_descriptors_refused(), ""); }

TEST(FdPassing, PlantedKeepingTheFirstOfTwoIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  harness::ScopedFault planted("fd_passing/receive/planted_keep_first", 0);
  EXPECT_EQ(two_descriptors_refused(), "a message with two descriptors was accepted");
  EXPECT_GT(planted.failures(), 0u) << "the planted bug was never reached";
}

TEST(FdPassing, TooManyDescriptorsAreRefusedAndNoneLeaks) {
  SocketPair s;
  std::vector<test::RawMemfd> many;
  std::vector<int> fds;
  for (int i = 0; i < 12; ++i) {
    many.emplace_back(4096, 0);
    fds.push_back(many.back().fd());
  }
  send_raw(s.ends[0], fds);
  const std::set<int> before = test::open_descriptors();
  auto got = receive_descriptor(s.ends[1], 2000ms);
  EXPECT_EQ(close_new_descriptors(before), 0u) << "descriptors of a refused message stayed open";
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::invalid_argument) << got.error().describe();
}

TEST(FdPassing, SendingNoDescriptorIsAnInvalidArgument) {
  SocketPair s;
  auto sent = send_descriptor(s.ends[0], -1);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::invalid_argument);
}

}  // namespace
