"""Writing: a disclosure's model into a Frictionless data package and its linked-data graph."""
