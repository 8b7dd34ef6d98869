"""The ratelimits capability: its records, events, storage port, service and settings."""
