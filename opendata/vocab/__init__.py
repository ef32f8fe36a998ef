"""The vocabulary: namespaces, the URI policy, SKOS code lists and the vocabulary page."""
