"""`python -m devserver run | test [pytest args] | services | stop` (see devserver/launcher.py)."""

import sys

from devserver.launcher import main

sys.exit(main(sys.argv[1:]))
