#include "storage/records.h"

namespace apkd::storage {

std::string_view KeyStateName(KeyState state) {
  switch (state) {
    case KeyState::kActive:
      return "active";
    case KeyState::kRetiring:
      return "retiring";
    case KeyState::kRetired:
      return "retired";
  }
  return "active";
}

std::optional<KeyState> ParseKeyState(std::string_view name) {
  for (const KeyState state : {KeyState::kActive, KeyState::kRetiring, KeyState::kRetired}) {
    if (KeyStateName(state) == name) {
      return state;
    }
  }
  return std::nullopt;
}

std::string_view IdentityKindName(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::kUser:
      return "user";
    case IdentityKind::kPullToken:
      return "pull_token";
    case IdentityKind::kAssumable:
      return "assumable";
  }
  return "user";
}

std::optional<IdentityKind> ParseIdentityKind(std::string_view name) {
  for (const IdentityKind kind :
       {IdentityKind::kUser, IdentityKind::kPullToken, IdentityKind::kAssumable}) {
    if (IdentityKindName(kind) == name) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string_view AuditKindName(AuditKind kind) {
  switch (kind) {
    case AuditKind::kDownload:
      return "download";
    case AuditKind::kDenied:
      return "denied";
    case AuditKind::kAdmin:
      return "admin";
  }
  return "admin";
}

std::optional<AuditKind> ParseAuditKind(std::string_view name) {
  for (const AuditKind kind : {AuditKind::kDownload, AuditKind::kDenied, AuditKind::kAdmin}) {
    if (AuditKindName(kind) == name) {
      return kind;
    }
  }
  return std::nullopt;
}

}  // namespace apkd::storage
