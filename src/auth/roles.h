// Roles: named capability sets. The built-in roles follow Chainguard's compositions
// (chainguard-dev/sdk proto/capabilities/roles.go, peers-and-chainguard.md §2.7) restricted to
// apkd's capabilities; custom roles are any (name, CapabilitySet) an owner defines. Pure data and
// functions, thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "auth/capability.h"
#include "util/result.h"

namespace apkd::auth {

struct Role {
  std::string name;
  CapabilitySet capabilities;
  bool is_builtin = false;

  bool operator==(const Role&) const = default;
};

inline constexpr std::string_view kOwnerRole = "owner";
inline constexpr std::string_view kEditorRole = "editor";
inline constexpr std::string_view kViewerRole = "viewer";
inline constexpr std::string_view kApkPullRole = "apk.pull";
inline constexpr std::string_view kConsoleViewerRole = "console_viewer";
inline constexpr std::string_view kPullTokenCreatorRole = "pull_token_creator";

// apk.pull: read the index and download packages (what `apk add` needs).
inline constexpr CapabilitySet kApkPullCapabilities = {
    Capability::kApkList, Capability::kApkBlobsGet, Capability::kGroupsList};

// console_viewer: every list capability and no download, so it can browse but not pull. Not
// audit.list: the audit log names who pulled what from which address, so only owners read it.
inline constexpr CapabilitySet kConsoleViewerCapabilities = {
    Capability::kApkList,   Capability::kGroupsList,       Capability::kIdentityList,
    Capability::kRolesList, Capability::kRoleBindingsList, Capability::kEntitlementsList};

// viewer: console_viewer plus apk.pull.
inline constexpr CapabilitySet kViewerCapabilities =
    kConsoleViewerCapabilities | kApkPullCapabilities;

// editor: viewer plus changes to the repository's contents (publish, update, withdraw), but
// nothing that grants access: no IAM writes and no entitlement edits. Chainguard's editor is
// "viewer + state changes that do not grant roles/permissions" (subscriptions, registry repos);
// package publishing is apkd's only such state, so the editor is the publisher.
inline constexpr CapabilitySet kEditorCapabilities =
    kViewerCapabilities |
    CapabilitySet{Capability::kApkCreate, Capability::kApkUpdate, Capability::kApkDelete};

// owner: everything, including IAM and entitlement writes and organization create/delete.
inline constexpr CapabilitySet kOwnerCapabilities = CapabilitySet::All();

// pull_token_creator (Chainguard's registry.pull_token_creator, APK part): creates pull-token
// identities and binds them, plus apk.pull. Lacks identity.list on purpose.
inline constexpr CapabilitySet kPullTokenCreatorCapabilities =
    kApkPullCapabilities | CapabilitySet{Capability::kRoleBindingsCreate,
                                         Capability::kIdentityCreate, Capability::kRolesList};

// All built-in roles, owner first, then in decreasing power.
std::span<const Role> BuiltinRoles();
// The built-in role called `name`, or nullptr.
const Role* FindBuiltinRole(std::string_view name);
inline bool IsBuiltinRoleName(std::string_view name) { return FindBuiltinRole(name) != nullptr; }

// Custom role names: 1–64 characters of [a-z0-9._-], starting with a letter or digit, and not
// the name of a built-in role. kInvalidArgument or kAlreadyExists otherwise.
Status ValidateCustomRoleName(std::string_view name);
Result<Role> MakeCustomRole(std::string name, CapabilitySet capabilities);

}  // namespace apkd::auth
