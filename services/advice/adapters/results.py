"""Stored advice results, one document per profile version."""

from shared.results import ResultDocument


class AdviceList(ResultDocument):
    meta = {"collection": "advice"}
