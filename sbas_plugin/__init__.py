"""sbas_plugin: Sentinel-1 SBAS InSAR in QGIS.

QGIS calls classFactory; the import is deferred so that the command line and the pure core can
import this package without QGIS.
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from sbas_plugin.plugin import SbasPlugin

    return SbasPlugin(iface)
