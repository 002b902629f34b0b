// Bootstrap: on the first start (no bootstrap owner yet) creates the owner identity (a user
// called "admin") that owns every org, and returns its long-lived secret, to be shown once.
// Only the secret's hash is stored. Later starts return nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/metadata_store.h"
#include "util/result.h"

namespace apkd::service {

struct BootstrapResult {
  std::string identity_id;
  std::optional<std::string> secret;  // only on the start that created the owner
};

Result<BootstrapResult> Bootstrap(storage::MetadataStore& store, int64_t now);

}  // namespace apkd::service
