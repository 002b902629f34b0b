// One package's record in an APKINDEX (apk-protocol §2.4): the value type everything that lists
// packages passes around. Field names follow the index letters' meanings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace apkd::format {

struct IndexRecord {
  std::string checksum;  // C: "Q1" + base64(SHA-1 of the control member)
  std::string name;      // P:
  std::string version;   // V:
  std::string arch;      // A:
  uint64_t size = 0;     // S: .apk file size
  uint64_t installed_size = 0;  // I:
  std::string description;      // T:
  std::string url;              // U:
  std::string license;          // L:
  std::string origin;           // o:
  std::string maintainer;       // m:
  std::optional<int64_t> build_time;  // t: (melange and apko write t:0 when unknown)
  std::string commit;                 // c:
  int64_t provider_priority = 0;      // k: (written only when non-zero)
  std::vector<std::string> depends;     // D:
  std::vector<std::string> provides;    // p:
  std::vector<std::string> install_if;  // i:
  // Letters we do not know, kept so that a parse reports them (a writer never emits them).
  std::vector<std::pair<char, std::string>> unknown_fields;

  bool operator==(const IndexRecord&) const = default;
};

}  // namespace apkd::format
