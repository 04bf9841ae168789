"""Which cue a person hears after each rep of a live set (docs/live.md says why this policy).

    policy = CuePolicy()
    message = policy.after_rep(3, issues_of_rep_3)   # a cue, a word of praise, or None

Rules, in order:
    * At most one message per rep.
    * The cue is the rep's most severe fault (ties: the more confident measurement).
    * A fault cued on the previous rep is not cued again unless it got worse (a higher
      severity); the next most severe fault of the rep is cued instead, if there is one.
    * A fault that was cued and then stayed gone for PRAISE_AFTER reps earns one short word of
      praise, on a rep that has no cue of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_RANK = {"minor": 1, "moderate": 2, "severe": 3}
# A corrected fault is praised once it has stayed gone for this many reps in a row: one clean
# rep can be chance, two in a row is a correction that held.
PRAISE_AFTER = 2


def rank(issue: dict) -> tuple[int, float]:
    """Sort key: severity first, then confidence."""
    return SEVERITY_RANK.get(issue.get("severity", ""), 0), float(issue.get("confidence") or 0)


@dataclass
class CuePolicy:
    """The state of one live set's cueing.

    Attributes:
        last_cue: {"rep", "issueType", "severity"} of the latest cue, or None.
        corrected: issue type -> reps in a row without it since it was last cued.
    """

    last_cue: dict | None = None
    corrected: dict[str, int] = field(default_factory=dict)

    def after_rep(self, rep: int, issues: list[dict]) -> dict | None:
        """The message for a just-finished rep.

        Args:
            rep: The rep's number (1-based).
            issues: The faults found on that rep: dicts with "issueType", "severity" (minor,
                moderate, severe), "text" (what to say) and optionally "confidence".

        Returns:
            {"type": "cue", "rep", "issueType", "severity", "text"}, or {"type": "praise",
            "rep", "issueType", "text"}, or None when nothing should be said.
        """
        earned = self._count_clean({i["issueType"] for i in issues})
        for issue in sorted(issues, key=rank, reverse=True):
            if self._repeat(rep, issue):
                continue
            self.last_cue = {
                "rep": rep,
                "issueType": issue["issueType"],
                "severity": issue["severity"],
            }
            self.corrected[issue["issueType"]] = 0
            return {
                "type": "cue",
                "rep": rep,
                "issueType": issue["issueType"],
                "severity": issue["severity"],
                "text": issue["text"],
            }
        if earned is None:
            return None
        # Praised once; it is cued (and can be praised) again if it comes back.
        clean = self.corrected.pop(earned)
        return {
            "type": "praise",
            "rep": rep,
            "issueType": earned,
            "text": f"Good, that's fixed: no {earned.lower()} for {clean} reps.",
        }

    def _repeat(self, rep: int, issue: dict) -> bool:
        """The same fault as the previous rep's cue, and not worse."""
        last = self.last_cue
        if last is None or last["rep"] != rep - 1 or last["issueType"] != issue["issueType"]:
            return False
        return SEVERITY_RANK.get(issue["severity"], 0) <= SEVERITY_RANK.get(last["severity"], 0)

    def _count_clean(self, present: set[str]) -> str | None:
        """Counts clean reps of every cued fault; the first one that held long enough."""
        earned = None
        for issue_type in list(self.corrected):
            if issue_type in present:
                self.corrected[issue_type] = 0
                continue
            self.corrected[issue_type] += 1
            if self.corrected[issue_type] >= PRAISE_AFTER and earned is None:
                earned = issue_type
        return earned
