#!/usr/bin/env python3
"""Checks an ES256 JWT against a JWKS with nothing but the Python standard library and the
openssl command: the JWK's x and y become a DER SubjectPublicKeyInfo (written as PEM), the JOSE
r||s signature becomes a DER ECDSA-Sig-Value, and `openssl dgst -sha256 -verify` decides.

usage: jwk_verify.py JWKS_FILE TOKEN_FILE
Prints openssl's verdict ("Verified OK") and the kid; exits 0 iff the signature verifies.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import textwrap

# SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID prime256v1 }, BIT STRING (0 unused bits) ... }
P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_integer(raw):
    raw = raw.lstrip(b"\0") or b"\0"
    if raw[0] & 0x80:
        raw = b"\0" + raw
    return b"\x02" + bytes([len(raw)]) + raw


def main():
    with open(sys.argv[1]) as f:
        jwks = json.load(f)
    with open(sys.argv[2]) as f:
        token = f.read().strip()
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url(header_b64))
    if header.get("alg") != "ES256":
        print("not ES256")
        return 1
    matches = [k for k in jwks["keys"] if k.get("kid") == header.get("kid")]
    if len(matches) != 1:
        print("no single JWK with kid", header.get("kid"))
        return 1
    jwk = matches[0]
    if (jwk.get("kty"), jwk.get("crv"), jwk.get("alg"), jwk.get("use")) != ("EC", "P-256", "ES256", "sig"):
        print("unexpected JWK members", jwk)
        return 1
    x, y = b64url(jwk["x"]), b64url(jwk["y"])
    if len(x) != 32 or len(y) != 32:
        print("coordinates are not 32 bytes")
        return 1
    spki = P256_SPKI_PREFIX + b"\x04" + x + y
    pem = ("-----BEGIN PUBLIC KEY-----\n" +
           "\n".join(textwrap.wrap(base64.b64encode(spki).decode(), 64)) +
           "\n-----END PUBLIC KEY-----\n")
    signature = b64url(signature_b64)
    if len(signature) != 64:
        print("signature is not 64 bytes")
        return 1
    body = der_integer(signature[:32]) + der_integer(signature[32:])
    der_signature = b"\x30" + bytes([len(body)]) + body
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("key.pem", "sig.der", "data")}
        for name, content in (("key.pem", pem.encode()), ("sig.der", der_signature),
                              ("data", (header_b64 + "." + payload_b64).encode())):
            with open(paths[name], "wb") as f:
                f.write(content)
        result = subprocess.run(
            ["openssl", "dgst", "-sha256", "-verify", paths["key.pem"], "-signature",
             paths["sig.der"], paths["data"]],
            capture_output=True, text=True)
    print(result.stdout.strip() or result.stderr.strip(), header["kid"])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
