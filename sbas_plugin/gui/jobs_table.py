"""The HyP3 jobs of one project name, as the work folder's job record (hyp3_jobs.json) has them."""

from qgis.PyQt.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from sbas_plugin.i18n import tr


def status_label(code: str) -> str:
    """A HyP3 status code as the table shows it ("" before the first status refresh)."""
    labels = {
        "PENDING": tr("pending"),
        "RUNNING": tr("running"),
        "SUCCEEDED": tr("succeeded"),
        "FAILED": tr("failed"),
    }
    return labels.get(code, code or tr("submitted"))


def short_pair(reference: str, secondary: str) -> str:
    """Two scene names as their acquisition dates (characters 17..24 of a Sentinel-1 SLC name)."""

    def date(scene):
        return f"{scene[17:21]}-{scene[21:23]}-{scene[23:25]}"

    return f"{date(reference)} – {date(secondary)}"


class JobsTable(QTableWidget):
    """A row per pair: its dates, its status and when its products expire."""

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([tr("Pair"), tr("Status"), tr("Expires")])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setMinimumHeight(140)

    def show_project(self, project: dict) -> None:
        """The pairs of one project of the job record ({}: none)."""
        self.setRowCount(0)
        for key, entry in project.get("pairs", {}).items():
            reference, secondary = key.split(" ")
            row = self.rowCount()
            self.insertRow(row)
            pair = QTableWidgetItem(short_pair(reference, secondary))
            pair.setToolTip("\n".join([reference, secondary, *entry.get("job_ids", [])]))
            # Status and expiry when the record carries them; the record always names the pair's jobs.
            status = QTableWidgetItem(status_label(entry.get("status", "")))
            expiry = QTableWidgetItem((entry.get("expiration_time") or "—").replace("T", " ").replace("+00:00", " UTC"))
            for column, item in enumerate((pair, status, expiry)):
                self.setItem(row, column, item)
        self.resizeColumnToContents(1)
