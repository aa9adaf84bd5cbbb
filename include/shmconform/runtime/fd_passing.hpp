// Handing a descriptor to a process that did not create it: one descriptor per
// message over a connected AF_UNIX socket (SCM_RIGHTS).
//
//   int pair[2];
//   socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair);   // before fork, or a named socket
//   creator:  auto seg = Segment::create_sealed(kind, size);  send_descriptor(pair[0], seg->fd());
//   receiver: auto fd = receive_descriptor(pair[1], 2000ms);  auto seg = Segment::open_sealed(*fd, kind);
//             close(*fd);                                     // open_sealed keeps its own duplicate
//
// This is how a sealed segment (segment.hpp) reaches its peers: a memfd has no
// name in /dev/shm, so a process gets it by inheritance across fork or from a
// process that holds it. The received descriptor refers to the same open file
// description as the sender's (same object, same offset, same OFD locks).
#pragma once

#include <chrono>

#include "shmconform/runtime/result.hpp"

namespace shmc {

// Sends `fd` with one byte of data. Never blocks: a receiver whose socket
// buffer is full gets no descriptor and the sender an Errc::timed_out error.
// A closed peer is an error (no SIGPIPE).
Result<void> send_descriptor(int socket, int fd);

// Waits at most `bound` for one message carrying exactly one descriptor and
// returns it (close-on-exec; the caller owns it). Refused, with every
// descriptor that did arrive closed: a message without a descriptor, with more
// than one, or with its control data cut short. A peer that closed its end is
// Errc::not_found; a bound that ran out, Errc::timed_out.
Result<int> receive_descriptor(int socket, std::chrono::milliseconds bound);

}  // namespace shmc
