"""Logs a machine can read: one JSON object a line in production, with the request id.

`RequestIdMiddleware` (briefings/http.py) sets the id of the request being served; the filter
copies it, and the client's address, onto every record logged meanwhile, in any module. Numbers
for dashboards (publication lag, digest progress) are passed as `extra={...}` and come out as
JSON fields.
"""

import contextvars
import datetime
import json
import logging

request_id_var = contextvars.ContextVar("request_id", default="")
client_var = contextvars.ContextVar("client", default="")

# The attributes every LogRecord has; anything else on a record came from `extra`.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id and client address (see client_ip) on the record."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        if not getattr(record, "client", ""):
            record.client = client_var.get()
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD and key not in entry and not key.startswith("_"):
                entry[key] = value
        for key in ("request_id", "client"):
            if not entry.get(key):
                entry.pop(key, None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
