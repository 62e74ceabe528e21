import threading
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


class EmlWriter:
    """Accepts every message and writes it, as received, to one .eml file."""

    def __init__(self, folder, stdout):
        self.folder = folder
        self.stdout = stdout

    async def handle_DATA(self, server, session, envelope):
        name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        self.stdout.write(f"{name}: {envelope.mail_from} → {', '.join(envelope.rcpt_tos)}")
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = (
        "A development SMTP sink: every message sent to it is written as an .eml file under "
        "DEV_MAILBOX_DIR (var/mail/), readable at /subscribe/dev-mailbox/ when DEBUG is on."
    )

    def add_arguments(self, parser):
        # By default it listens where the desk sends mail (MAILERS["default"], EMAIL_PORT).
        options = settings.MAILERS["default"].get("OPTIONS", {})
        parser.add_argument("--host", default=options.get("host", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=options.get("port", 1025))

    def handle(self, host, port, **options):
        folder = Path(settings.DEV_MAILBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        controller = Controller(EmlWriter(folder, self.stdout), hostname=host, port=port)
        controller.start()
        self.stdout.write(f"Dev mailbox on {host}:{port}, writing to {folder}. Ctrl-C stops it.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
