#include "cli/offline_commands.h"

#include <array>

namespace apkd::cli {

std::span<const Command> OfflineCommands() {
  static constexpr std::array<Command, 6> kCommands{{
      {"keygen", "create an RSA signing key pair", "keygen NAME [-o DIR] [--bits N]", RunKeygen},
      {"index", "build and sign an APKINDEX.tar.gz from packages",
       "index -o OUT --sign-key KEY [--sign-key KEY2] [--rewrite-arch ARCH] "
       "[--description TEXT] [--sha1-first] FILE.apk...",
       RunIndex},
      {"verify", "verify packages and indexes against trusted keys",
       "verify [--keys-dir DIR] FILE...", RunVerify},
      {"info", "print a package's APKINDEX record", "info [--rewrite-arch ARCH] FILE.apk", RunInfo},
      {"version", "compare two versions, or check versions with --check",
       "version A B | version --check V...", RunVersion},
      {"build", "package a directory as a signed .apk",
       "build -o OUT.apk --sign-key KEY --name N --version V --arch A [--depend D]... "
       "[--provides P]... [--description T] [--url U] [--license L] [--mtime S] [--unsigned] DIR",
       RunBuild},
  }};
  return kCommands;
}

}  // namespace apkd::cli
