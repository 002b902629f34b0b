#include "crypto/digest.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto/openssl_util.h"

namespace apkd::crypto {

using internal::EvpMd;
using internal::EvpMdCtxPtr;
using internal::FatalOpenSslError;
using internal::MutableBytes;

size_t DigestSize(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha1:
      return 20;
    case DigestAlgorithm::kSha256:
      return 32;
    case DigestAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

std::string Digest(DigestAlgorithm algorithm, std::string_view data) {
  std::string out(DigestSize(algorithm), '\0');
  unsigned int out_len = 0;
  if (EVP_Digest(data.data(), data.size(), MutableBytes(out), &out_len, EvpMd(algorithm),
                 nullptr) != 1 ||
      out_len != out.size()) {
    FatalOpenSslError("Digest");
  }
  return out;
}

struct Hasher::State {
  DigestAlgorithm algorithm;
  EvpMdCtxPtr ctx;
};

namespace {

void InitDigest(EVP_MD_CTX* ctx, DigestAlgorithm algorithm) {
  if (EVP_DigestInit_ex(ctx, EvpMd(algorithm), nullptr) != 1) {
    FatalOpenSslError("Hasher init");
  }
}

}  // namespace

Hasher::Hasher(DigestAlgorithm algorithm)
    : state_(std::make_unique<State>(State{algorithm, EvpMdCtxPtr(EVP_MD_CTX_new())})) {
  if (state_->ctx == nullptr) {
    FatalOpenSslError("Hasher allocation");
  }
  InitDigest(state_->ctx.get(), algorithm);
}

Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::Update(std::string_view data) {
  if (data.empty()) {
    return;
  }
  if (EVP_DigestUpdate(state_->ctx.get(), data.data(), data.size()) != 1) {
    FatalOpenSslError("Hasher update");
  }
}

std::string Hasher::Finish() {
  std::string out(DigestSize(state_->algorithm), '\0');
  unsigned int out_len = 0;
  if (EVP_DigestFinal_ex(state_->ctx.get(), MutableBytes(out), &out_len) != 1 ||
      out_len != out.size()) {
    FatalOpenSslError("Hasher finish");
  }
  InitDigest(state_->ctx.get(), state_->algorithm);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t count) {
  std::string out(count, '\0');
  size_t done = 0;
  while (done < count) {
    const size_t chunk = std::min<size_t>(count - done, INT_MAX);
    if (RAND_bytes(MutableBytes(out) + done, static_cast<int>(chunk)) != 1) {
      FatalOpenSslError("RandomBytes");
    }
    done += chunk;
  }
  return out;
}

}  // namespace apkd::crypto
