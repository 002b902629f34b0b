// apkctl packages import [--org ORG] [--arch A,B] [--auth USER:TOKEN] [--keys-dir DIR] SOURCE:
// publishes every package of an existing apk repository. SOURCE is a directory laid out as one
// (DIR/<arch>/APKINDEX.tar.gz, or a flat DIR/APKINDEX.tar.gz, with the .apk files beside each
// index) or the http(s) URL of one (URL/<arch>/APKINDEX.tar.gz for each --arch, by default
// x86_64,aarch64). Each record's file NAME-VERSION.apk must exist and match the record's C:
// checksum before it is uploaded; otherwise it is refused and the import goes on.
#pragma once

#include "cli/online_session.h"

namespace apkd::cli {

// Runs the import on an already started session; returns the exit code (UploadReport::Finish).
int ImportPackages(OnlineSession& session);

}  // namespace apkd::cli
