"""Where and when an event whose own clause does not say happened: the scene around it (kg.extract.scenes,
kg.extract.event_dates); with the real model on invented sentences (issue 17)."""

from __future__ import annotations

import pytest

from kg.extract.nlp import make_nlp
from tests.test_clauses import events_of, who


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def of_class(events, cls: str):
    return [e for e in events if e.event_class == cls]


def places(ev) -> list[str]:
    return [p.title() for p in who(ev.places, ev.place_texts)]


STORY = ("Headline about a march\n\nNAIROBI, Kenya (AP) -- At least 30 people were arrested on Sunday while "
         "protesting a new tax. Charges range from trespassing to violations of a 1962 law. Those arrested were "
         "among about 5,000 people who demonstrated outside the treasury at Uhuru Park.")


def test_a_year_describing_a_noun_does_not_end_the_story(nlp):
    # "a 1962 law" is no time of the story: the demonstration two sentences on is still Sunday's
    evs = events_of(nlp, STORY, date="2023-03-14")
    later = [e for e in of_class(evs, "Demonstration") if "Uhuru Park" in places(e)]
    assert later and all(e.day == "2023-03-12" for e in later)


def test_the_dateline_names_the_city_the_story_where_in_it(nlp):
    evs = events_of(nlp, STORY, date="2023-03-14")
    first = of_class(evs, "Demonstration")[0]
    assert "Nairobi" in places(first) and "Uhuru Park" in places(first)


def test_a_part_of_an_event_happened_where_the_whole_did(nlp):
    arrest = of_class(events_of(nlp, STORY, date="2023-03-14"), "Arrest")[0]
    assert arrest.sub_event_of is not None and "Uhuru Park" in places(arrest)


def test_talks_take_the_place_their_party_is_said_to_be_in(nlp):
    evs = events_of(nlp, "Mr Tanaka is in Chile for four days to discuss trade deals. Mr Tanaka was smiling as he "
                         "emerged from talks with President Rosa Vidal on Thursday.")
    talks = of_class(evs, "Meeting")[0]
    assert places(talks) == ["Chile"] and "Tanaka" in who(talks.agents)


def test_a_place_someone_is_in_is_not_that_of_others(nlp):
    evs = events_of(nlp, "Mr Tanaka is in Chile for four days. Ministers from Peru held talks with Bolivia on Friday.")
    assert all("Chile" not in places(e) for e in of_class(evs, "Meeting"))


def test_the_country_of_an_article_that_names_one(nlp):
    evs = events_of(nlp, "Fuel prices rose again\n\nUnrest grew on Monday. The cabinet resigned on Tuesday after "
                         "protests in the country. Kenya has seen unrest since May.")
    assert places(of_class(evs, "Resignation")[0]) == ["Kenya"]


def test_one_country_named_in_passing_is_not_the_articles(nlp):
    evs = events_of(nlp, "Fuel prices rose again\n\nUnrest grew on Monday. The cabinet resigned on Tuesday. Fuel "
                         "comes from Kenya.")
    assert places(of_class(evs, "Resignation")[0]) == []
