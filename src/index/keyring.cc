#include "index/keyring.h"

#include "util/file_io.h"

namespace apkd::index {

Status Keyring::Add(std::string key_name, std::string_view pem) {
  auto key = crypto::PublicKey::FromPem(pem);
  if (!key.ok()) {
    return key.error().WithContext("key " + key_name);
  }
  Add(std::move(key_name), std::move(*key));
  return OkStatus();
}

void Keyring::Add(std::string key_name, crypto::PublicKey key) {
  keys_.insert_or_assign(std::move(key_name), std::move(key));
}

Result<Keyring> Keyring::LoadDirectory(const std::string& dir) {
  APKD_ASSIGN_OR_RETURN(const std::vector<std::string> names, ListFiles(dir));
  Keyring keyring;
  constexpr uint64_t kMaxKeyFileBytes = 64 * 1024;
  for (const std::string& name : names) {
    auto pem = ReadFile(dir + "/" + name, kMaxKeyFileBytes);
    // The folder may hold other files (a private key beside its public half, say); only PEM
    // public-key blocks are keys.
    if (!pem.ok() || pem->find("PUBLIC KEY-----") == std::string::npos) {
      continue;
    }
    APKD_RETURN_IF_ERROR(keyring.Add(name, *pem));
  }
  return keyring;
}

const crypto::PublicKey* Keyring::Find(std::string_view key_name) const {
  const auto it = keys_.find(key_name);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> Keyring::Names() const {
  std::vector<std::string> names;
  names.reserve(keys_.size());
  for (const auto& [name, key] : keys_) {
    names.push_back(name);
  }
  return names;
}

}  // namespace apkd::index
