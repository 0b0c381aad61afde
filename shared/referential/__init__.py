"""Read-only reference data (ROME jobs, INSEE geography, IMT market figures) shared by every service.

It lives in its own MongoDB database (default "bob_referential") behind the mongoengine alias "referential".
Import it with `python -m shared.referential all --data DIR` or `... seed`; read it with `ReferentialCache`.
"""

from shared.referential.connection import DEFAULT_DB_NAME, REFERENTIAL_ALIAS, connect_referential
from shared.referential.repository import ReferentialCache

__all__ = ["DEFAULT_DB_NAME", "REFERENTIAL_ALIAS", "ReferentialCache", "connect_referential"]
