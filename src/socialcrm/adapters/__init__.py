"""Storage adapters: ``memory`` for tests and prototypes, ``sqlalchemy`` for real databases."""
