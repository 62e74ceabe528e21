"""Message bytes: a rendered email encoded once, then completed per recipient.

Building an `EmailMultiAlternatives` per recipient costs more than rendering the digest, so the
content shared by every recipient of the same briefings is encoded once, and a recipient's
message is joined from those pre-encoded pieces and the few lines carrying their own links.
"""

import base64
import binascii
import email.utils
import functools
import secrets
from email.header import Header

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

# The slots for a recipient's own links. They carry a per-process secret, so no headline can
# smuggle one into a message; the templates put them where the links go.
_NONCE = secrets.token_hex(8)
SLOT_MARK = f"@@{_NONCE}:"
PREFERENCES_SLOT = f"{SLOT_MARK}PREFERENCES_URL@@"
UNSUBSCRIBE_SLOT = f"{SLOT_MARK}UNSUBSCRIBE_URL@@"
REASON_SLOT = f"{SLOT_MARK}REASON@@"  # why this recipient gets the message: their follows
DEFAULT_REASON = "You subscribed to Briefing Desk email."


@functools.lru_cache
def address_of(value):
    return email.utils.parseaddr(value)[1]


def message_id(kind, first, second):
    """Derived, not random: a resend after a crash carries the same id, so receivers fold it."""
    domain = address_of(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "localhost"
    return f"<{kind}.{first}.{second}@{domain}>"


def now_header():
    return email.utils.format_datetime(timezone.now())


def one_line(text):
    return " ".join(str(text).split())


def header(name, value):
    """`Name: value` for an unstructured header, folded within the line lengths mail expects.

    ASCII folds at spaces within 78 columns (RFC 5322 §2.1.1); anything else becomes RFC 2047
    base64 words of UTF-8, short enough that each line stays within 76 (RFC 2047 §2). Written
    out because `email.header.Header` spends milliseconds on a subject, and a digest run
    encodes one per distinct selection of briefings.
    """
    value = one_line(value)
    if value.isascii() and "=?" not in value:  # else a reader would decode it as a word
        lines = fold(f"{name}: {value}", 78)
        if all(len(line) <= 998 for line in lines):  # a longer word cannot fold: encode it
            return "\r\n ".join(lines)
    room = 3 * ((76 - len(name) - len(": =?utf-8?b??=")) // 4)  # UTF-8 bytes per word
    words, word, size = [], [], 0
    for char in value:
        length = len(char.encode())
        if size + length > room:
            words.append("".join(word))
            word, size = [], 0
        word.append(char)
        size += length
    words.append("".join(word))
    encoded = (base64.b64encode(w.encode()).decode("ascii") for w in words)
    return f"{name}: " + "\r\n ".join(f"=?utf-8?b?{w}?=" for w in encoded)


def fold(line, width):
    """Break at spaces before `width`; the space starts the next line, so unfolding restores it."""
    lines, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


@functools.lru_cache
def encode_from(value, cache_key=None):
    name, address = email.utils.parseaddr(value)
    if name and not name.isascii():
        name = Header(name, "utf-8").encode()
    return email.utils.formataddr((name, address)) if name else address


def qp(text):
    """Quoted-printable body with CRLF line ends, as SMTP wants it."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return binascii.b2a_qp(text.encode("utf-8"), istext=True)


def qp_segments(text):
    """The body, encoded once, except the lines with personal links, left to fill and encode.

    Quoted-printable works line by line, so encoding lines separately gives the same bytes as
    encoding the whole; a recipient then costs the encoding of two short lines, not the body.
    """
    segments, static = [], []
    for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"):
        if SLOT_MARK in line:
            if static:
                segments.append(qp("\n".join(static) + "\n"))
                static = []
            segments.append(line + "\n")
        else:
            static.append(line)
    if static:
        segments.append(qp("\n".join(static) + "\n"))
    return segments


def slot_values(preferences_url, unsubscribe_url, reason=DEFAULT_REASON, *, html=False):
    """What each slot is filled with; the reason, a reader-facing phrase, escaped for HTML."""
    return {
        PREFERENCES_SLOT: preferences_url,
        UNSUBSCRIBE_SLOT: unsubscribe_url,
        REASON_SLOT: escape(reason) if html else reason,
    }


def fill_slots(text, values):
    for slot, value in values.items():
        text = text.replace(slot, value)
    return text


def fill(segments, values):
    return b"".join(
        segment if isinstance(segment, bytes) else qp(fill_slots(segment, values))
        for segment in segments
    )


class PreparedMessage:
    """One email's content, encoded once and shared by every recipient of the same briefings."""

    def __init__(self, subject, text, html, list_id=None):
        self.subject = subject
        self.text = text
        self.html = html
        self.list_id = list_id
        self.text_segments = qp_segments(text)
        self.html_segments = qp_segments(html)
        self.boundary = f"=_desk_{secrets.token_hex(12)}"
        self.from_header = encode_from(settings.DEFAULT_FROM_EMAIL, settings.DIGEST_LIST_ID)

    @property
    def subject(self):
        return self._subject

    @subject.setter
    def subject(self, value):
        self._subject = value
        self.subject_line = header("Subject", value)

    def personal_html(self, preferences_url, unsubscribe_url, reason=DEFAULT_REASON):
        """The HTML one recipient sees, for a preview in the browser."""
        values = slot_values(preferences_url, unsubscribe_url, reason, html=True)
        return fill_slots(self.html, values)

    def build(self, to, msgid, preferences_url, unsubscribe_url, date, reason=DEFAULT_REASON):
        """The message bytes for one recipient: headers, a text part and an HTML part.

        `reason` says why they get it (see `selection.reason`), filled into its slot.
        """
        mailto = f"mailto:{settings.DIGEST_UNSUBSCRIBE_MAILTO}?subject=unsubscribe"
        headers = [
            f"From: {self.from_header}",
            f"To: {to}",
            self.subject_line,
            f"Date: {date}",
            f"Message-ID: {msgid}",
            "MIME-Version: 1.0",
            f"List-Unsubscribe: <{unsubscribe_url}>,\r\n <{mailto}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Auto-Submitted: auto-generated",
            f'Content-Type: multipart/alternative;\r\n boundary="{self.boundary}"',
        ]
        if self.list_id:
            headers.insert(5, f"List-Id: {self.list_id}")
        if "\r" in to or "\n" in to:
            raise ValueError(f"Refusing a recipient with a line break: {to!r}")
        boundary = self.boundary.encode()
        part_head = (
            b'Content-Type: text/%s; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        return b"".join(
            [
                "\r\n".join(headers).encode("ascii"),
                b"\r\n\r\nThis is a multi-part message in MIME format.\r\n--",
                boundary,
                b"\r\n",
                part_head % b"plain",
                fill(self.text_segments, slot_values(preferences_url, unsubscribe_url, reason)),
                b"\r\n--",
                boundary,
                b"\r\n",
                part_head % b"html",
                fill(
                    self.html_segments,
                    slot_values(preferences_url, unsubscribe_url, reason, html=True),
                ),
                b"\r\n--",
                boundary,
                b"--\r\n",
            ]
        )
