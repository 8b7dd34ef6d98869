"""The reputation capability: its records, events, storage port, service and settings."""
