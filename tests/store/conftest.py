"""The store tests' fixtures live in tests/conftest.py (``reference_db``, ``store_target``)."""
