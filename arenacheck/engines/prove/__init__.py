"""The CrossHair engine: PEP 316 contracts (``contracts``: the kernels; ``public``: any
implementation's public operations) and behaviour diffs, run by symbolic execution (``run``;
``engine``)."""
