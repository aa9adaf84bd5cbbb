// abi_peer: the other half of the mixed-ABI test. Built in every build (the
// i386 port's copy is the 32-bit peer of a 64-bit test and the other way
// round); the test runs it inside a harness actor and reads its answers.
//
//   abi_peer info                      this process's ABI
//   abi_peer header NAME               a segment's header as this ABI reads it
//   abi_peer open raw|ring|map NAME    open as this ABI; ring: pop one item, push "reply"
//   abi_peer create raw|ring|map NAME  create, ring: push "hello"; left in place for the test
//   abi_peer sem-value NAME OFFSET     sem_getvalue of a sem_t at OFFSET of a plain shm object
//
// Answers are "key=value" lines on stdout; exit status 0 unless the command
// itself could not be carried out (a refused open is an answer, not a failure).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <semaphore.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "fixtures/map/map.hpp"
#include "fixtures/ring/ring.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/abi/abi_facts.hpp"

namespace {

using namespace shmc;

void say(const std::string& key, const std::string& value) { std::printf("%s=%s\n", key.c_str(), value.c_str()); }
void say(const std::string& key, std::uint64_t value) { say(key, std::to_string(value)); }

void say_error(const Error& e) {
  say("result", "error");
  say("errc", std::string(to_string(e.code)));
  say("message", e.describe());
}

// A create that failed: the error is the answer, the exit status says so.
int create_failed(const Error& e) {
  say_error(e);
  return 1;
}

// Leaves what this process created in place: no destructor runs, so the
// creator does not unlink (the test removes the name).
[[noreturn]] void leave_in_place() {
  std::fflush(stdout);
  ::_exit(0);
}

int info() {
  say("abi_tag", ports::hex(current_abi_tag()));
  say("abi", ports::describe_abi(current_abi_tag()));
  return 0;
}

int header(const std::string& name) {
  auto c = classify_segment(name);
  if (!c) {
    say_error(c.error());
    return 0;
  }
  say("class", to_string(c->cls));
  if (!c->header) return 0;
  const SegmentHeaderImage& h = *c->header;
  say("magic", ports::hex(h.magic));
  say("layout_version", h.layout_version);
  say("abi_tag", ports::hex(h.abi_tag));
  say("kind", h.kind);
  say("total_size", h.total_size);
  say("payload_size", h.payload_size);
  say("generation", h.generation);
  say("creator_tid", static_cast<std::uint64_t>(h.creator_tid));
  say("state", ports::hex(h.state));
  say("label", std::string(h.label, strnlen(h.label, sizeof h.label)));
  return 0;
}

int open_kind(const std::string& kind, const std::string& name) {
  if (kind == "raw") {
    auto s = Segment::open(name, SegmentKind::raw);
    if (!s) {
      say_error(s.error());
      return 0;
    }
    say("result", "ok");
    say("generation", s->generation());
    return 0;
  }
  if (kind == "ring") {
    auto r = ring::Ring::open(name);
    if (!r) {
      say_error(r.error());
      return 0;
    }
    say("result", "ok");
    std::string buf(r->slot_size(), '\0');
    auto popped = r->try_pop(std::as_writable_bytes(std::span(buf)));
    if (popped && popped->status == ring::PopStatus::popped) say("popped", buf.substr(0, popped->size));
    const std::string reply = "reply";
    auto pushed = r->try_push(std::as_bytes(std::span(reply)));
    say("pushed", pushed ? ring::to_string(*pushed) : pushed.error().describe());
    return 0;
  }
  if (kind == "map") {
    auto m = map::Map::open(name);
    if (!m) {
      say_error(m.error());
      return 0;
    }
    say("result", "ok");
    std::uint64_t key = ports::kMapKey, value = 0;
    auto found = m->find(std::as_bytes(std::span(&key, 1)), std::as_writable_bytes(std::span(&value, 1)));
    if (found && *found == map::Status::ok) say("found", value);
    return 0;
  }
  std::fprintf(stderr, "abi_peer: unknown kind '%s'\n", kind.c_str());
  return 2;
}

int create_kind(const std::string& kind, const std::string& name) {
  SegmentOptions options;
  options.label = "abi_peer";
  if (kind == "raw") {
    auto s = Segment::create(name, SegmentKind::raw, 4096, {}, options);
    if (!s) return create_failed(s.error());
    say("generation", s->generation());
    leave_in_place();
  }
  if (kind == "ring") {
    auto r = ring::Ring::create(name, {.capacity = 4, .slot_size = 16}, {.segment = options});
    if (!r) return create_failed(r.error());
    const std::string hello = "hello";
    auto pushed = r->try_push(std::as_bytes(std::span(hello)));
    if (!pushed || *pushed != ring::PushStatus::pushed) return 1;
    say("generation", r->segment().generation());
    leave_in_place();
  }
  if (kind == "map") {
    map::MapOptions mo;
    mo.segment = options;
    auto m = map::Map::create(name, {.capacity = 8, .key_size = 8, .value_size = 8}, mo);
    if (!m) return create_failed(m.error());
    std::uint64_t key = ports::kMapKey, value = ports::kMapValue;
    auto ins = m->insert(std::as_bytes(std::span(&key, 1)), std::as_bytes(std::span(&value, 1)));
    if (!ins || *ins != map::Status::ok) return 1;
    say("generation", m->segment().generation());
    leave_in_place();
  }
  std::fprintf(stderr, "abi_peer: unknown kind '%s'\n", kind.c_str());
  return 2;
}

int sem_value(const std::string& name, std::size_t offset) {
  const int fd = ::shm_open(name.c_str(), O_RDWR, 0);
  if (fd < 0) {
    std::perror("shm_open");
    return 1;
  }
  const std::size_t size = offset + 64;
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  int value = -1;
  auto* sem = reinterpret_cast<sem_t*>(static_cast<char*>(p) + offset);
  if (::sem_getvalue(sem, &value) != 0) {
    std::perror("sem_getvalue");
    ::munmap(p, size);
    return 1;
  }
  say("value", static_cast<std::uint64_t>(static_cast<unsigned>(value)));
  say("sizeof_sem_t", sizeof(sem_t));
  ::munmap(p, size);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "info" && argc == 2) return info();
  if (cmd == "header" && argc == 3) return header(argv[2]);
  if (cmd == "open" && argc == 4) return open_kind(argv[2], argv[3]);
  if (cmd == "create" && argc == 4) return create_kind(argv[2], argv[3]);
  if (cmd == "sem-value" && argc == 4) return sem_value(argv[2], std::strtoul(argv[3], nullptr, 10));
  std::fprintf(stderr, "usage: abi_peer info | header NAME | open|create raw|ring|map NAME | sem-value NAME OFFSET\n");
  return 2;
}
