// Argon2id password hashes: round trip, refusal of wrong and out-of-range passwords, and
// agreement with the reference implementation's own CLI (`argon2`, from Debian).
#include "crypto/password_hash.h"

#include <string>

#include <gtest/gtest.h>

#include "support/run_command.h"

namespace apkd::crypto {
namespace {

using testing::RunCommand;
using testing::ShellQuote;

constexpr char kPassword[] = "correct horse battery";

TEST(PasswordHashTest, RoundTripAndRefusals) {
  auto hash = HashPassword(kPassword);
  ASSERT_TRUE(hash.ok()) << hash.error().message();
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$")) << *hash;
  EXPECT_EQ(hash->find(kPassword), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, kPassword));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterz"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", kPassword));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$garbage", kPassword));
  EXPECT_FALSE(NeedsRehash(*hash));
  EXPECT_NE(*HashPassword(kPassword), *hash) << "a fresh salt every time";
  auto short_one = HashPassword("short");
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(short_one.error().message().find("short"), std::string::npos);
  EXPECT_FALSE(HashPassword(std::string(kMaxPasswordBytes + 1, 'a')).ok());
}

TEST(PasswordHashTest, AgreesWithTheReferenceArgon2Cli) {
  if (RunCommand("command -v argon2").exit_code != 0) {
    GTEST_SKIP() << "argon2 CLI not installed (scripts/install-deps.sh test installs it)";
  }
  // A hash made by the reference implementation verifies here...
  auto made = RunCommand("printf %s " + ShellQuote(kPassword) +
                         " | argon2 saltsaltsalt -id -t 3 -m 12 -p 1 -e");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string reference = made.output.substr(0, made.output.find('\n'));
  EXPECT_TRUE(VerifyPassword(reference, kPassword)) << reference;
  EXPECT_FALSE(VerifyPassword(reference, "correct horse batterz"));
  EXPECT_TRUE(NeedsRehash(reference)) << "other parameters than ours";
  // Ours carries the parameters we chose. (The reference CLI takes its salt as a text argument,
  // so it cannot recompute a hash over libsodium's random binary salts.)
  const std::string ours = *HashPassword(kPassword);
  EXPECT_TRUE(ours.starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << ours;
}

}  // namespace
}  // namespace apkd::crypto
