"""History importers: bring an existing community's past into socialcrm.

An importer replays history through the :class:`~socialcrm.Community` commands, with
the community's injected clock set to each row's original time, so every rule
(reward rules, the daily cap, the floor, exemptions) applies as it would have. Its
progress lives in the storage (``community.imports``), in the same units of work as
the rows it wrote: re-running an import changes nothing, and an interrupted one
resumes where it stopped.

* :mod:`socialcrm.importers.stackexchange`: a Stack Exchange data dump.
"""
