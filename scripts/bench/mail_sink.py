"""The SMTP sink of scripts/bench-mail.sh: accepts every mail, and for each recipient of each message
appends one line to a file, the address and the 6-digit code the mail carries ("-" for a mail without one),
so that the script can count what arrived, find duplicates and read codes back.

    python mail_sink.py PORT:DELAY:FILE [PORT:DELAY:FILE ...]

One listener on 127.0.0.1 per argument. DELAY (seconds) holds back the reply to each message's data, the
`250` after its final ".", which is where a slow relay spends its time (queueing, scanning); every other
command is answered at once. A message is written to FILE only once its `250` is sent, as the server then
takes it as delivered. Needs aiosmtpd (scripts/bench-mail.sh installs it into a venv).
"""

import asyncio
import email
import re
import sys
from email import policy

from aiosmtpd.smtp import SMTP

SUBJECT_CODE = re.compile(rb"^Subject: *(\d{6})\b", re.MULTILINE)
BODY_CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


def code_of(content: bytes) -> str:
    # The code leads the subject (MAIL_CODE_IN_SUBJECT's default); reading the raw header is cheaper than
    # parsing the message, and the sink shares the CPU with the server.
    found = SUBJECT_CODE.search(content)
    if found:
        return found.group(1).decode()
    message = email.message_from_bytes(content, policy=policy.default)
    text = message.get_body(preferencelist=("plain",))
    found = BODY_CODE.search(text.get_content()) if text is not None else None
    return found.group(1) if found else "-"


class Recorder:
    def __init__(self, delay: float, path: str):
        self.delay = delay
        self.out = open(path, "a", encoding="utf-8", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        code = code_of(envelope.original_content or envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)
        for recipient in envelope.rcpt_tos:
            self.out.write(f"{recipient.lower()} {code}\n")
        return "250 OK"


async def main(listeners):
    servers = []
    loop = asyncio.get_running_loop()
    for spec in listeners:
        port, delay, path = spec.split(":", 2)
        recorder = Recorder(float(delay), path)
        servers.append(
            await loop.create_server(
                lambda recorder=recorder: SMTP(recorder, hostname="bench-sink"), "127.0.0.1", int(port)
            )
        )
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1:]))
