// Shared by the suites that drive the real `apkd serve` (serve_*_test.cc): a curl client bound
// to one ApkdProcess, and independent checkers for what apkd serves: GNU tar (index listings),
// openssl (index signatures), Python's zlib/hashlib/json (split_gzip.py, apk_checksum.py,
// jwt_mint.py). None of them uses the project's parsers; project code only builds inputs
// (WriteTestApk). Single-threaded, like the tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "support/apkd_process.h"
#include "support/temp_dir.h"

namespace apkd::testing {

// A response with its header block (curl -i).
struct FullResponse {
  int status = 0;
  std::string headers;  // status line and header lines, CRLF as received
  std::string body;
};

class ServeClient {
 public:
  // `server` must outlive this; its port is read on every call, so restarts are fine.
  explicit ServeClient(const ApkdProcess& server) : server_(server) {}

  // The absolute URL of `path`, shell-quoted for curl.
  std::string Url(const std::string& path) const;
  // Exchanges `secret` (or a token) for a session token; "" unless the server answers 200.
  std::string TokenFor(const std::string& secret, const std::string& audience = kTestHost) const;
  // A request with a JSON (or empty) body.
  HttpResult Call(const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") const;
  // POST the bytes of `file` (a package) to `path`.
  HttpResult Upload(const std::string& token, const std::string& path,
                    const std::string& file) const;
  // GET `path` into `out_file`; returns the status.
  int Download(const std::string& token, const std::string& path,
               const std::string& out_file) const;
  // GET each path into its file over one curl run (one connection); the statuses, in order.
  std::vector<int> DownloadAll(const std::string& token,
                               const std::vector<std::pair<std::string, std::string>>& files) const;
  // GET (or whatever `extra_args` say) with the response headers; `token` "" sends none.
  FullResponse WithHeaders(const std::string& token, const std::string& path,
                           const std::string& extra_args = "") const;

 private:
  const ApkdProcess& server_;
};

// A small signed package (one file, content = version, plus a file holding `payload` if that is
// not empty), written to `dir` as <name>-<version>.<arch>.apk; returns its path. Built with the
// project's package writer: an input, never a checker.
std::string WriteTestApk(const TempDir& dir, const std::string& name, const std::string& version,
                         const std::string& arch = "x86_64", const std::string& payload = "");

// One APKINDEX record as the test reads it (P:, V:, A:, C:, S:).
struct IndexedPackage {
  std::string name, version, arch, checksum, size;
};
// Records of an APKINDEX text: blank-line separated "X:value" lines.
std::vector<IndexedPackage> ParseIndexText(const std::string& text);

// GNU tar: entry names of a (multi-member) .tar.gz, and one entry's body.
std::vector<std::string> TarNames(const std::string& targz_file);
std::string TarEntryBody(const std::string& targz_file, const std::string& name);

// Checks the `.SIGN.RSA256.<key_name>` entry of an index with openssl against `pem_file`, over
// the raw bytes of the index's last gzip member (split by split_gzip.py). `work` holds scratch
// files. Returns openssl's output ("Verified OK" on success).
std::string VerifyIndexSignature(const TempDir& work, const std::string& index_file,
                                 const std::string& key_name, const std::string& pem_file);

// "Q1…" of an .apk, computed by apk_checksum.py; "" on failure.
std::string ApkIdentity(const std::string& apk_file);
// The same for several files in one run, in order; empty if any fails.
std::vector<std::string> ApkIdentities(const std::vector<std::string>& apk_files);

// `field` of every object in the top-level JSON array `list` (Python's json module).
std::vector<std::string> JsonListField(const std::string& json, const std::string& list,
                                       const std::string& field);

// Every file and directory under `dir`, recursively, as sorted relative paths (empty if `dir`
// does not exist).
std::vector<std::string> TreeEntries(const std::string& dir);

// A shell command prefix that runs the Python helper `name` beside the integration tests
// (jwt_mint.py, split_gzip.py, apk_checksum.py).
std::string PythonScript(const std::string& name);

}  // namespace apkd::testing
