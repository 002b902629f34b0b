#include "service/record_set_hash.h"

#include <cstring>

#include "crypto/hmac.h"
#include "util/encoding.h"

namespace apkd::service {

void RecordSetHash::Flip(std::string_view identity, std::string_view checksum) {
  // Length-prefixed, so that no two (identity, checksum) pairs give the same HMAC input.
  std::string input;
  const uint64_t size = identity.size();
  input.append(reinterpret_cast<const char*>(&size), sizeof size);
  input.append(identity).append(checksum);
  const std::string mac = crypto::HmacSha256(key_, input);
  for (size_t i = 0; i < xor_.size() && i < mac.size(); ++i) {
    xor_[i] ^= static_cast<uint8_t>(mac[i]);
  }
}

void RecordSetHash::Add(std::string_view identity, std::string_view checksum) {
  Flip(identity, checksum);
  ++count_;
}

void RecordSetHash::Remove(std::string_view identity, std::string_view checksum) {
  Flip(identity, checksum);
  --count_;
}

std::string RecordSetHash::Value() const {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(xor_.data()), xor_.size())) +
         "/" + std::to_string(count_);
}

}  // namespace apkd::service
