from __future__ import annotations

import datetime as dt

import pytest

from index.answer import AnswerPipeline
from index.triage import NOT_HAPPENING, Triage, declares_not_urgent, triage

# The rules are checked against messages of our own: the labelled sets measure them (`consult eval`), and tests
# never pin rules to the test split.


@pytest.mark.parametrize(
    "message",
    [
        "HELP there's someone breaking into my flat",
        "help!",
        "help me please",
        "my ex is outside with a knife threatening to kill me",
        "a man is being beaten up outside the pub now",
        "car crash on the A127, driver trapped and bleeding",
        "somone is kicking my door in rite now",
        "my boyfriend is strangling my sister please",
        "a man is lying in the road after being hit",
        "kids stuck on the mud flats and the water is rising",
        "my husband cant breathe and his lips are blue",
    ],
)
def test_emergencies_in_progress(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "what is the plan for knife crime?",
        "how many knives were seized",
        "who is the police and crime commissioner",
        "help me understand the police plan",
        "help",  # how to use the assistant
        "Help?",
        "what did the news say about the Westminster Bridge attack",
        "who supports more special constables?",
        "what happens to officers who abuse their position",
        "help for families of knife crime victims",
        "who will win the league this season?",
    ],
)
def test_questions_about_crime_are_not_emergencies_or_reports(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize("message", ["my bike was stolen from the station yesterday", "how do I report a burglary?"])
def test_crime_reports(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    ["Who should I vote for?", "which candidate is best on crime", "just pick one", "which one should i back"],
)
def test_requests_for_voting_advice(message: str) -> None:
    assert triage(message) is Triage.VOTE_ADVICE


@pytest.mark.parametrize(
    "message",
    [
        "the car has rolled into a ditch and my passenger's legs are trapped",
        "a multi-vehicle crash in the fog on the bypass",
        "my grandad has alzheimers and he's wandered off, we can't find him",
        "a man bundled a little girl into the back of a van",
        "my son's gone under at the lido and hasn't come up",
        "my baby is choking and can't cry",
        "he's taken a whole box of tablets",
        "the carbon monoxide alarm is beeping and dad feels dizzy",
        "strong smell of gas on our landing",
        "a toddler is alone on the station platform",
        "he's pointing a gun at the cashier",
        "my partner is throttling me",
    ],
)
def test_emergencies_of_every_kind_by_the_rules_alone(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "how are drownings prevented along the coast",
        "we had a house fire years ago, can we get a free alarm",
        "what is being done about people being attacked on trains",
        "is there a scheme for people with dementia who go missing",
        "how many overdoses were there last year",
        "please tell me the plans for preventing drowning at the coast",  # a polite word is not a danger now
        "can you help me find what the candidates say about overdose deaths",
        "by which year should fewer people be in hospital after being stabbed, according to the plan",
        "would a ban stop teenagers carrying knives, in the candidate's opinion",
    ],
)
def test_a_danger_named_in_a_question_about_plans_or_the_past_is_not_an_emergency(message: str) -> None:
    assert triage(message) is not Triage.EMERGENCY


def test_only_a_writer_who_says_it_is_not_urgent_is_believed() -> None:
    assert declares_not_urgent("it's not urgent but my shed was broken into")
    assert not declares_not_urgent("i rang the non-emergency number and nobody came, he is still hitting her")


@pytest.mark.parametrize(
    "message",
    [
        "my son came off his scooter yesterday and banged his head, he's fine now, do kids have to wear helmets",
        "we had a chip pan fire on sunday, nobody was hurt, does the fire service check your kitchen after",
        "my nan fell in town last week but she was checked over by the paramedics, can i complain about the kerb",
    ],
)
def test_a_writer_who_says_it_is_over_and_everyone_is_fine_is_believed(message: str) -> None:
    assert NOT_HAPPENING.search(message)
    assert triage(message) is not Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "my dad fell earlier and he says he's fine but now he can't lift his arm and his face looks droopy",
        "he says he is fine but he's still bleeding everywhere",  # nothing says it is over
        "a car crashed into the bus stop and he said he's ok",  # nor here
    ],
)
def test_fine_without_it_being_over_or_with_a_danger_after_it_is_not_believed(message: str) -> None:
    assert not NOT_HAPPENING.search(message) or triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "three lads in masks just ran into the petrol station with machetes",
        "somebody is pouring lighter fluid through the door of the flat downstairs",
        "my ex texted that he's coming back to burn the house down",
        "theres a dog off its lead at the rec and its mauling a little girl",
        "whats the usual sentence for arson, some lads have just set fire to the flat below and theres a family in it",
        "the bins have gone up and its spreading to the fence",
        "my brother is trying to drive home from the party absolutely hammered",
        "a staffie is attacking a pensioner at the bus stop",
        "someone tipped petrol over my car and is stood there with a lighter",
    ],
)
def test_raids_arson_and_weapons_under_way_are_emergencies(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "what do the candidates say about the price of petrol",
        "how much fuel should i put in the lawnmower",
        "i had a bump in the car park last week and nobody was hurt, do i need to tell the police",
        "what age can a kid legally walk to school on their own",
        "what is a sensible thing to keep in the car in case of a crash in winter",
        "what training do officers get for talking to someone threatening to jump off a bridge",
        "we have just lit the log burner, how often should the chimney be swept",
        "what are the plans to stop kids setting fire to bins",
        "my car was set alight in 2022 and nobody was caught, will the commissioner look at arson",
        # What the law says of an offence, however the question puts it.
        "whats the maximum penalty for a man carrying a machete",
        "how long would someone get for carrying a blade in town",
        "what's the law on people carrying a knife for work",
    ],
)
def test_questions_that_name_a_danger_in_general_are_not_emergencies(message: str) -> None:
    assert triage(message) is not Triage.EMERGENCY


def test_a_question_about_the_law_beside_a_weapon_now_is_still_an_emergency() -> None:
    assert triage("what's the sentence for carrying a knife, a man outside has one") is Triage.EMERGENCY


def test_a_question_about_a_crime_trend_is_not_a_crime_report() -> None:
    assert triage("my shed was broken into in the spring, is burglary going up round here") is None


@pytest.mark.parametrize(
    "message",
    [
        "what will be done to stop drug dealers in our town",
        "clamping down on dealers on our estate",
        "will victims get feedback after reporting a crime",
        "make reporting a theft easier",
    ],
)
def test_a_question_about_what_is_done_about_crime_is_not_a_crime_report(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "there are dealers outside our block every evening",
        "my bike was stolen, will i get updates",
        "my car was broken into last night, how do i deal with the insurance",
        "how can i report a crime to the commissioner",
    ],
)
def test_a_crime_that_happened_or_a_wish_to_report_one_gets_the_101_advice(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [
        "a man is following me with a knife, is that allowed",
        "my husband is hitting me, what happens to him if i call",
        "is it legal to break the door down my mum is unconscious inside",
        "what's the maximum sentence for stabbing someone, my brother has just been stabbed",
        "somebody just took my son from the park",
        "they smashed the window and they're still in the shop",
    ],
)
def test_a_question_about_the_law_or_a_theft_inside_an_emergency_leaves_it_an_emergency(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message", ["what happens to people caught carrying a gun", "why are so many gangs robbing shops now"]
)
def test_a_question_about_offenders_is_not_an_emergency(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "which candidate wants to bring back national service",
        "who plans to roll back the cuts to patrols",
        "who wants to bring back youth centres",
        "who wants to scale back stop and search",
        "which candidate wants to bring it back",
    ],
)
def test_asking_who_holds_a_position_is_not_vote_advice(message: str) -> None:
    """Which candidate would bring something back is a question about positions, answered from the sources."""
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "my van was broken into in march, i've got a crime number but nobody has called, what is the plan for updates",
        "i reported it at the time when my bike was nicked and heard nothing back, is that normal",
    ],
)
def test_a_crime_already_reported_gets_no_advice_to_report_it(message: str) -> None:
    assert triage(message) is None


def test_a_crime_not_yet_reported_still_gets_the_101_advice() -> None:
    assert triage("my van was broken into in march and i never told anyone, can i still report it") is (
        Triage.CRIME_REPORT
    )


@pytest.mark.parametrize(
    "message",
    [
        "bike stolen from outside my work this afternoon",
        "somebody spray-painted our garage door overnight",
        "i was kicked in the queue outside a club on friday, i'd like to report it",
        "scratched my car in the car park, need to report it for insurance",
    ],
)
def test_a_crime_told_in_few_words_gets_the_101_advice(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [  # a reviewer's: words of the new crime and danger patterns in everyday messages
        "i've been trying to get in touch with my local pcso",
        "i accidentally put the wrong fuel into my car",
        "i'll come back to get her after the meeting",
        "why have they cut off funding for youth clubs",
        "they slashed the police budget again",
        "what is being done about bikes stolen from the station",
        "does the pcc need to report to the panel",
        "i was kicked out of the council meeting",
        "my mp says hes fighting for more police in our town",  # a second reviewer's
        "is crime falling under the current chief constable or not",
        "my son has tried to get in the police three times",
        "how can i stop parcels being stolen from my doorstep",
        "what would you do if someone hacked your account",
    ],
)
def test_everyday_messages_with_crime_words_get_neither_999_nor_101(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "my bike was stolen, i need a crime number for the insurance",
        "my shed got broken into, i need a reference number",
    ],
)
def test_asking_for_a_crime_number_is_not_having_reported(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [  # figures of speech, fiction, and a danger over with everyone fine before a question about plans
        "this commute is killing me, are there plans for more trains",
        "my knees are killing me after the parkrun",
        "the queue at the tip was absolute murder",
        "i'm dying to know who the candidates are",
        "i'm drowning in emails this week",
        "we got hammered 6-1 on sunday",
        "my dinner is burning while i do this survey",
        "the stabbing scene in that new drama was too much",
        "my uncle had a seizure a few years ago but he's doing great now, is there any support for epilepsy",
    ],
)
def test_figures_of_speech_fiction_and_dangers_long_over_get_no_999(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [  # a person who is "killing me", or a danger the writer says is happening now, stays an emergency
        "my boyfriend is killing me please help",
        "there's a man outside with a hammer trying to get in",
        "some lads are nicking bikes off the rack outside right now",
        "my dad had a stroke last year and he's having another one right now",
    ],
)
def test_a_person_killing_me_or_a_danger_now_stays_an_emergency(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [  # crimes told without the usual words
        "came back from the gym and my car window had been forced, sat nav gone",
        "someone cloned my debit card and bought train tickets",
        "a loan was taken out in my name without me knowing",
        "paid £80 deposit for a sofa on marketplace and the seller blocked me",
        "a man spat at me in the park yesterday",
        "my scooter has disappeared from the bike shed",
        "a van reversed into my parked car and drove off without stopping",
    ],
)
def test_crimes_told_in_other_words_get_the_101_advice(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [  # the words of those crimes in everyday messages
        "the youth club budget was slashed",
        "i paid my parking permit but never got a receipt",
        "back in 2018 my shed was broken into, what is the plan for rural crime",
        "my phone went dead halfway through the survey",
    ],
)
def test_the_words_of_those_crimes_in_everyday_messages_get_no_101(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "somebody slashed all of my tyres in the night",
        "garage broken into at some point last week, bikes gone",
        "my daughter was beaten up at the bus stop on tuesday, she's home now",
    ],
)
def test_damage_break_ins_and_assaults_over_get_the_101_advice(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    ["my mate has just been beaten up outside the pub", "i just got mugged by the station, he ran towards the park"],
)
def test_violence_just_done_is_an_emergency(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


def test_what_to_do_if_it_ever_happens_is_asked_in_general() -> None:
    assert triage("what should my son do if he ever gets followed home from school") is None


@pytest.mark.parametrize(
    "message",
    [  # a reviewer's kinds: the words of the new crime rules in messages that report no crime
        "can i pay the parking fine using my card",
        "my phone went straight to voicemail when they rang",
        "the shed roof was ripped off by the wind last night",
        "i paid a deposit for the village hall and never got a receipt",
        "the council tax has gone out of my account twice this month",
        "my daughter has a sword collection, is that legal",
        "i accidentally walked off without paying at the shop, what should i do",
    ],
)
def test_everyday_messages_with_the_new_crime_words_get_no_101(message: str) -> None:
    assert triage(message) is None


def test_a_crime_now_beside_something_years_ago_still_gets_the_101_advice() -> None:
    message = "i've been scammed out of £200, it happened to my dad years ago too, is there support for victims"
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [  # a second reviewer's kinds: a crime still to report beside an old date, and the new words in everyday talk
        "i was assaulted years ago and want to report it now, is there a service for that",
        f"my phone was stolen in {dt.date.today().year}, is there a scheme for victims",
    ],
)
def test_a_crime_still_to_report_or_this_year_is_not_taken_for_a_policy_question(message: str) -> None:
    assert triage(message) is Triage.CRIME_REPORT


@pytest.mark.parametrize(
    "message",
    [
        "the joiner is at the front door with a spanner",
        "the lads kicked my football into the road",
        "shed broken into by a fox last night",
    ],
)
def test_tools_balls_and_foxes_get_neither_999_nor_101(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [  # a third reviewer's kinds: the new words used figuratively or of family and pets
        "my cat spat at me when i picked her up",
        "my sister nicked my car keys to go to tesco",
        "£30 went from my account for netflix",
        "my team has been beaten up by the press all week",
        "swinging a hammer at the fence post all day, any noise rules",
    ],
)
def test_the_new_crime_and_danger_words_said_of_pets_family_or_figures_get_neither(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    [  # a fourth reviewer's kinds
        "drowning in debt, this is my last message",
        "my mate has been attacked over there by the cash machine",
        "my 6 year old ran off at the beach earlier, his brother came back safe, what do i do",
    ],
)
def test_debt_a_place_after_attacked_and_another_child_safe_leave_an_emergency(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [  # first-aid questions put to "you", people carrying knives as a topic, an ambulance told of, trend "now"
        "if a kid is having a fit are you meant to hold them down",
        "when somebody faints should you lift their legs up",
        "what can be done to deter teenagers carrying knives in the town centre",
        "are paramedics trained to deal with someone who is choking",
        "the ambulance took two hours for my nan last winter, what is the plan for response times",
        "is shoplifting worse than it was or is it just talked about more now",
    ],
)
def test_general_first_aid_and_policy_questions_naming_a_danger_get_neither(message: str) -> None:
    assert triage(message) is None


def test_a_thing_compared_with_its_own_past_is_no_vote_advice_but_two_candidates_compared_is() -> None:
    assert triage("is burglary better than it was ten years ago") is None
    assert triage("is the green candidate better than the independent") is Triage.VOTE_ADVICE


@pytest.mark.parametrize(
    "message",
    [
        "if someone is on fire what should i do, my neighbour's kitchen is in flames right now",
        "there's a gang of lads carrying machetes down our road",
        "please send an ambulance, my husband is not breathing",
    ],
)
def test_dangers_told_beside_those_words_stay_emergencies(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "Two years ago my brother collapsed on the pavement and waited an hour. What are the candidates plans?",
        "I heard that paramedics are being assaulted at A&E. What is the commissioner doing about it?",
    ],
)
def test_a_danger_read_of_or_told_in_the_past_before_a_question_about_plans_is_no_emergency(message: str) -> None:
    assert triage(message) is not Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "my mum collapsed on the floor a minute ago and she isn't breathing. is there a plan for defibrillators?",
        "a car has just driven into a group of people outside the pub",
    ],
)
def test_a_danger_told_now_before_a_question_or_a_car_driven_into_people_is_an_emergency(message: str) -> None:
    assert triage(message) is Triage.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "how do you put someone in the recovery position",
        "what should you do if a pan of oil catches fire",
        "what is the main cause of fatal crashes on country roads",
        "my son is nervous about getting mugged on the way to football, any tips",
    ],
)
def test_questions_put_to_you_in_general_causes_and_fears_get_neither(message: str) -> None:
    assert triage(message) is None


@pytest.mark.parametrize(
    "message",
    ["how do you stop bleeding, there's a man on the floor here cut badly", "im being followed by two men"],
)
def test_a_danger_told_beside_a_general_question_or_a_fear_stays_an_emergency(
    pipeline: AnswerPipeline, message: str
) -> None:
    assert pipeline.answer(message).kind == "emergency"  # by the rules or the second signal


@pytest.mark.parametrize(
    "message",
    [
        "how to clean smoke stains off a ceiling",
        "did the man who was hit by the tram in croydon survive",
        "wat happened to the officer in the news wiv the fake 999 calls",
    ],
)
def test_a_how_to_question_and_one_about_what_happened_get_no_999(pipeline: AnswerPipeline, message: str) -> None:
    assert pipeline.answer(message).kind not in ("emergency", "crime_report")


def test_we_re_written_without_its_apostrophe_still_tells_of_now(pipeline: AnswerPipeline) -> None:
    answer = pipeline.answer("were at the petrol station and a man just pulled a knife on the cashier")
    assert answer.kind == "emergency"
