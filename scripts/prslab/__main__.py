"""Allow `python -m prslab`."""

import sys

from prslab.cli import main

sys.exit(main())
