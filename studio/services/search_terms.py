"""The words a client can be found by, and what a typed query can mean.

Stored terms: every word of each name and the name with separators removed ("obrien"), the
email, the phone's digits and the ISO date of birth. A typed word is tried as each reading that
makes sense (text, phone digits, a numeric date in either day/month order), matched as a prefix.
"""

from __future__ import annotations

import re
from datetime import date

from studio.text import digits, fold, joined, words

_MAX_TERM = 254


def client_terms(details) -> set[str]:
    terms: set[str] = set()
    for name in (details.first_name, details.last_name, details.preferred_name):
        if name:
            terms.update(words(name))
            terms.add(joined(name))
    if details.email:
        terms.add(fold(details.email))
    if details.phone:
        terms.update(phone_tails(details.phone))
    if details.date_of_birth:
        terms.add(details.date_of_birth.isoformat())
    return {t[:_MAX_TERM] for t in terms if t}


def phone_tails(phone: str) -> set[str]:
    """The number's digits from each group on: "+1 (555) 013-4421" is found by typing 1555…,
    555…, 013… or 4421, because the desk rarely types the country code."""
    groups = re.findall(r"[0-9]+", phone.split("x")[0].split("ext")[0])
    tails = {"".join(groups[i:]) for i in range(len(groups))}
    return {tail for tail in tails if len(tail) >= 3}


def _numeric_dates(token: str) -> set[str]:
    parts = [p for p in token.replace(".", "/").replace("-", "/").split("/") if p]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return set()
    a, b, year = (int(p) for p in parts)
    if year < 100 or year > 9999:
        return set()
    found = set()
    for day, month in ((a, b), (b, a)):
        try:
            found.add(date(year, month, day).isoformat())
        except ValueError:
            pass
    return found


def query_candidates(text: str) -> list[set[str]]:
    """For each word of the query, the prefixes any one of which may match a stored term."""
    result = []
    for token in text.split():
        folded = fold(token).strip(",;")
        candidates = {folded, joined(token)}
        number = digits(token)
        if len(number) >= 3 and len(number) * 2 >= len(token):
            candidates.add(number)
        candidates |= _numeric_dates(token)
        candidates.discard("")
        if candidates:
            result.append(candidates)
    return result
