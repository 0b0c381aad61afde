"""Pydantic schemas of the data carried by events and exposed by APIs."""
