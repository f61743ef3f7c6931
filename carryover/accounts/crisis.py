"""Default crisis resources per country (reference/clinical.md §5.2). Practices may edit their own copy."""

from datetime import date

# The date these defaults were last checked against the published numbers; shown to clients beside each line.
DEFAULTS_VERIFIED = date(2026, 11, 22)

DEFAULT_CRISIS_RESOURCES: dict[str, list[dict[str, str]]] = {
    "US": [
        {"name": "Emergency services", "how": "If you are in immediate danger, call 911.", "phone": "911"},
        {
            "name": "988 Suicide & Crisis Lifeline",
            "how": "Call or text 988, any time. Veterans press 1.",
            "phone": "988",
            "sms": "988",
            "url": "https://988lifeline.org/",
        },
        {
            "name": "Crisis Text Line",
            "how": "Text HOME to 741741, any time.",
            "sms": "741741",
            "url": "https://www.crisistextline.org/",
        },
    ],
    "GB": [
        {
            "name": "Emergency services",
            "how": "If your life is at risk, call 999 or go to A&E.",
            "phone": "999",
        },
        {
            "name": "NHS 111, option 2",
            "how": "Call 111 and choose option 2 for urgent mental health help (England), 24/7.",
            "phone": "111",
        },
        {
            "name": "Samaritans",
            "how": "Call 116 123, free, any time.",
            "phone": "116123",
            "url": "https://www.samaritans.org/",
        },
        {
            "name": "Shout",
            "how": "Text SHOUT to 85258, any time.",
            "sms": "85258",
            "url": "https://giveusashout.org/",
        },
    ],
}
