"""The findings panel: what the rules conclude from what has been recorded, updated as the
trainer types. An emergency flag fills the top of the panel in red and cannot be scrolled past."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from studio.clinical import endurance, measures, provocation
from studio.clinical.assessment import Findings

DESTINATIONS = {
    "emergency_department": "Emergency department — today",
    "primary_care": "Primary care physician",
    "pain_specialist": "Pain specialist",
    None: "No referral needed; training may proceed",
}
TIER_WORDS = {"emergency": "EMERGENCY", "urgent": "Urgent", "routine": "Routine", "none": "None"}
BANNERS = {
    "emergency": ("#b00020", "white", "EMERGENCY — send the client to the emergency department today. No training until a doctor clears them."),
    "urgent": ("#e65100", "white", "Urgent — the client should see a doctor within days, before training the painful area."),
}
LEVEL_STYLE = {"none": "color:#2e7d32", "possible": "color:#b26a00;font-weight:600", "likely": "color:#b00020;font-weight:700"}


def _ratio_reference(key: str) -> str:
    men, women = endurance.REFERENCE_MEANS["men"], endurance.REFERENCE_MEANS["women"]

    def ratio(t) -> float:
        return {
            "flexor_extensor": t.flexor / t.extensor,
            "right_left": t.side_right / t.side_left,
            "side_extensor": max(t.side_right, t.side_left) / t.extensor,
        }[key]

    return f"reference men {ratio(men):.2f}, women {ratio(women):.2f}"


def findings_html(f: Findings) -> str:
    parts: list[str] = []
    r = f.referral
    parts.append(f"<h3>Referral recommendation</h3><p><b>{TIER_WORDS[r.tier]}</b>: {DESTINATIONS[r.destination]}</p>")
    if r.reasons:
        parts.append("<ul>" + "".join(f"<li>{escape(reason)}</li>" for reason in r.reasons) + "</ul>")
    for advice in f.advisories:
        parts.append(f"<p style='color:#444'>Consider: {escape(advice)}</p>")

    parts.append("<h3>Red flags reported</h3>")
    if f.red_flags:
        parts.append("<ul>" + "".join(
            f"<li><b>{TIER_WORDS[flag.tier]}</b> — {escape(flag.wording)}</li>" for flag in f.red_flags) + "</ul>")
    else:
        parts.append("<p>None reported.</p>")

    parts.append("<h3>Movement intolerance profile</h3><table cellpadding='2'>")
    for movement, level in f.intolerance.items():
        parts.append(f"<tr><td>{movement.capitalize()}</td><td style='{LEVEL_STYLE[level]}'>{level}</td></tr>")
    parts.append("</table>")
    if f.directional_preference:
        parts.append(f"<p>Directional preference: <b>{', '.join(f.directional_preference)}</b> eased symptoms.</p>")
    elif f.easing_tests:
        names = ", ".join(provocation.PROVOCATION_TESTS[c].test for c in f.easing_tests)
        parts.append(f"<p>Eased symptoms: {escape(names)}.</p>")

    parts.append("<h3>Scores</h3><table cellpadding='2'>")
    rows = []
    if f.nprs_now is not None or f.nprs_worst is not None:
        worst = f", worst {f.nprs_worst}/10" if f.nprs_worst is not None else ""
        now = f"{f.nprs_now}/10" if f.nprs_now is not None else "—"
        rows.append(("Pain (NPRS)", f"now {now}{worst}"))
    if f.odi is not None:
        rows.append(("Oswestry (ODI)", f"{f.odi.percent:.0f}% — {measures.ODI_BAND_LABELS[f.odi.band]}" if f.odi.percent is not None
                     else f"only {f.odi.answered} of 10 sections answered (8 needed)"))
    if f.rmdq is not None:
        rows.append(("Roland-Morris", f"{f.rmdq} / 24"))
    if f.start_back is not None:
        sb = f.start_back
        rows.append(("STarT Back", f"{sb.risk} risk (total {sb.total}/9, psychosocial {sb.psychosocial}/5)"))
    if f.psfs is not None:
        rows.append(("PSFS", f"{f.psfs:.1f} / 10"))
    parts.extend(f"<tr><td>{a}</td><td><b>{escape(b)}</b></td></tr>" for a, b in rows)
    parts.append("</table>" if rows else "</table><p>No scores recorded yet.</p>")

    parts.append("<h3>Endurance ratios</h3>")
    e = f.endurance
    if e is None:
        parts.append("<p>Record all four times to see the ratios.</p>")
    else:
        parts.append("<table cellpadding='2'>")
        for key, label, value, limit in (
            ("flexor_extensor", "Flexor ÷ extensor", e.flexor_extensor, "flag above 1.00"),
            ("right_left", "Right ÷ left side bridge", e.right_left, "flag outside 0.95–1.05"),
            ("side_extensor", "Side bridge ÷ extensor", e.side_extensor, "flag above 0.75"),
        ):
            shown = "—" if value is None else f"{value:.2f}"
            flag = " <b style='color:#b00020'>imbalance</b>" if key in e.flags else ""
            parts.append(f"<tr><td>{label}</td><td><b>{shown}</b>{flag}</td></tr>"
                         f"<tr><td colspan='2' style='color:#666; font-size:small'>{limit}; {_ratio_reference(key)}</td></tr>")
        parts.append("</table>")
    if f.missing:
        parts.append(f"<p style='color:#666'>Not recorded yet: {escape(', '.join(f.missing))}.</p>")
    return "".join(parts)


class FindingsPanel(QWidget):
    refer_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.banner = QLabel()
        self.banner.setObjectName("findingsBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.body = QTextBrowser()
        self.body.setObjectName("findingsBody")
        self.body.setOpenLinks(False)
        title = QLabel("<b>Findings</b> — observations, not a diagnosis")
        self.refer_button = QPushButton("Refer…")
        self.refer_button.setObjectName("referButton")
        self.refer_button.setToolTip("Choose a clinician and write the referral letter this assessment recommends")
        self.refer_button.setVisible(False)
        self.refer_button.clicked.connect(self.refer_requested)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.refer_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)

    def show_findings(self, findings: Findings | None) -> None:
        if findings is None:
            self.banner.setVisible(False)
            self.refer_button.setVisible(False)
            self.body.setHtml("<p>Start or open an assessment to see the findings.</p>")
            return
        tier = findings.referral.tier
        if tier in BANNERS:
            background, colour, text = BANNERS[tier]
            self.banner.setText(text)
            self.banner.setStyleSheet(
                f"background:{background}; color:{colour}; font-size:11pt; font-weight:700; padding:8px; border-radius:4px;"
            )
        self.banner.setVisible(tier in BANNERS)
        self.refer_button.setVisible(tier != "none")
        self.refer_button.setText("Refer now…" if tier in BANNERS else "Refer…")
        self.body.setHtml(findings_html(findings))
