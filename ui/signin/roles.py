"""What each role sees: one table of (what, permission), walked after every sign-in.

The services refuse whatever a role may not do (studio/access.py); the window hides it, so the
person is never offered a button that ends in "Only a trainer can…". Each rule names a window
attribute path (dots for parts of parts); a path that does not exist (yet) is skipped, so a page
that is added later only needs its line here. A part its owner builds only when first needed
(the client's tabs: `not_built_yet`) is skipped until then; the owner's signal that it is built
(`workspace_built`) has the rules walked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studio import access

ACTION, TAB, WIDGET, SECTION = "action", "tab", "widget", "section"


@dataclass(frozen=True)
class Rule:
    path: str  # attribute path from the main window, e.g. "clients_page.assessment_tab"
    permission: str
    kind: str = WIDGET  # ACTION: hidden (and with it its shortcut); TAB: a client workspace tab
    # SECTION: the group box of a form field (path ends with the field's name)


RULES: tuple[Rule, ...] = (
    # The owner's: staff, studio settings, backups, the studio server, the audit trail.
    Rule("staff_action", "staff.manage", ACTION),
    Rule("profile_action", "studio.settings", ACTION),
    Rule("server_action", "studio.settings", ACTION),
    Rule("lock_settings_action", "studio.settings", ACTION),
    Rule("backups_action", "backups", ACTION),
    Rule("backup_action", "backups", ACTION),
    Rule("audit_action", "audit.read", ACTION),
    Rule("export_client_data_action", "client_data", ACTION),
    Rule("erase_client_action", "client_data", ACTION),
    # Trainers' (and the owner's): health information and the documents made from it.
    Rule("import_clients_action", "clients.import", ACTION),
    Rule("export_clients_action", "clients.import", ACTION),
    Rule("import_clinicians_action", "clients.import", ACTION),
    Rule("export_clinicians_action", "clients.import", ACTION),
    Rule("print_action", "documents.make", ACTION),
    Rule("batch_action", "documents.make", ACTION),
    Rule("clients_page.assessment_tab", "clinical.read", TAB),
    Rule("clients_page.program_tab", "clinical.read", TAB),
    Rule("clients_page.client_tab.editor.form.notes", "clients.notes", SECTION),
    Rule("clients_page.documents_tab.handout_button", "documents.make"),
    Rule("clients_page.documents_tab.progress_button", "documents.make"),
    Rule("clients_page.documents_tab.audience", "documents.make"),
    Rule("clients_page.documents_tab.large_print", "documents.make"),
    Rule("clients_page.referrals_tab.recommendation", "clinical.read"),
    Rule("clients_page.referrals_tab.refer_button", "referrals.write"),
    Rule("clients_page.referrals_tab.edit_button", "referrals.write"),
    Rule("clients_page.referrals_tab.actions.open_button", "clinical.read"),
    Rule("clients_page.referrals_tab.actions.reply_button", "referrals.write"),
    Rule("referrals_page.actions.open_button", "clinical.read"),
    Rule("referrals_page.actions.reply_button", "referrals.write"),
)


def _find(root, path: str):
    """The object at `path`, or None when some part of it does not exist (yet)."""
    target = root
    for part in path.split("."):
        if target is None:
            return None
        if getattr(target, "not_built_yet", lambda _part: False)(part):
            return None  # nothing to show or hide until it is built
        if isinstance(target, dict):
            target = target.get(part)
        elif part in getattr(target, "inputs", {}) and not hasattr(target, part):
            target = target.inputs[part]  # a RecordForm's field by name
        else:
            target = getattr(target, part, None)
    return target


def _section_of(widget):
    """The group box (or row holder) a form field sits in: hiding it hides its label too."""
    from PySide6.QtWidgets import QGroupBox

    holder = widget.parentWidget()
    box = holder
    while box is not None and not isinstance(box, QGroupBox):
        box = box.parentWidget()
    return box or holder


def apply_role(window, person: access.Person, rules: Iterable[Rule] = RULES) -> list[Rule]:
    """Show what `person` may use and hide the rest; returns the rules that hid something."""
    hidden = []
    for rule in rules:
        target = _find(window, rule.path)
        if target is None:
            continue
        allowed = person.may(rule.permission)
        if rule.kind == ACTION:
            target.setVisible(allowed)
            if not allowed:
                target.setEnabled(False)  # and its shortcut with it, wherever it is attached
        elif rule.kind == TAB:
            page = _find(window, rule.path.rsplit(".", 1)[0])
            page.set_tab_allowed(target, allowed)
        elif rule.kind == SECTION:
            _section_of(target).setVisible(allowed)
        else:
            target.setVisible(allowed)
        if not allowed:
            hidden.append(rule)
    return hidden

