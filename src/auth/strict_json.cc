#include "auth/strict_json.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace apkd::auth::internal {
namespace {

// A basic_parser handler that builds nothing and only remembers, per open object, the member
// names seen so far.
class DuplicateKeyCheck {
 public:
  static constexpr size_t max_array_size = static_cast<size_t>(-1);   // NOLINT: Boost's names
  static constexpr size_t max_object_size = static_cast<size_t>(-1);  // NOLINT
  static constexpr size_t max_string_size = static_cast<size_t>(-1);  // NOLINT
  static constexpr size_t max_key_size = static_cast<size_t>(-1);     // NOLINT

  bool found_duplicate() const { return found_duplicate_; }

  // NOLINTBEGIN(readability-identifier-naming,readability-convert-member-functions-to-static):
  // the handler interface of boost::json::basic_parser.
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(size_t, boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    objects_.emplace_back();
    return true;
  }
  bool on_object_end(size_t, boost::system::error_code&) {
    objects_.pop_back();
    return true;
  }
  bool on_string_part(boost::json::string_view, size_t, boost::system::error_code&) { return true; }
  bool on_string(boost::json::string_view, size_t, boost::system::error_code&) { return true; }
  bool on_key_part(boost::json::string_view part, size_t, boost::system::error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(boost::json::string_view part, size_t, boost::system::error_code& ec) {
    key_.append(part.data(), part.size());
    const bool inserted = objects_.back().insert(std::move(key_)).second;
    key_.clear();
    if (!inserted) {
      found_duplicate_ = true;
      ec = boost::json::error::syntax;
      return false;
    }
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(int64_t, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(uint64_t, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }
  // NOLINTEND(readability-identifier-naming,readability-convert-member-functions-to-static)

 private:
  std::vector<std::set<std::string>> objects_;
  std::string key_;
  bool found_duplicate_ = false;
};

Error Invalid(const std::string& reason) {
  return MakeError(ErrorCode::kInvalidArgument, "not accepted JSON: " + reason);
}

}  // namespace

Result<boost::json::value> ParseStrictJson(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::basic_parser<DuplicateKeyCheck> check(options);
  boost::system::error_code ec;
  const size_t used = check.write_some(false, text.data(), text.size(), ec);
  if (check.handler().found_duplicate()) {
    return Invalid("a member name appears twice in one object");
  }
  if (ec) {
    // Boost's messages name the kind of error (syntax, depth, UTF-8), never the input.
    return Invalid(ec.message() + " near byte " + std::to_string(used));
  }
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) {
    return Invalid(ec.message());
  }
  return value;
}

}  // namespace apkd::auth::internal
