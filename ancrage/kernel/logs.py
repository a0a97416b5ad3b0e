"""JSON-lines logs (LOG_FORMAT=json): one JSON object a line, for a log collector.

Only named fields are written: the time, level, logger, message (the log call's own text, which
never names a person: docs/deployment.md), the HTTP status of a `django.request` line and the
traceback of an error. The `request` object Django attaches to its lines is never written (its
body, cookies and query string could carry personal data)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
