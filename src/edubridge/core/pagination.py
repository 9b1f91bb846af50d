"""Limit/offset pagination with bounds a database can hold (a 20-digit offset is a 422)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PER_PAGE = 50
MAX_LIMIT = 200


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=2**31 - 1)
