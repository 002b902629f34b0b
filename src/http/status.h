// HTTP status codes used by apkd, their reason phrases, and the single mapping from an
// apkd::ErrorCode to an HTTP status (handlers never pick numeric statuses for errors themselves).
// Pure functions, thread-safe.
#pragma once

#include <string_view>

#include "util/result.h"

namespace apkd::http::status {

inline constexpr int kOk = 200;
inline constexpr int kCreated = 201;
inline constexpr int kNoContent = 204;
inline constexpr int kPartialContent = 206;
inline constexpr int kMovedPermanently = 301;
inline constexpr int kFound = 302;
inline constexpr int kSeeOther = 303;
inline constexpr int kNotModified = 304;
inline constexpr int kBadRequest = 400;
inline constexpr int kUnauthorized = 401;
inline constexpr int kForbidden = 403;
inline constexpr int kNotFound = 404;
inline constexpr int kMethodNotAllowed = 405;
inline constexpr int kRequestTimeout = 408;
inline constexpr int kConflict = 409;
inline constexpr int kPreconditionFailed = 412;
inline constexpr int kPayloadTooLarge = 413;
inline constexpr int kUriTooLong = 414;
inline constexpr int kRangeNotSatisfiable = 416;
inline constexpr int kUnprocessableEntity = 422;
inline constexpr int kTooManyRequests = 429;
inline constexpr int kHeaderFieldsTooLarge = 431;
inline constexpr int kInternalServerError = 500;
inline constexpr int kNotImplemented = 501;
inline constexpr int kServiceUnavailable = 503;

}  // namespace apkd::http::status

namespace apkd::http {

// "Not Found" for 404; "Unknown" for codes without a registered phrase.
std::string_view ReasonPhrase(int status);

// True for statuses that never carry content (1xx, 204, 304).
bool StatusForbidsBody(int status);

// The one place where an expected-failure code becomes an HTTP status:
// kInvalidArgument 400, kNotFound 404, kAlreadyExists 409, kUnauthenticated 401,
// kPermissionDenied 403, kCorrupt / kSignatureInvalid 422, kLimitExceeded 413,
// kUnavailable 503, kIoError / kInternal 500.
int StatusFromErrorCode(ErrorCode code);

}  // namespace apkd::http
