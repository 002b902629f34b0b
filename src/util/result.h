// Error values for expected failures (bad input, I/O, signatures): Error, Status and Result<T>.
// Result<T> mirrors the shape of std::expected so that a later switch to C++23 is mechanical.
// Plain value types: no shared state, safe to move between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace apkd {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,
  kPermissionDenied,
  kCorrupt,
  kSignatureInvalid,
  kLimitExceeded,
  kUnavailable,
  kIoError,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with where the failure happened ("reading foo.apk: ...").
  Error WithContext(std::string_view context) const&;
  Error WithContext(std::string_view context) &&;

  bool operator==(const Error&) const = default;

 private:
  ErrorCode code_;
  std::string message_;
};

inline Error MakeError(ErrorCode code, std::string message) { return {code, std::move(message)}; }

// Success, or an Error. Cheap on the success path.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), is_ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return is_ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool is_ok_ = true;
};

inline Status OkStatus() { return {}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : storage_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return storage_.index() == 0; }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(storage_); }
  const T& value() const& { return std::get<0>(storage_); }
  T&& value() && { return std::get<0>(std::move(storage_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(storage_); }
  Status status() const { return has_value() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> storage_;
};

}  // namespace apkd

#define APKD_CONCAT_INNER(a, b) a##b
#define APKD_CONCAT(a, b) APKD_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define APKD_RETURN_IF_ERROR(expr)                     \
  do {                                                 \
    auto&& apkd_status_or_result = (expr);             \
    if (!apkd_status_or_result.ok()) {                 \
      return apkd_status_or_result.error();            \
    }                                                  \
  } while (false)

#define APKD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) {                                 \
    return tmp.error();                            \
  }                                                \
  lhs = std::move(tmp).value()

// `APKD_ASSIGN_OR_RETURN(auto x, ParseX(...));` binds the value or returns the error.
#define APKD_ASSIGN_OR_RETURN(lhs, expr) \
  APKD_ASSIGN_OR_RETURN_IMPL(APKD_CONCAT(apkd_result_, __LINE__), lhs, expr)
