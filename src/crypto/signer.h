// Signer: whatever holds a signing key, seen only through "sign these bytes as <key name>".
// LocalSigner keeps an RSA key in memory; a KMS- or HSM-backed signer can take its place.
// Implementations must be safe to call from several threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "crypto/rsa_key.h"
#include "util/result.h"

namespace apkd::crypto {

class Signer {
 public:
  virtual ~Signer() = default;
  // The key file name clients look up, e.g. "acme-3f2a….rsa.pub".
  virtual const std::string& key_name() const = 0;
  virtual const PublicKey& public_key() const = 0;
  virtual Result<std::string> Sign(DigestAlgorithm algorithm, std::string_view data) const = 0;
};

class LocalSigner final : public Signer {
 public:
  LocalSigner(std::string key_name, PrivateKey key)
      : key_name_(std::move(key_name)), key_(std::move(key)), public_key_(key_.GetPublicKey()) {}

  const std::string& key_name() const override { return key_name_; }
  const PublicKey& public_key() const override { return public_key_; }
  Result<std::string> Sign(DigestAlgorithm algorithm, std::string_view data) const override {
    return key_.Sign(algorithm, data);
  }

 private:
  std::string key_name_;
  PrivateKey key_;
  PublicKey public_key_;
};

}  // namespace apkd::crypto
