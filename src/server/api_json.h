// Internal to apkd_server: JSON shapes of the management API (docs/api.md) and body parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "http/request.h"
#include "http/response.h"
#include "storage/records.h"
#include "util/result.h"

namespace apkd::server {

Result<boost::json::object> ParseJsonObject(const http::Request& request);
// The string member `key`; kInvalidArgument when absent or not a string.
Result<std::string> StringMember(const boost::json::object& object, std::string_view key);
std::optional<std::string> OptionalString(const boost::json::object& object, std::string_view key);

boost::json::object OrgJson(const storage::Org& org);
boost::json::object PackageJson(const storage::PackageRow& row);
boost::json::object KeyJson(const storage::SigningKeyRow& row);
boost::json::object BindingJson(const storage::RoleBinding& binding);

http::Response JsonResponse(int status, const boost::json::value& value);
// {"items":[...]} from any records with a *Json converter.
template <typename T, typename F>
http::Response ListResponse(const std::vector<T>& items, F to_json);

}  // namespace apkd::server

#include <boost/json/array.hpp>

template <typename T, typename F>
apkd::http::Response apkd::server::ListResponse(const std::vector<T>& items, F to_json) {
  boost::json::array list;
  for (const auto& item : items) {
    list.push_back(to_json(item));
  }
  boost::json::object doc;
  doc["items"] = std::move(list);
  return JsonResponse(200, doc);
}
