"""Messages that must never reach retrieval: emergencies, crime reports and requests for voting advice.

Plain rules, independent of any dialogue model, so they are predictable, testable and always run first.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from index.spelling import SAFETY_CORRECTOR


class Triage(StrEnum):
    EMERGENCY = "emergency"
    CRIME_REPORT = "crime_report"
    VOTE_ADVICE = "vote_advice"  # asks whom to vote for: refused (the answer kind "refuse")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_PERSON = r"(?:someone|somebody|some ?one|somone|a (?:man|woman|guy|bloke|lad|person|group|gang)|men|people|lads|boys|"
_PERSON += r"youths|guys|he|she|they|"
_PERSON += r"my (?:partner|husband|wife|boyfriend|girlfriend|ex|dad|mum|father|mother|neighbour|son|daughter)|"
_PERSON += r"(?:there(?:'s| is| are)|theres)(?: a)? (?:man|woman|guy|bloke|lads?|someone|somebody|people|group|gang))"
_WEAPON = r"(?:knife|knives|guns?|machetes?|blades?|axes?|weapons?|firearms?|shotguns?|pistols?|crowbars?|"
_WEAPON += r"(?:baseball )?bats?|broken bottles?|meat cleavers?)"
# Tools that are weapons only in a threat ("he came at me with a hammer", "standing at my door with a hammer").
_TOOL = r"(?:hammers?|screwdrivers?|iron bars?|metal bars?|crowbars?|swords?)"

EMERGENCY = _any(
    # Violence or intrusion in progress.
    r"\b(?:is|are|'s|'re|keeps?|started|trying to|tryin to|try to)\s+(?:break|breaking|kick|kicking|smash|smashing|"
    r"climb|climbing)(?:ing)?\s+(?:in|into|down|through)\b",
    r"\bbreaking in(?:to)?\b",
    r"\b(?:forc(?:e|ing)|trying to (?:get|open))\b.{0,20}\b(?:door|window|lock|in)\b.{0,30}\b(?:open|now|right now)\b",
    r"\b(?:someone|somebody|some ?one|somone|intruders?|burglars?|a stranger|strangers|a man|men)\b.{0,25}"
    r"\b(?:in|inside) (?:my|our|the) (?:house|home|flat|room|garden|kitchen|bedroom|shed|garage)\b",
    # Not a fear of it ("worries about being followed", "scared of getting mugged").
    r"(?<!about )(?<!of )(?<!avoid )\b(?:being|getting)\s+(?:attacked|stabbed|assaulted|beaten|mugged|robbed|raped|"
    r"strangled|chased|followed|kidnapped|threatened|hurt|hit|kicked|punched)\b",
    r"\b(?:is|are|'s|'re)\s+(?:attacking|stabbing|assaulting|beating|hitting|punching|kicking|strangling|choking|"
    r"chasing|following|threatening|hurting|fighting)\b",
    r"^(?!\W*(?:why|what|how|who|will|would|are|is|do|does|did|can|should)\b).*\b(?:robbing|mugging|raiding|looting|"
    r"burgling|ransacking|breaking into)\b.{0,40}\b(?:right now|now|as we speak)\b",
    # A theft or damage under way, said to be so ("two men trying car doors with a screwdriver right now").
    r"^(?!\W*(?:why|what|how|who|will|would|are|is|do|does|did|can|should)\b)(?!.*\b(?:government|council|"
    r"compan(?:y|ies)|banks?|taxman|politicians|ministers|mps|i'm|im|i am|we're|we are)\b)"
    r".*\b(?:(?:stealing|nicking|siphoning) "
    r"(?:from|off|out of|a|an|my|our|someone's|bikes?|cars?|vans?|mopeds?|scooters?|catalytic|fuel|petrol|diesel|"
    r"parcels?|tools|stuff|things|gear|equipment)|trying (?:car |the |people's |van )?(?:doors|handles)|"
    r"smashing (?:car|van) windows|smashing the (?:car|van) window)\b.{0,60}\b(?:right now|as we speak)\b",
    # A crime of violence under way ("armed robbery happening at the post office"); not one becoming common ("burglary
    # is happening more and more"), and in a question about plans only if the writer says it is happening now.
    r"\b(?:armed )?(?:robbery|raid|hold-? ?up|mugging|stabbing|shooting|brawl|riot|break-? ?in|burglary)\s+"
    r"(?:is\s+|'s\s+)?(?:happening|in progress|going on|taking place|under ?way|kicking off)\b"
    r"(?!\s+(?:more|less|a lot|so much|so often|often|everywhere|all over|across|around (?:the|our) (?:county|area|"
    r"country)))",
    # Not people carrying knives as a topic ("how do we stop young people carrying blades").
    r"^(?!.*\b(?:stop\w*|prevent\w*|deter\w*|tackl\w*|about|why (?:are|do))\s+(?:(?:young|more|so many|many)\s+)?"
    r"(?:people|youths|kids|children|teenagers|teens|lads|boys|men|youngsters)\s+(?:from\s+)?carrying\b).*\b"
    + _PERSON
    + r"\b.{0,40}\b(?:with|has|holding|waving|wielding|got|carrying|pulled|pulling)\b.{0,20}\b"
    + _WEAPON
    + r"\b(?!\s+(?:collection|amnesty|amnesties))",
    r"\b(?:he|she|they)(?:'ll| will|ll)\s+(?:kill|stab|shoot|hurt)\s+(?:me|us|him|her|them|you)\b"
    r"(?!.*\b(?:if (?:i'?m|we'?re|i am|we are) late|at work|lol|in the (?:league|table|match|game|final))\b)",
    r"\b(?:he|she|they|someone|somebody|lads|men|gang|he's|she's|they're|hes|shes|theyre)\s+(?:is |are )?(?:going to|"
    r"gonna|coming to|'ll|will) get (?:me|us|you)\s*(?:[.!,]|$|\b(?:and|if|when|for|now)\b)",
    r"\b(?:going to|gonna|threaten(?:ed|ing)? to)\s+(?:kill|stab|shoot|hurt)\b",
    r"^(?!.*\b(?:i|i'm|im|we|we're)\s+(?:was\s+|were\s+|am\s+|are\s+)?(?:outside|swinging|waving|brandishing)\b).*"
    r"(?:\b(?:waving|swinging|brandishing)\s+(?:a|an|the|his|her|their)\s+" + _TOOL + r"\s+(?:(?:at|towards) (?:me|us|"
    r"him|her|them|people|someone|somebody|my|our|the (?:door|window|car))|around|about|in (?:my|her|his|"
    r"their) face)\b|\b(?:threaten\w*(?: \w+)? with|attack\w*(?: \w+)? with|"
    r"came at (?:me|us|him|her|them) with|outside with|(?:at|outside|by) (?:my|our|the) (?:front |back )?(?:door|gate|"
    r"window|house|flat) with)\s+(?:a|an|the|his|her|their)\s+" + _TOOL + r"\b)",
    r"\bjust (?:went|gone|ran|run|walked|burst|stormed|barged|forced (?:their|his|her) way) in(?:to)?\b.{0,60}\b"
    r"(?:with|has|holding|waving|carrying)\b.{0,20}\b" + _WEAPON + r"\b",
    # Arson under way or threatened: fuel through a door, or a promise to come back and do it.
    r"\b(?:poured|pouring|poring|pushed|pushing|threw|throwing|squirted|squirting)\b.{0,30}\b(?:petrol|fuel|"
    r"lighter fluid|paraffin|accelerant)\b.{0,20}\b(?:through|over|on|onto|into|around|round|under)\s+(?:the |our |my |"
    r"his |her |their |a )?(?:letter ?box|door|house|home|flat|me|him|her|us|them|someone|somebody)\b",
    r"\b(?:coming|come|be) back to (?:kill|stab|shoot|burn|torch|set fire|light (?:it|the house|us|me))\b",
    # Someone in danger or hurt now.
    r"\b(?:i am|i'm|im|we are|we're|she is|she's|he is|he's|they are|they're)\s+(?:in danger|scared for my life|"
    r"trapped|being held|locked in)\b",
    # "help" opening a message is a cry for help ("help!", "help me", "help someone is outside"), but "help" or "help?"
    # alone asks how to use the assistant, and "help me with ..." asks for assistance.
    r"^[^\w/]*help\b(?!\s*\?*\s*$)(?!\s+(?:me|us)\s+(?:with|to|write|understand|find|choose|decide|know|"
    r"get|make|plan)\b)"
    r"(?!\s+(?:for|with|on|about|from|available|and support|lines?|desk|page|services?)\b)",
    r"\b(?:please help|send (?:help|police|someone|an ambulance))\b",
    r"\b(?:has|have|'s|'ve) (?:just )?been (?:stabbed|shot|attacked|run over|knocked down|hit by)\b",
    r"\b(?:has|have|'s|'ve) (?:just )?been beaten up\b(?!\s+(?:by (?:the )?(?:press|media|inflation|critics|twitter|"
    r"internet|trolls|fans)|online|on (?:twitter|facebook|social media)))",
    r"\bjust (?:hit|ran over|run over|knocked (?:down|over)|stabbed|shot)\b",
    r"\bjust (?:thrown|threw|pushed|shoved|kicked|punched|slapped|strangled|choked|battered|beat) (?:me|us)\b",
    r"\bbleeding out\b",
    # Violence just done: whoever did it is likely still near.
    r"\bjust (?:got|been|was|were) (?:beaten up|attacked|stabbed|glassed|mugged|assaulted|punched|headbutted|"
    r"jumped)\b(?! off\b)(?! by (?:a |the )?(?:wasps?|bees?|seagulls?|gulls?|birds?|swans?|geese|goose|"
    r"mosquito(?:e?s)?|cats?|spiders?)\b)",
    r"\b(?:going to|gonna|about to|threatening to) (?:jump|kill (?:him|her|them|my)sel(?:f|ves)|"
    r"end (?:it|(?:his|her|my) life))\b",
    r"\b(?:is ?n[o']?t|not|isnt) (?:breathing|moving|responding|waking up)\b",
    r"\b(?:unconscious|bleeding (?:badly|heavily|everywhere|a lot)|collapsed)\b",
    r"\b(?:flat is burning|smoke everywhere)\b",
    r"\b(?:crash|collision|accident)\b.{0,40}(?<!nobody )(?<!no one )(?<!noone )(?<!nobody was )(?<!no one was )"
    r"\b(?:injured|hurt|trapped|bleeding|unconscious)\b",
    r"\b(?:injured|hurt|trapped|bleeding|unconscious)\b.{0,40}\b(?:crash|collision|accident)\b",
    r"\b(?:child|son|daughter|kid|toddler|boy|girl|\d+ ?(?:year|yr)s? old)\b.{0,20}"
    r"\b(?:is missing|has gone missing|went missing|disappeared|can't find|cant find)\b",
    r"\b(?:can't|cant|cannot) find my (?:child|son|daughter|kid|toddler)\b",
    r"\b(?:following|followed) me\b.{0,40}\b(?:scared|now|right now|frightened|help)\b",
    r"\bfollow(?:ed|ing)\b.{0,60}\b(?:right )?behind (?:me|us)\b",
    r"\b(?:scared|frightened)\b.{0,30}\b(?:following|followed) me\b",
    r"\bemergency\b.{0,20}\b(?:now|help|please)\b",
    # Trapped or cut off somewhere dangerous; struggling to breathe; lying hurt in the open.
    r"\b(?:stuck|trapped|cut off|pinned)\b.{0,40}\b(?:tide|water|river|sea|canal|mud|ice|flames|smoke|fire|"
    r"underneath|wreck|rubble)\b",
    r"\b(?:can'?t|cannot|can ?not|can hardly|struggling to|unable to)\s+breath",
    r"\b(?:lying|laying|collapsed)\s+(?:in|on)\s+the\s+(?:road|pavement|ground|floor|street)\b",
)

_VICTIM = (
    r"(?:friend|mate|cousin|son|daughter|mum|mom|mother|dad|father|brother|sister|wife|husband|partner|boyfriend|"
    r"girlfriend|child|kid|kids|baby|nan|grandad|grandma|uncle|aunt|nephew|niece|neighbour|flatmate|"
    r"housemate|colleague|"
    r"man|woman|boy|girl|lad|person|guy|bloke|teenager)"
)
_SOMEONE = r"(?:someone|somebody|a (?:man|woman|person|child|kid|boy|girl|baby|toddler|teenager|lad|swimmer)|"
_SOMEONE += r"he|she|they)"
_VEHICLE_EVENT = (
    r"(?:crash\w*|collision|collided|accident|smash(?:ed)?|rolled(?: over)?|overturned|flipped|"
    r"upside down|on (?:its|it's|it is) (?:side|roof)|swerved|skidded|jack-? ?knifed|ploughed|went into|gone into|"
    r"knocked (?:off|over|down)|run over|hit by)"
)
_HARMED = (
    r"(?:trapped|stuck|pinned|can'?t (?:get|climb) out|cannot get out|can'?t open|still (?:inside|in it|in there)|"
    r"not moving|isn'?t moving|not getting up|hurt|injured|bleeding|unconscious|screaming|on the (?:ground|floor|road)|"
    r"underneath (?:it|him|her|them|the (?:car|van|tractor|lorry|bike|vehicle|wheels?)))"
)

# Dangers named in words that also appear in questions about them ("how are drownings prevented", "we had a house
# fire years ago"): they count only in a message that is not about policy or the past, or that says it is happening.
EMERGENCY_IN_CONTEXT = _any(
    # A vehicle hitting people ("a car has mounted the pavement and hit two kids").
    r"\b(?:car|van|lorry|truck|bus|coach|vehicle|motorbike|moped|taxi|tractor|driver)\b.{0,50}\b(?:hit|ran over|"
    r"run over|knocked (?:down|over)|ploughed into|smashed into|drove into)\s+(?:a |an |the |two |three |four |some |"
    r"several |"
    r"my |our |his |her |\d+ )?(?:\w+ )?(?:kids?|child(?:ren)?|man|men|woman|women|people|person|pedestrians?|"
    r"cyclists?|boys?|girls?|pensioners?|pram|buggy|lady|someone|somebody|group|crowd|toddler|baby)\b",
    # Bleeding badly, told as it is ("stabbing, bleeding lots"), not as it was.
    r"(?<!was )(?<!were )(?<!been )\bbleeding (?:lots|loads|heavily|badly|bad|a lot|everywhere|profusely)\b",
    # An animal attacking someone.
    r"\b(?:dogs?|bull|cow|cows|horse|animal)\b.{0,60}\b(?:attacking|mauling|savaging|biting|mauled|savaged)\s+"
    r"(?:a |an |the |my |our |his |her |some )?(?:\w+ )?(?:child|kid|baby|boy|girl|man|woman|person|someone|somebody|"
    r"me|him|her|us|them|people|toddler|pensioner|lady|cyclist|jogger|postman|neighbour)\b",
    # A building or structure coming down on people, or someone forcing their way in.
    r"\b(?:fell|fallen|collapsed|came down|come down|caved in|gave way)\b.{0,60}\b(?:inside|trapped|buried|"
    r"under(?:neath)? (?:it|there|them|the rubble))\b",
    r"\b(?:trapped|buried)\b.{0,60}\b(?:fell|fallen|came|come|caved) (?:down|in)\b",
    r"\b(?:trying|tryin|try|tried) to (?:get|climb|force (?:his|her|their|a) way) in\b(?!\s*(?:to|touch|contact)\b)"
    r".{0,40}\b(?:door|window|house|flat|home|garden|room|here)\b",
    r"\b(?:door|window|house|flat|home|garden|room)\b.{0,40}\b(?:trying|tryin|try|tried) to (?:get|climb|force "
    r"(?:his|her|their|a) way) in\b(?!\s*(?:to|touch|contact)\b)",
    # Road collisions with someone hurt or trapped, or many vehicles.
    _VEHICLE_EVENT + r"\b.{0,80}\b" + _HARMED + r"\b",
    # A vehicle driven into people is harm in itself.
    r"\b(?:ploughed|ploughing|plowed|drove|driven|smashed|crashed|careered|mounted the (?:pavement|kerb))\b.{0,40}\b"
    r"(?:into|through)\s+(?:a |the )?(?:people|crowds?|pedestrians|shoppers|group|queue|kids|children)\b",
    _HARMED + r"\b.{0,60}\b" + _VEHICLE_EVENT,
    r"\bmulti-? ?(?:car|vehicle) (?:crash|collision|smash)\b",
    r"\b(?:several|loads of|lots of|a few|three|four|five|six|many) (?:cars|vehicles)\b.{0,40}\b(?:crash\w*|smash\w*|"
    r"piled|collided|hit)\b",
    # Medical: no breath, no response, stroke, fits, chest pain, poisoning, overdose, choking.
    r"\b(?:stopped|barely|hardly|not properly|isn'?t|is not|not) breathing\b",
    r"\b(?:gone|going|turning|turned|lips are|lips (?:have )?gone) (?:blue|purple|grey|gray)\b",
    r"\b(?:won'?t|wont|will not|can'?t|cannot|isn'?t|is not|not) (?:wake|waking)(?: up)?\b",
    r"\b(?:gone|is|went) (?:limp|floppy)\b",
    r"\bface (?:has )?(?:dropped|drooping|droopy|gone droopy)\b|\bspeech is slurr",
    r"\b(?:having|had|has|in) (?:a )?(?:seizure|fit|heart attack|stroke|cardiac arrest|allergic reaction)\b",
    r"\b(?:having|got|has|with) (?:bad |severe |crushing )?chest pains?\b",
    r"\b(?:clutching|clutches|clutched|grabbing|holding) (?:at )?(?:his|her|their|my) (?:chest|throat)\b",
    r"\bchok(?:e|es|ed|ing|in|eing)\b",
    r"\boverdos(?:e|ed|ing)\b|\bod'?d\b",
    r"\b(?:taken|took|swallowed|drunk|drank)\b.{0,25}\b(?:too many|a lot of|loads of|a load of|"
    r"all (?:of )?(?:my|his|her|the|their)|a (?:whole )?(?:packet|box|bottle) of|bleach|poison|pills|tablets)\b"
    # Not goods taken from somewhere ("a shoplifter took a load of stuff from my shop").
    r"(?!.{0,40}\b(?:from|out of|off) (?:my|our|the|a|his|her) (?:shop|store|till|stall)\b)",
    r"\b(?:passed out|fainted|unresponsive|not responding|not conscious|barely conscious|fitting)\b",
    # Suicide risk.
    r"\b(?:want(?:s)?|going|about) to (?:die|end it|end (?:my|his|her|their) life|kill (?:my|him|her|them)sel(?:f|ves)|"
    r"take (?:them all|all (?:the|my) (?:pills|tablets)))\b",
    r"\bcan'?t (?:do this|go on|cope|take (?:it|this)) any ?more\b",
    r"\b(?:i'm|im|i am)\s+(?:on|at) (?:the|a) (?:[\w-]+ )?(?:roof|bridge|ledge|multi-? ?storey|tracks|cliff edge)\b",
    r"\b(?:end it all|suicide note|don'?t want to (?:live|be alive)|"
    r"want to kill myself)\b",
    r"\b(?:taken|took|swallowed|had) (?:them all|all of them|the lot|the whole lot)\b",
    r"\b(?:edge of|standing on|on the edge|climb(?:ing|ed)? (?:over|onto)|sitting on)\b.{0,30}\b(?:bridge|roof|ledge|"
    r"cliff|railings|railway|tracks?|line)\b",
    # Fire, smoke, gas and carbon monoxide.
    r"\b(?:in flames|ablaze|caught fire|catching fire|is burning|are burning|'s burning|burning down|house fire|"
    r"fire in (?:my|the|our)|(?:flames|smoke) (?:coming|pouring|billowing|everywhere))\b",
    r"\b(?:full of|filling (?:up )?with|filled with|thick with|choking on|can'?t see for) (?:black |thick )?smoke\b",
    # A fire just set or being set, or spreading ("kids have set the garage alight", "it's spreading to the houses").
    r"^(?!.*\b(?:i|we)(?:'ve|'m|'re)?\s+(?:(?:have|am|are|just)\s+)*(?:set|setting|lit|lighting)\b).*"  # not one's own
    r"\b(?:just|have|has|'ve|are|is|'re)\s+(?:just\s+)?(?:set|setting|torched|torching|lit|lighting)\b.{0,30}"
    r"\b(?:fire|alight|light)\b",
    r"\b(?:fire|flames|blaze|smoke)\s+(?:is |are |'s )?(?:spreading|spread(?:ing)? to)\b|"
    r"\b(?:it'?s|its|it is)\s+spreading to\b",
    r"\b(?:are|is|'re|just|lads|kids|youths|guys|men|someone|somebody|people|they)\s+(?:just\s+)?torching\b",
    # Fuel poured where it can be lit: on a doorstep, a porch, a car (a letterbox or a house is an emergency anywhere).
    r"\b(?:poured|pouring|tipped|tipping|splashed|splashing|doused|dousing|threw|throwing)\b.{0,30}\b(?:petrol|fuel|"
    r"lighter fluid|paraffin|accelerant)\b.{0,20}\b(?:over|on|onto|around|round|all over)\s+(?:the |our |my |his |her |"
    r"their |a )?(?:doorstep|porch|car|van|front door)\b|\b(?:petrol|fuel|lighter fluid|paraffin)\s+(?:poured|tipped|"
    r"splashed)\b.{0,30}\b(?:doorstep|porch|door|car|van|house)\b",
    r"\b(?:smell|smells|smelling|stink\w*|reek\w*)\b.{0,25}\bgas\b|\bgas leak\w*\b|\bgas\b.{0,30}\bhiss\w*\b|"
    r"\bhiss\w*\b.{0,30}\bgas\b",
    r"\b(?:co|carbon monoxide|gas|monoxide) alarm\b.{0,40}\b(?:going off|gone off|beeping|sounding|ringing|keeps)\b",
    r"\b(?:dizzy|drowsy|faint|sleepy|being sick|vomiting)\b.{0,60}\b(?:alarm|boiler|fumes|gas fire|heater)\b",
    # Water.
    r"\bdrown(?:ing|in)\b",
    # "gone under" the water, not "under 12s" (an age group)
    r"\b(?:gone|going|went|fallen|fell|jumped|slipped|is|are|'s)\s+(?:under(?!\s*\d)|in(?:to)? the "
    r"(?:water|river|sea|lake|canal|pond|pool|harbour|estuary|reservoir|quarry))\b",
    r"\b(?:being|getting|been)\s+(?:swept|pulled|carried|dragged|washed)\s+(?:out|away|under|off)\b",
    r"\b(?:face down|capsized|gone through the ice|went through the ice|can'?t swim|cannot swim)\b",
    # Missing and vulnerable, abduction, a child alone.
    r"\b(?:dementia|alzheimer'?s?|autis(?:m|tic)|learning disabilit\w*|vulnerable|confused|suicidal|frail|"
    r"disabled|special needs|\d+ ?(?:year|yr)s? old)\b.{0,80}\b(?:missing|wandered|walked out|run off|ran off|gone off|"
    r"disappeared|can'?t find|cannot find|not come back|hasn'?t come (?:back|home)|not (?:back|home))\b",
    r"\b(?:missing|wandered|walked out|run off|ran off|disappeared|can'?t find|cannot find)\b.{0,60}\b(?:dementia|"
    r"alzheimer'?s?|autis(?:m|tic)|vulnerable|confused|suicidal|frail|disabled)\b",
    r"\b(?:grabbed|bundled|dragged|dragging|pulled|pulling|pushed|pushing|forced|forcing|snatched|taken|bundling)\b"
    r".{0,40}\b(?:into|in)\s+(?:a|the|his|her|their|an)\s+(?:car|van|vehicle|boot|truck|lorry)\b",
    r"\b(?:child|kid|baby|toddler|girl|boy|woman|daughter|son|someone|somebody|person)\b.{0,30}\b(?:snatched|"
    r"kidnapped|abducted|bundled|grabbed|taken away)\b",
    r"\b(?:snatch(?:ed|ing)?|kidnap\w*|abduct\w*|grabbed|bundled)\b.{0,30}\b(?:child|kid|baby|toddler|girl|boy|"
    r"woman|daughter|son)\b",
    r"\b(?:child|kid|toddler|baby|little (?:boy|girl)|infant)\b.{0,40}\b(?:on (?:his|her|their|its) own|alone|"
    r"by (?:him|her|it)self|unattended|no adults?|nobody (?:with|around)|no one (?:with|around))\b",
    r"\b(?:locked|keeping|keeps|holding|held)\s+(?:me|her|him|them|us)\s+(?:in|inside|hostage|prisoner)\b",
    r"\bwon'?t let (?:me|her|him|them|us) (?:go|leave|out)\b",
    # Weapons seen, violence and domestic violence in progress.
    r"\b(?:pulled|pulling|pointing|points|brandishing|waving|swinging)\s+(?:out\s+)?(?:a|an|the|his|her|their)?\s*"
    + _WEAPON
    + r"\b",
    _SOMEONE + r"\b.{0,30}\b(?:has|with|holding|got|carrying)\s+(?:a|an)\s+(?:big\s+|huge\s+)?" + _WEAPON + r"\b",
    r"\b(?:is|are|'s|'re|keeps?)\s+(?:throttling|slapping|battering|stamping on|kicking in|smashing up|"
    r"dragging|shooting|stabbing)\b",
    r"\b(?:hitting|beating|strangling|throttling|choking|kicking|punching|battering|slapping)\s+(?:me|her|him|them|us|"
    r"my (?:mum|mom|mother|dad|father|sister|brother|wife|husband|partner|girlfriend|boyfriend|son|daughter|nan|"
    r"grandma|baby|kids?))\b",
    r"\b(?:been|got|was|has been|just been) (?:shot|stabb?e?d|glassed|run over)\b",
    r"\b(?:set fire to|burn)\b.{0,30}\bwith (?:me|us|them|her|him) (?:in|inside)\b",
    # Gunfire, bombs, and violence done to someone just now (often written after a theft: "mugged and stabbed").
    r"\b(?:gun ?shots?|gun ?fire|shots? (?:fired|being fired|going off|ringing out)|heard (?:a )?(?:gun ?)?shots?)\b",
    r"\b(?:bomb (?:threat|scare)|suspicious (?:package|device|bag|item)|(?:bomb|device) (?:has )?(?:gone off|exploded)|"
    r"explosion (?:at|in|on|near|outside))\b",
    r"\b(?:stabbed|shot|slashed|glassed|knifed|ran over|run over|knocked down|beat up|beaten up|battered)\s+"
    r"(?:my|our|his|her|their|a|the)\s+(?:\w+\s+)?" + _VICTIM + r"\b",
    r"\b(?:mugged|robbed|attacked|jumped|assaulted|burgled) and (?:stabbed|shot|slashed|glassed|knifed|beaten)\b",
    r"\b(?:he|she|they|(?:the )?(?:burglars?|thie(?:f|ves)|intruders?|robbers?|muggers?|attackers?)|the (?:man|men))"
    r"(?:\s+(?:is|are|was|were)|'s|'re)\s+still\s+(?:here|there|inside|outside|around|nearby|in the building|"
    r"in (?:the|my|our) (?:house|home|flat|shop|garden))\b",
    r"\b(?:someone|somebody|a (?:man|woman|stranger)|strangers?)\b.{0,20}\b(?:took|has taken|taken|grabbed)\s+"
    r"(?:my|our|a|the)\s+(?:child|kid|baby|toddler|son|daughter|girl|boy)\b",
    r"\bwith (?:my|our|a|the|his|her) (?:baby|child|kid|son|daughter|toddler|little \w+) (?:still )?"
    r"(?:inside|in (?:it|the back|the car))\b",
    r"\b(?:he|she|they|someone|somebody|man|woman|person)\s+(?:is|'s|are|'re)\s+(?:\w+\s+){0,3}(?:bleeding|covered in "
    r"blood)\b",
    r"\b(?:drunk|drink|drugged|drug)[- ]?driv\w*\b.{0,40}\b(?:swerving|weaving|all over the road|right now|now)\b|"
    r"\bswerving all over\b",
    # Someone drunk about to drive.
    r"\b(?:about to|going to|gonna|trying to)\s+drive\b.{0,40}\b(?:drunk|pissed|hammered|wasted|over the limit|"
    r"been drinking)\b|\b(?:drunk|pissed|hammered|wasted|over the limit)\b.{0,40}\b(?:about to|going to|gonna|"
    r"trying to)\s+drive\b",
    r"\b(?:coming|on (?:his|her|their) way) (?:round|over|here)\b.{0,30}\b(?:kill|hurt|stab|shoot|get)\b|"
    r"\b(?:kill|hurt|stab|shoot)\b.{0,40}\b(?:coming|on (?:his|her|their) way) (?:round|over|here)\b",
    # Someone in the road where traffic is fast; someone being given CPR; someone who just dropped.
    r"\b(?:wandering|walking|standing|lying|sitting|running)\b.{0,30}\b(?:(?:in )?the middle of (?:the )?(?:road|"
    r"motorway|dual carriageway|carriageway|a\d+|m\d+)|on the (?:motorway|dual carriageway|hard shoulder|railway|"
    r"tracks|train tracks|railway line|line))\b",
    r"\b(?:doing|giving|started|starting|performing)\s+(?:cpr|chest compressions|compressions)\b"
    r"(?!\s+(?:training|course|class))",
    r"\bjust (?:dropped|keeled over|passed out|blacked out)(?=\s*(?:[,.!]|$|and\b|in\b|on\b))",
    r"\b(?:they'?re|they are|he'?s|she'?s|hes|shes)\s+(?:in|inside)\s+(?:my|our)\s+(?:house|home|flat|garden|shed|"
    r"garage|kitchen)\b.{0,20}\b(?:right now|now|as we speak)\b",
    r"\b(?:drunk|pissed|hammered|wasted|over the limit|been drinking)\b.{0,40}\b(?:wants? to|insist\w* on|"
    r"determined to|planning to|still going to) driv",
    # A driver weaving about who seems drunk.
    r"\b(?:weaving|swerving)\b.{0,60}\b(?:drunk|pissed|hammered|wasted|over the limit|off (?:his|her|their) face)\b|"
    r"\b(?:drunk|pissed|hammered|wasted|over the limit)\b.{0,60}\b(?:weaving|swerving)\b",
    # Bleeding that will not stop; a deep wound; a robbery at knifepoint.
    r"\bspurting\b|\b(?:won'?t|will not|can'?t|cannot) stop (?:the )?bleeding\b|\bbleeding (?:won'?t|will not) stop\b",
    r"\b(?:cut|sliced|gashed|slashed)\b.{0,50}\b(?:very deep|really deep|so deep|to the bone)\b",
    r"\bat (?:knife|gun)-? ?point\b",
)
# Asking what the law allows or what happens to offenders ("what happens to people caught carrying a gun").
# Only a message that opens with such a question and says nothing of the writer's own people or of what is happening
# ("is it legal to break the door down, my mum is unconscious inside", "... some lads have just set fire to the flat
# below" stay emergencies).
_LAW_QUESTION = (
    r"^\W*(?:what happens (?:to|if|when)|is it (?:legal|illegal|allowed|against the law)|are (?:you|we|they|people) "
    r"allowed|what(?:'s|s| is| are) the (?:(?:maximum|minimum|max|min|usual|typical|average|likely) )?(?:penalty|"
    r"penalties|sentences?|punishments?|law) (?:for|on)|how long (?:do|would|could|can|will) (?:you|people|someone|"
    r"they) (?:get|go down|be jailed) for)\b"
    r"(?!.*\b(?:my|me|mine|i'm|im|we're|us|our|help|now|just|outside|here|he's|hes|she's|shes|they're|theyre|"
    r"there's|theres|there is|there are)\b)"
    r"(?![^,.;!?]*[,.;!?]\s*\w)"  # the whole message is the question: nothing told after it
)
# What makes a message about a danger rather than a report of one: asking about plans, figures or the past.
ABOUT_POLICY = _any(
    r"\b(?:plans?|planning|policy|policies|strategy|candidates?|manifesto|commissioner|pcc|mayor|funding|funded|spent|"
    r"spending|budget|figures|statistics|stats|how many|how much|how often|prevent\w*|tackl\w*|reduc\w*|"
    r"support (?:for|is there|available)|training|courses?|schemes?|service|services|council|government|news|"
    r"reported|report on|article|awareness|campaign|being done|what is done|are done|do they|will they|"
    r"the police do|doing about|register|rules?|laws?|legal|legally|is there|are there|in case of|in the event of)\b",
    r"\bbest way to (?:talk|teach|explain|educate)\b.{0,40}\babout\b",
    _LAW_QUESTION,
)
_PAST_TIMES = (
    r"last (?:week|month|year|night|summer|winter|spring|autumn|weekend|time)|ago|yesterday|years back|"
    r"in (?:19|20)\d\d|a while back|in the past"
)
IN_THE_PAST = _any(
    rf"\b(?:{_PAST_TIMES}|used to|back in)\b",
    r"\b(?:we|i|they) had (?:a|an)\b",
)
HAPPENING_NOW = _any(
    r"\b(?:(?<!more )(?<!less )(?<!than )(?<!until )(?<!till )now|right now|just now|currently|at the moment|"
    r"as we speak|(?:right )?this minute|tonight|quick|quickly|hurry|urgent|what do i do|what should i do|"
    r"send)\b",
    # An ambulance wanted, not one told of ("the ambulance took forty minutes") nor the service ("ambulance crews").
    r"\bambulance\b(?!\s+(?:took|came|arrived|was|were|had|crews?|staff|service|services|response|times?|waits?|"
    r"workers?|drivers?|trusts?)\b)",
)
# Said outright to be happening now: what a question asked in general must say to be an emergency ("what should I do"
# opens real calls for help, but also "what should I do if I ever ...").
SAID_TO_BE_NOW = _any(
    r"\b(?:right now|just now|as we speak|(?:right )?this minute|hurry|(?<!how )quick(?:ly)?|urgent|"
    r"send (?:help|someone|an ambulance))\b"
)
# A question about plans or rules that names a danger ("what is being done about people being hit by cars"): even the
# rules that hold anywhere else do not make it an emergency, unless it also says that something is happening now.
POLICY_QUESTION = _any(
    # Opening with a question word, perhaps after a preposition ("by what year does the plan ...").
    r"^\W*(?:(?:by|in|at|from|for|to|on|with|since|until|under|according to)\s+)?"
    r"(?:what|how|will|would|is there|are there|are|does|do|did|who|which|why|when|where|can|should|has|have)\b.*\b"
    r"(?:doing about|being done|trained|plans?|policy|policies|candidates?|commissioner|pcc|council|government|figures|"
    r"statistics|how many|how much|register|rules?|laws?|schemes?|strategy|manifesto|funding|news|"
    r"training (?:do|does)|opinion|views? (?:on|of|about)|stance|position on|ban|bans|banning|banned|crackdown|"
    r"crack down)\b",
    _LAW_QUESTION,
)
# A message that says itself it is no emergency ("not urgent but ...") is taken at its word unless a rule fires.
DECLARED_NOT_URGENT = _any(
    r"\b(?:not|isn'?t|no) (?:urgent|an emergency|emergency|in danger)\b",
    r"\b(?:nobody|no ?one|nobodys|noones)(?:'s| is)? in (?:any )?danger\b",
)
# One that tells of something over and done with and of everyone being fine ("my mate choked on his pint last night,
# he's fine") is no emergency by the rules that need context; those that hold anywhere still fire, and the second signal
# still reads it ("he's having a heart attack, he had one last year and was fine"). Both are needed, since "he says
# he's fine" alone can come from someone still in danger, and nothing after it may take it back ("...he's fine, but now
# he can't lift his arm").
_OVER = rf"\b(?:{_PAST_TIMES}|earlier|on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
_FINE = r"(?:(?:totally|absolutely|completely|perfectly|all|now|doing) )?(?:fine|ok|okay|alright|all right|recovered|"
_FINE += (
    r"safe and well|doing (?:well|great|brilliantly|really well)|recovering well|(?:been )?fine since|back to normal)"
)
_FINE += r"(?: now)?"
_EVERYONE_FINE = "|".join(
    (
        # A statement about everyone concerned, not the writer alone ("i'm ok") nor a question ("is she alright?",
        # "i don't know if he's ok").
        r"(?<!\bif )(?<!\bwhether )\b(?:(?:he|she|they|we|everyone|everybody)\s*(?:'s|s|'re|re| is| are| was| were)|"
        r"and (?:is|are|was|were)|been) " + _FINE + r"\b(?!\s*\?)",
        r"\b(?:has|have|'s|'ve) (?:now |since |fully |completely )?recovered\b",
        r"\b(?:nobody|no ?one) (?:was |got |were )?(?:hurt|injured)\b",
        r"\bstopped bleeding\b",
        r"\bmade a (?:full |good )?recovery\b",
        r"\bonly (?:a few |a bit )?(?:bruised|bruises?|a bruise|scratche?s?|a scratch|grazed|a graze|shaken(?: up)?)\b",
        r"\bchecked (?:over )?by (?:a |the )?(?:doctor|gp|paramedics?|hospital)\b",
    )
)
_TAKEN_BACK = (
    r"(?!.*\b(?:but|except|although|though|however|for now|yet|now|then|today|tonight|this morning|suddenly|again|"
    r"still)\b)"
)
# So is a question the writer says is asked in general ("what should you do if you smell gas, just asking for future
# reference", "how do you spot a stroke? we're making posters"). Not "just wondering": it opens real calls for help.
_IN_GENERAL = "|".join(
    (
        r"\b(?:just asking|for future reference|for the future|hypothetical(?:ly)?|out of (?:interest|curiosity))\b",
        r"\b(?:general advice|in general|generally(?: speaking)?|just in case|(?:know|prepared|ready) in case|"
        r"(?:want|like|need) to be (?:prepared|ready) (?:in case|for when|for if|before)|be prepared before)\b",
        r"\bif (?:i|you|we|one|someone) (?:ever|were ever|were to)\b",
        r"^\W*(?:if|when|whenever)\s+(?:a|an|someone|somebody|some ?one|you|people|a person)\b[^?]*\b(?:is the advice|"
        r"are you (?:supposed|meant|allowed)|should you|do you|can you|what do you)\b",
        r"^\W*what(?:'s| is| are)\s+the\s+(?:most common|main|usual|biggest|leading)\s+causes?\b",
        r"^\W*how to\b(?!.*\b(?:my|our|he|she|they|his|her|now|here|there's|theres|isn't|isnt|not breathing)\b)",
        # Put to "you" in general ("what should you do if someone is choking"), nobody said to be in danger here.
        r"^\W*(?:what|how)\s+(?:should|do|would|can|could|are)\s+you\b(?!.*\b(?:there's|theres|there is|here|"
        r"he's|hes|she's|shes|they're|theyre|isn't|isnt|he is|she is|they are)\b)",
        r"\bfor (?:a |the |our |my )?(?:[\w-]+ ){0,2}(?:quiz|project|essay|presentation|lesson|homework|assignment)\b",
    )
)
# Words that tell of someone: after a question, they say something more is happening.
_TELLS_OF_SOMEONE = _any(
    r"\b(?:he|she|they|we|i|my|our|someone|somebody|there|his|her|their|it|is|are|was|has|have|'s|'re|can'?t|won'?t)\b"
)
# A crime supposed in the past tense, then what would follow ("if my van was stolen, would the police come out", "what
# would the police do if my house was burgled"): a question about what would happen, no crime to report. Its subject
# comes right after "if" ("if anyone could help, my bike was stolen" reports one), and nothing is told of now.
_TOLD_OF_NOW = (
    r"(?!.*\b(?:he's|she's|they're|hes|shes|theyre|is|are|am|isn't|isnt|can't|cant|won't|wont|has been|have been|"
    r"it's|there's|theres|there is|now|still|at the moment|ago|please|help)\b)"
)
_SUPPOSED = (
    r"if (?:my|our|a|an|the|someone|somebody|i|we|you) (?:\w+ )?(?:was|were|went|got|had|broke|stole|ran|took)\b"
)
HYPOTHETICAL = _any(
    _TOLD_OF_NOW + rf"^\W*{_SUPPOSED}[^?]*\b(?:would|could)\b",
    _TOLD_OF_NOW + rf"^\W*what (?:would|could|will) (?:happen|the police do|police do|you do)\b.*\b{_SUPPOSED}",
)
ASKED_IN_GENERAL = re.compile(
    rf"^(?!.*\b(?:my|our) (?:\w+ )?{_VICTIM}\b).*(?:{_IN_GENERAL})",
    re.IGNORECASE,  # not beside the writer's own people
)
OVER_AND_FINE = _any(
    rf"{_OVER}.*(?:{_EVERYONE_FINE}){_TAKEN_BACK}",
    rf"(?:{_EVERYONE_FINE}){_TAKEN_BACK}.*{_OVER}",
)
NOT_HAPPENING = _any(OVER_AND_FINE.pattern, ASKED_IN_GENERAL.pattern)
# A crime years past, told beside a question about plans ("back in 2019 my car was broken into, what will the new
# commissioner do for victims"), asks about policy: the 101 advice would answer nothing.
_LONG_AGO = _any(r"\b(?:years ago|years back|(?:back )?in (?P<year>(?:19|20)\d\d))\b")
_STILL_TO_REPORT = _any(
    r"\b(?:report\w*|recorded|logged|still|since|keeps?|ongoing|never told|time limit|come forward|assault\w*|"
    r"attacked|raped|rape|abused|abuse|sexual\w*|groped|nobody came|no one came|never investigated|"
    r"nobody investigated)\b"
)
NEAR = 40  # characters: a date this close to a crime, in the same clause, dates it
_RECENT = _any(
    r"\b(?:today|tonight|last night|this (?:morning|afternoon|evening|week)|yesterday|earlier|just|again|an hour|"
    r"minutes|hours ago|days ago|at the weekend|over the weekend)\b"
)


# Figures of speech that use the words of danger for nothing of the kind ("this heat is killing me", "my feet are
# killing me", "the traffic is murder", "i'm dying to know", "we got murdered 5-0"): taken out of a message before
# the second signal and the rules that need context read it.
# What wears people out, never a person: "this heat is killing me", but not "my stepdad is killing me".
_WEARING = (
    r"(?:heat|weather|sun|cold|humidity|commute|traffic|queues?|job|work|exams?|homework|revision|coursework|feet|foot|"
    r"knees?|back|head|legs?|neck|shoulders?|tooth|teeth|hangover|suspense|wait|waiting|noise|prices?|rent|bills|"
    r"hay ?fever|shoes|diet|gym|training|stairs|hill|uni|school|deadlines?|paperwork|admin|meetings?|roadworks)"
)
FIGURES_OF_SPEECH = _any(
    rf"\b(?:this|these|that|those|the|my|our)\s+(?:[\w'-]+\s+)?{_WEARING}\s+(?:is|are|'s|'re|was|were)\s+"
    r"(?:literally\s+|actually\s+|absolutely\s+|slowly\s+)?(?:killing|murdering)\s+(?:me|us)\b"
    r"(?!.*\b(?:stuck|trapped|lost|stranded|locked|can'?t|cannot|help|please|stopped|not (?:breathing|moving|talking|"
    r"responding))\b)",
    rf"\b(?:this|that|it|the)(?:\s+{_WEARING}(?:\s+(?:at|in|on|to|of)\s+(?:the\s+)?[\w'-]+)?)?\s+(?:is|was|'s)\s+"
    r"(?:absolute\s+|pure\s+|bloody\s+|literally\s+)?murder\b",
    r"\b(?:i|we)\s+could\s+(?:murder|kill)\s+(?:a|an|for|some)\b",
    r"\b(?:dying|dyin)\s+(?:to|for)\s+(?:know|see|hear|try|go|get|meet|watch|read|find out|some|"
    r"a (?:cup|pint|drink|brew|coffee|wee))\b",
    r"\bdead\s+(?:tired|good|funny|easy|serious|bored|boring|hungry|jealous|proud|chuffed)\b",
    r"\bfaint(?:s|ed)?\s+at\s+the\s+(?:sight|thought)\s+of\b",
    r"\bdrowning in (?:paperwork|work|emails?|homework|admin|washing|laundry|marking|essays|assignments|"
    r"deadlines|letters|leaflets|forms)\b(?!.*\b(?:roof|bridge|ledge|edge|tracks|can'?t (?:do this|go on|cope)|"
    r"end it)\b)",
    r"\b(?:got|get|getting|were|was|are)\s+(?:absolutely\s+)?(?:murdered|slaughtered|killed|destroyed|"
    r"hammered|battered|"
    r"thrashed|smashed|stuffed|beaten|trounced|demolished|walloped)\s+\d+\s*[-–:]\s*\d+\b"
    r"(?!\s*(?:times?|days?|nights?|weeks?|months?|years?|hours?|lads|men)\b)",
    # A team, a player or an inbox "on fire", "getting smashed"; a phone "about to die".
    r"\b(?:team|side|squad|striker|bowler|batter|player|players|form|inbox)\s+"
    r"(?:is|are|'s|'re|was|were|been|keeps?|kept)\s+(?:getting\s+|being\s+)?(?:on fire|smashed|thrashed|battered|"
    r"hammered|stuffed|slaughtered|murdered)\b(?!.*\b(?:flames?|smoke|alight|trapped|burning|hurt|injured)\b)",
    r"\b(?:phone|battery|laptop|tablet|ipad|charger)(?:'s|\s+is)?\s+(?:about to|going to|gonna|)\s*"
    r"(?:die|dying|dead)\b",
    r"\b(?:my|the|our)\s+(?:toast|dinner|food|cake|pizza|bacon|rice|sausages?|cooking|roast|chicken)\s+"
    r"(?:is|are|'s|was|were)\s+(?:burning|burnt)\b(?!.*\b(?:flames?|fire|smoke|alight|caught|gone up)\b)",
)


def literal(text: str) -> str:
    """The message without its figures of speech: what either signal should read."""
    return " ".join(FIGURES_OF_SPEECH.sub(" ", text).split())


# Someone perhaps still at risk beside a theft or a break-in ("the van has gone and my toddler was asleep in it").
_AT_RISK = (
    r"(?!.*\b(?:in it|on it|inside|in there|in the back|asleep|riding it|sat in|sitting (?:in|on)|still (?:in|there|"
    r"here|about|around|hiding|inside)|hiding|(?:car|passenger|back) seat|strapped|in the (?:car|van|cab|boot)|"
    r"not answering|home alone|hasn'?t come back|not come (?:back|home)|can hear|screaming|shouting|hurt|injured|"
    r"bleeding|dragged|pushed|knocked|can'?t (?:get|stand) up|on the (?:floor|ground)|being sick|confused|"
    r"not making sense|drifting|slurr\w*|dizzy|at (?:my|the|our) (?:front |back )?door|outside (?:my|our|the)|"
    r"now (?:he|she|they)(?:'s|'re| is| are)?)\b)"
)
# Things people have stolen from them.
_STEALABLE = (
    r"(?:phone|mobile|bag|handbag|purse|wallet|bike|bicycle|car|van|moped|scooter|motorbike|laptop|tools?|"
    r"parcels?|keys|"
    r"cards?|jewellery|watch|money|cash|catalytic converter|number plates?|dog|puppy|cat|tv|telly|ring|necklace)"
)
# A report of something that already happened and needs no urgent response.
CRIME_REPORT = _any(
    r"\b(?:was|were|got|been|has been|have been|had)\s+(?:stolen|nicked|broken into|burgled|burgle|vandalised|"
    r"vandalized|damaged|keyed|scratched|smashed|scammed|defrauded|hacked|robbed|mugged|assaulted|spray ?painted|"
    r"graffitied|taken|snatched|pickpocketed|fly-? ?tipped|conned|set alight|set on fire|torched)\b",
    r"\b(?:someone|somebody|thieves|they|kids|youths|a man|a woman|people)\s+(?:stole|nicked|broke into|burgled|"
    r"vandalised|vandalized|smashed|keyed|scratched|damaged|scammed|took|dumped|graffitied|sprayed|snatched|"
    r"fly-? ?tipped)\b",
    r"\b(?:i|we)\s*(?:want|need|would like|wanna|'d like|d like)\s+to\s+report\b",
    r"(?:\band|,)\s*(?:want|need|would like|wanna|'d like|d like)\s+to\s+report (?:it|this|them|him|her|the)\b",
    # A thing taken, named without "was" ("parcel nicked from my doorstep", "number plates stolen off my van").
    r"\b(?<!being )(?:stolen|nicked|pinched|swiped)\s+(?:from|off|out of|outside)\s+(?:outside\s+)?(?:my|our)\b",
    r"\b(?:someone|somebody|thieves|kids|youths|a man|a woman)\s+(?:has\s+|have\s+)?(?:hacked|spray[- ]?painted|cloned|"
    r"punched|siphoned)\s+(?:into\s+)?(?:my|our|me|us)\b",
    r"\b(?:someone|somebody|thieves|burglars)\b.{0,60}\b(?:stole|nicked|pinched|made off with)\b",
    r"\b(?:got|gets|broke|has got|have got) into (?:my|our|the) "
    r"(?:garage|shed|car|van|lock-? ?up|allotment|outbuilding)\b",
    r"\b(?:my|our)\s+(?:bank\s+|credit\s+|debit\s+)?(?:card|account|details|identity)\b.{0,30}\b(?:used|taken|stolen|"
    r"hacked|cloned|emptied)\b",
    r"\b(?:want|like|need)\s+(?:it|this|them)\s+(?:logged|on record|recorded)\b",
    r"\b(?:graffiti|paint|slogans?|tags?)\b.{0,20}\b(?:sprayed|painted|daubed|scrawled)\s+"
    r"(?:on|over|all over|across)\s+(?:my|our)\b",
    # Not what the council deals with ("how do i report a pothole").
    r"\b(?:how|where)\s+(?:do|can|should)\s+i\s+report\b(?!.{0,30}\b(?:pot ?holes?|broken (?:street ?light|"
    r"pavement)|street ?lights?|missed (?:bin|collection)|overgrown|blocked drain|"
    r"problem with (?:my|the) (?:bin|road)))",
    r"\b(?:someone|somebody|people|they|kids|youths)\s+(?:has|have|keeps?|is|are)\s+(?:been\s+)?(?:fly-? ?tipping|"
    r"dumping|spraying|stealing|vandalising|vandalizing)\b",
    r"\b(?:i've|i have|i was|i got|we've|we were)\s+(?:been\s+)?(?:scammed|defrauded|conned|burgled|robbed|mugged|"
    r"assaulted|attacked|hacked|punched|kicked(?! out)|groped|threatened)\b",
)

# The same, told in other words (added later, and read with the second signal at its usual bar, so that they never
# stand between a message and the 999 advice that it would have had without them).
_NOT_FAMILY = (
    r"(?<!cat )(?<!dog )(?<!kid )(?<!son )(?<!baby )(?<!friend )(?<!sister )(?<!brother )(?<!toddler )(?<!wife )"
    r"(?<!husband )(?<!mum )(?<!dad )(?<!partner )(?<!mate )(?<!daughter )(?<!\bi )(?<!\bwe )"
)
CRIME_TOLD_OTHERWISE = _any(
    r"\b(?:was|were|got|been|has been|have been|had)\s+(?:beaten up|headbutted|glassed)\b(?!\s+(?:by (?:the )?(?:press|"
    r"inflation|media|critics)|emotionally))" + _AT_RISK,
    # Damage to a thing of the writer's ("the back door had been forced", "my tyres were slashed"), not to a budget.
    r"\b(?:tyres?|tires?|doors?|windows?|locks?|fence|gate|(?:catalytic )?converter|fuel|petrol|diesel|tank|seats?|"
    r"roof|shed|garage|wing mirrors?|mirrors?)\s+(?:was|were|'s been|has been|had been|have been|been|got)\s+"
    r"(?:forced|kicked in|kicked down|slashed|cut off|siphoned|ripped off|snapped off)\b"
    + _AT_RISK
    + r"(?!\s+(?:open\s+|off\s+|down\s+)?(?:in (?:price|the sale)|(?:by|in) (?:the |a )?(?:wind|storm|gale|weather|"
    r"snow|flood|cows?|council|fire brigade|police|supplier)))",
    # A break-in found afterwards ("back door forced, laptop gone"), a thing gone from where it was left.
    r"\b(?:forced|smashed|kicked in)\b.{0,60}\b(?:gone|missing|taken)\b" + _AT_RISK,
    r"\b(?:my|our)\s+(?:[\w-]+\s+)?(?:car|van|bike|motorbike|moped|scooter|bicycle|caravan|trailer|boat|tools|laptop|"
    r"phone|wallet|purse|handbag|bag|parcel|parcels|catalytic converter)\s+(?:went|has gone|had gone|was gone|is gone|"
    r"'s gone|disappeared|vanished|has disappeared|had disappeared|went missing|has gone missing)\b.{0,30}"
    r"\b(?:from|overnight|off (?:my|our|the)|outside)\b(?!.*\b(?:found it|turned up|came back|was returned|left it|"
    r"lost it|dropped it|tracking|delayed)\b)" + _AT_RISK,
    # Fraud: details used, money gone, paid for what never came.
    r"\b(?:someone|somebody|they|fraudsters|scammers|criminals|thieves|a stranger|a man|a woman)\s+(?:has\s+|have\s+)?"
    r"(?:used|cloned|took|stole|emptied)\s+(?:my|our|her|his)\s+(?:bank\s+|credit\s+|debit\s+)?(?:card|account|"
    r"identity|details)\b" + _AT_RISK,
    r"\b(?:someone|somebody|they|fraudsters|scammers|criminals|a stranger)\s+(?:has\s+|have\s+)?(?:opened|took out|"
    r"taken out|applied for)\s+(?:a\s+)?(?:[\w-]+\s+){0,2}(?:in|under)\s+(?:my|our|her|his)\s+name\b" + _AT_RISK,
    r"\b(?:opened|taken out|took out)\s+in\s+(?:my|our|her|his)\s+name\b" + _AT_RISK,
    r"\b(?:gone|taken|went|disappeared|withdrawn)\s+(?:out\s+)?(?:of|from)\s+(?:my|our|her|his)\s+(?:bank\s+)?"
    r"account\b(?!\s+for\b)(?!.*\b(?:council tax|direct debit|bills?|subscription|twice|by mistake|standing order|"
    r"insurance|netflix|gym)\b)",
    r"\bpaid\s+(?:[£$€]?\d[\d,.]*k?|(?:a|the|my) deposit|\w+ to (?:a|some|this|the) (?:man|woman|guy|bloke|seller|"
    r"builder|trader|company|website|caller))\b.{0,60}\b(?:never (?:got|received) (?:them|it|the|my)\b(?! (?:receipt|"
    r"confirmation|email|reply))|never (?:arrived|turned up|showed up|delivered)|vanished|disappeared|blocked me)\b"
    r"(?!.*\b(?:on its way|on the way|delayed|tracking|refund\w*|lol)\b)",
    r"\b(?:shoplifters?|thie(?:f|ves)|someone|somebody|a (?:man|woman|lad|guy|bloke|kid))\s+(?:took|has taken|"
    r"walked out with|ran off with|made off with)\b.{0,40}\b(?:from|out of|off) (?:my|our) (?:shop|store|stall|van|"
    r"car|garden|shed|house|garage)\b" + _AT_RISK,
    r"\bshoplifted from (?:my|our|us)\b",
    # Driving off: from a parked car after hitting it, or from a pump without paying.
    r"\b(?:drove|reversed|backed|crashed|bumped|pranged|scraped)\s+into\s+(?:my|our)\s+(?:parked\s+)?(?:car|van|"
    r"vehicle|motorbike)\b.{0,60}\b(?:drove off|drive off|didn'?t (?:leave a note|stop)|no note|without (?:stopping|"
    r"leaving))" + _AT_RISK,
    r"\b(?:fuel|petrol|diesel) drive-? ?offs?\b",
    r"(?<!\bi )(?<!\bwe )(?<!accidentally )\b(?:drove|driven|made|ran|walked) off without paying\b",
    # Hate and abuse aimed at the writer, not by a pet or a child.
    _NOT_FAMILY + r"\b(?:spat|spit) (?:at|on) (?:me|us|my)\b",
    _NOT_FAMILY + r"\bcalled (?:me|us|my \w+) (?:a|an) (?:[\w-]+ )?slur\b",
    r"\b(?:racist|racial|homophobic|transphobic|religious|disablist|sexist) (?:abuse|slurs?|comments?|remarks?)\b"
    r".{0,30}\b(?:at|to) (?:me|us|my)\b" + _AT_RISK,
    _NOT_FAMILY
    + r"\b(?:snatched|pinched|swiped|nicked|stole)\s+(?:my|our)\s+(?:[\w-]+\s+)?"
    + _STEALABLE
    + r"\b"
    + _AT_RISK,
    # A theft told in the past or as a habit ("someones been pinching parcels off my doorstep"), not one under way.
    r"\b(?:been|keeps?|kept)\s+(?:pinching|nicking|stealing|swiping)\s+(?:[\w-]+\s+){1,2}(?:from|off|out of)\s+"
    r"(?:my|our)\b",
    r"\b(?:some (?:lads|kids|youths|boys|men|guys)|lads|boys)\s+(?:stole|nicked|broke into|burgled|vandalised|"
    r"vandalized|smashed|keyed|scratched|damaged|took|dumped|graffitied|sprayed|snatched)\b(?! the show)" + _AT_RISK,
    # A place found broken into, told without "was" ("shed broken into over the weekend, tools gone").
    r"\b(?:shed|garage|car|van|house|flat|home|office|shop|allotment|lock-? ?up|caravan)\s+(?:was\s+|got\s+|been\s+|"
    r"has been\s+)?(?:broken into|burgled|ransacked)\b(?!\s+by (?:a|the) (?:fox|badger|animal|dog|cat|squirrel|rat))"
    + _AT_RISK,
    r"\b(?:a (?:guy|lad|bloke|group|gang)|some (?:lads|guys|kids|youths|men|bloke|guy)|men|lads)\s+(?:has\s+|have\s+)?"
    r"(?:hacked|spray[- ]?painted|cloned|punched|siphoned)\s+(?:into\s+)?(?:my|our|me|us)\b" + _AT_RISK,
    r"\b(?:someone|somebody|thieves|kids|youths|a man|a woman|a (?:guy|lad|bloke|group|gang)|some (?:lads|guys|kids|"
    r"youths|men|bloke|guy)|men|lads)\s+(?:has\s+|have\s+)?(?:(?:slashed|kicked in)\s+(?:all (?:\w+ )?(?:of )?)?"
    r"(?:my|our)|(?:headbutted|slapped|kicked)\s+(?:me|us))\b" + _AT_RISK,
    r"\b(?:graffiti|paint|slogans?|tags?)\b.{0,20}\b(?:sprayed|painted|daubed|scrawled)\s+"
    r"(?:on|over|all over|across)\s+(?:the|a)\b.{0,30}\b(?:on|in|near|outside) (?:my|our)\b",
)
# Words that mention reporting or dealing without saying that anything happened to the writer: a report when the
# message is not about what is done about crime ("cracking down on dealers in our streets").
CRIME_REPORT_MENTION = _any(
    r"\breport(?:ing)?\s+(?:a|an)\s+(?:\w+\s+)?(?:crime|burglary|theft|assault|incident|scam|fraud|(?:phone )?call|"
    r"text|email|break-? ?in)\b",
    r"\b(?:drug dealing|dealing drugs|drug dealers?|dealers)\b.{0,30}\b(?:on|in|at|outside|near)\s+(?:my|our)\b",
    r"\b(?:on|in|outside)\s+(?:my|our)\s+(?:street|road|estate|block)\b.{0,40}\b(?:dealing|dealers|fly-?tipping|"
    r"vandalism|graffiti)\b",
)

# A question about a trend that mentions a past crime ("my car was broken into last year, is car crime getting worse"),
# or about how many crimes there were,
# asks for information, not for the 101 advice.
TREND_QUESTION = _any(
    r"\b(?:getting (?:worse|better)|going (?:up|down)|on the (?:rise|increase)|rising|falling|increasing|decreasing|"
    r"more common|less common)\b",
    # How many crimes of a kind there were, asked by someone not saying it happened to them.
    r"^\W*(?:how (?:many|much|often)|what (?:number|proportion|percentage|share) of)\b(?!.*\b(?:my|our|me|us|i|we)\b)",
)

# A crime the writer has already reported: the advice to report it would be no answer.
ALREADY_REPORTED = _any(
    r"\b(?:got|have|had|gave|given|giving|with)\s+(?:me\s+|us\s+)?(?:a\s+|the\s+)?(?:crime|incident|police|reference) "
    r"(?:reference )?number\b",
    r"\b(?:already (?:reported|logged|told the police)|reported it (?:to the police|at the time))\b",
    r"\b(?:police|they|officers) (?:already |have |had )?(?:logged|recorded) it\b",
    r"\b(?:never heard (?:back|anything)|heard nothing (?:back|more))\b",
    r"\b(?:no ?one|nobody) (?:ever )?got back to (?:me|us)\b",
)

# A message about what is done about crime ("cracking down on dealers in our streets", "updates for victims after they
# report a crime") asks about policy, not to report one: it holds only a CRIME_REPORT_MENTION.
POLICY_ACTION = _any(
    r"\b(?:crack(?:s|ing)? down|clamp(?:s|ing)? down|tackl\w*|deal(?:s|ing)? with|(?:be|being) done|updates?|"
    r"feedback|easier|improv\w*|victims)\b",
)

# "Back" a candidate, not "bring back", "scale back" or "claw back" a policy or money, nor "bring it back".
_NOT_BACKING = (
    "bring brings bringing brought roll rolling cut cutting give scale scaling claw clawing pull pulling hold holding "
    "win get pay paying go come coming fight push turn step set it them this that these those"
)
_BACK = "".join(rf"(?<!{word} )" for word in _NOT_BACKING.split()) + "back"
VOTE_ADVICE = _any(
    r"\bwho\b.{0,20}\b(?:should|shall|to|do i|would you|must|will you|would i|do you)\b.{0,15}\b(?:vote|"
    + _BACK
    + r"|support|choose|pick|elect)\b",
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
    r"\b(?:which|what)\s+(?:candidate|party|one|person)\b.{0,40}\b(?:best|better|vote|"
    + _BACK
    + r"|support|choose|pick|"
    r"recommend|worst|worse|right|should)\b",
    # Not a thing compared with its own past ("is knife crime worse than it was", "than last year").
    r"\b(?:is|are)\s+.{1,40}\s+(?:better|worse|best|worst)\s+(?:than|candidate|choice|option|for)\b"
    r"(?!\s+(?:it|they|this|that|things|crime) (?:was|were|used|has|have)\b|\s+(?:before|ever|last|previously|"
    r"in (?:19|20)\d\d|\d+ years|years ago|it used)\b)",
    r"\b(?:best|better|worst|right)\s+(?:candidate|choice|person|option)\b",
    # "Who will win?" about this election, not about a match or a league.
    r"\bwho\s+(?:will|is going to|gonna|do you think will)\s+win\b(?:\s*[?.!]*\s*$|.{0,40}\b(?:election|vote|votes|"
    r"mayor|mayoralty|commissioner|pcc|pfcc|candidates?|race|seat|ballot|poll|polls)\b)",
    r"\b(?:recommend|endorse)\s+(?:a|any|which|the)?\s*(?:candidate|party)\b",
    r"\b(?:tell|help)\s+me\s+(?:who|which)\b.{0,30}\b(?:vote|back|support|choose|candidate|pick)\b",
    r"\bhow\s+should\s+i\s+vote\b",
    r"\b(?:worth|better off)\s+(?:voting for|a vote|backing|electing|supporting)\b",
    r"\b(?:who(?:'s| is)|whos)\s+(?:the\s+)?(?:best|better|right)\b",
)


def _as_written(message: str) -> str:
    """The message as the rules read it: one kind of apostrophe, single spaces, hurried spellings written out."""
    return SAFETY_CORRECTOR.correct(" ".join(message.replace("’", "'").split()))


def triage(message: str) -> Triage | None:
    """The rule that applies to a message, emergencies first; None when it may go to retrieval."""
    written = _as_written(message)
    text = literal(written)  # the rules that hold anywhere read it as written: a figure of speech hides no danger
    if is_emergency(text, written):
        return Triage.EMERGENCY
    crime = CRIME_REPORT.search(text) or CRIME_TOLD_OTHERWISE.search(text)
    if (
        not ALREADY_REPORTED.search(text)
        and not HYPOTHETICAL.search(text)
        and not (crime and _long_ago_beside_policy(text, crime))
        and (
            (crime and not TREND_QUESTION.search(text))
            or (
                CRIME_REPORT_MENTION.search(text)
                and not (TREND_QUESTION.search(text) or POLICY_QUESTION.search(text) or POLICY_ACTION.search(text))
            )
        )
    ):
        return Triage.CRIME_REPORT
    if VOTE_ADVICE.search(text):
        return Triage.VOTE_ADVICE
    return None


def _long_ago_beside_policy(text: str, crime: re.Match[str]) -> bool:
    """A crime dated years back ("years ago my house was burgled"), nothing recent told, and a question about plans
    ending the message: it asks about policy, not to report."""
    this_year = dt.date.today().year
    dated = any(
        (date.group("year") is None or int(date.group("year")) <= this_year - 2)
        and date.start() <= crime.end() + NEAR
        and crime.start() - NEAR <= date.end()
        and not re.search(r"[,.;:!?]", text[min(crime.end(), date.end()) : max(crime.start(), date.start())])
        for date in _LONG_AGO.finditer(text)
    )
    return dated and not _RECENT.search(text) and not _STILL_TO_REPORT.search(text) and _ends_asking_about_policy(text)


# Rules that hold anywhere but read the message without its figures of speech ("our team is on fire this season").
EMERGENCY_UNLESS_FIGURATIVE = _any(r"\bon fire\b")


_SENTENCE_BREAK = re.compile(r"[?.!]+\s+")


# Told as read or heard of ("I read that ...", "saw on the news ...").
_REPORTED = _any(r"\b(?:i read|read that|i saw|saw on the news|on the news|i heard|heard that|in the papers?)\b")


def _told_of_then_asked_about_plans(text: str) -> bool:
    """A danger read of, or told in the past tense and dated ("last year my neighbour collapsed in the street"), then a
    question about plans in a sentence of its own: the question is the message."""
    *told, asked = _SENTENCE_BREAK.split(text.strip())
    before = " ".join(told)
    if not told or POLICY_QUESTION.search(asked) is None:
        return False
    return _REPORTED.search(before) is not None or (
        IN_THE_PAST.search(before) is not None and _PRESENT.search(before) is None
    )


def is_emergency(text: str, written: str | None = None) -> bool:
    """A danger to someone now: a rule that holds anywhere (read in the message as `written`, figures of speech and
    all), or a named danger in a message that is not asking about plans, figures or the past (unless it also says that
    it is happening now), nor over with everyone fine, nor asked in general."""
    written = written or text
    if _in_general(text):
        return False
    if EMERGENCY.search(written) or EMERGENCY_UNLESS_FIGURATIVE.search(text):
        about_plans = POLICY_QUESTION.search(written) or _told_of_then_asked_about_plans(written)
        return not about_plans or bool(HAPPENING_NOW.search(written))
    if not EMERGENCY_IN_CONTEXT.search(text):
        return False
    over = OVER_AND_FINE.search(text)
    if over and not EMERGENCY_IN_CONTEXT.search(text, over.end()):  # nothing told after it is fine
        return False
    about_something_else = [m.end() for m in (*ABOUT_POLICY.finditer(text), *IN_THE_PAST.finditer(text))]
    if not about_something_else or HAPPENING_NOW.search(text):
        return True
    # A danger told in a sentence after the question about plans or the past ("is there cpr training? he's grey and
    # clutching his chest") is happening now.
    after = _SENTENCE_BREAK.search(text, max(about_something_else))
    return after is not None and EMERGENCY_IN_CONTEXT.search(text, after.end()) is not None


# Where a message turns from what the writer meant to ask to what is happening ("I was going to ask about the plan but
# actually there's a fight outside"): a sentence break or a turning word.
_TURN = re.compile(
    rf"{_SENTENCE_BREAK.pattern}|\b(?:but|actually|anyway|although|though|except|hang on|wait|oh and)\b", re.IGNORECASE
)
MIN_TURN_WORDS = 5


def told_after_a_turn(message: str) -> str | None:
    """What the message tells after its last turn, when that is long enough to be read alone: a danger told after a
    question about plans is diluted by it when the whole message is read."""
    turns = list(_TURN.finditer(message))
    if not turns:
        return None
    tail = message[turns[-1].end() :].strip(" ,;:-")
    return tail if len(tail.split()) >= MIN_TURN_WORDS and tail != message.strip() else None


# A question about what happened ("what happened to the man the cameras stopped", "how did she die"), nothing told in
# the present tense: it asks about the news.
_ASKS_WHAT_HAPPENED = re.compile(
    r"^\W*(?:what|how|why|when|where|who)\b(?:\s+\w+){0,3}?\s+(?:happened|did|was|were|had)\b|^\W*did\b"
)
_PRESENT = re.compile(
    r"\b(?:is|are|am|isn'?t|aren'?t|can'?t|won'?t|has|have|hasn'?t|haven'?t|now|right now|just|still|keeps?|help|"
    r"please)\b|"
    r"'s\b|'re\b|'m\b|\bi'?m\b"
)


def asks_what_happened(message: str) -> bool:
    """True for a question about an event done with, nothing told as happening now: the emergency model then defers
    to the rules."""
    text = literal(_as_written(message))
    return _ASKS_WHAT_HAPPENED.search(text) is not None and _PRESENT.search(text) is None


def told_of_the_past(message: str) -> bool:
    """True when the message dates what it tells to the past ("last summer") and says nothing of it happening now."""
    text = literal(_as_written(message))
    return IN_THE_PAST.search(text) is not None and HAPPENING_NOW.search(text) is None


def reported_in_other_words(message: str) -> bool:
    """True when only the later crime-report rules read the message as a crime already done: the second signal then
    keeps its usual bar, as if no rule had fired."""
    text = literal(_as_written(message))
    return not CRIME_REPORT.search(text) and CRIME_TOLD_OTHERWISE.search(text) is not None


def says_happening_now(message: str) -> bool:
    """True when the writer says it is happening now ("right now", "as we speak", "hurry")."""
    return bool(HAPPENING_NOW.search(SAFETY_CORRECTOR.correct(message)))


def asked_in_general(message: str) -> bool:
    """True when the writer says the question is asked in general ("if I ever ...", "for future reference") and says
    nothing of it happening now; the emergency model then defers to the rules."""
    return _in_general(literal(_as_written(message)))


def _in_general(text: str) -> bool:
    """The rule itself, on a message already read as the rules read it."""
    return ASKED_IN_GENERAL.search(text) is not None and SAID_TO_BE_NOW.search(text) is None


def declares_not_urgent(message: str) -> bool:
    """True when the writer says it is no emergency; the emergency model then defers to the rules."""
    return bool(DECLARED_NOT_URGENT.search(SAFETY_CORRECTOR.correct(message)))


def _ends_asking_about_policy(text: str) -> bool:
    """The message ends with a question about plans, nothing told after it ("..., is there cpr training? he's
    clutching his chest" tells of a danger after the question)."""
    ends = [match.end() for match in ABOUT_POLICY.finditer(text)]
    return bool(ends) and _TELLS_OF_SOMEONE.search(text[ends[-1] :]) is None
