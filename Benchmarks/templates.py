#!/usr/bin/env python3
"""Times saving (and previewing) assets with many merge tags through the admin API (issue 22, item 6),
and checks that deep nesting is refused (item 1). Against a running server, 127.0.0.1 only:

  python3 Benchmarks/templates.py BRAND_URL ADMIN_TOKEN [TAGS ...]

BRAND_URL is a brand's admin root (http://127.0.0.1:8080/admin/v1/brands/hea/hea/HEA; the brand is
made if missing). For each TAGS (default 1000 16000 50000 150000) it saves an SMS asset whose body is
that many `{{a}}` tags (5 bytes each; the admin API takes bodies up to 1 MB), then previews it, and
prints the milliseconds of each with ms per 1,000 tags: linear compilation keeps that last column
flat (before the fix, 16,000 tags took 8 s to save and 50,000 over 30 s). Then it saves sections
nested 100 deep (accepted) and 3,000 deep (refused: 400 template_error). Exits 1 when an answer is
not the one expected; speed it only reports.

  swift run -c release cairn admin-tokens create --name bench     # the secret, on the last line
  swift run -c release cairn serve &
  python3 Benchmarks/templates.py http://127.0.0.1:8080/admin/v1/brands/bench/bench/B "$ADMIN"
"""
import http.client
import json
import sys
import time
import urllib.parse


class Admin:
    def __init__(self, url, token):
        parts = urllib.parse.urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("templates.py talks to a server on this machine only")
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        self.root = parts.path.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def call(self, method, path, body):
        data = json.dumps(body)
        start = time.perf_counter()
        self.connection.request(method, self.root + path, data, self.headers)
        response = self.connection.getresponse()
        answer = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        return response.status, answer, elapsed


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    admin = Admin(sys.argv[1], sys.argv[2])
    counts = [int(count) for count in sys.argv[3:]] or [1000, 16000, 50000, 150000]
    failed = False
    status, answer, _ = admin.call("PUT", "", {"name": "templates benchmark"})
    if status not in (200, 201):
        sys.exit(f"PUT brand answered {status}: {answer[:300]!r}")

    print(f"{'tags':>8} {'bytes':>9} {'save ms':>9} {'ms/1k tags':>11} {'preview ms':>11}")
    for count in counts:
        body = "{{a}}" * count
        asset = {"channel": "sms", "purpose": "transactional", "content": {"body": body}}
        status, answer, saved = admin.call("PUT", f"/assets/tags-{count}", asset)
        if status != 200:
            print(f"PUT of {count} tags answered {status}: {answer[:300]!r}")
            failed = True
            continue
        status, answer, previewed = admin.call("POST", f"/assets/tags-{count}/preview", {"data": {"a": "x"}})
        if status != 200:
            print(f"preview of {count} tags answered {status}: {answer[:300]!r}")
            failed = True
        print(f"{count:>8} {len(body):>9} {saved:>9.1f} {saved / count * 1000:>11.2f} {previewed:>11.1f}")

    for depth, expected in ((100, 200), (3000, 400)):
        body = "{{#a}}" * depth + "x" + "{{/a}}" * depth
        asset = {"channel": "sms", "purpose": "transactional", "content": {"body": body}}
        status, answer, elapsed = admin.call("PUT", f"/assets/nested-{depth}", asset)
        code = json.loads(answer).get("code") if answer.startswith(b"{") else None
        print(f"sections nested {depth} deep: {status} {code or ''} in {elapsed:.1f} ms")
        if status != expected or (expected == 400 and code != "template_error"):
            print(f"  expected {expected}: {answer[:300]!r}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
