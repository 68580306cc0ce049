"""Project layers and the files they read: a step that replaces files takes the layers reading them out
of the project first (Windows refuses to replace a file open in QGIS) and puts them back after."""

import re
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsMapLayerFactory,
    QgsProject,
    QgsProviderRegistry,
    QgsReadWriteContext,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QEvent, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument


def outline(layer: QgsVectorLayer, colour: str) -> None:
    symbol = layer.renderer().symbol().symbolLayer(0)
    symbol.setBrushStyle(Qt.BrushStyle.NoBrush)
    symbol.setStrokeColor(QColor(colour))
    symbol.setStrokeWidth(0.6)


def file_of(layer) -> Optional[Path]:
    """The file a layer reads, or None (memory and web layers). Of a GDAL subdataset (HDF5:"file"://name),
    its file; QGIS 3.22 gives a CSV layer's Windows path as /C:/..."""
    path = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path")
    if not path:
        return None
    quoted = re.match(r'^\w+:"([^"]+)"', path)
    return Path(quoted.group(1) if quoted else re.sub(r"^/(?=[A-Za-z]:)", "", path)).resolve()


def is_under(path: Optional[Path], roots) -> bool:
    return path is not None and any(path == root or root in path.parents for root in roots)


def set_aside_layers(roots) -> list:
    """Take the layers reading files under `roots` out of the project, so that a step can replace those
    files: Windows refuses to replace a file open in QGIS. Their nodes stay in the layer tree, to keep their
    places for put_back_layers(). Returns each layer as the project file keeps it (source, name, style,
    temporal settings, id), as XML text."""
    project = QgsProject.instance()
    aside, ids = [], []
    for layer in project.mapLayers().values():
        if is_under(file_of(layer), roots):
            document = QDomDocument()
            element = document.createElement("maplayer")
            layer.writeLayerXml(element, document, QgsReadWriteContext())
            document.appendChild(element)
            aside.append(document.toString())
            ids.append(layer.id())
    bridge = project.layerTreeRegistryBridge()
    enabled = bridge.isEnabled()
    bridge.setEnabled(False)  # the bridge would take the layers' nodes out too
    project.removeMapLayers(ids)
    bridge.setEnabled(enabled)
    # QGIS's OGR connection pool closes a removed layer's file in a deleteLater: now, before the step writes.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return aside


def put_back_layers(aside: list) -> list:
    """The layers of set_aside_layers() back in their places, each reading its file as it is now (invalid
    if it is gone). Returns them."""
    project = QgsProject.instance()
    root = project.layerTreeRoot()
    options = QgsMapLayerFactory.LayerOptions(project.transformContext())
    layers = []
    for text in aside:
        document = QDomDocument()
        document.setContent(text)
        element = document.documentElement()
        kind, _ = QgsMapLayerFactory.typeFromString(element.attribute("type"))
        layer = QgsMapLayerFactory.createLayer("", "", kind, options)
        layer.readLayerXml(element, QgsReadWriteContext())
        project.addMapLayer(layer, False)
        if root.findLayer(layer.id()) is None:  # its node was deleted meanwhile
            root.insertLayer(0, layer)
        layers.append(layer)
    root.resolveReferences(project)  # the kept nodes find their layers again
    return layers


def remove_layers_of(path: Path) -> None:
    """Out of the project: the layers reading `path` (which keep the file open)."""
    project = QgsProject.instance()
    project.removeMapLayers([lyr.id() for lyr in project.mapLayers().values() if file_of(lyr) == path.resolve()])


def replace_layer(path: Path, name: str, colour: str) -> QgsVectorLayer:
    """The file as a project layer, outlined; a previous layer of the same file goes first."""
    remove_layers_of(path)
    project = QgsProject.instance()
    layer = QgsVectorLayer(str(path), name, "ogr")
    outline(layer, colour)
    project.addMapLayer(layer)
    return layer
