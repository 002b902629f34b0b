#include "util/result.h"

#include <string>

namespace apkd {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kSignatureInvalid:
      return "signature invalid";
    case ErrorCode::kLimitExceeded:
      return "limit exceeded";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kIoError:
      return "I/O error";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown error";
}

Error Error::WithContext(std::string_view context) const& {
  return {code_, std::string(context) + ": " + message_};
}

Error Error::WithContext(std::string_view context) && {
  message_.insert(0, std::string(context) + ": ");
  return std::move(*this);
}

}  // namespace apkd
