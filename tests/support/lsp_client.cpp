#include "tests/support/lsp_client.h"

#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace godwit::test {

using Clock = std::chrono::steady_clock;

LspClient::LspClient(const std::vector<std::string>& argv, const std::string& cwd) {
  int in_pipe[2];
  int out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  to_server_ = in_pipe[1];
  from_server_ = out_pipe[0];
  // The test never dies of a server that went away.
  signal(SIGPIPE, SIG_IGN);
}

LspClient::~LspClient() {
  if (to_server_ >= 0) close(to_server_);
  if (!exit_code_ && pid_ > 0) {
    if (!wait_exit(std::chrono::seconds(5))) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (from_server_ >= 0) close(from_server_);
}

void LspClient::send_raw(const std::string& bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(to_server_, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("the server stopped reading");
    }
    written += static_cast<size_t>(n);
  }
}

void LspClient::send(const Json& message) {
  const std::string body = message.dump();
  send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

void LspClient::notify(const std::string& method, Json params) {
  send(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

LspClient::Json LspClient::send_request(const std::string& method, Json params) {
  const Json id = next_id_++;
  send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return id;
}

LspClient::Json LspClient::request(const std::string& method, Json params) {
  const Json id = send_request(method, std::move(params));
  std::optional<Json> reply = response(id);
  if (!reply) throw std::runtime_error("no response to " + method);
  return *reply;
}

bool LspClient::read_one(Clock::time_point deadline) {
  while (true) {
    const size_t header_end = buffer_.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      const size_t at = buffer_.find("Content-Length: ");
      if (at == std::string::npos || at > header_end)
        throw std::runtime_error("bad header from the server: " + buffer_);
      const size_t length = std::stoul(buffer_.substr(at + 16, header_end - at - 16));
      if (buffer_.size() >= header_end + 4 + length) {
        Json message = Json::parse(buffer_.substr(header_end + 4, length));
        buffer_.erase(0, header_end + 4 + length);
        log_.push_back(message);
        queue_.push_back(std::move(message));
        return true;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd fd{from_server_, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[65536];
    const ssize_t n = read(from_server_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<LspClient::Json> LspClient::wait_for(const std::function<bool(const Json&)>& wanted,
                                                   std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  size_t checked = 0;
  while (true) {
    for (; checked < queue_.size(); ++checked) {
      if (wanted(queue_[checked])) {
        Json found = std::move(queue_[checked]);
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(checked));
        return found;
      }
    }
    if (!read_one(deadline)) return std::nullopt;
  }
}

std::optional<LspClient::Json> LspClient::response(const Json& id, std::chrono::milliseconds timeout) {
  return wait_for([&](const Json& m) { return !m.contains("method") && m.contains("id") && m["id"] == id; }, timeout);
}

std::optional<LspClient::Json> LspClient::diagnostics(const std::string& uri, std::chrono::milliseconds timeout) {
  std::optional<Json> message = wait_for(
      [&](const Json& m) {
        return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
      },
      timeout);
  if (!message) return std::nullopt;
  return (*message)["params"];
}

void LspClient::close_input() {
  if (to_server_ >= 0) close(to_server_);
  to_server_ = -1;
}

std::optional<int> LspClient::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const Clock::time_point deadline = Clock::now() + timeout;
  // A descriptor that becomes readable when the process exits.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd < 0) throw std::runtime_error("pidfd_open failed");
  bool output_open = true;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      close(pidfd);
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      close(pidfd);
      return std::nullopt;
    }
    // Drain the server's output meanwhile, so that a full pipe cannot keep it from exiting.
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {output_open ? from_server_ : -1, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) {
      close(pidfd);
      return std::nullopt;
    }
    if ((fds[1].revents & (POLLIN | POLLHUP)) != 0) {
      char chunk[65536];
      const ssize_t n = read(from_server_, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
      } else {
        output_open = false;
      }
    }
  }
}

}  // namespace godwit::test
