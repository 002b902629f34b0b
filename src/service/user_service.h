// UserService: people with a user name and a password (Argon2id, crypto/password_hash.h). A user
// is an identity of kind kUser that belongs to no org; what it may do comes from role bindings,
// like any identity. Login checks the password under LoginThrottle (per user and per source
// address) and answers for an unknown name exactly as for a wrong password, after the same
// amount of hashing work, so that user names cannot be probed. Password hashing is slow on
// purpose: call Create and Login off the HTTP event loop. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "service/login_throttle.h"
#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

enum class LoginOutcome { kOk, kWrongCredentials, kThrottled };

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::kWrongCredentials;
  storage::Identity user;             // kOk; secret_hash cleared
  std::chrono::milliseconds wait{0};  // kWrongCredentials: hold the answer; kThrottled: retry after
};

class UserService {
 public:
  UserService(storage::MetadataStore& store, LoginThrottle& throttle);

  // kAlreadyExists for a taken name; kInvalidArgument for a bad name or password (never quoted).
  Result<storage::Identity> Create(std::string_view name, std::string_view password, int64_t now);
  Result<std::vector<storage::Identity>> List();  // secret hashes cleared
  Status Delete(std::string_view id);             // kNotFound unless `id` is a user
  LoginResult Login(std::string_view name, std::string_view password,
                    std::string_view source_address);

 private:
  storage::MetadataStore& store_;
  LoginThrottle& throttle_;
};

}  // namespace apkd::service
