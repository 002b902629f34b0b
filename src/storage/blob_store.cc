#include "storage/blob_store.h"

#include <utility>

#include <unistd.h>

#include "crypto/digest.h"
#include "util/encoding.h"

namespace apkd::storage {

bool IsValidBlobKey(std::string_view key) {
  if (key.size() != kBlobKeyLength) {
    return false;
  }
  for (const char c : key) {
    const bool is_digit = c >= '0' && c <= '9';
    const bool is_lower_hex = c >= 'a' && c <= 'f';
    if (!is_digit && !is_lower_hex) {
      return false;
    }
  }
  return true;
}

Status CheckBlobKey(std::string_view key) {
  if (IsValidBlobKey(key)) {
    return OkStatus();
  }
  // The key is not quoted: it may be hostile input (a path) and is useless in a log anyway.
  return MakeError(ErrorCode::kInvalidArgument,
                   "invalid blob key (want 64 lowercase hex digits, got " +
                       std::to_string(key.size()) + " bytes)");
}

std::string BlobKeyOf(std::string_view bytes) { return HexEncode(crypto::Sha256(bytes)); }

BlobHandle::BlobHandle(BlobHandle&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(std::exchange(other.size_, 0)) {}

BlobHandle& BlobHandle::operator=(BlobHandle&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

BlobHandle::~BlobHandle() { Close(); }

int BlobHandle::Release() { return std::exchange(fd_, -1); }

void BlobHandle::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

}  // namespace apkd::storage
