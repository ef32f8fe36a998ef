"""Reading: files (text, PDF) into positioned lines, lines into the typed model of a disclosure."""
