"""The fault vocabulary: every way a coach may name a form fault, mapped to what it is.

A `Concept` is one kind of fault ("the knees cave in"), with the phrases people use for it and
the keywords that tie it to the issue types the rules in tools/faults report (and to the names
of the checks in findings["checks"]). `vocabulary()` builds the list from the rules registered
today, so a rule added later is covered by its own name even before it gets synonyms here.
Faults that no rule reports ("elbows flared", "shoulders shrugged") are concepts too, with no
issue type: naming one as present can never be grounded.

Phrases are regular expressions matched on lowercased prose with word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Concept:
    """One kind of form fault.

    Attributes:
        name: A readable name (the rule's issue type when one reports it).
        keywords: Substrings that put an issue type or a check name in this concept.
        phrases: Regular expressions for the ways prose names the fault.
    """

    name: str
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]

    def covers(self, name: str) -> bool:
        """Whether an issue type or check name belongs to this concept."""
        text = str(name or "").lower().replace("_", " ")
        return any(k in text for k in self.keywords)


# Verb endings: "cave", "caves", "caved", "caving", "dropped", "sagging".
_V = r"(?:e|es|ed|ing|s|ped|ping|ged|ging|ted|ting)?"

# Concepts with their synonyms. Keywords are matched against issue types and check names.
CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "Shallow depth",
        ("shallow", "dip depth", "lateral depth"),
        (
            r"shallow(?:er)?",
            r"not (?:deep|low) enough",
            r"(?:didn't|did not|not|never|don't|do not) (?:sit|squat|go|get|sink|drop)\w* "
            r"(?:\w+ )?(?:deep|low|down) enough",
            r"above parallel",
            r"(?:lack|lacking|lacked) (?:of )?depth",
            r"insufficient depth",
            r"(?:cut|cutting) (?:the |your )?(?:reps? |squats? )?short",
        ),
    ),
    Concept(
        "Knee valgus",
        ("valgus", "knee cave", "knees caving"),
        (
            r"(?:knee )?valgus",
            r"knees? cav" + _V,
            r"cav(?:e|es|ed|ing) in(?:ward|wards)?",
            r"knees? (?:collaps|buckl|roll|drift|fall|fell|track|tracked|travel+)"
            + _V
            + r" in(?:ward|wards)?",
            r"knock[- ]kne" + r"(?:ed|es)",
            r"knees? (?:came|come|coming) (?:in|together)",
        ),
    ),
    Concept(
        "Forward lean",
        ("forward lean", "torso lean"),
        (
            r"forward lean",
            r"lean(?:ed|ing|s)? (?:too )?(?:far )?forward",
            r"torso lean",
            r"(?:chest|torso) (?:drop|fall|fell|collaps|tip|tipp)" + _V,
            r"(?:excessive|too much) lean",
        ),
    ),
    Concept(
        "Heel rise",
        ("heel",),
        (
            r"heels? (?:ris|rose|rise|lift|rais|came up|come up|coming up|pop|popp|leav)" + _V,
            r"heels? (?:off|left) the (?:floor|ground)",
            r"(?:onto|on) (?:your|the) toes",
        ),
    ),
    Concept(
        "Asymmetry",
        ("asymmetr", "symmetr", "left/right", "left-right", "imbalance"),
        (
            r"a?symmetr\w*",
            r"lopsided",
            r"uneven(?:ly)?",
            r"(?:left|right)[-/ ](?:right|left) (?:difference|imbalance|gap)",
            r"(?:favou?r|shift)" + _V + r" (?:to )?(?:one|your (?:left|right)) (?:side|leg|arm)",
            r"(?:one|your (?:left|right)) side (?:lag|drop|dipp|work)" + _V,
            r"(?:side[- ]to[- ]side|muscle) imbalance",
            r"hip shift\w*",
            r"(?:sides?|arms|legs) (?:differ|did not match|didn't match)\w*",
        ),
    ),
    Concept(
        "Hip sag",
        ("sag", "hips too low", "hips low"),
        (
            r"(?:hips?|back|midsection|belly|middle) (?:sag|dip|dropp|droop)" + _V,
            r"sagg?(?:ing|ed|s)? (?:hips?|back|midsection)",
            r"hip sag",
            r"sag(?:s|ged|ging)?",
            r"hips? (?:are |were |was |is )?too low",
            r"sway ?back",
            r"banana back",
        ),
    ),
    Concept(
        "Hip pike",
        ("pike", "hips too high", "hips high"),
        (
            r"pik" + _V,
            r"hips? (?:are |were |was |is )?too high",
            r"hips? (?:up )?in the air",
            r"(?:butt|bum|backside) (?:up|in the air|too high)",
        ),
    ),
    Concept(
        "Head drop",
        ("head drop",),
        (
            r"head (?:drop|hang|droop|dip|sag)" + _V,
            r"(?:drop|dropp|hang|droop)" + _V + r" (?:your|the) head",
            r"head (?:position|alignment) (?:slipp|broke|fault)\w*",
            r"neck (?:crane|craning|craned|drop|dropping|dropped|bent)",
            r"chin (?:drop|dropp|tuck|tucked)" + _V,
        ),
    ),
    Concept(
        "Partial range of motion",
        ("partial range", "range of motion", "full range", "incomplete sit"),
        (
            r"partial (?:range|reps?|repetitions?|push-?ups?|sit-?ups?)",
            r"half[- ]reps?",
            r"(?:incomplete|limited|short|reduced) range(?: of motion)?",
            r"(?:didn't|did not|never|not) (?:go|come|get|going|coming|getting) all the way",
        ),
    ),
    Concept(
        "Rounded back",
        ("round", "spine flexion", "back rounding"),
        (
            r"round" + _V + r" (?:your |the )?(?:upper |lower |mid )?(?:back|spine)",
            r"(?:upper |lower |mid )?(?:back|spine) round" + _V,
            r"rounded (?:upper |lower )?(?:back|spine|shoulders)",
            r"(?:lumbar|spinal|spine) flexion",
            r"butt[- ]wink",
            r"hunch" + _V,
            r"(?:cat|turtle)[- ]back",
        ),
    ),
    Concept(
        "Hips rising first",
        ("hips rising", "hips rise", "hips shoot"),
        (
            r"hips? (?:rise|rising|rose|shoot|shooting|shot|come|came) (?:up )?(?:first|early|too"
            r" fast)",
            r"hips? (?:lead|led|leading) (?:the (?:lift|pull|way)|out)",
            r"stripper (?:squat|deadlift)",
            r"(?:turn|turned|turning) (?:it )?into a (?:good ?morning|stiff[- ]leg)",
        ),
    ),
    Concept(
        "Incomplete lockout",
        ("lockout", "lock out", "locking out"),
        (
            r"incomplete (?:lockout|extension)",
            r"(?:didn't|did not|never|not|without|no) (?:fully )?lock(?:ing|ed)?(?: it)? out",
            r"(?:soft|partial|missed|missing) lockout",
            r"(?:arms?|elbows?|hips?|knees?) (?:stayed|were|was|remained) (?:slightly )?bent at"
            r" the top",
            r"short of (?:full )?(?:lockout|extension)",
        ),
    ),
    Concept(
        "Knee past toes",
        ("knee past", "knee over toe", "knees past"),
        (
            r"knees? (?:\w+ )?(?:past|over|beyond|in front of) (?:your |the )?toes?",
            r"knees? (?:shot|shoot|shooting|drift|drifted|drifting|travel\w*) (?:too far )?forward",
        ),
    ),
    Concept(
        "Knee angle out of range",
        ("knee angle out of range", "knee range"),
        (
            r"knee angle (?:was )?out of (?:the )?range",
            r"front knee (?:bent|bends|bending) (?:too (?:much|little|far))",
        ),
    ),
    Concept(
        "Trailing leg bent",
        ("trailing leg", "trailing"),
        (
            r"trailing (?:leg|knee)",
            r"(?:back|rear|straight) (?:leg|knee) (?:bent|bending|bends|bowed|buckl\w*)",
            r"bent (?:back|rear|trailing) (?:leg|knee)",
        ),
    ),
    Concept(
        "No chin over bar",
        ("chin over bar", "chin"),
        (
            r"chin (?:\w+ )?(?:below|under|short of|never (?:cleared|reached|got over)) the bar",
            r"(?:didn't|did not|never|failed to|not) (?:get|got|bring|pull|clear|reach)\w* "
            r"(?:your |the )?chin (?:over|above|past)",
            r"no chin over (?:the )?bar",
        ),
    ),
    Concept(
        "Kipping",
        ("kip", "momentum"),
        (
            r"kip\w*",
            r"(?:swing|swung|swinging) (?:your |the )?(?:legs|hips|body)",
            r"(?:body|leg|hip) swing\w*",
            r"(?:using|used|use|uses) momentum",
            r"momentum",
        ),
    ),
    Concept(
        "Partial hang",
        ("hang", "dead hang"),
        (
            r"partial hang",
            r"(?:arms?|elbows?) (?:stayed|stay|were|remained|kept) (?:slightly )?bent at the"
            r" bottom",
            r"(?:didn't|did not|never|not) (?:fully )?(?:extend|straighten|hang)\w*"
            r"(?: your arms| fully)?(?: at the bottom)",
            r"(?:short|no|without a?) (?:dead )?hang",
        ),
    ),
    Concept(
        "Upper-arm swing",
        ("upper-arm", "upper arm", "arm swing"),
        (
            r"upper[- ]arm swing\w*",
            r"(?:swing|swung|swinging) (?:your |the )?(?:upper )?arms?",
            r"elbows? (?:drift|drifted|drifting|swing|swung|swinging|moved|moving|travel\w*) "
            r"(?:forward|back|away)",
            r"cheat(?:ing|ed)? (?:reps?|curls?)",
            r"(?:using|used|use) momentum",
        ),
    ),
    Concept(
        "Incomplete top",
        ("incomplete top", "incomplete curl", "top of the curl"),
        (
            r"incomplete (?:top|curl)",
            r"(?:didn't|did not|never|not) (?:curl|bring|get)\w*(?: the weight| it)? all the way"
            r" up",
            r"(?:stopp|stop)\w* short of the top",
            r"short of the top",
        ),
    ),
    Concept(
        "Leaning back",
        ("lean back", "leaning back"),
        (
            r"lean(?:ed|ing|s)? (?:way |too far )?back(?:ward|wards)?",
            r"(?:rock|rocking|rocked|throw|throwing|threw) (?:your )?(?:torso|body|shoulders) back",
            r"leaning back",
        ),
    ),
    Concept(
        "Lower-back arch",
        ("arch",),
        (
            r"(?:lower[- ])?back arch\w*",
            r"arch" + _V + r" (?:your |the )?(?:lower )?back",
            r"arched (?:lower )?back",
            r"over[- ]?arch\w*",
            r"hyper[- ]?extend\w* (?:your |the )?(?:lower )?back",
            r"lumbar (?:extension|hyperextension|arch)",
        ),
    ),
    Concept(
        "Feet lifting",
        ("feet lift", "feet lifting"),
        (
            r"feet (?:lift|leav|came off|come off|coming off|left|rais)" + _V,
            r"feet (?:off|left) the (?:floor|ground|mat)",
        ),
    ),
    Concept(
        "Arms not overhead",
        ("arms not overhead", "arms overhead"),
        (
            r"arms (?:\w+ )?(?:not|never|didn't|did not) (?:\w+ )?(?:overhead|above your head)",
            r"hands (?:didn't|did not|never) (?:meet|touch|reach) (?:overhead|above)",
        ),
    ),
    Concept(
        "Feet not wide",
        ("feet not wide", "legs apart"),
        (
            r"feet (?:\w+ )?(?:not|never|didn't|did not) (?:\w+ )?(?:wide|apart)",
            r"(?:narrow|too narrow) (?:stance|jumps?)",
        ),
    ),
    # Faults the generic checks (consistency, tempo, control, hold stability) may report; the
    # keywords tie them to whatever name the rules give them.
    Concept(
        "Inconsistent depth",
        ("inconsistent depth", "depth consistency"),
        (
            r"inconsistent depth",
            r"(?:uneven|varying|variable) depth",
            r"depth (?:varied|vary|varies|changed|was inconsistent|kept changing)",
        ),
    ),
    Concept(
        "Inconsistent tempo",
        ("inconsistent tempo", "tempo consistency"),
        (
            r"inconsistent (?:tempo|pace|speed|timing)",
            r"(?:uneven|varying|variable) (?:tempo|pace|speed|timing)",
            r"(?:tempo|pace|speed|timing) (?:varied|vary|varies|changed|was inconsistent)",
        ),
    ),
    Concept(
        "Inconsistent reps",
        ("inconsisten",),
        (r"inconsisten\w*(?! (?:depth|tempo|pace|speed|timing))",),
    ),
    Concept(
        "Uncontrolled lowering",
        ("eccentric", "lowering", "uncontrolled", "rushed", "too fast"),
        (
            r"(?:uncontrolled|fast|rushed|quick) (?:eccentric|descent|lowering|negative)",
            r"(?:dropp|drop|crash|fall|fell|plummet)"
            + _V
            + r" (?:down |into the bottom )?too fast",
            r"(?:lowering|descending|coming down) too (?:fast|quickly)",
            r"(?:lowering|descent|eccentric|negative)s? (?:was |were |is |are )?"
            r"(?:rushed|too fast|uncontrolled|too quick)",
            r"rush" + _V + r" (?:the )?(?:reps?|descent|lowering|eccentric)",
        ),
    ),
    Concept(
        "Unstable hold",
        ("unstable", "unsteady", "steadiness", "stability", "shak", "wobbl"),
        (
            r"unstable (?:hold|plank|position)",
            r"unsteady(?: hold| plank| position)?",
            r"(?:shak|wobbl|sway)(?:ing|ed|es|y)",
        ),
    ),
    Concept(
        "Position off target",
        ("position off target", "hold position"),
        (
            r"position (?:was |is )?off (?:the )?target",
            r"(?:held|holding) (?:the |your )?(?:wrong|off-target) position",
        ),
    ),
    # Faults no rule reports: naming them as present is never grounded.
    Concept(
        "Elbow flare",
        ("elbow flare",),
        (
            r"elbows? (?:flar|flair)" + _V,
            r"flar(?:ed|ing) (?:your )?elbows?",
            r"elbow flare",
            r"chicken[- ]wing\w*",
        ),
    ),
    Concept(
        "Shoulder shrug",
        ("shrug",),
        (r"shrugg?" + _V + r"(?: your)?(?: shoulders?)?", r"shoulders? (?:rose|rising|creep)\w*"),
    ),
    Concept(
        "Wrist collapse",
        ("wrist",),
        (r"wrists? (?:collaps|bent|bend|cock|flex|break|broke)" + _V, r"bent wrists?"),
    ),
    Concept(
        "Knee hyperextension",
        ("hyperextension of the knee",),
        (r"(?:locked|hyperextended) knees?", r"knees? (?:locked|hyperextend\w*)"),
    ),
    Concept(
        "Bouncing",
        ("bounce",),
        (r"bounc" + _V + r"(?: out)?(?: of| at| off)? (?:the )?(?:bottom|hole|chest)",),
    ),
    Concept(
        "Scapular winging",
        ("scapula",),
        (r"(?:scapular|shoulder[- ]blade) wing\w*", r"winging"),
    ),
    Concept(
        "Bar path",
        ("bar path",),
        (r"bar (?:path|drift\w*) (?:drift|forward|away)\w*",),
    ),
)


def _issue_types() -> list[str]:
    try:
        from tools.faults import GENERIC, RULES
    except Exception:  # The vocabulary stays usable without the vision layer's heavy deps.
        return []
    return sorted({r.issue for r in RULES.values()} | {c.issue for c in GENERIC.values()})


@lru_cache(maxsize=1)
def vocabulary() -> tuple[Concept, ...]:
    """Every concept: the table above, plus one for each reported issue type it lacks."""
    concepts = list(CONCEPTS)
    for issue_type in _issue_types():
        if not any(c.covers(issue_type) for c in concepts):
            concepts.append(
                Concept(issue_type, (issue_type.lower(),), (re.escape(issue_type.lower()),))
            )
    return tuple(concepts)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[Concept, re.Pattern], ...]:
    out = []
    for concept in vocabulary():
        names = [re.escape(concept.name.lower()), *concept.phrases]
        out.append((concept, re.compile(r"(?<![\w-])(?:" + "|".join(names) + r")(?![\w])")))
    return tuple(out)


def mentions(text: str) -> list[tuple[Concept, int, int]]:
    """The fault concepts a lowercased text names, with the span of each naming."""
    found = []
    for concept, pattern in _compiled():
        for match in pattern.finditer(text):
            found.append((concept, match.start(), match.end()))
    return found


def concepts_of(issue_type: str) -> list[Concept]:
    """The concepts an issue type (or check name) belongs to."""
    return [
        c for c in vocabulary() if c.covers(issue_type) or c.name.lower() == str(issue_type).lower()
    ]
