// Trusted public keys by key file name, as in /etc/apk/keys: signatures name their key by that
// file name, and only a key present under exactly that name can verify them. Read-only after
// loading, so safe to share between threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/rsa_key.h"
#include "util/result.h"

namespace apkd::index {

class Keyring {
 public:
  Status Add(std::string key_name, std::string_view pem);
  void Add(std::string key_name, crypto::PublicKey key);
  // Every file in `dir` holding a PEM public-key block; one that does not parse is an error.
  static Result<Keyring> LoadDirectory(const std::string& dir);

  const crypto::PublicKey* Find(std::string_view key_name) const;
  std::vector<std::string> Names() const;
  bool empty() const { return keys_.empty(); }

 private:
  std::map<std::string, crypto::PublicKey, std::less<>> keys_;
};

}  // namespace apkd::index
