"""Delegations the parser recognises: UN member states, observers and organisations.

Names are the UN's short forms ("Viet Nam", "Russian Federation"); ALIASES maps the other
ways texts and metadata write them to those forms, ISO3 maps ISO 3166 alpha-3 codes to them,
RENAMINGS says which name a state bore in which years (a statement shows the name of its
year), and participant_kind() classifies a delegation as the archive's Country.Kind values.
"""

import re

MEMBER_STATES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
Bolivia (Plurinational State of)|Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|
Burkina Faso|Burundi|Cabo Verde|Cambodia|Cameroon|Canada|Central African Republic|Chad|Chile|China|
Colombia|Comoros|Congo|Costa Rica|Côte d'Ivoire|Croatia|Cuba|Cyprus|Czechia|
Democratic People's Republic of Korea|Democratic Republic of the Congo|Denmark|Djibouti|Dominica|
Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|
Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|
Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran (Islamic Republic of)|Iraq|Ireland|Israel|Italy|
Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Latvia|
Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|
Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia (Federated States of)|Monaco|
Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|New Zealand|Nicaragua|
Niger|Nigeria|North Macedonia|Norway|Oman|Pakistan|Palau|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Qatar|Republic of Korea|Republic of Moldova|Romania|Russian Federation|
Rwanda|Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|
Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|
Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|
Syrian Arab Republic|Tajikistan|Thailand|Timor-Leste|Togo|Tonga|Trinidad and Tobago|Tunisia|Türkiye|
Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|United Kingdom|United Republic of Tanzania|
United States|Uruguay|Uzbekistan|Vanuatu|Venezuela (Bolivarian Republic of)|Viet Nam|Yemen|Zambia|Zimbabwe
"""

OBSERVER_STATES = "Holy See|State of Palestine"

# Members that no longer exist under any name; a state that only changed its name (Siam,
# Ceylon, Upper Volta, the USSR whose seat the Russian Federation continues) is an alias of its
# present name below, and RENAMINGS gives the years of each name.
FORMER_STATES = """
Yugoslavia|Czechoslovakia|German Democratic Republic|Democratic Yemen
"""

REGIONAL_ORGANISATIONS = """
European Union|African Union|League of Arab States|Organisation of Islamic Cooperation|
Association of Southeast Asian Nations|North Atlantic Treaty Organization|
Organization for Security and Co-operation in Europe|Council of Europe|Organization of American States|
Gulf Cooperation Council|Caribbean Community|Economic Community of West African States
"""

# Intergovernmental bodies with observer status in the General Assembly that are not regional.
OBSERVER_ORGANISATIONS = "International Committee of the Red Cross|International Criminal Court"

UN_BODIES = "United Nations"

# Groups of member states that speak together ("on behalf of the Nordic countries").
GROUPS_OF_STATES = """
Nordic Countries|Movement of Non-Aligned Countries|Group of Arab States|
Group of Friends of Children and Armed Conflict
"""

# Participants that are neither member states nor observers nor organisations.
OTHER_PARTICIPANTS = "Kosovo"

ORGANISATIONS = REGIONAL_ORGANISATIONS + "|" + OBSERVER_ORGANISATIONS + "|" + UN_BODIES

ALIASES = {
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "UK": "United Kingdom",
    "United States of America": "United States",
    "USA": "United States",
    "Russia": "Russian Federation",
    "Iran": "Iran (Islamic Republic of)",
    "Islamic Republic of Iran": "Iran (Islamic Republic of)",
    "Venezuela": "Venezuela (Bolivarian Republic of)",
    "Bolivarian Republic of Venezuela": "Venezuela (Bolivarian Republic of)",
    "Bolivia": "Bolivia (Plurinational State of)",
    "Plurinational State of Bolivia": "Bolivia (Plurinational State of)",
    "Micronesia": "Micronesia (Federated States of)",
    "Syria": "Syrian Arab Republic",
    "Vietnam": "Viet Nam",
    "Laos": "Lao People's Democratic Republic",
    "Tanzania": "United Republic of Tanzania",
    "Moldova": "Republic of Moldova",
    "South Korea": "Republic of Korea",
    "Korea": "Republic of Korea",
    "North Korea": "Democratic People's Republic of Korea",
    "DPRK": "Democratic People's Republic of Korea",
    "Turkey": "Türkiye",
    "Czech Republic": "Czechia",
    "Cote d'Ivoire": "Côte d'Ivoire",
    "Côte d’Ivoire": "Côte d'Ivoire",
    "Ivory Coast": "Côte d'Ivoire",
    "Cape Verde": "Cabo Verde",
    "Swaziland": "Eswatini",
    "The former Yugoslav Republic of Macedonia": "North Macedonia",
    "Kyrgyz Republic": "Kyrgyzstan",
    "Brunei": "Brunei Darussalam",
    "Palestine": "State of Palestine",
    "Saint Vincent and Grenadines": "Saint Vincent and the Grenadines",
    "Republic of Croatia": "Croatia",
    "Republic of Serbia": "Serbia",
    "Republic of Tunisia": "Tunisia",
    "Republic of San Marino": "San Marino",
    "Siam": "Thailand",
    "Union of Soviet Socialist Republics": "Russian Federation",
    "Soviet Union": "Russian Federation",
    "Byelorussian SSR": "Belarus",
    "Ukrainian SSR": "Ukraine",
    "United Arab Republic": "Egypt",
    "Khmer Republic": "Cambodia",
    "Democratic Kampuchea": "Cambodia",
    "Kampuchea": "Cambodia",
    "Libyan Arab Jamahiriya": "Libya",
    "Libyan Arab Republic": "Libya",
    "Western Samoa": "Samoa",
    "Tanganyika": "United Republic of Tanzania",
    "Congo (Leopoldville)": "Democratic Republic of the Congo",
    "Saint Christopher and Nevis": "Saint Kitts and Nevis",
    "Kyrgyztan": "Kyrgyzstan",
    "Ceylon": "Sri Lanka",
    "Burma": "Myanmar",
    "Union of Burma": "Myanmar",
    "Federation of Malaya": "Malaysia",
    "Upper Volta": "Burkina Faso",
    "Dahomey": "Benin",
    "Zaire": "Democratic Republic of the Congo",
    "Union of South Africa": "South Africa",
    "Philippine Republic": "Philippines",
    "Congo, Brazzaville": "Congo",
    "Congo (Brazzaville)": "Congo",
    "People's Republic of the Congo": "Congo",
    "Serbia and Montenegro": "Serbia",
    "Federal Republic of Yugoslavia": "Serbia",
    "Congo, Leopoldville": "Democratic Republic of the Congo",
    "Republic of Zambia": "Zambia",
    "Mongolian People's Republic": "Mongolia",
    "Byelorussian Soviet Socialist Republic": "Belarus",
    "Ukrainian Soviet Socialist Republic": "Ukraine",
    "Federal Republic of Germany": "Germany",
    "FDR": "Germany",
    "FRG": "Germany",
    "DDR": "German Democratic Republic",
    "GDR": "German Democratic Republic",
    "USSR": "Russian Federation",
    "Korea, Republic of": "Republic of Korea",
    "Korea, Democratic People's Republic of": "Democratic People's Republic of Korea",
    "Micronesia, Federated States of": "Micronesia (Federated States of)",
    "Moldova, Republic of": "Republic of Moldova",
    "Macedonia, the former Yugoslav Republic of": "North Macedonia",
    "St Vincent and the Grenadines": "Saint Vincent and the Grenadines",
    "So Tome and Principe": "Sao Tome and Principe",
    "São Tomé and Príncipe": "Sao Tome and Principe",
    "Vatican": "Holy See",
    "Socialist Republic of Viet Nam": "Viet Nam",
    "Republic of Kazakhstan": "Kazakhstan",
    "League of the Arab States": "League of Arab States",
    "UN": "United Nations",
    "EU": "European Union",
    "AU": "African Union",
    "ASEAN": "Association of Southeast Asian Nations",
    "NATO": "North Atlantic Treaty Organization",
    "OSCE": "Organization for Security and Co-operation in Europe",
    "ICC": "International Criminal Court",
    "ICRC": "International Committee of the Red Cross",
}


def _split(block):
    return [name.strip() for name in block.replace("\n", "").split("|") if name.strip()]


STATES = frozenset(_split(MEMBER_STATES) + _split(OBSERVER_STATES) + _split(FORMER_STATES))
ORGANISATION_NAMES = frozenset(_split(ORGANISATIONS))
OTHER_NAMES = frozenset(_split(GROUPS_OF_STATES) + _split(OTHER_PARTICIPANTS))
_CANONICAL = {name.casefold(): name for name in STATES | ORGANISATION_NAMES | OTHER_NAMES}
_CANONICAL.update({alias.casefold(): name for alias, name in ALIASES.items()})


def canonical_country(name: str | None) -> str | None:
    """The UN short form of a delegation's name, or None when it is not one we know."""
    if not name:
        return None
    cleaned = re.sub(r"\s+", " ", name.replace("’", "'")).strip().strip(",.;:")
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.IGNORECASE)
    return _CANONICAL.get(cleaned.casefold())


def is_organisation(name: str) -> bool:
    return name in ORGANISATION_NAMES


# Country.Kind values; parsing imports nothing from Django, so they are spelled here.
MEMBER_STATE, OBSERVER, UN_BODY, REGIONAL, CIVIL_SOCIETY, GROUP, OTHER = (
    "member_state",
    "observer",
    "un_body",
    "regional",
    "civil_society",
    "group",
    "other",
)
_KIND_OF = {
    **{name: OBSERVER for name in _split(OBSERVER_STATES) + _split(OBSERVER_ORGANISATIONS)},
    **{name: REGIONAL for name in _split(REGIONAL_ORGANISATIONS)},
    **{name: UN_BODY for name in _split(UN_BODIES)},
    **{name: GROUP for name in _split(GROUPS_OF_STATES)},
    **{name: OTHER for name in _split(OTHER_PARTICIPANTS)},
}
# Names of UN organs and offices as briefers' rows give them: the Secretariat, its envoys, the
# committees and commissions of the Council and the Assembly, the agencies and programmes.
UN_BODY_NAME = re.compile(
    r"\b(?:United Nations|UN|UNICEF|UNHCR|UNDP|UNFPA|UNODC|UN-?Women|OCHA|OHCHR|WFP|IAEA|OPCW|UNRWA|"
    r"Secretariat|Secretary-General|Peacebuilding Commission|Security Council|General Assembly|"
    r"Committee on the Exercise of the Inalienable Rights of the Palestinian People|"
    r"Committee (?:established )?pursuant to resolution|Counter-Terrorism Committee|"
    r"International Court of Justice|International Residual Mechanism)\b"
)


def participant_kind(name: str) -> str:
    """What kind of participant a delegation is: a member state, an observer, a UN body, ...

    Names the tables above do not know are taken as civil society: the Council hears
    non-governmental briefers (Watchlist on Children and Armed Conflict, Médecins du Monde)
    under rule 39, and any state or organisation it hears is in the tables.
    """
    if name in _KIND_OF:
        return _KIND_OF[name]
    if name in STATES:
        return MEMBER_STATE
    if UN_BODY_NAME.search(name):
        return UN_BODY
    return CIVIL_SOCIETY


# A value in a delegation column that names no delegation: a record note, a placeholder.
NOT_A_DELEGATION = re.compile(
    r"^(?:|individual|unknown|n/?a|none|null|.*\b(?:spoke|speaks|interpretation)\s+(?:in|from)\b.*)$", re.IGNORECASE
)


def delegation_name(value: str | None) -> str | None:
    """The delegation a metadata value names: its UN short form when known, else the name as
    written when it looks like a participant's name (a civil-society briefer), else None.

    Stray brackets from OCR (`El] Salvador`) are dropped before looking the name up.
    """
    if not value:
        return None
    cleaned = re.sub(r"\s+", " ", re.sub(r"[\[\]{}]", "", value)).strip().strip(",.;:")
    if NOT_A_DELEGATION.match(cleaned) or not cleaned[:1].isalpha():
        return None
    return canonical_country(cleaned) or (cleaned if cleaned[:1].isupper() else None)


# ISO 3166-1 alpha-3 codes (and the ones datasets use for former states) to UN short forms.
ISO3 = {
    code: name
    for code, name in (
        entry.split(":")
        for entry in """
AFG:Afghanistan|ALB:Albania|DZA:Algeria|AND:Andorra|AGO:Angola|ATG:Antigua and Barbuda|ARG:Argentina|
ARM:Armenia|AUS:Australia|AUT:Austria|AZE:Azerbaijan|BHS:Bahamas|BHR:Bahrain|BGD:Bangladesh|BRB:Barbados|
BLR:Belarus|BEL:Belgium|BLZ:Belize|BEN:Benin|BTN:Bhutan|BOL:Bolivia (Plurinational State of)|
BIH:Bosnia and Herzegovina|BWA:Botswana|BRA:Brazil|BRN:Brunei Darussalam|BGR:Bulgaria|BFA:Burkina Faso|
BDI:Burundi|CPV:Cabo Verde|KHM:Cambodia|CMR:Cameroon|CAN:Canada|CAF:Central African Republic|TCD:Chad|
CHL:Chile|CHN:China|COL:Colombia|COM:Comoros|COG:Congo|CRI:Costa Rica|CIV:Côte d'Ivoire|HRV:Croatia|
CUB:Cuba|CYP:Cyprus|CZE:Czechia|PRK:Democratic People's Republic of Korea|
COD:Democratic Republic of the Congo|DNK:Denmark|DJI:Djibouti|DMA:Dominica|DOM:Dominican Republic|
ECU:Ecuador|EGY:Egypt|SLV:El Salvador|GNQ:Equatorial Guinea|ERI:Eritrea|EST:Estonia|SWZ:Eswatini|
ETH:Ethiopia|FJI:Fiji|FIN:Finland|FRA:France|GAB:Gabon|GMB:Gambia|GEO:Georgia|DEU:Germany|GHA:Ghana|
GRC:Greece|GRD:Grenada|GTM:Guatemala|GIN:Guinea|GNB:Guinea-Bissau|GUY:Guyana|HTI:Haiti|HND:Honduras|
HUN:Hungary|ISL:Iceland|IND:India|IDN:Indonesia|IRN:Iran (Islamic Republic of)|IRQ:Iraq|IRL:Ireland|
ISR:Israel|ITA:Italy|JAM:Jamaica|JPN:Japan|JOR:Jordan|KAZ:Kazakhstan|KEN:Kenya|KIR:Kiribati|KWT:Kuwait|
KGZ:Kyrgyzstan|LAO:Lao People's Democratic Republic|LVA:Latvia|LBN:Lebanon|LSO:Lesotho|LBR:Liberia|
LBY:Libya|LIE:Liechtenstein|LTU:Lithuania|LUX:Luxembourg|MDG:Madagascar|MWI:Malawi|MYS:Malaysia|
MDV:Maldives|MLI:Mali|MLT:Malta|MHL:Marshall Islands|MRT:Mauritania|MUS:Mauritius|MEX:Mexico|
FSM:Micronesia (Federated States of)|MCO:Monaco|MNG:Mongolia|MNE:Montenegro|MAR:Morocco|MOZ:Mozambique|
MMR:Myanmar|NAM:Namibia|NRU:Nauru|NPL:Nepal|NLD:Netherlands|NZL:New Zealand|NIC:Nicaragua|NER:Niger|
NGA:Nigeria|MKD:North Macedonia|NOR:Norway|OMN:Oman|PAK:Pakistan|PLW:Palau|PAN:Panama|
PNG:Papua New Guinea|PRY:Paraguay|PER:Peru|PHL:Philippines|POL:Poland|PRT:Portugal|QAT:Qatar|
KOR:Republic of Korea|MDA:Republic of Moldova|ROU:Romania|RUS:Russian Federation|RWA:Rwanda|
KNA:Saint Kitts and Nevis|LCA:Saint Lucia|VCT:Saint Vincent and the Grenadines|WSM:Samoa|SMR:San Marino|
STP:Sao Tome and Principe|SAU:Saudi Arabia|SEN:Senegal|SRB:Serbia|SYC:Seychelles|SLE:Sierra Leone|
SGP:Singapore|SVK:Slovakia|SVN:Slovenia|SLB:Solomon Islands|SOM:Somalia|ZAF:South Africa|SSD:South Sudan|
ESP:Spain|LKA:Sri Lanka|SDN:Sudan|SUR:Suriname|SWE:Sweden|CHE:Switzerland|SYR:Syrian Arab Republic|
TJK:Tajikistan|THA:Thailand|TLS:Timor-Leste|TGO:Togo|TON:Tonga|TTO:Trinidad and Tobago|TUN:Tunisia|
TUR:Türkiye|TKM:Turkmenistan|TUV:Tuvalu|UGA:Uganda|UKR:Ukraine|ARE:United Arab Emirates|
GBR:United Kingdom|TZA:United Republic of Tanzania|USA:United States|URY:Uruguay|UZB:Uzbekistan|
VUT:Vanuatu|VEN:Venezuela (Bolivarian Republic of)|VNM:Viet Nam|YEM:Yemen|ZMB:Zambia|ZWE:Zimbabwe|
VAT:Holy See|PSE:State of Palestine|SUN:Russian Federation|YUG:Yugoslavia|CSK:Czechoslovakia|
DDR:German Democratic Republic|YMD:Democratic Yemen|SCG:Serbia|EU:European Union
""".replace("\n", "").split("|")
    )
}


def country_of_code(code: str | None) -> str | None:
    """The UN short form of an ISO 3166 alpha-3 code (ARG -> Argentina), or None."""
    return ISO3.get((code or "").strip().upper())


# The names a state bore before its present one, with the first and last year of each (None:
# from its admission). Years are those of the General Assembly session the name was used in:
# a change made after the General Debate (Dahomey became Benin on 30 November 1975) counts
# from the next year. Each was checked against the state's own General Debate speeches.
RENAMINGS = {
    "Thailand": [("Siam", None, 1948)],  # Thailand from May 1949
    "Sri Lanka": [("Ceylon", None, 1971)],  # 22 May 1972
    "Burkina Faso": [("Upper Volta", None, 1983)],  # 4 August 1984
    "Benin": [("Dahomey", None, 1975)],  # 30 November 1975
    "Democratic Republic of the Congo": [("Congo (Leopoldville)", None, 1963), ("Zaire", 1972, 1996)],
    "Myanmar": [("Burma", None, 1988)],  # 18 June 1989
    "Eswatini": [("Swaziland", None, 2017)],  # April 2018
    "Türkiye": [("Turkey", None, 2021)],  # June 2022
    "Cabo Verde": [("Cape Verde", None, 2013)],  # October 2013
    "Cambodia": [("Khmer Republic", 1971, 1974), ("Democratic Kampuchea", 1975, 1989)],
    "Malaysia": [("Federation of Malaya", None, 1962)],  # 16 September 1963
    "United Republic of Tanzania": [("Tanganyika", None, 1963)],
    "Egypt": [("United Arab Republic", 1958, 1970)],  # 2 September 1971
    "Libya": [("Libyan Arab Republic", 1969, 1976), ("Libyan Arab Jamahiriya", 1977, 2010)],
    "Samoa": [("Western Samoa", None, 1996)],  # July 1997
    "Mongolia": [("Mongolian People's Republic", None, 1991)],
    "Côte d'Ivoire": [("Ivory Coast", None, 1985)],
    "Germany": [("Federal Republic of Germany", None, 1990)],  # 3 October 1990
    "Russian Federation": [("Union of Soviet Socialist Republics", None, 1991)],  # December 1991
    "Belarus": [("Byelorussian Soviet Socialist Republic", None, 1990)],  # September 1991
    "Ukraine": [("Ukrainian Soviet Socialist Republic", None, 1990)],  # August 1991
    "South Africa": [("Union of South Africa", None, 1960)],  # 31 May 1961
    "Saint Kitts and Nevis": [("Saint Christopher and Nevis", None, 1985)],
    "North Macedonia": [("The former Yugoslav Republic of Macedonia", None, 2018)],  # February 2019
    "Czechia": [("Czech Republic", None, 2015)],  # the short name Czechia from July 2016
    "Congo": [("Congo (Brazzaville)", None, 1969), ("People's Republic of the Congo", 1970, 1990)],
    # The Federal Republic of Yugoslavia (admitted in 2000), renamed Serbia and Montenegro in
    # February 2003, whose membership Serbia continues since June 2006. See SUCCESSIONS.
    "Serbia": [("Yugoslavia", 2000, 2002), ("Serbia and Montenegro", 2003, 2005)],
}

# A name that meant another state from a year on: "Yugoslavia" is the Socialist Federal Republic
# (1945-1992, continued by no one) until 1991, the Federal Republic of Yugoslavia from 1992,
# whose seat Serbia continues. The file of General Debate speeches names both "Yugoslavia" (YUG).
SUCCESSIONS = {
    "Yugoslavia": (1992, "Serbia"),
}


def name_in_year(name: str, year: int | None) -> str:
    """The name a state bore in a year: name_in_year("Thailand", 1947) -> "Siam"."""
    if year is None:
        return name
    for former, first, last in RENAMINGS.get(name, ()):
        if (first is None or first <= year) and year <= last:
            return former
    return name


def state_in_year(name: str | None, year: int | None) -> str | None:
    """The present name of the state a name stood for in a year: state_in_year("Yugoslavia",
    2001) -> "Serbia", state_in_year("Yugoslavia", 1990) -> "Yugoslavia"; other names unchanged."""
    canonical = canonical_country(name) or name
    succession = SUCCESSIONS.get(canonical)
    if succession and year is not None and year >= succession[0]:
        return succession[1]
    return name


def former_names(name: str) -> list[tuple[str, int | None, int]]:
    """The names a state bore before its present one, oldest first: [(name, first year, last year)]."""
    return list(RENAMINGS.get(name, ()))


# Longest names first so "Democratic Republic of the Congo" wins over "Congo".
_NAMES_BY_LENGTH = sorted(
    (name for name, canonical in _CANONICAL.items() if canonical not in OTHER_NAMES), key=len, reverse=True
)
_COUNTRY_IN_TEXT = re.compile(
    r"\b(?:of|for)\s+(?:the\s+)?(" + "|".join(re.escape(name) for name in _NAMES_BY_LENGTH if len(name) > 3) + r")\b",
    re.IGNORECASE,
)


def country_in_role(role: str) -> str | None:
    """The country a role names: "Permanent Representative of Japan to the United Nations" -> Japan."""
    for match in _COUNTRY_IN_TEXT.finditer(role):
        country = canonical_country(match.group(1))
        if country and country != "United Nations":
            return country
    return None
