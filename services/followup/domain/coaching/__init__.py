"""The coaching email programme (pure): the catalogue of focus emails and who each fits (catalogue.py), their
texts (emails.py) and when the next one is due (schedule.py)."""
