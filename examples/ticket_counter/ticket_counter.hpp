// A ticket counter in POSIX shared memory: processes take numbered tickets;
// every ticket is handed out once, in order, and none is skipped. A
// process-shared robust mutex protects {next ticket, tickets issued}; a
// holder killed mid-update leaves EOWNERDEAD, and the next taker repairs the
// pair from the invariant (issued == next) before marking the mutex consistent.
//
// Built with TICKET_COUNTER_PLANTED_SPINLOCK the lock is a plain spinlock
// instead: a holder's death leaves it locked for good (the bug the campaign catches).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

class TicketCounter {
 public:
  // Creates the named object (0600) or opens it; nullopt with `error` set on failure.
  static std::optional<TicketCounter> create(const std::string& name, std::string& error);
  static std::optional<TicketCounter> open(const std::string& name, std::string& error);
  TicketCounter(TicketCounter&& other) noexcept;
  TicketCounter& operator=(TicketCounter&&) = delete;
  ~TicketCounter();  // unmaps; the creator also unlinks

  // The next ticket, or nullopt if the lock could not be had within timeout_ms (a live holder, or
  // the planted spinlock's dead one).
  std::optional<std::uint64_t> take(int timeout_ms);
  std::optional<std::uint64_t> peek(int timeout_ms);  // the next ticket, without taking it

 private:
  struct Shared;
  TicketCounter(Shared* shared, std::string name, bool creator) : shared_(shared), name_(std::move(name)), creator_(creator) {}
  bool lock(int timeout_ms);
  void unlock();
  Shared* shared_;
  std::string name_;
  bool creator_;
};
