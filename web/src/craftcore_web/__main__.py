"""``python -m craftcore_web``: the same as the ``craftcore-web`` command."""

import sys

from ._cli import main

sys.exit(main())
