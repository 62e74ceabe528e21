"""The Canada–EU security and defence pact as data, for `manage.py load_demo`.

Facts come from the desk's fact sheet. Dates are written as precisely as they are known:
"2016-10-30" (a day), "2025-06" (a month), "2025" (a year). Identifiers (ISO 3166 codes,
Wikidata QIDs) are given only where certain and left blank otherwise. Briefing bodies are
Markdown files in `briefings/`, named after their slugs.
"""

import datetime

from django.utils.text import slugify

# name, ISO 3166 alpha-2, alpha-3, Wikidata QID, date it joined the EU (None: not a member).
# Founding members are dated from the European Economic Community, as the EU itself does.
STATES = [
    ("Austria", "AT", "AUT", "Q40", "1995-01-01"),
    ("Belgium", "BE", "BEL", "Q31", "1958-01-01"),
    ("Bulgaria", "BG", "BGR", "Q219", "2007-01-01"),
    ("Croatia", "HR", "HRV", "Q224", "2013-07-01"),
    ("Cyprus", "CY", "CYP", "Q229", "2004-05-01"),
    ("Czechia", "CZ", "CZE", "Q213", "2004-05-01"),
    ("Denmark", "DK", "DNK", "Q35", "1973-01-01"),
    ("Estonia", "EE", "EST", "Q191", "2004-05-01"),
    ("Finland", "FI", "FIN", "Q33", "1995-01-01"),
    ("France", "FR", "FRA", "Q142", "1958-01-01"),
    ("Germany", "DE", "DEU", "Q183", "1958-01-01"),
    ("Greece", "GR", "GRC", "Q41", "1981-01-01"),
    ("Hungary", "HU", "HUN", "Q28", "2004-05-01"),
    ("Ireland", "IE", "IRL", "Q27", "1973-01-01"),
    ("Italy", "IT", "ITA", "Q38", "1958-01-01"),
    ("Latvia", "LV", "LVA", "Q211", "2004-05-01"),
    ("Lithuania", "LT", "LTU", "Q37", "2004-05-01"),
    ("Luxembourg", "LU", "LUX", "Q32", "1958-01-01"),
    ("Malta", "MT", "MLT", "Q233", "2004-05-01"),
    ("Netherlands", "NL", "NLD", "Q55", "1958-01-01"),
    ("Poland", "PL", "POL", "Q36", "2004-05-01"),
    ("Portugal", "PT", "PRT", "Q45", "1986-01-01"),
    ("Romania", "RO", "ROU", "Q218", "2007-01-01"),
    ("Slovakia", "SK", "SVK", "Q214", "2004-05-01"),
    ("Slovenia", "SI", "SVN", "Q215", "2004-05-01"),
    ("Spain", "ES", "ESP", "Q29", "1986-01-01"),
    ("Sweden", "SE", "SWE", "Q34", "1995-01-01"),
    ("Canada", "CA", "CAN", "Q16", None),
    ("United States", "US", "USA", "Q30", None),
    ("United Kingdom", "GB", "GBR", "Q145", "1973-01-01"),
    ("Norway", "NO", "NOR", "Q20", None),
    ("Japan", "JP", "JPN", "Q17", None),
    ("Ukraine", "UA", "UKR", "Q212", None),
    ("Russia", "RU", "RUS", "Q159", None),
]

# The states' names in French, as the French pages show them.
STATE_NAMES_FR = {
    "Austria": "Autriche",
    "Belgium": "Belgique",
    "Bulgaria": "Bulgarie",
    "Croatia": "Croatie",
    "Cyprus": "Chypre",
    "Czechia": "Tchéquie",
    "Denmark": "Danemark",
    "Estonia": "Estonie",
    "Finland": "Finlande",
    "France": "France",
    "Germany": "Allemagne",
    "Greece": "Grèce",
    "Hungary": "Hongrie",
    "Ireland": "Irlande",
    "Italy": "Italie",
    "Latvia": "Lettonie",
    "Lithuania": "Lituanie",
    "Luxembourg": "Luxembourg",
    "Malta": "Malte",
    "Netherlands": "Pays-Bas",
    "Poland": "Pologne",
    "Portugal": "Portugal",
    "Romania": "Roumanie",
    "Slovakia": "Slovaquie",
    "Slovenia": "Slovénie",
    "Spain": "Espagne",
    "Sweden": "Suède",
    "Canada": "Canada",
    "United States": "États-Unis",
    "United Kingdom": "Royaume-Uni",
    "Norway": "Norvège",
    "Japan": "Japon",
    "Ukraine": "Ukraine",
    "Russia": "Russie",
}

STATE_SUMMARIES = {
    "Canada": (
        "North American state and founding member of NATO. Its security and defence "
        "partnership with the European Union, signed in June 2025, is the EU's first with a "
        "country in the Americas."
    ),
    "United Kingdom": (
        "Left the European Union on 31 January 2020. Its security and defence partnership "
        "with the EU served as the model for Canada's."
    ),
    "Belgium": "Host of the EU institutions in Brussels; one of the ten states yet to ratify CETA.",
    "France": "Its Senate voted down the CETA ratification bill in March 2024.",
}
STATE_SUMMARIES_FR = {
    "Canada": (
        "État d'Amérique du Nord, membre fondateur de l'OTAN. Le partenariat de sécurité et "
        "de défense qu'il a signé avec l'Union européenne en juin 2025 est le premier de l'UE "
        "avec un pays des Amériques."
    ),
    "United Kingdom": (
        "A quitté l'Union européenne le 31 janvier 2020. Son partenariat de sécurité et de "
        "défense avec l'UE a servi de modèle à celui du Canada."
    ),
    "Belgium": (
        "Accueille les institutions européennes à Bruxelles ; l'un des dix États qui n'ont "
        "pas encore ratifié l'AECG."
    ),
    "France": "Son Sénat a rejeté le projet de loi de ratification de l'AECG en mars 2024.",
}

# The EU membership that ended: the United Kingdom's, at Brexit.
EU_EXITS = {"United Kingdom": "2020-01-31"}

# NATO members among the states above, with the date each joined, as precisely as known.
NATO_MEMBERS = {
    **dict.fromkeys(
        [
            "Belgium",
            "Canada",
            "Denmark",
            "France",
            "Italy",
            "Luxembourg",
            "Netherlands",
            "Norway",
            "Portugal",
            "United Kingdom",
            "United States",
        ],
        "1949",
    ),
    "Greece": "1952",
    "Germany": "1955",
    "Spain": "1982",
    **dict.fromkeys(["Czechia", "Hungary", "Poland"], "1999-03-12"),
    **dict.fromkeys(
        ["Bulgaria", "Estonia", "Latvia", "Lithuania", "Romania", "Slovakia", "Slovenia"],
        "2004-03-29",
    ),
    "Croatia": "2009-04-01",
    "Finland": "2023-04-04",
    "Sweden": "2024-03-07",
}

ACTORS = [
    {
        "slug": "european-union",
        "name": "European Union",
        "short_name": "EU",
        "kind": "bloc",
        "wikidata_qid": "Q458",
        "summary": (
            "Political and economic union of 27 member states. It negotiates trade agreements "
            "for its members and signs security and defence partnerships with close partners."
        ),
        "name_fr": "Union européenne",
        "short_name_fr": "UE",
        "summary_fr": (
            "Union politique et économique de 27 États membres. Elle négocie les accords "
            "commerciaux au nom de ses membres et conclut des partenariats de sécurité et de "
            "défense avec ses proches partenaires."
        ),
    },
    {
        "slug": "european-commission",
        "name": "European Commission",
        "kind": "institution",
        "summary": "The EU's executive: it proposes legislation and negotiates trade agreements.",
        "name_fr": "Commission européenne",
        "summary_fr": (
            "L'exécutif de l'UE : elle propose les textes législatifs et négocie les accords "
            "commerciaux."
        ),
    },
    {
        "slug": "european-council",
        "name": "European Council",
        "kind": "institution",
        "summary": "The member states' heads of state or government, who set the EU's course.",
        "name_fr": "Conseil européen",
        "summary_fr": (
            "Les chefs d'État ou de gouvernement des États membres, qui fixent le cap de l'UE."
        ),
    },
    {
        "slug": "nato",
        "name": "North Atlantic Treaty Organization",
        "short_name": "NATO",
        "kind": "organisation",
        "wikidata_qid": "Q7184",
        "summary": "The transatlantic defence alliance of 1949; Canada is a founding member.",
        "name_fr": "Organisation du traité de l'Atlantique Nord",
        "short_name_fr": "OTAN",
        "summary_fr": "L'alliance de défense transatlantique née en 1949, dont le Canada est "
        "membre fondateur.",
    },
    {
        "slug": "mark-carney",
        "name": "Mark Carney",
        "kind": "person",
        "summary": (
            "Prime Minister of Canada since 2025. He won the April 2025 federal election on a "
            "platform of national sovereignty and more diverse partnerships abroad."
        ),
        "summary_fr": (
            "Premier ministre du Canada depuis 2025. Il a remporté les élections fédérales "
            "d'avril 2025 en défendant la souveraineté nationale et des partenariats plus "
            "variés à l'étranger."
        ),
    },
    {
        "slug": "diana-fox-carney",
        "name": "Diana Fox Carney",
        "kind": "person",
        "summary": "Spouse of Mark Carney.",
        "summary_fr": "Épouse de Mark Carney.",
    },
    {
        "slug": "ursula-von-der-leyen",
        "name": "Ursula von der Leyen",
        "kind": "person",
        "summary": "President of the European Commission since December 2019.",
        "summary_fr": "Présidente de la Commission européenne depuis décembre 2019.",
    },
    {
        "slug": "antonio-costa",
        "name": "António Costa",
        "kind": "person",
        "summary": "President of the European Council since December 2024.",
        "summary_fr": "Président du Conseil européen depuis décembre 2024.",
    },
    {
        "slug": "donald-trump",
        "name": "Donald Trump",
        "kind": "person",
        "wikidata_qid": "Q22686",
        "summary": "President of the United States, in office again since January 2025.",
        "summary_fr": "Président des États-Unis, de retour au pouvoir depuis janvier 2025.",
    },
    {
        "slug": "keir-starmer",
        "name": "Keir Starmer",
        "kind": "person",
        "summary": "Prime Minister of the United Kingdom since July 2024.",
        "summary_fr": "Premier ministre du Royaume-Uni depuis juillet 2024.",
    },
    {
        "slug": "bart-de-wever",
        "name": "Bart De Wever",
        "kind": "person",
        "summary": "Prime Minister of Belgium since February 2025.",
        "summary_fr": "Premier ministre de la Belgique depuis février 2025.",
    },
]

# member slug, organisation slug, role, start, end.
INSTITUTIONS = [
    ("european-commission", "european-union", "institution", None, None),
    ("european-council", "european-union", "institution", None, None),
]

# title, role, organisation slug, terms as (person slug, start, end).
OFFICES = [
    ("Prime Minister of Canada", "Prime Minister", "canada", [("mark-carney", "2025", None)]),
    (
        "President of the European Commission",
        "President",
        "european-commission",
        [("ursula-von-der-leyen", "2019-12-01", None)],
    ),
    (
        "President of the European Council",
        "President",
        "european-council",
        [("antonio-costa", "2024-12-01", None)],
    ),
    (
        "President of the United States",
        "President",
        "united-states",
        [("donald-trump", "2017-01-20", "2021-01-20"), ("donald-trump", "2025-01-20", None)],
    ),
    (
        "Prime Minister of the United Kingdom",
        "Prime Minister",
        "united-kingdom",
        [("keir-starmer", "2024-07-05", None)],
    ),
    (
        "Prime Minister of Belgium",
        "Prime Minister",
        "belgium",
        [("bart-de-wever", "2025-02", None)],
    ),
]

# The offices' titles in French, by their English title.
OFFICE_TITLES_FR = {
    "Prime Minister of Canada": "Premier ministre du Canada",
    "President of the European Commission": "Président de la Commission européenne",
    "President of the European Council": "Président du Conseil européen",
    "President of the United States": "Président des États-Unis",
    "Prime Minister of the United Kingdom": "Premier ministre du Royaume-Uni",
    "Prime Minister of Belgium": "Premier ministre de la Belgique",
}

EU_MEMBER_SLUGS = [slugify(name) for name, *_, joined in STATES if joined and name not in EU_EXITS]

CETA_SIGNED = "2016-10-30"
CETA_PROVISIONAL = "2017-09-21"
# Member states' deposits of their instruments of ratification.
CETA_RATIFICATIONS = {
    "latvia": "2017-03-09",
    "denmark": "2017-06-01",
    "malta": "2017-07-26",
    "croatia": "2017-11-09",
    "estonia": "2017-11-10",
    "czechia": "2017-11-16",
    "spain": "2017-12-13",
    "portugal": "2018-01-31",
    "lithuania": "2018-05-17",
    "sweden": "2018-10-09",
    "united-kingdom": "2018-11-08",
    "finland": "2019-01-03",
    "austria": "2019-05-23",
    "slovakia": "2019-11-28",
    "luxembourg": "2020-06-10",
    "romania": "2020-12-02",
    "netherlands": "2022-11-23",
    "germany": "2023-08-09",
}
CETA_NOTES = {
    "united-kingdom": {"ratification": "Deposited by the United Kingdom, then an EU member state."},
}
CETA_DOMESTIC = {
    "france": [
        (
            "domestic_rejection",
            "2024-03-21",
            "Senate rejected the ratification bill, 211–44; it returns to the National Assembly.",
        )
    ],
    "netherlands": [
        ("domestic_approval", "2022-07-12", "Parliament's vote, months before the deposit.")
    ],
}


UK_CEASED_NOTE = "End of the Brexit transition period: CETA no longer applies to the UK."


def _ceta_parties():
    parties = []
    for slug in ["canada", "european-union"]:
        actions = [
            ("signature", CETA_SIGNED, ""),
            ("provisional_application", CETA_PROVISIONAL, ""),
        ]
        parties.append((slug, "party", "", actions))
    for slug in sorted([*EU_MEMBER_SLUGS, "united-kingdom"]):
        notes = CETA_NOTES.get(slug, {})
        actions = [("signature", CETA_SIGNED, "")]
        if slug in CETA_RATIFICATIONS:
            actions.append(
                ("ratification", CETA_RATIFICATIONS[slug], notes.get("ratification", ""))
            )
        actions += CETA_DOMESTIC.get(slug, [])
        if slug == "united-kingdom":
            actions.append(("ceased_coverage", "2020-12-31", UK_CEASED_NOTE))
        note = (
            "Left the EU in 2020: CETA no longer covers it, and a UK–Canada trade continuity "
            "agreement took its place."
            if slug == "united-kingdom"
            else ""
        )
        parties.append((slug, "party", note, actions))
    return parties


SIGNED_AT_SUMMIT = ("signature", "2025-06-23", "At the EU–Canada summit in Brussels.")

# The parties' notes in French, by their English note.
PARTY_NOTES_FR = {
    "Left the EU in 2020: CETA no longer covers it, and a UK–Canada trade continuity "
    "agreement took its place.": (
        "A quitté l'UE en 2020 : l'AECG ne le couvre plus, et un accord de continuité "
        "commerciale entre le Royaume-Uni et le Canada a pris le relais."
    ),
    "Signed at the EU–Canada summit.": "Signé lors du sommet UE–Canada.",
    "Access needs a further technical agreement, still to be negotiated.": (
        "Sa participation suppose un accord technique supplémentaire, encore à négocier."
    ),
}

AGREEMENTS = [
    {
        "slug": "eu-canada-security-and-defence-partnership",
        "title": "EU–Canada Security and Defence Partnership",
        "short_name": "EU–Canada SDP",
        "kind": "security_defence",
        "status": "signed",
        "signed": "2025-06-23",
        "signed_place": "Brussels",
        "summary": (
            "A framework for cooperation between Canada and the European Union on military "
            "capabilities, defence procurement and interoperability, arms control, "
            "cybersecurity, maritime security and security in space, including satellite-based "
            "systems. Both sides also undertake to coordinate their aid to Ukraine. Signed at "
            "the EU–Canada summit in Brussels in June 2025, it follows the EU–UK partnership and "
            "is the EU's first of its kind with a country in the Americas."
        ),
        "title_fr": "Partenariat de sécurité et de défense UE–Canada",
        "short_name_fr": "PSD UE–Canada",
        "signed_place_fr": "Bruxelles",
        "summary_fr": (
            "Un cadre de coopération entre le Canada et l'Union européenne sur les capacités "
            "militaires, les achats de défense et l'interopérabilité, la maîtrise des armements, "
            "la cybersécurité, la sûreté maritime et la sécurité spatiale, y compris les "
            "systèmes satellitaires. Les deux parties s'engagent aussi à coordonner leur aide à "
            "l'Ukraine. Signé au sommet UE–Canada de Bruxelles en juin 2025, dans la lignée du "
            "partenariat UE–Royaume-Uni, c'est le premier accord de ce type entre l'UE et un "
            "pays des Amériques."
        ),
        "parties": [
            ("canada", "party", "Signed at the EU–Canada summit.", [SIGNED_AT_SUMMIT]),
            ("european-union", "party", "Signed at the EU–Canada summit.", [SIGNED_AT_SUMMIT]),
        ],
    },
    {
        "slug": "safe",
        "title": "Security Action for Europe",
        "short_name": "SAFE",
        "kind": "funding",
        "status": "in_force",
        "needs_ratification": False,
        "adopted": "2025-05-27",
        "adopted_by": "Council of the EU (a regulation)",
        "applies_from": "2025-05-29",
        "summary": (
            "The EU's €150 billion instrument to finance defence procurement by member states, "
            "with a preference for buying together. Countries outside the Union can take part "
            "only through a separate agreement; Canada's is still to be negotiated."
        ),
        "title_fr": "Action pour la sécurité de l'Europe",
        "adopted_by_fr": "Conseil de l'UE (un règlement)",
        "summary_fr": (
            "L'instrument de 150\N{NO-BREAK SPACE}milliards d'euros par lequel l'UE finance "
            "les achats de défense de ses États membres, de préférence groupés. Un pays tiers "
            "n'y a accès que par un accord distinct ; celui du Canada reste à négocier."
        ),
        "parties": [
            *[(slug, "party", "", []) for slug in EU_MEMBER_SLUGS],
            (
                "canada",
                "prospective",
                "Access needs a further technical agreement, still to be negotiated.",
                [],
            ),
        ],
    },
    {
        "slug": "canada-eu-safe-participation-agreement",
        "title": "Canada–EU agreement on Canada's participation in SAFE",
        "short_name": "Canada–SAFE agreement",
        "kind": "treaty",
        "status": "negotiating",
        "summary": (
            "The technical agreement Canada needs before it can take part in purchases financed "
            "by SAFE. The security and defence partnership of June 2025 opened the way to it; "
            "its terms were still to be negotiated."
        ),
        "title_fr": "Accord Canada–UE sur la participation du Canada à SAFE",
        "short_name_fr": "Accord Canada–SAFE",
        "summary_fr": (
            "L'accord technique dont le Canada a besoin pour prendre part aux achats financés "
            "par SAFE. Le partenariat de sécurité et de défense de juin 2025 en a ouvert la "
            "voie ; ses termes restaient à négocier."
        ),
        "parties": [("canada", "party", "", []), ("european-union", "party", "", [])],
    },
    {
        "slug": "ceta",
        "title": "Comprehensive Economic and Trade Agreement",
        "short_name": "CETA",
        "kind": "trade",
        "status": "provisional",
        "signed": "2016-10-30",
        "signed_place": "Brussels",
        "provisionally_applied_on": "2017-09-21",
        "summary": (
            "The trade agreement between Canada on one side and the EU and its member states on "
            "the other. It removed 98% of tariffs between the two markets and underpins a "
            "€125 billion trade relationship. Signed in 2016 and provisionally applied since "
            "September 2017 for the parts under EU competence, it cannot enter fully into force "
            "until every member state has ratified it; ten have not."
        ),
        "title_fr": "Accord économique et commercial global",
        "short_name_fr": "AECG",
        "signed_place_fr": "Bruxelles",
        "summary_fr": (
            "L'accord commercial entre le Canada d'une part, l'UE et ses États membres de "
            "l'autre. Il a supprimé 98\N{NO-BREAK SPACE}% des droits de douane entre les deux "
            "marchés et sous-tend des échanges de 125\N{NO-BREAK SPACE}milliards d'euros. "
            "Signé en 2016 et appliqué à titre provisoire depuis septembre 2017 pour ce qui "
            "relève de la compétence de l'UE, il n'entrera pleinement en vigueur qu'une fois "
            "ratifié par tous les États membres ; dix ne l'ont pas fait."
        ),
        "parties": _ceta_parties(),
    },
    {
        "slug": "eu-uk-security-and-defence-partnership",
        "title": "EU–UK Security and Defence Partnership",
        "short_name": "EU–UK SDP",
        "kind": "security_defence",
        "status": "signed",
        "signed": "2025-05",
        "signed_place": "London",
        "summary": (
            "Agreed at the first EU–UK summit, in London in May 2025. It was the template for "
            "the partnership the EU signed with Canada a month later."
        ),
        "title_fr": "Partenariat de sécurité et de défense UE–Royaume-Uni",
        "short_name_fr": "PSD UE–Royaume-Uni",
        "signed_place_fr": "Londres",
        "summary_fr": (
            "Conclu au premier sommet UE–Royaume-Uni, à Londres en mai 2025. Il a servi de "
            "modèle au partenariat que l'UE a signé avec le Canada un mois plus tard."
        ),
        "parties": [("european-union", "party", "", []), ("united-kingdom", "party", "", [])],
    },
    {
        "slug": "eu-norway-security-and-defence-partnership",
        "title": "EU–Norway Security and Defence Partnership",
        "short_name": "EU–Norway SDP",
        "kind": "security_defence",
        "status": "signed",
        "summary": "An earlier partnership of the same kind, between the EU and Norway.",
        "title_fr": "Partenariat de sécurité et de défense UE–Norvège",
        "short_name_fr": "PSD UE–Norvège",
        "summary_fr": "Un partenariat antérieur du même type, entre l'UE et la Norvège.",
        "parties": [("european-union", "party", "", []), ("norway", "party", "", [])],
    },
    {
        "slug": "eu-japan-security-and-defence-partnership",
        "title": "EU–Japan Security and Defence Partnership",
        "short_name": "EU–Japan SDP",
        "kind": "security_defence",
        "status": "signed",
        "summary": "An earlier partnership of the same kind, between the EU and Japan.",
        "title_fr": "Partenariat de sécurité et de défense UE–Japon",
        "short_name_fr": "PSD UE–Japon",
        "summary_fr": "Un partenariat antérieur du même type, entre l'UE et le Japon.",
        "parties": [("european-union", "party", "", []), ("japan", "party", "", [])],
    },
    {
        "slug": "nato-defence-spending-guideline",
        "title": "NATO 2% of GDP defence spending guideline",
        "short_name": "NATO 2%",
        "kind": "alliance",
        "status": "in_force",
        "concluded": "2014",
        "needs_ratification": False,
        "adopted": "2014-09-05",
        "adopted_by": "NATO summit, Wales",
        "applies_from": "2014-09-05",
        "summary": (
            "The allies' commitment, agreed in 2014, to move towards spending 2% of their GDP "
            "on defence within a decade. Canada spent 1.37% of GDP on defence in 2024."
        ),
        "title_fr": "Objectif de l'OTAN de 2\N{NO-BREAK SPACE}% du PIB pour la défense",
        "short_name_fr": "OTAN 2\N{NO-BREAK SPACE}%",
        "adopted_by_fr": "Sommet de l'OTAN, pays de Galles",
        "summary_fr": (
            "L'engagement pris par les alliés en 2014 de tendre vers 2\N{NO-BREAK SPACE}% de "
            "leur PIB consacrés à la défense en l'espace de dix ans. Le Canada y a consacré "
            "1,37\N{NO-BREAK SPACE}% de son PIB en 2024."
        ),
        "parties": [(slugify(name), "party", "", []) for name in sorted(NATO_MEMBERS)],
    },
]

# source slug, kind, target slug, note.
RELATIONS = [
    (
        "eu-canada-security-and-defence-partnership",
        "mirrors",
        "eu-uk-security-and-defence-partnership",
        "Follows the structure of the EU–UK partnership.",
    ),
    (
        "eu-canada-security-and-defence-partnership",
        "related",
        "eu-norway-security-and-defence-partnership",
        "An earlier partnership of the same kind.",
    ),
    (
        "eu-canada-security-and-defence-partnership",
        "related",
        "eu-japan-security-and-defence-partnership",
        "An earlier partnership of the same kind.",
    ),
    (
        "canada-eu-safe-participation-agreement",
        "implements",
        "safe",
        "Would open SAFE-financed procurement to Canada, on terms still to be agreed.",
    ),
    (
        "canada-eu-safe-participation-agreement",
        "requires",
        "eu-canada-security-and-defence-partnership",
        "Talks on access to SAFE build on the partnership.",
    ),
]

EVENTS = [
    {
        "slug": "eu-canada-summit-2025",
        "title": "EU–Canada summit",
        "kind": "summit",
        "start": "2025-06-23",
        "place_name": "Brussels",
        "country": "belgium",
        "summary": (
            "Canada's prime minister met the presidents of the European Council and the "
            "European Commission. The two sides signed a security and defence partnership and "
            "discussed trade and support for Ukraine."
        ),
        "title_fr": "Sommet UE–Canada",
        "place_name_fr": "Bruxelles",
        "summary_fr": (
            "Le Premier ministre du Canada a rencontré les présidents du Conseil européen et de "
            "la Commission européenne. Les deux parties ont signé un partenariat de sécurité et "
            "de défense et parlé commerce et soutien à l'Ukraine."
        ),
        "participants": [
            ("antonio-costa", "host"),
            ("ursula-von-der-leyen", "host"),
            ("european-union", "host"),
            ("mark-carney", "visitor"),
            ("canada", "visitor"),
        ],
        "agreements": ["eu-canada-security-and-defence-partnership", "ceta"],
    },
    {
        "slug": "signing-eu-canada-security-and-defence-partnership",
        "title": "Signing of the EU–Canada Security and Defence Partnership",
        "kind": "signing",
        "start": "2025-06-23",
        "place_name": "Brussels",
        "country": "belgium",
        "parent": "eu-canada-summit-2025",
        "summary": "The partnership was signed during the EU–Canada summit.",
        "title_fr": "Signature du partenariat de sécurité et de défense UE–Canada",
        "place_name_fr": "Bruxelles",
        "summary_fr": "Le partenariat a été signé pendant le sommet UE–Canada.",
        "participants": [
            ("mark-carney", "signatory"),
            ("antonio-costa", "signatory"),
            ("ursula-von-der-leyen", "signatory"),
        ],
        "agreements": ["eu-canada-security-and-defence-partnership"],
    },
    {
        "slug": "schoonselhof-visit-2025",
        "title": "Visit to the Schoonselhof military cemetery",
        "kind": "visit",
        "start": "2025-06-22",
        "place_name": "Schoonselhof cemetery, Antwerp",
        "country": "belgium",
        "summary": (
            "On the day before the EU–Canada summit, Mark Carney and Diana Fox Carney visited "
            "the Antwerp cemetery where 348 Canadian soldiers are buried, received by Belgium's "
            "prime minister, Bart De Wever."
        ),
        "title_fr": "Visite au cimetière militaire de Schoonselhof",
        "place_name_fr": "Cimetière de Schoonselhof, Anvers",
        "summary_fr": (
            "La veille du sommet UE–Canada, Mark Carney et Diana Fox Carney se sont rendus au "
            "cimetière d'Anvers où reposent 348 soldats canadiens, accueillis par le Premier "
            "ministre belge, Bart De Wever."
        ),
        "participants": [
            ("mark-carney", "visitor"),
            ("diana-fox-carney", "visitor"),
            ("bart-de-wever", "host"),
        ],
        "agreements": [],
    },
    {
        "slug": "schoonselhof-wreath-laying-2025",
        "title": "Wreath laying at Schoonselhof",
        "kind": "commemoration",
        "start": "2025-06-22",
        "place_name": "Schoonselhof cemetery, Antwerp",
        "country": "belgium",
        "parent": "schoonselhof-visit-2025",
        "summary": (
            "A wreath was laid in memory of the Canadian soldiers buried at the cemetery; "
            "Bart De Wever's son played the Last Post."
        ),
        "title_fr": "Dépôt de gerbe à Schoonselhof",
        "place_name_fr": "Cimetière de Schoonselhof, Anvers",
        "summary_fr": (
            "Une gerbe a été déposée à la mémoire des soldats canadiens inhumés au cimetière ; "
            "le fils de Bart De Wever a joué la sonnerie du Last Post."
        ),
        "participants": [
            ("mark-carney", "attendee"),
            ("diana-fox-carney", "attendee"),
            ("bart-de-wever", "host"),
        ],
        "agreements": [],
    },
    {
        "slug": "canadian-federal-election-2025",
        "title": "Canadian federal election",
        "kind": "election",
        "start": "2025-04",
        "place_name": "",
        "country": "canada",
        "summary": (
            "Won by Mark Carney's Liberals on a platform of national sovereignty and more "
            "diverse partnerships; the campaign pledged Canada would never be the “51st state”."
        ),
        "title_fr": "Élections fédérales canadiennes",
        "summary_fr": (
            "Remportées par les libéraux de Mark Carney sur la promesse de la souveraineté "
            "nationale et de partenariats plus variés ; la campagne avait juré que le Canada ne "
            "serait jamais le « 51e État »."
        ),
        "participants": [("mark-carney", "attendee")],
        "agreements": [],
    },
    {
        "slug": "ceta-signing-2016",
        "title": "Signing of CETA",
        "kind": "signing",
        "start": "2016-10-30",
        "place_name": "Brussels",
        "country": "belgium",
        "summary": "Canada, the EU and its member states signed the trade agreement.",
        "title_fr": "Signature de l'AECG",
        "place_name_fr": "Bruxelles",
        "summary_fr": "Le Canada, l'UE et ses États membres ont signé l'accord commercial.",
        "participants": [("canada", "signatory"), ("european-union", "signatory")],
        "agreements": ["ceta"],
    },
]

# Demo journalists for bylines: username, first name, last name, group. They cannot log in.
AUTHORS = [
    ("demo-hmarchand", "Hélène", "Marchand", "editor"),
    ("demo-dokafor", "Daniel", "Okafor", "writer"),
]
DEMO_EDITOR = "demo-hmarchand"
# The people the bylines name, each tied to the demo account above (which cannot log in).
CONTRIBUTORS = [
    {
        "user": "demo-hmarchand",
        "slug": "helene-marchand",
        "name": "Hélène Marchand",
        "role": "Editor, European security",
        "bio": (
            "Hélène Marchand edits the desk's European security coverage from Brussels. "
            "She follows how the EU turns defence-industrial ambitions into funding "
            "instruments and partnership texts, and reads every annex before the summit "
            "communiqué."
        ),
    },
    {
        "user": "demo-dokafor",
        "slug": "daniel-okafor",
        "name": "Daniel Okafor",
        "role": "Analyst, Canada and transatlantic affairs",
        "bio": (
            "Daniel Okafor covers Canada's foreign and trade policy for the desk, from "
            "Ottawa's procurement choices to the slow ratification of CETA in European "
            "parliaments. He keeps the dossier's ratification records up to date."
        ),
    },
]
DEMO_WRITER = "demo-dokafor"


def _at(value):
    return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)


# "published" carries the publication time; "scheduled" goes out a few minutes after loading.
# The scheduled one is tagged "defence", so a reader who follows that tag on `make run` gets it
# in the next digest.
BRIEFINGS = [
    {
        "slug": "canada-eu-sign-security-and-defence-partnership",
        "headline": "Canada and the EU sign a security and defence partnership",
        "dek": (
            "The Brussels summit puts defence cooperation between Ottawa and the Union on a "
            "formal footing — the first such framework the EU has agreed with a country in "
            "the Americas."
        ),
        "article_type": "news",
        "state": "published",
        "publish_at": _at("2025-06-23T16:30:00"),
        "authors": ["demo-dokafor"],
        "tags": [
            "defence",
            "security",
            "procurement",
            "cybersecurity",
            "space",
            "maritime",
            "arms-control",
            "Ukraine",
            "transatlantic",
            "Canada",
            "European Union",
        ],
        "actors": [
            "canada",
            "european-union",
            "mark-carney",
            "antonio-costa",
            "ursula-von-der-leyen",
            "donald-trump",
        ],
        "agreements": [
            "eu-canada-security-and-defence-partnership",
            "eu-uk-security-and-defence-partnership",
            "safe",
            "ceta",
        ],
        "events": ["eu-canada-summit-2025", "signing-eu-canada-security-and-defence-partnership"],
        "key_figures": [
            ("SAFE defence procurement instrument", "€150 billion", "", "European Union"),
            ("EU–Canada trade relationship underpinned by CETA", "€125 billion", "", ""),
        ],
        "sources": [
            ("EU–Canada summit joint statement", "European Council", None, ""),
            ("EU–Canada Security and Defence Partnership", "European Union", None, ""),
        ],
    },
    {
        "slug": "what-safe-access-would-mean-for-canada",
        "headline": "What access to SAFE would mean for Canada",
        "dek": (
            "The EU's €150 billion procurement instrument could give Canada's armed forces and "
            "industry a new channel into European defence buying. First, the two sides need "
            "another agreement."
        ),
        "article_type": "analysis",
        "state": "scheduled",
        "authors": ["demo-hmarchand"],
        "tags": ["SAFE", "defence", "procurement", "NATO", "Canada", "European Union"],
        "actors": ["canada", "european-union", "european-commission", "mark-carney"],
        "agreements": [
            "safe",
            "canada-eu-safe-participation-agreement",
            "eu-canada-security-and-defence-partnership",
            "nato-defence-spending-guideline",
        ],
        "events": ["eu-canada-summit-2025"],
        "key_figures": [
            ("Size of the SAFE instrument", "€150 billion", "", "European Union"),
            ("Canada's defence spending, 2024", "1.37%", "of GDP", "NATO"),
        ],
        "sources": [
            ("Security Action for Europe (SAFE)", "European Commission", None, ""),
            ("Defence Expenditure of NATO Countries (2014-2024)", "NATO", None, ""),
        ],
    },
    {
        "slug": "ceta-unfinished-ratification",
        "headline": "CETA's unfinished ratification: ten member states still to decide",
        "dek": (
            "Signed in 2016 and provisionally applied since 2017, the EU–Canada trade agreement "
            "is still not fully in force: ten EU member states, France, Italy and Belgium among "
            "them, have not ratified it."
        ),
        "article_type": "background",
        "state": "published",
        "publish_at": _at("2025-06-25T08:00:00"),
        "authors": ["demo-dokafor"],
        "tags": ["CETA", "trade", "Canada", "European Union", "transatlantic"],
        "actors": ["canada", "european-union", "france", "italy", "belgium", "netherlands"],
        "agreements": ["ceta"],
        "events": ["ceta-signing-2016"],
        "key_figures": [
            ("Tariffs removed between the two markets", "98%", "of tariffs", "European Commission"),
            ("Trade relationship underpinned by CETA", "€125 billion", "", "European Commission"),
            ("Member states yet to ratify", "10", "of 27", "Council of the European Union"),
        ],
        "sources": [
            (
                "Comprehensive Economic and Trade Agreement (CETA): agreement details",
                "Council of the European Union",
                None,
                "",
            ),
            (
                "EU–Canada Comprehensive Economic and Trade Agreement",
                "European Commission",
                None,
                "",
            ),
        ],
    },
    {
        "slug": "canada-defence-spending-nato-two-percent",
        "headline": "Canada's defence spending against NATO's 2% guideline",
        "dek": (
            "Canada put 1.37% of its GDP into defence in 2024. The distance to the alliance's "
            "benchmark shapes Ottawa's new partnership with Europe."
        ),
        "article_type": "analysis",
        "state": "draft",
        "authors": ["demo-dokafor"],
        "tags": ["NATO", "defence", "procurement", "Canada"],
        "actors": ["canada", "nato", "mark-carney", "donald-trump"],
        "agreements": [
            "nato-defence-spending-guideline",
            "safe",
            "eu-canada-security-and-defence-partnership",
        ],
        "events": ["canadian-federal-election-2025"],
        "key_figures": [
            ("Canada's defence spending, 2024", "1.37%", "of GDP", "NATO"),
            ("NATO guideline agreed in 2014", "2%", "of GDP", "NATO"),
        ],
        "sources": [
            ("Wales Summit Declaration", "NATO", datetime.date(2014, 9, 5), ""),
            ("Defence Expenditure of NATO Countries (2014-2024)", "NATO", None, ""),
        ],
    },
    {
        "slug": "carney-schoonselhof-commemoration",
        "headline": "At Schoonselhof, Carney honours Canada's war dead on the eve of the summit",
        "dek": (
            "Before meeting EU leaders in Brussels, the prime minister visited the Antwerp "
            "military cemetery where 348 Canadian soldiers are buried."
        ),
        "article_type": "news",
        "state": "published",
        "publish_at": _at("2025-06-22T17:00:00"),
        "authors": ["demo-dokafor", "demo-hmarchand"],
        "tags": ["commemoration", "Canada", "transatlantic"],
        "actors": ["mark-carney", "diana-fox-carney", "bart-de-wever", "canada", "belgium"],
        "agreements": ["eu-canada-security-and-defence-partnership"],
        "events": ["schoonselhof-visit-2025", "schoonselhof-wreath-laying-2025"],
        "key_figures": [
            ("Canadian soldiers buried at Schoonselhof", "348", "soldiers", ""),
        ],
        "sources": [
            ("Schoonselhof Cemetery, Antwerp", "Commonwealth War Graves Commission", None, ""),
        ],
    },
]

# Versions of the briefings above in another language, each written for its readers (not a
# translation of the English word for word): a briefing of its own, linked to its original.
# Key figures as data print in the reader's language (« 150 milliards d'euros »).
TRANSLATIONS = [
    {
        "translation_of": "canada-eu-sign-security-and-defence-partnership",
        "language": "fr",
        "slug": "le-canada-et-l-ue-concluent-un-partenariat-de-securite-et-de-defense",
        "headline": "Le Canada et l'Union européenne concluent un partenariat de sécurité et "
        "de défense",
        "dek": (
            "Signé au sommet de Bruxelles, l'accord donne un cadre durable à la coopération "
            "militaire entre Ottawa et les Vingt-Sept : une première pour l'Union avec un "
            "pays des Amériques."
        ),
        "publish_at": _at("2025-06-23T19:00:00"),
        "authors": ["demo-hmarchand"],
        "key_figures": [
            (
                "Instrument européen SAFE pour les achats de défense",
                "150 milliards d'euros",
                {"amount": "150", "currency": "EUR", "scale": "billion"},
                "Union européenne",
            ),
            (
                "Relation commerciale UE-Canada adossée à l'AECG",
                "125 milliards d'euros",
                {"amount": "125", "currency": "EUR", "scale": "billion"},
                "",
            ),
        ],
        "sources": [
            ("Déclaration commune du sommet UE-Canada", "Conseil européen", None, ""),
            ("Partenariat de sécurité et de défense UE-Canada", "Union européenne", None, ""),
        ],
    },
]

# The pact briefing's lead image: drawn by briefings/demo/images.py, the desk's own work.
LEAD_IMAGE = {
    "briefing": "canada-eu-sign-security-and-defence-partnership",
    "title": "Across the Atlantic: Canada and Europe (desk illustration)",
    "alt_text": (
        "An abstract map of the North Atlantic: Canada on the left, Europe on the right, "
        "joined by a dashed red arc."
    ),
    "caption": "Canada and the EU: the first security and defence partnership across the Atlantic.",
    "alt_text_fr": (
        "Une carte stylisée de l'Atlantique Nord : le Canada à gauche, l'Europe à droite, "
        "reliés par un arc rouge en pointillés."
    ),
    "caption_fr": (
        "Le Canada et l'UE : le premier partenariat de sécurité et de défense "
        "par-delà l'Atlantique."
    ),
    "credit": "Illustration: Briefing Desk",
    "licence": "CC BY 4.0",
    "focal_x": 0.5,
    "focal_y": 0.45,
}
