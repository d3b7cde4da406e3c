"""Progress over time: the latest signed assessment beside the previous one, changes that pass
the important-change threshold marked, and the pain and disability trend."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from studio.charts import trend_chart
from studio.services import assessments
from ui.widgets.chart_view import ChartView


def _shown(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


class ProgressPage(QWidget):
    title = "Progress"

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.client_id: int | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("progressTable")
        self.table.setHorizontalHeaderLabels(["Measure", "Previous", "Latest", "Change"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(190)
        self.chart = ChartView()
        self.chart.setObjectName("trendChart")
        note = QLabel("★ marks an improvement at least as large as the instrument's important-change threshold. "
                      "Only signed assessments are compared.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(QLabel("<b>Pain and disability over time</b>"))
        layout.addWidget(self.chart, 1)

    def show_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        if client_id is None:
            self._show(None)
            return
        self.runner.run(lambda s: assessments.progress(s, client_id), self._show, owner=self)

    def _show(self, progress) -> None:
        self.table.setRowCount(0)
        if progress is None or progress.latest is None:
            self.heading.setText("No signed assessments yet. Sign an assessment to start tracking progress.")
            self.chart.set_chart_maker(lambda w, h: trend_chart((), w, h))
            return
        latest, previous = progress.latest, progress.previous
        if previous is None:
            self.heading.setText(f"One signed assessment so far ({latest.assessed_on:%d %b %Y}); "
                                 "the comparison starts with the first re-assessment.")
        else:
            self.heading.setText(f"<b>{previous.assessed_on:%d %b %Y}</b> compared with <b>{latest.assessed_on:%d %b %Y}</b>")
        self.table.setHorizontalHeaderLabels([
            "Measure",
            f"Previous ({previous.assessed_on:%d %b})" if previous else "Previous",
            f"Latest ({latest.assessed_on:%d %b})",
            "Change",
        ])
        for change in progress.changes:
            row = self.table.rowCount()
            self.table.insertRow(row)
            if change.before is None or change.after is None:
                delta = ""
            else:
                difference = change.after - change.before
                word = "better" if change.better else ("worse" if change.better is False else "same")
                delta = f"{difference:+.1f} ({word})" + ("  ★ important" if change.important else "")
            for column, text in enumerate((change.measure, _shown(change.before), _shown(change.after), delta)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        points = progress.trend
        self.chart.set_chart_maker(lambda w, h: trend_chart(points, w, h))
