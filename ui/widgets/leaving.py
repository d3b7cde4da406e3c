"""Leaving a form with unsaved edits: ask, then save, discard or stay — never lose typing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ui import messages


def leave_then(
    parent,
    holders: Sequence,
    proceed: Callable[[], None],
    on_cancel: Callable[[], None] | None = None,
    focus: Callable[[object], None] | None = None,
) -> None:
    """Run `proceed` once none of `holders` has unsaved changes.

    Holders offer `has_unsaved_changes()`, `save(then)`, `discard_changes()` and
    `unsaved_what` (words for the question); a holder with `saves_drafts` is saved without
    asking. Saving is asynchronous, so `proceed` runs from the
    save's completion; a refused save (reasons shown in the form) keeps the person where they are.
    """
    holder = next((h for h in holders if h.has_unsaved_changes()), None)
    if holder is None:
        proceed()
        return
    if getattr(holder, "saves_drafts", False):
        # Drafts are saved, not asked about: nothing typed with a client in the room is lost.
        if not holder.save(then=lambda: leave_then(parent, holders, proceed, on_cancel, focus)) and on_cancel:
            on_cancel()
        return
    if focus is not None:
        focus(holder)
    answer = messages.unsaved_changes(parent, holder.unsaved_what)
    if answer == "save":
        started = holder.save(then=lambda: leave_then(parent, holders, proceed, on_cancel, focus))
        if not started and on_cancel is not None:
            on_cancel()
    elif answer == "discard":
        for each in holders:
            each.discard_changes()
        proceed()
    elif on_cancel is not None:
        on_cancel()
