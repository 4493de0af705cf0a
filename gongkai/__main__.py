"""`python -m gongkai`: the command line (gongkai/cli.py)."""
import sys

from gongkai.cli import main

sys.exit(main())
