#include "crypto/openssl_util.h"

#include <climits>
#include <string>

namespace apkd::crypto::internal {

Error InternalError(std::string_view what) {
  return MakeError(ErrorCode::kInternal,
                   std::string(what) + " failed (" + TakeOpenSslReason() + ")");
}

Status CheckPemSize(std::string_view pem, size_t max_bytes, std::string_view kind) {
  if (pem.size() > max_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "PEM input is " + std::to_string(pem.size()) + " bytes, more than the " +
                         std::to_string(max_bytes) + " accepted for " + std::string(kind));
  }
  return OkStatus();
}

BioPtr ReadBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<std::string> DrainBio(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  if (out.size() > INT_MAX) {
    return MakeError(ErrorCode::kInternal, "PEM output too large");
  }
  const int n = BIO_read(bio, out.data(), static_cast<int>(out.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) {
    return InternalError("reading PEM output");
  }
  return out;
}

int RefusePassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* userdata) {
  *static_cast<bool*>(userdata) = true;
  return -1;
}

}  // namespace apkd::crypto::internal
