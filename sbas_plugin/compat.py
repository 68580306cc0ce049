"""The few places where QGIS 3.22 and QGIS 4 (Qt6) need different code."""

from qgis.core import Qgis, QgsField

if Qgis.versionInt() >= 33800:  # fields are typed by QMetaType from 3.38 on; QVariant.Type is gone in Qt6
    from qgis.PyQt.QtCore import QMetaType

    _TYPES = {int: QMetaType.Type.LongLong, float: QMetaType.Type.Double, str: QMetaType.Type.QString}
else:
    from qgis.PyQt.QtCore import QVariant

    _TYPES = {int: QVariant.LongLong, float: QVariant.Double, str: QVariant.String}


def field(name: str, python_type: type) -> QgsField:
    return QgsField(name, _TYPES[python_type])
