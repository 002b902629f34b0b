// Field checks shared by every MetadataStore implementation (so they reject exactly the same
// input), plus uid generation. Pure functions, thread-safe. Messages quote offending values with
// control characters escaped and never quote secrets.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.h"
#include "util/result.h"

namespace apkd::storage {

inline constexpr size_t kUidHexLength = 32;
inline constexpr size_t kMaxNameLength = 255;
// Bounds on the free-text policy fields of assumable identities.
inline constexpr size_t kMaxIdentityPolicyLength = 1024;  // issuer, subject, audience, patterns
inline constexpr size_t kMaxClaimPatternsLength = size_t{16} * 1024;  // the claim_patterns JSON
inline constexpr size_t kMaxIssuerKeysLength = size_t{256} * 1024;    // the issuer_keys JWKS

// Exactly 32 lowercase hex digits.
bool IsValidUid(std::string_view uid);
// 128 random bits as 32 lowercase hex digits.
std::string NewUid();

// `value` for an error message: at most 64 bytes, quoted, non-printable bytes as \xNN.
std::string QuoteForMessage(std::string_view value);

Status CheckUid(std::string_view what, std::string_view uid);
// 1..128 of [a-z0-9._-], starting with [a-z0-9], no "..", and not shaped like a uid.
Status CheckOrgName(std::string_view name);
// Usable as one URL path segment: 1..255 printable ASCII bytes, no space or '/', not "."/"..".
Status CheckPathToken(std::string_view what, std::string_view value);
// A free-form label: 1..255 bytes without control characters.
Status CheckLabel(std::string_view what, std::string_view value);

Status CheckPackageRow(const PackageRow& row);
Status CheckIdentity(const Identity& identity);
Status CheckSigningKey(const SigningKeyRow& key);
Status CheckCustomRole(const CustomRole& role);
Status CheckImage(const Image& image);
// A binding about to be created (its id already filled in).
Status CheckRoleBinding(const RoleBinding& binding);

// Sorted copy without duplicates.
std::vector<std::string> SortedUnique(std::span<const std::string> values);

}  // namespace apkd::storage
