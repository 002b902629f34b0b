#include "integration/serve_harness.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>

#include "crypto/signer.h"
#include "format/package_writer.h"
#include "support/package_parts.h"
#include "support/run_command.h"

namespace apkd::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace

std::string PythonScript(const std::string& name) {
  return Python3() + " " + ShellQuote(std::string(APKD_TEST_SCRIPTS_DIR) + "/" + name);
}

std::string ServeClient::Url(const std::string& path) const {
  return ShellQuote(server_.base() + path);
}

std::string ServeClient::TokenFor(const std::string& secret, const std::string& audience) const {
  auto r = Call(secret, "POST", "/api/v1/auth/token", "{\"audience\":\"" + audience + "\"}");
  return r.status == 200 ? JsonField(r.body, "token") : "";
}

HttpResult ServeClient::Call(const std::string& token, const std::string& method,
                             const std::string& path, const std::string& body) const {
  std::string args = CurlBasicAuth(token) + " -X " + method;
  if (!body.empty()) {
    args += " -d " + ShellQuote(body);
  }
  return Curl(args + " " + Url(path));
}

HttpResult ServeClient::Upload(const std::string& token, const std::string& path,
                               const std::string& file) const {
  return Curl(CurlBasicAuth(token) + " -H 'Content-Type: application/octet-stream'" +
              " --data-binary @" + ShellQuote(file) + " " + Url(path));
}

int ServeClient::Download(const std::string& token, const std::string& path,
                          const std::string& out_file) const {
  return Curl(CurlBasicAuth(token) + " -o " + ShellQuote(out_file) + " " + Url(path)).status;
}

std::vector<int> ServeClient::DownloadAll(
    const std::string& token, const std::vector<std::pair<std::string, std::string>>& files) const {
  std::vector<int> statuses;
  if (files.empty()) {
    return statuses;
  }
  std::string command = "curl -s " + CurlBasicAuth(token) + " -w '%{http_code}\\n'";
  for (const auto& [path, out] : files) {
    command += " -o " + ShellQuote(out) + " " + Url(path);
  }
  for (const auto& line : Lines(RunCommand(command).output)) {
    statuses.push_back(std::atoi(line.c_str()));
  }
  return statuses;
}

FullResponse ServeClient::WithHeaders(const std::string& token, const std::string& path,
                                      const std::string& extra_args) const {
  const std::string auth = token.empty() ? "" : CurlBasicAuth(token) + " ";
  const std::string raw = RunCommand("curl -s -i " + auth + extra_args + " " + Url(path)).output;
  FullResponse response;
  const size_t end = raw.find("\r\n\r\n");
  response.headers = raw.substr(0, end);
  response.body = end == std::string::npos ? "" : raw.substr(end + 4);
  const size_t space = raw.find(' ');
  if (raw.starts_with("HTTP/") && space != std::string::npos) {
    response.status = std::atoi(raw.c_str() + space + 1);
  }
  return response;
}

std::string WriteTestApk(const TempDir& dir, const std::string& name, const std::string& version,
                         const std::string& arch, const std::string& payload) {
  const crypto::LocalSigner signer("test.rsa.pub", TestKey());
  format::PkgInfo info;
  info.name = name;
  info.version = version;
  info.arch = arch;
  info.description = "test " + name;
  format::PackageFile file;
  file.path = "usr/share/" + name + "/version";
  file.content = version;
  std::vector<format::PackageFile> files = {file};
  if (!payload.empty()) {
    format::PackageFile extra;
    extra.path = "usr/share/" + name + "/payload";
    extra.content = payload;
    files.push_back(std::move(extra));
  }
  auto bytes = format::BuildPackage(info, std::move(files), &signer);
  EXPECT_TRUE(bytes.ok());
  return dir.Write(name + "-" + version + "." + arch + ".apk", bytes.ok() ? *bytes : "");
}

std::vector<IndexedPackage> ParseIndexText(const std::string& text) {
  std::vector<IndexedPackage> records;
  IndexedPackage current;
  bool open = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      if (open) {
        records.push_back(current);
      }
      current = IndexedPackage{};
      open = false;
      continue;
    }
    open = true;
    const std::string value = line.size() > 2 ? line.substr(2) : "";
    switch (line[0]) {
      case 'P':
        current.name = value;
        break;
      case 'V':
        current.version = value;
        break;
      case 'A':
        current.arch = value;
        break;
      case 'C':
        current.checksum = value;
        break;
      case 'S':
        current.size = value;
        break;
      default:
        break;
    }
  }
  if (open) {
    records.push_back(current);
  }
  return records;
}

std::vector<std::string> TarNames(const std::string& targz_file) {
  return Lines(RunCommand("tar tzf " + ShellQuote(targz_file) + " 2>/dev/null").output);
}

std::string TarEntryBody(const std::string& targz_file, const std::string& name) {
  return RunCommand("tar xzOf " + ShellQuote(targz_file) + " " + ShellQuote(name) + " 2>/dev/null")
      .output;
}

std::string VerifyIndexSignature(const TempDir& work, const std::string& index_file,
                                 const std::string& key_name, const std::string& pem_file) {
  const std::string members = work.File("members-" + key_name);
  RunCommand("rm -rf " + ShellQuote(members) + " && mkdir -p " + ShellQuote(members));
  const std::string count = RunCommand(PythonScript("split_gzip.py") + " " +
                                       ShellQuote(index_file) + " " + ShellQuote(members))
                                .output;
  const int last = std::atoi(count.c_str()) - 1;
  if (last < 1) {
    return "the index does not have a signature member and a data member: " + count;
  }
  const std::string signature = members + "/signature";
  RunCommand("tar xzOf " + ShellQuote(index_file) + " " + ShellQuote(".SIGN.RSA256." + key_name) +
             " > " + ShellQuote(signature) + " 2>/dev/null");
  return RunCommand("openssl dgst -sha256 -verify " + ShellQuote(pem_file) + " -signature " +
                    ShellQuote(signature) + " " +
                    ShellQuote(members + "/member" + std::to_string(last) + ".gz"))
      .output;
}

std::string ApkIdentity(const std::string& apk_file) {
  auto r = RunCommand(PythonScript("apk_checksum.py") + " " + ShellQuote(apk_file));
  return r.exit_code == 0 ? r.output.substr(0, r.output.find('\n')) : "";
}

std::vector<std::string> ApkIdentities(const std::vector<std::string>& apk_files) {
  std::string command = PythonScript("apk_checksum.py");
  for (const auto& file : apk_files) {
    command += " " + ShellQuote(file);
  }
  auto r = RunCommand(command);
  return r.exit_code == 0 ? Lines(r.output) : std::vector<std::string>{};
}

std::vector<std::string> JsonListField(const std::string& json, const std::string& list,
                                       const std::string& field) {
  const std::string script = "import json,sys\nfor item in json.load(sys.stdin)[sys.argv[1]]:\n" +
                             std::string("    print(item[sys.argv[2]])\n");
  auto r =
      RunCommand("printf %s " + ShellQuote(json) + " | " + Python3() + " -c " + ShellQuote(script) +
                 " " + ShellQuote(list) + " " + ShellQuote(field) + " 2>/dev/null");
  return r.exit_code == 0 ? Lines(r.output) : std::vector<std::string>{};
}

std::vector<std::string> TreeEntries(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> entries;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    entries.push_back(std::filesystem::relative(it->path(), dir).string());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

}  // namespace apkd::testing
