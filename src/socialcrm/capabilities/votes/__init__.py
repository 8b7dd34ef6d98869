"""The votes capability: its records, events, storage port, service and settings."""
