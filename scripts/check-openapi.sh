#!/usr/bin/env bash
# Checks a live Cairn server against its OpenAPI document.
#
#   scripts/check-openapi.sh PATH-TO-CAIRN [more schemathesis run options…]
#
# Starts the binary (`serve`, SQLite in a temporary directory, a secret key so that every route
# is present) on a free loopback port, makes an admin token, an API token, a brand, a published
# asset, a customer and a group, validates the document the server serves at /openapi.json
# (Sources/CairnServer/OpenAPI/openapi.json, compiled into the binary) with openapi-spec-validator,
# then runs schemathesis on every operation with real credentials. Exits non-zero on any failure.
#
# Python: $CAIRN_TEST_PYTHON (scripts/test.sh's venv: openapi-spec-validator and schemathesis).
# CHECK_OPENAPI_EXCLUDE: a path regex left out of the run (default: none). CHECK_OPENAPI_MAX_EXAMPLES (default 25) bounds the cases
# per operation and CHECK_OPENAPI_SECONDS (default 150) the whole schemathesis run.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PATH-TO-CAIRN [schemathesis run options…]" >&2
    exit 2
fi
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
python=${CAIRN_TEST_PYTHON:?set CAIRN_TEST_PYTHON to a python with openapi-spec-validator and schemathesis}
exclude=${CHECK_OPENAPI_EXCLUDE:-}
max_examples=${CHECK_OPENAPI_MAX_EXAMPLES:-25}
seconds=${CHECK_OPENAPI_SECONDS:-150}
schemathesis="$(dirname "$python")/schemathesis"
[[ -x $binary ]] || { echo "$binary is not an executable" >&2; exit 2; }
[[ -x $schemathesis ]] || { echo "no schemathesis beside $python" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
    local status=$?
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        # SIGTERM finishes what is in flight; a server that hangs gets SIGKILL after 10 s.
        for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -s $work/server.log ]]; then
        echo "--- the server's log (last 40 lines) ---" >&2
        tail -n 40 "$work/server.log" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

export CAIRN_DATABASE="sqlite:$work/cairn.sqlite"
export CAIRN_SECRET_KEY
CAIRN_SECRET_KEY=$("$python" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

# Tokens first (the command creates and migrates the database); each prints its secret last.
admin_token=$(timeout 60 "$binary" admin-tokens create --name openapi-check 2>/dev/null | tail -n 1)
api_token=$(timeout 60 "$binary" tokens create --client hea --account hea --brand HEA --rate 100000 --burst 100000 \
    2>/dev/null | tail -n 1)
[[ $admin_token == cairn_admin_* && $api_token == cairn_* ]] || { echo "could not create tokens" >&2; exit 1; }

"$binary" serve --host 127.0.0.1 --port "$port" --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!

# One small HTTP client for the rest: waiting, seeding, fetching the document.
cat >"$work/cairn_http.py" <<'PY'
import json, sys, time, urllib.error, urllib.request

def call(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()

command, base = sys.argv[1], sys.argv[2]
if command == "wait":
    deadline = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < deadline:
        try:
            if call("GET", base + "/ready")[0] == 200:
                sys.exit(0)
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(1)
elif command == "seed":
    admin, api = sys.argv[3], sys.argv[4]
    brand = base + "/admin/v1/brands/hea/hea/HEA"
    bearer = {"authorization": "Bearer " + admin}
    steps = [
        ("PUT", brand, {"name": "Hotels", "timeZone": "Europe/London"}, bearer),
        ("PUT", brand + "/assets/202007-B-AbandonedBooking-SMS", {
            "name": "Abandoned booking SMS", "channel": "sms", "purpose": "transactional",
            "content": {"body": "Hi {{customer.firstName}}, booking {{bookingId}} is waiting"}}, bearer),
        ("POST", brand + "/assets/202007-B-AbandonedBooking-SMS/publish", None, bearer),
        ("PUT", brand + "/assets/202007-B-AbandonedBooking-SMS", {
            "channel": "sms", "purpose": "transactional", "content": {"body": "Hi {{customer.firstName}}"}}, bearer),
        ("POST", base + "/track/hea/hea/HEA/v1/identify",
            {"userId": "ABC/123", "traits": {"firstName": "Fred", "email": "fred@example.com"}}, {"auth-token": api}),
        ("POST", base + "/track/hea/hea/HEA/v1/track",
            {"userId": "ABC/123", "event": "Product Added", "properties": {"price": "£11.99"}}, {"auth-token": api}),
        ("POST", base + "/v1/group", {"userId": "ABC/123", "groupId": "78910", "traits": {"name": "Acme"}},
            {"authorization": "Basic " + __import__("base64").b64encode((api + ":").encode()).decode()}),
    ]
    for method, url, body, headers in steps:
        status, answer = call(method, url, body, headers)
        if status >= 300:
            sys.exit(f"seeding: {method} {url} answered {status}: {answer[:300]!r}")
elif command == "document":
    status, answer = call("GET", base + "/openapi.json")
    if status == 200:
        sys.stdout.buffer.write(answer)
    sys.exit(0 if status == 200 else 3)
PY

if ! timeout 90 "$python" "$work/cairn_http.py" wait "$base" 60; then
    echo "the server did not become ready on $base" >&2
    exit 1
fi
timeout 60 "$python" "$work/cairn_http.py" seed "$base" "$admin_token" "$api_token"

# The document, as the server serves it.
document="$work/openapi.json"
if ! timeout 30 "$python" "$work/cairn_http.py" document "$base" >"$document"; then
    echo "the server does not serve /openapi.json" >&2
    exit 1
fi
timeout 60 "$python" -m openapi_spec_validator "$document"

filters=()
[[ -n $exclude ]] && filters=(--exclude-path-regex "$exclude")

# Credentials go to the schemes the operations name; the tenant's path parameters are the
# seeded brand's, so that the routes behind the tokens are exercised rather than refused.
cat >"$work/schemathesis.toml" <<TOML
[auth.openapi.AdminBearer]
bearer = "$admin_token"

[auth.openapi.TrackToken]
api_key = "$api_token"

[auth.openapi.ApiTokenQuery]
api_key = "$api_token"

[auth.openapi.WriteKeyBasic]
username = "$api_token"
password = "x"

[parameters]
"path.clientId" = "hea"
"path.accountId" = "hea"
"path.brandId" = "HEA"
TOML

cd "$work"
status=0
timeout --signal=INT --kill-after=15 "$seconds" "$schemathesis" --config-file "$work/schemathesis.toml" --no-color run \
    "$document" \
    --url "$base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,unsupported_method \
    --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 10 \
    --generation-database none \
    --suppress-health-check all \
    --output-truncate false \
    "${filters[@]}" \
    "$@" || status=$?
if [[ $status -eq 124 || $status -eq 130 ]]; then
    echo "schemathesis did not finish within $seconds seconds" >&2
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server exited during the run" >&2
    status=1
fi
exit "$status"
