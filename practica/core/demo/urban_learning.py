"""What the Urban Growers Circle learned together: practices, experiments, the agenda.

Written for this demo. The rain walk goes from a story to a practice, is tried
at three sites and adopted; the soil-kit experiment is on its second cycle.
"""

from __future__ import annotations

from practica.core.demo.model import (
    DemoAgendaItem,
    DemoCycle,
    DemoExperiment,
    DemoObservation,
    DemoPractice,
)

SACK_STORY = "Sack gardens in a school yard: what happened when the rains came early"
GOOD_YEAR = "What does a good year for this circle look like?"
SOIL_STORY = "Testing forty gardens' soil with volunteers: what the data did and did not tell us"

PRACTICES = (
    DemoPractice(
        author="wanjiru",
        day=47,
        name="Rain walk before siting beds",
        summary=(
            "Walk a new site during or just after heavy rain before deciding where beds, "
            "sacks or planters go, and mark where water stands and runs."
        ),
        when_to_use=(
            "Any new growing site, above all paved ground and school yards, before the "
            "first wet season."
        ),
        how=(
            "1. Wait for a day of heavy rain.\n"
            "2. Walk the site with the people who will tend the beds, children included.\n"
            "3. Mark puddles and runs with chalk or flags, and photograph them.\n"
            "4. Put beds on the high ground, or raise them on bricks."
        ),
        watch_for="One walk shows one storm: ask neighbours where water stood in the worst year.",
        evidence=(SACK_STORY,),
    ),
)

EXPERIMENTS = (
    DemoExperiment(
        proposer="wanjiru",
        day=58,
        title="Rain walks at three new sites",
        question=(
            "Does a rain walk before siting beds reduce the number of beds lost to standing "
            "water in the first wet season?"
        ),
        hypothesis=(
            "Sites planned after a rain walk lose fewer beds to waterlogging than our "
            "earlier sites did (about half of the sacks in the low corner of the first school)."
        ),
        plan=(
            "Each of us does a rain walk before placing beds at a new site, then counts the "
            "beds that stand in water for more than two days during the first wet season."
        ),
        measures=(("beds placed", "beds", "higher"), ("beds waterlogged", "beds", "lower")),
        practice="Rain walk before siting beds",
        inspired_by=(SACK_STORY,),
        participants=(
            ("wanjiru", 60, "Sack-garden trainings", "primary school yard, Nairobi", "40 sacks"),
            ("lena", 62, "Primary school", "playground corner, Leipzig", "12 beds"),
            ("rosa", 75, "Food bank pantry garden", "church car park, Los Angeles", "8 beds"),
        ),
        cycles=(
            DemoCycle(
                observations=(
                    DemoObservation(
                        person="wanjiru",
                        day=120,
                        what_we_did=(
                            "Walked the new school's yard with the pupils in the first storm. "
                            "Placed 36 sacks on the two raised strips, none in the hollow by "
                            "the gate."
                        ),
                        what_happened=(
                            "Three weeks of long rains. Two sacks were waterlogged, both at "
                            "the end of a strip where the path drains onto it."
                        ),
                        measures=(("beds placed", 36), ("beds waterlogged", 2)),
                        feedback=(
                            (
                                "lena",
                                "Paths draining onto beds is something we missed too. Did you "
                                "add a drain or move the sacks?",
                            ),
                        ),
                    ),
                    DemoObservation(
                        person="lena",
                        day=128,
                        what_we_did=(
                            "Rain walk with the class in a heavy October shower. We chalked "
                            "the puddles and moved two planned beds away from the downpipe."
                        ),
                        what_happened=(
                            "Nothing waterlogged through November; one bed stayed wet for a "
                            "day after the snow melted."
                        ),
                        measures=(("beds placed", 12), ("beds waterlogged", 0)),
                        surprises="The children remembered the puddle map better than I did.",
                        feedback=(("wanjiru", "Children are always the best map-makers."),),
                    ),
                    DemoObservation(
                        person="rosa",
                        day=210,
                        what_we_did=(
                            "No rain for months, so we hosed the car park and watched where "
                            "the water ran: a 'hose walk'."
                        ),
                        what_happened=(
                            "Two of eight beds still flooded in the first winter storm. "
                            "Tarmac drains differently under a storm than under a hose."
                        ),
                        measures=(("beds placed", 8), ("beds waterlogged", 2)),
                        surprises="A hose is not a storm.",
                        feedback=(
                            (
                                "wanjiru",
                                "That belongs on the practice card: simulate only if you must, "
                                "and walk again in the first real rain.",
                            ),
                            ("priya", "Useful negative result. Thank you for reporting it."),
                        ),
                    ),
                ),
                reflect_day=230,
                reflected_by="wanjiru",
                learned=(
                    "Across three sites, 4 of 56 beds were waterlogged, against about half of "
                    "the sacks in the low corner of our first school. The walk works when it "
                    "happens in real rain."
                ),
                differences=(
                    "On tarmac a hose does not show how a storm runs. In school yards, walking "
                    "with the children made the map stick."
                ),
                decide_day=232,
                decision="adopt",
                decision_note="Every new site starts with a rain walk, in real rain.",
            ),
        ),
    ),
    DemoExperiment(
        proposer="priya",
        day=170,
        title="The same cheap soil kit in many gardens",
        question=(
            "Can volunteers with a cheap kit produce soil readings that we can compare "
            "between gardens?"
        ),
        hypothesis=(
            "With one kit and one instruction sheet, volunteers' readings of pH and organic "
            "matter agree closely enough to compare gardens."
        ),
        plan=(
            "Everyone uses the same kit and sheet, tests their own garden and two neighbours', "
            "and reports every reading that had to be repeated."
        ),
        measures=(
            ("gardens tested", "gardens", "higher"),
            ("readings repeated", "readings", "lower"),
        ),
        inspired_by=(GOOD_YEAR,),
        participants=(
            ("priya", 172, "University soil lab", "lab and two allotments, Pune", "3 gardens"),
            ("lena", 176, "Primary school", "school beds, Leipzig", "3 gardens"),
            ("mei", 180, "", "balcony pots and a roof garden, Taipei", "7 pots and beds"),
            (
                "kofi",
                185,
                "Container farm",
                "containers and customers' gardens, Accra",
                "6 gardens",
            ),
            ("tomas", 190, "Rooftop farm", "rooftop beds, Bogotá", "4 gardens"),
        ),
        cycles=(
            DemoCycle(
                observations=(
                    DemoObservation(
                        person="lena",
                        day=250,
                        what_we_did="Tested the school beds and two neighbours' gardens.",
                        what_happened=(
                            "pH was easy. Organic matter took three tries to read the colour."
                        ),
                        measures=(("gardens tested", 3), ("readings repeated", 2)),
                        feedback=(
                            (
                                "priya",
                                "Reading the colour is exactly the weak spot. Would a photo "
                                "against a colour card help?",
                            ),
                        ),
                    ),
                    DemoObservation(
                        person="mei",
                        day=262,
                        what_we_did="Tested six balcony pots and the roof garden of my building.",
                        what_happened="The kit matched my pH meter within 0.3 every time.",
                        measures=(("gardens tested", 7), ("readings repeated", 1)),
                        feedback=(("kofi", "Good to have a meter to check against."),),
                    ),
                    DemoObservation(
                        person="kofi",
                        day=275,
                        what_we_did="Tested the substrate of two containers and four gardens.",
                        what_happened=(
                            "The kit makes no sense on hydroponic substrate; the gardens were fine."
                        ),
                        measures=(("gardens tested", 6), ("readings repeated", 1)),
                    ),
                    DemoObservation(
                        person="tomas",
                        day=300,
                        what_we_did="Tested the rooftop beds and three restaurant gardens.",
                        what_happened="Nitrate strips were impossible to read in bright sun.",
                        measures=(("gardens tested", 4), ("readings repeated", 3)),
                        feedback=(
                            (
                                "priya",
                                "The same for everyone: nitrate strips go on the list of "
                                "readings we do not compare.",
                            ),
                        ),
                    ),
                ),
                reflect_day=470,
                reflected_by="priya",
                learned=(
                    "pH and organic matter compare well between volunteers; nitrate strips do "
                    "not. Three gardens found lead levels worth a lab test."
                ),
                differences=(
                    "Bright light and colour reading vary most between people. Substrates "
                    "without soil need a different test."
                ),
                decide_day=475,
                decision="iterate",
                decision_note="Second round: a colour card, a photo of every strip, no nitrates.",
            ),
            DemoCycle(
                observations=(
                    DemoObservation(
                        person="mei",
                        day=530,
                        what_we_did=(
                            "Built a photo form and tested four pots with the colour card."
                        ),
                        what_happened=(
                            "Priya and I read the same photos separately and agreed on all four."
                        ),
                        measures=(("gardens tested", 4), ("readings repeated", 0)),
                        feedback=(("priya", "That is the result we hoped for. Lovely form."),),
                    ),
                ),
            ),
        ),
    ),
)

AGENDA = (
    DemoAgendaItem(
        author="jonas",
        day=63,
        question="How long must a rooftop lease be for a growing group to invest in the roof?",
    ),
    DemoAgendaItem(
        author="sam",
        day=300,
        question="Which crops forgive a grower who can only visit twice a week?",
    ),
    DemoAgendaItem(
        author="rosa",
        day=537,
        question=(
            "Besides kilos, what should we measure to show what a garden does for a household?"
        ),
    ),
)

#: The steward turns Priya's soil story into a practice draft for the circle to improve.
DISTILLED = (("steward", 485, SOIL_STORY),)
