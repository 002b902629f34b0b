#include "auth/flat_json.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>

#include <gtest/gtest.h>

namespace apkd::auth {
namespace {

FlatJsonObject ParseOrFail(std::string_view text) {
  auto parsed = ParseFlatJsonObject(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.error().message();
  return parsed.ok() ? *parsed : FlatJsonObject();
}

std::string StringOf(const FlatJsonObject& object, const std::string& name) {
  const auto it = object.find(name);
  if (it == object.end() || !std::holds_alternative<std::string>(it->second)) {
    ADD_FAILURE() << "no string member " << name;
    return {};
  }
  return std::get<std::string>(it->second);
}

TEST(FlatJsonTest, ParsesStringsAndIntegers) {
  const FlatJsonObject object =
      ParseOrFail(R"( { "a" : "x" , "b":-12,"c":0, "d":"" ,"e":9223372036854775807} )");
  EXPECT_EQ(object.size(), 5U);
  EXPECT_EQ(StringOf(object, "a"), "x");
  EXPECT_EQ(std::get<int64_t>(object.at("b")), -12);
  EXPECT_EQ(std::get<int64_t>(object.at("c")), 0);
  EXPECT_EQ(StringOf(object, "d"), "");
  EXPECT_EQ(std::get<int64_t>(object.at("e")), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(std::get<int64_t>(ParseOrFail(R"({"m":-9223372036854775808})").at("m")),
            std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ParseOrFail("{}").empty());
}

TEST(FlatJsonTest, DecodesEscapesAndUtf8) {
  const FlatJsonObject object =
      ParseOrFail(R"({"s":"q\"b\\s\/n\nt\tr\rb\bf\f","u":"\u00e9\u20ac\ud83d\ude00","raw":"é€😀"})");
  EXPECT_EQ(StringOf(object, "s"), "q\"b\\s/n\nt\tr\rb\bf\f");
  EXPECT_EQ(StringOf(object, "u"), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(StringOf(object, "raw"), StringOf(object, "u"));
}

TEST(FlatJsonTest, RefusesWhatTokensNeverContain) {
  const std::string_view refused[] = {
      "",
      " ",
      "[]",
      "\"a\"",
      "{",
      "}",
      R"({"a":1,})",
      R"({,"a":1})",
      R"({"a":1 "b":2})",
      R"({"a" 1})",
      R"({a:1})",
      R"({'a':1})",
      R"({"a":1}{})",
      R"({"a":1} x)",
      R"({"a":1,"a":2})",          // duplicate
      R"({"a":1,"b":2,"a":"x"})",  // duplicate, other type
      R"({"a":{}})",
      R"({"a":[1]})",
      R"({"a":true})",
      R"({"a":false})",
      R"({"a":null})",
      R"({"a":1.5})",
      R"({"a":1e3})",
      R"({"a":1E3})",
      R"({"a":01})",
      R"({"a":-})",
      R"({"a":-0})",
      R"({"a":+1})",
      R"({"a":9223372036854775808})",
      R"({"a":-9223372036854775809})",
      R"({"a":"x)",
      R"({"a":"\x"})",
      R"({"a":"\u12"})",
      R"({"a":"\u12G4"})",
      R"({"a":"\ud83d"})",  // lone high surrogate
      R"({"a":"\ud83dx"})",
      R"({"a":"\ud83d\u0041"})",  // high surrogate + non-surrogate
      R"({"a":"\ude00"})",        // lone low surrogate
      R"({"a":"\u0000"})",
      "{\"a\":\"\x01\"}",
      "{\"a\":\"\n\"}",
      "{\"a\":\"\xff\"}",
      "{\"a\":\"\xc3\"}",
      "{\"a\":\"\xc0\xaf\"}",          // overlong '/'
      "{\"a\":\"\xed\xa0\x80\"}",      // encoded surrogate
      "{\"a\":\"\xf4\x90\x80\x80\"}",  // above U+10FFFF
  };
  for (const std::string_view text : refused) {
    auto parsed = ParseFlatJsonObject(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(parsed.error().message().find("at byte"), std::string::npos);
    }
  }
  std::string with_nul = R"({"a":1})";
  with_nul.push_back('\0');
  EXPECT_FALSE(ParseFlatJsonObject(with_nul).ok());
}

TEST(FlatJsonTest, LimitsMemberCount) {
  std::string text = "{";
  for (size_t i = 0; i <= kMaxFlatJsonMembers; ++i) {
    text += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":1";
  }
  text += "}";
  EXPECT_FALSE(ParseFlatJsonObject(text).ok());
}

TEST(FlatJsonTest, WriterOutputParsesBack) {
  const std::string json = FlatJsonWriter()
                               .Add("iss", "https://apk.example.com")
                               .Add("q", "a\"b\\c\nd\x01")
                               .Add("n", int64_t{-5})
                               .Add("u", "\xc3\xa9")
                               .Finish();
  EXPECT_EQ(json,
            "{\"iss\":\"https://apk.example.com\",\"q\":\"a\\\"b\\\\c\\u000ad\\u0001\","
            "\"n\":-5,\"u\":\"\xc3\xa9\"}");
  const FlatJsonObject object = ParseOrFail(json);
  EXPECT_EQ(StringOf(object, "q"), "a\"b\\c\nd\x01");
  EXPECT_EQ(std::get<int64_t>(object.at("n")), -5);
  EXPECT_EQ(FlatJsonWriter().Finish(), "{}");
}

TEST(FlatJsonTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\x80"));
}

}  // namespace
}  // namespace apkd::auth
