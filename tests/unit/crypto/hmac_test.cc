#include "crypto/hmac.h"

#include <string>

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "util/encoding.h"

namespace apkd::crypto {
namespace {

using ::apkd::testing::CommandResult;
using ::apkd::testing::RunCommand;
using ::apkd::testing::ShellQuote;
using ::apkd::testing::TempDir;

// RFC 4231 §4.2 and §4.3.
TEST(HmacSha256Test, Rfc4231Vectors) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 §4.7: a key longer than the block size is hashed first.
TEST(HmacSha256Test, LongKey) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, MatchesOpensslCli) {
  const TempDir dir;
  const std::string data = dir.Write("data", "token secret \x01\x02");
  const CommandResult out =
      RunCommand("openssl dgst -sha256 -hmac pepper-value -r " + ShellQuote(data));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.substr(0, 64),
            HexEncode(HmacSha256("pepper-value", "token secret \x01\x02")));
  EXPECT_EQ(HmacSha256("", "x").size(), kHmacSha256Size);
}

TEST(TokenHashTest, IsSha256AndPepperMatters) {
  EXPECT_EQ(HexEncode(TokenHash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenHash("abc"), Sha256("abc"));
  EXPECT_NE(TokenHash("abc"), TokenHash("abd"));
  EXPECT_EQ(PepperedTokenHash("p1", "abc"), HmacSha256("p1", "abc"));
  EXPECT_NE(PepperedTokenHash("p1", "abc"), PepperedTokenHash("p2", "abc"));
  EXPECT_NE(PepperedTokenHash("p1", "abc"), TokenHash("abc"));
  EXPECT_TRUE(ConstantTimeEquals(PepperedTokenHash("p1", "abc"), PepperedTokenHash("p1", "abc")));
}

}  // namespace
}  // namespace apkd::crypto
