"""The command-line front end (Typer + Rich): a thin shell over the core, one module per command group.

``main`` is the console-script entry point; it turns every ``UnknotError`` into one clear line and a non-zero
exit. Modules import Rich and the core lazily, so ``unknot --help`` and ``unknot screen --json`` start fast.
"""
