"""Documents: a record of every PDF the studio printed or saved, so it can be made again."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from studio.models.base import Base, Versioned


class Document(Versioned, Base):
    """One generated document. The PDF itself is not kept (it can be large and it holds health
    data); `options` holds what is needed to make it again and `fingerprint` the SHA-256 of the
    bytes handed out, so a paper copy can be matched to its record."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_client", "client_id", "created_at"),)

    # None for a blank questionnaire printed for the waiting room.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("program.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # handout / letter / progress / questionnaire
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    options: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)  # SHA-256, hex
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    # printed / saved / opened / batch: what happened to it
    handed: Mapped[str] = mapped_column(String(20), nullable=False, default="printed")
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
