#include "cli/signing_keys.h"

#include "util/file_io.h"

namespace apkd::cli {

Result<std::unique_ptr<crypto::LocalSigner>> LoadSigner(const std::string& private_key_path) {
  constexpr uint64_t kMaxKeyFileBytes = 64 * 1024;
  APKD_ASSIGN_OR_RETURN(const std::string pem, ReadFile(private_key_path, kMaxKeyFileBytes));
  auto key = crypto::PrivateKey::FromPem(pem);
  if (!key.ok()) {
    return key.error().WithContext(private_key_path);
  }
  const size_t slash = private_key_path.rfind('/');
  const std::string base =
      slash == std::string::npos ? private_key_path : private_key_path.substr(slash + 1);
  return std::make_unique<crypto::LocalSigner>(base + ".pub", std::move(*key));
}

Result<SignerSet> LoadSigners(const std::vector<std::string>& private_key_paths) {
  SignerSet set;
  for (const std::string& path : private_key_paths) {
    APKD_ASSIGN_OR_RETURN(auto signer, LoadSigner(path));
    set.view.push_back(signer.get());
    set.owned.push_back(std::move(signer));
  }
  return set;
}

}  // namespace apkd::cli
