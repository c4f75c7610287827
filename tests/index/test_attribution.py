"""Quoted paragraphs that do not name their speaker are read as the words of the person an earlier paragraph names."""

from __future__ import annotations

from index.answer import AnswerPipeline
from index.attribution import Attribution

ARTICLE = """The council met on Monday.

Harbour Trust chair Amina Okafor said the decision was a relief.

'We have waited ten years for this bridge,' she said.

'Now the ferries can stop.'

The works start in May.

'Nobody asked us,' one resident complained.
"""


def test_quoted_paragraphs_after_an_attribution_are_the_named_speakers_with_their_role() -> None:
    attribution = Attribution.of(ARTICLE)
    speaker = "Harbour Trust chair Amina Okafor"
    assert attribution.speaker_at(ARTICLE.index("'We have waited")) == speaker
    assert attribution.speaker_at(ARTICLE.index("Now the ferries")) == speaker


def test_narration_ends_the_turn_and_the_attribution_itself_needs_no_speaker() -> None:
    attribution = Attribution.of(ARTICLE)
    assert attribution.speaker_at(ARTICLE.index("'Nobody asked us")) == ""  # after narration, nobody named
    assert attribution.speaker_at(ARTICLE.index("Harbour Trust chair")) == ""  # names its speaker itself
    assert attribution.speaker_at(ARTICLE.index("The council")) == ""


def test_a_speaker_named_after_their_words_is_the_name_alone_and_a_listener_is_no_speaker() -> None:
    text = (
        "'We have waited ten years,' Amina Okafor said.\n\n'Now it is here.'\n\n'It is welcome,' she told The Times.\n"
    )
    attribution = Attribution.of(text)
    assert attribution.speaker_at(text.index("'Now it is here")) == "Amina Okafor"
    assert attribution.speaker_at(text.index("'It is welcome")) == "Amina Okafor"  # not The Times


def test_asked_what_a_person_said_the_reply_quotes_their_words_not_the_line_introducing_them(
    pipeline: AnswerPipeline,
) -> None:
    answer = pipeline.answer("rebecca vincent views on live facial recognition")
    assert answer.kind == "answer"
    first = answer.citations[0].quote
    assert "Rebecca Vincent said" not in first, first
    assert first.startswith(("'", "‘")) and "facial recognition" in first, first
