#!/usr/bin/env python3
"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, writing each received message as one JSON line.

Usage: smtp_sink.py --out FILE [--port N] [--starttls CERT KEY | --tls CERT KEY] [--auth USER:PASS]
                    [--auth-exclude MECH]... [--reject-rcpt ADDRESS]...

The first line on stdout is "PORT n" (with --port 0, the default, the system picks the port). The server
runs until stdin is closed or it gets SIGTERM. For each message it appends to FILE one line:
{"mail_from", "rcpt_tos", "subject", "text", "html", "headers", "raw", "tls", "auth_user"}, with the
subject, text and HTML decoded by Python's email package (policy=default), text and HTML with LF line
ends; "tls" tells whether the message came over TLS, "auth_user" who had authenticated (or null).
"""

import argparse
import json
import signal
import socket
import ssl
import sys
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class BoundController(Controller):
    """A Controller serving on a socket bound beforehand, so that port 0 works without a race."""

    def __init__(self, handler, sock, **kwargs):
        self._sock = sock
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class Sink:
    """aiosmtpd handler: refuses the configured recipients, records every message."""

    def __init__(self, out, rejected):
        self.out = out
        self.rejected = {address.lower() for address in rejected}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        message = message_from_bytes(raw, policy=policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        auth = session.auth_data if isinstance(session.auth_data, LoginPassword) else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]) if message["subject"] is not None else None,
            "text": decoded(text),
            "html": decoded(html) if html is not text else None,
            "headers": {name: str(value) for name, value in message.items()},
            "raw": raw.decode("utf-8", errors="replace"),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": auth.login.decode("utf-8", errors="replace") if auth else None,
        }
        # One write per line, so a reader polling the file sees whole lines or nothing of one.
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted"


def decoded(part):
    """The part's decoded text with LF line ends (CRLF on the wire), or None."""
    return part.get_content().replace("\r\n", "\n") if part is not None else None


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True, help="file to append one JSON line per message to")
    security = parser.add_mutually_exclusive_group()
    security.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"), help="offer and require STARTTLS")
    security.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="implicit TLS from the first byte")
    parser.add_argument("--auth", metavar="USER:PASS", help="require AUTH with these credentials")
    parser.add_argument("--auth-exclude", action="append", default=[], metavar="MECH",
                        help="do not offer this AUTH mechanism (e.g. PLAIN)")
    parser.add_argument("--reject-rcpt", action="append", default=[], metavar="ADDRESS",
                        help="answer 550 to RCPT TO for this address")
    args = parser.parse_args()

    options = {"auth_exclude_mechanism": args.auth_exclude}
    if args.starttls:
        options.update(tls_context=tls_context(*args.starttls), require_starttls=True)
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
            # handled=False: aiosmtpd then answers a failure with 535 itself.
            return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

        # With STARTTLS, AUTH only after it; with implicit TLS or none (a plain loopback server), at once.
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.starttls))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(16)
    controller = BoundController(Sink(args.out, args.reject_rcpt), sock,
                                 ssl_context=tls_context(*args.tls) if args.tls else None,
                                 server_hostname="localhost", **options)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    controller.start()
    try:
        print(f"PORT {controller.port}", flush=True)
        sys.stdin.buffer.read()  # until stdin is closed
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
