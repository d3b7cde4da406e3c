"""Clients of the studio and the terms the front desk finds them by."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.models.base import Base, UTCDateTime, Versioned


class Client(Versioned, Base):
    __tablename__ = "client"
    __table_args__ = (
        Index("ix_client_sort", "sort_key", "id"),
        Index("ix_client_identity", "date_of_birth", "last_name", "first_name"),
    )

    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    emergency_contact_name: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    occupation: Mapped[str | None] = mapped_column(String(200))
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    physician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinician.id", ondelete="SET NULL")
    )
    referral_source: Mapped[str | None] = mapped_column(String(200))
    consent_to_share_date: Mapped[date | None] = mapped_column(Date)
    waiver_signed_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Accent- and case-folded "last first" so the list sorts the way people read names.
    sort_key: Mapped[str] = mapped_column(String(250), nullable=False, default="")

    search_terms: Mapped[list[ClientSearchTerm]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ClientSearchTerm(Base):
    """One folded word a client can be found by (name parts, email, phone digits, birth date).

    Prefix ranges over this indexed column keep search-as-you-type fast on 100,000 clients on
    SQLite and PostgreSQL alike, without a full-text extension on either.
    """

    __tablename__ = "client_search_term"
    __table_args__ = (Index("ix_client_search_term_term", "term", "client_id"),)

    client_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True
    )
    # Bytewise ("C") on PostgreSQL, as SQLite compares: the prefix ranges in
    # studio.services.clients then mean the same on both, and the index serves them.
    term: Mapped[str] = mapped_column(
        String(254).with_variant(String(254, collation="C"), "postgresql"), primary_key=True
    )
