#include "service/user_service.h"

#include <utility>

#include "crypto/password_hash.h"

namespace apkd::service {
namespace {

constexpr size_t kMaxUserNameBytes = 128;

Status CheckUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a user name has 1 to 128 bytes");
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    if (!ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a user name uses letters, digits and . _ - @ + only");
    }
  }
  return OkStatus();
}

storage::Identity WithoutSecret(storage::Identity identity) {
  identity.secret_hash.clear();
  return identity;
}

// Verifying against this costs what verifying a real hash costs, so that an unknown user name
// takes as long to refuse as a wrong password.
const std::string& DecoyHash() {
  static const std::string hash = crypto::HashPassword("decoy password, never valid").value();
  return hash;
}

}  // namespace

UserService::UserService(storage::MetadataStore& store, LoginThrottle& throttle)
    : store_(store), throttle_(throttle) {}

Result<storage::Identity> UserService::Create(std::string_view name, std::string_view password,
                                              int64_t now) {
  APKD_RETURN_IF_ERROR(CheckUserName(name));
  if (store_.FindUser(name).ok()) {
    return MakeError(ErrorCode::kAlreadyExists, "a user named " + std::string(name) + " exists");
  }
  APKD_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password));
  APKD_ASSIGN_OR_RETURN(auto user, store_.CreateIdentity(storage::Identity{
                                       .kind = storage::IdentityKind::kUser,
                                       .name = std::string(name),
                                       .secret_hash = std::move(hash),
                                       .created_at = now,
                                   }));
  return WithoutSecret(std::move(user));
}

Result<std::vector<storage::Identity>> UserService::List() {
  APKD_ASSIGN_OR_RETURN(auto users,
                        store_.ListIdentities(storage::IdentityFilter{
                            .org_uid = std::string(), .kind = storage::IdentityKind::kUser}));
  for (auto& user : users) {
    user.secret_hash.clear();
  }
  return users;
}

Status UserService::Delete(std::string_view id) {
  auto identity = store_.GetIdentity(id);
  if (!identity.ok() || identity->kind != storage::IdentityKind::kUser) {
    return MakeError(ErrorCode::kNotFound, "no such user");
  }
  return store_.DeleteIdentity(id);
}

LoginResult UserService::Login(std::string_view name, std::string_view password,
                               std::string_view source_address) {
  LoginResult result;
  if (const auto wait = throttle_.RetryAfter(name, source_address); wait.count() > 0) {
    result.outcome = LoginOutcome::kThrottled;
    result.wait = wait;
    return result;
  }
  auto user = store_.FindUser(name);
  const bool known = user.ok() && user->kind == storage::IdentityKind::kUser;
  const bool matches = crypto::VerifyPassword(known ? user->secret_hash : DecoyHash(), password);
  if (!known || !matches) {
    result.outcome = LoginOutcome::kWrongCredentials;
    result.wait = throttle_.RecordFailure(name, source_address);
    return result;
  }
  throttle_.RecordSuccess(name);
  result.outcome = LoginOutcome::kOk;
  result.user = WithoutSecret(std::move(user).value());
  return result;
}

}  // namespace apkd::service
