"""Capability packages: one folder per capability (records, events, port, service, settings).

See docs/architecture.md for where each thing lives and how to add a capability.
"""
