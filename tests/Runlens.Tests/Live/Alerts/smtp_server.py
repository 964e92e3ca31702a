"""A real SMTP server on 127.0.0.1 for the e-mail sink tests: Debian's aiosmtpd (apt-get install python3-aiosmtpd).

Prints "PORT <n>" once it listens, then one JSON line per event on stdout:
  {"type": "ehlo", "hostname": ...}   (one per SMTP session)
  {"type": "auth", "mechanism": ..., "login": ..., "ok": true|false}
  {"type": "refused", "code": 451, "mail_from": ..., "rcpt_tos": [...]}
  {"type": "message", "mail_from": ..., "rcpt_tos": [...], "login": ..., "subject": ..., "from": ..., "to": ...,
   "alert_key": ..., "body": ...}
The message is parsed with Python's own email package (headers decoded, transfer encoding undone), independently of
MimeKit, which wrote it. Stops when stdin closes.

  --refuse N CODE      answer the first N DATA commands with CODE (451: try again later; 550: refused)
  --auth USER PASSWORD require AUTH (PLAIN or LOGIN, over plain text) with these credentials
"""
import argparse
import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Handler:
    def __init__(self, refuse, code):
        self.refuse = refuse
        self.code = code

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        emit({"type": "ehlo", "hostname": hostname})
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            emit({"type": "refused", "code": self.code, "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos})
            return f"{self.code} {'4.3.0 Try again later' if self.code < 500 else '5.7.1 Message refused by policy'}"

        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        emit({
            "type": "message",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data,
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "alert_key": str(message["X-Runlens-Alert"]),
            "content_type": message.get_content_type(),
            "body": message.get_content(),
        })
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--refuse", nargs=2, type=int, metavar=("N", "CODE"), default=[0, 451])
    parser.add_argument("--auth", nargs=2, metavar=("USER", "PASSWORD"))
    args = parser.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        ok = (login, auth_data.password.decode()) == tuple(args.auth)
        emit({"type": "auth", "mechanism": mechanism, "login": login, "ok": ok})
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

    options = {"hostname": "runlens-test-smtp"}
    if args.auth:
        options.update(auth_required=True, auth_require_tls=False, authenticator=authenticator)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(*args.refuse)
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(handler, loop=loop, **options), "127.0.0.1", 0))
    emit_port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {emit_port}\n")
    sys.stdout.flush()
    loop.add_reader(sys.stdin.fileno(), lambda: loop.stop() if not sys.stdin.buffer.read1(1024) else None)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
