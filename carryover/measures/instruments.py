"""The built-in standardised measures as data: items, answer scales, scoring, bands, cut-points and sources.

Every number here (bands, cut-points, thresholds, rules) and its published source is listed in
`docs/clinical-sources.md`; `SOURCES` at the end of this module is what the "how this is scored" panels show. The
three measures are free to use, so the published item
wording is kept (a reworded item is no longer the validated instrument):
- PHQ-9 and GAD-7: "without copyright restriction and at no charge" (Pfizer, 2010; news-medical.net 2010-07-23).
  PHQ-9: Kroenke, Spitzer & Williams (2001) J Gen Intern Med 16:606–613.
  GAD-7: Spitzer, Kroenke, Williams & Löwe (2006) Arch Intern Med 166:1092–1097.
- PCL-5: public domain, US Department of Veterans Affairs National Center for PTSD (Weathers et al. 2013);
  scoring per Blevins et al. (2015) J Trauma Stress 28:489–498.

Each measure becomes a built-in homework template (category "Measures") with one item per step, so it is assigned,
scheduled, drafted and submitted like any activity; `scoring.py` turns the answers into a score.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop  # band names, translated where shown (MeasureResult)

MEASURE_CATEGORY = "Measures"  # the library shelf they sit on; what makes a template a measure is its `kind`

FREQUENCY_0_3 = [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]
BOTHER_0_4 = [(0, "Not at all"), (1, "A little bit"), (2, "Moderately"), (3, "Quite a bit"), (4, "Extremely")]

PHQ9: dict[str, Any] = {
    "key": "phq9",
    "name": "PHQ-9",
    "title": "Mood questionnaire (PHQ-9)",
    "stem": "Over the last 2 weeks, how often have you been bothered by the following problem?",
    "scale": FREQUENCY_0_3,
    "items": [
        ("q1", "Little interest or pleasure in doing things"),
        ("q2", "Feeling down, depressed, or hopeless"),
        ("q3", "Trouble falling or staying asleep, or sleeping too much"),
        ("q4", "Feeling tired or having little energy"),
        ("q5", "Poor appetite or overeating"),
        ("q6", "Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
        ("q7", "Trouble concentrating on things, such as reading the newspaper or watching television"),
        (
            "q8",
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
            "fidgety or restless that you have been moving around a lot more than usual",
        ),
        ("q9", "Thoughts that you would be better off dead or of hurting yourself in some way"),
    ],
    # The unscored functional item (Kroenke et al. 2001): asked, kept, never added to the total.
    "extra": {
        "key": "difficulty",
        "text": (
            "If you checked off any problems, how difficult have these problems made it for you to do your work, "
            "take care of things at home, or get along with other people?"
        ),
        "choices": [
            ("not", "Not difficult at all"),
            ("somewhat", "Somewhat difficult"),
            ("very", "Very difficult"),
            ("extremely", "Extremely difficult"),
        ],
    },
    # Severity bands, inclusive (Kroenke et al. 2001; docs/clinical-sources.md).
    "bands": [
        (0, 4, "minimal", gettext_noop("Minimal")),
        (5, 9, "mild", gettext_noop("Mild")),
        (10, 14, "moderate", gettext_noop("Moderate")),
        (15, 19, "moderately_severe", gettext_noop("Moderately severe")),
        (20, 27, "severe", gettext_noop("Severe")),
    ],
    # NHS Talking Therapies: reliable change is a change of 6 or more points (NCT05134103 citing the IAPT
    # definitions; nhs.uk Scorecard "Reliable Improvement"; docs/clinical-sources.md).
    "reliable_change": 6,
    "change_label": "reliable",
    # NHS Talking Therapies caseness: a score of 10 or more (">9") (fingertips.phe.org.uk glossary; see
    # docs/clinical-sources.md).
    "caseness": 10,
    # Any answer of 1 or more on item 9 is a risk flag whatever the total (Simon et al. 2013; docs/clinical-sources.md).
    "risk_item": "q9",
    # The same rule as data on the item's field, so the answer raises an alert the moment it is saved; "always":
    # no therapist can turn it off for a client.
    "risk_rule": {"at_least": 1, "alert": "always", "source": "phq9_item9"},
    "minutes": 3,
    "summary": "Nine questions about mood over the last two weeks. Scored 0–27.",
    "rationale": (
        "Answering the same short questions every so often shows how your mood is changing, in a way that is easy "
        "to miss from week to week. Your therapist uses it to check the work is helping."
    ),
}

GAD7: dict[str, Any] = {
    "key": "gad7",
    "name": "GAD-7",
    "title": "Anxiety questionnaire (GAD-7)",
    "stem": "Over the last 2 weeks, how often have you been bothered by the following problem?",
    "scale": FREQUENCY_0_3,
    "items": [
        ("q1", "Feeling nervous, anxious, or on edge"),
        ("q2", "Not being able to stop or control worrying"),
        ("q3", "Worrying too much about different things"),
        ("q4", "Trouble relaxing"),
        ("q5", "Being so restless that it is hard to sit still"),
        ("q6", "Becoming easily annoyed or irritable"),
        ("q7", "Feeling afraid, as if something awful might happen"),
    ],
    # Severity bands, inclusive: 5 / 10 / 15 = mild / moderate / severe (Spitzer et al. 2006; docs/clinical-sources.md).
    "bands": [
        (0, 4, "minimal", gettext_noop("Minimal")),
        (5, 9, "mild", gettext_noop("Mild")),
        (10, 14, "moderate", gettext_noop("Moderate")),
        (15, 21, "severe", gettext_noop("Severe")),
    ],
    # NHS Talking Therapies: reliable change is 4 or more points (NCT05134103; docs/clinical-sources.md).
    "reliable_change": 4,
    "change_label": "reliable",
    # NHS Talking Therapies caseness: 8 or more (">7") (fingertips.phe.org.uk glossary; docs/clinical-sources.md).
    "caseness": 8,
    # The published GAD-7 form ends with the same unscored functional question as the PHQ-9 (Spitzer et al. 2006):
    # asked, kept, never added to the total. Adding it made a new template version (migration 0003); results
    # scored before it keep reading right, as the score only ever reads q1–q7.
    "extra": PHQ9["extra"],
    "minutes": 2,
    "summary": "Seven questions about anxiety over the last two weeks. Scored 0–21.",
    "rationale": (
        "Answering the same short questions every so often shows how your anxiety is changing. Your "
        "therapist uses it to check the work is helping."
    ),
}

PCL5_CUT_POINT = 33

PCL5: dict[str, Any] = {
    "key": "pcl5",
    "name": "PCL-5",
    "title": "Stress reactions questionnaire (PCL-5)",
    "stem": (
        "Think of the very stressful experience you and your therapist have talked about. "
        "In the past month, how much were you bothered by:"
    ),
    "scale": BOTHER_0_4,
    "items": [
        ("q1", "Repeated, disturbing, and unwanted memories of the stressful experience?"),
        ("q2", "Repeated, disturbing dreams of the stressful experience?"),
        (
            "q3",
            "Suddenly feeling or acting as if the stressful experience were actually happening again (as if you "
            "were actually back there reliving it)?",
        ),
        ("q4", "Feeling very upset when something reminded you of the stressful experience?"),
        (
            "q5",
            "Having strong physical reactions when something reminded you of the stressful experience (for "
            "example, heart pounding, trouble breathing, sweating)?",
        ),
        ("q6", "Avoiding memories, thoughts, or feelings related to the stressful experience?"),
        (
            "q7",
            "Avoiding external reminders of the stressful experience (for example, people, places, "
            "conversations, activities, objects, or situations)?",
        ),
        ("q8", "Trouble remembering important parts of the stressful experience?"),
        (
            "q9",
            "Having strong negative beliefs about yourself, other people, or the world (for example, having "
            "thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, the "
            "world is completely dangerous)?",
        ),
        ("q10", "Blaming yourself or someone else for the stressful experience or what happened after it?"),
        ("q11", "Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
        ("q12", "Loss of interest in activities that you used to enjoy?"),
        ("q13", "Feeling distant or cut off from other people?"),
        (
            "q14",
            "Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving "
            "feelings for people close to you)?",
        ),
        ("q15", "Irritable behavior, angry outbursts, or acting aggressively?"),
        ("q16", "Taking too many risks or doing things that could cause you harm?"),
        ("q17", "Being “superalert” or watchful or on guard?"),
        ("q18", "Feeling jumpy or easily startled?"),
        ("q19", "Having difficulty concentrating?"),
        ("q20", "Trouble falling or staying asleep?"),
    ],
    # DSM-5 symptom clusters (Blevins et al. 2015; docs/clinical-sources.md): item numbers per cluster.
    "clusters": {
        "B": ("Intrusion", list(range(1, 6))),
        "C": ("Avoidance", [6, 7]),
        "D": ("Negative thoughts and mood", list(range(8, 15))),
        "E": ("Arousal and reactivity", list(range(15, 21))),
    },
    # Provisional diagnosis by the DSM-5 rule: an item rated 2 ("Moderately") or more is endorsed, and at least
    # 1 B, 1 C, 2 D and 2 E items are endorsed (NC-PTSD PCL-5 scoring; docs/clinical-sources.md).
    "endorsed_at": 2,
    "cluster_rule": {"B": 1, "C": 1, "D": 2, "E": 2},
    # Provisional cut-point: the published range is 31–33 (NC-PTSD; Blevins et al. 2015); we use the upper end, 33,
    # the value the NC-PTSD guidance quotes most often, so a positive screen is not over-called.
    "cut_point": PCL5_CUT_POINT,
    "cut_point_range": (31, 33),
    "bands": [
        (0, PCL5_CUT_POINT - 1, "below_cut_point", f"Below the provisional cut-point of {PCL5_CUT_POINT}"),
        (PCL5_CUT_POINT, 80, "above_cut_point", f"At or above the provisional cut-point of {PCL5_CUT_POINT}"),
    ],
    # NC-PTSD guidance: 5 points is the minimum detectable change (the minimum for a response), 10 points a
    # clinically meaningful change (derived from the PCL for DSM-IV; docs/clinical-sources.md). PCL-5 has no NHS
    # reliable change index, so 10 is the threshold the caseload and the change arrows use, and 5 is shown beside it.
    "reliable_change": 10,
    "change_label": "clinically meaningful",
    "detectable_change": 5,
    "minutes": 6,
    "summary": "Twenty questions about reactions to a very stressful event in the past month. Scored from 0 to 80.",
    "rationale": (
        "Answering the same questions every so often shows how your reactions to a stressful event are changing. "
        "Your therapist uses it to check the work is helping."
    ),
}

MEASURES: dict[str, dict[str, Any]] = {m["key"]: m for m in (PHQ9, GAD7, PCL5)}
MEASURE_KEYS = tuple(MEASURES)


def item_keys(measure: dict[str, Any]) -> list[str]:
    return [key for key, _ in measure["items"]]


def max_total(measure: dict[str, Any]) -> int:
    return len(measure["items"]) * measure["scale"][-1][0]


# The words around the published items, ours (a translation gives its own: `instruments_es.py`).
FRAME = {
    "question": "Question {number} of {total}",
    "last_title": "One last question",
    "last_help": "This one is optional and is not added to the score.",
    "instructions": (
        "Answer each question by choosing how often (or how much) it applied to you. There are no right or "
        "wrong answers. You can stop and come back: your answers are saved as you go."
    ),
}


def measure_template(measure: dict[str, Any], frame: dict[str, str] = FRAME) -> dict[str, Any]:
    """The homework template of a measure: one item per step (one question per phone screen). Given a
    translation's texts and frame, the same template in that language (`instruments_es.py`)."""
    choices = [[str(value), label] for value, label in measure["scale"]]
    total = len(measure["items"])
    steps = [
        {
            "title": frame["question"].format(number=number, total=total),
            "help": measure["stem"],
            "fields": [
                {"key": key, "type": "single_choice", "label": text, "help": "", "required": True, "choices": choices}
                | ({"risk": measure["risk_rule"]} if key == measure.get("risk_item") else {})
            ],
        }
        for number, (key, text) in enumerate(measure["items"], start=1)
    ]
    extra = measure.get("extra")
    if extra:
        steps.append(
            {
                "title": frame["last_title"],
                "help": frame["last_help"],
                "fields": [
                    {
                        "key": extra["key"],
                        "type": "single_choice",
                        "label": extra["text"],
                        "help": "",
                        "required": False,
                        "choices": [list(choice) for choice in extra["choices"]],
                    }
                ],
            }
        )
    return {
        "key": measure["key"],
        "name": measure["title"],
        "category": MEASURE_CATEGORY,
        "summary": measure["summary"],
        "instructions": frame["instructions"],
        "rationale": measure["rationale"],
        "minutes": measure["minutes"],
        "formats": ["write"],
        "schema": {"steps": steps},
    }


MEASURE_TEMPLATES: list[dict[str, Any]] = [measure_template(measure) for measure in MEASURES.values()]


# --- Sources ---------------------------------------------------------------------------------------------------
# What the "how this is scored" panels cite, per measure and rule. The same references, with every number, are in
# docs/clinical-sources.md (a test keeps the two in step).

KROENKE_2001 = "Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606–613"
SPITZER_2006 = "Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092–1097"
NHS_CASENESS = "NHS Talking Therapies caseness (fingertips.phe.org.uk glossary)"
NHS_RELIABLE_CHANGE = "NHS Talking Therapies reliable improvement (NCT05134103; nhs.uk Scorecard)"
NHS_OUTCOMES = "NHS Talking Therapies outcome definitions (Gyani et al. 2013, Behav Res Ther 51:597–606)"
ITEM9_EVIDENCE = "Simon et al. (2013), Psychiatr Serv 64:1195–1202; Louzon et al. (2016), Psychiatr Serv"
PCL5_SCORING = "Blevins et al. (2015), J Trauma Stress 28:489–498; US VA National Center for PTSD"
PCL5_CHANGE = "US VA National Center for PTSD, PCL-5 guidance (from the PCL for DSM-IV)"

SOURCES: dict[str, dict[str, str]] = {
    "phq9": {
        "total": KROENKE_2001,
        "bands": KROENKE_2001,
        "caseness": NHS_CASENESS,
        "change": NHS_RELIABLE_CHANGE,
        "risk_item": ITEM9_EVIDENCE,
    },
    "gad7": {"total": SPITZER_2006, "bands": SPITZER_2006, "caseness": NHS_CASENESS, "change": NHS_RELIABLE_CHANGE},
    "pcl5": {"total": PCL5_SCORING, "cut_point": PCL5_SCORING, "cluster_rule": PCL5_SCORING, "change": PCL5_CHANGE},
}
