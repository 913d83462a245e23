#!/usr/bin/env python3
"""A stand-in for a Web Push service and the browsers subscribed to it, for Cairn's push tests.
Checks what Cairn sends with independent libraries: PyPI's http_ece decrypts the payload
(RFC 8291's aes128gcm) with the browser's private key, and cryptography verifies the VAPID token
(RFC 8292: ES256 over the JWT, aud = this service's origin, exp in the future and at most 24 hours
on, sub a mailto: or https: URL).

    webpush_fake.py --port P

Prints "ready <port>" once listening (port 0 picks a free one).

POST /_control/subscribe?name=NAME makes a browser: a P-256 key pair and a 16-byte auth secret,
answering the subscription as PushSubscription.toJSON() gives it: {"endpoint":
"http://127.0.0.1:P/push/NAME", "keys": {"p256dh", "auth"}}.

POST /push/NAME (RFC 8030) needs Content-Encoding: aes128gcm, a TTL header and
"Authorization: vapid t=<jwt>, k=<public key>". A push it cannot decrypt or whose token does not
verify is refused with 400 or 401 (and recorded under "refused"). By the name's first word:
gone... answers 410, missing... 404, busy... 429 with Retry-After: 30, down... 503, big... 413;
any other name 201 Created with a Location.

GET /_control/messages answers {"messages": [{"name", "payload" (the decrypted JSON), "vapidKey",
"sub", "aud", "exp", "ttl", "urgency"}], "refused": [reasons]}.
"""

import argparse
import base64
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.browsers = {}
        self.messages = []
        self.refused = []


def verify_vapid(header, origin):
    """The token's claims, or raises ValueError saying why it is refused."""
    if not header.startswith("vapid "):
        raise ValueError("Authorization is not the vapid scheme")
    params = {}
    for part in header[len("vapid "):].split(","):
        name, _, value = part.strip().partition("=")
        params[name] = value
    token, key = params.get("t"), params.get("k")
    if not token or not key:
        raise ValueError("vapid needs t and k")
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    header_part, claims_part, signature_part = token.split(".")
    jwt_header = json.loads(b64url_decode(header_part))
    if jwt_header.get("alg") != "ES256":
        raise ValueError("the token is not ES256")
    signature = b64url_decode(signature_part)
    if len(signature) != 64:
        raise ValueError("the signature is not r||s of 64 bytes")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, (header_part + "." + claims_part).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the token's signature does not verify")
    claims = json.loads(b64url_decode(claims_part))
    now = time.time()
    if claims.get("aud") != origin:
        raise ValueError("aud %r is not %r" % (claims.get("aud"), origin))
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now or exp > now + 86400 + 60:
        raise ValueError("exp %r is not within the next 24 hours" % exp)
    sub = claims.get("sub", "")
    if not (sub.startswith("mailto:") or sub.startswith("https:")):
        raise ValueError("sub %r is neither mailto: nor https:" % sub)
    return key, claims


def make_handler(state, port_holder):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body=None, headers=()):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/_control/messages":
                with state.lock:
                    self.answer(200, {"messages": state.messages, "refused": state.refused})
            else:
                self.answer(404, {"error": "not found"})

        def refuse(self, status, reason):
            with state.lock:
                state.refused.append(reason)
            self.answer(status, {"error": reason})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            parsed = urllib.parse.urlparse(self.path)
            if parsed.path == "/_control/subscribe":
                name = urllib.parse.parse_qs(parsed.query)["name"][0]
                private_key = ec.generate_private_key(ec.SECP256R1())
                auth = os.urandom(16)
                with state.lock:
                    state.browsers[name] = (private_key, auth)
                point = private_key.public_key().public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
                self.answer(200, {
                    "endpoint": "http://127.0.0.1:%d/push/%s" % (port_holder[0], name),
                    "keys": {"p256dh": b64url(point), "auth": b64url(auth)},
                })
                return
            if not parsed.path.startswith("/push/"):
                self.answer(404, {"error": "not found"})
                return
            name = parsed.path[len("/push/"):]
            for prefix, status in (("gone", 410), ("missing", 404), ("big", 413), ("down", 503)):
                if name.startswith(prefix):
                    self.answer(status, {"error": prefix})
                    return
            if name.startswith("busy"):
                self.answer(429, {"error": "too many"}, headers=[("Retry-After", "30")])
                return
            with state.lock:
                browser = state.browsers.get(name)
            if browser is None:
                self.answer(404, {"error": "no such subscription"})
                return
            if self.headers.get("Content-Encoding") != "aes128gcm":
                self.refuse(400, "Content-Encoding is %r" % self.headers.get("Content-Encoding"))
                return
            if not self.headers.get("TTL"):
                self.refuse(400, "no TTL header")
                return
            try:
                key, claims = verify_vapid(
                    self.headers.get("Authorization", ""), "http://127.0.0.1:%d" % port_holder[0]
                )
            except ValueError as error:
                self.refuse(401, str(error))
                return
            try:
                plain = http_ece.decrypt(body, private_key=browser[0], auth_secret=browser[1], version="aes128gcm")
                payload = json.loads(plain)
            except Exception as error:
                self.refuse(400, "the payload does not decrypt: %r" % error)
                return
            with state.lock:
                state.messages.append({
                    "name": name, "payload": payload, "vapidKey": key, "sub": claims["sub"],
                    "aud": claims["aud"], "exp": claims["exp"], "ttl": self.headers.get("TTL"),
                    "urgency": self.headers.get("Urgency"),
                })
                number = len(state.messages)
            self.answer(201, None, headers=[("Location", "/messages/%d" % number)])

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    state = State()
    port_holder = [0]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, port_holder))
    port_holder[0] = server.server_address[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready %d" % port_holder[0], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
