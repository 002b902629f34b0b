// Internal to src/auth: JSON from outside (ID token headers and claims, discovery documents,
// JWK Sets) parsed with Boost.JSON after a strict pre-pass that refuses duplicate member names
// (Boost.JSON keeps the last one silently, and two parsers disagreeing on which one counts is a
// classic way around a token check) and nesting deeper than a small limit. Only .cc files under
// src/auth include this header. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>

#include "util/result.h"

namespace apkd::auth::internal {

inline constexpr size_t kMaxJsonDepth = 16;

// One JSON value (RFC 8259; no comments, no trailing commas, valid UTF-8), whitespace around it
// allowed. kInvalidArgument with a reason that never quotes the input.
Result<boost::json::value> ParseStrictJson(std::string_view text);

}  // namespace apkd::auth::internal
