"""The trust capability: its records, events, storage port, service and settings."""
