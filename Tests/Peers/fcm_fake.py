#!/usr/bin/env python3
"""A stand-in for Google's OAuth 2 token endpoint as FCM's service accounts use it, for Cairn's
push tests. Verifies what Cairn sends with an independent library (PyPI's `cryptography`).

    fcm_fake.py --port P --public-key PEMFILE --client-email EMAIL [--expires-in SECONDS]

Prints "ready <port>" once listening (port 0 picks a free one). Speaks
POST /token (application/x-www-form-urlencoded: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
assertion=<JWT>) as Google's token endpoint does: the JWT must be RS256 over its header and
claims, signed by the key whose public half is PEMFILE, with iss = EMAIL, aud = this endpoint's
URL, scope = firebase.messaging, iat not in the future and exp = iat + 3600 at most. Answers
{"access_token","expires_in","token_type":"Bearer"}, or Google's {"error","error_description"}
with 400.

Controls for tests:
  GET /_control/tokens   {"issued": N, "last": "<token>"}: how many tokens were issued.
"""

import argparse
import base64
import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class State:
    def __init__(self, public_key, client_email, expires_in):
        self.public_key = public_key
        self.client_email = client_email
        self.expires_in = expires_in
        self.issued = 0
        self.last = None
        self.lock = threading.Lock()


def make_handler(state, port_holder):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, error, description):
            self.answer(400, {"error": error, "error_description": description})

        def do_GET(self):
            if self.path == "/_control/tokens":
                with state.lock:
                    self.answer(200, {"issued": state.issued, "last": state.last})
            else:
                self.answer(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if self.path != "/token":
                return self.answer(404, {"error": "not_found"})
            if not (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
                return self.refuse("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
            form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            if form.get("grant_type") != GRANT:
                return self.refuse("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
            parts = form.get("assertion", "").split(".")
            if len(parts) != 3:
                return self.refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe")
            try:
                header = json.loads(b64url_decode(parts[0]))
                claims = json.loads(b64url_decode(parts[1]))
                signature = b64url_decode(parts[2])
            except Exception:
                return self.refuse("invalid_grant", "Invalid JWT Signature.")
            if header.get("alg") != "RS256":
                return self.refuse("invalid_grant", "Invalid JWT: alg must be RS256")
            try:
                state.public_key.verify(
                    signature, (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256()
                )
            except InvalidSignature:
                return self.refuse("invalid_grant", "Invalid JWT Signature.")
            url = "http://127.0.0.1:%d/token" % port_holder[0]
            now = int(time.time())
            iat, exp = claims.get("iat"), claims.get("exp")
            if claims.get("iss") != state.client_email:
                return self.refuse("invalid_grant", "Invalid email or User ID")
            if claims.get("aud") != url:
                return self.refuse("invalid_grant", "Invalid JWT: audience must be " + url)
            if claims.get("scope") != SCOPE:
                return self.refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
            if not isinstance(iat, int) or not isinstance(exp, int) or iat > now + 60 or exp - iat > 3600 or exp < now:
                return self.refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
            with state.lock:
                state.issued += 1
                token = "ya29.fake-%d" % state.issued
                state.last = token
            self.answer(200, {"access_token": token, "expires_in": state.expires_in, "token_type": "Bearer"})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--client-email", required=True)
    parser.add_argument("--expires-in", type=int, default=3599)
    args = parser.parse_args()
    with open(args.public_key, "rb") as file:
        public_key = serialization.load_pem_public_key(file.read())
    state = State(public_key, args.client_email, args.expires_in)
    port_holder = [0]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, port_holder))
    port_holder[0] = server.server_address[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready %d" % port_holder[0], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
