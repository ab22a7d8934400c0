"""A long article of varied, invented sentences, for the tests of long texts (issue 22).

Every name is made up (people, towns, bodies); sentences are drawn from templates with a fixed seed, grouped
into paragraphs, so the same call gives the same text.
"""

from __future__ import annotations

import random

FIRST = [
    "Marta",
    "Tomas",
    "Elena",
    "Pavel",
    "Irena",
    "Viktor",
    "Sofia",
    "Anton",
    "Lena",
    "Oskar",
    "Nadia",
    "Felix",
    "Daria",
    "Milan",
    "Vera",
    "Bruno",
    "Alma",
    "Emil",
    "Klara",
    "Jonas",
]
LAST = [
    "Dravnik",
    "Okonde",
    "Belmaro",
    "Castrell",
    "Varnow",
    "Lindqvar",
    "Moretti",
    "Halvorsen",
    "Petrakis",
    "Szalanka",
    "Quenby",
    "Rostova",
    "Ferreira",
    "Tamsin",
    "Wexford",
    "Brandt",
    "Kovalcik",
    "Arnaud",
]
TOWNS = [
    "Norvale",
    "Kestrow",
    "Talmouth",
    "Brisk Harbour",
    "Oldmere",
    "Vantara",
    "Sellick",
    "Corrin Bay",
    "Dunmarsh",
    "Ashgrove",
    "Pellaton",
    "Rivenford",
]
BODIES = [
    "the Norvale Workers Union",
    "the Ministry of Water",
    "the Coastal Farmers Association",
    "the National Electoral Board",
    "the Kestrow City Council",
    "the Federation of Miners",
    "the Rivenford Chamber of Commerce",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["March", "April", "May", "June", "July"]

TEMPLATES = [
    "Police arrested {n} protesters in {town} on {day}.",
    "Thousands of people protested in {town} against the new fuel prices.",
    "Protesters clashed with police in the centre of {town} on {day} evening.",
    "{person} met {person2} in {town} on {month} {date}, 2031.",
    "{person}, the mayor of {town}, said the talks with {body} would resume next week.",
    "{body} announced new measures against corruption on {day}.",
    "{person} was elected chairman of {body} in {month} 2031.",
    "At least {n} people were killed when a bridge collapsed near {town}.",
    '"We will not stop until the prices fall," {person} told reporters in {town}.',
    "Officials in {town} said {n} people had been injured in the clashes.",
    "{person} resigned as head of {body} after the strike.",
    "Soldiers detained {person} at a checkpoint outside {town} on {day}.",
    "The government of {town} declared a state of emergency on {month} {date}.",
    "{body} signed an agreement with {body2} in {town}.",
    "Workers went on strike in {town} to demand higher wages.",
]
#: Sentences that tell no event and name nobody (most of a long report), drawn 3 times in 5.
FILLERS = [
    "The streets were quiet in the morning, and most shops stayed closed.",
    "Prices of bread and fuel have almost doubled since the winter.",
    "Many residents say they have little trust in the promises of the authorities.",
    "The road along the coast was blocked by snow for most of the week.",
    "Analysts expect the dispute over wages to last well into the summer.",
    "Schools reopened after the holidays, although many classrooms were still cold.",
    "The harvest was smaller than last year because of the long drought.",
    "Local newspapers printed long letters from readers about the cost of heating.",
    "Most families in the region depend on fishing, farming or work in the ports.",
    "Trains ran late on several lines because of repairs to the old tracks.",
]


def long_article(chars: int, seed: int = 22) -> str:
    """An invented article of at least ``chars`` characters: paragraphs of 4 to 8 sentences."""
    rng = random.Random(seed)
    paragraphs: list[str] = ["Unrest spreads across the coastal provinces"]
    size = len(paragraphs[0])
    while size < chars:
        sentences = []
        for _ in range(rng.randint(4, 8)):
            # half the time two of a few people who come back, else anyone
            people = (
                [f"{rng.choice(FIRST[:6])} {rng.choice(LAST[:6])}" for _ in range(2)]
                if rng.random() < 0.5
                else [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2)]
            )
            bodies = rng.sample(BODIES, 2)
            if rng.random() < 0.6:
                sentences.append(rng.choice(FILLERS))
                continue
            sentence = rng.choice(TEMPLATES).format(
                n=rng.randint(2, 400),
                town=rng.choice(TOWNS),
                day=rng.choice(DAYS),
                month=rng.choice(MONTHS),
                date=rng.randint(1, 28),
                person=people[0],
                person2=people[1],
                body=bodies[0],
                body2=bodies[1],
            )
            sentences.append(sentence[0].upper() + sentence[1:])
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)
