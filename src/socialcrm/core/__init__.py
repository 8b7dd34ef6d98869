"""The kernel: event base and registry, the command runtime, serialization, validation and text.

The kernel imports no capability (an import-linter contract keeps it so).
"""
