"""Eight weeks of realistic between-session work for the demo practice (`make run` only; never production).

Everything is made through the same form and services the product uses — AssignmentForm, assignment_create,
occurrences_refresh, draft_for / draft_save / entry_submit, notice_create, assignment_update, comment_add — so the
demo shows exactly what real use produces. The one liberty: those services stamp "now", so after each step the
timestamps are moved back to when it would have happened (see `Story._backdate`). A seeded random generator per
client keeps the story the same on every load for the same "today".

The stories (no names or details of real people; nothing graphic):
- Sam Taylor, social anxiety at work: a 7-column thought record 3 times a week, daily slow breathing, and, from
  week 3, exposure practice up a fear ladder of eight steps, distress (SUDS) falling within and between practices.
- Jordan Lee, low mood: a daily activity log (mastery and pleasure), a reading once, short walks 3 times a week;
  doing more, and enjoying it more, as the weeks go by.
- Priya Shah, stress and saying no: an evening journal on weekdays (often private) and, from week 4, conversation
  rehearsal twice a week, which she says is too hard and her therapist makes smaller.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from carryover.accounts.models import Membership, User
from carryover.devtools.demo_together import last_session_day, review_together
from carryover.homework import services
from carryover.homework.forms import AssignmentForm, assignment_initial
from carryover.homework.models import (
    Assignment,
    AssignmentRevision,
    BarrierCode,
    Comment,
    Draft,
    Entry,
    Goal,
    LadderItem,
    Notice,
    NoticeReason,
    Occurrence,
    OccurrenceStatus,
    Outcome,
    ScheduleKind,
    Template,
    TemplateVersion,
    Visibility,
    local_today,
)

WEEKS = 8
DAYS = WEEKS * 7
MISSED = "missed"  # an occurrence the client never answered; occurrences_refresh records it

# --- What clients write: several phrasings per kind of answer, picked at random ---------------------------------

BARRIER_WORDS = [
    "My mom was staying with us all weekend and I didn't get a minute to myself.",
    "Work ran really late two days in a row.",
    "I had a heavy cold and mostly slept.",
    "The power went out in the evening, so I read by candlelight instead.",
    "The kids were off school and the house was busy from morning to night.",
    "I was travelling for my cousin's wedding.",
    "My shift changed at the last minute.",
    "I wasn't in the right headspace after a long day, so I rested instead.",
    "The car broke down and sorting it out took the whole evening.",
    "Friends came over, which was actually nice, so I let this one slide.",
    "I couldn't find a quiet spot; the neighbours were having work done.",
    "I started, then got a call from my landlord and lost the thread.",
    "I wanted to, but I kept putting it off until it was bedtime.",
    "Honestly, I just needed a night off.",
]

# Thought records: each is one moment, told coherently (situation, moods, thoughts, evidence, balanced view).
THOUGHT_RECORDS: list[dict[str, Any]] = [
    {
        "situation": "Team meeting on Monday. I shared the weekly numbers and my manager said "
        '"let\'s go over these later".',
        "emotions": [("Anxious", 75), ("Embarrassed", 60)],
        "thoughts": [
            ("She thinks I got it wrong and I'm not up to the job", 80),
            ("Everyone heard my voice shake", 60),
        ],
        "traps": ["mind_reading", "catastrophising"],
        "for": "She didn't comment on the numbers in the meeting. My voice did wobble at the start.",
        "against": "She often moves detailed things out of meetings to save time. We went over them afterwards "
        "in ten minutes and there was only one small fix. She said thanks.",
        "balanced": "Going over something later is normal at work. One small fix doesn't mean I'm not up to the job.",
    },
    {
        "situation": "Saturday, a friend's birthday drinks. I only knew Mia at the table.",
        "emotions": [("Anxious", 70), ("Lonely", 40)],
        "thoughts": [("They'll think I'm boring and wonder why I came", 75), ("I'll have nothing to say", 65)],
        "traps": ["mind_reading", "catastrophising"],
        "for": "There were a couple of quiet moments when I didn't know what to say.",
        "against": "Two people asked about my job and one laughed at my story about the dog. "
        "Mia said she was glad I came.",
        "balanced": "Quiet moments are normal with new people. Several people seemed happy to talk to me.",
    },
    {
        "situation": "Sent an email to the whole department and spotted a typo in the subject line right after.",
        "emotions": [("Ashamed", 65), ("Anxious", 55)],
        "thoughts": [("Everyone will think I'm careless", 85), ("I always mess things up", 60)],
        "traps": ["overgeneralising", "labelling", "catastrophising"],
        "for": "There was a typo, and it went to about forty people.",
        "against": "Nobody mentioned it. I've sent hundreds of emails without mistakes. When I see other people's "
        "typos I don't think less of them.",
        "balanced": "A typo is a tiny, very common slip. It says very little about how careful I am.",
    },
    {
        "situation": "Asked a question at the pharmacy counter and the pharmacist sighed.",
        "emotions": [("Embarrassed", 50), ("Irritated", 30)],
        "thoughts": [("I'm being a nuisance", 70), ("I should have looked it up myself", 45)],
        "traps": ["personalising", "should_statements"],
        "for": "She did sigh when I asked.",
        "against": "The line was long and she was on her own; she sighed before I even spoke. "
        "She answered my question kindly.",
        "balanced": "She was probably stretched thin. Asking questions is exactly what the counter is for.",
    },
    {
        "situation": 'My manager booked a "quick chat" for Friday without saying what it was about.',
        "emotions": [("Anxious", 85), ("Dread", 70)],
        "thoughts": [("I'm going to be told off", 70), ("I should have worked harder this month", 55)],
        "traps": ["catastrophising", "should_statements"],
        "for": "The invite had no agenda. I missed one deadline by a day this month.",
        "against": 'My last review was good. She uses "quick chat" for all sorts of things, like planning '
        "time off. The late deadline was agreed in advance.",
        "balanced": "I don't know what it's about yet, and most of her chats are routine. I can wait and see.",
    },
    {
        "situation": "Lunch in the break room. Two coworkers were chatting and I sat at the end of the table.",
        "emotions": [("Anxious", 60), ("Left out", 45)],
        "thoughts": [("They don't want me there", 70), ("I look awkward sitting on my own", 55)],
        "traps": ["mind_reading", "emotional_reasoning"],
        "for": "They didn't turn to include me straight away.",
        "against": "One of them said hi when I sat down. They were halfway through a conversation about a show I "
        "haven't seen. Later they asked what I was eating.",
        "balanced": "They were caught up in their own conversation; it wasn't about me. Sitting there was a step.",
    },
    {
        "situation": "Phone call with a customer who was frustrated about a late delivery.",
        "emotions": [("Anxious", 65), ("Frustrated", 40)],
        "thoughts": [("I handled that badly and they'll complain about me", 65)],
        "traps": ["catastrophising", "discounting_positive"],
        "for": "They raised their voice at the start.",
        "against": "By the end they thanked me for sorting it. The delay wasn't my doing. I stayed calm and "
        "offered two options.",
        "balanced": "It was a hard call and I handled it well enough. They were upset about the delivery, not me.",
    },
    {
        "situation": "Saw a friend's photos from a dinner I wasn't invited to.",
        "emotions": [("Sad", 60), ("Hurt", 55)],
        "thoughts": [("Nobody really wants me around", 75)],
        "traps": ["overgeneralising", "mental_filter"],
        "for": "I wasn't at that dinner.",
        "against": "It was her work team, not our group. She invited me to her birthday last month and texted me "
        "on Tuesday to ask how I was.",
        "balanced": "Not every plan includes me, and that's normal. She clearly does want to see me.",
    },
    {
        "situation": "Gave my opinion in a planning meeting; nobody responded and the conversation moved on.",
        "emotions": [("Embarrassed", 70), ("Anxious", 55)],
        "thoughts": [("That was a stupid thing to say", 80), ("I should just keep quiet", 60)],
        "traps": ["labelling", "should_statements", "mind_reading"],
        "for": "Nobody picked up my point straight away.",
        "against": "Twenty minutes later Dev came back to my idea and it went into the plan. "
        "Meetings often move on quickly.",
        "balanced": "Silence in a busy meeting doesn't mean my idea was stupid. It got used in the end.",
    },
    {
        "situation": "Cancelled dinner with my sister because I was tired, then felt guilty all evening.",
        "emotions": [("Guilty", 70), ("Sad", 45)],
        "thoughts": [("I'm a terrible sister", 65), ("She'll stop asking me", 50)],
        "traps": ["labelling", "all_or_nothing"],
        "for": "I cancelled at short notice.",
        "against": 'I\'ve seen her almost every week. She replied "no worries, next week then" with a heart. '
        "Resting when I'm tired is allowed.",
        "balanced": "Cancelling once because I was tired doesn't make me a bad sister. We've already made a new plan.",
    },
    {
        "situation": "First time at a gym class; everyone seemed to know the routine.",
        "emotions": [("Self-conscious", 65), ("Anxious", 70)],
        "thoughts": [("Everyone is watching me get it wrong", 75)],
        "traps": ["mind_reading", "emotional_reasoning"],
        "for": "I was a beat behind in the first few moves.",
        "against": "Most people were looking at the instructor or the mirror. The instructor said new people "
        "always take a few classes to catch on.",
        "balanced": "Being new means being a bit behind, and most people are busy with themselves.",
    },
    {
        "situation": "A coworker took over a task I'd been doing without telling me first.",
        "emotions": [("Annoyed", 55), ("Anxious", 50)],
        "thoughts": [("They think I can't do it", 60), ("I'll look bad in front of the team", 50)],
        "traps": ["mind_reading", "personalising"],
        "for": "Nobody told me before it happened.",
        "against": "She said later she thought she was helping because I had a lot on. My manager asked me to "
        "lead the next one.",
        "balanced": "It was probably meant as help and badly communicated. It says little about my work.",
    },
]

BREATHING_NOTES = [
    "Shoulders were tight at first; they dropped about halfway through.",
    "Mind wandered to work a lot. Kept bringing it back to the breath.",
    "Easier than yesterday.",
    "Did it on the bus with headphones. It still helped a bit.",
    "Felt pleasantly sleepy afterwards.",
    "Counting four in and six out helped me settle.",
    "Noticed my jaw was clenched and let it go.",
    "Hard to sit still today, but I stayed for the whole thing.",
    "Did it before the team meeting and walked in calmer.",
    "The cat kept climbing on me. I laughed and carried on.",
    "Warm feeling in my hands by the end.",
    "Short one, but better than none.",
    "I liked the body scan more than I expected.",
    "Tried it on the balcony. The fresh air helped.",
    "Felt a bit emotional halfway through, which was okay.",
]

# Sam's fear ladder: (situation, expected SUDS), easiest first.
FEAR_LADDER = [
    ("Say good morning to a neighbour and make eye contact", 25),
    ("Ask a store clerk where something is", 35),
    ("Call the doctor's office to book a check-up", 45),
    ("Eat lunch in the break room instead of at my desk", 50),
    ("Ask one question in the team meeting", 60),
    ("Invite a coworker for coffee", 70),
    ("Share an idea in the team meeting", 80),
    ("Give a five-minute update to the whole team", 90),
]
FEARED = [
    ["They'll look at me like I'm strange and not say anything back.", "I'll mumble and they won't hear me."],
    ["They'll be annoyed that I'm bothering them.", "I'll go red and trip over my words."],
    ["I'll freeze when they answer and have to hang up.", "They'll ask something I can't answer."],
    ["Nobody will talk to me and I'll sit there looking awkward.", "People will wonder why I'm there."],
    ["My question will sound silly and people will exchange looks."],
    ["They'll make an excuse and it'll be awkward afterwards."],
    ["My idea will fall flat in front of everyone."],
    ["I'll lose my place and everyone will see my hands shake."],
]
# Which ladder step each successive practice is on: up the ladder, with one look back at the first step.
RUNG_PLAN = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 0, 3, 4, 4, 4, 5, 5, 5, 6, 6]
LEARNED = [
    "It was uncomfortable, but I coped, and the worst part only lasted a couple of minutes.",
    "Nobody reacted the way I feared. It was ordinary.",
    "My anxiety came down on its own when I stayed.",
    "The build-up beforehand was worse than the actual thing.",
    "They were friendly. I think I expect people to be harsher than they are.",
    "Going red didn't stop the conversation.",
    "I can feel anxious and still do it.",
    "Easier than last time, which surprised me.",
    "It's getting almost boring, which I think means it's working.",
    "Even when I stumbled a bit, nobody seemed to mind.",
    "The feeling peaked fast and then faded.",
    "I want to try the next step soon.",
    "I didn't need to rehearse every word.",
    "Being a bit awkward is survivable.",
]
SAFETY_DROPPED = [
    "Didn't check my phone while I waited.",
    "Kept eye contact instead of looking at the floor.",
    "Didn't rehearse what to say beforehand.",
    "Didn't hold a coffee cup to keep my hands busy.",
    "Stayed until the end instead of leaving early.",
    "Didn't apologise before speaking.",
    "Let my hands rest instead of fidgeting.",
    "Went without asking a friend to come along.",
]

# Jordan's activities: (what, usual mastery, usual pleasure, usual hour).
ACTIVITIES = [
    ("Showered and got dressed before 10", 6, 3, 9),
    ("Walked to the park and back", 5, 6, 16),
    ("Cooked pasta from scratch", 6, 6, 19),
    ("Called my brother", 4, 7, 18),
    ("Did the laundry", 6, 2, 11),
    ("Went to the library", 4, 6, 14),
    ("Texted Mia to ask how she's doing", 3, 6, 20),
    ("Watered the plants and tidied the balcony", 4, 5, 10),
    ("Went grocery shopping with a list", 6, 3, 17),
    ("Played guitar for twenty minutes", 4, 7, 21),
    ("Replied to two emails I'd been putting off", 8, 2, 13),
    ("Had coffee with a neighbour", 3, 7, 11),
    ("Went for a short bike ride", 6, 7, 15),
    ("Made my bed and opened the curtains", 4, 2, 9),
    ("Watched a film with my housemate", 1, 7, 21),
    ("Sorted the pile of mail on the table", 7, 2, 12),
    ("Baked banana bread", 6, 8, 16),
    ("Fixed the squeaky cupboard door", 7, 4, 18),
    ("Read a chapter of my book in the park", 3, 7, 15),
    ("Went to the farmers' market", 3, 7, 11),
]
WALKS = [
    ("Walked around the block after lunch", 15),
    ("Walked to the park and sat by the pond", 25),
    ("Walked to the store instead of driving", 20),
    ("Took the long way home from the bus", 15),
    ("Walked by the river with headphones on", 30),
    ("Short walk to the corner and back", 10),
    ("Walked to the library", 20),
    ("Walked with my brother and his dog", 40),
    ("Evening walk around the neighbourhood", 25),
    ("Walked to get coffee", 15),
]
WALK_NOTES = [
    "Legs a bit stiff at first, then fine.",
    "Nice to see the leaves changing.",
    "Didn't feel like going, but felt better once I was out.",
    "Podcast made the time fly.",
    "Said hello to a couple of people on the way.",
    "It was cold, so I kept it short.",
    "Sun came out halfway. Good timing.",
    "Noticed I was breathing easier by the end.",
]

# Priya's journal (an evening page on weekdays).
JOURNAL = [
    "Quiet day. Worked from home and took a proper lunch break away from the screen. Small thing, but I was "
    "less snappy in the afternoon.",
    "Felt flat this morning and didn't want to get up. Made tea, sat by the window for a while, and it eased. "
    "I keep forgetting that mornings are usually the hardest part.",
    "Mom called and asked again when I'm visiting. I felt the old guilt, but I told her I'd come in two weeks "
    "and left it there. Proud that I didn't over-explain.",
    'Busy day. Three people asked me for "quick" favours and I said yes to all three. I\'m tired. Next time '
    'I want to try "let me check my list first".',
    "Went for a walk after dinner with Sunil. We didn't talk about anything important, which was nice.",
    "Couldn't focus. Wrote a to-do list, crossed off two things, and decided that was enough for today.",
    "Good talk with Lena at lunch. She's going through something similar with her team. "
    "It helped to hear I'm not the only one.",
    "Slept badly, so everything felt harder. I notice I'm kinder to myself when I write it down, though.",
    "Rainy evening. Cooked dal the way Nani used to make it. The smell alone made me calmer.",
    "Meeting ran over and I missed yoga. Irritated at first, then did ten minutes of stretching at home. "
    "Not the same, but it counted.",
    "I spoke up when the project timeline changed. My voice wobbled, but my manager listened and moved the deadline.",
    "A bit lonely tonight. Texted my cousin and we ended up on the phone for an hour.",
    "Not much to say today. Tired but okay. Writing this anyway because it's the habit I'm building.",
    "Caught myself replaying yesterday's conversation over and over. Wrote it down here and it felt smaller on paper.",
    "Good day! Finished the report early, left on time and sat in the garden with a book.",
    "A bit anxious about the weekend with the in-laws. Made a list of things I can do if I need a break: a walk, "
    "helping in the kitchen, a call with Lena.",
    "Work was fine. The evening was harder; the quiet made me overthink. Put music on and it helped.",
    "Read back over last month's pages. There are more good days in there than I'd have guessed.",
]

# Priya's conversations: (who, what I want to say, what worries me).
CONVERSATIONS = [
    (
        "My manager",
        "I'd like to take on the new project, but I'll need to hand over the weekly report to do it well.",
        "She'll think I'm not coping.",
    ),
    (
        "Mom",
        "I can't come every weekend, but I'd love to visit on the 14th and stay for lunch.",
        "She'll be hurt and go quiet on me.",
    ),
    (
        "Tom from my team",
        "I can't help with that today. I can look at it on Thursday morning.",
        "He'll think I'm not a team player.",
    ),
    (
        "Sunil",
        "When plans change at the last minute I feel stressed. Could we check with each other first?",
        "It'll turn into an argument.",
    ),
    ("Lena", "I'd rather skip the big party, but could we have dinner, just us two?", "She'll be disappointed in me."),
    ("The team lead", "I noticed my name wasn't on the project slide. Could we add it?", "I'll come across as petty."),
    (
        "My landlord",
        "The heating has been off for four days. When can someone come and fix it?",
        "He'll be annoyed and drag his feet.",
    ),
    (
        "My sister",
        "I'm happy to help with the move, but I can only do Saturday morning.",
        "She'll say I always put myself first.",
    ),
    (
        "My manager",
        "Could we have a short check-in every week? It would help me prioritise.",
        "She'll think I need hand-holding.",
    ),
    (
        "My neighbour",
        "The music late at night has been keeping me awake. Could you turn it down after eleven?",
        "Things will be awkward in the hallway.",
    ),
]
REHEARSED = [
    "Said it in my head on the train. The first sentence came easier the second time.",
    "Practised out loud in the car. Felt silly, but the words flowed better.",
    "Went through it with Lena. She said I sounded clear and not rude at all.",
    "Got halfway and started over-explaining. Stopped, took a breath, and said the short version.",
    "Said it to the mirror three times. By the third I stopped apologising at the start.",
    "Wrote it on a sticky note and read it out twice. It helped to see it written down.",
]
REAL_TALKS = [
    'I actually said it! It went better than I expected; they just said "sure, that makes sense".',
    "My voice shook a bit, but I got it out. We agreed on a plan.",
    "They looked surprised at first, then said thanks for telling them.",
    "It was awkward for about a minute and then completely fine.",
    "They pushed back a little, and I held my ground politely. Really proud of that.",
]
KEEP = [
    'Starting with "I\'d like…" instead of "Sorry, but…".',
    "Keeping it to two sentences.",
    "Pausing instead of filling the silence.",
    "A slow breath before I start.",
    "Offering one alternative, not three.",
    "Saying it earlier in the day, when I have more energy.",
    "Not explaining why more than once.",
]

SKILLS = {
    "client@example.org": [
        ("Slow breathing in the elevator before a meeting", "Two rounds of breathing. Walked in steadier.", 7),
        ("Questioned a hot thought on the way home", "Asked myself what the evidence was. It loosened a bit.", 6),
        ("Said hello to the new person at work", "Not on my ladder, but felt like the same skill. She smiled.", 8),
    ],
    "priya@example.org": [
        ('Said "let me check my list first" to a request', "Bought me time to think, and I said no later.", 8),
        ("Breathing before calling Mom", "The call was calmer than usual.", 6),
    ],
}

COMMENTS = {
    "thought_record_7": [
        "Really clear description of the situation; this is just the detail that helps.",
        "Notice how much your belief in the hot thought dropped after the evidence steps. Let's look at that together.",
        "A fair, balanced thought. Could you write it on a card to keep with you this week?",
    ],
    "exposure_practice": [
        "Look how your distress came down from your first practice on this step. That's your brain learning.",
        "Staying with it even when it peaked is the hard part, and you did it.",
        "Great practice. I think you're ready for the next step up; let's plan it together.",
    ],
    "relaxation": ["Lovely that you used it before the meeting. That's exactly the idea."],
    "activity_log": [
        "Thank you for logging it on a hard day; small things count.",
        "Walks keep showing up with good enjoyment scores. Let's plan a few more.",
    ],
    "lifestyle_goal": ["Steady progress. Every walk counts, however short."],
    "journal": ["Thank you for sharing this. I'm glad the walk helped."],
    "conversation_rehearsal": [
        "That first sentence is clear and kind. Keep it!",
        "Holding your ground politely is a big step. Well done.",
    ],
    "partial": ["Part of it still counts. What made that first part possible?"],
}


# --- The engine ------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    occurrence: Occurrence
    day: date  # the client's local date it was done (or let go)
    outcome: str  # an Outcome, or MISSED
    fraction: str  # for a partial outcome
    progress: float  # 0 at the start of the eight weeks, 1 today
    number: int  # how many answers to this activity came before


@dataclass
class Habit:
    """How a client tends to do one activity: the odds of (done, partial, skipped, missed) at the start and at the
    end of the eight weeks, what gets in the way, how it feels afterwards, and how they fill in the worksheet."""

    answers: Callable[[Story, Attempt], dict[str, Any]]
    start: tuple[float, float, float, float]
    end: tuple[float, float, float, float]
    barriers: Sequence[str]
    helpful: tuple[int, int]
    hard: tuple[int, int]
    private: float = 0.05
    hours: tuple[int, int] = (18, 22)
    trim_partial: bool = True  # a partial answer fills in the first steps only
    growth: int = 1  # how much helpfulness rises, and hardness falls, over the eight weeks


@dataclass
class Story:
    therapist: Membership
    client: Membership
    today: date
    rng: random.Random
    session_day: int = 1  # the weekday of the client's weekly session, when activities are set and adjusted
    entries: list[Entry] = field(default_factory=list)
    memory: dict[str, Any] = field(default_factory=dict)

    @property
    def first_day(self) -> date:
        return self.session(WEEKS - 1)  # the first activities were set here, seven to eight weeks ago

    def at(self, day: date, hour: int, minute: int | None = None, *, therapist: bool = False) -> datetime:
        zone = (self.therapist if therapist else self.client).user.zone
        return datetime.combine(day, time(hour, self.rng.randrange(60) if minute is None else minute), zone)

    def session(self, weeks_ago: int) -> date:
        """The date of the client's weekly session `weeks_ago` weeks before the latest one (on or before today)."""
        latest = self.today - timedelta(days=(self.today.weekday() - self.session_day) % 7)
        return latest - timedelta(weeks=weeks_ago)

    def progress(self, day: date) -> float:
        return min(max((day - self.first_day).days / max((self.today - self.first_day).days, 1), 0.0), 1.0)

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.rng.randrange(len(options))]

    # The therapist's side ------------------------------------------------------------------------------

    def goal(self, text: str, steps: list[str], day: date) -> Goal:
        goal = services.goal_create(actor=self.therapist.user, client=self.client, text=text, steps=steps)
        Goal.objects.filter(pk=goal.pk).update(created_at=self.at(day, 10, therapist=True))
        return goal

    def ladder(self, day: date) -> list[LadderItem]:
        items = [{"description": text, "suds": suds} for text, suds in FEAR_LADDER]
        services.ladder_save(actor=self.therapist.user, client=self.client, items=items)
        LadderItem.objects.filter(client=self.client).update(updated_at=self.at(day, 10, therapist=True))
        return list(LadderItem.objects.filter(client=self.client, archived=False))

    def assign(self, key: str, *, start: date, goal: Goal | None = None, **fields: Any) -> Assignment:
        """Assign through the form a therapist fills in, then date it to the session it was set in."""
        version = Template.objects.get(key=key, practice__isnull=True).latest_version()
        data = {"start_date": start.isoformat(), "formats": ["write"], "goal": goal.pk if goal else "", **fields}
        form = AssignmentForm(data, goals=Goal.objects.filter(client=self.client), allowed_formats=version.formats)
        if not form.is_valid():
            raise ValueError(f"Demo assignment {key!r} is invalid: {form.errors.as_text()}")
        assignment = services.assignment_create(
            therapist=self.therapist, client=self.client, version=version, data=form.data_object(), assigned_on=start
        )
        at = self.at(start, 10, therapist=True)
        Assignment.objects.filter(pk=assignment.pk).update(created_at=at, updated_at=at)
        AssignmentRevision.objects.filter(assignment=assignment).update(created_at=at, seen_by_client_at=at)
        return assignment

    def adjust(self, assignment: Assignment, days_ago: int, **changes: Any) -> None:
        """The therapist edits an assignment through the same form; the client will see "updated by your
        therapist", and the open "not working" notice counts as answered."""
        data = {**assignment_initial(assignment), "goal": assignment.goal_id or "", **changes}
        form = AssignmentForm(
            data, goals=Goal.objects.filter(client=self.client), allowed_formats=assignment.template_version.formats
        )
        if not form.is_valid():
            raise ValueError(f"Demo adjustment is invalid: {form.errors.as_text()}")
        revision = services.assignment_update(assignment=assignment, actor=self.therapist.user, data=form.data_object())
        at = self.at(self.today - timedelta(days=days_ago), 11, therapist=True)
        Assignment.objects.filter(pk=assignment.pk).update(updated_at=at)
        if revision is not None:
            AssignmentRevision.objects.filter(pk=revision.pk).update(created_at=at)
        Notice.objects.filter(assignment=assignment, resolution="adjusted").update(resolved_at=at)

    def comment_on_some(self, count: int) -> None:
        old_enough = self.today - timedelta(days=3)
        shared = [
            e
            for e in self.entries
            if e.visibility == Visibility.SHARED
            and e.outcome != Outcome.SKIPPED
            and e.done_on <= old_enough
            and e.assignment is not None
        ]
        flagged = [e for e in shared if e.talk_next_session or e.outcome == Outcome.PARTIAL]
        chosen = self.rng.sample(flagged, min(count - 1, len(flagged)))
        rest = [e for e in shared if e not in chosen]
        chosen += self.rng.sample(rest, min(count - len(chosen), len(rest)))
        for entry in chosen:
            key = "partial" if entry.outcome == Outcome.PARTIAL else entry.template_version.template.key
            text = self.pick(COMMENTS.get(key) or COMMENTS["partial"])
            comment = services.comment_add(entry=entry, author=self.therapist.user, text=text)
            day = entry.done_on + timedelta(days=1)
            Comment.objects.filter(pk=comment.pk).update(
                created_at=self.at(day, self.rng.randint(9, 12), therapist=True)
            )

    # The client's side ------------------------------------------------------------------------------------

    def notice(self, assignment: Assignment, days_ago: int, reason: str, note: str) -> None:
        notice = services.notice_create(client=self.client, assignment=assignment, reason=reason, note=note)
        Notice.objects.filter(pk=notice.pk).update(created_at=self.at(self.today - timedelta(days=days_ago), 20))

    def practice_day(self, assignment: Assignment, occurrence: Occurrence) -> date | None:
        """When the client would have done it: the due date, spread over the week for "N times a week", a few
        days early for "once". None while it is still to do."""
        due = occurrence.due_date
        if assignment.schedule_kind == ScheduleKind.PER_WEEK:
            count = assignment.times_per_week or 1
            offset = int((occurrence.slot + 0.5) * 7 / count) + self.pick([-1, 0, 0, 1])
            day = max(due - timedelta(days=6 - min(max(offset, 0), 6)), assignment.start_date)
        elif assignment.schedule_kind == ScheduleKind.ONCE:
            day = max(due - timedelta(days=self.rng.randint(0, 3)), assignment.start_date)
        else:
            day = due
        return day if day < self.today else None

    def practise(
        self, assignment: Assignment, habit: Habit, events: Sequence[tuple[date, Callable[[], None]]] = ()
    ) -> None:
        """Answer every past occurrence of an assignment, in the order it happened."""
        planned = []
        for occurrence in assignment.occurrences.order_by("due_date", "slot"):
            occurrence.assignment = assignment  # one instance, so a revision made on the way is seen by later entries
            day = self.practice_day(assignment, occurrence)
            if day is not None:
                planned.append((day, occurrence))
        planned.sort(key=lambda pair: (pair[0], pair[1].slot))
        waiting = sorted(events, key=lambda event: event[0])
        answered = 0
        for day, occurrence in planned:
            while waiting and waiting[0][0] <= day:
                waiting.pop(0)[1]()
            progress = self.progress(day)
            odds = [a + (b - a) * progress for a, b in zip(habit.start, habit.end, strict=True)]
            outcome = self.rng.choices([Outcome.DONE, Outcome.PARTIAL, Outcome.SKIPPED, MISSED], weights=odds)[0]
            fraction = self.rng.choices(["0.25", "0.50", "0.75"], weights=[2, 5, 3])[0]
            if occurrence.due_date >= self.today and outcome not in (Outcome.DONE, Outcome.PARTIAL):
                continue  # this week's: still to do
            if outcome == MISSED:
                continue  # occurrences_refresh has already recorded it as missed
            attempt = Attempt(occurrence, day, outcome, fraction, progress, answered)
            self.submit(occurrence, self.raw(assignment, habit, attempt), day, habit)
            if outcome != Outcome.SKIPPED:
                answered += 1
        for _, event in waiting:
            event()

    def raw(self, assignment: Assignment, habit: Habit, attempt: Attempt) -> dict[str, Any]:
        """What the client's phone would have sent: worksheet inputs, then the outcome and after steps."""
        raw: dict[str, Any] = {"o-outcome": attempt.outcome}
        if attempt.outcome != Outcome.SKIPPED:
            answers = habit.answers(self, attempt)
            if attempt.outcome == Outcome.PARTIAL and habit.trim_partial:
                answers = first_steps(assignment.template_version, answers, float(attempt.fraction))
            raw.update(answers)
        if attempt.outcome != Outcome.DONE:
            codes = self.rng.sample(list(habit.barriers), self.rng.choices([1, 2], weights=[3, 1])[0])
            if self.rng.random() < 0.18:
                codes.append(BarrierCode.OTHER)
                raw["o-barrier_other"] = self.pick(BARRIER_WORDS)
            raw["o-barriers"] = codes
        if attempt.outcome == Outcome.PARTIAL:
            raw["o-fraction"] = attempt.fraction
        if attempt.outcome == Outcome.SKIPPED:
            return raw  # the flow asks nothing more of a skipped occurrence
        share = float(attempt.fraction) if attempt.outcome == Outcome.PARTIAL else 1.0
        minutes = max(2, round(assignment.minutes * share * self.rng.uniform(0.6, 1.5)))
        shift = round(habit.growth * attempt.progress * 1.5)
        helpful = min(10, self.rng.randint(*habit.helpful) + shift - self.rng.choice([0, 0, 1]))
        hard = max(0, self.rng.randint(*habit.hard) - shift)
        raw.update({"a-minutes": str(minutes), "a-helpful": str(helpful), "a-hard": str(hard)})
        if self.rng.random() < 0.45:
            before = min(9, self.rng.randint(3, 6) + round(attempt.progress * 2))
            raw.update({"a-mood_before": str(before), "a-mood_after": str(min(10, before + self.rng.randint(0, 2)))})
        if self.rng.random() < (0.3 if hard >= 7 or attempt.outcome == Outcome.PARTIAL else 0.05):
            raw["a-talk"] = "on"
        private = self.rng.random() < habit.private
        raw["a-visibility"] = Visibility.PRIVATE if private else Visibility.SHARED
        return raw

    def submit(self, occurrence: Occurrence | None, raw: dict[str, Any], day: date, habit: Habit) -> Entry:
        version = occurrence.assignment.template_version if occurrence else skill_practice_version()
        draft = services.draft_for(client=self.client, occurrence=occurrence, version=version)
        services.draft_save(draft=draft, updates=raw)
        entry = services.entry_submit(draft=draft, outcome=None if occurrence else Outcome.DONE)
        # Demo history: entry_submit stamps today and now, as it should for a real answer. Move the entry (and
        # the occurrence's closing) back to the evening it would have been written.
        at = self.at(day, self.rng.randint(*habit.hours))
        Entry.objects.filter(pk=entry.pk).update(done_on=day, submitted_at=at)
        if occurrence is not None:
            Occurrence.objects.filter(pk=occurrence.pk).update(closed_at=at)
        entry.done_on, entry.submitted_at = day, at
        self.entries.append(entry)
        return entry

    def log_skills(self, skills: Sequence[tuple[str, str, int]]) -> None:
        """Skills practised on the client's own, outside their assignments (always done, always shared)."""
        habit = Habit(
            answers=lambda story, attempt: {},
            start=(1, 0, 0, 0),
            end=(1, 0, 0, 0),
            barriers=(),
            helpful=(6, 8),
            hard=(2, 4),
            hours=(12, 21),
        )
        days = sorted(self.rng.sample(range(7, DAYS - 2), len(skills)))
        for (skill, how, helpful), days_ago in zip(skills, reversed(days), strict=True):
            day = self.today - timedelta(days=days_ago)
            when = f"{day.isoformat()}T{self.rng.randint(8, 18):02d}:{self.rng.choice(['00', '15', '30', '45'])}"
            raw = {"f-skill": skill, "f-when": when, "f-how_it_went": how, "f-helpfulness": str(helpful)}
            self.submit(None, raw, day, habit)

    def leave_a_draft(self, assignment: Assignment, raw: dict[str, Any], step: int) -> None:
        """Something started yesterday evening and not finished: the client picks it up where they left off."""
        occurrence = assignment.occurrences.filter(status=OccurrenceStatus.PENDING, draft__isnull=True).first()
        if occurrence is None:
            return
        draft = services.draft_for(client=self.client, occurrence=occurrence, version=assignment.template_version)
        services.draft_save(draft=draft, updates={**raw, "_step": str(step)})
        Draft.objects.filter(pk=draft.pk).update(updated_at=self.at(self.today - timedelta(days=1), 21))

    def close_missed(self) -> None:
        # Demo history: a missed occurrence was recorded when the client's day ended, not when the demo loaded.
        for occurrence in Occurrence.objects.filter(client=self.client, status=OccurrenceStatus.MISSED):
            closed = self.at(occurrence.due_date + timedelta(days=1), 0, 5)
            Occurrence.objects.filter(pk=occurrence.pk).update(closed_at=closed)


def skill_practice_version() -> TemplateVersion:
    return Template.objects.get(key="skill_practice", practice__isnull=True).latest_version()


def first_steps(version: TemplateVersion, raw: dict[str, Any], fraction: float) -> dict[str, Any]:
    """Only the inputs of the first steps of a worksheet: what someone who did part of it would have filled in."""
    steps = version.schema["steps"]
    keep = max(1, min(len(steps) - 1, round(fraction * len(steps))))
    prefixes = tuple(f"f-{f['key']}" for step in steps[:keep] for f in step.get("fields", []))
    return {
        name: value
        for name, value in raw.items()
        if any(name == prefix or name.startswith(prefix + "-") for prefix in prefixes)
    }


# --- How each worksheet gets filled in --------------------------------------------------------------------


def jitter(story: Story, value: float, spread: int, low: int = 0, high: int = 100) -> int:
    return int(min(high, max(low, round(value + story.rng.randint(-spread, spread)))))


def thought_record(story: Story, attempt: Attempt) -> dict[str, Any]:
    record = story.pick(THOUGHT_RECORDS)
    raw: dict[str, Any] = {"f-situation": record["situation"]}
    for i, (emotion, strength) in enumerate(record["emotions"]):
        raw[f"f-emotions-{i}-emotion"] = emotion
        raw[f"f-emotions-{i}-intensity"] = str(jitter(story, strength, 10))
    for i, (thought, belief) in enumerate(record["thoughts"]):
        raw[f"f-thoughts-{i}-thought"] = thought
        raw[f"f-thoughts-{i}-belief"] = str(jitter(story, belief, 10))
    raw["f-thoughts-mark"] = "0"
    raw["f-distortions"] = record["traps"][: story.rng.randint(1, len(record["traps"]))]
    raw["f-evidence_for"] = record["for"]
    raw["f-evidence_against"] = record["against"]
    raw["f-balanced_thought"] = record["balanced"]
    raw["f-balanced_belief"] = str(jitter(story, 55 + 20 * attempt.progress, 10))
    relief = 15 + 15 * attempt.progress  # re-rated moods ease more as the skill grows
    for i in range(len(record["emotions"])):
        raw[f"f-emotions_after-{i}"] = str(jitter(story, int(raw[f"f-emotions-{i}-intensity"]) - relief, 5))
    raw["f-hot_belief_after"] = str(jitter(story, int(raw["f-thoughts-0-belief"]) - relief - 5, 5))
    return raw


def breathing(story: Story, attempt: Attempt) -> dict[str, Any]:
    technique = story.rng.choices(["breathing", "body_scan", "pmr", "mindful_walking"], weights=[6, 2, 1, 1])[0]
    before = jitter(story, 6.5 - 1.5 * attempt.progress, 1, 1, 10)
    after = max(0, before - 1 - round(2 * attempt.progress) - story.rng.randint(0, 1))
    minutes = max(3, round(10 * (float(attempt.fraction) if attempt.outcome == Outcome.PARTIAL else 1)))
    raw = {
        "f-technique": technique,
        "f-minutes": str(minutes + story.rng.choice([-2, 0, 0, 2, 5])),
        "f-tension_before": str(before),
        "f-tension_after": str(after),
    }
    if story.rng.random() < 0.6:
        raw["f-notes"] = story.pick(BREATHING_NOTES)
    return raw


def exposure(story: Story, attempt: Attempt) -> dict[str, Any]:
    """Up the ladder; on each step, distress before, at its peak and after comes down from one practice to the
    next, and after is below before within a practice (the client stayed until it eased)."""
    ladder: list[LadderItem] = story.memory["ladder"]
    rung = RUNG_PLAN[min(attempt.number, len(RUNG_PLAN) - 1)]
    times: Counter = story.memory.setdefault("times_on_rung", Counter())
    n = times[rung]
    times[rung] += 1
    first = FEAR_LADDER[rung][1] + 12
    peak = jitter(story, first * 0.8**n, 2, 8)
    before = max(5, peak - story.rng.randint(6, 12))
    left_early = attempt.outcome == Outcome.PARTIAL
    after = max(0, min(before - 3, round(peak * (0.75 if left_early else 0.5 - 0.04 * min(n, 5)))))
    stayed = round((10 + 5 * rung) * (float(attempt.fraction) if left_early else 1.0)) + story.rng.randint(0, 5)
    raw = {
        "f-ladder_item": str(ladder[rung].pk),
        "f-feared_outcome": story.pick(FEARED[rung]),
        "f-suds_before": str(before),
        "f-suds_peak": str(peak),
        "f-minutes": str(stayed),
        "f-suds_after": str(after),
        "f-feared_happened": story.rng.choices(["no", "partly", "yes"], weights=[8, 3, 1 if n else 2])[0],
        "f-learned": story.pick(LEARNED),
    }
    if story.rng.random() < 0.7:
        raw["f-safety_dropped"] = story.pick(SAFETY_DROPPED)
    return raw


def activity(story: Story, attempt: Attempt) -> dict[str, Any]:
    what, mastery, pleasure, hour = story.pick(ACTIVITIES)
    lift = 2.5 * attempt.progress - 1  # behavioural activation: the same things feel a little better each week
    return {
        "f-activity": what,
        "f-status": "done",
        "f-when": f"{attempt.day.isoformat()}T{hour:02d}:{story.pick(['00', '15', '30', '45'])}",
        "f-mastery": str(jitter(story, mastery + lift, 1, 0, 10)),
        "f-pleasure": str(jitter(story, pleasure + lift, 1, 0, 10)),
    }


def walk(story: Story, attempt: Attempt) -> dict[str, Any]:
    what, minutes = story.pick(WALKS)
    share = float(attempt.fraction) if attempt.outcome == Outcome.PARTIAL else 1.0
    raw = {
        "f-what_i_did": what,
        "f-amount": str(max(5, round(minutes * share * (0.8 + 0.5 * attempt.progress)))),
        "f-felt": str(jitter(story, 5 + 3 * attempt.progress, 1, 0, 10)),
    }
    if story.rng.random() < 0.5:
        raw["f-notes"] = story.pick(WALK_NOTES)
    return raw


def reading(story: Story, attempt: Attempt) -> dict[str, Any]:
    return {
        "f-stood_out": "That motivation often comes after starting, not before. I always wait until I feel like it.",
        "f-reflection": 'The "doing less, feeling worse" loop sounds like my last few months. If I start small, '
        "like a ten-minute walk, the feeling might follow instead of me waiting for it first.",
    }


def journal(story: Story, attempt: Attempt) -> dict[str, Any]:
    text = story.pick(JOURNAL)
    if attempt.outcome == Outcome.PARTIAL:
        text = text.split(". ")[0].rstrip(".") + "."  # a line or two is still an entry
    return {"f-entry": text}


def rehearsal(story: Story, attempt: Attempt) -> dict[str, Any]:
    who, say, fear = story.pick(CONVERSATIONS)
    real = attempt.progress > 0.7 and story.rng.random() < 0.5
    raw = {"f-who": who, "f-want_to_say": say, "f-fear": fear}
    if attempt.outcome == Outcome.PARTIAL:
        return raw  # got as far as writing what to say
    raw["f-practice_kind"] = "real" if real else story.pick(["head", "aloud", "aloud", "with_someone"])
    raw["f-how_it_went"] = story.pick(REAL_TALKS if real else REHEARSED)
    raw["f-keep"] = story.pick(KEEP)
    return raw


# --- The three stories ------------------------------------------------------------------------------------


def sam(story: Story) -> None:
    records, breathing_daily, ladder = _sam_assignments(story)
    _sam_practice(story, records, breathing_daily, ladder)


def _sam_assignments(story: Story) -> tuple[Assignment, ...]:
    """Sam's goal, fear ladder and three activities, as his therapist set them up."""
    goal = story.goal(
        "Speak up at work without dreading it for days",
        [
            "Practise the lower ladder steps until they feel easy",
            "Ask one question in a team meeting",
            "Share an idea in a team meeting",
            "Give a short update to the team",
        ],
        story.session(6),
    )
    story.memory["ladder"] = story.ladder(story.session(6))
    records = story.assign(
        "thought_record_7",
        start=story.session(7),
        title="Thought record when anxiety spikes",
        minutes="20",
        instructions="Three times a week, pick a moment when you felt a jolt of anxiety or embarrassment, at work or "
        "with friends. Fill in the record the same day if you can, while it's fresh.",
        rationale="When anxiety speaks, it sounds like fact. Writing the hot thought down and weighing the evidence "
        "lets you check it, and the balanced view gets easier to reach each time.",
        schedule_kind=ScheduleKind.PER_WEEK,
        times_per_week="3",
        if_when="After I get home and put the kettle on",
        if_then="I'll open the thought record",
        minimum="Short on time? Write the situation and the hot thought; that's already useful.",
        coping="If it starts to feel like a list of your failings, pause and ask what a good friend would say.",
    )
    breathing_daily = story.assign(
        "relaxation",
        start=story.session(7),
        title="Slow breathing, ten minutes",
        minutes="10",
        instructions="Each day, sit somewhere quiet. Breathe in for a count of four and out for six, for about ten "
        "minutes. Rate your tension before and after.",
        rationale="Slow breathing calms the body's alarm system. Practising when you're calm makes it easier to use "
        "when you're anxious, like before a meeting.",
        schedule_kind=ScheduleKind.DAILY,
        if_when="After I brush my teeth in the morning",
        if_then="I'll sit on the edge of the bed and breathe",
        minimum="Three slow breaths count.",
    )
    ladder = story.assign(
        "exposure_practice",
        start=story.session(6),
        goal=goal,
        title="Fear ladder practice",
        minutes="30",
        instructions="Three times a week, practise a step of your ladder. Start at the bottom and stay with each "
        "practice until your distress has come down by about half. Move up a step when a practice feels easy.",
        rationale="Facing a feared situation, and staying until the feeling eases, teaches your brain that it's "
        "safer than it feels. Each practice makes the next one easier.",
        schedule_kind=ScheduleKind.PER_WEEK,
        times_per_week="3",
        minimum="Even five minutes on the first step counts.",
        coping="Distress rises, then falls. If it peaks, breathe slowly and wait; you don't have to feel calm to stay.",
    )
    return records, breathing_daily, ladder


def _sam_practice(story: Story, records: Assignment, breathing_daily: Assignment, ladder: Assignment) -> None:
    """Eight weeks of Sam doing them, a notice that the thought record takes too long, and a draft left open."""
    today = story.today

    def too_long() -> None:
        note = "It takes me about forty minutes and I end up rushing the last part."
        story.notice(records, 2, NoticeReason.TOO_LONG, note)  # still open: the therapist sees it on the caseload

    story.practise(
        records,
        Habit(
            thought_record,
            start=(0.55, 0.2, 0.1, 0.15),
            end=(0.65, 0.15, 0.05, 0.15),
            barriers=[BarrierCode.NO_TIME, BarrierCode.UPSETTING, BarrierCode.PERFECTIONISM, BarrierCode.SELF_CRITICAL],
            helpful=(5, 8),
            hard=(5, 8),
            private=0.15,
        ),
        events=[(today - timedelta(days=2), too_long)],
    )
    story.practise(
        breathing_daily,
        Habit(
            breathing,
            start=(0.55, 0.1, 0.1, 0.25),
            end=(0.8, 0.05, 0.05, 0.1),
            barriers=[BarrierCode.FORGOT, BarrierCode.NO_TIME, BarrierCode.WONT_HELP, BarrierCode.LIFE_EVENT],
            helpful=(5, 8),
            hard=(1, 4),
            private=0.03,
            hours=(7, 9),
        ),
    )
    story.practise(
        ladder,
        Habit(
            exposure,
            start=(0.6, 0.15, 0.15, 0.1),
            end=(0.75, 0.1, 0.1, 0.05),
            barriers=[BarrierCode.UPSETTING, BarrierCode.NO_SITUATION, BarrierCode.NO_TIME, BarrierCode.LIFE_EVENT],
            helpful=(5, 8),
            hard=(6, 9),
            hours=(17, 21),
            trim_partial=False,  # leaving early still has its before, peak and after
        ),
    )
    story.log_skills(SKILLS["client@example.org"])
    story.leave_a_draft(
        records,
        {
            "f-situation": "Stand-up this morning: I was asked for an update I hadn't prepared.",
            "f-emotions-0-emotion": "Anxious",
            "f-emotions-0-intensity": "70",
        },
        step=2,
    )


def jordan(story: Story) -> None:
    log, read, walks = _jordan_assignments(story)
    _jordan_practice(story, log, read, walks)


def _jordan_assignments(story: Story) -> tuple[Assignment, ...]:
    """Jordan's goal and three activities: a daily activity log, a reading once, short walks."""
    goal = story.goal(
        "Get back to the things I used to enjoy",
        ["A short walk most days", "Text or call a friend each week", "Play guitar again"],
        story.session(7),
    )
    log = story.assign(
        "activity_log",
        start=story.session(7),
        goal=goal,
        title="Log one activity a day",
        minutes="5",
        instructions="Once a day, log one thing you did, however small, and rate how much achievement and how much "
        "enjoyment it gave you. Getting up and showering counts.",
        rationale="Low mood makes us do less, and doing less keeps mood low. Noticing what gives you a little "
        "achievement or enjoyment shows us what to plan more of.",
        schedule_kind=ScheduleKind.DAILY,
        if_when="After dinner",
        if_then="I'll log one thing from today",
        minimum="Just write the activity; the ratings can wait.",
        coping="Low ratings are useful information, not a failure.",
    )
    read = story.assign(
        "reading",
        start=story.session(6),
        title="Read: why doing more helps when you're low",
        minutes="20",
        instructions='Read the leaflet "Behavioural activation: doing more to feel better" (pages 1 to 4) from '
        'our session. Reflection question: where do you see the "doing less, feeling worse" loop in your life?',
        rationale="Understanding why activity lifts mood makes it easier to start before you feel like it.",
        schedule_kind=ScheduleKind.ONCE,
        end_date=(story.session(5) - timedelta(days=1)).isoformat(),
    )
    walks = story.assign(
        "lifestyle_goal",
        start=story.session(5),
        goal=goal,
        title="Short walks, three times a week",
        minutes="20",
        instructions="Goal: three walks a week, any length. Log what you did and for how many minutes.",
        rationale="Gentle movement lifts mood and energy, and getting outside breaks up long days indoors.",
        schedule_kind=ScheduleKind.PER_WEEK,
        times_per_week="3",
        if_when="After lunch",
        if_then="I'll put my shoes on and walk to the corner, at least",
        minimum="Walk to the end of the street and back.",
    )
    return log, read, walks


def _jordan_practice(story: Story, log: Assignment, read: Assignment, walks: Assignment) -> None:
    """Jordan doing them: a slow start, more each week; at the last session, a review together (demo_together.py)."""
    low_mood = [BarrierCode.FORGOT, BarrierCode.NO_TIME, BarrierCode.WONT_HELP, BarrierCode.SELF_CRITICAL]
    story.practise(
        log,
        Habit(
            activity,
            start=(0.35, 0.15, 0.15, 0.35),  # a slow start, as low mood goes; more each week
            end=(0.75, 0.1, 0.05, 0.1),
            barriers=[*low_mood, BarrierCode.LIFE_EVENT],
            helpful=(4, 7),
            hard=(2, 6),
            growth=2,
            hours=(19, 22),
        ),
    )
    story.practise(
        read, Habit(reading, start=(1, 0, 0, 0), end=(1, 0, 0, 0), barriers=low_mood, helpful=(7, 8), hard=(3, 4))
    )
    story.practise(
        walks,
        Habit(
            walk,
            start=(0.5, 0.15, 0.15, 0.2),
            end=(0.7, 0.1, 0.1, 0.1),
            barriers=[BarrierCode.NO_TIME, BarrierCode.LIFE_EVENT, BarrierCode.FORGOT],
            helpful=(5, 8),
            hard=(2, 5),
            hours=(13, 20),
        ),
        events=[(last_session_day(story), lambda: review_together(story, walks))],
    )


def priya(story: Story) -> None:
    pages, talks = _priya_assignments(story)
    _priya_practice(story, pages, talks)


def _priya_assignments(story: Story) -> tuple[Assignment, ...]:
    """Priya's goal, her evening journal and, from week 4, conversation rehearsal."""
    goal = story.goal(
        "Speak up for myself at work and at home",
        ["Practise what I want to say", "Say no to one small extra request", "Ask my manager for a weekly check-in"],
        story.session(4),
    )
    pages = story.assign(
        "journal",
        start=story.session(7),
        title="Evening journal, five minutes",
        minutes="5",
        instructions="On weekday evenings, write for five minutes about your day: what was hard, what went okay, "
        "anything you noticed. Private is fine.",
        rationale="Writing it down helps you step back from the day, and over time you'll see patterns, and the "
        "good days, more clearly.",
        schedule_kind=ScheduleKind.WEEKDAYS,
        weekdays=["0", "1", "2", "3", "4"],
        formats=["write", "voice"],
        if_when="After I close my laptop for the day",
        if_then="I'll write my journal",
        minimum="One sentence about the day.",
    )
    talks = story.assign(
        "conversation_rehearsal",
        start=story.session(4),
        goal=goal,
        title="Rehearse a conversation",
        minutes="15",
        instructions="Twice a week, pick a conversation you'd like to have. Write who it's with, what you want to "
        "say and what you're worried about, then practise it and note how it went.",
        rationale="Rehearsing makes the words easier to find when it matters, and looking back at how it went "
        "builds confidence step by step.",
        schedule_kind=ScheduleKind.PER_WEEK,
        times_per_week="2",
        coping="If you notice yourself over-explaining, that's okay. Try the shortest version.",
    )
    return pages, talks


def _priya_practice(story: Story, pages: Assignment, talks: Assignment) -> None:
    """Priya doing them; rehearsal is too hard, and her therapist makes it smaller."""
    today = story.today

    def too_hard() -> None:
        note = "Writing the whole conversation out makes me freeze before I start. Could I do a smaller version?"
        story.notice(talks, 6, NoticeReason.TOO_HARD, note)

    def smaller() -> None:
        story.adjust(
            talks,
            4,
            minutes="10",
            instructions="Twice a week, pick one conversation and practise just your first sentence, in your head or "
            "out loud. No need to write the whole thing out.",
            minimum="Say your first sentence once, out loud, to yourself.",
        )

    story.practise(
        pages,
        Habit(
            journal,
            start=(0.7, 0.1, 0.1, 0.1),
            end=(0.75, 0.1, 0.05, 0.1),
            barriers=[BarrierCode.NO_TIME, BarrierCode.FORGOT, BarrierCode.LIFE_EVENT, BarrierCode.SELF_CRITICAL],
            helpful=(5, 8),
            hard=(1, 4),
            private=0.3,  # a journal is the most personal thing here
            hours=(20, 22),
            trim_partial=False,
        ),
    )
    story.practise(
        talks,
        Habit(
            rehearsal,
            start=(0.35, 0.2, 0.3, 0.15),
            end=(0.6, 0.2, 0.1, 0.1),
            barriers=[
                BarrierCode.UPSETTING,
                BarrierCode.UNSURE_HOW,
                BarrierCode.NO_SITUATION,
                BarrierCode.PERFECTIONISM,
            ],
            helpful=(5, 8),
            hard=(5, 8),
            trim_partial=False,
        ),
        events=[(today - timedelta(days=6), too_hard), (today - timedelta(days=4), smaller)],
    )
    story.log_skills(SKILLS["priya@example.org"])


# Each demo client's story and the weekday of their weekly session (0 = Monday).
STORIES: dict[str, tuple[Callable[[Story], None], int]] = {
    "client@example.org": (sam, 1),
    "jordan@example.org": (jordan, 2),
    "priya@example.org": (priya, 3),
}


def load_homework_demo(*, therapist: Membership, clients: Sequence[Membership], today: date | None = None) -> list[str]:
    """Give each client eight weeks of activities ending on `today` (by default each client's own local today),
    as the product would have recorded them. Clients who already have activities are left as they are, so loading
    twice changes nothing. Returns what was created.

    `today` must be the clients' local today (tests fix the clock): the services this calls work out "today"
    themselves too, e.g. assignment_create records whatever is already past as missed."""
    created = []
    stories = list(STORIES.items())
    for index, client in enumerate(clients):
        if Assignment.objects.filter(client=client).exists():
            continue
        key, (tell, weekday) = next(
            ((k, s) for k, s in stories if k == client.user.email), stories[index % len(stories)]
        )
        story = Story(
            therapist=therapist,
            client=client,
            today=today or local_today(client.user),
            rng=random.Random(f"carryover-demo:{key}"),
            session_day=weekday,
        )
        # Demo history: the client joined just before their first session, not when the demo was loaded.
        joined = story.at(story.first_day - timedelta(days=2), 18, therapist=True)
        Membership.objects.filter(pk=client.pk).update(created_at=joined)
        User.objects.filter(pk=client.user_id).update(date_joined=joined)
        tell(story)
        story.comment_on_some(3)
        story.close_missed()
        services.welcome_dismiss(client=client)  # eight weeks in, the first-run welcome is long gone
        count = Assignment.objects.filter(client=client).count()
        created.append(f"{count} activities and {len(story.entries)} entries for {client.user.email}")
    return created
