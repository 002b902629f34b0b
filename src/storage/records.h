// Plain records kept by the MetadataStore: organizations, images, entitlements, package rows,
// signing keys, identities, roles, role bindings, audit events and settings. Aggregates with
// defaulted ==, no behaviour, no I/O; safe to copy between threads. Times are whole seconds
// since the Unix epoch. An empty org_uid means "no org" (catalog packages, shared keys, users).
// Every field has an initializer, so designated initializers may leave any of them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apkd::storage {

// A tenant. `uid` is 32 lowercase hex digits, random, stable; `name` is unique and is never
// itself a valid uid, so FindOrg(name_or_uid) is unambiguous.
struct Org {
  std::string uid{};
  std::string name{};
  int64_t created_at = 0;

  bool operator==(const Org&) const = default;
};

// A named set of package names. Stores keep `packages` sorted and without duplicates.
struct Image {
  std::string name{};
  std::vector<std::string> packages{};

  bool operator==(const Image&) const = default;
};

struct Entitlement {
  std::string org_uid{};
  std::string image{};

  bool operator==(const Entitlement&) const = default;
};

// One published package. (org_uid, name, version, arch) is unique. An empty org_uid is the
// catalog (visible through images and the base set); a non-empty one is private to that org.
struct PackageRow {
  int64_t id = 0;         // assigned by the store, never reused
  std::string org_uid{};  // "" = catalog
  std::string name{};
  std::string version{};
  std::string arch{};         // as in .PKGINFO; "noarch" is visible in every arch
  std::string checksum{};     // the APKINDEX C: field ("Q1…")
  uint64_t size = 0;          // bytes of the .apk
  std::string blob_key{};     // BlobStore content key (hex SHA-256)
  std::string record_text{};  // the APKINDEX record lines, arch field as published
  int64_t published_at = 0;

  bool operator==(const PackageRow&) const = default;
};

enum class KeyState { kActive, kRetiring, kRetired };

// An index signing key. `org_uid` "" = shared by every org. Holds private key material: never
// log it; stores never put it in error messages.
struct SigningKeyRow {
  std::string org_uid{};
  std::string key_name{};  // e.g. "acme-<64 hex>.rsa.pub"
  std::string private_pem{};
  std::string public_pem{};
  KeyState state = KeyState::kActive;
  int64_t created_at = 0;

  bool operator==(const SigningKeyRow&) const = default;
};

enum class IdentityKind { kUser, kPullToken, kAssumable };

// Who calls. `id` is 32 lowercase hex (generated when created empty). User names are unique
// among users. `secret_hash` is a password hash (users) or token hash (pull tokens), never the
// secret itself. `expires_at` 0 = never. Assumable identities accept external OIDC tokens from
// `issuer` whose sub is `subject` (or matches `subject_pattern`) and whose aud contains
// `audience` (or an element matching `audience_pattern`); the auth layer interprets the
// patterns, `claim_patterns` and `issuer_keys`, the store keeps them verbatim.
struct Identity {
  std::string id{};
  IdentityKind kind = IdentityKind::kUser;
  std::string name{};
  std::string org_uid{};  // "" = not tied to an org (users)
  std::string secret_hash{};
  std::string issuer{};            // assumable: trusted OIDC issuer
  std::string subject{};           // assumable: exact subject
  std::string subject_pattern{};   // assumable: subject regular expression
  std::string audience_pattern{};  // assumable: audience regular expression
  std::string audience{};          // assumable: exact audience
  std::string claim_patterns{};    // assumable: JSON object {"claim":"regex",…}; "" = none
  std::string issuer_keys{};       // assumable: the issuer's JWKS (JSON); "" = discover it
  int64_t expires_at = 0;
  int64_t created_at = 0;

  bool operator==(const Identity&) const = default;
};

// An org-defined role. `capabilities` is a comma-separated list of capability names; the auth
// layer parses it, the store keeps it verbatim.
struct CustomRole {
  std::string org_uid{};
  std::string name{};
  std::string capabilities{};

  bool operator==(const CustomRole&) const = default;
};

// identity × role × org. `id` is 32 lowercase hex (generated when created empty).
struct RoleBinding {
  std::string id{};
  std::string identity_id{};
  std::string role{};
  std::string org_uid{};
  int64_t created_at = 0;

  bool operator==(const RoleBinding&) const = default;
};

enum class AuditKind { kDownload, kDenied, kAdmin };

struct AuditEvent {
  int64_t id = 0;  // assigned by the store, increasing
  int64_t time = 0;
  AuditKind kind = AuditKind::kDownload;
  std::string identity_id{};
  std::string org_uid{};
  std::string package{};
  std::string version{};
  std::string arch{};
  std::string source_address{};
  std::string user_agent{};
  std::string detail{};

  bool operator==(const AuditEvent&) const = default;
};

struct Setting {
  std::string key{};
  std::string value{};

  bool operator==(const Setting&) const = default;
};

// Stable lowercase names, as stored ("active", "pull_token", "download", ...).
std::string_view KeyStateName(KeyState state);
std::optional<KeyState> ParseKeyState(std::string_view name);
std::string_view IdentityKindName(IdentityKind kind);
std::optional<IdentityKind> ParseIdentityKind(std::string_view name);
std::string_view AuditKindName(AuditKind kind);
std::optional<AuditKind> ParseAuditKind(std::string_view name);

}  // namespace apkd::storage
