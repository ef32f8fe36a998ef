"""The table catalogue: the kinds of table a disclosure holds, their fields, how to know them."""
