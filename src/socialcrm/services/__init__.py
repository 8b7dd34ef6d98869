"""The service layer: one module per capability behind the :class:`~socialcrm.Community` facade."""
