"""SMTP transport: one connection per batch, MAIL/RCPT/DATA pipelined where the server allows.

Each refusal is sorted into temporary (retry later) or permanent (bounce) for the caller.
"""

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import mailers

from briefings.digests.mime import address_of


class TemporaryFailure(Exception):
    """The server said try later (4xx) or could not be reached: the message may be retried."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


class Postman:
    """One SMTP connection for a batch of messages, refusals sorted into temporary and permanent."""

    def __init__(self):
        self.backend = mailers.default

    def __enter__(self):
        try:
            self.backend.open()
        except OSError as exc:
            raise TemporaryFailure(f"SMTP server unreachable: {exc}") from exc
        return self

    def __exit__(self, *exc_info):
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.backend.close()

    def send(self, to, data):
        envelope_from = address_of(settings.DEFAULT_FROM_EMAIL)
        try:
            if self.backend.connection is None:
                self.backend.open()
            smtp = self.backend.connection
            smtp.ehlo_or_helo_if_needed()
            if smtp.has_extn("pipelining"):
                pipelined(smtp, envelope_from, to, data)
            else:
                smtp.sendmail(envelope_from, [to], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = exc.recipients.get(to, (450, b"refused"))
            raise classify(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.backend.connection = None
            raise TemporaryFailure(f"SMTP connection lost: {exc}") from exc


def pipelined(smtp, sender, to, data):
    """MAIL, RCPT and DATA in one write (RFC 2920): two round trips a message instead of four."""
    smtp.send(f"MAIL FROM:<{sender}>\r\nRCPT TO:<{to}>\r\nDATA\r\n")
    (mail_code, mail_reply), (rcpt_code, rcpt_reply), (data_code, data_reply) = (
        smtp.getreply(),
        smtp.getreply(),
        smtp.getreply(),
    )
    accepted = mail_code == 250 and rcpt_code in (250, 251)
    if data_code == 354 and not accepted:
        smtp.send(b".\r\n")  # a lax server opened DATA anyway: close it empty
        smtp.getreply()
    if not accepted or data_code != 354:
        smtp.rset()
        if mail_code != 250:
            raise smtplib.SMTPSenderRefused(mail_code, mail_reply, sender)
        if rcpt_code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({to: (rcpt_code, rcpt_reply)})
        raise smtplib.SMTPDataError(data_code, data_reply)
    payload = smtplib._quote_periods(data)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def classify(code, reason):
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    text = f"{code} {reason}"
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)
