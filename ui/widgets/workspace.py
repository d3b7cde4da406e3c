"""The client-workspace tab protocol (see ui/clients/page.py), for tabs that edit nothing in
place: their work happens in dialogs that save or ask before closing."""

from __future__ import annotations


class NothingToSave:
    """Mixin for a workspace tab whose `show_client(client_id)` is all it needs."""

    def start_new(self) -> None:
        self.show_client(None)

    def has_unsaved_changes(self) -> bool:
        return False

    def save(self, then=None) -> bool:
        if then is not None:
            then()
        return True

    def discard_changes(self) -> None:
        pass
