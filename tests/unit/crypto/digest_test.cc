#include "crypto/digest.h"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "util/encoding.h"

namespace apkd::crypto {
namespace {

struct KnownAnswer {
  DigestAlgorithm algorithm;
  std::string_view input;
  std::string_view hex;
};

// FIPS 180 example vectors (also what `sha1sum`/`sha256sum`/`sha512sum` print).
constexpr std::string_view kTwoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

std::vector<KnownAnswer> KnownAnswers() {
  return {
      {DigestAlgorithm::kSha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {DigestAlgorithm::kSha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
      {DigestAlgorithm::kSha1, kTwoBlocks, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
      {DigestAlgorithm::kSha256, "",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {DigestAlgorithm::kSha256, "abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {DigestAlgorithm::kSha256, kTwoBlocks,
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {DigestAlgorithm::kSha512, "",
       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
       "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
      {DigestAlgorithm::kSha512, "abc",
       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
      {DigestAlgorithm::kSha512, kTwoBlocks,
       "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
       "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"},
  };
}

constexpr DigestAlgorithm kAllAlgorithms[] = {DigestAlgorithm::kSha1, DigestAlgorithm::kSha256,
                                              DigestAlgorithm::kSha512};

TEST(DigestTest, SizesMatchTheAlgorithms) {
  EXPECT_EQ(DigestSize(DigestAlgorithm::kSha1), 20U);
  EXPECT_EQ(DigestSize(DigestAlgorithm::kSha256), 32U);
  EXPECT_EQ(DigestSize(DigestAlgorithm::kSha512), 64U);
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    EXPECT_EQ(Digest(algorithm, "x").size(), DigestSize(algorithm));
  }
}

TEST(DigestTest, KnownAnswerVectors) {
  for (const KnownAnswer& vector : KnownAnswers()) {
    SCOPED_TRACE(std::string("input \"").append(vector.input).append("\""));
    EXPECT_EQ(HexEncode(Digest(vector.algorithm, vector.input)), vector.hex);
    Hasher hasher(vector.algorithm);
    hasher.Update(vector.input);
    EXPECT_EQ(HexEncode(hasher.Finish()), vector.hex);
  }
}

TEST(DigestTest, ShorthandsMatchDigest) {
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha512("abc"), Digest(DigestAlgorithm::kSha512, "abc"));
}

TEST(DigestTest, MillionAs) {
  const std::string input(1000000, 'a');
  EXPECT_EQ(HexEncode(Sha1(input)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  EXPECT_EQ(HexEncode(Sha256(input)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(HexEncode(Sha512(input)),
            "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
            "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST(DigestTest, BinaryInputWithNulBytes) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256(with_nul), Sha256("a"));
  EXPECT_NE(Sha256(with_nul), Sha256("ab"));
}

TEST(HasherTest, IncrementalEqualsOneShotAtEverySplit) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data += static_cast<char>(i * 7 + 3);
  }
  for (const DigestAlgorithm algorithm : kAllAlgorithms) {
    const std::string expected = Digest(algorithm, data);
    for (size_t split = 0; split <= data.size(); split += 13) {
      Hasher hasher(algorithm);
      hasher.Update(std::string_view(data).substr(0, split));
      hasher.Update("");
      hasher.Update(std::string_view(data).substr(split));
      EXPECT_EQ(hasher.Finish(), expected) << "split at " << split;
    }
  }
}

TEST(HasherTest, ByteAtATime) {
  const std::string data =
      std::string(kTwoBlocks) + std::string(kTwoBlocks) + std::string(kTwoBlocks);
  Hasher hasher(DigestAlgorithm::kSha512);
  for (const char c : data) {
    hasher.Update(std::string_view(&c, 1));
  }
  EXPECT_EQ(hasher.Finish(), Sha512(data));
}

TEST(HasherTest, FinishResetsForReuse) {
  Hasher hasher(DigestAlgorithm::kSha256);
  hasher.Update("first message");
  EXPECT_EQ(hasher.Finish(), Sha256("first message"));
  // Nothing from the first message carries over.
  hasher.Update("abc");
  EXPECT_EQ(hasher.Finish(), Sha256("abc"));
  EXPECT_EQ(hasher.Finish(), Sha256(""));
}

TEST(HasherTest, MoveKeepsState) {
  Hasher first(DigestAlgorithm::kSha1);
  first.Update("ab");
  Hasher second(std::move(first));
  second.Update("c");
  EXPECT_EQ(second.Finish(), Sha1("abc"));

  Hasher third(DigestAlgorithm::kSha512);
  third.Update("ignored");
  second.Update("a");
  third = std::move(second);
  third.Update("bc");
  EXPECT_EQ(third.Finish(), Sha1("abc"));
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret-token", "secret-token"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "secret-tokeN"));
  EXPECT_FALSE(ConstantTimeEquals("Secret-token", "secret-token"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret-token"));
  EXPECT_FALSE(ConstantTimeEquals("secret-token", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(RandomBytesTest, ReturnsRequestedLength) {
  EXPECT_TRUE(RandomBytes(0).empty());
  EXPECT_EQ(RandomBytes(1).size(), 1U);
  EXPECT_EQ(RandomBytes(32).size(), 32U);
  EXPECT_EQ(RandomBytes(100000).size(), 100000U);
}

TEST(RandomBytesTest, OutputsDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    seen.insert(RandomBytes(16));
  }
  EXPECT_EQ(seen.size(), 100U);
}

TEST(RandomBytesTest, UsesAllByteValues) {
  // 64 KiB of uniform bytes misses a given value with probability (255/256)^65536 ~ 1e-112.
  const std::string bytes = RandomBytes(65536);
  std::set<unsigned char> values(bytes.begin(), bytes.end());
  EXPECT_EQ(values.size(), 256U);
}

}  // namespace
}  // namespace apkd::crypto
