#!/usr/bin/env python3
"""Independent checker: splits a file into its raw gzip members with Python's zlib.

usage: split_gzip.py FILE OUTDIR  -> writes OUTDIR/member0.gz, member1.gz, ... and prints the count
"""
import os
import sys
import zlib


def split_members(data: bytes) -> list:
    """The raw bytes of each gzip member of `data`, in order; ValueError if one is truncated."""
    members = []
    pos = 0
    while pos < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(data[pos:])
        if not inflater.eof:
            raise ValueError("truncated member")
        used = len(data) - pos - len(inflater.unused_data)
        members.append(data[pos:pos + used])
        pos += used
    return members


def main() -> int:
    data = open(sys.argv[1], "rb").read()
    out_dir = sys.argv[2]
    try:
        members = split_members(data)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    for count, member in enumerate(members):
        with open(os.path.join(out_dir, f"member{count}.gz"), "wb") as f:
            f.write(member)
    print(len(members))
    return 0


if __name__ == "__main__":
    sys.exit(main())
