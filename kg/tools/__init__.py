"""Developer tools (code generation), run with ``python -m kg.tools.<name>``."""
