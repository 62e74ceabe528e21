"""SMTP transport: one connection per batch, MAIL/RCPT/DATA pipelined where the server allows.

With an email provider's HTTP API as the digests' mailer (DIGEST_SEND_VIA=api), the same
Postman sends each message through that mailer's connection instead (one per batch, Django's
mailer API), refusals sorted the same way; see `provider_message`.

The messages are bytes already, and a Django mail backend sends `EmailMessage` objects, so the
transport dials the server itself, with the options of `MAILERS["digests"]` when an email
provider takes the default mailer (its SMTP relay), else of `MAILERS["default"]`. Each refusal is
sorted into temporary (retry later) or permanent (bounce) for the caller.
"""

import contextlib
import functools
import smtplib
import socket
import ssl
from email import message_from_bytes, policy

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from briefings.digests.mime import address_of

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class TemporaryFailure(Exception):
    """The server said try later (4xx) or could not be reached: the message may be retried."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


@functools.cache
def local_hostname():
    """Our name in EHLO, looked up once: `socket.getfqdn()` may wait on DNS at every connect."""
    return socket.getfqdn()


def tls_context(options):
    context = ssl.create_default_context()
    if options.get("ssl_certfile") or options.get("ssl_keyfile"):
        context.load_cert_chain(options.get("ssl_certfile"), options.get("ssl_keyfile"))
    return context


def connect(options):
    """An SMTP session set up as Django's SMTP backend would from the same OPTIONS."""
    use_ssl, use_tls = options.get("use_ssl", False), options.get("use_tls", False)
    port = options.get("port") or (465 if use_ssl else 587 if use_tls else 25)
    params = {"local_hostname": local_hostname()}
    if options.get("timeout") is not None:
        params["timeout"] = options["timeout"]
    if use_ssl:
        smtp = smtplib.SMTP_SSL(options["host"], port, context=tls_context(options), **params)
    else:
        smtp = smtplib.SMTP(options["host"], port, **params)
    try:
        if use_tls and not use_ssl:
            smtp.starttls(context=tls_context(options))
        if options.get("username") and options.get("password"):
            smtp.login(options["username"], options["password"])
    except BaseException:
        smtp.close()
        raise
    return smtp


class Postman:
    """One SMTP connection for a batch of messages, refusals sorted into temporary and permanent.

    With another backend configured (the test runner's locmem, a console backend in
    development) a batch that sends nothing still runs; sending refuses, as it always did.
    """

    def __init__(self):
        self.alias = "digests" if settings.MAILERS.get("digests") else "default"
        config = settings.MAILERS[self.alias]
        self.backend = config.get("BACKEND", SMTP_BACKEND)
        self.options = config.get("OPTIONS", {})
        self.sender = address_of(settings.DEFAULT_FROM_EMAIL)
        self.smtp = None
        self.api = None

    def __enter__(self):
        if self.backend == SMTP_BACKEND:
            self.open()
        elif self.backend.startswith(API_BACKENDS):
            self.api = mail.mailers[self.alias]
            self.api.open()
        return self

    def __exit__(self, *exc_info):
        if self.api is not None:
            self.api.close()
        if self.smtp is not None:
            with contextlib.suppress(OSError):  # smtplib.SMTPException is an OSError
                self.smtp.quit()
            self.drop()

    def open(self):
        try:
            self.smtp = connect(self.options)
        except OSError as exc:
            raise TemporaryFailure(f"SMTP server unreachable: {exc}") from exc

    def drop(self):
        """Forget a connection that failed; the next message opens a new one."""
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            smtp.close()

    def send(self, to, data):
        if self.api is not None:
            return self.send_api(to, data)
        if self.backend != SMTP_BACKEND:
            raise ImproperlyConfigured(
                f"Digests are sent over SMTP; their mailer uses {self.backend}."
            )
        try:
            if self.smtp is None:
                self.open()
            smtp = self.smtp
            smtp.ehlo_or_helo_if_needed()
            if smtp.has_extn("pipelining"):
                pipelined(smtp, self.sender, to, data)
            else:
                smtp.sendmail(self.sender, [to], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = exc.recipients.get(to, (450, b"refused"))
            raise classify(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise classify(exc.smtp_code, exc.smtp_error) from exc
        except OSError as exc:  # smtplib.SMTPException included
            self.drop()
            raise TemporaryFailure(f"SMTP connection lost: {exc}") from exc

    def send_api(self, to, data):
        """One message through the provider's API: refused recipients bounce, anything else
        (API down, throttled, bad credentials) is temporary, so a misconfiguration can never
        suppress the whole list."""
        try:
            self.api.send_messages([provider_message(to, data)])
        except AnymailRecipientsRefused as exc:
            raise PermanentFailure(f"refused by the provider: {exc}") from exc
        except (AnymailError, OSError) as exc:
            raise TemporaryFailure(f"provider API: {exc}") from exc


API_BACKENDS = ("anymail.backends.",)
# The headers of our message bytes the provider's API must carry over (it writes the rest).
API_HEADERS = [
    "Message-ID",
    "Date",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
]


def provider_message(to, data):
    """The message bytes `mime` built, as the EmailMessage a provider's API backend sends:
    same subject, sender, parts and Message-ID, so feedback finds its delivery."""
    parsed = message_from_bytes(data, policy=policy.default)
    headers = {name: " ".join(str(parsed[name]).split()) for name in API_HEADERS if parsed[name]}
    message = mail.EmailMultiAlternatives(
        str(parsed["Subject"]),
        parsed.get_body(preferencelist=("plain",)).get_content(),
        str(parsed["From"]),
        [to],
        headers=headers,
    )
    message.attach_alternative(parsed.get_body(preferencelist=("html",)).get_content(), "text/html")
    return message


def dot_stuff(data):
    """RFC 5321 §4.5.2: a line starting with "." gets another, so none reads as the end of DATA.

    Lines are split at LF as well as CRLF, as lenient servers split them.
    """
    data = data.replace(b"\n.", b"\n..")
    return b"." + data if data.startswith(b".") else data


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
    payload = dot_stuff(data)
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
