"""Checks on the typed tables: the identity catalogue, its engine and the interval model.

Nothing is imported here on purpose: `juesuan.rules.registry` reads the catalogue's metadata
from `juesuan.validators.catalogue` at import, and the engine imports the registry, so this
package must stay free of eager imports. Use `juesuan.validators.engine.check_identities`
(within and across tables) or `check_within` (each table on its own).
"""
