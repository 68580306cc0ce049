"""Run one Processing algorithm at a time in the background for a dock, with a live log and progress.

The algorithm runs as a QgsProcessingAlgRunnerTask, so it shows in QGIS's task manager and can be
canceled there or from the dock. Its feedback lives in the GUI thread; the algorithm calls it from the
task's thread, and the signals it emits are therefore queued into the GUI thread."""

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from sbas_plugin.i18n import tr


class SignalFeedback(QgsProcessingFeedback):
    """Processing feedback that re-emits every message as a Qt signal (progress already is one)."""

    message = pyqtSignal(str, bool)  # text, whether it is a warning or an error

    def pushInfo(self, info):  # noqa: N802 (QGIS's names)
        super().pushInfo(info)
        self.message.emit(info, False)

    def pushWarning(self, warning):  # noqa: N802
        super().pushWarning(warning)
        self.message.emit(warning, True)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803
        super().reportError(error, fatalError)
        self.message.emit(error, True)

    def setProgressText(self, text):  # noqa: N802
        super().setProgressText(text)
        self.message.emit(text, False)


class AlgorithmRunner(QObject):
    """Starts algorithms by id; emits their log lines and progress, and finished(ok, results) at the end.

    A failure is also shown in the message bar, with the whole log behind its "More" button."""

    message = pyqtSignal(str, bool)
    progress = pyqtSignal(float)
    started = pyqtSignal(str)  # the algorithm's display name
    finished = pyqtSignal(bool, dict)  # succeeded, the algorithm's results

    def __init__(self, tasks, message_bar, parent=None):
        super().__init__(parent)
        self.tasks = tasks  # TaskRegistry: holds task, algorithm, context and feedback until the end
        self.message_bar = message_bar
        self.task = None
        self.context = None  # of the last run: takeResultLayer() needs it after the end
        self.name = ""
        self.log = []
        self._errors = []
        self._feedback = None
        self._on_success = None

    def running(self) -> bool:
        return self.task is not None

    def start(self, algorithm_id: str, parameters: dict, on_success=None) -> None:
        """Run the algorithm; on_success(results) is called in the GUI thread when it succeeds."""
        if self.running():
            raise RuntimeError(tr("{} is still running.").format(self.name))
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        if algorithm is None:
            raise RuntimeError(tr("The Processing algorithm {} is not available.").format(algorithm_id))
        self.name = algorithm.displayName()
        self.log, self._errors = [], []
        self._on_success = on_success
        self.context = QgsProcessingContext()
        self.context.setProject(QgsProject.instance())
        self._feedback = SignalFeedback()
        self._feedback.message.connect(self._message)
        self._feedback.progressChanged.connect(self.progress)
        # Cancelable because every sbas algorithm is (QgsProcessingAlgorithm.FlagCanCancel).
        self.task = QgsProcessingAlgRunnerTask(algorithm, parameters, self.context, self._feedback)
        self.task.executed.connect(self._executed)
        self.started.emit(self.name)
        self.tasks.start(self.task, algorithm, self.context, self._feedback)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _message(self, text: str, warning: bool) -> None:
        self.log.append(text)
        if warning:
            self._errors.append(text)
        self.message.emit(text, warning)

    def _executed(self, ok: bool, results: dict) -> None:
        canceled = self._feedback.isCanceled()
        self.task = None
        if ok:
            self.progress.emit(100.0)
        elif canceled:
            self._message(tr("{} canceled.").format(self.name), False)
        else:
            why = self._errors[-1] if self._errors else tr("see the log")
            self.message_bar.pushMessage(
                tr("SBAS"),
                tr("{} failed: {}").format(self.name, why),
                "\n".join(self.log),
                Qgis.MessageLevel.Critical,
                0,
            )
        on_success, self._on_success = self._on_success, None
        if ok and on_success is not None:
            on_success(results)
        self.finished.emit(ok, results)
