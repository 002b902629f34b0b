#include "cli/upload_report.h"

#include <array>
#include <filesystem>
#include <iostream>

#include <boost/json.hpp>

#include "cli/command.h"
#include "cli/online_session.h"

namespace apkd::cli {
namespace {

constexpr uint64_t kShowProgressFrom = uint64_t{1} << 20;  // 1 MiB

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return "created";
    case Outcome::kUnchanged:
      return "unchanged";
    case Outcome::kRefused:
      break;
  }
  return "refused";
}

bool IsRefusal(long status) { return status == 400 || status == 409 || status == 413; }

std::string StringMember(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
}

std::string PackageText(const UploadOutcome& outcome) {
  return outcome.name + "-" + outcome.version + " (" + outcome.arch + ")";
}

}  // namespace

std::string PackagesApiPath(const std::optional<std::string>& org) {
  return org ? "/api/v1/orgs/" + PathSegment(*org) + "/packages" : "/api/v1/packages";
}

Result<UploadOutcome> UploadPackage(const ApiClient& client, const std::string& api_path,
                                    const std::string& file_path, const std::string& shown_as) {
  UploadOutcome outcome = UploadOutcome::Refused(shown_as.empty() ? file_path : shown_as, "");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file_path, ec)) {
    outcome.reason = std::filesystem::exists(file_path, ec) ? "not a regular file" : "no such file";
    return outcome;
  }
  bool shown = false;
  auto response = client.Upload(api_path, file_path, [&](uint64_t sent, uint64_t total) {
    if (total < kShowProgressFrom) {
      return;
    }
    shown = true;
    std::cerr << "\r" << outcome.file << ": " << sent * 100 / total << "%" << std::flush;
  });
  if (shown) {
    std::cerr << "\n";
  }
  if (!response.ok()) {
    if (response.error().code() == ErrorCode::kNotFound ||
        response.error().code() == ErrorCode::kIoError) {  // the local file, not the server
      outcome.reason = response.error().message();
      return outcome;
    }
    return response.error();
  }
  if (IsRefusal(response->status)) {
    outcome.reason = ErrorFromResponse(*response).message();
    return outcome;
  }
  if (response->status < 200 || response->status > 299) {
    return ErrorFromResponse(*response);
  }
  boost::system::error_code json_ec;
  const boost::json::value body = boost::json::parse(response->body, json_ec);
  if (json_ec || !body.is_object()) {
    return MakeError(ErrorCode::kUnavailable, "the server sent invalid JSON");
  }
  const auto& object = body.as_object();
  const boost::json::value* created = object.if_contains("created");
  outcome.outcome = created != nullptr && created->is_bool() && !created->get_bool()
                        ? Outcome::kUnchanged
                        : Outcome::kCreated;
  outcome.name = StringMember(object, "name");
  outcome.version = StringMember(object, "version");
  outcome.arch = StringMember(object, "arch");
  return outcome;
}

void UploadReport::Add(UploadOutcome outcome) {
  const bool refused = outcome.outcome == Outcome::kRefused;
  if (output_ == "json" || output_ == "id") {
    if (refused) {
      std::cerr << "apkctl: " << outcome.file << ": refused: " << outcome.reason << "\n";
    } else if (output_ == "id") {
      std::cout << outcome.name << "-" << outcome.version << "\n";
    }
  } else {
    constexpr size_t kColumn = 10;  // "unchanged" and a space
    const std::string_view name = OutcomeName(outcome.outcome);
    std::cout << name << std::string(kColumn - name.size(), ' ');
    if (refused) {
      std::cout << outcome.file << ": " << outcome.reason << "\n";
    } else {
      std::cout << PackageText(outcome) << "  " << outcome.file << "\n";
    }
  }
  outcomes_.push_back(std::move(outcome));
}

int UploadReport::Finish(const std::optional<Error>& stopped_by) {
  std::array<size_t, 3> counts{};  // indexed by Outcome
  boost::json::array items;
  for (const UploadOutcome& outcome : outcomes_) {
    ++counts[static_cast<size_t>(outcome.outcome)];
    items.push_back(boost::json::object{{"file", outcome.file},
                                        {"outcome", OutcomeName(outcome.outcome)},
                                        {"name", outcome.name},
                                        {"version", outcome.version},
                                        {"arch", outcome.arch},
                                        {"reason", outcome.reason}});
  }
  const std::string summary = std::to_string(counts[0]) + " created, " + std::to_string(counts[1]) +
                              " unchanged, " + std::to_string(counts[2]) + " refused";
  if (output_ == "json") {
    boost::json::object document{{"items", std::move(items)},
                                 {"created", counts[0]},
                                 {"unchanged", counts[1]},
                                 {"refused", counts[2]}};
    if (stopped_by) {
      document["error"] = stopped_by->message();
    }
    std::cout << boost::json::serialize(document) << "\n";
  }
  (output_ == "json" || output_ == "id" ? std::cerr : std::cout) << summary << "\n";
  if (stopped_by) {
    return ReportError(*stopped_by, "stopped");
  }
  return counts[2] == 0 ? kExitOk : kExitFailure;
}

}  // namespace apkd::cli
