// What every online command does first: parse its options plus the global ones, resolve the
// server and credentials, and print JSON results as a table, raw JSON or ids (-o).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "cli/api_client.h"
#include "cli/args.h"
#include "util/result.h"

namespace apkd::cli {

struct OnlineSession {
  Args args;
  ApiClient client;
  std::string server;
  std::string output;  // table | json | id
};

// `spec` lists the command's own options; --server and -o are added.
Result<OnlineSession> StartSession(const std::vector<std::string>& argv, ArgSpec spec);

// Parses a 2xx response body as JSON.
Result<boost::json::value> JsonBody(Result<ApiResponse> response);

// Prints `{"items":[…]}` (or one object) as columns `fields`, as JSON, or as the `id_field`.
void PrintItems(const boost::json::value& body, const std::vector<std::string>& fields,
                const std::string& id_field, const std::string& output);

// Percent-encodes one path segment (org names may contain dots, never '/').
std::string PathSegment(const std::string& text);

}  // namespace apkd::cli
