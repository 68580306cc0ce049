import sys

from sbas_plugin.cli import main

sys.exit(main())
