"""Statements (kg.extract.statements) with the real model: speaker, quote, status, outlet."""

from __future__ import annotations

import pytest

from tests.test_events import record_of, start


@pytest.fixture(scope="module")
def nlp():
    from kg.extract.nlp import make_nlp

    return make_nlp()


def test_quote_and_speaker(nlp):
    rec = record_of(nlp, '"We will restore order," Prime Minister Ranil Wickremesinghe said.')
    st = rec.statements[0]
    assert st.speaker.name == "Ranil Wickremesinghe"
    assert st.quote.startswith("We will restore order")
    assert st.status == "reported"


def test_inverted_reporting_clause(nlp):
    rec = record_of(nlp, "The authorities will cope with the situation themselves, said the press secretary "
                         "Dmitry Peskov.")
    st = rec.statements[0]
    assert st.speaker.name == "Dmitry Peskov"
    assert st.quote == "The authorities will cope with the situation themselves"


def test_denied_and_not_confirmed(nlp):
    rec = record_of(nlp, "Lenin Moreno denied reports of his flight. The president left for Guayaquil. "
                         "This information has not been officially confirmed.")
    statuses = [(s.status, s.speaker.name if s.speaker else None) for s in rec.statements]
    assert ("denied", "Lenin Moreno") in statuses
    unconfirmed = [s for s in rec.statements if s.status == "unconfirmed"]
    assert [s.quote for s in unconfirmed] == ["The president left for Guayaquil."]


def test_outlet_reports(nlp):
    rec = record_of(nlp, "Demonstrators set fire to the court building in Arequipa, RPP reports.")
    st = rec.statements[0]
    assert st.outlet is not None and st.outlet.name == "RPP"


def test_published_statement_has_the_author_as_speaker_and_the_site_as_outlet(nlp):
    rec = record_of(nlp, "The Kremlin's website published Pashinyan's statement on the decision.")
    st = rec.statements[0]
    assert st.speaker is not None and st.speaker.name == "Pashinyan"
    assert st.outlet is not None and st.outlet.name == "Kremlin"


def test_statement_without_a_date_takes_the_last_day_of_its_paragraph(nlp):
    rec = record_of(nlp, "On March 3, protesters blocked the roads around Quito. The ministry said the army was "
                         "ready.\n\nThe opposition said it would keep marching.", date="2022-03-10")
    dated = {s.quote: start(rec, s) for s in rec.statements}
    assert dated == {"the army was ready": "2022-03-03", "it would keep marching": None}


def test_an_institution_speaks_through_its_spokesperson(nlp):
    rec = record_of(nlp, "The Pentagon said no troops would be sent to Peru. The local authorities will cope with "
                         "the floods themselves, said the press secretary of the Pentagon John Kirby.")
    st = next(s for s in rec.statements if s.quote == "no troops would be sent to Peru")
    assert st.speaker is not None and st.speaker.name == "John Kirby"
    assert st.outlet is not None and st.outlet.name == "Pentagon"


def test_a_spokesperson_of_another_institution_does_not_take_the_statement(nlp):
    rec = record_of(nlp, "The Foreign Ministry said no troops would be sent to Peru. The floods are a tragedy, said "
                         "the European Commission spokesman Eric Mamer.")
    st = next(s for s in rec.statements if s.quote == "no troops would be sent to Peru")
    assert st.speaker is not None and st.speaker.name == "Foreign Ministry"


def test_a_request_for_help_is_an_appeal_to_whom_it_asks(nlp):
    rec = record_of(nlp, "President Macky Sall requested help from the African Union.")
    appeal = next(s for s in rec.statements if s.act_class == "Appeal")
    assert appeal.speaker is not None and appeal.speaker.name == "Macky Sall"
    assert (appeal.addressee.name if appeal.addressee else appeal.addressee_text) == "African Union"


def test_at_the_request_of_x_is_an_appeal_by_x_to_the_organisation_that_acts(nlp):
    rec = record_of(nlp, "The African Union sent troops to the country at the request of President Macky Sall.")
    appeal = next(s for s in rec.statements if s.act_class == "Appeal")
    assert appeal.speaker is not None and appeal.speaker.name == "Macky Sall"
    assert appeal.addressee is not None and appeal.addressee.name == "African Union"


def test_a_quoted_word_inside_what_was_said_is_not_the_quote(nlp):
    """Invented: quote marks around a word of the clause do not make that word the statement, and the text
    between a closing and the next opening mark is no quote."""
    rec = record_of(nlp, 'The governor promised a "tough" response to the looting in the port: "We will not '
                         'allow the city to burn," she told local radio.')
    promised = next(s for s in rec.statements if s.status == "promised")
    assert promised.quote == 'a "tough" response to the looting in the port'
    rec = record_of(nlp, 'The minister said that the army would guard what he called "critical sites" in the '
                         'north.')
    assert rec.statements[0].quote.startswith("that the army would guard")


def test_calling_someone_a_name_addresses_nobody(nlp):
    """Invented: "called the strikers 'saboteurs'" names the strikers; "called on the strikers" addresses them."""
    rec = record_of(nlp, 'The transport minister called the strikers "saboteurs" and promised to reopen the '
                         'railway.')
    named = next(s for s in rec.statements if s.status != "promised")
    assert named.addressee is None and named.addressee_text is None
    assert "saboteurs" in named.quote and "strikers" in named.quote
    assert next(s for s in rec.statements if s.status == "promised").quote == "to reopen the railway"
    rec = record_of(nlp, "The mayor called on the strikers to return to work.")
    st = rec.statements[0]
    assert (st.addressee.name if st.addressee else st.addressee_text) is not None


def test_a_date_inside_what_was_said_does_not_date_the_statement(nlp):
    """Invented: the day of the rallies told in the report is not the day of the report."""
    rec = record_of(nlp, "The situation in the capital, where the marches were held on Tuesday, is calm, "
                         "Radio Kaduna reports.", "2021-03-12")
    (st,) = rec.statements
    assert st.speaker.name == "Radio Kaduna" and "held on Tuesday" in st.quote
    assert start(rec, st) != "2021-03-09", st.date


def test_whom_a_speaker_told_is_not_what_was_said(nlp):
    """Invented: "told reporters that ...", "asked residents to ..." address the object, the clause is said."""
    rec = record_of(nlp, "The union leader, Ana Ruiz, told reporters that the strike would go on.")
    st = rec.statements[0]
    assert st.quote == "that the strike would go on" and st.addressee.span.text == "reporters"
    rec = record_of(nlp, "The mayor asked residents to stay at home.")
    assert rec.statements[0].quote == "to stay at home"


def test_he_is_the_person_whose_surname_the_model_tagged_as_an_organisation(nlp):
    rec = record_of(nlp, 'Pedro Dissanayake will temporarily act as president, the Speaker of Parliament Luis Arce '
                         'Gomez announced.\n\n"We will restore order," Dissanayake said in a televised address. He '
                         'denied reports that the army would take over.')
    assert [m.kind for m in rec.mentions if m.name == "Dissanayake"] == ["organization"]  # what the model does
    denial = next(s for s in rec.statements if s.status == "denied")
    assert denial.speaker is not None and denial.speaker.name == "Pedro Dissanayake"


def speaker_of(nlp, text: str, quote: str) -> tuple[str | None, str | None]:
    """(name of the speaker mention, speaker text) of the statement of ``text`` whose quote is ``quote``."""
    st = next(s for s in record_of(nlp, text).statements if s.quote == quote)
    return (st.speaker.name if st.speaker else None), st.speaker_text


def test_the_ngo_is_the_organisation_named_before_it(nlp):
    text = ("Riot police fired tear gas in Lima on Monday, Amnesty International reported. The organisation said "
            "at least 40 people were hurt.")
    assert speaker_of(nlp, text, "at least 40 people were hurt") == ("Amnesty International", None)


def test_the_ngo_with_no_organisation_named_before_makes_no_statement(nlp):
    rec = record_of(nlp, "Thousands marched in Lima on Monday. The march ended peacefully, the NGO said. "
                         "The ministry said the army was ready.")
    assert [(s.speaker_text, s.quote) for s in rec.statements] == [("ministry", "the army was ready")]


def test_a_spokesperson_of_an_institution_speaks_for_it(nlp):
    rec = record_of(nlp, "A spokesperson of the Interior Ministry said 30 officers were injured in Quito.")
    st = rec.statements[0]
    assert st.speaker is None and st.speaker_text == "spokesperson of the Interior Ministry"
    assert st.outlet is not None and st.outlet.name == "Interior Ministry"


def test_whom_a_spokesperson_speaks_of_in_a_relative_clause_is_not_the_speaker(nlp):
    rec = record_of(nlp, "This was announced by the press secretary of the former president, who claims that "
                         "Ollanta Humala is now in Cusco.")
    st = next(s for s in rec.statements if s.act_class == "SpeechAct" and s.evidence.start == 0)
    assert st.speaker is None and st.speaker_text == "press secretary of the former president"


def test_a_place_modifying_the_speaker_is_not_the_speaker(nlp):
    text = ("Students jumped turnstiles across Cali on Monday to protest against a rise in bus fares. The mayor "
            "announced a curfew in Cali.\n\nThe Cali bus operator said 40 buses had been burned.")
    assert speaker_of(nlp, text, "40 buses had been burned") == (None, "Cali bus operator")


def test_what_he_called_a_threat_is_no_statement_of_its_own(nlp):
    rec = record_of(nlp, 'The president said he would send the army to end what he called a "criminal uprising."')
    assert len(rec.statements) == 1
    assert rec.statements[0].quote.startswith("he would send the army")


def test_an_acronym_the_article_declares_is_the_full_name(nlp):
    text = ("The National Human Rights Commission (NHRC) said 20 people had died in Tegucigalpa. The NHRC said the "
            "police fired first.")
    assert speaker_of(nlp, text, "the police fired first") == ("National Human Rights Commission", None)


# ---- claims (issue 18): concerns, channel, outlet, status, demands, speakers ----


def test_a_claim_concerns_the_entities_and_events_it_names(nlp):
    rec = record_of(nlp, "Earlier it was alleged that Nursultan Nazarbayev flew to China.")
    st = rec.statements[0]
    assert st.status == "alleged"
    assert [m.name for m in st.concerns] == ["Nursultan Nazarbayev", "China"]


def test_he_in_a_claim_is_the_person_named_before(nlp):
    rec = record_of(nlp, "Ranil Wickremesinghe spoke on Monday. Earlier it was alleged that he had ordered the arrest "
                         "of protest leaders.")
    st = next(s for s in rec.statements if s.status == "alleged")
    assert [m.name for m in st.concerns] == ["Ranil Wickremesinghe"]
    arrest = next(e for e in rec.events if e.event_class == "Arrest")
    assert st.concerns_events == [arrest.local_id]


def test_the_channel_of_a_statement(nlp):
    rec = record_of(nlp, "President Jane Doe said in a televised address that the curfew would end. The opposition "
                         "leader Juan Perez wrote on Twitter that the police had arrested students.")
    assert [s.channel for s in rec.statements] == ["televised address", "Twitter"]
    assert all("Twitter" not in [m.name for m in s.concerns] for s in rec.statements)


def test_an_outlet_told_is_the_outlet_not_the_addressee(nlp):
    rec = record_of(nlp, "Lenin Moreno told Ecuador TV on Monday that the decree would be withdrawn. He told "
                         "reporters that talks would go on.")
    first, second = rec.statements[:2]
    assert (first.outlet_text or first.outlet.name) == "Ecuador TV" and first.addressee is None
    assert first.addressee_text is None
    assert second.addressee is not None and second.outlet is None


def test_the_articles_own_site_is_a_news_outlet(nlp):
    from kg.extract.claims import is_outlet, known_outlets
    from kg.extract.context import Context
    from kg.records import ORGANIZATION, Mention, Span

    rec = record_of(nlp, "James Baker told CNN on Friday that the talks would go on.")
    ctx = Context(rec.article.id, nlp(rec.article.text), rec.mentions)
    cnn = Mention(Span(rec.article.id, 17, 20, "CNN"), ORGANIZATION, "CNN", "ORG")
    assert not is_outlet(cnn, None, known_outlets(ctx))
    assert is_outlet(cnn, None, known_outlets(ctx, "https://www.cnn.com/2004/politics/"))


def test_claimed_and_confirmed_statuses(nlp):
    rec = record_of(nlp, "The rebels claimed that they had taken the airport. The army confirmed that the airport "
                         "was closed.")
    assert [s.status for s in rec.statements] == ["claimed", "confirmed"]


def test_a_demand_links_what_it_demands(nlp):
    rec = record_of(nlp, "Jaime Vargas demanded the resignation of Maria Paula Romo and the release of Leonidas Iza.")
    st = next(s for s in rec.statements if s.act_class == "Appeal")
    resignation = next(e for e in rec.events if e.event_class == "Resignation")
    assert resignation.local_id in st.demands_events
    assert [m.name for m in st.demands] == ["Leonidas Iza"]


def test_a_place_is_never_a_speaker(nlp):
    rec = record_of(nlp, "Protests went on in Colombo. Sri Lanka said the talks would go on.")
    assert all(s.speaker is None or s.speaker.name != "Sri Lanka" for s in rec.statements)
    assert all(s.speaker_text != "Sri Lanka" for s in rec.statements)


def test_he_after_a_quote_is_the_person_named_before_the_quote(nlp):
    rec = record_of(nlp, 'Marwan Barghouti spoke in Ramallah. "I am saying to President George Bush that now is the '
                         'time," he said.')
    st = rec.statements[-1]
    assert st.speaker is not None and st.speaker.name == "Marwan Barghouti"


def test_the_newspaper_is_the_outlet_named_before(nlp):
    rec = record_of(nlp, "Clashes went on near the city hall, KazTAG reports. According to the newspaper, about 20 "
                         "soldiers were beaten.", date="2022-01-05")
    cited = [s for s in rec.statements if s.speaker is not None]
    assert cited and cited[0].speaker.name == "KazTAG"


def test_a_reporting_verb_inside_someone_elses_words_is_no_statement(nlp):
    rec = record_of(nlp, 'But the official also said Colin Powell "never asked to stay and was never asked to leave."')
    assert [s.speaker_text or (s.speaker and s.speaker.name) for s in rec.statements] == ["official"]


def test_a_speakers_figures_make_the_claim_concern_their_event(nlp):
    rec = record_of(nlp, "The Interior Ministry said at least 7 people were killed in the clashes in Lima.",
                    date="2022-12-09")
    st = rec.statements[0]
    counted = {c.event for c in rec.counts if c.event}
    assert counted and counted <= set(st.concerns_events)


def _said(rec):
    return [(s.speaker.name if s.speaker else s.speaker_text, s.quote, s.status,
             s.outlet.name if s.outlet else s.outlet_text) for s in rec.statements]


def test_a_quote_the_speaker_interrupts_with_dashes_is_quoted_whole(nlp):
    rec = record_of(nlp, 'Jane Doe addressed the nation. "Do not give in to provocations - she said - do not listen '
                         'to anyone who urges you to attack buildings. It is a crime for which you will be punished". '
                         'Then she left.')
    assert _said(rec) == [("Jane Doe", "Do not give in to provocations \u2013 do not listen to anyone who urges you "
                           "to attack buildings. It is a crime for which you will be punished", "reported", None)]


def test_the_quoted_words_before_he_told_are_the_quote(nlp):
    rec = record_of(nlp, 'A crackdown may follow, given that the president vowed a tough response: "I am obliged '
                         'to protect our citizens," he told state television.')
    assert ("I am obliged to protect our citizens" in [s.quote for s in rec.statements])


@pytest.mark.parametrize("text", [
    "Police chief John Smith said the road was open. The interior minister, Jane Doe, denied the reports in an "
    "interview with the Interfax news agency.",
    "Police chief John Smith said the road was open. Speaking to the Interfax news agency, Interior Minister Jane "
    "Doe denied the reports.",
    'Police chief John Smith said the road was open. "We sent no troops," Interior Minister Jane Doe told the '
    "Interfax news agency.",
])
def test_a_denial_made_to_a_news_agency_is_the_speakers_and_the_agency_reports_it(nlp, text):
    (denial,) = [s for s in rec_statements(nlp, text) if "Jane" in (s.speaker.name if s.speaker else "")]
    assert denial.outlet is not None and denial.outlet.name == "Interfax"
    assert denial.addressee is None


def rec_statements(nlp, text):
    return record_of(nlp, text).statements


def test_an_unnamed_spokesperson_speaks_for_the_title_in_the_phrase(nlp):
    rec = record_of(nlp, "Former President Jane Doe left the country. The media reported that Doe called on residents "
                         "to stay calm. This was announced by the press secretary of the ex-head of state, who "
                         "claims that Doe is now in the capital.")
    by_secretary = [s for s in rec.statements if s.speaker_text == "press secretary of the ex-head of state"]
    assert [(s.quote, s.outlet.name) for s in by_secretary] == [
        ("that Doe called on residents to stay calm", "former president"),
        ("that Doe is now in the capital", "former president")]


@pytest.mark.parametrize("text", [
    "Jane Doe cited the progress made since the death last week of President John Smith. Asked about her plans, the "
    "minister smiled. She said she did not know what she would do next.",
    '"These lapses may have helped John Smith\'s corruption of the program," Jane Doe said.\nShe said she was giving '
    "the findings to the committee.",
])
def test_she_said_is_the_last_person_the_text_made_the_subject(nlp, text):
    rec = record_of(nlp, text)
    last = rec.statements[-1]
    assert last.quote.startswith("she") and last.speaker.name == "Jane Doe"


def test_a_quote_starts_on_the_verbs_line_without_its_dateline(nlp):
    rec = record_of(nlp, "Talks resume\nLIMA - Former police chief Rosa Quispe has been tapped to run the ministry, a "
                         "senior official said Thursday.")
    assert [s.quote for s in rec.statements] == [
        "Former police chief Rosa Quispe has been tapped to run the ministry"]


def test_the_name_after_a_title_speaks_even_when_the_model_takes_it_for_a_place(nlp):
    rec = record_of(nlp, "Peruvian President Alejandro Toledo told reporters the union's experience proved that "
                         "integration took time.")
    assert [s.speaker.name for s in rec.statements] == ["Alejandro Toledo"]


@pytest.mark.parametrize(("sentence", "word", "acts"), [
    ("The photographs showed the damage.", "photographs", False),
    ("The candidacy of the mayor surprised everyone.", "candidacy", False),
    ("Tuesday brought more rain.", "Tuesday", False),
    ("Officials denied the report.", "Officials", True),
    ("The opposition rejected the plan.", "opposition", True),
])
def test_only_words_for_people_or_bodies_may_speak_unnamed(nlp, sentence, word, acts):
    """The gate on a speaker or addressee written as plain words (kg.extract.roles.can_act): a thing, an event
    noun or a day never speaks; people and bodies do."""
    from kg.extract.context import Context
    from kg.extract.roles import can_act

    doc = nlp(sentence)
    ctx = Context("t", doc, [])
    token = next(t for t in doc if t.text == word)
    assert can_act(ctx, token) is acts


def test_people_and_bodies_written_as_plain_words_still_speak(nlp):
    rec = record_of(nlp, '"We will not leave," officials said.')
    assert [st.speaker_text for st in rec.statements] == ["officials"]
