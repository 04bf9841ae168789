"""The live cue policy (tools.cues): one cue per rep, no nagging, praise for a fix that held."""

from tools.cues import PRAISE_AFTER, CuePolicy


def fault(kind: str, severity: str, confidence: float = 0.8) -> dict:
    return {
        "issueType": kind,
        "severity": severity,
        "text": f"fix {kind}",
        "confidence": confidence,
    }


def test_one_cue_per_rep_the_most_severe():
    policy = CuePolicy()
    said = policy.after_rep(1, [fault("Knee valgus", "moderate"), fault("Shallow", "severe")])
    assert said["type"] == "cue"
    assert said["issueType"] == "Shallow"
    assert said["rep"] == 1 and said["text"] == "fix Shallow"


def test_ties_go_to_the_more_confident_measurement():
    policy = CuePolicy()
    said = policy.after_rep(1, [fault("A", "minor", 0.5), fault("B", "minor", 0.9)])
    assert said["issueType"] == "B"


def test_clean_rep_says_nothing():
    assert CuePolicy().after_rep(1, []) is None


def test_same_cue_not_repeated_on_next_rep_unless_worse():
    policy = CuePolicy()
    assert policy.after_rep(1, [fault("Shallow", "moderate")])["type"] == "cue"
    assert policy.after_rep(2, [fault("Shallow", "moderate")]) is None
    assert policy.after_rep(3, [fault("Shallow", "minor")])["issueType"] == "Shallow"
    worse = policy.after_rep(4, [fault("Shallow", "severe")])
    assert worse["issueType"] == "Shallow" and worse["severity"] == "severe"


def test_a_repeat_gives_way_to_the_next_fault():
    policy = CuePolicy()
    policy.after_rep(1, [fault("Shallow", "severe")])
    said = policy.after_rep(2, [fault("Shallow", "severe"), fault("Heels up", "minor")])
    assert said["issueType"] == "Heels up"


def test_praise_when_a_cued_fault_stays_gone():
    policy = CuePolicy()
    policy.after_rep(1, [fault("Shallow", "moderate")])
    said = [policy.after_rep(rep, []) for rep in range(2, 2 + PRAISE_AFTER + 2)]
    praise = [s for s in said if s is not None]
    assert len(praise) == 1  # once, not on every clean rep
    assert praise[0]["type"] == "praise" and praise[0]["issueType"] == "Shallow"
    assert praise[0]["rep"] == 1 + PRAISE_AFTER


def test_no_praise_if_the_fault_comes_back_in_between():
    policy = CuePolicy()
    policy.after_rep(1, [fault("Shallow", "moderate")])
    assert policy.after_rep(2, []) is None
    assert policy.after_rep(3, [fault("Shallow", "moderate")])["type"] == "cue"
    assert policy.after_rep(4, []) is None


def test_a_cue_takes_the_rep_and_praise_waits():
    policy = CuePolicy()
    policy.after_rep(1, [fault("Shallow", "moderate")])
    policy.after_rep(2, [])
    said = policy.after_rep(3, [fault("Heels up", "minor")])
    assert said["type"] == "cue"
    assert policy.after_rep(4, [])["type"] == "praise"
