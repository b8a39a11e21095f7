"""The local launcher and the embedded PostgreSQL/Redis: `python -m devserver run | test [args] | services | stop`.

Nothing under config/ starts a server: settings read DATABASE_URL / REDIS_URL (or compute where this
checkout's embedded servers listen), and this package is what starts those servers.
"""
