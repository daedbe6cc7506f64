"""The demo's cast: thirteen urban growers from different sectors, disciplines and regions.

They are invented people, written for this demo. Their perspectives differ on
purpose, so that the diversity of voices in a thread has something to show.
"""

from __future__ import annotations

from practica.core.demo.model import Person

PEOPLE: tuple[Person, ...] = (
    Person(
        username="steward",
        display_name="Amara Okafor",
        bio=(
            "I started the circle after five years of running a community garden on an old "
            "bus depot. I mostly connect people: if you are stuck, someone here has been "
            "stuck in the same place before."
        ),
        interests="community organising, facilitation, food sovereignty, composting",
        offers="Introductions to people working on the same problem; help running a first "
        "garden meeting.",
        learning="How to keep a volunteer crew going through a long winter.",
        sector="non-profit",
        discipline="community organising",
        region="Western Europe",
        role_in_practice="steward",
        location="London",
        joined_day=0,
    ),
    Person(
        username="tomas",
        display_name="Tomás Herrera",
        bio=(
            "I manage a 600 m² rooftop farm on top of a market hall. Before that I grew "
            "coffee with my family, so I am still surprised by how much a city roof can feed."
        ),
        interests="rooftop farming, wind protection, leafy greens, market sales",
        offers="Crop planning for rooftops; what to do about wind; selling to restaurants.",
        learning="Integrated pest management without a greenhouse.",
        sector="social enterprise",
        discipline="horticulture",
        region="South America",
        role_in_practice="practitioner",
        location="Bogotá",
        joined_day=3,
    ),
    Person(
        username="priya",
        display_name="Dr Priya Raman",
        bio=(
            "Soil scientist. I study what happens to soil life when we move it onto roofs, "
            "into sacks and into old car parks. Happy to translate lab results into plain words."
        ),
        interests="soil health, contamination, soil testing, citizen science",
        offers="Reading soil test results; designing simple experiments volunteers can run.",
        learning="How gardeners actually decide what to plant; I only see the soil side.",
        sector="research",
        discipline="soil science",
        region="South Asia",
        role_in_practice="researcher",
        location="Pune",
        joined_day=5,
    ),
    Person(
        username="jonas",
        display_name="Jonas Lindqvist",
        bio=(
            "I work in the city's parks department on allotments and temporary use of empty "
            "land. My job is to say yes to gardens as often as the rules let me."
        ),
        interests="land access, permits, participatory design, urban policy",
        offers="How a council thinks about leases, insurance and permits.",
        learning="What growers need from a city that we have not thought of.",
        sector="public sector",
        discipline="urban planning",
        region="Northern Europe",
        role_in_practice="policy maker",
        location="Malmö",
        joined_day=9,
    ),
    Person(
        username="wanjiru",
        display_name="Wanjiru Kamau",
        bio=(
            "I train women's groups and schools to grow vegetables in sacks and keyhole beds. "
            "Most of our growing happens on less than five square metres."
        ),
        interests="sack gardens, keyhole beds, training, drought, school gardens",
        offers="Training materials for sack and keyhole gardens, in English and Swahili.",
        learning="Ways to measure the difference a garden makes to a household.",
        sector="community group",
        discipline="agronomy",
        region="East Africa",
        role_in_practice="trainer",
        location="Nairobi",
        joined_day=12,
    ),
    Person(
        username="mei",
        display_name="Mei Chen",
        bio=(
            "Software developer by day, balcony grower by evening. Everything I grow is in "
            "containers six floors up, and I log it all in a spreadsheet."
        ),
        interests="balcony growing, containers, sensors, self-watering pots",
        offers="Cheap moisture sensors and data logging; help with spreadsheets.",
        learning="Nearly everything about plants, honestly.",
        sector="private sector",
        discipline="software",
        region="East Asia",
        role_in_practice="hobbyist",
        location="Taipei",
        joined_day=18,
    ),
    Person(
        username="dario",
        display_name="Dario Russo",
        bio=(
            "Beekeeper with eleven hives spread over four roofs. I also grow tomatoes, "
            "mostly so that the bees and I have something to argue about."
        ),
        interests="urban beekeeping, pollinators, tomatoes, heat stress",
        offers="Advice on hives in cities; pollinator-friendly planting.",
        learning="How to talk to worried neighbours before there is a problem.",
        sector="self-employed",
        discipline="apiculture",
        region="Southern Europe",
        role_in_practice="practitioner",
        location="Turin",
        joined_day=16,
    ),
    Person(
        username="lena",
        display_name="Lena Fischer",
        bio=(
            "Primary school teacher who turned the playground's forgotten corner into a "
            "garden. Thirty children, twelve beds, one very patient caretaker."
        ),
        interests="school gardens, teaching, seasonal planning, seed saving",
        offers="Lesson plans and a sowing calendar for a school year.",
        learning="Growing on ground we are not sure is clean.",
        sector="education",
        discipline="teaching",
        region="Central Europe",
        role_in_practice="educator",
        location="Leipzig",
        joined_day=14,
    ),
    Person(
        username="kofi",
        display_name="Kofi Mensah",
        bio=(
            "Engineer running a small hydroponic farm in shipping containers. I care about "
            "numbers: litres, watts and kilos."
        ),
        interests="hydroponics, structural loads, grow lights, water use",
        offers="Structural questions about roofs and containers; hydroponic system design.",
        learning="Biology. My lettuce keeps teaching me that it is not a machine.",
        sector="private sector",
        discipline="engineering",
        region="West Africa",
        role_in_practice="entrepreneur",
        location="Accra",
        joined_day=22,
    ),
    Person(
        username="rosa",
        display_name="Rosa Delgado",
        bio=(
            "I coordinate the gardens of a food bank: three sites, about forty volunteers, "
            "and a pantry that is always hungrier than our harvest."
        ),
        interests="food access, volunteers, leafy greens, measuring impact",
        offers="How to run a garden that feeds a pantry; volunteer rotas that work.",
        learning="Keeping volunteers after the first enthusiastic month.",
        sector="non-profit",
        discipline="food security",
        region="North America",
        role_in_practice="coordinator",
        location="Los Angeles",
        joined_day=27,
    ),
    Person(
        username="aroha",
        display_name="Aroha Ngata",
        bio=(
            "Seed saver. I keep a family collection of beans, squash and kūmara going and "
            "share it with anyone who promises to save seed back."
        ),
        interests="seed saving, heirloom varieties, traditional knowledge, perennial greens",
        offers="Seed to share; how to save, dry and store your own.",
        learning="Growing in pots; my whānau has always had land.",
        sector="community group",
        discipline="ethnobotany",
        region="Oceania",
        role_in_practice="knowledge keeper",
        location="Auckland",
        joined_day=30,
    ),
    Person(
        username="sam",
        display_name="Sam Whitfield",
        bio=(
            "Night-shift nurse, new to growing. I got an allotment plot this spring and I am "
            "mainly here to ask questions."
        ),
        interests="allotments, beginners, composting, winter growing",
        offers="A fresh pair of eyes; I ask the questions others are too shy to ask.",
        learning="Everything: sowing, compost, what a 'truss' is.",
        sector="health",
        discipline="nursing",
        region="Western Europe",
        role_in_practice="newcomer",
        location="Manchester",
        joined_day=33,
    ),
    Person(
        username="yusuf",
        display_name="Yusuf Demir",
        bio=(
            "I run neighbourhood compost hubs for the municipality: kitchen scraps in, "
            "finished compost out to gardens, about four tonnes a month."
        ),
        interests="composting, bokashi, waste, soil",
        offers="Finished compost for community gardens; help setting up a compost hub.",
        learning="Selling the idea of composting to building managers.",
        sector="public sector",
        discipline="waste management",
        region="Western Asia",
        role_in_practice="practitioner",
        location="Istanbul",
        joined_day=40,
    ),
)

BY_USERNAME = {person.username: person for person in PEOPLE}
