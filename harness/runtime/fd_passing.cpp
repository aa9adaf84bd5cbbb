#include "shmconform/runtime/fd_passing.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "shmconform/runtime/crash_point.hpp"

namespace shmc {

namespace {

using Clock = std::chrono::steady_clock;

// Room for a few descriptors, so a sender that packed several is seen (and its
// descriptors closed) rather than cut short at one.
constexpr std::size_t kMaxSeen = 8;

// One byte of data (a stream socket carries ancillary data only with data)
// and the control buffer, wired into a msghdr.
struct Message {
  char byte = 'D';
  struct iovec iov {};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxSeen)] = {};
  struct msghdr msg {};
  explicit Message(std::size_t control_bytes) {
    iov = {&byte, 1};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = control_bytes;
  }
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;
};

std::vector<int> descriptors_in(struct msghdr& msg) {
  std::vector<int> fds;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  return fds;
}

void close_all(const std::vector<int>& fds) {
  for (int fd : fds) (void)::close(fd);
}

// Waits for the socket to become readable; false when the bound ran out.
Result<bool> readable_before(int socket, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    struct pollfd p {socket, POLLIN, 0};
    // Rounded up: a remainder under 1 ms must still wait, not spin.
    const int rc = ::poll(&p, 1, left <= 0 ? 0 : static_cast<int>(left) + 1);
    if (rc > 0) return true;
    if (rc == 0 && Clock::now() >= deadline) return false;
    if (rc < 0 && errno != EINTR) return sys_error("poll", "the descriptor socket");
  }
}

}  // namespace

Result<void> send_descriptor(int socket, int fd) {
  if (fd < 0) return make_error(Errc::invalid_argument, "no descriptor to send (" + std::to_string(fd) + ")");
  Message m(CMSG_SPACE(sizeof(int)));
  struct cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do {
    n = ::sendmsg(socket, &m.msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n == 1) return {};
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return make_error(Errc::timed_out, "sending descriptor " + std::to_string(fd) +
                                           ": the receiver's socket buffer is full (it is not reading)", errno);
  if (n < 0) return sys_error("sendmsg(SCM_RIGHTS)", "descriptor " + std::to_string(fd));
  return make_error(Errc::syscall_failed, "sendmsg(SCM_RIGHTS) sent nothing");
}

Result<int> receive_descriptor(int socket, std::chrono::milliseconds bound) {
  const auto deadline = Clock::now() + bound;
  for (;;) {
    auto ready = readable_before(socket, deadline);
    if (!ready) return ready.error();
    if (!*ready)
      return make_error(Errc::timed_out, "no descriptor arrived within " + std::to_string(bound.count()) + " ms");
    Message m(sizeof(Message::control));
    ssize_t n = ::recvmsg(socket, &m.msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n < 0) return sys_error("recvmsg", "the descriptor socket");
    const std::vector<int> fds = descriptors_in(m.msg);
    if (n == 0 && fds.empty())
      return make_error(Errc::not_found, "the peer closed the socket without sending a descriptor");
    if ((m.msg.msg_flags & MSG_CTRUNC) != 0) {
      close_all(fds);
      return make_error(Errc::invalid_argument, "a message with more than " + std::to_string(kMaxSeen) +
                                                    " descriptors (control data cut short); all closed");
    }
    // The planted bug (tests only): the first of several descriptors taken, the others left open.
    if (fds.size() > 1 &&
        SHMC_FAULT_POINT("fd_passing/receive/planted_keep_first", "planted bug: extra descriptors kept open, the first returned"))
      return fds.front();
    if (fds.size() != 1) {
      close_all(fds);
      return make_error(Errc::invalid_argument, "expected one descriptor in the message, got " +
                                                    std::to_string(fds.size()) + (fds.empty() ? "" : "; all closed"));
    }
    return fds.front();
  }
}

}  // namespace shmc
