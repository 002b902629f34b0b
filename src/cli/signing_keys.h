// Loading signing keys for the offline tools. A private key file `DIR/NAME.rsa` signs as key
// name `NAME.rsa.pub`, the file clients keep in /etc/apk/keys (abuild's convention).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/signer.h"
#include "util/result.h"

namespace apkd::cli {

Result<std::unique_ptr<crypto::LocalSigner>> LoadSigner(const std::string& private_key_path);

// Owns several signers and offers them as the pointer list the index builder takes.
struct SignerSet {
  std::vector<std::unique_ptr<crypto::LocalSigner>> owned;
  std::vector<const crypto::Signer*> view;
};
Result<SignerSet> LoadSigners(const std::vector<std::string>& private_key_paths);

}  // namespace apkd::cli
