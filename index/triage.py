"""Messages that must never reach retrieval: emergencies, crime reports and requests for voting advice.

Plain rules, independent of any dialogue model, so they are predictable, testable and always run first.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Triage(StrEnum):
    EMERGENCY = "emergency"
    CRIME_REPORT = "crime_report"
    VOTE_ADVICE = "refuse"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PERSON = r"(?:someone|somebody|some ?one|somone|a (?:man|woman|guy|bloke|lad|person|group|gang)|men|people|lads|boys|"
_PERSON += r"youths|guys|he|she|they|"
_PERSON += r"my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|mum|father|mother|neighbour|son|daughter)|"
_PERSON += r"(?:there(?:'s| is| are)|theres)(?: a)? (?:man|woman|guy|bloke|lads?|someone|somebody|people|group|gang))"
_WEAPON = r"(?:knife|knives|guns?|machetes?|blades?|axes?|weapons?|firearms?|shotguns?|pistols?|crowbars?|"
_WEAPON += r"(?:baseball )?bats?)"

EMERGENCY = _any(
    # Violence or intrusion in progress.
    r"\b(?:is|are|'s|'re|keeps?|started|trying to|tryin to|try to)\s+(?:break|breaking|kick|kicking|smash|smashing|"
    r"climb|climbing)(?:ing)?\s+(?:in|into|down|through)\b",
    r"\bbreaking in(?:to)?\b",
    r"\b(?:forc(?:e|ing)|trying to (?:get|open))\b.{0,20}\b(?:door|window|lock|in)\b.{0,30}\b(?:open|now|right now)\b",
    r"\b(?:someone|somebody|some ?one|somone|intruders?|burglars?|a stranger|strangers|a man|men)\b.{0,25}"
    r"\b(?:in|inside) (?:my|our|the) (?:house|home|flat|room|garden|kitchen|bedroom|shed|garage)\b",
    r"\b(?:being|getting)\s+(?:attacked|stabbed|assaulted|beaten|mugged|robbed|raped|strangled|chased|followed|"
    r"kidnapped|threatened|hurt|hit|kicked|punched)\b",
    r"\b(?:is|are|'s|'re)\s+(?:attacking|stabbing|assaulting|beating|hitting|punching|kicking|strangling|choking|"
    r"chasing|following|threatening|hurting|fighting)\b",
    _PERSON
    + r"\b.{0,40}\b(?:with|has|holding|waving|wielding|got|carrying|pulled|pulling)\b.{0,20}\b"
    + _WEAPON
    + r"\b",
    r"\b(?:going to|gonna|threaten(?:ed|ing)? to)\s+(?:kill|stab|shoot|hurt)\b",
    # Someone in danger or hurt now.
    r"\b(?:i am|i'm|im|we are|we're|she is|she's|he is|he's|they are|they're)\s+(?:in danger|scared for my life|"
    r"trapped|being held|locked in)\b",
    # "help" opening a message is a cry for help ("help!", "help me", "help someone is outside"), but "help" or "help?"
    # alone asks how to use the assistant, and "help me with ..." asks for assistance.
    r"^[^\w/]*help\b(?!\s*\?*\s*$)(?!\s+(?:me|us)\s+(?:with|to|write|understand|find|choose|decide|know|get|make|plan)\b)"
    r"(?!\s+(?:for|with|on|about|from|available|and support|lines?|desk|page|services?)\b)",
    r"\b(?:please help|send (?:help|police|someone|an ambulance))\b",
    r"\b(?:has|have|'s|'ve) (?:just )?been (?:stabbed|shot|attacked|run over|knocked down|hit by)\b",
    r"\bjust (?:hit|ran over|run over|knocked (?:down|over)|stabbed|shot)\b",
    r"\b(?:going to|gonna|about to|threatening to) (?:jump|kill (?:him|her|them|my)sel(?:f|ves)|"
    r"end (?:it|(?:his|her|my) life))\b",
    r"\b(?:is ?n[o']?t|not|isnt) (?:breathing|moving|responding|waking up)\b",
    r"\b(?:unconscious|bleeding (?:badly|heavily|everywhere|a lot)|collapsed|overdos(?:e|ed|ing))\b",
    r"\b(?:on fire|house fire|flat is burning|smoke everywhere|fire in (?:my|the|our))\b",
    r"\b(?:crash|collision|accident)\b.{0,40}\b(?:injured|hurt|trapped|bleeding|unconscious)\b",
    r"\b(?:injured|hurt|trapped|bleeding|unconscious)\b.{0,40}\b(?:crash|collision|accident)\b",
    r"\b(?:child|son|daughter|kid|toddler|boy|girl|\d+ ?(?:year|yr)s? old)\b.{0,20}"
    r"\b(?:is missing|has gone missing|went missing|disappeared|can't find|cant find)\b",
    r"\b(?:can't|cant|cannot) find my (?:child|son|daughter|kid|toddler)\b",
    r"\b(?:following|followed) me\b.{0,40}\b(?:scared|now|right now|frightened|help)\b",
    r"\b(?:scared|frightened)\b.{0,30}\b(?:following|followed) me\b",
    r"\bemergency\b.{0,20}\b(?:now|help|please)\b",
    # Trapped or cut off somewhere dangerous; struggling to breathe; lying hurt in the open.
    r"\b(?:stuck|trapped|cut off|pinned)\b.{0,40}\b(?:tide|water|river|sea|canal|mud|ice|flames|smoke|fire|"
    r"underneath|wreck|rubble)\b",
    r"\b(?:can'?t|cannot|can ?not|can hardly|struggling to|unable to)\s+breath",
    r"\b(?:lying|laying|collapsed)\s+(?:in|on)\s+the\s+(?:road|pavement|ground|floor|street)\b",
)

# A report of something that already happened and needs no urgent response.
CRIME_REPORT = _any(
    r"\b(?:was|were|got|been|has been|have been|had)\s+(?:stolen|nicked|broken into|burgled|burgle|vandalised|"
    r"vandalized|damaged|keyed|scratched|smashed|scammed|defrauded|hacked|robbed|mugged|assaulted|spray ?painted|"
    r"graffitied|taken|snatched|pickpocketed|fly-? ?tipped)\b",
    r"\b(?:someone|somebody|thieves|they|kids|youths|a man|a woman|people)\s+(?:stole|nicked|broke into|burgled|"
    r"vandalised|vandalized|smashed|keyed|scratched|damaged|scammed|took|dumped|graffitied|sprayed|snatched|"
    r"fly-? ?tipped)\b",
    r"\b(?:i|we)\s+(?:want|need|would like|wanna|'d like)\s+to\s+report\b",
    r"\b(?:how|where)\s+(?:do|can|should)\s+i\s+report\b",
    r"\breport(?:ing)?\s+(?:a|an)\s+(?:crime|burglary|theft|assault|incident|scam|fraud)\b",
    r"\b(?:i've|i have|i was|i got|we've|we were)\s+(?:been\s+)?(?:scammed|defrauded|conned|burgled|robbed|mugged|"
    r"assaulted|attacked|hacked)\b",
    r"\b(?:drug dealing|dealing drugs|drug dealers?|dealers)\b.{0,30}\b(?:on|in|at|outside|near)\s+(?:my|our)\b",
    r"\b(?:on|in|outside)\s+(?:my|our)\s+(?:street|road|estate|block)\b.{0,40}\b(?:dealing|dealers|fly-?tipping|"
    r"vandalism|graffiti)\b",
)

VOTE_ADVICE = _any(
    r"\bwho\b.{0,20}\b(?:should|shall|to|do i|would you|must|will you|would i|do you)\b.{0,15}\b(?:vote|back|support|"
    r"choose|pick|elect)\b",
    r"\b(?:my|your|ur) vote\b",
    r"\b(?:should|shall|do you think i should)\s+i\s+(?:vote|back|support|choose|pick|re-?elect|elect)\b",
    r"\b(?:your|ur)\s+(?:own\s+|honest\s+|personal\s+)?(?:opinion|view|verdict|pick|choice|recommendation)\b",
    r"\bgood or (?:a )?bad\b",
    r"\b(?:is|are|has|have|was)\b.{1,30}\b(?:doing|done)\s+(?:a\s+)?(?:good|bad|great|terrible|decent|poor)\s+job\b",
    r"\b(?:rate|rank|score|grade)\s+(?:the\s+)?(?:candidates|parties)\b",
    r"\breasons?\s+(?:not\s+)?to\s+(?:vote|back|support|elect)\b",
    r"\b(?:safer|better|worse)\s+with\b.{1,40}\bas\s+(?:mayor|commissioner|pcc|pfcc)\b",
    r"\b(?:just\s+)?pick\s+one\b",
    r"\bwho\s+is\s+(?:tougher|stronger|softer|weaker|better|worse)\b",
    r"\b(?:which|what)\s+(?:candidate|party|one|person)\b.{0,40}\b(?:best|better|vote|back|support|choose|pick|"
    r"recommend|worst|worse|right|should)\b",
    r"\b(?:is|are)\s+.{1,40}\s+(?:better|worse|best|worst)\s+(?:than|candidate|choice|option|for)\b",
    r"\b(?:best|better|worst|right)\s+(?:candidate|choice|person|option)\b",
    # "Who will win?" about this election, not about a match or a league.
    r"\bwho\s+(?:will|is going to|gonna|do you think will)\s+win\b(?:\s*[?.!]*\s*$|.{0,40}\b(?:election|vote|votes|"
    r"mayor|mayoralty|commissioner|pcc|pfcc|candidates?|race|seat|ballot|poll|polls)\b)",
    r"\b(?:recommend|endorse)\s+(?:a|any|which|the)?\s*(?:candidate|party)\b",
    r"\b(?:tell|help)\s+me\s+(?:who|which)\b.{0,30}\b(?:vote|back|support|choose|candidate|pick)\b",
    r"\bhow\s+should\s+i\s+vote\b",
    r"\b(?:who(?:'s| is)|whos)\s+(?:the\s+)?(?:best|better|right)\b",
)


def triage(message: str) -> Triage | None:
    """The rule that applies to a message, emergencies first; None when it may go to retrieval."""
    text = " ".join(message.replace("’", "'").split())
    if EMERGENCY.search(text):
        return Triage.EMERGENCY
    if CRIME_REPORT.search(text):
        return Triage.CRIME_REPORT
    if VOTE_ADVICE.search(text):
        return Triage.VOTE_ADVICE
    return None
