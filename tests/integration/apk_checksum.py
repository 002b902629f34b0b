#!/usr/bin/env python3
"""Independent checker: the APKINDEX `C:` identity of .apk files, computed with Python's zlib,
hashlib and base64 only: "Q1" + base64(SHA-1(raw bytes of the control gzip member)). The control
member is the one whose first tar entry (after any PAX header) is .PKGINFO.

usage: apk_checksum.py FILE...  -> prints one "Q1..." line per FILE; exit 1 if a file has no
                                   control member
"""
import base64
import hashlib
import os
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from split_gzip import split_members  # noqa: E402

BLOCK = 512


def first_entry_name(tar: bytes) -> str:
    pos = 0
    while pos + BLOCK <= len(tar):
        header = tar[pos:pos + BLOCK]
        name = header[:100].split(b"\0", 1)[0].decode("utf-8", "replace")
        typeflag = header[156:157]
        if typeflag not in (b"x", b"g"):
            return name
        size = int(header[124:136].split(b"\0", 1)[0].strip() or b"0", 8)
        pos += BLOCK + (size + BLOCK - 1) // BLOCK * BLOCK
    return ""


def identity(path: str) -> str:
    for member in split_members(open(path, "rb").read()):
        if first_entry_name(zlib.decompress(member, 16 + zlib.MAX_WBITS)) == ".PKGINFO":
            return "Q1" + base64.b64encode(hashlib.sha1(member).digest()).decode()
    raise ValueError(path + ": no control member")


def main() -> int:
    try:
        for path in sys.argv[1:]:
            print(identity(path))
    except (OSError, ValueError, zlib.error) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
