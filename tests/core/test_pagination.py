"""Page-number pagination arithmetic, for any list length, page size and page."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.errors import NotFound
from tandem.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageNumber


def paginate(items: list[int], page: int, page_size: int) -> dict:
    paginator = PageNumber()
    params = PageNumber.Input(page=page, page_size=page_size)
    return paginator.paginate_queryset(items, params, request=None)  # type: ignore[arg-type]


@given(
    count=st.integers(min_value=0, max_value=1000),
    page_size=st.integers(min_value=1, max_value=MAX_PAGE_SIZE),
    page=st.integers(min_value=1, max_value=1200),
)
def test_a_page_holds_its_slice_or_is_not_found(count, page_size, page):
    items = list(range(count))
    pages = max(1, math.ceil(count / page_size))

    if page > pages:
        with pytest.raises(NotFound, match=f"there are {pages}"):
            paginate(items, page, page_size)
        return

    result = paginate(items, page, page_size)
    assert result["items"] == items[(page - 1) * page_size : page * page_size]
    assert (result["count"], result["page"], result["page_size"], result["pages"]) == (
        count, page, page_size, pages
    )
    assert 1 <= len(result["items"]) <= page_size or count == 0


@given(count=st.integers(min_value=0, max_value=500),
       page_size=st.integers(min_value=1, max_value=MAX_PAGE_SIZE))
def test_the_pages_together_hold_every_item_once_in_order(count, page_size):
    items = list(range(count))
    first = paginate(items, 1, page_size)

    joined = [
        item for page in range(1, first["pages"] + 1)
        for item in paginate(items, page, page_size)["items"]
    ]

    assert joined == items


def test_an_empty_list_has_one_empty_page():
    assert paginate([], 1, 10) == {"items": [], "count": 0, "page": 1, "page_size": 10, "pages": 1}


def test_the_defaults_are_page_one_of_fifty():
    params = PageNumber.Input()

    assert (params.page, params.page_size) == (1, DEFAULT_PAGE_SIZE) == (1, 50)


@pytest.mark.parametrize(("page", "page_size"), [(0, 10), (-1, 10), (1, 0), (1, MAX_PAGE_SIZE + 1)])
def test_out_of_range_parameters_are_invalid(page, page_size):
    with pytest.raises(ValueError, match="page"):
        PageNumber.Input(page=page, page_size=page_size)
