// A hash of a set of index records that is updated in O(1) per added or removed record, so
// that an index changed by one publish does not rehash 150,000 records to find out whether
// another org already has the same built data member. It is the XOR of HMAC-SHA256(key, record
// identity) over the set, under a random key that never leaves the process: without the key
// nobody can choose records whose values cancel out, which is what makes a plain XOR of hashes
// unsafe (two orgs must never share a data member unless their sets are equal). Not
// thread-safe; one owner.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace apkd::service {

class RecordSetHash {
 public:
  // `key` is the secret HMAC key shared by every set that may be compared.
  explicit RecordSetHash(std::string_view key) : key_(key) {}

  // `identity` names the record within its index (name, version, arch); `checksum` is its
  // content. Remove must be given exactly what Add was.
  void Add(std::string_view identity, std::string_view checksum);
  void Remove(std::string_view identity, std::string_view checksum);
  // Hex of the XOR and the element count.
  std::string Value() const;

 private:
  void Flip(std::string_view identity, std::string_view checksum);

  std::string key_;
  std::array<uint8_t, 32> xor_{};
  uint64_t count_ = 0;
};

}  // namespace apkd::service
