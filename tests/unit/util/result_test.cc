#include "util/result.h"

#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace apkd {
namespace {

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kInvalidArgument,  ErrorCode::kNotFound,         ErrorCode::kAlreadyExists,
    ErrorCode::kUnauthenticated,  ErrorCode::kPermissionDenied, ErrorCode::kCorrupt,
    ErrorCode::kSignatureInvalid, ErrorCode::kLimitExceeded,    ErrorCode::kUnavailable,
    ErrorCode::kIoError,          ErrorCode::kInternal,
};

TEST(ErrorTest, CodeNamesAreDistinctAndReadable) {
  std::set<std::string_view> names;
  for (const ErrorCode code : kAllCodes) {
    const std::string_view name = ErrorCodeName(code);
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown error");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllCodes));
  EXPECT_EQ(ErrorCodeName(ErrorCode::kCorrupt), "corrupt");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNotFound), "not found");
}

TEST(ErrorTest, WithContextPrefixesAndKeepsTheCode) {
  const Error error = MakeError(ErrorCode::kCorrupt, "bad header");
  const Error copy = error.WithContext("reading foo.apk");  // const& overload
  EXPECT_EQ(copy.code(), ErrorCode::kCorrupt);
  EXPECT_EQ(copy.message(), "reading foo.apk: bad header");
  EXPECT_EQ(error.message(), "bad header");  // the original is untouched

  Error moved = MakeError(ErrorCode::kIoError, "EOF");
  const Error nested = std::move(moved).WithContext("inner").WithContext("outer");
  EXPECT_EQ(nested.code(), ErrorCode::kIoError);
  EXPECT_EQ(nested.message(), "outer: inner: EOF");
}

TEST(ErrorTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(MakeError(ErrorCode::kNotFound, "x"), MakeError(ErrorCode::kNotFound, "x"));
  EXPECT_NE(MakeError(ErrorCode::kNotFound, "x"), MakeError(ErrorCode::kNotFound, "y"));
  EXPECT_NE(MakeError(ErrorCode::kNotFound, "x"), MakeError(ErrorCode::kInternal, "x"));
}

TEST(StatusTest, DefaultIsOkAndErrorIsNot) {
  EXPECT_TRUE(Status().ok());
  EXPECT_TRUE(OkStatus().ok());
  const Status failed = MakeError(ErrorCode::kPermissionDenied, "no");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(failed.error().message(), "no");
}

TEST(ResultTest, HoldsAValue) {
  Result<int> result = 42;
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.has_value());
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(result.value(), 42);
  *result = 7;
  EXPECT_EQ(result.value(), 7);
  EXPECT_TRUE(result.status().ok());
}

TEST(ResultTest, HoldsAnError) {
  Result<std::string> result = MakeError(ErrorCode::kNotFound, "no such key");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.has_value());
  EXPECT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  const Status status = result.status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error(), result.error());
}

TEST(ResultTest, ArrowAndMoveOut) {
  Result<std::string> result = std::string("payload");
  EXPECT_EQ(result->size(), 7U);
  const std::string taken = std::move(result).value();
  EXPECT_EQ(taken, "payload");
}

TEST(ResultTest, SupportsMoveOnlyValues) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(5);
  ASSERT_TRUE(result.ok());
  std::unique_ptr<int> owned = *std::move(result);
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 5);
}

// Helpers for the macros: each records how often its expression was evaluated.
Status StepStatus(bool fail, int& calls) {
  ++calls;
  return fail ? Status(MakeError(ErrorCode::kUnavailable, "step failed")) : OkStatus();
}

Result<int> StepValue(bool fail, int value, int& calls) {
  ++calls;
  if (fail) {
    return MakeError(ErrorCode::kCorrupt, "value failed");
  }
  return value;
}

Status RunSteps(bool fail_status, bool fail_result, int& calls, int& reached) {
  APKD_RETURN_IF_ERROR(StepStatus(fail_status, calls));
  reached = 1;
  APKD_RETURN_IF_ERROR(StepValue(fail_result, 0, calls));
  reached = 2;
  return OkStatus();
}

Result<int> Sum(bool fail_second, int& calls) {
  APKD_ASSIGN_OR_RETURN(const int a, StepValue(false, 2, calls));
  APKD_ASSIGN_OR_RETURN(const int b, StepValue(fail_second, 3, calls));
  return a + b;
}

Result<std::unique_ptr<int>> MakeOwned(bool fail) {
  if (fail) {
    return MakeError(ErrorCode::kInternal, "no memory");
  }
  return std::make_unique<int>(9);
}

Result<int> UseOwned(bool fail) {
  std::unique_ptr<int> owned;
  APKD_ASSIGN_OR_RETURN(owned, MakeOwned(fail));  // assignment to an existing variable
  return *owned;
}

TEST(MacroTest, ReturnIfErrorPassesErrorsThrough) {
  int calls = 0;
  int reached = 0;
  EXPECT_TRUE(RunSteps(false, false, calls, reached).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(reached, 2);

  calls = reached = 0;
  const Status first = RunSteps(true, false, calls, reached);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 1);  // evaluated once, and nothing after it ran
  EXPECT_EQ(reached, 0);

  calls = reached = 0;
  const Status second = RunSteps(false, true, calls, reached);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kCorrupt);  // from a Result, not only a Status
  EXPECT_EQ(second.error().message(), "value failed");
  EXPECT_EQ(reached, 1);
}

TEST(MacroTest, AssignOrReturnBindsOrReturns) {
  int calls = 0;
  auto ok = Sum(false, calls);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  EXPECT_EQ(calls, 2);  // each expression evaluated exactly once

  calls = 0;
  auto failed = Sum(true, calls);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(calls, 2);
}

TEST(MacroTest, AssignOrReturnMovesMoveOnlyValues) {
  auto ok = UseOwned(false);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 9);
  auto failed = UseOwned(true);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message(), "no memory");
}

}  // namespace
}  // namespace apkd
