#include "storage/validation.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "crypto/digest.h"
#include "storage/blob_store.h"
#include "util/encoding.h"

namespace apkd::storage {
namespace {

constexpr size_t kMaxOrgNameLength = 128;
constexpr size_t kMaxQuotedBytes = 64;
constexpr size_t kUidBytes = kUidHexLength / 2;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

}  // namespace

bool IsValidUid(std::string_view uid) {
  return uid.size() == kUidHexLength && std::all_of(uid.begin(), uid.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string NewUid() { return HexEncode(crypto::RandomBytes(kUidBytes)); }

std::string QuoteForMessage(std::string_view value) {
  std::string out = "\"";
  for (const char c : value.substr(0, kMaxQuotedBytes)) {
    if (IsControl(c) || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x80) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  out += value.size() > kMaxQuotedBytes ? "\"…" : "\"";
  return out;
}

Status CheckUid(std::string_view what, std::string_view uid) {
  if (IsValidUid(uid)) {
    return OkStatus();
  }
  return Invalid(std::string(what) + " must be 32 lowercase hex digits, got " +
                 QuoteForMessage(uid));
}

Status CheckOrgName(std::string_view name) {
  const bool shape_ok = !name.empty() && name.size() <= kMaxOrgNameLength &&
                        IsLowerAlnum(name.front()) && name.find("..") == std::string_view::npos &&
                        std::all_of(name.begin(), name.end(), [](char c) {
                          return IsLowerAlnum(c) || c == '.' || c == '-' || c == '_';
                        });
  if (!shape_ok) {
    return Invalid("invalid organization name " + QuoteForMessage(name) +
                   " (1-128 of a-z 0-9 . - _, starting with a letter or digit)");
  }
  if (IsValidUid(name)) {
    return Invalid("organization name " + QuoteForMessage(name) + " has the form of a UID");
  }
  return OkStatus();
}

Status CheckPathToken(std::string_view what, std::string_view value) {
  const bool ok = !value.empty() && value.size() <= kMaxNameLength && value != "." &&
                  value != ".." && std::all_of(value.begin(), value.end(), [](char c) {
                    return c > ' ' && c < 0x7f && c != '/';
                  });
  if (ok) {
    return OkStatus();
  }
  return Invalid("invalid " + std::string(what) + " " + QuoteForMessage(value));
}

Status CheckLabel(std::string_view what, std::string_view value) {
  const bool ok = !value.empty() && value.size() <= kMaxNameLength &&
                  std::none_of(value.begin(), value.end(), IsControl);
  if (ok) {
    return OkStatus();
  }
  return Invalid("invalid " + std::string(what) + " " + QuoteForMessage(value));
}

Status CheckPackageRow(const PackageRow& row) {
  if (!row.org_uid.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("package org_uid", row.org_uid));
  }
  APKD_RETURN_IF_ERROR(CheckPathToken("package name", row.name));
  APKD_RETURN_IF_ERROR(CheckPathToken("package version", row.version));
  APKD_RETURN_IF_ERROR(CheckPathToken("package arch", row.arch));
  APKD_RETURN_IF_ERROR(CheckLabel("package checksum", row.checksum));
  if (row.size > static_cast<uint64_t>(INT64_MAX)) {
    return Invalid("package size out of range");
  }
  if (!IsValidBlobKey(row.blob_key)) {
    return Invalid("invalid package blob key (want 64 lowercase hex digits)");
  }
  return OkStatus();
}

namespace {

// The policy fields of assumable identities (and their bounds, which apply to every kind).
Status CheckIdentityPolicy(const Identity& identity) {
  if (identity.kind == IdentityKind::kAssumable) {
    APKD_RETURN_IF_ERROR(CheckLabel("identity issuer", identity.issuer));
    if (identity.subject.empty() && identity.subject_pattern.empty()) {
      return Invalid("an assumable identity needs a subject or a subject pattern");
    }
  }
  for (const std::string* field : {&identity.issuer, &identity.subject, &identity.subject_pattern,
                                   &identity.audience, &identity.audience_pattern}) {
    if (field->size() > kMaxIdentityPolicyLength) {
      return Invalid("identity issuer, subject, audience and patterns are at most " +
                     std::to_string(kMaxIdentityPolicyLength) + " bytes");
    }
  }
  if (identity.claim_patterns.size() > kMaxClaimPatternsLength ||
      identity.issuer_keys.size() > kMaxIssuerKeysLength) {
    return Invalid("identity claim patterns or issuer keys are too large");
  }
  return OkStatus();
}

}  // namespace

Status CheckIdentity(const Identity& identity) {
  if (!identity.id.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("identity id", identity.id));
  }
  if (!identity.org_uid.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("identity org_uid", identity.org_uid));
  }
  APKD_RETURN_IF_ERROR(CheckLabel("identity name", identity.name));
  return CheckIdentityPolicy(identity);
}

Status CheckSigningKey(const SigningKeyRow& key) {
  if (!key.org_uid.empty()) {
    APKD_RETURN_IF_ERROR(CheckUid("signing key org_uid", key.org_uid));
  }
  APKD_RETURN_IF_ERROR(CheckPathToken("signing key name", key.key_name));
  if (key.public_pem.empty()) {
    return Invalid("signing key " + QuoteForMessage(key.key_name) + " has no public key");
  }
  return OkStatus();
}

Status CheckCustomRole(const CustomRole& role) {
  APKD_RETURN_IF_ERROR(CheckUid("role org_uid", role.org_uid));
  APKD_RETURN_IF_ERROR(CheckPathToken("role name", role.name));
  return CheckLabel("role capabilities", role.capabilities);
}

Status CheckImage(const Image& image) {
  APKD_RETURN_IF_ERROR(CheckPathToken("image name", image.name));
  for (const std::string& name : image.packages) {
    APKD_RETURN_IF_ERROR(CheckPathToken("package name", name));
  }
  return OkStatus();
}

Status CheckRoleBinding(const RoleBinding& binding) {
  APKD_RETURN_IF_ERROR(CheckUid("role binding id", binding.id));
  APKD_RETURN_IF_ERROR(CheckUid("identity id", binding.identity_id));
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", binding.org_uid));
  return CheckPathToken("role name", binding.role);
}

std::vector<std::string> SortedUnique(std::span<const std::string> values) {
  std::vector<std::string> out(values.begin(), values.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace apkd::storage
