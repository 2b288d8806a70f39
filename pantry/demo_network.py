"""The demo network as plain data: its sites, items, targets, rhythms and the few stories
that make the site pages show their flags. pantry.demo plays it through the ledger."""
from dataclasses import dataclass

DAYS = 21  # how many days of history the demo has
SEED = 2026  # the same demo every time for the same `now`


@dataclass(frozen=True)
class Rhythm:
    """How busy a site is: when it is open, when drops come, when volunteers clean."""

    open_days: frozenset  # weekdays, Monday = 0
    hours: tuple  # (opening hour, closing hour), local time
    takes_per_day: tuple  # (fewest, most)
    donations_per_day: tuple  # neighbours bringing a few things: (fewest, most)
    drop_days: frozenset  # weekdays of the donation drops
    drop_hour: int
    cleaning_days_ago: frozenset  # never 0 or 1: past-date batches must survive to today


EVERY_DAY = frozenset(range(7))
NOT_SUNDAY = frozenset(range(6))

SITES = [
    {
        "slug": "fulton-corner-fridge",
        "name": "Fulton Street Corner Fridge",
        "address": "1147 Fulton St, Brooklyn, outside Mi Barrio Deli",
        "kind": "fridge",
        "hours": "24 hours, every day",
        "notes": "Push the door shut until it clicks: the latch sticks.",
    },
    {
        "slug": "grand-ave-library-pantry",
        "name": "Grand Avenue Library Pantry Shelf",
        "address": "412 Grand Ave, Brooklyn, library lobby by the returns desk",
        "kind": "pantry",
        "hours": "Mon–Sat 10 am – 6 pm",
        "notes": "No fridge here: please bring food that keeps without one, and toiletries.",
    },
    {
        "slug": "st-brigids-hall-freezer",
        "name": "St. Brigid's Hall Fridge & Freezer",
        "address": "86 Decatur St, Brooklyn, side door of the parish hall",
        "kind": "freezer",
        "hours": "Mon–Sat 9 am – 7 pm",
        "notes": "Label home-cooked meals with what is in them and the date.",
    },
]

RHYTHMS = {
    "fulton-corner-fridge": Rhythm(
        open_days=EVERY_DAY, hours=(7, 23), takes_per_day=(12, 18), donations_per_day=(1, 3),
        drop_days=frozenset({0, 2, 4, 5}), drop_hour=8, cleaning_days_ago=frozenset({19, 15, 12, 8, 5, 2}),
    ),
    "grand-ave-library-pantry": Rhythm(
        open_days=NOT_SUNDAY, hours=(10, 18), takes_per_day=(5, 9), donations_per_day=(0, 2),
        drop_days=frozenset({1, 5}), drop_hour=10, cleaning_days_ago=frozenset({18, 11, 4}),
    ),
    "st-brigids-hall-freezer": Rhythm(
        open_days=NOT_SUNDAY, hours=(9, 19), takes_per_day=(6, 9), donations_per_day=(0, 2),
        drop_days=frozenset({0, 2, 4}), drop_hour=16, cleaning_days_ago=frozenset({20, 13, 9, 6, 3}),
    ),
}

# name, category, unit, shelf life in days (shortest, longest) or None, how popular (a weight)
ITEMS = [
    ("Apples", "produce", "each", (10, 14), 3),
    ("Bananas", "produce", "bunch", (4, 6), 3),
    ("Onions", "produce", "3 lb bag", (14, 21), 1),
    ("Carrots", "produce", "1 lb bag", (10, 14), 1),
    ("Milk 1 L", "dairy", "carton", (7, 10), 4),
    ("Eggs", "dairy", "dozen", (21, 28), 3),
    ("Yogurt", "dairy", "cup", (10, 14), 2),
    ("Bread loaf", "bakery", "loaf", (3, 5), 4),
    ("Tortillas", "bakery", "pack of 10", (10, 14), 2),
    ("Prepared meals", "meals", "container", (3, 4), 4),
    ("Soup", "meals", "quart", (4, 5), 2),
    ("Frozen dinners", "meals", "tray", (90, 180), 3),
    ("Canned beans", "canned", "can", (365, 730), 2),
    ("Canned tomatoes", "canned", "can", (365, 730), 1),
    ("Canned tuna", "canned", "can", (540, 900), 2),
    ("Rice 1 kg", "dry", "bag", (365, 730), 2),
    ("Pasta", "dry", "500 g box", (365, 730), 2),
    ("Oats", "dry", "canister", (180, 365), 1),
    ("Peanut butter", "dry", "jar", (180, 365), 2),
    ("Juice", "drinks", "1 L carton", (60, 120), 2),
    ("Water", "drinks", "bottle", None, 2),
    ("Baby formula", "baby", "can", (180, 365), 1),
    ("Diapers", "baby", "pack", None, 1),
    ("Soap", "hygiene", "bar", None, 1),
    ("Toothpaste", "hygiene", "tube", (540, 730), 1),
    ("Pads", "hygiene", "pack", None, 1),
    ("Cat food", "other", "can", (365, 540), 1),
]

KEPT_COLD = {"dairy", "meals"}
# Typical weights in grams, for the impact report's estimate; the items left out have none.
WEIGHTS = {
    "Apples": 180, "Bananas": 900, "Onions": 1360, "Carrots": 450, "Milk 1 L": 1030, "Eggs": 700,
    "Yogurt": 170, "Bread loaf": 500, "Tortillas": 450, "Prepared meals": 450, "Soup": 950,
    "Frozen dinners": 300, "Canned beans": 425, "Canned tomatoes": 400, "Canned tuna": 170,
    "Rice 1 kg": 1000, "Pasta": 500, "Oats": 500, "Peanut butter": 450, "Juice": 1050, "Water": 500,
    "Baby formula": 800,
}  # cold-chain categories: a warm fridge puts them in question

# What each site keeps, with its target level (None: welcome, but no target).
ASSORTMENT = {
    "fulton-corner-fridge": {
        "Apples": 12, "Bananas": 10, "Carrots": 6, "Milk 1 L": 12, "Eggs": 6, "Yogurt": 10,
        "Bread loaf": 8, "Tortillas": 4, "Prepared meals": 10, "Soup": 6, "Canned beans": 8,
        "Juice": 6, "Water": None,
    },
    "grand-ave-library-pantry": {
        "Apples": 10, "Onions": 6, "Bread loaf": 8, "Tortillas": 6, "Canned beans": 12,
        "Canned tomatoes": 10, "Canned tuna": 10, "Rice 1 kg": 8, "Pasta": 10, "Oats": 6,
        "Peanut butter": 6, "Baby formula": 4, "Diapers": 6, "Soap": 8, "Toothpaste": 8, "Pads": 8,
        "Cat food": None,
    },
    "st-brigids-hall-freezer": {
        "Milk 1 L": 8, "Eggs": 6, "Bananas": 8, "Carrots": 4, "Prepared meals": 8,
        "Frozen dinners": 12, "Soup": 6, "Bread loaf": 6, "Juice": 4, "Baby formula": 3,
        "Water": None,
    },
}

# Scripted lines, played as written: (site, item, days ago, "HH:MM", kind, quantity, extra).
# For a restock, extra is the best-before date in days from today (None: no date); for a
# count, quantity is how far the count is from the record; for a mistake, quantity is what
# was typed and extra what was meant. A pair with restock or take lines here is the story's
# alone: it gets no random takes, drops or donations.
STORY = [
    # A grocery-rescue box of yogurt nobody finished: three cups past their date.
    ("fulton-corner-fridge", "Yogurt", 9, "10:05", "restock", 8, -1),
    ("fulton-corner-fridge", "Yogurt", 8, "13:20", "take", 1, None),
    ("fulton-corner-fridge", "Yogurt", 7, "18:40", "take", 2, None),
    ("fulton-corner-fridge", "Yogurt", 5, "12:10", "take", 1, None),
    ("fulton-corner-fridge", "Yogurt", 3, "09:30", "restock", 6, 11),
    ("fulton-corner-fridge", "Yogurt", 2, "17:15", "take", 1, None),
    # The library's bread: a loaf run that went quickly, then one that expires tomorrow.
    ("grand-ave-library-pantry", "Bread loaf", 9, "10:40", "restock", 6, -5),
    ("grand-ave-library-pantry", "Bread loaf", 9, "15:00", "take", 2, None),
    ("grand-ave-library-pantry", "Bread loaf", 8, "11:30", "take", 3, None),
    ("grand-ave-library-pantry", "Bread loaf", 6, "16:45", "take", 1, None),
    ("grand-ave-library-pantry", "Bread loaf", 2, "10:35", "restock", 8, 1),
    ("grand-ave-library-pantry", "Bread loaf", 1, "12:00", "take", 2, None),
    # Diapers: someone took more than the record held, and nobody has counted since.
    ("grand-ave-library-pantry", "Diapers", 12, "10:20", "restock", 4, None),
    ("grand-ave-library-pantry", "Diapers", 8, "14:10", "take", 1, None),
    ("grand-ave-library-pantry", "Diapers", 3, "11:45", "take", 4, None),
    ("grand-ave-library-pantry", "Diapers", 1, "10:30", "restock", 5, None),
    # A typo: 20 bags of rice logged for 2, corrected a few minutes later.
    ("grand-ave-library-pantry", "Rice 1 kg", 11, "10:50", "mistake", 20, 2),
    # Church meals: one tray past its date, a fresh one good until the day after tomorrow.
    ("st-brigids-hall-freezer", "Prepared meals", 11, "16:05", "restock", 8, -7),
    ("st-brigids-hall-freezer", "Prepared meals", 11, "18:30", "take", 3, None),
    ("st-brigids-hall-freezer", "Prepared meals", 10, "12:15", "take", 3, None),
    ("st-brigids-hall-freezer", "Prepared meals", 9, "13:00", "take", 2, None),
    ("st-brigids-hall-freezer", "Prepared meals", 4, "16:10", "restock", 6, -1),
    ("st-brigids-hall-freezer", "Prepared meals", 3, "12:30", "take", 2, None),
    ("st-brigids-hall-freezer", "Prepared meals", 2, "17:50", "take", 1, None),
    ("st-brigids-hall-freezer", "Prepared meals", 1, "16:20", "restock", 5, 2),
    # Two counts by volunteers: eggs taken without logging, soup found at the back.
    ("fulton-corner-fridge", "Eggs", 15, "09:10", "count", -2, None),
    ("st-brigids-hall-freezer", "Soup", 8, "09:20", "count", 3, None),
]

# How many popular items per site get a printed label of their own.
ITEM_LABELS_PER_SITE = 4

# Weekly shift patterns: (site, kind, weekdays as a bitmask with bit 0 = Monday, start, end, places).
MON, TUE, WED, THU, FRI, SAT, SUN = (1 << day for day in range(7))
DAILY = MON | TUE | WED | THU | FRI | SAT | SUN
PATTERNS = [
    ("fulton-corner-fridge", "cleaning", DAILY, "08:00", "08:30", 2),
    ("fulton-corner-fridge", "temperature", DAILY, "19:00", "19:15", 1),
    ("fulton-corner-fridge", "restock", SAT, "10:00", "11:00", 3),
    ("grand-ave-library-pantry", "cleaning", MON | WED | FRI, "10:00", "10:30", 1),
    ("grand-ave-library-pantry", "restock", TUE, "17:00", "18:00", 2),
    ("st-brigids-hall-freezer", "cleaning", MON | WED | FRI, "09:00", "09:30", 2),
    ("st-brigids-hall-freezer", "temperature", TUE | THU | SAT, "12:00", "12:15", 1),
    ("st-brigids-hall-freezer", "restock", THU, "16:00", "17:00", 3),
]

# The volunteers who sign up: (name, email, phone, first name shown publicly, language).
VOLUNTEERS = [
    ("Ana Ruiz", "ana.ruiz@example.org", None, True, "es"),
    ("Bo Chen", None, "555-0142", False, "en"),
    ("Carmen Díaz", None, None, True, "es"),
    ("Dev Patel", "dev.patel@example.org", "555-0178", True, "en"),
    ("Eli Brooks", None, None, True, "en"),
    ("Fatima Noor", "fatima@example.org", None, False, "en"),
    ("Gus Olsen", None, "555-0115", True, "en"),
    ("Hana Kim", None, None, False, "en"),
    ("Ike Mensah", "ike.mensah@example.org", None, True, "en"),
    ("Jo Silva", None, None, True, "es"),
    ("Kai Walker", None, "555-0163", False, "en"),
    ("Lucía Romero", "lucia.romero@example.org", None, True, "es"),
]
SIGN_UP_DAYS = 10  # volunteers have signed up for shifts this many days ahead
SIGN_UP_CHANCE = ((3, 0.8), (7, 0.5), (SIGN_UP_DAYS, 0.25))  # (days ahead, chance per place)

# Thermometer readings, in °C, by kind of site: (usual, spread). Every evening someone checks.
USUAL_READINGS = {"fridge": (3.4, 0.7), "freezer": (-18.0, 1.0)}
READING_HOUR = 19
# The fridge that is too warm right now: its latest reading, and how many minutes ago it was taken.
WARM = ("fulton-corner-fridge", 7.6, 90, "Door was left ajar overnight. Closed it; will check again tonight.")

# Neighbours who follow the sites by mail: (address, kinds of news, daily digest hour or None).
FOLLOWERS = [
    ("rosa.follows@example.org", ["needs", "warm"], None),
    ("milo.follows@example.org", ["needs", "shifts"], 18),
    ("iris.follows@example.org", ["warm", "overdue", "shifts"], None),
]

# What neighbours said at the sites lately (pantry.reports, pantry.needs), in minutes before `now`.
# Reports: (site, kind, note, minutes ago for each person who said so); only kinds that nothing in
# the demo's own history would have put right since. Asks: (site, an item's name or a typed
# name, minutes ago for each ask); a typed name goes to the coordinators as a suggestion.
REPORTS = [
    ("grand-ave-library-pantry", "broken", "The light inside the cabinet is out.", (300, 120, 40)),
    ("st-brigids-hall-freezer", "other", "The lid sticks: push it down firmly.", (25,)),
]
ASKS = [
    ("fulton-corner-fridge", "Baby formula", (2900, 1500, 600)),
    ("fulton-corner-fridge", "Diapers size 5", (4000, 2200, 1300, 90)),
    ("grand-ave-library-pantry", "Peanut butter", (800,)),
    ("grand-ave-library-pantry", "Gluten-free bread", (3100, 700)),
]
