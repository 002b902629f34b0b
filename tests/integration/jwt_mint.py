#!/usr/bin/env python3
"""Independent token minting for tests: builds compact ES256 JWS tokens with Python's json and
base64 and `openssl dgst -sha256 -sign`, converting openssl's DER ECDSA signature into the JOSE
form (raw r || s, 32 + 32 bytes, base64url).

usage: jwt_mint.py decode TOKEN
           -> prints the header JSON and the payload JSON, one per line
       jwt_mint.py mint TEMPLATE_TOKEN KEY_PEM|none [header.NAME=VALUE | NAME=VALUE ...]
           -> prints a token with TEMPLATE_TOKEN's header and claims (a fresh `jti`), the given
              changes applied, signed with KEY_PEM ("none": an empty signature part).
              VALUE "now+N" / "now-N" is a time relative to now, an integer is a number,
              anything else a string; an empty VALUE removes the member.
"""
import base64
import json
import os
import subprocess
import sys
import time


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_to_raw(der: bytes) -> bytes:
    """ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> r || s, 32 bytes each."""
    if der[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    pos = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    raw = b""
    for _ in range(2):
        if der[pos] != 0x02:
            raise ValueError("not a DER INTEGER")
        length = der[pos + 1]
        value = der[pos + 2:pos + 2 + length].lstrip(b"\0")
        if len(value) > 32:
            raise ValueError("integer longer than 32 bytes")
        raw += value.rjust(32, b"\0")
        pos += 2 + length
    return raw


def parse_value(text: str):
    if text.startswith("now+") or text.startswith("now-"):
        return int(time.time()) + int(text[3:])
    try:
        return int(text)
    except ValueError:
        return text


def mint(template: str, key: str, changes: list) -> str:
    header_b64, payload_b64, _ = template.split(".")
    header = json.loads(b64url_decode(header_b64))
    payload = json.loads(b64url_decode(payload_b64))
    payload["jti"] = b64url_encode(os.urandom(12))
    for change in changes:
        name, value = change.split("=", 1)
        target = payload
        if name.startswith("header."):
            target, name = header, name[len("header."):]
        if value == "":
            target.pop(name, None)
        else:
            target[name] = parse_value(value)
    signing_input = (b64url_encode(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url_encode(json.dumps(payload, separators=(",", ":")).encode()))
    if key == "none":
        return signing_input + "."
    der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                         input=signing_input.encode(), capture_output=True, check=True).stdout
    return signing_input + "." + b64url_encode(der_to_raw(der))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "decode":
        header_b64, payload_b64, _ = sys.argv[2].split(".")
        print(b64url_decode(header_b64).decode())
        print(b64url_decode(payload_b64).decode())
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "mint":
        print(mint(sys.argv[2], sys.argv[3], sys.argv[4:]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
