#include "config/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "config/problem_log.h"

namespace leadd::config {
namespace {

constexpr std::size_t kMaxQuotedPath = 256;

std::string Quoted(const std::filesystem::path& path) {
  return QuoteForMessage(path.native(), kMaxQuotedPath);
}

Error CannotRead(const std::filesystem::path& path) {
  return Rejected("cannot read " + Quoted(path) + ": " + std::generic_category().message(errno));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t max_bytes) {
  // stat before open, because open() itself blocks on a FIFO.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return CannotRead(path);
  if (!S_ISREG(info.st_mode)) return Rejected(Quoted(path) + " is not a regular file");

  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.Get() < 0) return CannotRead(path);
  std::string content;
  char buffer[8192];
  while (content.size() <= max_bytes) {
    const ssize_t got = ::read(fd.Get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return CannotRead(path);
    if (got == 0) return content;
    content.append(buffer, static_cast<std::size_t>(got));
  }
  return Rejected(Quoted(path) + " is larger than " + std::to_string(max_bytes) + " bytes");
}

}  // namespace leadd::config
