"""The front desk's main page: find a client on the left, work with them in tabs on the right.

The tabs on the right (the client's workspace) are built the first time a client is opened or a
new one started: a desk that only looks people up never loads the assessment, program,
referral and document code or builds their forms (benchmarks: the `memory` figure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import options
from ui.clients.list_model import ClientListModel
from ui.widgets.leaving import leave_then
from ui.widgets.tables import list_table, side_by_side

if TYPE_CHECKING:
    from ui.assessment.tab import AssessmentTab
    from ui.clients.client_tab import ClientTab
    from ui.documents.client_tab import DocumentsTab
    from ui.program.tab import ProgramTab
    from ui.referrals.client_tab import ReferralsTab

SEARCH_DELAY_MS = 150


def client_tabs() -> list[type]:
    """The workspace tabs, in order. Each later part of Upright (assessment, program) adds its tab here."""
    from ui.assessment.tab import AssessmentTab
    from ui.clients.client_tab import ClientTab
    from ui.documents.client_tab import DocumentsTab
    from ui.program.tab import ProgramTab
    from ui.referrals.client_tab import ReferralsTab

    return [ClientTab, AssessmentTab, ProgramTab, ReferralsTab, DocumentsTab]


class ClientsPage(QWidget):
    status = Signal(str)
    workspace_built = Signal()  # the tabs exist now: the signed-in person's role applies to them

    # What `_build_workspace` makes; ui/signin/roles.py leaves these alone until they exist.
    BUILT_WHEN_NEEDED = frozenset({"tabs", "workspace", "client_tab", "assessment_tab", "program_tab",
                                   "referrals_tab", "documents_tab"})  # fmt: skip

    def __init__(self, runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.current_id: int | None = None

        # Left: search and list.
        self.search_box = QLineEdit()
        self.search_box.setObjectName("clientSearch")
        self.search_box.setPlaceholderText("Search name, phone, email or date of birth  (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.setChecked(options.get("clients/show_archived"))
        self.new_button = QPushButton("New client")
        self.new_button.setToolTip("Register a new client (Ctrl+N)")
        self.model = ClientListModel(runner, self)
        self.table = list_table(self.model)
        self.table.setObjectName("clientList")
        for column, width in enumerate((200, 90, 120, 190)):
            self.table.horizontalHeader().resizeSection(column, width)
        self.list_status = QLabel()
        self.list_status.setObjectName("listStatus")
        self.list_status.setWordWrap(True)
        self.list_status.setStyleSheet("color: #555;")

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.show_archived)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.list_status)

        # Right: an explanation until a client is chosen, then the workspace tabs.
        self._tabs: QTabWidget | None = None  # built when first needed (`workspace`)
        self._workspace: list | None = None
        self.closed_tabs: set = set()  # tabs the signed-in person's role may not open (set_tab_allowed)
        empty = QLabel(
            "<h3>No client selected</h3>"
            "<p>Pick a client from the list, or search by name, phone, email or date of birth.</p>"
            "<p>To register someone new, press <b>Ctrl+N</b> or <b>New client</b>.</p>"
        )
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setStyleSheet("color: #444;")
        self.right = QStackedWidget()
        self.right.addWidget(empty)

        self.splitter = side_by_side(left, self.right, (400, 880), (2, 3))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self.run_search)
        self.show_archived.toggled.connect(self._archived_toggled)
        self.new_button.clicked.connect(self.new_client)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.model.loaded.connect(self._list_loaded)

    # --- the workspace: the client's tabs, built when first needed -----------------------------

    @property
    def workspace(self) -> list:
        if self._workspace is None:
            self._build_workspace()
        return self._workspace

    @property
    def tabs(self) -> QTabWidget:
        if self._tabs is None:
            self._build_workspace()
        return self._tabs

    # Each tab by name; asking for one builds the workspace.
    client_tab: ClientTab = property(lambda self: self._tab("ClientTab"))
    assessment_tab: AssessmentTab = property(lambda self: self._tab("AssessmentTab"))
    program_tab: ProgramTab = property(lambda self: self._tab("ProgramTab"))
    referrals_tab: ReferralsTab = property(lambda self: self._tab("ReferralsTab"))
    documents_tab: DocumentsTab = property(lambda self: self._tab("DocumentsTab"))

    def built_tabs(self) -> list:
        """The workspace tabs if they have been built, else none (nothing in them to save)."""
        return self._workspace or []

    def not_built_yet(self, part: str) -> bool:
        return part in self.BUILT_WHEN_NEEDED and self._workspace is None

    def _build_workspace(self) -> None:
        tabs = QTabWidget()
        tabs.setObjectName("clientTabs")
        workspace = [tab_class(self.runner) for tab_class in client_tabs()]
        for tab in workspace:
            tabs.addTab(tab, tab.tab_title)
        self._tabs, self._workspace = tabs, workspace
        self.right.addWidget(tabs)
        tabs.currentChanged.connect(self._keep_closed)
        self.client_tab.saved.connect(self._client_saved)
        self.client_tab.archived_changed.connect(self._client_saved)
        self.program_tab.print_requested.connect(lambda program_id: self.documents_tab.print_handout(program_id))
        self.assessment_tab.referred.connect(lambda: self.referrals_tab.reload())
        self.referrals_tab.changed.connect(self.referral_changed)
        self.referrals_tab.status.connect(self.status)
        self.workspace_built.emit()

    def changed_elsewhere(self, changed: set[str]) -> None:
        """Another desk committed: refresh the list, and the open client's tabs that show what
        changed — but never a tab holding unsaved edits (its save will meet the other desk's
        version and ask)."""
        from ui.freshness import concerns

        if changed & {"*", "?", "client", "client_search_term"}:
            self.model.refresh()
        if self.current_id is None or self._tabs is None or self.right.currentWidget() is not self._tabs:
            return
        reloaded = [tab for tab in self.open_tabs() if concerns(tab, changed) and not tab.has_unsaved_changes()]
        for tab in reloaded:
            tab.show_client(self.current_id)
        if reloaded:
            self.status.emit("Updated with changes made at another desk")

    def referral_changed(self) -> None:
        """A reply may have recorded a clearance: the gate banners and the program read it."""
        if self._workspace is None:
            return  # built later, the tabs read it then
        if self.assessment_tab not in self.closed_tabs:
            self.assessment_tab.refresh_gate()
        if self.program_tab not in self.closed_tabs:
            self.program_tab.reload(open_id=self.program_tab.program.id if self.program_tab.program else None)

    # --- what the signed-in person may open (ui/signin/roles.py) ---------------------------

    def open_tabs(self) -> list:
        return [tab for tab in self.built_tabs() if tab not in self.closed_tabs]

    def set_tab_allowed(self, tab, allowed: bool) -> None:
        """Show a workspace tab, or take it away entirely: a closed tab can't be chosen (by click,
        Ctrl+Tab or code), is emptied, and loads nothing until a role that may open it signs in."""
        index = self.tabs.indexOf(tab)
        if not allowed:
            self.closed_tabs.add(tab)
            if self.tabs.currentWidget() is tab:
                self.tabs.setCurrentWidget(self.client_tab)
        self.tabs.setTabVisible(index, allowed)
        self.tabs.setTabEnabled(index, allowed)
        if allowed and tab in self.closed_tabs:
            self.closed_tabs.discard(tab)
            if self.current_id is not None:
                tab.show_client(self.current_id)
            else:
                tab.start_new()
        elif not allowed:
            tab.discard_changes()
            tab.show_client(None)  # what it showed of the last client goes

    def _keep_closed(self, _index: int) -> None:
        if self.tabs.currentWidget() in self.closed_tabs:  # chosen by code: back to the client's details
            self.tabs.setCurrentWidget(self.client_tab)

    def close_client(self) -> None:
        """Back to "No client selected" (after signing out)."""
        self.current_id = None
        self.table.clearSelection()
        self.right.setCurrentIndex(0)
        for tab in self.open_tabs():
            tab.start_new()

    # --- list -------------------------------------------------------------------------------

    def run_search(self) -> None:
        self._search_timer.stop()
        self.model.search(self.search_box.text(), self.show_archived.isChecked())

    def _archived_toggled(self, checked: bool) -> None:
        options.put("clients/show_archived", checked)
        self.run_search()

    def _list_loaded(self) -> None:
        count = self.model.rowCount()
        text = self.search_box.text().strip()
        if count == 0:
            self.list_status.setText(
                f"No clients match “{text}”. Try part of the name, the phone number's last digits, or the email."
                if text
                else "No clients yet. Press New client (Ctrl+N) to register the first one."
            )
        else:
            more = " — scroll for more" if self.model.has_more() else ""
            noun = "client" if count == 1 else "clients"
            self.list_status.setText(f"{count}{'+' if self.model.has_more() else ''} {noun}{more}")
        self._select_current()

    def _select_current(self) -> None:
        if self.current_id is None:
            return
        row = self.model.row_of(self.current_id)
        if row >= 0:
            selection = self.table.selectionModel()
            selection.blockSignals(True)
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            selection.blockSignals(False)

    def _row_chosen(self, current, _previous) -> None:
        if not current.isValid():
            return
        client_id = self.model.data(current, Qt.ItemDataRole.UserRole)
        if client_id == self.current_id:
            return
        self.leave_then(lambda: self.open_client(client_id), on_cancel=self._select_current)

    # --- workspace --------------------------------------------------------------------------

    def open_client(self, client_id: int) -> None:
        self.current_id = client_id
        self.right.setCurrentWidget(self.tabs)
        for tab in self.open_tabs():
            tab.show_client(client_id)

    def open_client_at(self, client_id: int, tab=None) -> None:
        """Open `client_id` (asking about unsaved edits first), on `tab` if given."""
        def go() -> None:
            self.open_client(client_id)
            self._select_current()
            if tab is not None and tab not in self.closed_tabs:
                self.tabs.setCurrentWidget(tab)

        self.leave_then(go)

    def new_client(self) -> None:
        def start() -> None:
            self.current_id = None
            self.table.clearSelection()
            self.right.setCurrentWidget(self.tabs)
            self.tabs.setCurrentWidget(self.client_tab)
            for tab in self.open_tabs():
                tab.start_new()

        self.leave_then(start)

    def leave_then(self, proceed, on_cancel=None) -> None:
        """Run `proceed` once no workspace tab holds unsaved edits (asking first)."""
        leave_then(self, self.built_tabs(), proceed, on_cancel, focus=lambda tab: self.tabs.setCurrentWidget(tab))

    def save_current(self) -> None:
        if self._tabs is not None and self.right.currentWidget() is self._tabs:
            tab = self.tabs.currentWidget()
            tab.save()

    def _tab(self, kind: str):
        return next(tab for tab in self.workspace if type(tab).__name__ == kind)

    def print_current(self):
        """Ctrl+P: the home program on the screen (the Program tab's), else the active one; a tab
        with documents of its own (referral letters) prints what is selected there."""
        if self._tabs is None or self.right.currentWidget() is not self._tabs or self.current_id is None:
            self.status.emit("Choose a client first; Ctrl+P prints their home program.")
            return None
        tab = self.tabs.currentWidget()
        if tab is not self.documents_tab and hasattr(tab, "print_current"):
            return tab.print_current()
        if tab is self.program_tab and self.program_tab.print_button.isEnabled():
            self.program_tab.print_handout()
            return None
        return self.documents_tab.print_handout()

    def documents_made(self) -> None:
        """Documents were made elsewhere (a batch): the Documents tab lists them, once it exists."""
        if self._workspace is not None:
            self.documents_tab.reload()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _client_saved(self, record) -> None:
        if self.current_id != record.id:  # a new client: the other tabs can start on them now
            for tab in self.open_tabs()[1:]:
                tab.show_client(record.id)
        self.current_id = record.id
        self.status.emit(f"Saved {record.name}")
        self.model.refresh()

    # --- window state -----------------------------------------------------------------------

    def restore_state(self) -> None:
        if state := options.get("clients/splitter"):
            self.splitter.restoreState(state)
        if state := options.get("clients/header"):
            self.table.horizontalHeader().restoreState(state)

    def save_state(self) -> None:
        options.put("clients/splitter", self.splitter.saveState())
        options.put("clients/header", self.table.horizontalHeader().saveState())
