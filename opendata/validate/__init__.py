"""Validation of written packages: tables against their Table Schemas, the graph against SHACL."""
