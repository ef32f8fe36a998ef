"""The plugin: swap CKAN's Solr index and package query for PostgreSQL-backed ones.

CKAN looks its search classes up in ``ckan.lib.search._INDICES`` and ``_QUERIES`` each time it
indexes or searches (a few places build ``search.PackageSearchQuery()`` directly), and checks the Solr schema once while loading its configuration, after the
plugins' ``update_config``. Replacing those entries (and the schema check) there is enough for
CKAN to start, create, update and search datasets with no Solr running.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.opendata_pgsearch.query import NoopPackageIndex, PgPackageSearchQuery


def install() -> None:
    """Point CKAN's search module at the no-op index and the PostgreSQL query."""
    import ckan.lib.search as search

    search._INDICES["package"] = NoopPackageIndex
    search._QUERIES["package"] = PgPackageSearchQuery
    search.PackageSearchQuery = PgPackageSearchQuery  # group counts build it directly
    search.check_solr_schema_version = lambda schema_file=None: False
    search.is_available = lambda: True


class PgSearchPlugin(p.SingletonPlugin):
    """``ckan.plugins = opendata_pgsearch``: search from PostgreSQL, no Solr."""

    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        install()
