// apkctl keygen NAME -o DIR: a new RSA signing key as DIR/<id>.rsa (0600) and DIR/<id>.rsa.pub,
// with <id> = NAME-<hex SHA-256 of the public key>, the name clients use for the key file.
#include <charconv>
#include <iostream>

#include "cli/args.h"
#include "cli/offline_commands.h"
#include "crypto/rsa_key.h"
#include "util/file_io.h"

namespace apkd::cli {

int RunKeygen(const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {.value_options = {"-o", "--output", "--bits"}, .flags = {}});
  if (!args.ok()) {
    return ReportError(args.error(), "keygen");
  }
  if (args->positionals().size() != 1) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "expected one NAME"), "keygen");
  }
  const std::string& name = args->positionals()[0];
  if (name.empty() || name.find('/') != std::string::npos) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "NAME must not contain '/'"),
                       "keygen");
  }
  const std::string dir = args->GetOr("-o", args->GetOr("--output", "."));
  int bits = crypto::PrivateKey::kDefaultBits;
  if (auto text = args->Get("--bits")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), bits);
    if (ec != std::errc() || end != text->data() + text->size()) {
      return ReportError(MakeError(ErrorCode::kInvalidArgument, "--bits takes a number"), "keygen");
    }
  }
  auto key = crypto::PrivateKey::Generate(bits);
  if (!key.ok()) {
    return ReportError(key.error(), "keygen");
  }
  const std::string id = crypto::KeyIdFor(name, key->GetPublicKey());
  const std::string private_path = dir + "/" + id + ".rsa";
  const std::string public_path = private_path + ".pub";
  if (Status s = WriteFileAtomic(private_path, key->ToPem(), 0600); !s.ok()) {
    return ReportError(s.error(), "keygen");
  }
  if (Status s = WriteFileAtomic(public_path, key->GetPublicKey().ToPem(), 0644); !s.ok()) {
    return ReportError(s.error(), "keygen");
  }
  std::cout << "private key: " << private_path << "\n"
            << "public key:  " << public_path << "\n"
            << "key name:    " << id << ".rsa.pub\n";
  return kExitOk;
}

}  // namespace apkd::cli
