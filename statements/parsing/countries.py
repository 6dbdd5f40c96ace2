"""Delegations the parser recognises: UN member states, observers and organisations.

Names are the UN's short forms ("Viet Nam", "Russian Federation"); ALIASES maps the other
ways texts and metadata write them to those forms.
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
# Ceylon, Upper Volta) is an alias of its present name below.
FORMER_STATES = """
Union of Soviet Socialist Republics|Yugoslavia|Czechoslovakia|German Democratic Republic|
United Arab Republic|Democratic Yemen|Serbia and Montenegro
"""

ORGANISATIONS = """
European Union|African Union|League of Arab States|Organisation of Islamic Cooperation|
Association of Southeast Asian Nations|North Atlantic Treaty Organization|
Organization for Security and Co-operation in Europe|International Committee of the Red Cross|
International Criminal Court|United Nations|Council of Europe|Organization of American States|
Gulf Cooperation Council|Caribbean Community|Economic Community of West African States
"""

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
    "USSR": "Union of Soviet Socialist Republics",
    "Korea, Republic of": "Republic of Korea",
    "Korea, Democratic People's Republic of": "Democratic People's Republic of Korea",
    "Micronesia, Federated States of": "Micronesia (Federated States of)",
    "Moldova, Republic of": "Republic of Moldova",
    "Macedonia, the former Yugoslav Republic of": "North Macedonia",
    "St Vincent and the Grenadines": "Saint Vincent and the Grenadines",
    "Saint Christopher and Nevis": "Saint Kitts and Nevis",
    "So Tome and Principe": "Sao Tome and Principe",
    "São Tomé and Príncipe": "Sao Tome and Principe",
    "Vatican": "Holy See",
    "Russia": "Russian Federation",
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
_CANONICAL = {name.casefold(): name for name in STATES | ORGANISATION_NAMES}
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


# Longest names first so "Democratic Republic of the Congo" wins over "Congo".
_NAMES_BY_LENGTH = sorted(_CANONICAL, key=len, reverse=True)
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
