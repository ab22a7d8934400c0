"""``python -m kg``: the ``kg`` command (:func:`kg.cli.entry`)."""

from kg.cli import entry

entry()
