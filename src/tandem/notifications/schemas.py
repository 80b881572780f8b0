"""API shapes of the inbox."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    target_type: str
    target_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkedRead(Schema):
    marked: int
    unread: int
