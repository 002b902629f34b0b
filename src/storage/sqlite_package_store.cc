// SqliteMetadataStore: package rows and the repository view of an org.
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/blob_store.h"
#include "storage/sqlite_store_impl.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

using sqlite::Connection;
using sqlite::Query;

#define APKD_PACKAGE_COLUMNS \
  "id, org_uid, name, version, arch, checksum, size, blob_key, record_text, published_at"
constexpr const char* kOrderBy = " ORDER BY name, version, arch, org_uid";

Result<std::vector<PackageRow>> Packages(Query& query) {
  std::vector<PackageRow> rows;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return rows;
    }
    rows.push_back({.id = query.Int(0),
                    .org_uid = query.Text(1),
                    .name = query.Text(2),
                    .version = query.Text(3),
                    .arch = query.Text(4),
                    .checksum = query.Text(5),
                    .size = static_cast<uint64_t>(query.Int(6)),
                    .blob_key = query.Text(7),
                    .record_text = query.Text(8),
                    .published_at = query.Int(9)});
  }
}

// The row with this key, or an empty vector.
Result<std::vector<PackageRow>> SelectPackage(Connection& db, std::string_view org_uid,
                                              std::string_view name, std::string_view version,
                                              std::string_view arch) {
  APKD_ASSIGN_OR_RETURN(Query query,
                        db.Prepare("SELECT " APKD_PACKAGE_COLUMNS " FROM packages WHERE "
                                   "org_uid = ? AND name = ? AND version = ? AND arch = ?"));
  query.Bind(org_uid).Bind(name).Bind(version).Bind(arch);
  return Packages(query);
}

std::string Describe(std::string_view org_uid, std::string_view name, std::string_view version,
                     std::string_view arch) {
  return "package " + QuoteForMessage(std::string(name) + "-" + std::string(version)) + " (" +
         QuoteForMessage(arch) + ", " +
         (org_uid.empty() ? std::string("catalog") : "org " + std::string(org_uid)) + ")";
}

// The stored row with `row`'s key if it has the same checksum (publishing it again is a no-op),
// nullopt if there is none, kAlreadyExists if it has other contents.
Result<std::optional<PackageRow>> Republished(Connection& db, const PackageRow& row) {
  APKD_ASSIGN_OR_RETURN(std::vector<PackageRow> existing,
                        SelectPackage(db, row.org_uid, row.name, row.version, row.arch));
  if (existing.empty()) {
    return std::optional<PackageRow>();
  }
  if (existing.front().checksum != row.checksum) {
    return MakeError(ErrorCode::kAlreadyExists,
                     Describe(row.org_uid, row.name, row.version, row.arch) +
                         " is already published with different contents");
  }
  return std::optional<PackageRow>(std::move(existing.front()));
}

Status CheckScope(std::string_view org_uid) {
  return org_uid.empty() ? OkStatus() : CheckUid("organization uid", org_uid);
}

// A JSON array of strings, for json_each(): one bound parameter instead of one per name.
std::string JsonArray(std::span<const std::string> values) {
  std::string out = "[";
  for (const std::string& value : values) {
    if (out.size() > 1) {
      out += ',';
    }
    out += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace

Result<PackageRow> SqliteMetadataStore::InsertPackage(const PackageRow& row) {
  APKD_RETURN_IF_ERROR(CheckPackageRow(row));
  return impl_->Write([&](Connection& db, bool& changed) -> Result<PackageRow> {
    APKD_RETURN_IF_ERROR(Impl::RequireScope(db, row.org_uid));
    APKD_ASSIGN_OR_RETURN(std::optional<PackageRow> existing, Republished(db, row));
    if (existing) {
      changed = false;  // the same package again: idempotent
      return std::move(*existing);
    }
    APKD_ASSIGN_OR_RETURN(
        Query insert,
        db.Prepare("INSERT INTO packages (org_uid, name, version, arch, checksum, size, "
                   "blob_key, record_text, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    APKD_RETURN_IF_ERROR(insert.Bind(row.org_uid)
                             .Bind(row.name)
                             .Bind(row.version)
                             .Bind(row.arch)
                             .Bind(row.checksum)
                             .Bind(static_cast<int64_t>(row.size))
                             .Bind(row.blob_key)
                             .Bind(row.record_text)
                             .Bind(row.published_at)
                             .Run());
    PackageRow stored = row;
    stored.id = db.LastInsertId();
    return stored;
  });
}

Result<PackageRow> SqliteMetadataStore::WithdrawPackage(std::string_view org_uid,
                                                        std::string_view name,
                                                        std::string_view version,
                                                        std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckScope(org_uid));
  return impl_->Write([&](Connection& db, bool&) -> Result<PackageRow> {
    APKD_ASSIGN_OR_RETURN(std::vector<PackageRow> existing,
                          SelectPackage(db, org_uid, name, version, arch));
    if (existing.empty()) {
      return MakeError(ErrorCode::kNotFound, Describe(org_uid, name, version, arch) + " not found");
    }
    APKD_ASSIGN_OR_RETURN(Query del, db.Prepare("DELETE FROM packages WHERE id = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(existing.front().id).Run());
    return std::move(existing.front());
  });
}

Result<std::vector<PackageRow>> SqliteMetadataStore::ListPackagesForNames(
    std::span<const std::string> names, std::string_view arch) {
  const std::string json = JsonArray(names);
  return impl_->Read([&](Connection& db) -> Result<std::vector<PackageRow>> {
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare(std::string("SELECT " APKD_PACKAGE_COLUMNS " FROM packages "
                                                 "WHERE org_uid = '' AND arch IN (?1, 'noarch') "
                                                 "AND name IN (SELECT value FROM json_each(?2))") +
                                     kOrderBy));
    query.Bind(arch).Bind(json);
    return Packages(query);
  });
}

Result<std::vector<PackageRow>> SqliteMetadataStore::ListPrivatePackages(std::string_view org_uid,
                                                                         std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return impl_->Read([&](Connection& db) -> Result<std::vector<PackageRow>> {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, org_uid));
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare(std::string("SELECT " APKD_PACKAGE_COLUMNS
                                                              " FROM packages WHERE org_uid = ?1 "
                                                              "AND arch IN (?2, 'noarch')") +
                                                  kOrderBy));
    query.Bind(org_uid).Bind(arch);
    return Packages(query);
  });
}

Result<std::vector<PackageRow>> SqliteMetadataStore::ListPackages(const PackageFilter& filter) {
  // Only the conditions in use, so that each shape can use its index (cached per shape).
  std::string sql = "SELECT " APKD_PACKAGE_COLUMNS " FROM packages WHERE 1 = 1";
  std::vector<std::string> params;
  if (filter.org_uid.has_value()) {
    sql += " AND org_uid = ?";
    params.push_back(*filter.org_uid);
  }
  if (!filter.name.empty()) {
    sql += " AND name = ?";
    params.push_back(filter.name);
  }
  if (!filter.name_contains.empty()) {
    sql += " AND instr(name, ?) > 0";
    params.push_back(filter.name_contains);
  }
  if (!filter.arch.empty()) {
    sql += " AND arch = ?";
    params.push_back(filter.arch);
  }
  sql += kOrderBy;
  sql += " LIMIT ?";
  const int64_t limit = filter.limit == 0 ? -1 : static_cast<int64_t>(filter.limit);
  return impl_->Read([&](Connection& db) -> Result<std::vector<PackageRow>> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare(sql));
    for (const std::string& param : params) {
      query.Bind(param);
    }
    query.Bind(limit);
    return Packages(query);
  });
}

Result<PackageRow> SqliteMetadataStore::FindPackage(std::string_view org_uid, std::string_view name,
                                                    std::string_view version,
                                                    std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckScope(org_uid));
  return impl_->Read([&](Connection& db) -> Result<PackageRow> {
    APKD_ASSIGN_OR_RETURN(std::vector<PackageRow> rows,
                          SelectPackage(db, org_uid, name, version, arch));
    if (rows.empty()) {
      return MakeError(ErrorCode::kNotFound, Describe(org_uid, name, version, arch) + " not found");
    }
    return std::move(rows.front());
  });
}

Result<RepositoryView> SqliteMetadataStore::ReadRepository(std::string_view org_uid,
                                                           std::string_view arch) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return impl_->Read(
      [&](Connection& db) -> Result<RepositoryView> {
        APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, org_uid));
        RepositoryView view;
        APKD_ASSIGN_OR_RETURN(view.generation, Impl::Generation(db));
        APKD_ASSIGN_OR_RETURN(view.names, Impl::EntitledNames(db, org_uid));
        APKD_ASSIGN_OR_RETURN(
            Query query,
            db.Prepare(std::string("SELECT " APKD_PACKAGE_COLUMNS " FROM packages "
                                   "WHERE org_uid = '' AND arch IN (?2, 'noarch') AND name IN ("
                                   " SELECT ip.package_name FROM entitlements e"
                                   " JOIN image_packages ip ON ip.image = e.image"
                                   " WHERE e.org_uid = ?1"
                                   " UNION SELECT package_name FROM base_set) "
                                   "UNION ALL SELECT " APKD_PACKAGE_COLUMNS " FROM packages "
                                   "WHERE org_uid = ?1 AND arch IN (?2, 'noarch')") +
                       kOrderBy));
        query.Bind(org_uid).Bind(arch);
        APKD_ASSIGN_OR_RETURN(view.packages, Packages(query));
        return view;
      },
      /*snapshot=*/true);
}

Result<bool> SqliteMetadataStore::IsBlobReferenced(std::string_view blob_key) {
  APKD_RETURN_IF_ERROR(CheckBlobKey(blob_key));
  return impl_->Read([&](Connection& db) -> Result<bool> {
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare("SELECT 1 FROM packages WHERE blob_key = ? LIMIT 1"));
    return query.Bind(blob_key).Step();
  });
}

#undef APKD_PACKAGE_COLUMNS

}  // namespace apkd::storage
