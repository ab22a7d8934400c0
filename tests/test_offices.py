"""Posts and tenures (kg.extract.offices) with the real model, on text about other crises."""

from __future__ import annotations

import pytest

from tests.test_events import event_of, record_of


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def tenures(rec):
    return [(t.holder_text, t.title, t.acting) for t in rec.tenures]


def test_title_before_name_with_country(nlp):
    rec = record_of(nlp, "Prime Minister of Portugal Antonio Costa arrived in Madrid.")
    t = rec.tenures[0]
    assert (t.holder_text, t.title) == ("Antonio Costa", "prime minister")
    assert t.post_in is not None and t.post_in.name == "Portugal"


def test_acting_tenure_starts_with_the_resignation(nlp):
    rec = record_of(nlp, "The government of Peru resigned on Monday. Vice-President Dina Boluarte will temporarily "
                         "act as president.", date="2022-12-08")
    acting = [t for t in rec.tenures if t.acting]
    assert [(t.holder_text, t.title) for t in acting] == [("Dina Boluarte", "president")]
    resignation = event_of(rec, "Resignation")
    assert acting[0].started_by == resignation.local_id


def test_resignation_from_a_post_ends_the_tenure_and_the_successor_starts(nlp):
    rec = record_of(nlp, "The president announced the resignation of Viktor Yanukovych from the post of head of the "
                         "National Security Council. This position was taken by Mykola Azarov himself.")
    ended = [t for t in rec.tenures if t.ended_by]
    started = [t for t in rec.tenures if t.started_by]
    assert [(t.holder_text, t.title) for t in ended] == [("Viktor Yanukovych", "chair")]
    assert [(t.holder_text, t.title) for t in started] == [("Mykola Azarov", "chair")]
    assert ended[0].ended_by == started[0].started_by


def test_title_of_another_title_is_not_the_holders(nlp):
    rec = record_of(nlp, "The crowd will disperse, said the press secretary of the Russian President Dmitry Peskov.")
    assert ("Dmitry Peskov", "president", False) not in tenures(rec)
    assert ("Dmitry Peskov", "press secretary of the president", False) in tenures(rec)


def test_former_titles_give_a_former_tenure(nlp):
    rec = record_of(nlp, "Former President Lenin Moreno left the country.")
    assert [(t.holder_text, t.title, t.qualifiers) for t in rec.tenures] == [("Lenin Moreno", "president", ("former",))]


def test_cabinet_of_a_person_is_headed_by_that_person(nlp):
    rec = record_of(nlp, "Crowds cheered the resignation of the Cabinet of Ministers of Ranil Wickremesinghe on "
                         "Monday night.")
    resignation = event_of(rec, "Resignation")
    assert [(t.holder_text, t.title, t.ended_by) for t in rec.tenures] == [
        ("Ranil Wickremesinghe", "prime minister", resignation.local_id)]


def test_a_persons_new_government_starts_with_its_appointment(nlp):
    rec = record_of(nlp, "Gotabaya Rajapaksa dismissed the cabinet. Ranil Wickremesinghe's new government was "
                         "sworn in on Friday.")
    sworn = event_of(rec, "Appointment")
    assert [(t.holder_text, t.title, t.started_by, t.ended_by) for t in rec.tenures] == [
        ("Ranil Wickremesinghe", "prime minister", sworn.local_id, None)]


def test_a_presidents_government_gives_him_no_cabinet_post(nlp):
    rec = record_of(nlp, "President Pedro Castillo spoke on television. Pedro Castillo's cabinet resigned on Monday.")
    assert tenures(rec) == [("Pedro Castillo", "president", False)]


def test_government_of_a_country_has_no_named_head(nlp):
    rec = record_of(nlp, "The government of Sri Lanka resigned on Monday.")
    assert rec.tenures == []


# ---- the title grammar (issue 18) ----


def posts(rec):
    """(holder, title, what the post is in or of, qualifiers) of every tenure."""
    return [(t.holder_text, t.title, t.post_in.name if t.post_in else t.post_in_text, t.qualifiers)
            for t in rec.tenures]


@pytest.mark.parametrize("text, expected", [
    ("Maria Romo, Ecuador's interior minister, said the roads were open.",
     ("Maria Romo", "interior minister", "Ecuador", ())),
    ("The foreign minister of Ecuador, Maria Romo, said the roads were open.",
     ("Maria Romo", "foreign minister", "Ecuador", ())),
    ("Luis Otarola, Peru's industry and trade minister, said the roads were open.",
     ("Luis Otarola", "industry and trade minister", "Peru", ())),
    ("Ukrainian Foreign Minister Dmytro Kuleba said the talks would go on.",
     ("Dmytro Kuleba", "foreign minister", "Ukraine", ())),
    ("Secretary of State Antony Blinken said the talks would go on.",
     ("Antony Blinken", "secretary of state", None, ())),
    ("Agriculture Secretary Tom Vilsack said the talks would go on.",
     ("Tom Vilsack", "agriculture secretary", None, ())),
    ("Deputy Prime Minister Chrystia Freeland said the talks would go on.",
     ("Chrystia Freeland", "deputy prime minister", None, ())),
    ("Maria Lopez, deputy chairman of the Supreme Defence Council, said the talks would go on.",
     ("Maria Lopez", "deputy chair", "Supreme Defence Council", ())),
    ("Former New York City Police Commissioner Raymond Kelly said the talks would go on.",
     ("Raymond Kelly", "police commissioner", "New York City", ("former",))),
    ("The first president of Ukraine, Leonid Kravchuk, said the talks would go on.",
     ("Leonid Kravchuk", "president", "Ukraine", ("first",))),
    ("Ex-President Pedro Castillo said the talks would go on.",
     ("Pedro Castillo", "president", None, ("former",))),
    ("The talks will go on, said the press secretary of the Russian President Dmitry Peskov.",
     ("Dmitry Peskov", "press secretary of the president", "Russia", ())),
])
def test_a_title_is_read_with_what_it_is_of_and_its_qualifiers(nlp, text, expected):
    assert posts(record_of(nlp, text))[:1] == [expected]


def test_an_organisation_before_the_title_is_what_the_post_is_in(nlp):
    rec = record_of(nlp, "Chinese Foreign Ministry spokeswoman Zhang Qiyue told reporters that the talks would go on.")
    assert posts(rec) == [("Zhang Qiyue", "spokesperson", "Foreign Ministry", ())]
    assert rec.tenures[0].post_in.kind == "organization"


def test_a_copula_and_as_give_the_holder(nlp):
    rec = record_of(nlp, "Maria Lopez is head of the Andean Water Council. Rauhi Fattouh was sworn in as the "
                         "caretaker leader of the Palestinian Authority on Friday.")
    assert ("Maria Lopez", "chair", "Andean Water Council", ()) in posts(rec)
    fattouh = [t for t in rec.tenures if t.holder_text == "Rauhi Fattouh"]
    assert [(t.title, t.acting) for t in fattouh] == [("leader", True)]


def test_resigning_as_a_title_ends_the_tenure(nlp):
    rec = record_of(nlp, "Colin Powell resigned as secretary of state on Monday.", date="2004-11-16")
    resignation = event_of(rec, "Resignation")
    assert [(t.holder_text, t.title, t.ended_by) for t in rec.tenures] == [
        ("Colin Powell", "secretary of state", resignation.local_id)]


def test_a_membership_of_a_body_is_a_tenure_of_its_member_post(nlp):
    rec = record_of(nlp, "Jane Doe is a member of the Supreme Defence Council.")
    assert posts(rec) == [("Jane Doe", "member", "Supreme Defence Council", ())]


def test_titles_only_talked_of_give_no_tenure(nlp):
    rec = record_of(nlp, "Jane Doe had been mentioned as a possible secretary of state. Her brother John Doe said "
                         "he is looking to be president.")
    assert rec.tenures == []


def test_a_title_of_a_body_needs_the_body_unless_it_stands_before_the_name(nlp):
    rec = record_of(nlp, "Ahmed Ghani, a senior leader, said the talks would go on. Spokesman Luis Aranda agreed.")
    assert posts(rec) == [("Luis Aranda", "spokesperson", None, ())]


def test_chosen_to_head_a_body_is_a_designate_head(nlp):
    rec = record_of(nlp, "The president is selecting Governor Mike Johanns to head the Department of Agriculture.")
    assert ("Mike Johanns", "chair", "Department of Agriculture", ("designate",)) in posts(rec)


def test_an_honorific_title_is_no_post(nlp):
    rec = record_of(nlp, 'Crowds cheered the "father of the nation" Jomo Kenyatta. "We will win," Jane Doe said.')
    assert [(h.holder.name, h.title) for h in rec.honorifics] == [("Jomo Kenyatta", "father of the nation")]
    assert rec.tenures == []


def test_a_name_right_after_a_title_is_a_person_even_when_the_model_misses_it(nlp):
    rec = record_of(nlp, "Peruvian President Alejandro Toledo told reporters the union's experience proved that "
                         "integration took time.")
    assert [(t.holder_text, t.title) for t in rec.tenures] == [("Alejandro Toledo", "president")]
    assert record_of(nlp, "President Bush Administration officials said so.").tenures == []


def test_promoted_to_a_post_is_its_designate_holder(nlp):
    rec = record_of(nlp, "Her top deputy, Stephen Hadley, will be promoted to national security adviser.")
    assert posts(rec) == [("Stephen Hadley", "national security adviser", None, ("designate",))]


def test_an_official_of_a_body(nlp):
    rec = record_of(nlp, "A BNP official, Everett Schenk, said the bank would cooperate.")
    assert posts(rec) == [("Everett Schenk", "official", "BNP", ())]


def _posts(rec):
    return [(t.holder_text, t.title, t.post_in.name if t.post_in else t.post_in_text) for t in rec.tenures]


def test_a_resignation_told_in_another_sentence_ends_the_holders_one_post(nlp):
    rec = record_of(nlp, "Secretary of State Jane Doe praised the deal. Doe, after announcing her resignation, was "
                         "praised on Monday as a great statesman.", date="2004-11-16")
    (tenure,) = rec.tenures
    assert tenure.ended_by == event_of(rec, "Resignation").local_id


#: Resignations that end no post: "his" is the person the clause is about, not the last one named; a demanded or a
#: possible resignation has not happened.
NOT_ENDED = ("John Smith had long discussions with Secretary of State Jane Doe about his resignation.",
             "Prime Minister Jane Doe spoke. Protesters demanded the resignation of Doe.",
             "Interior Minister Jane Doe spoke on Monday. Doe would resign if the bill passed.")


@pytest.mark.parametrize("text", NOT_ENDED)
def test_no_resignation_ends_a_post_it_does_not_end(nlp, text):
    rec = record_of(nlp, text, date="2004-11-16")
    assert rec.tenures and not [t for t in rec.tenures if t.ended_by]


def test_chosen_to_be_gives_the_post_to_the_one_chosen(nlp):
    rec = record_of(nlp, "Jane Doe selected to be Senate Minority Leader", date="2004-11-16")
    assert [(t.holder_text, t.title, t.post_in.name, t.qualifiers) for t in rec.tenures] == [
        ("Jane Doe", "minority leader", "Senate", ("designate",))]


def test_a_body_named_after_its_place_is_what_the_post_is_in(nlp):
    rec = record_of(nlp, "In Lima, Gen. Rosa Quispe, the deputy head of the United States Southern Command, said "
                         "the raids would go on.")
    assert _posts(rec) == [("Rosa Quispe", "deputy chair", "United States Southern Command")]


def test_the_wing_named_after_an_of_phrase_is_what_the_post_is_in(nlp):
    rec = record_of(nlp, "Jane Doe, the leader of the rebels' political arm, the Democratic Front, said the deal was "
                         "close.")
    assert _posts(rec) == [("Jane Doe", "leader", "Democratic Front")]
    rec = record_of(nlp, "Jane Doe, the president of the group's political wing, said the deal was close.")
    assert rec.tenures == []


def test_a_titles_own_word_names_the_body_the_article_names(nlp):
    rec = record_of(nlp, "Workers of the Springfield Municipal Corporation (SMC) razed the huts. Municipal "
                         "Commissioner Rosa Quispe told reporters the drive would go on.")
    assert _posts(rec) == [("Rosa Quispe", "municipal commissioner", "Springfield Municipal Corporation")]
    rec = record_of(nlp, "The European Commission met. Trade Commissioner Rosa Quispe said so.")
    assert [p for _, _, p in _posts(rec)] == [None]


def test_who_heads_a_body_holds_its_chair(nlp):
    rec = record_of(nlp, "Maria Lopez, who heads the Andean Water Commission, said the dam was safe.")
    assert _posts(rec) == [("Maria Lopez", "chair", "Andean Water Commission")]


@pytest.mark.parametrize("text, expected", [
    ("Talks resume\nBy Rosa Quispe (Andean Daily)\nThe talks resumed on Monday.",
     [("Rosa Quispe", "reporter", "Andean Daily")]),
    ("Talks resume\nMonday 8:16 PM By ROSA QUISPE Associated Press Writer LIMA, Peru (AP) - The talks resumed.",
     [("Rosa Quispe", "reporter", "AP")]),  # the outlet the dateline names by its initials
    ("Talks resume\nBy Jane Doe and John Smith, Daily Planet Correspondents\nThe talks resumed.",
     [("Jane Doe", "correspondent", "Daily Planet"), ("John Smith", "correspondent", "Daily Planet")]),
    ("By Monday Night (local time) the talks had resumed.", []),
])
def test_a_byline_is_a_journalists_post_at_the_outlet(nlp, text, expected):
    assert _posts(record_of(nlp, text)) == expected
