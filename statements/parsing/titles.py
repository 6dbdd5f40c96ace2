"""Registry titles in the UN's sentence case: `Women And Peace And Security` -> `Women and peace and security`.

The resolution registry (../shared/corpus/aux/unsc_resolutions_index_1-2215.csv) writes its
topics in Title Case; the UN writes agenda items in sentence case, keeping proper nouns:
`The situation in the Middle East`, `Admission of new members to the UN: Hungary`,
`International Court of Justice`. A word is lowered only when it is a common word of agenda
items (the list below, from the registry's own vocabulary): an unknown word keeps its
capital, so a proper noun is never lowered. Names of states and bodies are then written as
the UN writes them.
"""

import re

from .countries import STATES

_COMMON_WORDS = """
    a about above addressed adoption after against aggression aircraft airliner all allowances alternate among an
    and apartheid appointment areas armaments armed arms as assistance at atomic attacks before between border
    by candidates capital caused cease-fire certain children citizens civilian civilians committed complaint
    complaints concerning confidence conflict conflicts control cooperation costs created date dated decision
    deployment developments during election emergency energy establishment exemption expenses extension fill flows
    for from future genocide government holding humanitarian hijacking impose implementation in incidents including
    increasing inquiry into invasion involving items its language languages law letter letters light list
    maintaining maintenance measures meetings member members military mission new non-nuclear-weapon
    non-proliferation observer observers occupied of on operation operations or organizations other parties peace
    peacekeeping people persons personnel policies population powers prevention preventive procedure process
    prosecution protection provisions provocation question re reduction regarding region regional regulation relating
    relations report reports representative representatives request responsible restoration resulting review
    reviewing role safeguard safety sanctions security seizure serious since situation small stationing strategic
    submitted subsistence such terrorism terrorist the their threats to travelling treaty under upon vacancy
    vacancies verification violations weapons with within women working youth paragraph paragraphs resolution
    resolutions draft voting respect purpose flying conveying team status termination designation seat arrest
    detention jurisdiction acts statute commissions race international sector reform challenges opportunities
    territory territories former prosecutor administration
"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())

# Names the UN writes with capitals whatever words they are made of.
PROPER_NAMES = [
    "United Nations",
    "Security Council",
    "General Assembly",
    "Secretary-General",
    "International Court of Justice",
    "International Criminal Tribunal for Rwanda",
    "International Tribunal for the Former Yugoslavia",
    "International Criminal Tribunal for the Former Yugoslavia",
    "International Residual Mechanism for Criminal Tribunals",
    "International Tribunal",
    "Prosecutor of the International",
    "Military Staff Committee",
    "Atomic Energy Commission",
    "Commission for Conventional Armaments",
    "Organization of African Unity",
    "Economic Community of West African States",
    "African Union",
    "Treaty on the Non-Proliferation of Nuclear Weapons",
    "Non-Proliferation Treaty",
    "Free Territory of Trieste",
    "Trust Territory of the Pacific Islands",
    "Corfu Channel",
    "Great Lakes region",
    "Middle East",
    "Persian Gulf",
    "Horn of Africa",
    "West Africa",
    "Central Africa",
    "Southern Africa",
    "South West Africa",
    "Southern Rhodesia",
    "Western Sahara",
    "Falkland Islands (Malvinas)",
    "East Timor",
    "Golan Heights",
    "Permanent Representative",
    "Permanent Representatives",
    "Chargé d'affaires",
    "Charter",
    "Council",
]
# A body's name is written with capitals all through: `UN Disengagement Observer Force`.
BODY_NAME = re.compile(
    r"^(?:UN|United Nations)\s+(?:[A-Z][\w'’-]*\s+){0,5}(?:Mission|Force|Group|Office|Operation|Commission|Committee|"
    r"Authority|Administration)(?:\s+(?:in\s+|for\s+|to\s+|and\s+)?[A-Z][\w'’-]*){0,8}\s*(?:\(\w+\))?$"
)


def _name_pattern(name):
    return re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w-])", re.IGNORECASE)


_NAMES = [(name, _name_pattern(name)) for name in sorted(PROPER_NAMES + sorted(STATES), key=len, reverse=True)]
FUNCTION_WORD = re.compile(r"(?<=\s)(?:In|For|To|And|Of|The|On)\b")
WORD = re.compile(r"[^\W\d_][\w'’-]*")


def sentence_case(title: str) -> str:
    """The title in sentence case, proper nouns and acronyms kept (see the module's doc)."""
    if not title or not any(word[:1].isupper() for word in title.split()[1:]):
        return title  # already in sentence case, or one word
    if BODY_NAME.match(title):
        return FUNCTION_WORD.sub(lambda match: match.group(0).lower(), title)
    lowered = WORD.sub(_lower_common, title)
    for name, pattern in _NAMES:
        if name.casefold() in lowered.casefold():
            lowered = pattern.sub(name, lowered)
    # The UN opens the part after a colon with a capital: `Admission of new members: Palau`.
    return re.sub(r"(^|:\s+)(\w)", lambda match: match.group(1) + match.group(2).upper(), lowered)


def _lower_common(match):
    word = match.group(0)
    if word.isupper() and len(word) > 1:
        return word  # an acronym (UN, UNEF) or a Roman numeral
    return word.lower() if word.lower() in COMMON_WORDS else word
