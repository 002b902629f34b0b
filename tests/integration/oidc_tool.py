#!/usr/bin/env python3
"""A stand-in OpenID Connect issuer for apkd's integration tests, independent of apkd's code.

Python's standard library plus the openssl CLI only:
  oidc_tool.py serve DIR PORT_FILE [NAME=KTY:KEY.pem:KID[,KTY:KEY.pem:KID]...]...
                                     write DIR/NAME.jwks.json with the public JWKs of the
                                     openssl-generated keys (KTY is RSA or EC), then serve every
                                     DIR/<name>.jwks.json as the issuer
                                     http://127.0.0.1:<port>/<name> (discovery document at
                                     /<name>/.well-known/openid-configuration, keys at
                                     /<name>/jwks); writes the port to PORT_FILE once listening
                                     and appends each request path to DIR/requests.log
  oidc_tool.py mint                  read a JSON array of {"alg","key","kid","claims"} on stdin
                                     and print one compact JWS per line over each claims JSON
                                     text. alg is RS256 or ES256 (signed with `openssl dgst
                                     -sha256 -sign key`; ES256 turns openssl's DER into raw
                                     r||s), none (empty signature) or HS256 (HMAC keyed with the
                                     bytes of the file key); kid "" leaves kid out of the header
(One process mints many tokens: interpreter start-up is the slow part of these tests.)
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def der_length(der, i):
    first = der[i]
    if first < 0x80:
        return first, i + 1
    count = first & 0x7F
    return int.from_bytes(der[i + 1:i + 1 + count], "big"), i + 1 + count


def der_ecdsa_to_raw(der):
    """ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> 32-byte r || 32-byte s."""
    assert der[0] == 0x30
    _, i = der_length(der, 1)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        length, i = der_length(der, i + 1)
        out += int.from_bytes(der[i:i + length], "big").to_bytes(32, "big")
        i += length
    return out


def jwk(kty, key, kid):
    if kty == "RSA":
        modulus = openssl("rsa", "-in", key, "-noout", "-modulus").decode().strip()
        n = int(modulus.split("=", 1)[1], 16)
        text = openssl("rsa", "-in", key, "-noout", "-text").decode()
        e = int(text.split("publicExponent:")[1].split()[0])
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": b64url(n.to_bytes((n.bit_length() + 7) // 8, "big")),
                "e": b64url(e.to_bytes((e.bit_length() + 7) // 8, "big"))}
    spki = openssl("ec", "-in", key, "-pubout", "-outform", "DER")
    point = spki[-65:]
    assert point[0] == 4
    return {"kty": "EC", "crv": "P-256", "use": "sig", "kid": kid,
            "x": b64url(point[1:33]), "y": b64url(point[33:])}


def mint(alg, key, kid, claims):
    header = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(claims.encode())
    if alg == "none":
        signature = b""
    elif alg == "HS256":
        with open(key, "rb") as f:
            signature = hmac.new(f.read(), signing_input.encode(), hashlib.sha256).digest()
    else:
        der = openssl("dgst", "-sha256", "-sign", key, data=signing_input.encode())
        signature = der_ecdsa_to_raw(der) if alg == "ES256" else der
    return signing_input + "." + b64url(signature)


def serve(directory, port_file):
    class Issuer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(os.path.join(directory, "requests.log"), "a") as log:
                log.write(self.path + "\n")
            base = "http://127.0.0.1:%d" % self.server.server_port
            parts = [p for p in self.path.split("/") if p]
            jwks_file = os.path.join(directory, (parts[0] if parts else "") + ".jwks.json")
            if not parts or not os.path.exists(jwks_file):
                return self.answer(404, b"{}")
            if parts[1:] == [".well-known", "openid-configuration"]:
                doc = {"issuer": base + "/" + parts[0], "jwks_uri": base + "/" + parts[0] + "/jwks",
                       "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
                return self.answer(200, json.dumps(doc).encode())
            if parts[1:] == ["jwks"]:
                with open(jwks_file, "rb") as f:
                    return self.answer(200, f.read())
            return self.answer(404, b"{}")

        def answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Issuer)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


def main():
    command = sys.argv[1]
    if command == "serve":
        for issuer in sys.argv[4:]:
            name, specs = issuer.split("=", 1)
            keys = [jwk(*spec.split(":", 2)) for spec in specs.split(",")]
            with open(os.path.join(sys.argv[2], name + ".jwks.json"), "w") as f:
                json.dump({"keys": keys}, f)
        serve(sys.argv[2], sys.argv[3])
    elif command == "mint":
        for request in json.load(sys.stdin):
            print(mint(request["alg"], request["key"], request["kid"], request["claims"]))
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
