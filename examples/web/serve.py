"""Start the craftcore web app: ``python examples/web/serve.py``, then open http://127.0.0.1:8000/.

``--help`` lists the options (address, port, database file, extra pack folders).
"""

import sys

from craftweb.server import main  # craftweb/ sits next to this script, so it is importable when the script runs

if __name__ == "__main__":
    sys.exit(main())
