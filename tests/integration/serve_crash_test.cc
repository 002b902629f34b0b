// Crash safety of the real `apkd serve`: a background shell loop publishes distinct packages one
// after another with curl and records every acknowledgement; apkd is SIGKILLed mid-stream (after
// a few acks, after more, and at a random moment), then restarted on the same data dir. After
// each restart every acknowledged package must be in the signed index and download byte for
// byte, and every package the index names must download and match its C: and S: fields. The
// checks are independent: curl, GNU tar, openssl and Python (apk_checksum.py, split_gzip.py).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/serve_harness.h"
#include "support/apkd_process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace apkd {
namespace {

using testing::ApkdProcess;
using testing::ServeClient;
using testing::ShellQuote;
using testing::TempDir;

constexpr int kPackages = 40;
constexpr size_t kPayloadBytes = 16 * 1024;  // incompressible, so each publish takes a moment
constexpr auto kPollInterval = std::chrono::milliseconds(2);
constexpr auto kRoundTimeout = std::chrono::seconds(60);
constexpr char kPublishPath[] = "/api/v1/orgs/acme/packages";
constexpr char kIndexPath[] = "/acme/x86_64/APKINDEX.tar.gz";

// Publishes the packages in $LIST ("name file" lines) in order, appending "name status" to
// $ACKS after each answer, and "end" after the last; stops once the server is gone (000).
constexpr char kPublishLoop[] = R"(
while read name file; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "user:$TOKEN" --data-binary @"$file" "$URL")
  echo "$name $code" >> "$ACKS"
  [ "$code" = 000 ] && exit 0
done < "$LIST"
echo end >> "$ACKS"
)";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An acknowledged publish: the server answered 201 (stored) or 200 (already stored).
bool IsAck(const std::string& status) { return status == "201" || status == "200"; }

struct Round {
  std::set<std::string> acked;
  bool finished = false;    // the loop got through the whole list before the kill
  std::string interrupted;  // the publish the kill cut off (curl saw no answer), if any
};

class ServeCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start(data_));
    admin_ = client_.TokenFor(server_.secret());
    ASSERT_FALSE(admin_.empty());
    ASSERT_EQ(client_.Call(admin_, "POST", "/api/v1/orgs", R"({"name":"acme"})").status, 201);
    std::mt19937 random(seed_);
    for (int i = 0; i < kPackages; ++i) {
      const std::string name = "crash" + std::to_string(i);
      std::string payload(kPayloadBytes, '\0');
      for (char& c : payload) {
        c = static_cast<char>(random() & 0xff);
      }
      files_[name] = testing::WriteTestApk(dir_, name, "1.0-r0", "x86_64", payload);
    }
  }

  // Publishes every not yet acknowledged package in the background and SIGKILLs apkd once
  // `kill_after_acks` more acknowledgements arrived (plus `extra_delay`).
  Round PublishAndKill(int kill_after_acks, std::chrono::milliseconds extra_delay) {
    Round round;
    const std::string list = dir_.File("list");
    {
      std::ofstream out(list);
      for (const auto& [name, file] : files_) {
        if (acked_.count(name) == 0) {
          out << name << " " << file << "\n";
        }
      }
    }
    const std::string acks = dir_.File("acks");
    std::ofstream(acks, std::ios::trunc).flush();
    const std::string command = "TOKEN=" + ShellQuote(admin_) +
                                " URL=" + ShellQuote(server_.base() + kPublishPath) +
                                " LIST=" + ShellQuote(list) + " ACKS=" + ShellQuote(acks) +
                                " sh -c " + ShellQuote(kPublishLoop);
    const pid_t loop = fork();
    if (loop == 0) {
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + kRoundTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = ReadAll(acks);
      int count = 0;
      std::istringstream in(text);
      for (std::string name, status; in >> name;) {
        if (name == "end") {
          round.finished = true;
          break;
        }
        in >> status;
        count += IsAck(status) ? 1 : 0;
      }
      if (count >= kill_after_acks || round.finished) {
        break;
      }
      std::this_thread::sleep_for(kPollInterval);
    }
    std::this_thread::sleep_for(extra_delay);
    server_.Kill();
    int status = 0;
    waitpid(loop, &status, 0);
    // Only what curl saw acknowledged counts; anything in flight at the kill is unknown.
    std::istringstream in(ReadAll(acks));
    for (std::string name, code; in >> name && name != "end";) {
      in >> code;
      if (IsAck(code)) {
        round.acked.insert(name);
      } else if (code == "000") {
        round.interrupted = name;
      }
    }
    return round;
  }

  // Restarts apkd and checks the repository from the outside.
  void RestartAndVerify(const std::string& label) {
    SCOPED_TRACE(label);
    ASSERT_TRUE(server_.Start(data_));
    const std::string index = dir_.File(label + ".tar.gz");
    ASSERT_EQ(client_.Download(admin_, kIndexPath, index), 200);

    // A valid signed APKINDEX: tar lists it, the signature verifies with the published key.
    const auto names = testing::TarNames(index);
    auto jwks = testing::Curl(client_.Url("/acme/jwks.json"));
    const auto kids = testing::JsonListField(jwks.body, "keys", "kid");
    ASSERT_EQ(kids.size(), 1u) << jwks.body;
    const std::string key_name = kids[0] + ".rsa.pub";
    ASSERT_EQ(names,
              (std::vector<std::string>{".SIGN.RSA256." + key_name, "DESCRIPTION", "APKINDEX"}));
    const std::string pem = dir_.File(key_name);
    ASSERT_EQ(client_.Download("", "/acme/" + key_name, pem), 200);
    EXPECT_NE(testing::VerifyIndexSignature(dir_, index, key_name, pem).find("Verified OK"),
              std::string::npos);

    // Every entry downloads, with the bytes that were uploaded, its C: and its S:.
    const auto records = testing::ParseIndexText(testing::TarEntryBody(index, "APKINDEX"));
    std::set<std::string> listed;
    std::vector<std::pair<std::string, std::string>> requests;
    std::vector<std::string> downloads;
    for (const auto& record : records) {
      ASSERT_EQ(files_.count(record.name), 1u) << "unknown package " << record.name;
      listed.insert(record.name);
      downloads.push_back(dir_.File(label + "-" + record.name + ".apk"));
      requests.emplace_back("/acme/x86_64/" + record.name + "-" + record.version + ".apk",
                            downloads.back());
    }
    const std::vector<int> statuses = client_.DownloadAll(admin_, requests);
    ASSERT_EQ(statuses.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      const auto& record = records[i];
      EXPECT_EQ(statuses[i], 200) << record.name << " is in the index but does not download";
      const std::string bytes = ReadAll(downloads[i]);
      EXPECT_TRUE(bytes == ReadAll(files_[record.name])) << record.name << " changed";
      EXPECT_EQ(record.size, std::to_string(bytes.size())) << record.name;
    }
    const auto identities = testing::ApkIdentities(downloads);
    ASSERT_EQ(identities.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].checksum, identities[i]) << records[i].name;
    }
    for (const auto& name : acked_) {
      EXPECT_EQ(listed.count(name), 1u) << name << " was acknowledged but is not in the index";
    }
    // The API agrees with the index.
    auto api = client_.Call(admin_, "GET", kPublishPath);
    ASSERT_EQ(api.status, 200);
    const auto api_names = testing::JsonListField(api.body, "items", "name");
    EXPECT_EQ(std::set<std::string>(api_names.begin(), api_names.end()), listed);
  }

  TempDir dir_;
  const std::string data_ = dir_.File("data");
  ApkdProcess server_;
  ServeClient client_{server_};
  std::string admin_;
  std::map<std::string, std::string> files_;  // name -> uploaded file
  std::set<std::string> acked_;
  const unsigned seed_ = std::random_device()();
};

TEST_F(ServeCrashTest, AcknowledgedPublishesSurviveSigkill) {
  std::printf("seed %u\n", seed_);
  std::mt19937 random(seed_);
  struct Plan {
    const char* label;
    int acks;
    std::chrono::milliseconds delay;
  };
  const std::vector<Plan> plans = {
      {"after-5-acks", 5, std::chrono::milliseconds(0)},
      {"after-10-more-acks", 10, std::chrono::milliseconds(0)},
      {"at-a-random-moment", static_cast<int>(random() % 10) + 1,
       std::chrono::milliseconds(random() % 40)},
  };
  for (const auto& plan : plans) {
    const Round round = PublishAndKill(plan.acks, plan.delay);
    EXPECT_FALSE(round.finished) << plan.label << ": the kill came after the last publish";
    EXPECT_GE(round.acked.size(), static_cast<size_t>(plan.acks)) << plan.label;
    std::printf("%s: %zu acknowledged, killed during %s\n", plan.label, round.acked.size(),
                round.interrupted.empty() ? "no publish" : round.interrupted.c_str());
    acked_.insert(round.acked.begin(), round.acked.end());
    RestartAndVerify(plan.label);
    if (::testing::Test::HasFatalFailure()) {
      return;
    }
  }
  // Publishing goes on after the crashes, re-publishing what was never acknowledged.
  for (const auto& [name, file] : files_) {
    if (acked_.count(name) == 0) {
      auto r = client_.Upload(admin_, kPublishPath, file);
      EXPECT_TRUE(r.status == 201 || r.status == 200) << name << ": " << r.status << " " << r.body;
      acked_.insert(name);
    }
  }
  server_.Stop();
  RestartAndVerify("final");
  EXPECT_EQ(acked_.size(), static_cast<size_t>(kPackages));
}

}  // namespace
}  // namespace apkd
