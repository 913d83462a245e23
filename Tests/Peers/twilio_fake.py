#!/usr/bin/env python3
"""A stand-in for Twilio's Messages API (2010-04-01), for Cairn's SMS tests. Standard library only.

    twilio_fake.py --port P --spool DIR --account SID:TOKEN [--account SID:TOKEN ...]

Prints "ready <port>" once listening (port 0 picks a free one). Speaks
POST /2010-04-01/Accounts/{Sid}/Messages.json as Twilio does: HTTP Basic auth, form fields To,
From or MessagingServiceSid, Body, StatusCallback; Twilio's JSON error bodies and its magic test
numbers. Each accepted message is written to DIR/<To>/<n>.json (form fields, raw body, auth user,
Authorization and Content-Type headers).

Controls for tests:
  POST /_control/fail   form to=...&count=N&status=429|500|503: the next N sends to that To fail so.
  POST /_sink/...       records a request (a status callback aimed back at the fake) to
                        DIR/_callbacks/<n>.json: path, signature header, content type, raw body.
After a success with a StatusCallback, a background thread posts "sent" then "delivered" (or
"undelivered" with ErrorCode 30003 for To numbers starting +1500555077), signed with
X-Twilio-Signature as Twilio signs: base64(HMAC-SHA1(token, url + sorted name+value pairs)).
"""

import argparse
import base64
import email.utils
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_VERSION = "2010-04-01"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
SHORT_CODE = re.compile(r"^[0-9]{5,6}$")
ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    "^{}\\[~]|€"
)


def error_body(code, message, status, **extra):
    body = {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}
    body.update(extra)
    return body


MAGIC_TO = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: {sender} via SMS."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
FAULTS = {
    429: (20429, "Too Many Requests"),
    500: (20500, "An internal server error has occurred"),
    503: (20503, "Service Unavailable"),
}


def segments(body):
    if all(ch in GSM_BASIC for ch in body):
        single, part = 160, 153
    else:
        single, part = 70, 67
    length = len(body)
    return 1 if length <= single else -(-length // part)


def signature(token, url, params):
    text = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


class State:
    def __init__(self, spool, accounts):
        self.spool = spool
        self.accounts = accounts
        self.lock = threading.Lock()
        self.faults = {}  # To -> [remaining, status]
        self.counts = {}  # directory -> files written

    def take_fault(self, to):
        with self.lock:
            fault = self.faults.get(to)
            if not fault or fault[0] <= 0:
                return None
            fault[0] -= 1
            return fault[1]

    def write(self, directory, record):
        path = os.path.join(self.spool, directory)
        with self.lock:
            number = self.counts.get(directory, 0) + 1
            self.counts[directory] = number
            os.makedirs(path, exist_ok=True)
            final = os.path.join(path, f"{number}.json")
            temporary = final + ".tmp"
            with open(temporary, "w", encoding="utf-8") as file:
                json.dump(record, file, indent=2, sort_keys=True)
            os.replace(temporary, final)  # readers never see half a file


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "twilio-fake"
    sys_version = ""

    def log_message(self, format, *args):
        sys.stderr.write("twilio_fake: " + (format % args) + "\n")

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode("utf-8", errors="replace")

    def do_GET(self):
        self.read_body()
        self.reply(405, error_body(20004, "Method not allowed", 405))

    def do_POST(self):
        raw = self.read_body()
        state = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_control/fail":
            form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            with state.lock:
                state.faults[form["to"]] = [int(form.get("count", "1")), int(form.get("status", "500"))]
            return self.reply(200, {"ok": True})
        if path.startswith("/_sink/"):
            state.write("_callbacks", {
                "path": self.path,
                "signature": self.headers.get("X-Twilio-Signature"),
                "contentType": self.headers.get("Content-Type"),
                "userAgent": self.headers.get("User-Agent"),
                "rawBody": raw,
            })
            return self.reply(200)
        match = MESSAGES_PATH.match(path)
        if not match:
            return self.reply(404, error_body(20404, f"The requested resource {path} was not found", 404))
        self.create_message(state, match.group(1), raw)

    def authenticated_user(self, state, path_sid):
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except ValueError:
            return None
        token = state.accounts.get(user)
        if token is None or not hmac.compare_digest(token, password) or user != path_sid:
            return None
        return user

    def create_message(self, state, account_sid, raw):
        user = self.authenticated_user(state, account_sid)
        if user is None:
            return self.reply(401, error_body(20003, "Authenticate", 401, detail="Your AccountSid or AuthToken was incorrect."))
        form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        to = form.get("To", "")
        sender = form.get("From", "")
        service = form.get("MessagingServiceSid", "")
        body = form.get("Body", "")
        fault = state.take_fault(to) if to else None
        if fault is not None:
            code, message = FAULTS.get(fault, (20500, "An internal server error has occurred"))
            return self.reply(fault, error_body(code, message, fault))
        if not to:
            return self.reply(400, error_body(21604, "A 'To' phone number is required.", 400))
        if not sender and not service:
            return self.reply(400, error_body(21603, "A 'From' phone number is required.", 400))
        if service and not MESSAGING_SERVICE_SID.match(service):
            return self.reply(400, error_body(21701, f"The Messaging Service Sid {service} is invalid.", 400))
        if sender and not (E164.match(sender) or SHORT_CODE.match(sender) or ALPHANUMERIC_SENDER.match(sender)):
            return self.reply(400, error_body(21212, f"The 'From' number {sender} is not a valid phone number, shortcode, or alphanumeric sender ID.", 400))
        if not body:
            return self.reply(400, error_body(21602, "Message body is required.", 400))
        if len(body) > 1600:
            return self.reply(400, error_body(21617, "The concatenated message body exceeds the 1600 character limit.", 400))
        if not E164.match(to):
            return self.reply(400, error_body(21211, f"The 'To' number {to} is not a valid phone number.", 400))
        if sender == "+15005550001":
            return self.reply(400, error_body(21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID.", 400))
        if to in MAGIC_TO:
            code, message = MAGIC_TO[to]
            return self.reply(400, error_body(code, message.format(sender=sender or service), 400))

        sid = "SM" + secrets.token_hex(16)
        now = email.utils.formatdate(usegmt=False).replace("-0000", "+0000")
        uri = f"/{API_VERSION}/Accounts/{user}/Messages/{sid}"
        resource = {
            "account_sid": user,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender or None,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": "0" if service else str(segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service else "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": to,
            "uri": f"{uri}.json",
        }
        state.write(to, {"form": form, "rawBody": raw, "authUser": user, "sid": sid,
                         "authorization": self.headers.get("Authorization"),
                         "contentType": self.headers.get("Content-Type")})
        self.reply(201, resource)
        callback = form.get("StatusCallback")
        if callback:
            token = state.accounts[user]
            threading.Thread(target=send_callbacks, args=(callback, token, user, sid, to, sender or service), daemon=True).start()


def send_callbacks(url, token, account_sid, sid, to, sender):
    final = ("undelivered", "30003") if to.startswith("+1500555077") else ("delivered", None)
    for status, error_code in (("sent", None), final):
        params = [("AccountSid", account_sid), ("ApiVersion", API_VERSION), ("From", sender),
                  ("MessageSid", sid), ("MessageStatus", status), ("SmsSid", sid), ("SmsStatus", status),
                  ("To", to)]
        if error_code:
            params.append(("ErrorCode", error_code))
        data = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": "TwilioProxy/1.1",
            "X-Twilio-Signature": signature(token, url, params),
        })
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except Exception as error:  # a receiver that fails gets no retry, as with Twilio's callbacks
            sys.stderr.write(f"twilio_fake: status callback to {url} failed: {error}\n")


def main():
    parser = argparse.ArgumentParser(description="A fake of Twilio's Messages API for tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--account", action="append", required=True, help="SID:TOKEN")
    arguments = parser.parse_args()
    # A parent may hand down SIGTERM blocked or ignored (a Swift test's Process does): take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    accounts = dict(account.split(":", 1) for account in arguments.account)
    os.makedirs(arguments.spool, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    server.state = State(arguments.spool, accounts)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
