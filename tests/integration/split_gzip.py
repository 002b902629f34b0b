#!/usr/bin/env python3
"""Independent checker: splits a file into its raw gzip members with Python's zlib.

usage: split_gzip.py FILE OUTDIR  -> writes OUTDIR/member0.gz, member1.gz, ... and prints the count
"""
import os
import sys
import zlib


def main() -> int:
    data = open(sys.argv[1], "rb").read()
    out_dir = sys.argv[2]
    pos = 0
    count = 0
    while pos < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        inflater.decompress(data[pos:])
        if not inflater.eof:
            print("truncated member", file=sys.stderr)
            return 1
        used = len(data) - pos - len(inflater.unused_data)
        with open(os.path.join(out_dir, f"member{count}.gz"), "wb") as f:
            f.write(data[pos:pos + used])
        pos += used
        count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
