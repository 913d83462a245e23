#!/usr/bin/env python3
"""An SMTP server for Cairn's tests, on aiosmtpd: it keeps every message it accepts as a file.

    smtp_sink.py --port P --spool DIR [--tls-cert C --tls-key K] [--auth USER:PASS]
                 [--implicit-tls] [--require-starttls] [--smtputf8] [--auth-without-tls]
                 [--no-pipelining] [--close-after-each] [--rset-421] [--exit-on-stdin-eof] [--discard]
                 [--hold-slow-until FILE]

Prints "ready <port>" once listening (port 0 picks a free one). Each accepted message is written
to DIR/<recipient, lower-cased>/<n>.eml, with DIR/<recipient>/<n>.json beside it: the envelope
(mail_from, rcpt_tos, mail_options, rcpt_options), was_tls, auth_login and connection (a serial
number per TCP connection, so tests can count connections). With --discard (for benchmarks) it
keeps nothing: every message is accepted and dropped.

The recipient's local part forces outcomes:
    tempfail-*@…  451 4.3.0 at RCPT          reject-*@…    550 5.1.1 at RCPT
    datafail-*@…  554 5.6.0 after DATA       slow-*@…      3 s before answering the final dot
    flaky-N-*@…   451 4.3.0 for the address's first N tries, then accepted
With --hold-slow-until FILE, slow-*@… are held until FILE exists instead (the test says when).

STARTTLS is offered with --tls-cert/--tls-key; --implicit-tls uses them from the first byte instead.
AUTH (PLAIN, LOGIN) is offered with --auth and, unless --auth-without-tls, only over TLS.
With --exit-on-stdin-eof the server exits when its standard input closes (the test that started it
went away, even without stopping it); otherwise it runs until it is terminated.
"""

import argparse
import asyncio
import itertools
import json
import os
import re
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult

connection_serials = itertools.count(1)


class SinkSMTP(SMTP):
    """aiosmtpd's SMTP, numbering its connections and knowing when TLS began with the first byte."""

    def __init__(self, handler, *, implicit_tls=False, **kwargs):
        super().__init__(handler, **kwargs)
        self.implicit_tls = implicit_tls
        self.serial = None
        if implicit_tls:
            # aiosmtpd only counts STARTTLS as TLS; with implicit TLS every command is already secure.
            self._auth_require_tls = False

    def connection_made(self, transport):
        if self.serial is None:
            self.serial = next(connection_serials)
        super().connection_made(transport)


class Sink:
    def __init__(self, spool, options):
        self.spool = spool
        self.options = options
        self.tries = {}
        self.queue_ids = itertools.count(1)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not self.options.no_pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RSET(self, server, session, envelope):
        if self.options.rset_421:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.4.2 sink: idle for too long, closing"
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("tempfail-"):
            return "451 4.3.0 sink: temporary failure, try again later"
        if local.startswith("reject-"):
            return "550 5.1.1 sink: no such user"
        flaky = re.match(r"flaky-(\d+)-", local)
        if flaky:
            key = address.lower()
            self.tries[key] = self.tries.get(key, 0) + 1
            if self.tries[key] <= int(flaky.group(1)):
                return "451 4.3.0 sink: flaky, try again"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = [address.split("@")[0].lower() for address in envelope.rcpt_tos]
        if any(local.startswith("datafail-") for local in locals_):
            return "554 5.6.0 sink: message content rejected"
        if any(local.startswith("slow-") for local in locals_):
            if self.options.hold_slow_until:
                while not os.path.exists(self.options.hold_slow_until):
                    await asyncio.sleep(0.02)
            else:
                await asyncio.sleep(3)
        if self.options.discard:
            return f"250 2.0.0 Ok: queued as SINK{next(self.queue_ids)}"
        auth_data = session.auth_data
        login = getattr(auth_data, "login", None)
        side = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "was_tls": server.implicit_tls or session.ssl is not None,
            "auth_login": login.decode("utf-8") if isinstance(login, bytes) else login,
            "connection": server.serial,
        }
        for address in envelope.rcpt_tos:
            self.store(address.lower(), envelope.original_content, side)
        if self.options.close_after_each:
            asyncio.get_running_loop().call_soon(server.transport.close)
        return f"250 2.0.0 Ok: queued as SINK{next(self.queue_ids)}"

    def store(self, recipient, content, side):
        directory = os.path.join(self.spool, recipient)
        os.makedirs(directory, exist_ok=True)
        number = 1 + sum(1 for name in os.listdir(directory) if name.endswith(".eml"))
        base = os.path.join(directory, str(number))
        for suffix, data in ((".json", json.dumps(side).encode()), (".eml", content)):
            with open(base + suffix + ".tmp", "wb") as file:
                file.write(data)
            os.replace(base + suffix + ".tmp", base + suffix)


def authenticator(credentials):
    user, _, password = credentials.partition(":")

    def check(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"")
        secret = getattr(auth_data, "password", b"")
        ok = login == user.encode() and secret == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def wait_for_stdin_to_close():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


async def main():
    parser = argparse.ArgumentParser(description="An SMTP sink for Cairn's tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--spool", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth", help="USER:PASS")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--smtputf8", action="store_true")
    parser.add_argument("--auth-without-tls", action="store_true")
    parser.add_argument("--no-pipelining", action="store_true")
    parser.add_argument("--close-after-each", action="store_true")
    parser.add_argument("--rset-421", action="store_true")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--hold-slow-until", metavar="FILE")
    options = parser.parse_args()

    tls = None
    if options.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(options.tls_cert, options.tls_key)
    sink = Sink(options.spool, options)
    os.makedirs(options.spool, exist_ok=True)

    def factory():
        return SinkSMTP(
            sink,
            implicit_tls=options.implicit_tls,
            hostname="sink.test",
            enable_SMTPUTF8=options.smtputf8,
            tls_context=None if options.implicit_tls else tls,
            require_starttls=options.require_starttls,
            auth_require_tls=not options.auth_without_tls,
            authenticator=authenticator(options.auth) if options.auth else None,
            auth_exclude_mechanism=[] if options.auth else ["LOGIN", "PLAIN"],
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        factory, options.host, options.port, ssl=tls if options.implicit_tls else None
    )
    port = server.sockets[0].getsockname()[1]
    print(f"ready {port}", flush=True)
    async with server:
        if options.exit_on_stdin_eof:
            await wait_for_stdin_to_close()
        else:
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
