"""The PHQ-9 and GAD-7 in Spanish: Pfizer's published Spanish (USA) versions, shown to a client whose language is
Spanish. Scoring, keys, bands and the item-9 rule are those of `instruments.py`: only the words differ, laid over
the English template at display time (`homework/overlay.py`), so an answer means the same number in either language.

Source (docs/clinical-sources.md, "Spanish versions"): the PHQ Screeners' "PHQ-9 Spanish for the USA" and "GAD-7
Spanish for the USA" forms (Pfizer Inc., free to use; phqscreeners.com). Item wording, the stem, the answer options
and the difficulty question are kept exactly as published, "(a)" endings included: a reworded item is no longer the
validated instrument. Only the words around them (titles, the "Question n of N" line, our instructions and
rationale) are ours.

The PCL-5 stays in English: a Spanish PCL-5 exists, but its wording could not be checked here against the National
Center for PTSD's copy, and a clinical wording is never written from memory.
"""

from __future__ import annotations

from typing import Any

from .instruments import GAD7, MEASURE_TEMPLATES, PHQ9, measure_template

# The PHQ-9 and GAD-7 Spanish (USA) forms share the stem and answer options.
STEM_ES = "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"
FREQUENCY_ES = [(0, "Ningún día"), (1, "Varios días"), (2, "Más de la mitad de los días"), (3, "Casi todos los días")]

DIFFICULTY_ES = {
    "key": "difficulty",
    "text": (
        "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas para hacer su "
        "trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?"
    ),
    "choices": [
        ("not", "No ha sido difícil"),
        ("somewhat", "Un poco difícil"),
        ("very", "Muy difícil"),
        ("extremely", "Extremadamente difícil"),
    ],
}

FRAME_ES = {
    "question": "Pregunta {number} de {total}",
    "last_title": "Una última pregunta",
    "last_help": "Esta es opcional y no se suma al puntaje.",
    "instructions": (
        "Conteste cada pregunta eligiendo qué tan seguido le pasó. No hay respuestas buenas ni malas. Puede parar y "
        "volver después: sus respuestas se guardan mientras avanza."
    ),
}

PHQ9_ES: dict[str, Any] = PHQ9 | {
    "title": "Cuestionario sobre el ánimo (PHQ-9)",
    "stem": STEM_ES,
    "scale": FREQUENCY_ES,
    "items": [
        ("q1", "Poco interés o placer en hacer cosas"),
        ("q2", "Se ha sentido decaído(a), deprimido(a) o sin esperanzas"),
        ("q3", "Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado"),
        ("q4", "Se ha sentido cansado(a) o con poca energía"),
        ("q5", "Sin apetito o ha comido en exceso"),
        (
            "q6",
            "Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o "
            "con su familia",
        ),
        (
            "q7",
            "Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la "
            "televisión",
        ),
        (
            "q8",
            "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy "
            "inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal",
        ),
        ("q9", "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"),
    ],
    "extra": DIFFICULTY_ES,
    "summary": "Nueve preguntas sobre el ánimo en las últimas dos semanas. Puntaje de 0 a 27.",
    "rationale": (
        "Contestar las mismas preguntas cortas cada cierto tiempo muestra cómo cambia su ánimo, algo que es fácil "
        "de pasar por alto de una semana a otra. Su terapeuta lo usa para ver si el trabajo le está ayudando."
    ),
}

GAD7_ES: dict[str, Any] = GAD7 | {
    "title": "Cuestionario sobre la ansiedad (GAD-7)",
    "stem": STEM_ES,
    "scale": FREQUENCY_ES,
    "items": [
        ("q1", "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta"),
        ("q2", "No ha sido capaz de parar o controlar su preocupación"),
        ("q3", "Se ha preocupado demasiado por motivos diferentes"),
        ("q4", "Ha tenido dificultad para relajarse"),
        ("q5", "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)"),
        ("q6", "Se ha molestado o irritado fácilmente"),
        ("q7", "Ha tenido miedo de que algo terrible fuera a pasar"),
    ],
    "extra": DIFFICULTY_ES,
    "summary": "Siete preguntas sobre la ansiedad en las últimas dos semanas. Puntaje de 0 a 21.",
    "rationale": (
        "Contestar las mismas preguntas cortas cada cierto tiempo muestra cómo cambia la ansiedad. Su terapeuta lo "
        "usa para ver si el trabajo le está ayudando."
    ),
}

# The Spanish template of each measure with a published Spanish version, built by the same function as the
# English one: same keys, same steps, same choice values.
SPANISH_TEMPLATES: dict[str, dict[str, Any]] = {
    measure["key"]: measure_template(measure, FRAME_ES) for measure in (PHQ9_ES, GAD7_ES)
}


def register() -> None:
    """Offer the Spanish wording to the worksheet pages (at start-up, from `apps.py`)."""
    from carryover.homework import overlay

    for english in MEASURE_TEMPLATES:
        if english["key"] in SPANISH_TEMPLATES:
            overlay.register("es", english, overlay.text_paths(SPANISH_TEMPLATES[english["key"]]))
