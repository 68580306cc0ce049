"""Keeps every running background task (and what it needs) alive until QGIS is done with it.

The Python side of a QgsTask, and the context/feedback of a Processing task, are collected as soon
as nothing refers to them, which crashes QGIS mid-run; unload() must also be able to cancel them."""

from qgis.core import QgsApplication, QgsTask


class TaskRegistry:
    def __init__(self):
        self._running = {}  # id(task) -> (task, *objects kept alive with it)

    def start(self, task: QgsTask, *keep_alive) -> None:
        key = id(task)
        self._running[key] = (task, *keep_alive)
        task.taskCompleted.connect(lambda: self._running.pop(key, None))
        task.taskTerminated.connect(lambda: self._running.pop(key, None))
        QgsApplication.taskManager().addTask(task)

    def running(self) -> list:
        return [entry[0] for entry in self._running.values()]

    def cancel_all(self, wait_ms: int = 5000) -> None:
        """Cancel everything and give each task a moment to stop before the plugin goes away."""
        tasks = self.running()
        for task in tasks:
            task.cancel()
        for task in tasks:
            task.waitForFinished(wait_ms)
