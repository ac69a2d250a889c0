"""The benchmark: sqlstore against the bare drivers, SQLAlchemy and SQLModel (``make bench``)."""
