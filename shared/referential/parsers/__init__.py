"""Pure parsers, one module per official file format; each yields typed records and fills a ParseReport."""

from shared.referential.parsers.report import ParseReport

__all__ = ["ParseReport"]
