"""SPARQL over packages: the embedded store, named queries, the endpoint, pushes to other stores."""
