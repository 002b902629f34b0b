// SqliteMetadataStore: organizations, images, entitlements and the base set.
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite_store_impl.h"
#include "storage/validation.h"

namespace apkd::storage {
namespace {

using sqlite::Connection;
using sqlite::Query;

Error OrgNotFound(std::string_view org) {
  return MakeError(ErrorCode::kNotFound, "organization " + QuoteForMessage(org) + " not found");
}

Error ImageNotFound(std::string_view image) {
  return MakeError(ErrorCode::kNotFound, "image " + QuoteForMessage(image) + " not found");
}

Result<bool> ImageExists(Connection& db, std::string_view name) {
  APKD_ASSIGN_OR_RETURN(Query query, db.Prepare("SELECT 1 FROM images WHERE name = ?"));
  return query.Bind(name).Step();
}

Result<std::vector<std::string>> Strings(Query& query) {
  std::vector<std::string> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    out.push_back(query.Text(0));
  }
}

Result<std::vector<Org>> Orgs(Query& query) {
  std::vector<Org> out;
  while (true) {
    APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
    if (!has_row) {
      return out;
    }
    out.push_back({.uid = query.Text(0), .name = query.Text(1), .created_at = query.Int(2)});
  }
}

Status InsertNames(Connection& db, const char* sql, std::string_view first,
                   const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    APKD_ASSIGN_OR_RETURN(Query insert, db.Prepare(sql));
    if (!first.empty()) {
      insert.Bind(first);
    }
    APKD_RETURN_IF_ERROR(insert.Bind(name).Run());
  }
  return OkStatus();
}

}  // namespace

Result<Org> SqliteMetadataStore::CreateOrg(const Org& org) {
  APKD_RETURN_IF_ERROR(CheckOrgName(org.name));
  Org created = org;
  if (created.uid.empty()) {
    created.uid = NewUid();
  }
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", created.uid));
  return impl_->Write([&](Connection& db, bool&) -> Result<Org> {
    APKD_ASSIGN_OR_RETURN(Query insert,
                          db.Prepare("INSERT INTO orgs (uid, name, created_at) VALUES (?, ?, ?)"));
    Status status = insert.Bind(created.uid).Bind(created.name).Bind(created.created_at).Run();
    if (!status.ok() && status.error().code() == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "organization " + QuoteForMessage(created.name) + " already exists");
    }
    APKD_RETURN_IF_ERROR(status);
    return created;
  });
}

Result<Org> SqliteMetadataStore::FindOrg(std::string_view name_or_uid) {
  const char* sql = IsValidUid(name_or_uid)
                        ? "SELECT uid, name, created_at FROM orgs WHERE uid = ?"
                        : "SELECT uid, name, created_at FROM orgs WHERE name = ?";
  return impl_->Read([&](Connection& db) -> Result<Org> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare(sql));
    query.Bind(name_or_uid);
    APKD_ASSIGN_OR_RETURN(std::vector<Org> orgs, Orgs(query));
    if (orgs.empty()) {
      return OrgNotFound(name_or_uid);
    }
    return std::move(orgs.front());
  });
}

Result<std::vector<Org>> SqliteMetadataStore::ListOrgs() {
  return impl_->Read([&](Connection& db) -> Result<std::vector<Org>> {
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare("SELECT uid, name, created_at FROM orgs ORDER BY name"));
    return Orgs(query);
  });
}

Status SqliteMetadataStore::DeleteOrg(std::string_view uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", uid));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, uid));
    // Rows whose org_uid may be "" carry no foreign key; the rest cascade from orgs.
    for (const char* sql :
         {"DELETE FROM packages WHERE org_uid = ?", "DELETE FROM signing_keys WHERE org_uid = ?",
          "DELETE FROM identities WHERE org_uid = ?", "DELETE FROM orgs WHERE uid = ?"}) {
      APKD_ASSIGN_OR_RETURN(Query del, db.Prepare(sql));
      APKD_RETURN_IF_ERROR(del.Bind(uid).Run());
    }
    return OkStatus();
  });
}

Result<Image> SqliteMetadataStore::PutImage(const Image& image) {
  APKD_RETURN_IF_ERROR(CheckImage(image));
  Image stored{.name = image.name, .packages = SortedUnique(image.packages)};
  return impl_->Write([&](Connection& db, bool&) -> Result<Image> {
    APKD_ASSIGN_OR_RETURN(
        Query insert, db.Prepare("INSERT INTO images (name) VALUES (?) ON CONFLICT DO NOTHING"));
    APKD_RETURN_IF_ERROR(insert.Bind(stored.name).Run());
    APKD_ASSIGN_OR_RETURN(Query clear, db.Prepare("DELETE FROM image_packages WHERE image = ?"));
    APKD_RETURN_IF_ERROR(clear.Bind(stored.name).Run());
    APKD_RETURN_IF_ERROR(
        InsertNames(db, "INSERT INTO image_packages (image, package_name) VALUES (?, ?)",
                    stored.name, stored.packages));
    return stored;
  });
}

Result<Image> SqliteMetadataStore::GetImage(std::string_view name) {
  return impl_->Read(
      [&](Connection& db) -> Result<Image> {
        APKD_ASSIGN_OR_RETURN(const bool exists, ImageExists(db, name));
        if (!exists) {
          return ImageNotFound(name);
        }
        APKD_ASSIGN_OR_RETURN(Query query,
                              db.Prepare("SELECT package_name FROM image_packages WHERE image = ? "
                                         "ORDER BY package_name"));
        query.Bind(name);
        APKD_ASSIGN_OR_RETURN(std::vector<std::string> packages, Strings(query));
        return Image{.name = std::string(name), .packages = std::move(packages)};
      },
      /*snapshot=*/true);
}

Result<std::vector<Image>> SqliteMetadataStore::ListImages() {
  return impl_->Read([&](Connection& db) -> Result<std::vector<Image>> {
    APKD_ASSIGN_OR_RETURN(Query query, db.Prepare("SELECT i.name, p.package_name FROM images i "
                                                  "LEFT JOIN image_packages p ON p.image = i.name "
                                                  "ORDER BY i.name, p.package_name"));
    std::vector<Image> images;
    while (true) {
      APKD_ASSIGN_OR_RETURN(const bool has_row, query.Step());
      if (!has_row) {
        return images;
      }
      std::string name = query.Text(0);
      if (images.empty() || images.back().name != name) {
        images.push_back({.name = std::move(name), .packages = {}});
      }
      std::string package = query.Text(1);  // "" when the image is empty (LEFT JOIN)
      if (!package.empty()) {
        images.back().packages.push_back(std::move(package));
      }
    }
  });
}

Status SqliteMetadataStore::DeleteImage(std::string_view name) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query del, db.Prepare("DELETE FROM images WHERE name = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(name).Run());
    return db.Changes() > 0 ? OkStatus() : Status(ImageNotFound(name));
  });
}

Status SqliteMetadataStore::AddEntitlement(const Entitlement& entitlement) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", entitlement.org_uid));
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, entitlement.org_uid));
    APKD_ASSIGN_OR_RETURN(const bool image_exists, ImageExists(db, entitlement.image));
    if (!image_exists) {
      return ImageNotFound(entitlement.image);
    }
    APKD_ASSIGN_OR_RETURN(Query insert,
                          db.Prepare("INSERT INTO entitlements (org_uid, image) VALUES (?, ?)"));
    Status status = insert.Bind(entitlement.org_uid).Bind(entitlement.image).Run();
    if (!status.ok() && status.error().code() == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists, "the organization is already entitled to image " +
                                                      QuoteForMessage(entitlement.image));
    }
    return status;
  });
}

Status SqliteMetadataStore::RemoveEntitlement(const Entitlement& entitlement) {
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_ASSIGN_OR_RETURN(Query del,
                          db.Prepare("DELETE FROM entitlements WHERE org_uid = ? AND image = ?"));
    APKD_RETURN_IF_ERROR(del.Bind(entitlement.org_uid).Bind(entitlement.image).Run());
    if (db.Changes() == 0) {
      return MakeError(ErrorCode::kNotFound,
                       "no entitlement to image " + QuoteForMessage(entitlement.image));
    }
    return OkStatus();
  });
}

Result<std::vector<Entitlement>> SqliteMetadataStore::ListEntitlements(std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return impl_->Read([&](Connection& db) -> Result<std::vector<Entitlement>> {
    APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, org_uid));
    APKD_ASSIGN_OR_RETURN(
        Query query, db.Prepare("SELECT image FROM entitlements WHERE org_uid = ? ORDER BY image"));
    query.Bind(org_uid);
    APKD_ASSIGN_OR_RETURN(std::vector<std::string> images, Strings(query));
    std::vector<Entitlement> out;
    out.reserve(images.size());
    for (std::string& image : images) {
      out.push_back({.org_uid = std::string(org_uid), .image = std::move(image)});
    }
    return out;
  });
}

Result<std::vector<std::string>> SqliteMetadataStore::ListEntitledOrgs(std::string_view image) {
  return impl_->Read([&](Connection& db) -> Result<std::vector<std::string>> {
    APKD_ASSIGN_OR_RETURN(const bool exists, ImageExists(db, image));
    if (!exists) {
      return ImageNotFound(image);
    }
    APKD_ASSIGN_OR_RETURN(
        Query query,
        db.Prepare("SELECT org_uid FROM entitlements WHERE image = ? ORDER BY org_uid"));
    query.Bind(image);
    return Strings(query);
  });
}

Result<std::vector<std::string>> SqliteMetadataStore::GetBaseSet() {
  return impl_->Read([&](Connection& db) -> Result<std::vector<std::string>> {
    APKD_ASSIGN_OR_RETURN(Query query,
                          db.Prepare("SELECT package_name FROM base_set ORDER BY package_name"));
    return Strings(query);
  });
}

Status SqliteMetadataStore::SetBaseSet(std::span<const std::string> names) {
  for (const std::string& name : names) {
    APKD_RETURN_IF_ERROR(CheckPathToken("package name", name));
  }
  const std::vector<std::string> sorted = SortedUnique(names);
  return impl_->Write([&](Connection& db, bool&) -> Status {
    APKD_RETURN_IF_ERROR(db.Exec("DELETE FROM base_set"));
    return InsertNames(db, "INSERT INTO base_set (package_name) VALUES (?)", "", sorted);
  });
}

Result<std::vector<std::string>> SqliteMetadataStore::EntitledPackageNames(
    std::string_view org_uid) {
  APKD_RETURN_IF_ERROR(CheckUid("organization uid", org_uid));
  return impl_->Read(
      [&](Connection& db) -> Result<std::vector<std::string>> {
        APKD_RETURN_IF_ERROR(Impl::RequireOrg(db, org_uid));
        return Impl::EntitledNames(db, org_uid);
      },
      /*snapshot=*/true);
}

Result<std::vector<std::string>> SqliteMetadataStore::Impl::EntitledNames(
    Connection& db, std::string_view org_uid) {
  APKD_ASSIGN_OR_RETURN(
      Query query, db.Prepare("SELECT ip.package_name FROM entitlements e "
                              "JOIN image_packages ip ON ip.image = e.image WHERE e.org_uid = ? "
                              "UNION SELECT package_name FROM base_set ORDER BY 1"));
  query.Bind(org_uid);
  return Strings(query);
}

}  // namespace apkd::storage
