#include "shmconform/runtime/result.hpp"

#include <cstring>

namespace shmc {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::not_found: return "not found";
    case Errc::already_exists: return "already exists";
    case Errc::permission_denied: return "permission denied";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::foreign: return "foreign object";
    case Errc::layout_mismatch: return "layout version mismatch";
    case Errc::abi_mismatch: return "ABI mismatch";
    case Errc::wrong_kind: return "wrong fixture kind";
    case Errc::truncated: return "truncated";
    case Errc::still_initialising: return "still initialising";
    case Errc::creator_died: return "creator died during initialisation";
    case Errc::corrupt: return "corrupt";
    case Errc::timed_out: return "timed out";
    case Errc::owner_dead: return "owner died";
    case Errc::syscall_failed: return "system call failed";
    case Errc::foreign_pid_namespace: return "created in another PID namespace";
    case Errc::not_sealed: return "size not sealed";
  }
  return "unknown error";
}

std::string Error::describe() const {
  std::string out{to_string(code)};
  out += ": ";
  out += message;
  if (sys_errno != 0) {
    out += " (";
    out += std::strerror(sys_errno);
    out += ")";
  }
  return out;
}

Error make_error(Errc code, std::string message, int sys_errno) {
  return Error{code, sys_errno, std::move(message)};
}

Error sys_error(std::string_view call, std::string_view subject, int sys_errno) {
  Errc code = Errc::syscall_failed;
  if (sys_errno == ENOENT) code = Errc::not_found;
  else if (sys_errno == EEXIST) code = Errc::already_exists;
  else if (sys_errno == EACCES || sys_errno == EPERM) code = Errc::permission_denied;
  else if (sys_errno == EINVAL || sys_errno == ENAMETOOLONG) code = Errc::invalid_argument;
  std::string msg{call};
  msg += " of '";
  msg += subject;
  msg += "' failed";
  return Error{code, sys_errno, std::move(msg)};
}

}  // namespace shmc
