"""Stored diagnosis results, one document per profile version."""

from shared.results import ResultDocument


class Diagnosis(ResultDocument):
    meta = {"collection": "diagnoses"}
