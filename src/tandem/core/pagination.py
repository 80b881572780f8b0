"""Page-number pagination for every API list: ``?page=1&page_size=50``."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from tandem.core.errors import NotFound

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="1-based page number")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items in all pages")
        page: int
        page_size: int
        pages: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / pagination.page_size))
        if pagination.page > pages:
            raise NotFound(f"Page {pagination.page} does not exist; there are {pages}.")
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "pages": pages,
        }
