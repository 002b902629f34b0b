// Message digests (SHA-1, SHA-256, SHA-512) as one-shot functions and as an incremental Hasher.
// Outputs are raw digest bytes; use util/encoding.h for hex or base64. Hasher is not thread-safe;
// the free functions are.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace apkd::crypto {

enum class DigestAlgorithm { kSha1, kSha256, kSha512 };

size_t DigestSize(DigestAlgorithm algorithm);

std::string Digest(DigestAlgorithm algorithm, std::string_view data);
inline std::string Sha1(std::string_view data) { return Digest(DigestAlgorithm::kSha1, data); }
inline std::string Sha256(std::string_view data) { return Digest(DigestAlgorithm::kSha256, data); }
inline std::string Sha512(std::string_view data) { return Digest(DigestAlgorithm::kSha512, data); }

// Incremental digest for data that arrives in pieces (streamed uploads, tar bodies).
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  ~Hasher();

  void Update(std::string_view data);
  // Returns the digest and resets the hasher for reuse.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Cryptographically secure random bytes (OpenSSL's DRBG).
std::string RandomBytes(size_t count);

}  // namespace apkd::crypto
