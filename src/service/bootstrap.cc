#include "service/bootstrap.h"

#include "crypto/digest.h"
#include "service/authorizer.h"
#include "util/encoding.h"

namespace apkd::service {
namespace {
constexpr size_t kIdentityIdBytes = 16;
}  // namespace

Result<BootstrapResult> Bootstrap(storage::MetadataStore& store, int64_t now) {
  auto existing = store.GetSetting(kBootstrapOwnerSetting);
  if (existing.ok()) {
    return BootstrapResult{.identity_id = *existing, .secret = std::nullopt};
  }
  if (existing.error().code() != ErrorCode::kNotFound) {
    return existing.error();
  }
  const std::string id = HexEncode(crypto::RandomBytes(kIdentityIdBytes));
  std::string secret = MakeIdentitySecret(id);
  APKD_ASSIGN_OR_RETURN(auto identity, store.CreateIdentity(storage::Identity{
                                           .id = id,
                                           .kind = storage::IdentityKind::kUser,
                                           .name = "admin",
                                           .secret_hash = HashSecret(secret),
                                           .created_at = now,
                                       }));
  APKD_RETURN_IF_ERROR(store.SetSetting(kBootstrapOwnerSetting, identity.id));
  return BootstrapResult{.identity_id = identity.id, .secret = std::move(secret)};
}

}  // namespace apkd::service
