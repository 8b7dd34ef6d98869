"""The bounties capability: its records, events, storage port, service and settings."""
