#include "util/encoding.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace apkd {
namespace {

struct Vector {
  std::string_view plain;
  std::string_view base16;
  std::string_view base64;
  std::string_view base64url;  // unpadded
};

// RFC 4648 §10 test vectors (base64url rows are the same strings without padding).
constexpr Vector kRfc4648[] = {
    {"", "", "", ""},
    {"f", "66", "Zg==", "Zg"},
    {"fo", "666f", "Zm8=", "Zm8"},
    {"foo", "666f6f", "Zm9v", "Zm9v"},
    {"foob", "666f6f62", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "666f6f6261", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "666f6f626172", "Zm9vYmFy", "Zm9vYmFy"},
};

std::string AllBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
  }
  return bytes;
}

TEST(HexTest, Rfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    EXPECT_EQ(HexEncode(v.plain), v.base16);
    EXPECT_EQ(HexDecode(v.base16), std::optional<std::string>(v.plain));
  }
}

TEST(HexTest, AcceptsUppercaseAndEncodesLowercase) {
  EXPECT_EQ(HexDecode("666F6F626172"), std::optional<std::string>("foobar"));
  EXPECT_EQ(HexEncode("\xab\xcd\xef"), "abcdef");
  EXPECT_EQ(HexDecode("aBcD"), std::optional<std::string>("\xab\xcd"));
}

TEST(HexTest, RoundTripsEveryByte) {
  const std::string bytes = AllBytes();
  const std::string hex = HexEncode(bytes);
  ASSERT_EQ(hex.size(), 512U);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(506), "fdfeff");
  EXPECT_EQ(HexDecode(hex), std::optional<std::string>(bytes));
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(HexDecode("a"));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
  EXPECT_FALSE(HexDecode("0g"));
  EXPECT_FALSE(HexDecode("0x12"));
  EXPECT_FALSE(HexDecode(" 1"));
  EXPECT_FALSE(HexDecode(std::string_view("0\0", 2)));
}

TEST(Base64Test, Rfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    EXPECT_EQ(Base64Encode(v.plain), v.base64) << v.plain;
    EXPECT_EQ(Base64Decode(v.base64), std::optional<std::string>(v.plain)) << v.base64;
  }
}

TEST(Base64Test, UsesStandardAlphabetForHighBits) {
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Decode("+/8="), std::optional<std::string>("\xfb\xff"));
  EXPECT_FALSE(Base64Decode("-_8="));  // the URL alphabet is not standard base64
}

TEST(Base64Test, RoundTripsEveryByteAndEveryLength) {
  const std::string bytes = AllBytes();
  for (size_t length = 0; length <= 40; ++length) {
    const std::string part = bytes.substr(200, length);
    const std::string text = Base64Encode(part);
    EXPECT_EQ(text.size() % 4, 0U);
    EXPECT_EQ(Base64Decode(text), std::optional<std::string>(part)) << length;
  }
  EXPECT_EQ(Base64Decode(Base64Encode(bytes)), std::optional<std::string>(bytes));
}

TEST(Base64Test, SizeOfAnApkIdentityChecksum) {
  // A SHA-1 digest is 20 bytes, so `Q1` + base64 is always 30 characters with one '='.
  const std::string text = Base64Encode(std::string(20, '\x5a'));
  EXPECT_EQ(text.size(), 28U);
  EXPECT_EQ(text.back(), '=');
  EXPECT_NE(text[26], '=');
}

TEST(Base64Test, StrictDecodingRejectsBadPadding) {
  EXPECT_FALSE(Base64Decode("Zg"));        // padding required
  EXPECT_FALSE(Base64Decode("Zg="));       // not a multiple of 4
  EXPECT_FALSE(Base64Decode("Zg==="));     // too much padding
  EXPECT_FALSE(Base64Decode("Z==="));      // three pad characters
  EXPECT_FALSE(Base64Decode("===="));      // only padding
  EXPECT_FALSE(Base64Decode("Zg==Zg=="));  // padding in the middle
  EXPECT_FALSE(Base64Decode("Z=g="));
}

TEST(Base64Test, StrictDecodingRejectsBadCharacters) {
  EXPECT_FALSE(Base64Decode("Zm9v\n"));
  EXPECT_FALSE(Base64Decode("Zm9v YmFy"));
  EXPECT_FALSE(Base64Decode("Zm9*"));
  EXPECT_FALSE(Base64Decode("Zm-v"));
  EXPECT_FALSE(Base64Decode(std::string_view("Zm9\0", 4)));
}

TEST(Base64Test, StrictDecodingRejectsNonCanonicalTrailingBits) {
  // "Zg==" is 'f'; "Zh==" carries the same byte plus non-zero leftover bits.
  EXPECT_TRUE(Base64Decode("Zg=="));
  EXPECT_FALSE(Base64Decode("Zh=="));
  EXPECT_FALSE(Base64Decode("Zv=="));
  // "Zm8=" is "fo"; "Zm9=" sets the two leftover bits.
  EXPECT_TRUE(Base64Decode("Zm8="));
  EXPECT_FALSE(Base64Decode("Zm9="));
}

TEST(Base64UrlTest, Rfc4648VectorsWithoutPadding) {
  for (const Vector& v : kRfc4648) {
    EXPECT_EQ(Base64UrlEncode(v.plain), v.base64url);
    EXPECT_EQ(Base64UrlDecode(v.base64url), std::optional<std::string>(v.plain));
  }
}

TEST(Base64UrlTest, UsesUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::optional<std::string>("\xfb\xff"));
  EXPECT_FALSE(Base64UrlDecode("+/8"));
}

TEST(Base64UrlTest, RoundTripsEveryByte) {
  const std::string bytes = AllBytes();
  const std::string text = Base64UrlEncode(bytes);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(Base64UrlDecode(text), std::optional<std::string>(bytes));
}

TEST(Base64UrlTest, StrictDecodingRejectsPaddingAndBadLengths) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));  // padding is not allowed
  EXPECT_FALSE(Base64UrlDecode("Zg="));
  EXPECT_FALSE(Base64UrlDecode("Z"));  // a lone character cannot encode a byte
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));
  EXPECT_FALSE(Base64UrlDecode("Zh"));  // non-zero leftover bits
  EXPECT_FALSE(Base64UrlDecode("Zm9"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n"));
}

}  // namespace
}  // namespace apkd
