"""The ``opendata`` command: one module per command group; a command calls one library function."""
