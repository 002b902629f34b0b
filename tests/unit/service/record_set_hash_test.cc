// RecordSetHash: equal sets hash equal whatever the order of changes, different sets and keys
// differ, and removing undoes adding.
#include "service/record_set_hash.h"

#include <gtest/gtest.h>

namespace apkd::service {
namespace {

TEST(RecordSetHashTest, DependsOnTheSetNotTheOrder) {
  RecordSetHash a("k");
  RecordSetHash b("k");
  a.Add("x", "Q1a");
  a.Add("y", "Q1b");
  b.Add("y", "Q1b");
  b.Add("z", "Q1c");
  b.Add("x", "Q1a");
  EXPECT_NE(a.Value(), b.Value());
  b.Remove("z", "Q1c");
  EXPECT_EQ(a.Value(), b.Value());
}

TEST(RecordSetHashTest, ContentKeyAndFieldBoundariesMatter) {
  RecordSetHash a("k");
  RecordSetHash b("k");
  RecordSetHash c("other key");
  RecordSetHash d("k");
  a.Add("x", "Q1a");
  b.Add("x", "Q1b");
  c.Add("x", "Q1a");
  d.Add("xQ", "1a");
  EXPECT_NE(a.Value(), b.Value()) << "same record, other content";
  EXPECT_NE(a.Value(), c.Value()) << "values are keyed";
  EXPECT_NE(a.Value(), d.Value()) << "identity and checksum are separate fields";
  RecordSetHash empty("k");
  a.Remove("x", "Q1a");
  EXPECT_EQ(a.Value(), empty.Value());
}

}  // namespace
}  // namespace apkd::service
