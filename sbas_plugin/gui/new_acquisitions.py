""" "N new acquisitions since <date>" for the dock's work folder: ASF is asked at most once a day per work
folder, in a background task; offline or failing, the dock simply shows nothing. Switched off in the options."""

import datetime as dt
import json

from qgis.core import Qgis, QgsMessageLog, QgsTask

from sbas_plugin.i18n import tr
from sbas_plugin.settings import load_settings, save_settings


def today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def seen(work: str):
    """(since, count) found for the work folder today, or None when ASF was not asked today."""
    entry = json.loads(load_settings().new_acquisitions_seen or "{}").get(work)
    return (entry["since"], entry["count"]) if entry and entry["checked"] == today() else None


def remember(work: str, since: str, count: int) -> None:
    settings = load_settings()
    entries = json.loads(settings.new_acquisitions_seen or "{}")
    entries = {folder: entry for folder, entry in entries.items() if entry["checked"] == today()}  # only today's
    entries[work] = {"checked": today(), "since": since, "count": count}
    settings.new_acquisitions_seen = json.dumps(entries)
    save_settings(settings)


def message(since: str, count: int) -> str:
    if count == 0:
        return tr("No new acquisitions since {}.").format(since)
    return tr("{count} new acquisitions since {since}: Update on page 3 adds them.").format(count=count, since=since)


class NewAcquisitionsTask(QgsTask):
    """One ASF search with the work folder's recorded options; `done(since, count)` runs in the GUI thread."""

    def __init__(self, work: str, done):
        super().__init__(tr("Check for new acquisitions"), QgsTask.Flag.CanCancel)
        self.work, self.done = work, done
        self.since, self.count, self.error = None, 0, ""

    def run(self) -> bool:
        from sbas_plugin.core.online.update import new_acquisitions

        try:
            since, dates = new_acquisitions(self.work, is_canceled=self.isCanceled)
        except (RuntimeError, OSError, ValueError, KeyError) as error:  # offline, ASF down, an old folder
            self.error = str(error)
            return False
        self.since, self.count = since.isoformat(), len(dates)
        return True

    def finished(self, ok: bool) -> None:
        if not ok:
            QgsMessageLog.logMessage(
                tr("No check for new acquisitions: {}").format(self.error or tr("canceled")),
                "SBAS",
                Qgis.MessageLevel.Info,
            )
            return
        remember(self.work, self.since, self.count)
        self.done(self.since, self.count)


def can_check(work: str) -> bool:
    """Whether the folder has a recorded search and pairs to compare with, and the option is on."""
    from sbas_plugin.core.manifest import Manifest

    if not work or not load_settings().check_new_acquisitions:
        return False
    manifest = Manifest(work)
    return bool(manifest.step("search") and manifest.step("pairs"))
