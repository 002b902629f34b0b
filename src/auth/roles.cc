#include "auth/roles.h"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "auth/capability.h"
#include "util/result.h"

namespace apkd::auth {
namespace {

constexpr size_t kMaxRoleNameLength = 64;

bool IsRoleNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsRoleNameChar(char c) { return IsRoleNameStart(c) || c == '.' || c == '_' || c == '-'; }

const std::array<Role, 6>& BuiltinRoleTable() {
  static const std::array<Role, 6> table = {
      Role{std::string(kOwnerRole), kOwnerCapabilities, true},
      Role{std::string(kEditorRole), kEditorCapabilities, true},
      Role{std::string(kViewerRole), kViewerCapabilities, true},
      Role{std::string(kConsoleViewerRole), kConsoleViewerCapabilities, true},
      Role{std::string(kPullTokenCreatorRole), kPullTokenCreatorCapabilities, true},
      Role{std::string(kApkPullRole), kApkPullCapabilities, true},
  };
  return table;
}

}  // namespace

std::span<const Role> BuiltinRoles() { return BuiltinRoleTable(); }

const Role* FindBuiltinRole(std::string_view name) {
  for (const Role& role : BuiltinRoleTable()) {
    if (role.name == name) {
      return &role;
    }
  }
  return nullptr;
}

Status ValidateCustomRoleName(std::string_view name) {
  if (name.empty() || name.size() > kMaxRoleNameLength) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "a role name is 1 to " + std::to_string(kMaxRoleNameLength) + " characters long");
  }
  if (!IsRoleNameStart(name.front())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a role name starts with a lowercase letter or a digit");
  }
  for (const char c : name) {
    if (!IsRoleNameChar(c)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a role name uses only lowercase letters, digits, '.', '_' and '-'");
    }
  }
  if (IsBuiltinRoleName(name)) {
    return MakeError(ErrorCode::kAlreadyExists, "\"" + std::string(name) + "\" is a built-in role");
  }
  return OkStatus();
}

Result<Role> MakeCustomRole(std::string name, CapabilitySet capabilities) {
  APKD_RETURN_IF_ERROR(ValidateCustomRoleName(name));
  return Role{std::move(name), capabilities, false};
}

}  // namespace apkd::auth
