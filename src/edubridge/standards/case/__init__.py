"""The CASE 1.0/1.1 codec: read packages leniently, write CASE 1.1 strictly. No Django here."""

from edubridge.standards.case.reader import CaseError, Package, parse_json, read_package
from edubridge.standards.case.schema import validate

__all__ = ["CaseError", "Package", "parse_json", "read_package", "validate"]
