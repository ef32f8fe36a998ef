"""Publishing packages to a CKAN portal, with DCAT metadata."""
