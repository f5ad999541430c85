"""The sessions: one per structure (``alist``, ``intervals``), on the checks every session shares
(``base``) — where laws are checked, in lockstep with the model."""
