"""The built-in worksheet library: evidence-informed templates with plain-language instructions.

Each template is plain data (see `schema.py` for the schema format). Keys are stable: a built-in is found by its
key, and changing a schema here means a new template version, never an edit of an old one. Structures follow
the published forms named in docs/clinical-sources.md, "Worksheets"; wording is our own. Steps hold one to three
fields so each fits on a phone screen.

A built-in whose answers add up to patterns or charts declares them under "charts": chart → {role: answer key},
where "list.sub" names a column of a list (`charted` reads them for homework/patterns.py and review/instruments.py).
The keys are checked against the schema when this module is imported, so renaming an answer without its chart fails
at once instead of silently dropping the chart.
"""

from __future__ import annotations

from typing import Any

from .fields import SchemaError
from .render import answer_formats
from .schema import field_map

CATEGORIES = ["Writing", "Thinking", "Doing", "Facing fears", "Calming", "Learning", "Relationships", "Lifestyle"]


# --- Small builders, so each template reads as a list of questions --------------------------------------


def _field(key: str, kind: str, label: str, help_text: str = "", *, required: bool = False, **options: Any) -> dict:
    return {"key": key, "type": kind, "label": label, "help": help_text, "required": required, **options}


def _short(key: str, label: str, help_text: str = "", **options: Any) -> dict:
    return _field(key, "short_text", label, help_text, **options)


def _long(key: str, label: str, help_text: str = "", **options: Any) -> dict:
    return _field(key, "long_text", label, help_text, **options)


def _rating(
    key: str,
    label: str,
    help_text: str = "",
    *,
    low: int,
    high: int,
    min_label: str = "",
    max_label: str = "",
    **options: Any,
) -> dict:
    field = _field(key, "rating", label, help_text, min=low, max=high, **options)
    if min_label:
        field["min_label"] = min_label
    if max_label:
        field["max_label"] = max_label
    return field


def _choice(key: str, label: str, choices: list[list[str]], help_text: str = "", **options: Any) -> dict:
    return _field(key, "single_choice", label, help_text, choices=choices, **options)


def _schema(*steps: dict) -> dict:
    return {"steps": list(steps)}


def _step(title: str, help_text: str, *fields: dict) -> dict:
    return {"title": title, "help": help_text, "fields": list(fields)}


def _suds(key: str, label: str, **options: Any) -> dict:
    """Subjective Units of Distress, 0–100 (the scale is stored with each answer)."""
    return _rating(
        key,
        label,
        "0 is completely calm and 100 is the worst distress you can imagine.",
        low=0,
        high=100,
        min_label="Calm",
        max_label="Worst I can imagine",
        **options,
    )


def _percent(key: str, label: str, help_text: str = "", **options: Any) -> dict:
    return _rating(key, label, help_text, low=0, high=100, min_label="Not at all", max_label="Completely", **options)


def _clock(key: str, label: str, **options: Any) -> dict:
    # A time of day rather than a datetime: entering a date four times each morning is too much for a tired
    # person, and sleep metrics only need the clock time (a bedtime later than the wake time was the evening before).
    return _short(key, label, "Use the 24-hour clock, like 22:30; your best guess is fine.", max_length=10, **options)


DISTORTIONS = [
    ["all_or_nothing", "All-or-nothing thinking"],
    ["overgeneralising", "Overgeneralising (always, never)"],
    ["catastrophising", "Catastrophising (expecting the worst)"],
    ["mind_reading", "Mind reading"],
    ["emotional_reasoning", "Emotional reasoning (I feel it, so it must be true)"],
    ["should_statements", "“Should” statements"],
    ["labelling", "Labelling (I'm a failure)"],
    ["personalising", "Personalising (it's all my fault)"],
    ["mental_filter", "Mental filter (only seeing the bad)"],
    ["discounting_positive", "Discounting the positive"],
]

PLANNED_OR_DONE = [["planned", "Planned"], ["done", "Done"]]


def _activity_step() -> dict:
    return _step(
        "The activity",
        "One activity per entry.",
        _short(
            "activity",
            "What's the activity?",
            "Small things count, like a shower, a walk or a phone call.",
            required=True,
        ),
        _choice("status", "Is it planned or done?", PLANNED_OR_DONE, required=True),
        _field("when", "datetime", "When?", "Roughly is fine."),
    )


def _zero_to_ten(key: str, label: str, help_text: str = "", *, max_label: str = "A lot") -> dict:
    return _rating(key, label, help_text, low=0, high=10, min_label="None", max_label=max_label)


# --- The library ---------------------------------------------------------------------------------------------


JOURNAL = {
    "key": "journal",
    "name": "Journal",
    "category": "Writing",
    "summary": "Free writing about anything on your mind. Drawing or a voice note works too.",
    "instructions": (
        "Find a few quiet minutes. Write whatever is on your mind; spelling and neat sentences don't matter. "
        "If words are hard today and the options are shown, you can draw or record your voice instead."
    ),
    "rationale": (
        "Putting thoughts and feelings into words, or pictures, can make them feel more manageable. "
        "Regular expressive writing has been linked with small but real gains in wellbeing."
    ),
    "minutes": 10,
    "formats": ["write", "draw", "voice"],
    "schema": _schema(
        _step(
            "Your entry",
            "There is no right or wrong way to do this.",
            _long("entry", "What's on your mind?", "Write as much or as little as you like."),
            _field("drawing", "drawing", "Or draw it", "It doesn't need to look good; it's just for you."),
            _field("voice", "audio", "Or say it out loud", "Record a voice note instead of typing."),
        )
    ),
}


THOUGHT_RECORD_3 = {
    "key": "thought_record_3",
    "name": "Thought record (3 columns)",
    "category": "Thinking",
    "summary": "Catch a thought: what happened, what went through your mind, and how you felt and reacted.",
    "instructions": (
        "Pick a moment when your mood changed, ideally today. "
        "Write what happened, the thoughts that went through your mind, and how you felt and what you did. "
        "Short notes are fine. You don't need to change anything yet: noticing is the skill."
    ),
    "rationale": (
        "Noticing how what happens, what you think and how you feel link together is the first step in cognitive "
        "behavioural therapy. Once you can catch a thought, it becomes easier to question it."
    ),
    "minutes": 10,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "What happened",
            "Pick one moment when your mood changed.",
            _long(
                "situation",
                "What was happening?",
                "Where were you, who was there, what was going on? Just the facts.",
                required=True,
            ),
        ),
        _step(
            "Your thoughts",
            "Thoughts can be words or pictures in your mind.",
            _long(
                "thoughts",
                "What went through my mind?",
                "Write the thoughts as they came, even if they seem silly now.",
                required=True,
            ),
        ),
        _step(
            "Feelings and actions",
            "How it affected you.",
            _long(
                "feelings",
                "How did I feel?",
                "One word per feeling is enough, like sad, worried or angry.",
                required=True,
            ),
            _long("behaviour", "What did I do?", "Include anything you held back from doing."),
        ),
    ),
}


THOUGHT_RECORD_7 = {
    "key": "thought_record_7",
    "name": "Thought record (7 columns)",
    "category": "Thinking",
    "summary": "Look at a hot thought from both sides and find a more balanced view.",
    "instructions": (
        "Pick a moment when your mood dropped or spiked. "
        "Go step by step: the situation, your moods, your thoughts, then the evidence on both sides. "
        "Finish with a more balanced thought and rate your moods again. "
        "It's fine if they shift only a little."
    ),
    "rationale": (
        "Weighing the evidence for and against a distressing thought helps you test it instead of taking it as "
        "fact. This is a core skill of cognitive behavioural therapy. It gets easier with practice."
    ),
    "minutes": 20,
    "formats": ["write"],
    "charts": {
        "rerated_moods": {
            "moods": "emotions",
            "mood": "emotions.emotion",
            "before": "emotions.intensity",
            "after": "emotions_after",
        },
        "hot_thought": {"thought": "thoughts.thought", "belief": "thoughts.belief", "belief_after": "hot_belief_after"},
    },
    "schema": _schema(
        _step(
            "The situation",
            "Who, what, when, where.",
            _long(
                "situation",
                "What was happening?",
                "Describe it the way a camera would see it: facts, not opinions.",
                required=True,
            ),
        ),
        _step(
            "Your moods",
            "Name each mood in a word and rate how strong it was.",
            _field(
                "emotions",
                "list",
                "What did I feel?",
                "Add a row for each mood, like anxious, sad or ashamed.",
                required=True,
                min_items=1,
                max_items=6,
                item_fields=[
                    _short("emotion", "Mood", "One word is enough.", required=True, max_length=60),
                    _rating(
                        "intensity",
                        "How strong was it?",
                        low=0,
                        high=100,
                        min_label="Barely there",
                        max_label="As strong as it gets",
                    ),
                ],
            ),
        ),
        _step(
            "Automatic thoughts",
            "The thoughts or images that popped into your mind.",
            _field(
                "thoughts",
                "list",
                "What went through my mind?",
                "Add each thought, then choose the one that upsets you most: your hot thought.",
                required=True,
                min_items=1,
                max_items=8,
                mark_one={"key": "hot", "label": "Hot thought"},
                item_fields=[
                    # First, because the marked item's first sub-field is what later steps show.
                    _long(
                        "thought",
                        "Thought",
                        "Write it the way it sounded in your head.",
                        required=True,
                        max_length=1000,
                    ),
                    _percent("belief", "How much do I believe it?"),
                ],
            ),
        ),
        _step(
            "Thinking traps",
            "Optional: naming a trap can loosen its grip.",
            _field(
                "distortions",
                "multi_choice",
                "Does the hot thought fall into any of these traps?",
                "Tick any that fit, or skip this step.",
                choices=DISTORTIONS,
            ),
        ),
        _step(
            "Evidence for",
            "Look at the hot thought like a fair judge would.",
            _long(
                "evidence_for",
                "What supports the hot thought?",
                "Stick to facts someone else would agree with, not feelings or guesses.",
                required=True,
            ),
        ),
        _step(
            "Evidence against",
            "Now look at the other side.",
            _long(
                "evidence_against",
                "What doesn't fit the hot thought?",
                "Think of what a good friend would point out, or times when it wasn't true.",
                required=True,
            ),
        ),
        _step(
            "A balanced thought",
            "Bring both sides together.",
            _long(
                "balanced_thought",
                "What's a more balanced way to see it?",
                "It doesn't need to be positive, just fair to all the evidence.",
                required=True,
            ),
            _percent("balanced_belief", "How much do I believe the balanced thought?"),
        ),
        _step(
            "Your moods now",
            "Any change counts, even a small one.",
            _field(
                "emotions_after",
                "rerate",
                "How strong is each mood now?",
                "Rate each mood again from 0 to 100.",
                source="emotions",
                label_field="emotion",
                min=0,
                max=100,
            ),
            _percent("hot_belief_after", "How much do I believe the hot thought now?"),
        ),
    ),
}


BEHAVIOURAL_EXPERIMENT = {
    "key": "behavioural_experiment",
    "name": "Behavioural experiment",
    "category": "Thinking",
    "summary": "Test a worrying belief in real life and see what actually happens.",
    "instructions": (
        "Write down the belief you want to test and how strongly you believe it. "
        "Plan a small experiment and predict what will happen. "
        "Afterwards, write what actually happened and what you learned. "
        "An expected result teaches you something too."
    ),
    "rationale": (
        "Beliefs change most when we test them in real life, not only in our heads. "
        "An experiment gives you first-hand evidence, which often feels more convincing than reasoning alone."
    ),
    "minutes": 15,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "The belief",
            "Choose one belief to test.",
            _long(
                "belief",
                "What belief do I want to test?",
                "For example: “If I speak up in a meeting, people will think I'm stupid.”",
                required=True,
            ),
            _percent("belief_before", "How much do I believe it right now?"),
        ),
        _step(
            "The plan",
            "Keep it small and doable.",
            _long(
                "plan", "What will I do, where and when?", "Include any safety behaviour you will drop.", required=True
            ),
            _long("obstacles", "What might get in the way, and what could I do then?"),
        ),
        _step(
            "Your prediction",
            "Write it before you start.",
            _long(
                "prediction",
                "What do I predict will happen?",
                "Be specific, so you can tell afterwards whether it happened.",
                required=True,
            ),
        ),
        _step(
            "What happened",
            "Fill this in after the experiment.",
            _long(
                "outcome",
                "What actually happened?",
                "Write what you noticed, including how other people reacted.",
                required=True,
            ),
        ),
        _step(
            "What you learned",
            "Look back at your prediction.",
            _long("learning", "What did I learn?", "What does this mean for the belief you tested?", required=True),
            _percent("belief_after", "How much do I believe the original belief now?"),
        ),
    ),
}


EXPOSURE_PRACTICE = {
    "key": "exposure_practice",
    "name": "Exposure practice",
    "category": "Facing fears",
    "summary": "Practise one step of your fear ladder and note what you learned.",
    "instructions": (
        "Choose a step from your fear ladder. "
        "Before you start, write what you fear will happen and rate your distress. "
        "Stay with the situation and drop your safety behaviours if you can. "
        "Afterwards, rate your distress again and write what you learned."
    ),
    "rationale": (
        "Facing feared situations step by step, without escaping, is one of the most effective treatments for "
        "anxiety. Each practice teaches you that you can cope. It also shows that what you fear is less likely "
        "than it feels."
    ),
    "minutes": 30,
    "formats": ["write"],
    "charts": {
        "exposure": {"step": "ladder_item", "before": "suds_before", "peak": "suds_peak", "after": "suds_after"}
    },
    "schema": _schema(
        _step(
            "Before you start",
            "Pick a step and write down your prediction.",
            _field(
                "ladder_item",
                "ladder_item",
                "Which step of my ladder?",
                "Choose the step you are practising today.",
                required=True,
            ),
            _long("feared_outcome", "What am I afraid will happen?", "Be specific, so you can check it afterwards."),
            _suds("suds_before", "How distressed do I feel right now?", required=True),
        ),
        _step(
            "During",
            "Stay with it if you can; the feeling will rise and fall.",
            _suds("suds_peak", "What was my highest distress?", required=True),
            _field("minutes", "duration", "How many minutes did I stay with it?", "A rough guess is fine.", max=600),
        ),
        _step(
            "Afterwards",
            "Well done for doing this.",
            _suds("suds_after", "How distressed do I feel now?", required=True),
            _choice(
                "feared_happened", "Did what I feared happen?", [["yes", "Yes"], ["partly", "Partly"], ["no", "No"]]
            ),
        ),
        _step(
            "What you learned",
            "This is the most useful part.",
            _long("learned", "What did I learn?", "For example, what was different from what you expected?"),
            _long(
                "safety_dropped",
                "Which safety behaviours did I drop?",
                "Things you often do to feel safer, like not looking people in the eye or holding your phone.",
            ),
        ),
    ),
}


ACTIVITY_LOG = {
    "key": "activity_log",
    "name": "Activity log (mastery and pleasure)",
    "category": "Doing",
    "summary": "Plan or log an activity. Notice how much it gives you a sense of achievement and enjoyment.",
    "instructions": (
        "Write down an activity you did, or one you plan to do. "
        "Soon after doing it, rate how much achievement and how much enjoyment it gave you. "
        "Rate it against how you felt at the time, so small steps on a hard day count."
    ),
    "rationale": (
        "Low mood makes us do less, and doing less keeps mood low. "
        "Tracking activities shows which ones help, so you can plan more of them: this is behavioural "
        "activation, an effective treatment for depression."
    ),
    "minutes": 5,
    "formats": ["write"],
    "charts": {
        "activity_ratings": {"Achievement (mastery)": "mastery", "Enjoyment (pleasure)": "pleasure"},
        "activity_name": {"name": "activity"},
    },
    "schema": _schema(
        _activity_step(),
        _step(
            "How it went",
            "Rate it soon after, if you can.",
            _zero_to_ten(
                "mastery",
                "How much achievement did it give me?",
                "Compared with how you felt at the time, so a small thing on a hard day can score high.",
            ),
            _zero_to_ten("pleasure", "How much did I enjoy it?"),
        ),
    ),
}


ACTIVITY_LOG_ACE = {
    "key": "activity_log_ace",
    "name": "Activity log (achievement, closeness, enjoyment)",
    "category": "Doing",
    "summary": (
        "Plan or log an activity. Rate how much you achieved, how close you felt to others and how much you enjoyed it."
    ),
    "instructions": (
        "Write down an activity you did, or one you plan to do. "
        "Afterwards, rate how much achievement, closeness to others and enjoyment it gave you. "
        "Small things count, and low scores are useful information too."
    ),
    "rationale": (
        "Mood tends to lift when our days include achievement, connection with others and enjoyment. "
        "Rating all three helps you spot what's missing and plan a better balance."
    ),
    "minutes": 5,
    "formats": ["write"],
    "charts": {
        "activity_ratings": {"Achievement": "achievement", "Closeness": "closeness", "Enjoyment": "enjoyment"},
        "activity_name": {"name": "activity"},
    },
    "schema": _schema(
        _activity_step(),
        _step(
            "How it went",
            "Rate it soon after, if you can.",
            _zero_to_ten("achievement", "How much achievement did it give me?"),
            _zero_to_ten("closeness", "How connected did I feel to others?"),
            _zero_to_ten("enjoyment", "How much did I enjoy it?"),
        ),
    ),
}


RELAXATION = {
    "key": "relaxation",
    "name": "Relaxation or mindfulness practice",
    "category": "Calming",
    "summary": "Log a relaxation or mindfulness practice. Note how tense you felt before and after.",
    "instructions": (
        "Find a time and place where you won't be interrupted. "
        "Rate your tension, do the practice, then rate it again. "
        "If your mind wanders, that's normal: gently bring it back. Some days will feel easier than others."
    ),
    "rationale": (
        "Regular practice trains your body's calming response, so it's easier to reach when you need it. "
        "Little and often works best, and the benefits tend to build over a few weeks."
    ),
    "minutes": 15,
    "formats": ["write"],
    "charts": {"tension": {"before": "tension_before", "after": "tension_after"}},
    "schema": _schema(
        _step(
            "Your practice",
            "What you did and for how long.",
            _choice(
                "technique",
                "What did I practise?",
                [
                    ["breathing", "Slow breathing"],
                    ["body_scan", "Body scan"],
                    ["pmr", "Progressive muscle relaxation"],
                    ["mindful_walking", "Mindful walking"],
                    ["other", "Something else"],
                ],
                required=True,
            ),
            _short("technique_other", "If something else, what was it?"),
            _field("minutes", "duration", "How many minutes?", "A rough guess is fine.", max=240),
        ),
        _step(
            "Tension",
            "0 is completely relaxed and 10 is extremely tense.",
            _rating(
                "tension_before",
                "How tense was I before?",
                low=0,
                high=10,
                min_label="Completely relaxed",
                max_label="Extremely tense",
            ),
            _rating(
                "tension_after",
                "How tense was I after?",
                low=0,
                high=10,
                min_label="Completely relaxed",
                max_label="Extremely tense",
            ),
        ),
        _step(
            "Notes",
            "Optional.",
            _long("notes", "Anything I noticed?", "For example, where you felt tension, or what helped you settle."),
        ),
    ),
}


READING = {
    "key": "reading",
    "name": "Reading or listening",
    "category": "Learning",
    "summary": "Read or listen to something your therapist chose, then reflect on it.",
    "instructions": (
        "Read or listen to the material in your therapist's note. "
        "Take it at your own pace and pause whenever you need to. "
        "Then jot down what stood out and answer the reflection question."
    ),
    "rationale": (
        "Understanding what you're going through can make it feel less confusing and more manageable. "
        "A short reflection helps you remember it and connect it to your own life."
    ),
    "minutes": 20,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "What stood out",
            "First thoughts are fine.",
            _long("stood_out", "What stood out to me?", "A line, an idea, or something you disagreed with all count."),
        ),
        _step(
            "Your reflection",
            "The question is in your therapist's note.",
            _long("reflection", "My answer to the reflection question", "A few sentences is plenty.", required=True),
        ),
    ),
}


CONVERSATION_REHEARSAL = {
    "key": "conversation_rehearsal",
    "name": "Conversation rehearsal",
    "category": "Relationships",
    "summary": "Prepare for a hard conversation, practise it, then note how it went.",
    "instructions": (
        "Think of a conversation you'd like to have. "
        "Write who it's with, what you want to say and what you're worried about. "
        "Practise it out loud, in your head or with someone you trust. "
        "Afterwards, note how it went and what you'd keep for next time."
    ),
    "rationale": (
        "Rehearsing a hard conversation makes the words easier to find when it matters. "
        "Practising, then looking back at how it went, builds confidence step by step."
    ),
    "minutes": 15,
    "formats": ["write", "voice"],
    "schema": _schema(
        _step(
            "The conversation",
            "Keep it simple.",
            _short("who", "Who is it with?", "A first name or a role, like “my manager”, is enough.", required=True),
            _long(
                "want_to_say",
                "What do I want to say?",
                "Try one or two clear sentences that start with “I”.",
                required=True,
            ),
            _field(
                "recording",
                "audio",
                "Record myself saying it",
                "Optional: hearing it aloud can make it feel more natural.",
            ),
        ),
        _step(
            "What worries me", "Naming a worry can make it smaller.", _long("fear", "What am I afraid might happen?")
        ),
        _step(
            "How it went",
            "Any practice counts, real or rehearsed.",
            _choice(
                "practice_kind",
                "How did I practise?",
                [
                    ["head", "In my head"],
                    ["aloud", "Out loud"],
                    ["with_someone", "With someone"],
                    ["real", "I had the real conversation"],
                ],
            ),
            _long(
                "how_it_went", "How did it go?", "Include anything that went better than you expected.", required=True
            ),
        ),
        _step(
            "What you'd keep",
            "For next time.",
            _long("keep", "What would I keep for next time?", "A phrase, a tone of voice, anything that helped."),
        ),
    ),
}


LIFESTYLE_GOAL = {
    "key": "lifestyle_goal",
    "name": "Lifestyle goal",
    "category": "Lifestyle",
    "summary": "Log a daily step towards a weekly goal, like movement, sleep or food.",
    "instructions": (
        "Your therapist's note has your goal and weekly target. "
        "On days you do something towards it, log what you did and how much. "
        "Any amount counts, and a missed day doesn't undo your progress."
    ),
    "rationale": (
        "Small, regular changes to activity, sleep or eating can lift mood and energy. "
        "Logging them shows progress that is easy to miss and helps you plan what to try next."
    ),
    "minutes": 5,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "Today",
            "What you did towards your goal.",
            _short(
                "what_i_did",
                "What did I do?",
                "For example, a 10-minute walk or a glass of water with lunch.",
                required=True,
            ),
            _field(
                "amount",
                "number",
                "How much?",
                "Count it the way your goal does, like minutes, steps or glasses.",
                min=0,
                max=100000,
            ),
        ),
        _step(
            "How it felt",
            "Honest answers help most.",
            _rating("felt", "How did it feel?", low=0, high=10, min_label="Really hard", max_label="Really good"),
            _long("notes", "Anything to remember?"),
        ),
    ),
}


SKILL_PRACTICE = {
    "key": "skill_practice",
    "name": "I practised a skill",
    "category": "Learning",
    "summary": "Log a skill you used on your own, outside your planned activities.",
    "instructions": (
        "Used a skill from therapy without it being planned? Well done. "
        "Note what you practised, when, and how it went. Even a few seconds counts."
    ),
    "rationale": (
        "Using skills in everyday life, not only when they are set, is how they become habits. "
        "Logging it helps you and your therapist see what's working."
    ),
    "minutes": 3,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "The skill",
            "What you tried.",
            _short(
                "skill", "What skill did I use?", "For example, slow breathing or questioning a thought.", required=True
            ),
            _field("when", "datetime", "When?", "Roughly is fine."),
        ),
        _step(
            "How it went",
            "Whatever happened, trying it counts.",
            _long("how_it_went", "How did it go?"),
            _rating(
                "helpfulness", "How helpful was it?", low=0, high=10, min_label="Not at all", max_label="Very helpful"
            ),
        ),
    ),
}


WORRY_TIME = {
    "key": "worry_time",
    "name": "Worry time",
    "category": "Thinking",
    "summary": "Put worries off until a set time each day, then look at them on purpose.",
    "instructions": (
        "Choose a set 20 to 30 minutes each day, not too close to bedtime. "
        "When a worry pops up, jot it down and tell yourself you'll come back to it later. "
        "At worry time, go through your list and look for anything you can act on. "
        "When the time is up, stop and do something else."
    ),
    "rationale": (
        "Putting worries off to a set time helps you spend less of the day caught up in them. "
        "In studies, people who practised worry time worried less and felt less anxious within two weeks."
    ),
    "minutes": 25,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "Worries I put off",
            "Jot them down during the day.",
            _field(
                "worries",
                "list",
                "What worries came up?",
                "A few words for each worry is enough.",
                required=True,
                min_items=1,
                max_items=10,
                item_fields=[
                    _short("worry", "Worry", required=True, max_length=200),
                    _choice(
                        "kind",
                        "Can I do something about it?",
                        [["practical", "Yes, I can act on it"], ["what_if", "No, it's a “what if”"]],
                    ),
                ],
            ),
        ),
        _step(
            "Worry time",
            "Your set time to look at them.",
            _field("worry_minutes", "duration", "How long was my worry time?", "In minutes.", max=120),
            _choice(
                "still_important",
                "By worry time, how many still felt important?",
                [["all", "All of them"], ["some", "Some"], ["none", "None"]],
            ),
        ),
        _step(
            "A next step",
            "Optional.",
            _long(
                "action",
                "Is there one small thing I can do about any of them?",
                "If nothing can be done, that's useful to know too.",
            ),
        ),
    ),
}


PROBLEM_SOLVING = {
    "key": "problem_solving",
    "name": "Problem solving",
    "category": "Thinking",
    "summary": "Break a problem down, list options, choose one and make a plan.",
    "instructions": (
        "Describe the problem and what you'd like to be different. "
        "List as many options as you can without judging them yet. "
        "Weigh them up, choose one and plan the first steps. "
        "Afterwards, see how it went and try another option if you need to."
    ),
    "rationale": (
        "Problems feel less overwhelming when broken into steps. "
        "Structured problem solving is an evidence-based way to reduce stress and feel less stuck."
    ),
    "minutes": 20,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "The problem",
            "One problem at a time.",
            _long(
                "problem", "What's the problem?", "Stick to the facts: what, when and who is involved.", required=True
            ),
            _short("goal", "What would I like to be different?", "Choose something realistic.", required=True),
        ),
        _step(
            "Options",
            "Quantity first; judge later.",
            _field(
                "options",
                "list",
                "What could I do?",
                "Write down every idea, even unlikely ones.",
                required=True,
                min_items=1,
                max_items=8,
                item_fields=[
                    _short("option", "Option", required=True),
                    _short("pros", "What's good about it?"),
                    _short("cons", "What's hard about it?"),
                ],
            ),
        ),
        _step(
            "My plan",
            "Make the first step small.",
            _short("chosen", "Which option will I try?", required=True),
            _long(
                "plan",
                "What are the first steps, and when?",
                "Include what might get in the way and how you'll handle it.",
                required=True,
            ),
        ),
        _step(
            "How it went",
            "Fill this in after you've tried it.",
            _long("review", "How did it go?", "If it didn't work, that's information: you can try another option."),
        ),
    ),
}


VALUES = {
    "key": "values",
    "name": "Values and goals",
    "category": "Doing",
    "summary": "Pick an area of life that matters to you and one small step towards it.",
    "instructions": (
        "Choose one area of your life. "
        "Write what matters to you there and how well your recent actions fit. "
        "Then choose one small step for the week ahead. There are no right answers."
    ),
    "rationale": (
        "Knowing what matters to you gives direction, especially when things feel hard. "
        "Small actions guided by your values can build meaning and lift mood, even before you feel like it."
    ),
    "minutes": 15,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "An area of life",
            "Pick the one that feels most important right now.",
            _choice(
                "domain",
                "Which area?",
                [
                    ["family", "Family"],
                    ["partner", "Partner or close relationship"],
                    ["parenting", "Parenting"],
                    ["friends", "Friends and social life"],
                    ["work", "Work"],
                    ["education", "Learning and education"],
                    ["recreation", "Fun and free time"],
                    ["spirituality", "Spirituality"],
                    ["community", "Community"],
                    ["self_care", "Health and self-care"],
                ],
                required=True,
            ),
            _rating(
                "importance",
                "How important is this area to me?",
                low=1,
                high=10,
                min_label="Not important",
                max_label="Very important",
            ),
        ),
        _step(
            "What matters",
            "Values are directions, not destinations.",
            _long(
                "value",
                "What kind of person do I want to be here?",
                "Think of qualities, like caring, honest or curious, rather than goals to tick off.",
                required=True,
            ),
        ),
        _step(
            "Living it",
            "Be kind to yourself here.",
            _rating(
                "consistency",
                "How well did my actions fit this in the past week?",
                low=1,
                high=10,
                min_label="Not at all",
                max_label="Completely",
            ),
            _short(
                "next_step",
                "One small step I'll take this week",
                "Make it small enough that you could do it on a hard day.",
                required=True,
            ),
        ),
    ),
}


SLEEP_DIARY = {
    "key": "sleep_diary",
    "name": "Sleep diary",
    "category": "Lifestyle",
    "summary": "A quick morning log of last night's sleep.",
    "instructions": (
        "Fill this in within an hour of getting up. "
        "Give your best guess for times; there's no need to watch the clock at night. "
        "If you miss a day, leave it and carry on the next morning."
    ),
    "rationale": (
        "A sleep diary shows patterns that are hard to see from memory. "
        "It is the basis of CBT for insomnia, the most effective long-term treatment for sleep problems. "
        "It helps you and your therapist plan changes together."
    ),
    "minutes": 3,
    "formats": ["write"],
    "charts": {
        "sleep": {
            "into_bed": "bed_time",
            "try_sleep": "lights_out",
            "fall_asleep": "fall_asleep",
            "awake": "awake_minutes",
            "final_wake": "final_wake",
            "out_of_bed": "out_of_bed",
        }
    },
    "schema": _schema(
        _step(
            "Going to bed",
            "About last night.",
            _clock("bed_time", "What time did I get into bed?", required=True),
            _clock("lights_out", "What time did I try to go to sleep?", required=True),
            _field(
                "fall_asleep",
                "duration",
                "How long did it take to fall asleep?",
                "In minutes; a guess is fine.",
                required=True,
                max=720,
            ),
        ),
        _step(
            "During the night",
            "Don't count the time you finally woke up.",
            _field(
                "awakenings",
                "number",
                "How many times did I wake up?",
                "Put 0 if you slept straight through.",
                min=0,
                max=50,
            ),
            _field(
                "awake_minutes",
                "duration",
                "In total, how long was I awake?",
                "In minutes; add up the times you were awake.",
                max=720,
            ),
        ),
        _step(
            "This morning",
            "When your night ended.",
            _clock("final_wake", "What time did I finally wake up?", required=True),
            _clock("out_of_bed", "What time did I get out of bed?", required=True),
        ),
        _step(
            "How it was",
            "Nearly done.",
            _choice(
                "quality",
                "How well did I sleep?",
                [
                    ["very_poor", "Very poorly"],
                    ["poor", "Poorly"],
                    ["fair", "Fairly well"],
                    ["good", "Well"],
                    ["very_good", "Very well"],
                ],
                required=True,
            ),
            _long("comments", "Anything else?", "For example, a late coffee, a nap, or a noisy night."),
        ),
    ),
}


DBT_SELF_HARM_RULE = {"at_least": 4, "alert": "optional", "source": "dbt_urge"}

DBT_DIARY_CARD = {
    "key": "dbt_diary_card",
    "name": "DBT diary card",
    "category": "Calming",
    "summary": "A daily check-in on urges, emotions and the skills you used.",
    "instructions": (
        "Fill this in once a day, ideally at the same time. "
        "For each rating, think of the strongest it got today. "
        "There are no bad answers: honest ratings help you and your therapist focus on what matters."
    ),
    "rationale": (
        "Each day you note your urges, feelings and the skills you used. This shows patterns and progress that "
        "are easy to miss. In dialectical behaviour therapy, the diary card guides what you work on together in "
        "each session."
    ),
    "minutes": 5,
    "formats": ["write"],
    "schema": _schema(
        _step(
            "Urges today",
            "0 means no urge at all and 5 means the strongest.",
            _rating(
                "urge_self_harm",
                "Urge to hurt myself",
                "If you're not safe right now, use “Need help now?” at the top of the page.",
                low=0,
                high=5,
                min_label="None",
                max_label="Strongest",
                required=True,
                # Crisis lines are shown at or above this whatever the setting; the therapist is alerted unless
                # they turned it off for this client, with a reason (docs/clinical-sources.md, "Worksheets").
                risk=DBT_SELF_HARM_RULE,
            ),
            _rating(
                "urge_use",
                "Urge to use alcohol or drugs",
                low=0,
                high=5,
                min_label="None",
                max_label="Strongest",
                required=True,
            ),
            _choice(
                "acted_on",
                "Did I act on an urge?",
                [["no", "No"], ["yes", "Yes"]],
                risk={"answers": ["yes"], "alert": "optional", "source": "dbt_urge"},
            ),
        ),
        _step(
            "Emotions today",
            "The strongest each got today.",
            _rating(
                "emotional_pain",
                "Emotional pain",
                low=0,
                high=5,
                min_label="None",
                max_label="Strongest",
                required=True,
            ),
            _rating("joy", "Joy", low=0, high=5, min_label="None", max_label="Strongest"),
            _short(
                "strongest_emotion", "Which emotion was strongest?", "One word is enough, like anger, fear or shame."
            ),
        ),
        _step(
            "Skills",
            "Trying counts, even if it didn't work.",
            _rating(
                "skills_used",
                "How did I use my skills?",
                "0 means you didn't think of them; 7 means you used them without trying, and they helped.",
                low=0,
                high=7,
                min_label="Didn't think of them",
                max_label="Used easily; they helped",
                required=True,
            ),
            _short("skills_which", "Which skills did I use?"),
        ),
        _step("Anything else?", "Optional.", _long("notes", "Anything else about today?")),
    ),
}


BUILTIN_TEMPLATES: list[dict[str, Any]] = [
    JOURNAL,
    THOUGHT_RECORD_3,
    THOUGHT_RECORD_7,
    BEHAVIOURAL_EXPERIMENT,
    EXPOSURE_PRACTICE,
    ACTIVITY_LOG,
    ACTIVITY_LOG_ACE,
    RELAXATION,
    READING,
    CONVERSATION_REHEARSAL,
    LIFESTYLE_GOAL,
    SKILL_PRACTICE,
    WORRY_TIME,
    PROBLEM_SOLVING,
    VALUES,
    SLEEP_DIARY,
    DBT_DIARY_CARD,
]


def builtin_template(key: str) -> dict[str, Any]:
    """The built-in template with this key (KeyError if there is none)."""
    for template in BUILTIN_TEMPLATES:
        if template["key"] == key:
            return template
    raise KeyError(key)


def check_charts(definition: dict[str, Any]) -> None:
    """Raise SchemaError unless every answer key a built-in's charts read names one of its fields."""
    fields = field_map(definition["schema"])
    for chart, roles in definition.get("charts", {}).items():
        for key in roles.values():
            top, _, sub = key.partition(".")
            columns = {column["key"] for column in fields.get(top, {}).get("item_fields", [])}
            if top not in fields or (sub and sub not in columns):
                raise SchemaError(f"{definition['key']}: chart {chart!r} reads {key!r}, which is not a field.")


def charted(chart: str, roles: tuple[str, ...] | None = None) -> dict[str, dict[str, str]]:
    """The built-ins that declare `chart`, as template key → {role: answer key}, in library order. A chart no
    built-in declares, or declared without the `roles` its drawing reads, is a mistake: KeyError, not no chart."""
    declared = {t["key"]: t["charts"][chart] for t in BUILTIN_TEMPLATES if chart in t.get("charts", {})}
    if not declared:
        raise KeyError(f"No built-in worksheet declares the chart {chart!r}.")
    for key, declaration in declared.items():
        if roles is not None and tuple(declaration) != roles:
            raise KeyError(f"{key}: chart {chart!r} declares {tuple(declaration)}, not {roles}.")
    return declared


for _definition in BUILTIN_TEMPLATES:
    check_charts(_definition)
    _definition["formats"] = answer_formats(_definition["schema"], declared=_definition["formats"])
