"""Urban Growers Circle: the public demo community and its first eighteen months.

Written for this demo. Questions get answers (most of them accepted), stories
come in four parts, and people say when something helped them, so the
ledger fills the way it would in real use.
"""

from __future__ import annotations

from practica.core.demo import urban_learning
from practica.core.demo.model import (
    Answer,
    Comment,
    DemoCircle,
    DemoCommunity,
    DemoIntroduction,
    DemoThread,
)

Q, ASK, OFFER, STORY, TALK = "question", "ask", "offer", "story", "discussion"

THREADS: tuple[DemoThread, ...] = (
    DemoThread(
        kind=Q,
        author="mei",
        day=21,
        hour=19,
        title="Why do my balcony tomatoes drop their flowers before any fruit sets?",
        body=(
            "Six floors up, south-facing balcony, two tomato plants in 40 litre pots. "
            "Each truss flowers nicely and then the flowers go yellow at the stem and fall "
            "off. Leaves look healthy. I water every evening.\n\n"
            "Is it the heat? The wind? Me?"
        ),
        tags=("tomatoes", "balcony", "pollination"),
        answers=(
            Answer(
                author="dario",
                hours=3,
                body=(
                    "Almost certainly heat. Above about 32 °C by day the pollen goes sterile "
                    "and the plant drops the flower it cannot use. A south-facing wall "
                    "six floors up can be far hotter than the forecast.\n\n"
                    "- hang shade cloth (30–40 %) for the afternoon only\n"
                    "- tap each truss around midday, when the pollen is dry\n"
                    "- keep watering steady; no fertiliser high in nitrogen while it is hot\n\n"
                    "It usually sorts itself out when the nights cool down."
                ),
                accepted=True,
                helped=("mei", "sam"),
                comments=(
                    Comment(
                        author="mei",
                        hours=190,
                        body="Shade cloth went up last weekend and the newest truss has "
                        "three little green tomatoes. Thank you!",
                    ),
                ),
            ),
            Answer(
                author="priya",
                hours=7,
                body=(
                    "Dario's right about heat. One more thing to check: pots that size dry "
                    "out unevenly, so the root ball can be bone dry in the middle while the "
                    "top looks wet. Push a finger in up to the second knuckle before you water."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=ASK,
        author="sam",
        day=36,
        hour=8,
        title="Help me plan a first season on a half-size allotment plot",
        body=(
            "I have a 125 m² plot that has been empty for two years (lots of couch grass). "
            "I work nights, so I can be there two mornings a week. What should I grow in "
            "year one so I do not give up by July?"
        ),
        tags=("allotment", "beginners", "season-planning"),
        answers=(
            Answer(
                author="steward",
                hours=2,
                body=(
                    "Welcome, Sam! You picked the right question to start with. "
                    "@lena plans a whole school year of beds with thirty children, so she is "
                    "the person to help you keep it simple."
                ),
            ),
            Answer(
                author="lena",
                hours=20,
                body=(
                    "Do not try to clear the whole plot. Cover two thirds with cardboard and "
                    "a thick layer of compost or woodchip now, and grow on the rest.\n\n"
                    "Five crops that forgive a twice-a-week gardener: **potatoes, courgettes, "
                    "runner beans, chard, and garlic** (planted in autumn). Next year the "
                    "covered ground will be soft enough to dig by hand."
                ),
                accepted=True,
                helped=("sam",),
                comments=(
                    Comment(
                        author="sam",
                        hours=30,
                        body="Cardboard I can do. Does it matter if it has printing on it?",
                    ),
                    Comment(
                        author="lena",
                        hours=33,
                        body="Plain brown is best; take off the tape and glossy labels.",
                    ),
                ),
            ),
            Answer(
                author="wanjiru",
                hours=26,
                body=(
                    "Mulch is your friend when you cannot water often. Whatever you plant, "
                    "cover the soil around it with straw or dry leaves: it holds water for "
                    "days longer."
                ),
                helped=("sam",),
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="wanjiru",
        day=44,
        hour=10,
        title="Sack gardens in a school yard: what happened when the rains came early",
        context=(
            "We set up forty sack gardens with a primary school: kale, spinach and spring "
            "onions, each sack filled with soil, compost and a central column of stones "
            "so water reaches the bottom."
        ),
        what_happened=(
            "The long rains came three weeks early and the sacks in the lowest corner of the "
            "yard stood in water for days. Half of them rotted from the bottom. The sacks on "
            "the slope did very well."
        ),
        learned=(
            "Where a sack stands matters more than what is in it. The stone column drains "
            "the sack, but only if the water has somewhere to go. Children noticed the "
            "difference before we did."
        ),
        differently=(
            "Raise every sack on two bricks, and walk the yard in the rain before choosing "
            "the spots. We now do this 'rain walk' with every new school."
        ),
        tags=("sack-gardens", "schools", "water"),
        helped=("lena", "steward", "rosa"),
        answers=(
            Answer(
                author="lena",
                hours=5,
                body=(
                    "The rain walk is such a good idea, and children love it. We are "
                    "stealing it for our autumn term."
                ),
            ),
            Answer(
                author="kofi",
                hours=30,
                body=(
                    "Bricks are also good for the sack itself: a sack on bare ground wicks "
                    "water up and the fabric rots faster. Ours last about twice as long raised."
                ),
                helped=("wanjiru",),
            ),
        ),
    ),
    DemoThread(
        kind=OFFER,
        author="yusuf",
        day=52,
        hour=9,
        title="Free finished compost for community gardens on the east side",
        body=(
            "Our hubs make more compost than the parks department can use. If you run a "
            "community or school garden, we can drop off up to one cubic metre a month, "
            "free. It is sieved and has matured for at least four months."
        ),
        tags=("compost", "offer"),
        answers=(
            Answer(
                author="rosa",
                hours=4,
                body=(
                    "This is generous. Do you test it for contaminants? Our pantry garden "
                    "grows food for families, so I need to be able to answer that."
                ),
                comments=(
                    Comment(
                        author="yusuf",
                        hours=9,
                        body=(
                            "Every batch is tested for heavy metals and for weed seeds "
                            "germinating. I can send you the last six reports."
                        ),
                        helped=("rosa",),
                    ),
                ),
            ),
            Answer(
                author="lena",
                hours=26,
                body="The school garden would love some in March, when we top up the beds.",
            ),
        ),
    ),
    DemoThread(
        kind=TALK,
        author="jonas",
        day=61,
        hour=14,
        title="Should cities lease public rooftops to growers for free?",
        body=(
            "We have about forty flat roofs on council buildings. A councillor asked me "
            "whether we should offer them to growing groups rent-free. My instinct is yes, "
            "but the insurance, access and maintenance questions are real. What has worked "
            "where you are?"
        ),
        tags=("policy", "rooftop", "land-access"),
        answers=(
            Answer(
                author="tomas",
                hours=6,
                body=(
                    "Free rent matters less than a long lease. We pay a small rent but have "
                    "ten years, which is what let us invest in irrigation and windbreaks. "
                    "A free two-year licence would not have been enough."
                ),
                helped=("jonas",),
            ),
            Answer(
                author="rosa",
                hours=22,
                body=(
                    "Please think about who can realistically use a roof. Our volunteers "
                    "include older people and wheelchair users. A ground-level lot with a "
                    "shorter lease would serve them better than a free roof with a ladder."
                ),
                helped=("jonas", "steward"),
            ),
            Answer(
                author="kofi",
                hours=40,
                body=(
                    "Whatever the lease, put the structural survey in the city's column, "
                    "not the growers'. It is the most expensive single thing and it puts "
                    "small groups off before they start."
                ),
            ),
            Answer(
                author="steward",
                hours=70,
                body=(
                    "Reading these together: long tenure, access for everyone, and the city "
                    "carrying the survey. That sounds like the start of a policy note, "
                    "@jonas. Shall we draft it here?"
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="tomas",
        day=77,
        hour=16,
        title="How much weight can a typical flat roof take for raised beds?",
        body=(
            "A housing co-op has offered us their roof. I know 'ask an engineer' is the "
            "answer, but I would like a rough idea before I ask them to pay for one."
        ),
        tags=("rooftop", "structural-loads", "raised-beds"),
        answers=(
            Answer(
                author="kofi",
                hours=5,
                body=(
                    "Rough orders of magnitude only, and yes, you still need the survey:\n\n"
                    "- many residential flat roofs are designed for about 1.5 kN/m² of "
                    "imposed load, roughly 150 kg per square metre\n"
                    "- wet soil weighs around 1,800–2,000 kg per cubic metre, so a 30 cm "
                    "bed is 550–600 kg/m² when saturated\n"
                    "- lightweight rooftop mixes (pumice, expanded clay, compost) are about "
                    "half that\n\n"
                    "So a roof built for people walking on it usually cannot take beds "
                    "across its whole area. Beds over the walls and beams, shallow and light, "
                    "is the usual answer."
                ),
                accepted=True,
                helped=("tomas", "jonas"),
            ),
            Answer(
                author="jonas",
                hours=28,
                body=(
                    "From the city side: a survey is also what the permit office will ask "
                    "for, so it is not wasted money. Ask whether the co-op has the original "
                    "drawings; that can halve the cost."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="rosa",
        day=92,
        hour=11,
        title="Which leafy greens give the most harvests per square metre for a pantry garden?",
        body=(
            "We want to grow greens for the food bank, as many pickings as possible from "
            "three raised beds. Mild winters, hot dry summers."
        ),
        tags=("leafy-greens", "food-access", "season-planning"),
        answers=(
            Answer(
                author="tomas",
                hours=9,
                body=(
                    "Cut-and-come-again is the whole game: **chard, kale and loose-leaf "
                    "lettuce**, harvested leaf by leaf from the outside. Chard laughs at "
                    "heat; lettuce needs shade in your summers. On our roof chard gives "
                    "pickings for eight months from one sowing."
                ),
                accepted=True,
                helped=("rosa",),
            ),
            Answer(
                author="aroha",
                hours=15,
                body=(
                    "Look at perennial greens too. New Zealand spinach (we call it "
                    "kōkihi) loves heat, spreads and keeps giving with no resowing."
                ),
                helped=("rosa", "tomas"),
                comments=(
                    Comment(
                        author="priya",
                        hours=20,
                        body=(
                            "Worth knowing: it has a fair amount of oxalate, so blanch it "
                            "briefly before eating, like spinach."
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="tomas",
        day=111,
        hour=7,
        title="We lost a whole rooftop crop of lettuce to wind in one night",
        context=(
            "Our roof is 40 metres up on the edge of the city. In the dry season we grow "
            "lettuce in long low tunnels of fleece to keep the sun off."
        ),
        what_happened=(
            "A storm came through at night. The fleece acted like a sail, pulled the hoops "
            "out of the beds and dragged them across the lettuce. In the morning there was "
            "nothing to harvest for three restaurants."
        ),
        learned=(
            "On a roof, anything that catches wind needs to let some through. Solid covers "
            "turn wind into force; mesh and gaps let it pass. We also learned that our "
            "customers forgave us faster than we forgave ourselves."
        ),
        differently=(
            "Windbreak netting on the west side that lets about half the wind through, "
            "hoops tied to the bed frames rather than pushed into soil, and a 'storm "
            "checklist' the last person off the roof goes through."
        ),
        tags=("rooftop", "wind", "leafy-greens"),
        helped=("kofi", "dario"),
        answers=(
            Answer(
                author="dario",
                hours=12,
                body=(
                    "Same lesson with hives: we strap every one down, because a roof gust "
                    "once moved a full hive half a metre. Would you share the checklist?"
                ),
                comments=(
                    Comment(
                        author="tomas",
                        hours=20,
                        body=(
                            "Of course: close hatches, tie down loose covers, clear "
                            "anything lighter than a full watering can, photo of each bed."
                        ),
                        helped=("dario",),
                    ),
                ),
            ),
        ),
    ),
    DemoThread(
        kind=ASK,
        author="kofi",
        day=126,
        hour=13,
        title="Could someone review our nutrient schedule for lettuce in NFT channels?",
        body=(
            "We run lettuce in NFT channels at EC 1.2–1.4 and pH 6.0. Growth is fine but "
            "the leaf edges brown in the last week before harvest. Calcium? Airflow? "
            "I can share the schedule as a table."
        ),
        tags=("hydroponics", "nutrients", "leafy-greens"),
        answers=(
            Answer(
                author="priya",
                hours=10,
                body=(
                    "Brown edges late in the crop is classic tip burn: the plant has "
                    "calcium, but it cannot move it into the fast-growing leaves because "
                    "they are not transpiring. More air moving over the canopy usually "
                    "fixes it faster than more calcium does. A small fan at night helps most."
                ),
                accepted=True,
                helped=("kofi",),
            ),
            Answer(
                author="mei",
                hours=30,
                body=(
                    "If it helps, log temperature and humidity next to the channels for a "
                    "week. My cheap loggers showed me the worst hours were at night, when "
                    "I would never have looked."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=OFFER,
        author="aroha",
        day=141,
        hour=20,
        title="Seed parcels: heirloom beans and squash, for anyone who will save seed back",
        body=(
            "I have spare seed of three climbing beans and two winter squash that my family "
            "has grown for decades. I will post a parcel to anyone in the circle. The only "
            "condition: save some seed from what you grow and send a little back, or pass "
            "it on to someone else here."
        ),
        tags=("seeds", "seed-saving", "offer"),
        answers=(
            Answer(
                author="sam",
                hours=3,
                body="I would love the beans. I have never saved seed; is it hard?",
                comments=(
                    Comment(
                        author="aroha",
                        hours=8,
                        body=(
                            "Beans are the easiest: leave a few pods on the plant until "
                            "they rattle, then shell them and dry them for two more weeks."
                        ),
                        helped=("sam",),
                    ),
                ),
            ),
            Answer(
                author="lena",
                hours=16,
                body=(
                    "Could the school have the squash? The children would love sending "
                    "seed back to Auckland."
                ),
            ),
            Answer(author="dario", hours=40, body="Beans for me too, if any are left. Grazie!"),
        ),
    ),
    DemoThread(
        kind=Q,
        author="lena",
        day=151,
        hour=15,
        title="Safe ways to grow food on ground that might be contaminated (old school site)?",
        body=(
            "Our new school garden is on ground where a workshop stood until the 1970s. "
            "Nobody knows what went into the soil. Parents are asking whether the food is "
            "safe to eat. Where do we start?"
        ),
        tags=("soil", "contamination", "schools"),
        answers=(
            Answer(
                author="priya",
                hours=6,
                body=(
                    "Start with a soil test for lead and the other common metals; "
                    "a workshop site is worth testing for hydrocarbons too. While you wait:\n\n"
                    "1. grow in raised beds with a permeable liner and imported soil\n"
                    "2. cover paths with woodchip, so children are not in contact with bare "
                    "ground\n"
                    "3. fruiting crops (beans, tomatoes) take up far less than root crops and "
                    "leafy greens\n"
                    "4. wash produce and hands; most exposure is soil dust, not uptake\n\n"
                    "Send me the results when they come and I will help you read them."
                ),
                accepted=True,
                helped=("lena", "steward", "rosa"),
            ),
            Answer(
                author="jonas",
                hours=26,
                body=(
                    "Check whether your city has a historic land-use register. Ours lists "
                    "what each plot was used for, which tells the lab what to test for."
                ),
                helped=("lena",),
            ),
        ),
    ),
    DemoThread(
        kind=TALK,
        author="steward",
        day=166,
        hour=10,
        title="What does a good year for this circle look like?",
        body=(
            "We are five months old and about a dozen of us are here most weeks. Before we "
            "drift, I would like us to say what we want this place to be. Some prompts:\n\n"
            "- What would you want to be able to find here in a year?\n"
            "- Who is missing from the conversation?\n"
            "- Is there something we could try together, not just talk about?\n\n"
            "@wanjiru @jonas, you both run things at a bigger scale; I would love your view."
        ),
        tags=("circle",),
        answers=(
            Answer(
                author="wanjiru",
                hours=8,
                body=(
                    "I want to find the failures. Everyone publishes the beautiful garden; "
                    "nobody writes down the year the sacks rotted. The stories here are "
                    "worth more to me than any manual."
                ),
                helped=("steward",),
            ),
            Answer(
                author="jonas",
                hours=20,
                body=(
                    "Something we can take to decision makers. If this circle could say "
                    "'here is what helps urban growing, from thirty places', cities would "
                    "listen more than they listen to one garden."
                ),
            ),
            Answer(
                author="sam",
                hours=30,
                body=(
                    "As the newest person: please keep it a place where beginner questions "
                    "are welcome. It is why I stayed."
                ),
                helped=("steward", "lena"),
            ),
            Answer(
                author="priya",
                hours=50,
                body=(
                    "Try something together. For example: everyone tests the same cheap "
                    "soil measurement in their own place for a season, and we compare."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="dario",
        day=181,
        hour=18,
        title="Planting for bees on a 2 m² balcony: what flowers over the longest season?",
        body=(
            "A neighbour with a tiny balcony wants to help my bees. What would give "
            "flowers from early spring to late autumn in a few pots?"
        ),
        tags=("pollinators", "balcony", "bees"),
        answers=(
            Answer(
                author="aroha",
                hours=10,
                body=(
                    "Think in relays rather than one plant: crocus and grape hyacinth for "
                    "early spring, then thyme and chives, then lavender and marjoram, and "
                    "finally single-flowered asters for autumn. Herbs earn their place twice: "
                    "the kitchen gets them too."
                ),
                accepted=True,
                helped=("dario", "mei"),
            ),
            Answer(
                author="mei",
                hours=12,
                body=(
                    "Marjoram was the busiest pot on my balcony last summer, "
                    "I counted 20 bees on it at once."
                ),
            ),
            Answer(
                author="lena",
                hours=35,
                body="Avoid double flowers: they look full but the bees cannot reach inside.",
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="rosa",
        day=201,
        hour=9,
        title="Turning a car park corner into a pantry garden",
        context=(
            "Our food bank shares a car park with a church. Twelve spaces at the far end "
            "were never used, and the families we serve kept asking for fresh vegetables."
        ),
        what_happened=(
            "We asked the church for the corner, built eight raised beds on the tarmac from "
            "donated pallets and ran a hose from the kitchen. Volunteers harvested every "
            "Thursday before the pantry opened. In the first summer the beds gave about 300 kg "
            "of greens, herbs and tomatoes."
        ),
        learned=(
            "Families took the vegetables they knew first. When a volunteer cooked the "
            "unfamiliar ones in the queue and handed out tastes, chard went from "
            "leftover to first to go. Growing was half the work; the other half was the "
            "conversation in the queue."
        ),
        differently=(
            "Ask families what they want to eat before the seed order, not after. "
            "And pallets rot in two years: we would use untreated timber from the start."
        ),
        tags=("food-access", "raised-beds", "volunteers"),
        helped=("steward", "wanjiru", "jonas", "sam"),
        answers=(
            Answer(
                author="wanjiru",
                hours=14,
                body=(
                    "The tasting in the queue is exactly what we saw with amaranth greens "
                    "in Nairobi. People trust food they have seen cooked."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="sam",
        day=216,
        hour=7,
        title="Is it normal for new compost to smell like ammonia?",
        body=(
            "My first compost bin smells strongly of ammonia, a bit like a cat litter tray. "
            "It is mostly grass cuttings and kitchen scraps. Have I ruined it?"
        ),
        tags=("compost", "beginners"),
        answers=(
            Answer(
                author="yusuf",
                hours=2,
                body=(
                    "Not ruined, just too rich. Ammonia means too much nitrogen (grass) "
                    "and not enough carbon. Mix in 'browns' (shredded cardboard, dry leaves, "
                    "straw) until it is about two buckets of brown for each bucket of green, "
                    "and turn it. The smell goes within a week."
                ),
                accepted=True,
                helped=("sam",),
                comments=(
                    Comment(
                        author="wanjiru",
                        hours=9,
                        body="Egg boxes are perfect browns, and every household has them.",
                    ),
                ),
            ),
        ),
    ),
    DemoThread(
        kind=ASK,
        author="jonas",
        day=231,
        hour=12,
        title="Examples of city rules that made community gardening easier?",
        body=(
            "I am preparing a proposal for our council. I would like concrete examples of "
            "rules, forms or services that helped gardens in your city, or ones that got in "
            "the way. Small things count."
        ),
        tags=("policy", "land-access"),
        answers=(
            Answer(
                author="tomas",
                hours=16,
                body=(
                    "Here the city made one office responsible for gardens on public land. "
                    "Before, you needed signatures from parks, water and public works, and "
                    "each blamed the others. One desk changed everything."
                ),
                helped=("jonas",),
            ),
            Answer(
                author="rosa",
                hours=20,
                body=(
                    "Water. A city meter at a subsidised rate for registered gardens. Our "
                    "first summer's water bill nearly closed us; the second summer, with the "
                    "garden rate, was a third of it."
                ),
                accepted=True,
                helped=("jonas", "steward"),
            ),
            Answer(
                author="aroha",
                hours=44,
                body=(
                    "What got in the way for us: a rule that beds on council land must be "
                    "removable within 30 days. It stops anyone planting fruit trees or "
                    "perennials, which is most of our traditional food."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=OFFER,
        author="lena",
        day=246,
        hour=16,
        title="Lesson plans: a school year of growing with 9 to 11 year olds",
        body=(
            "Thirty-six weekly lessons, from soil and seeds in September to the harvest "
            "festival in June, each with a short outdoor task and a rainy-day version. "
            "Free to use and change; I am happy to talk anyone through them."
        ),
        tags=("schools", "teaching", "offer"),
        answers=(
            Answer(
                author="wanjiru",
                hours=10,
                body=(
                    "Would you mind if we translated some into Swahili for our schools? "
                    "We would share the translation back here."
                ),
                comments=(
                    Comment(author="lena", hours=13, body="Please do, that would be wonderful."),
                ),
            ),
            Answer(
                author="sam",
                hours=30,
                body="Not a teacher, but I read the soil lesson and learned a lot.",
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="priya",
        day=261,
        hour=9,
        title="Cheap ways to measure soil moisture across twenty beds?",
        body=(
            "For a volunteer study I need daily soil moisture in twenty beds over a season. "
            "Lab sensors are out of budget. What have people used that holds up outdoors?"
        ),
        tags=("soil", "sensors", "citizen-science"),
        answers=(
            Answer(
                author="mei",
                hours=4,
                body=(
                    "Capacitive sensors (not the resistive two-prong kind, which corrode in "
                    "weeks) wired to a small microcontroller that logs to an SD card. About "
                    "the price of a coffee per bed. Coat the electronics end in silicone. "
                    "Calibrate each one in dry and in saturated soil; they vary a lot."
                ),
                accepted=True,
                helped=("priya", "kofi"),
            ),
            Answer(
                author="kofi",
                hours=20,
                body=(
                    "Tensiometers if you want something volunteers can read by eye. "
                    "They measure what the plant feels rather than water content, which "
                    "may be what you actually want to know."
                ),
                helped=("priya",),
            ),
        ),
    ),
    DemoThread(
        kind=TALK,
        author="aroha",
        day=281,
        hour=21,
        title="Whose knowledge counts? Bringing grandparents' growing into the circle",
        body=(
            "Much of what my family knows about growing was never written down: when to "
            "plant by the moon and the flowering of certain trees, which beans to grow "
            "together. It works. But when I share it, people ask for 'the evidence'. "
            "How do we make room here for knowledge that lives in practice, not papers?"
        ),
        tags=("traditional-knowledge", "circle"),
        answers=(
            Answer(
                author="wanjiru",
                hours=9,
                body=(
                    "Yes. Our best trainers are grandmothers who never went to a training. "
                    "We started recording them telling stories of a season, and those "
                    "recordings are what new groups listen to most."
                ),
                helped=("aroha",),
            ),
            Answer(
                author="priya",
                hours=20,
                body=(
                    "Speaking as 'the evidence' person: a practice that has worked for "
                    "generations in one place *is* evidence. What it needs is its context "
                    "written down, so others know when it travels and when it does not."
                ),
                helped=("aroha", "steward"),
            ),
            Answer(
                author="steward",
                hours=40,
                body=(
                    "Maybe this is what stories are for here: the four parts make room for "
                    "the context. @aroha, would you tell one season of your family's beans "
                    "as a story?"
                ),
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="mei",
        day=301,
        hour=22,
        title="My first year on a balcony: from dead seedlings to 14 kg of food",
        context=(
            "I started last spring with a 4 m² balcony, no experience and a spreadsheet. "
            "Everything grows in containers, six floors up."
        ),
        what_happened=(
            "I killed the first two rounds of seedlings by overwatering. Tomatoes dropped "
            "their flowers in the heat until this circle told me why. Then things turned: "
            "by the end of the year the spreadsheet said 14.2 kg of tomatoes, chillies, "
            "herbs and greens."
        ),
        learned=(
            "Measuring helped less than asking. My logs told me *what* was happening; "
            "people here told me *why*. And a balcony is a microclimate of its own, so "
            "general advice always needs adjusting."
        ),
        differently=(
            "Start with half the pots and learn them well. Buy shade cloth before summer, "
            "not after. Ask sooner."
        ),
        tags=("balcony", "beginners", "containers"),
        helped=("sam", "dario", "steward"),
        answers=(
            Answer(
                author="dario",
                hours=11,
                body="14 kg from 4 m² is better than my first year on the ground. Brava.",
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="kofi",
        day=321,
        hour=10,
        title="Algae in hydroponic reservoirs: light-proofing or treatment?",
        body=(
            "Green slime in two of our reservoirs again. Do people treat the water, or is "
            "blocking light enough?"
        ),
        tags=("hydroponics", "water"),
        answers=(
            Answer(
                author="tomas",
                hours=7,
                body=(
                    "Light-proofing, every time. Algae need light; without it they cannot "
                    "grow. Paint or wrap the reservoirs, cover every opening and use opaque "
                    "tubing. Treatments kill the algae but also whatever useful life is in "
                    "the water, and the algae come back."
                ),
                accepted=True,
                helped=("kofi",),
            ),
            Answer(
                author="priya",
                hours=25,
                body=(
                    "Agree. If you must clean out what is there, a hydrogen peroxide flush "
                    "between crops (not during) is the gentlest."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=ASK,
        author="rosa",
        day=336,
        hour=17,
        title="Volunteers drop off after a month. How do you keep a garden crew?",
        body=(
            "Every spring we start with thirty keen volunteers and by June there are eight. "
            "Those eight are wonderful but tired. What has worked for you?"
        ),
        tags=("volunteers", "organising"),
        answers=(
            Answer(
                author="steward",
                hours=5,
                body=(
                    "Give every newcomer one small thing that is *theirs* in the first two "
                    "weeks: a bed, the tomato tasting, the tool shed. People leave when they "
                    "feel like spare hands."
                ),
                helped=("rosa",),
            ),
            Answer(
                author="wanjiru",
                hours=18,
                body=(
                    "Pair every new volunteer with one of your eight for their first month. "
                    "Our groups lost far fewer people once nobody worked alone in their first "
                    "weeks, and the experienced ones felt valued instead of tired."
                ),
                accepted=True,
                helped=("rosa", "steward", "lena"),
            ),
            Answer(
                author="lena",
                hours=30,
                body=(
                    "End each session with ten minutes of eating something you grew, "
                    "together. Ours is the most popular part of the week."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="yusuf",
        day=351,
        hour=11,
        title="Bokashi in flats: what do you do with the ferment if you have no garden?",
        body=(
            "We are giving bokashi buckets to residents of three tower blocks. The ferment "
            "has to go into soil to finish. Ideas for people without gardens?"
        ),
        tags=("compost", "bokashi", "balcony"),
        answers=(
            Answer(
                author="mei",
                hours=6,
                body=(
                    "I bury mine in a big 'soil factory' pot on the balcony: a layer of "
                    "ferment, a layer of old potting mix, wait a month, use it. It smells "
                    "of nothing once covered."
                ),
            ),
            Answer(
                author="aroha",
                hours=14,
                body=(
                    "Make it a collection: one bin per block, emptied weekly into a "
                    "community garden nearby. Residents get compost back in spring. The "
                    "exchange is what makes people keep going."
                ),
                accepted=True,
                helped=("yusuf",),
            ),
            Answer(
                author="sam",
                hours=26,
                body="Our allotment site takes bokashi from neighbours; worth asking yours.",
            ),
        ),
    ),
    DemoThread(
        kind=OFFER,
        author="kofi",
        day=366,
        hour=15,
        title="Two spare LED grow-light panels for a school or community group",
        body=(
            "We upgraded a container and have two working 200 W panels spare. Free to a "
            "school or community group that will use them; you pay the postage."
        ),
        tags=("grow-lights", "offer", "schools"),
        answers=(
            Answer(
                author="lena",
                hours=3,
                body=(
                    "Our classroom seedlings would be much happier with these than on the "
                    "windowsill. Could the school have one?"
                ),
                comments=(
                    Comment(author="kofi", hours=8, body="It is yours. Send me the address."),
                ),
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="jonas",
        day=381,
        hour=13,
        title="What happened when residents designed their own street planters",
        context=(
            "The city had a budget for twenty planters on a residential street. The usual "
            "process is that we choose the design and the plants."
        ),
        what_happened=(
            "This time we held two evenings on the street and let residents decide. They "
            "chose fewer, bigger planters with herbs and strawberries, in front of the "
            "houses of people who promised to water them. Two years on, every planter is "
            "alive; on the comparison street, seven of twenty have died."
        ),
        learned=(
            "Care follows ownership. The planters survived because someone on the street "
            "felt they were theirs, not because the design was better."
        ),
        differently=(
            "Invite the children too: they were the best waterers, and we only found out "
            "by accident. And budget for the evenings, not only the planters."
        ),
        tags=("policy", "participatory-design"),
        helped=("steward", "rosa", "tomas"),
        answers=(
            Answer(
                author="rosa",
                hours=20,
                body=(
                    "Seven of twenty against twenty of twenty. That is the number I will "
                    "quote at our next board meeting."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="wanjiru",
        day=401,
        hour=8,
        title="Managing fall armyworm on maize in small urban plots without spraying",
        body=(
            "Several of our groups grow a few rows of maize beside their sacks and the "
            "armyworm has arrived. Most cannot afford or do not want to spray. "
            "What works at this scale?"
        ),
        tags=("pests", "maize", "ipm"),
        answers=(
            Answer(
                author="priya",
                hours=12,
                body=(
                    "At small scale, hands and ash are your tools. Check the funnel of each "
                    "plant twice a week and crush the young caterpillars; a pinch of wood ash "
                    "or fine soil in the funnel works for many groups. Intercropping with "
                    "beans or desmodium reduces egg-laying, and birds are allies: leave "
                    "perches."
                ),
                accepted=True,
                helped=("wanjiru",),
            ),
            Answer(
                author="aroha",
                hours=24,
                body=(
                    "Mixed plantings again. In my grandmother's garden, maize, beans and "
                    "squash always grew together, and pests never took everything."
                ),
            ),
            Answer(
                author="tomas",
                hours=40,
                body="Early sowing helps too; the worst damage here is always in late plantings.",
            ),
        ),
    ),
    DemoThread(
        kind=TALK,
        author="tomas",
        day=421,
        hour=19,
        title="Selling surplus: does it change the spirit of a community garden?",
        body=(
            "A community garden near us has started selling its surplus at a market stall. "
            "Some members love it (money for seeds and tools), others feel the garden has "
            "become a business. Where do you draw the line?"
        ),
        tags=("selling", "organising"),
        answers=(
            Answer(
                author="rosa",
                hours=9,
                body=(
                    "The question I would ask: who decides what is surplus? If the people "
                    "who grow it decide together, selling can fund the garden. If it is "
                    "decided for them, it starts to feel like unpaid work."
                ),
                helped=("tomas", "steward"),
            ),
            Answer(
                author="dario",
                hours=20,
                body=(
                    "I sell honey from hives on a community roof. We agreed a third goes "
                    "to the building, a third is sold, a third stays with the beekeepers. "
                    "Writing it down stopped every argument."
                ),
            ),
            Answer(
                author="sam",
                hours=31,
                body=(
                    "On our allotment site selling is not allowed at all, and people give "
                    "away huge amounts. I am not sure which is better."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="sam",
        day=441,
        hour=7,
        title="What should I sow in late summer for food through the winter?",
        body="It is August in Manchester. What can still go in for harvests into winter?",
        tags=("season-planning", "winter", "allotment"),
        answers=(
            Answer(
                author="lena",
                hours=14,
                body=(
                    "Still in time: winter spinach, chard, corn salad (lamb's lettuce), "
                    "winter purslane, spring onions, and overwintering onions and garlic in "
                    "autumn. Kale plants from a garden centre if you did not sow in spring. "
                    "A cheap fleece over them in the coldest weeks doubles what you pick."
                ),
                accepted=True,
                helped=("sam",),
            ),
            Answer(
                author="jonas",
                hours=22,
                body=(
                    "Corn salad is what our Malmö allotment holders swear by: it sits under "
                    "snow and carries on."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=ASK,
        author="dario",
        day=461,
        hour=17,
        title="Neighbours are worried about stings from a rooftop apiary",
        body=(
            "A building where I keep four hives has new residents who are worried about "
            "stings, one with a child who is allergic. I would like to keep the hives but "
            "not at the cost of the neighbours' peace. How would you handle it?"
        ),
        tags=("bees", "neighbours", "rooftop"),
        answers=(
            Answer(
                author="jonas",
                hours=8,
                body=(
                    "Meet them before anything else, on the roof if they are willing. "
                    "Show how the flight path goes up and away. Then offer something "
                    "concrete: move the hives away from their windows, and agree who to "
                    "call if anything happens. Most worries are about not being asked."
                ),
                accepted=True,
                helped=("dario",),
            ),
            Answer(
                author="steward",
                hours=12,
                body=(
                    "For the allergy, be honest that the risk is not zero, and ask the "
                    "family what would make them feel safe. @kofi, could a screen raise "
                    "the flight path on that roof?"
                ),
            ),
            Answer(
                author="kofi",
                hours=30,
                body=(
                    "A 2 m mesh screen a metre in front of the hives sends bees up over "
                    "head height straight away. Easy to fix to a parapet."
                ),
                helped=("dario",),
            ),
        ),
    ),
    DemoThread(
        kind=STORY,
        author="priya",
        day=481,
        hour=10,
        title="Testing forty gardens' soil with volunteers: what the data did and did not tell us",
        context=(
            "After the 'what does a good year look like' thread, twelve of us in the circle "
            "tested the soil of forty gardens over one season, with the same cheap kit and "
            "the same instructions."
        ),
        what_happened=(
            "Organic matter and pH were consistent enough to compare between places; "
            "nitrate strips were not, because everyone read the colours differently. "
            "Three gardens found lead levels high enough to change what they grow."
        ),
        learned=(
            "Cheap kits are good for questions, not answers: they told us where to send a "
            "proper lab test. And the volunteers learned more about their soil by doing the "
            "test than from any of my reports."
        ),
        differently=(
            "Use a colour card and a photo for every strip so readings can be checked. "
            "Agree before starting what we would do if someone found something worrying."
        ),
        tags=("soil", "citizen-science", "contamination"),
        helped=("lena", "steward", "mei", "kofi"),
        answers=(
            Answer(
                author="lena",
                hours=6,
                body=(
                    "Our school was one of the three. Thank you for walking us through it; "
                    "we moved the root crops into the new raised beds."
                ),
            ),
            Answer(
                author="mei",
                hours=20,
                body="I can build the photo-and-colour-card form for next season.",
                helped=("priya",),
            ),
        ),
    ),
    DemoThread(
        kind=OFFER,
        author="steward",
        day=501,
        hour=12,
        title="A monthly peer call: bring a problem, leave with three ideas",
        body=(
            "First Tuesday of each month, one hour. Two people each bring one real problem; "
            "everyone else listens, asks questions, then offers ideas. No slides. "
            "Reply here if you want to bring a problem to the next one."
        ),
        tags=("circle", "offer"),
        answers=(
            Answer(
                author="rosa",
                hours=4,
                body="Count me in: I will bring the water bill question.",
            ),
            Answer(
                author="yusuf",
                hours=9,
                body=(
                    "I would bring the building managers who say no to compost bins. "
                    "Every argument I have tried has failed."
                ),
            ),
            Answer(author="mei", hours=20, body="I will come to listen, if that is allowed."),
        ),
    ),
    DemoThread(
        kind=Q,
        author="lena",
        day=516,
        hour=16,
        title="How do you store seed through a humid summer?",
        body=(
            "Our seed tin in the school shed went mouldy over the summer holidays. "
            "What is the simplest way to keep seed dry?"
        ),
        tags=("seeds", "seed-saving", "schools"),
        answers=(
            Answer(
                author="aroha",
                hours=6,
                body=(
                    "Dry first, then seal. Seeds should snap rather than bend before they go "
                    "in a jar. Put a spoon of dry rice or a silica sachet wrapped in paper in "
                    "each jar, seal it, and keep it somewhere cool indoors, never in a shed."
                ),
                accepted=True,
                helped=("lena", "sam"),
            ),
            Answer(
                author="mei",
                hours=10,
                body=(
                    "Silica gel that changes colour tells you when it is full; dry it in a "
                    "low oven and reuse it."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=TALK,
        author="rosa",
        day=536,
        hour=9,
        title="Measuring what our gardens feed: kilos, meals, or something else?",
        body=(
            "Our funders ask for kilos harvested. Kilos say nothing about the family who "
            "tried chard for the first time, or the volunteer who found friends. "
            "What do you measure, and what do you tell funders?"
        ),
        tags=("measuring-impact", "food-access"),
        answers=(
            Answer(
                author="priya",
                hours=7,
                body=(
                    "Keep kilos (they are cheap and comparable) but add one question you ask "
                    "people every season, the same way each time. A number over time beats "
                    "a beautiful one-off survey."
                ),
                helped=("rosa",),
            ),
            Answer(
                author="wanjiru",
                hours=16,
                body=(
                    "We count 'days a household ate from its garden this week'. It is easy "
                    "to ask and it moves when things change."
                ),
                helped=("rosa", "priya"),
            ),
            Answer(
                author="jonas",
                hours=30,
                body=(
                    "For the city, stories with one number in them work best. My rule: "
                    "one figure, one person, one photo."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="mei",
        day=549,
        hour=21,
        title="Are wicking beds worth it on a balcony?",
        body=(
            "I am away a lot next summer. Has anyone built self-watering wicking "
            "containers for a balcony? Worth the weight?"
        ),
        tags=("balcony", "containers", "water"),
        answers=(
            Answer(
                author="kofi",
                hours=11,
                body=(
                    "Worth it, but mind the weight: the water reservoir adds roughly 100 kg "
                    "per square metre for a 10 cm reservoir. Check what your balcony is rated "
                    "for first."
                ),
            ),
            Answer(
                author="wanjiru",
                hours=24,
                body=(
                    "Our keyhole beds work on the same idea and save about half the water. "
                    "Tomatoes and chillies do very well in them."
                ),
            ),
        ),
    ),
    DemoThread(
        kind=Q,
        author="sam",
        day=554,
        hour=6,
        title="Can I grow oyster mushrooms in a dark cupboard?",
        body=(
            "The allotment is closed for winter and I miss growing. Has anyone grown "
            "oyster mushrooms indoors on coffee grounds? Do they need any light?"
        ),
        tags=("mushrooms", "indoor", "winter"),
    ),
    DemoThread(
        kind=TALK,
        author="steward",
        day=497,
        hour=18,
        title="Hosting the first peer call: roles, a timer, and what to do about silence",
        body=(
            "Before we open the peer call to everyone, let us agree how we host it. "
            "My proposal: one host keeps time, one takes notes that go to the two people "
            "who brought problems (not to the whole circle), and we allow silence after "
            "each question instead of rushing to fill it."
        ),
        tags=("peer-call", "hosting"),
        circle="peer-call-hosts",
        answers=(
            Answer(
                author="rosa",
                hours=3,
                body=(
                    "Agree on notes going only to the problem owners. People will say more "
                    "if they know it will not be published."
                ),
            ),
            Answer(
                author="wanjiru",
                hours=9,
                body=(
                    "In our trainer circles we give silence a number: count to ten in your "
                    "head before anyone speaks. It feels long the first time and then it "
                    "becomes the best part."
                ),
                helped=("steward", "lena"),
            ),
            Answer(
                author="lena",
                hours=20,
                body="I can keep time for the first two calls.",
            ),
        ),
    ),
)

AGREEMENT = """\
1. Ask freely. No question is too basic here, and newcomers' questions are welcome.
2. Tell what went wrong as well as what went right; failures teach the most.
3. Say where your advice comes from (your own plot, research, family knowledge), so
   others can judge whether it fits their place.
4. Say when something helped you, and credit the person who shared it.
5. What is said in a private circle stays in that circle.
"""

CIRCLES = (
    DemoCircle(
        slug="peer-call-hosts",
        name="Peer-call hosts",
        tier="private",
        description="The few of us who host the monthly peer call: planning and debriefs.",
        created_day=495,
        members=("rosa", "wanjiru", "lena"),
    ),
)

INTRODUCTIONS = (
    DemoIntroduction(
        introducer="steward",
        person_a="sam",
        person_b="lena",
        day=37,
        hour=9,
        note=(
            "Sam has a new allotment and two mornings a week; Lena plans a whole year of beds "
            "with thirty children and knows how to keep a first season simple."
        ),
    ),
    DemoIntroduction(
        introducer="steward",
        person_a="lena",
        person_b="priya",
        day=152,
        hour=9,
        note=(
            "Lena's new school garden may sit on contaminated ground, and Priya reads soil "
            "tests for a living. Worth a call before the parents' evening."
        ),
    ),
    DemoIntroduction(
        introducer="steward",
        person_a="rosa",
        person_b="jonas",
        day=234,
        hour=10,
        note=(
            "Rosa got a garden water rate out of her city; Jonas is collecting exactly that "
            "kind of example for his council's proposal."
        ),
    ),
    DemoIntroduction(
        introducer="priya",
        person_a="mei",
        person_b="kofi",
        day=262,
        hour=12,
        note="You both log sensor data from growing systems and could save each other weeks.",
    ),
    DemoIntroduction(
        introducer="steward",
        person_a="yusuf",
        person_b="mei",
        day=352,
        hour=8,
        note=(
            "Mei has kept bokashi going on a sixth-floor balcony for a year; Yusuf is handing "
            "out buckets to three tower blocks. Mei's tips could go in the leaflet."
        ),
    ),
    DemoIntroduction(
        introducer="steward",
        person_a="dario",
        person_b="kofi",
        day=462,
        hour=9,
        note="Kofi designs structures for roofs; Dario needs a screen that lifts his bees' flight.",
    ),
)

COMMUNITY = DemoCommunity(
    slug="urban-growers",
    name="Urban Growers Circle",
    domain="Growing food in cities: balconies, rooftops, allotments, school yards and car parks",
    purpose=(
        "We grow food in small, odd, borrowed city spaces, and we learn faster together "
        "than alone. Ask anything, offer what you have, and tell the story of what went "
        "wrong as well as what went right."
    ),
    aspiration="knowledge_weaving",
    visibility="public",
    created_day=0,
    stewards=("steward",),
    members=(
        "tomas",
        "priya",
        "jonas",
        "wanjiru",
        "lena",
        "dario",
        "mei",
        "kofi",
        "rosa",
        "aroha",
        "sam",
        "yusuf",
    ),
    threads=THREADS,
    agreement=AGREEMENT,
    circles=CIRCLES,
    introductions=INTRODUCTIONS,
    practices=urban_learning.PRACTICES,
    experiments=urban_learning.EXPERIMENTS,
    agenda=urban_learning.AGENDA,
    distilled=urban_learning.DISTILLED,
)
