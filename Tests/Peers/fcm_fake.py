#!/usr/bin/env python3
"""A stand-in for Firebase Cloud Messaging's HTTP v1 API and Google's OAuth 2 token endpoint as
FCM's service accounts use it, for Cairn's push tests. Verifies what Cairn sends with an
independent library (PyPI's `cryptography`).

    fcm_fake.py --port P --public-key PEMFILE --client-email EMAIL [--project ID] [--expires-in SECONDS]

Prints "ready <port>" once listening (port 0 picks a free one). Speaks
POST /token (application/x-www-form-urlencoded: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
assertion=<JWT>) as Google's token endpoint does: the JWT must be RS256 over its header and
claims, signed by the key whose public half is PEMFILE, with iss = EMAIL, aud = this endpoint's
URL, scope = firebase.messaging, iat not in the future and exp = iat + 3600 at most. Answers
{"access_token","expires_in","token_type":"Bearer"}, or Google's {"error","error_description"}
with 400.

POST /v1/projects/{ID}/messages:send with "Authorization: Bearer <a token issued here>" and
{"message":{"token","notification":{"title","body","image"?},"data"?}} answers {"name":
"projects/ID/messages/<n>"}, or FCM's error body {"error":{"code","message","status","details":
[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode"}]}}: 401
UNAUTHENTICATED for an unknown or revoked token; 400 INVALID_ARGUMENT for a malformed message;
and by the device token's first word: unregistered… 404 UNREGISTERED, invalid… 400
INVALID_ARGUMENT, quota… 429 QUOTA_EXCEEDED (Retry-After: 30), unavailable… 503 UNAVAILABLE,
internal… 500 INTERNAL, mismatch… 403 SENDER_ID_MISMATCH, thirdparty… 401 THIRD_PARTY_AUTH_ERROR.

Controls for tests:
  GET /_control/tokens    {"issued": N, "last": "<token>"}: how many tokens were issued.
  GET /_control/messages  {"messages": [the message objects accepted, in order]}.
  POST /_control/revoke   every token issued so far is refused from now on.
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
    def __init__(self, public_key, client_email, expires_in, project):
        self.public_key = public_key
        self.client_email = client_email
        self.expires_in = expires_in
        self.project = project
        self.issued = 0
        self.last = None
        self.live = set()
        self.messages = []
        self.lock = threading.Lock()


FCM_ERRORS = {
    "unregistered": (404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found."),
    "invalid": (400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token"),
    "quota": (429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded for quota metric 'Messages'."),
    "unavailable": (503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable."),
    "internal": (500, "INTERNAL", "INTERNAL", "Internal error encountered."),
    "mismatch": (403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch"),
    "thirdparty": (401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "Auth error from APNS or Web Push Service"),
}


def fcm_error(code, status, error_code, message):
    body = {"error": {"code": code, "message": message, "status": status}}
    if error_code:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}
        ]
    return body


def make_handler(state, port_holder):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, error, description):
            self.answer(400, {"error": error, "error_description": description})

        def do_GET(self):
            if self.path == "/_control/tokens":
                with state.lock:
                    self.answer(200, {"issued": state.issued, "last": state.last})
            elif self.path == "/_control/messages":
                with state.lock:
                    self.answer(200, {"messages": state.messages})
            else:
                self.answer(404, {"error": "not_found"})

        def send_message(self, raw):
            auth = self.headers.get("Authorization") or ""
            with state.lock:
                known = auth.startswith("Bearer ") and auth[len("Bearer "):] in state.live
            if not known:
                return self.answer(401, fcm_error(401, "UNAUTHENTICATED", None,
                    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."))
            try:
                message = json.loads(raw)["message"]
                token = message["token"]
                notification = message["notification"]
                assert isinstance(token, str) and token
                assert isinstance(notification.get("title"), str) and isinstance(notification.get("body"), str)
                assert all(isinstance(v, str) for v in (message.get("data") or {}).values())
            except Exception:
                return self.answer(400, fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                    "Invalid JSON payload received."))
            word = token.split("-")[0]
            if word in FCM_ERRORS:
                code, status, error_code, text = FCM_ERRORS[word]
                headers = [("Retry-After", "30")] if code == 429 else []
                return self.answer(code, fcm_error(code, status, error_code, text), headers)
            with state.lock:
                state.messages.append(message)
                name = "projects/%s/messages/0:%d" % (state.project, len(state.messages))
            self.answer(200, {"name": name})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if self.path == "/_control/revoke":
                with state.lock:
                    state.live.clear()
                return self.answer(200, {})
            if self.path == "/v1/projects/%s/messages:send" % state.project:
                return self.send_message(raw)
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
                state.live.add(token)
            self.answer(200, {"access_token": token, "expires_in": state.expires_in, "token_type": "Bearer"})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--public-key", required=True)
    parser.add_argument("--client-email", required=True)
    parser.add_argument("--expires-in", type=int, default=3599)
    parser.add_argument("--project", default="example-project")
    args = parser.parse_args()
    with open(args.public_key, "rb") as file:
        public_key = serialization.load_pem_public_key(file.read())
    state = State(public_key, args.client_email, args.expires_in, args.project)
    port_holder = [0]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state, port_holder))
    port_holder[0] = server.server_address[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready %d" % port_holder[0], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
