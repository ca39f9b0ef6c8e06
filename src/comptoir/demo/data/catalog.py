"""The demo category tree (three levels, English and French names) and the product templates of its leaves.

A leaf's template says what its products look like: the noun in each language, brands (invented, so the
demo never pretends to sell a real company's goods), model names, attribute values, a price range in
euros, weight and size, the HS code customs would use, and the usual countries of origin."""

from __future__ import annotations

from dataclasses import dataclass, field

# French for the attribute values that are words; numbers and sizes read the same in both languages.
VALUE_FR = {
    "black": "noir", "white": "blanc", "grey": "gris", "silver": "argent", "blue": "bleu", "navy": "bleu marine", "red": "rouge",
    "green": "vert", "olive": "kaki", "beige": "beige", "brown": "marron", "pink": "rose", "yellow": "jaune", "orange": "orange",
    "natural": "naturel", "oak": "chêne", "walnut": "noyer", "anthracite": "anthracite", "sand": "sable", "terracotta": "terre cuite",
    "cotton": "coton", "linen": "lin", "wool": "laine", "leather": "cuir", "denim": "denim", "polyester": "polyester", "silk": "soie",
    "stainless steel": "inox", "cast iron": "fonte", "aluminium": "aluminium", "ceramic": "céramique", "glass": "verre", "wood": "bois",
    "solid oak": "chêne massif", "bamboo": "bambou", "steel": "acier", "rattan": "rotin", "teak": "teck", "plastic": "plastique",
    "recycled plastic": "plastique recyclé", "carbon": "carbone", "rubber": "caoutchouc", "canvas": "toile", "down": "duvet",
    "memory foam": "mousse à mémoire de forme", "microfibre": "microfibre", "synthetic": "synthétique",
    "wireless": "sans fil", "wired": "filaire", "over-ear": "circum-auriculaire", "in-ear": "intra-auriculaire", "on-ear": "supra-auriculaire",
    "paperback": "broché", "hardcover": "relié", "pocket": "poche", "English": "anglais", "French": "français", "German": "allemand",
    "Spanish": "espagnol", "Italian": "italien", "mechanical": "mécanique", "membrane": "membrane", "automatic": "automatique",
    "quartz": "quartz", "petrol": "thermique", "electric": "électrique", "cordless": "sans fil", "gas": "gaz", "charcoal": "charbon",
    "matte": "mat", "satin": "satiné", "gloss": "brillant", "warm white": "blanc chaud", "cool white": "blanc froid",
    "dry skin": "peau sèche", "normal skin": "peau normale", "oily skin": "peau grasse", "all skin types": "tous types de peau",
    "floral": "florale", "woody": "boisée", "citrus": "hespéridée", "oriental": "orientale", "unisex": "mixte", "women": "femme", "men": "homme",
    "road": "route", "gravel": "gravel", "city": "ville", "mountain": "VTT", "2-person": "2 places", "3-person": "3 places", "4-person": "4 places",
    "suede": "daim", "brass": "laiton", "right": "droitier", "left": "gaucher", "belt": "courroie", "fibreglass": "fibre de verre",
    "yes": "oui", "no": "non", "none": "aucune", "silicone": "silicone", "TPE": "TPE", "cork": "liège", "dry": "secs", "coloured": "colorés",
    "fiction": "roman", "crime": "polar", "history": "histoire", "cooking": "cuisine", "travel": "voyage", "science": "sciences",
}

COLOURS = ["black", "white", "grey", "blue", "navy", "red", "green", "beige", "brown", "pink", "olive"]
DARK_COLOURS = ["black", "white", "grey", "silver", "blue"]
CLOTHING_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
SHOE_SIZES = [str(size) for size in range(36, 47)]


@dataclass(frozen=True)
class Leaf:
    slug: str
    name_en: str
    name_fr: str
    noun_en: str
    noun_fr: str
    brands: tuple[str, ...]
    models: tuple[str, ...]
    price_eur: tuple[int, int]
    weight_g: tuple[int, int]
    size_mm: tuple[int, int, int]
    hs_code: str
    origins: tuple[str, ...]
    attributes: dict[str, list[str]] = field(default_factory=dict)
    title_attributes: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ("new",)
    bulky: bool = False
    kind: str = "goods"  # "goods" or "book"

    @property
    def expected_attributes(self) -> list[str]:
        return list(self.attributes)


@dataclass(frozen=True)
class Branch:
    slug: str
    name_en: str
    name_fr: str
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class Department:
    slug: str
    name_en: str
    name_fr: str
    commission_rate_bp: int
    branches: tuple[Branch, ...]
    gs1_prefixes: tuple[str, ...] = ("400", "300", "800", "840", "540", "870", "590", "560")


def _leaf(slug, name_en, name_fr, noun_en, noun_fr, brands, models, price, weight, size, hs, origins, attributes, title=(), **extra) -> Leaf:
    return Leaf(slug, name_en, name_fr, noun_en, noun_fr, tuple(brands.split(", ")), tuple(models.split(", ")), price, weight, size, hs,
                tuple(origins.split()), attributes, tuple(title), **extra)


ELECTRONIC_CONDITIONS = ("new", "new", "new", "refurbished", "used_like_new")

TREE: tuple[Department, ...] = (
    Department("electronics", "Electronics", "Électronique", 700, (
        Branch("audio", "Audio", "Audio", (
            _leaf("headphones", "Headphones", "Casques audio", "Headphones", "Casque", "Sonora, Kelvor, Auralis, Noctis", "Aria, Pulse, Studio, Drift, Echo",
                  (29, 349), (150, 350), (200, 180, 90), "851830", "CN VN DE",
                  {"colour": DARK_COLOURS, "connectivity": ["wireless", "wired"], "form_factor": ["over-ear", "in-ear", "on-ear"], "battery_hours": ["20", "30", "40", "60"]},
                  ("connectivity", "colour"), conditions=ELECTRONIC_CONDITIONS),
            _leaf("speakers", "Speakers", "Enceintes", "Bluetooth Speaker", "Enceinte Bluetooth", "Sonora, Boomra, Kelvor, Vibe&Co", "Cube, Wave, Rock, Mini, Max",
                  (24, 399), (300, 2500), (180, 90, 90), "851822", "CN DE DK",
                  {"colour": DARK_COLOURS, "power_w": ["10", "20", "40", "60", "120"], "waterproof": ["IPX4", "IPX7", "none"]}, ("power_w", "colour"),
                  conditions=ELECTRONIC_CONDITIONS),
            _leaf("turntables", "Turntables", "Platines vinyle", "Turntable", "Platine vinyle", "Vinylia, Sonora, Platinum Audio", "Classic, Belt, Direct, Retro",
                  (99, 899), (3500, 9000), (450, 360, 130), "851981", "JP DE CN",
                  {"colour": ["black", "white", "walnut"], "drive": ["belt", "direct"], "speeds": ["33/45", "33/45/78"]}, ("drive", "colour"),
                  conditions=ELECTRONIC_CONDITIONS),
        )),
        Branch("computers", "Computers", "Informatique", (
            _leaf("laptops", "Laptops", "Ordinateurs portables", "Laptop", "Ordinateur portable", "Vertex, Nimbus, Quadra, Lumio", "Air 13, Pro 14, Book 15, Flex 14, Studio 16",
                  (399, 2499), (1100, 2400), (340, 240, 20), "847130", "CN TW",
                  {"screen_inches": ["13.3", "14", "15.6", "16"], "ram_gb": ["8", "16", "32"], "storage_gb": ["256", "512", "1024"], "colour": ["silver", "grey", "black"]},
                  ("screen_inches", "ram_gb", "storage_gb"), conditions=ELECTRONIC_CONDITIONS),
            _leaf("monitors", "Monitors", "Écrans", "Monitor", "Écran", "Vertex, Lumio, Pixelis", "View 24, View 27, Ultra 34, Office 24",
                  (119, 899), (3500, 8000), (620, 200, 450), "852852", "CN KR",
                  {"screen_inches": ["24", "27", "32", "34"], "resolution": ["1920x1080", "2560x1440", "3840x2160"], "refresh_hz": ["60", "75", "144", "165"]},
                  ("screen_inches", "resolution"), conditions=ELECTRONIC_CONDITIONS),
            _leaf("keyboards", "Keyboards", "Claviers", "Keyboard", "Clavier", "Typewise, Keyra, Quadra", "K1, K3, Tactile, Silent, Compact",
                  (19, 219), (400, 1200), (440, 140, 40), "847160", "CN TW",
                  {"layout": ["AZERTY", "QWERTY", "QWERTZ"], "switch_type": ["mechanical", "membrane"], "connectivity": ["wireless", "wired"]},
                  ("layout", "switch_type")),
        )),
        Branch("phones", "Phones", "Téléphonie", (
            _leaf("smartphones", "Smartphones", "Smartphones", "Smartphone", "Smartphone", "Nimbus, Orbis, Fenix Mobile", "S10, S12 Lite, X Pro, Neo 5G, Mini",
                  (149, 1299), (160, 230), (160, 75, 8), "851713", "CN KR IN",
                  {"storage_gb": ["64", "128", "256", "512"], "colour": DARK_COLOURS, "screen_inches": ["6.1", "6.4", "6.7"]}, ("storage_gb", "colour"),
                  conditions=ELECTRONIC_CONDITIONS),
            _leaf("phone-cases", "Cases", "Coques", "Phone Case", "Coque de téléphone", "Shieldy, Casa Cover, Armora", "Slim, Rugged, Clear, Wallet",
                  (7, 49), (30, 90), (170, 90, 15), "420232", "CN PT",
                  {"material": ["silicone", "leather", "recycled plastic"], "colour": COLOURS, "compatible_with": ["Nimbus S12", "Orbis X Pro", "Fenix Neo"]},
                  ("compatible_with", "colour")),
        )),
        Branch("photo", "Photo & Video", "Photo et vidéo", (
            _leaf("cameras", "Cameras", "Appareils photo", "Mirrorless Camera", "Appareil photo hybride", "Optika, Lumiq, Kamero", "Z50, A7 Mark II, X-T4, Alpha One",
                  (449, 2899), (400, 900), (130, 90, 80), "852589", "JP CN TH",
                  {"sensor": ["APS-C", "full frame", "Micro 4/3"], "megapixels": ["20", "24", "33", "45"], "colour": ["black", "silver"]}, ("sensor", "megapixels"),
                  conditions=ELECTRONIC_CONDITIONS),
        )),
    )),
    Department("fashion", "Fashion", "Mode", 1500, (
        Branch("women", "Women", "Femme", (
            _leaf("dresses", "Dresses", "Robes", "Dress", "Robe", "Maison Clémence, Lina & Co, Atelier Rive", "Summer, Wrap, Midi, Shirt, Maxi",
                  (29, 189), (200, 500), (350, 250, 30), "620442", "FR PT IT MA",
                  {"size": CLOTHING_SIZES, "colour": COLOURS, "material": ["cotton", "linen", "silk", "polyester"]}, ("material", "colour", "size")),
            _leaf("coats", "Coats", "Manteaux", "Coat", "Manteau", "Nordvik, Maison Clémence, Atelier Rive", "Duffle, Trench, Parka, Wool Long",
                  (79, 399), (800, 1800), (450, 350, 80), "620213", "PT IT CN",
                  {"size": CLOTHING_SIZES, "colour": ["black", "navy", "beige", "grey", "olive"], "material": ["wool", "cotton", "polyester"]}, ("material", "colour", "size")),
        )),
        Branch("men", "Men", "Homme", (
            _leaf("shirts", "Shirts", "Chemises", "Shirt", "Chemise", "Atelier Rive, Marcel & Fils, Hanse Tailors", "Oxford, Poplin, Flannel, Linen",
                  (29, 119), (200, 400), (350, 250, 30), "620520", "PT FR TN",
                  {"size": CLOTHING_SIZES, "colour": ["white", "blue", "navy", "grey", "pink"], "material": ["cotton", "linen"]}, ("material", "colour", "size")),
            _leaf("jeans", "Jeans", "Jeans", "Jeans", "Jean", "Indigo Nord, Marcel & Fils, Denimo", "Slim 511, Straight, Tapered, Regular",
                  (39, 149), (500, 900), (400, 300, 40), "620342", "PT IT TR",
                  {"waist": ["28", "30", "32", "34", "36", "38"], "leg": ["30", "32", "34"], "colour": ["blue", "black", "grey"]}, ("colour", "waist")),
        )),
        Branch("shoes", "Shoes", "Chaussures", (
            _leaf("sneakers", "Sneakers", "Baskets", "Sneakers", "Baskets", "Pas Léger, Courir Bien, Stride Lab", "Court, Runner 2, Low, High, Classic",
                  (49, 179), (600, 1000), (330, 220, 120), "640411", "PT VN IT",
                  {"shoe_size": SHOE_SIZES, "colour": ["white", "black", "grey", "navy"], "material": ["leather", "canvas", "synthetic"]}, ("colour", "shoe_size")),
            _leaf("boots", "Boots", "Bottes et bottines", "Boots", "Bottines", "Pas Léger, Cuir de Romans, Nordvik", "Chelsea, Ranger, Desert, Lace-up",
                  (79, 279), (900, 1600), (340, 240, 140), "640391", "PT IT ES",
                  {"shoe_size": SHOE_SIZES, "colour": ["black", "brown", "beige"], "material": ["leather", "suede"]}, ("colour", "shoe_size")),
        )),
        Branch("accessories", "Accessories", "Accessoires", (
            _leaf("bags", "Bags", "Sacs", "Leather Bag", "Sac en cuir", "Maroquinerie Vidal, Bolsa Roja, Lina & Co", "Tote, Crossbody, Weekender, Bucket",
                  (39, 449), (400, 1400), (380, 300, 150), "420221", "FR IT ES",
                  {"colour": ["black", "brown", "beige", "red"], "material": ["leather", "canvas"]}, ("material", "colour")),
            _leaf("watches", "Watches", "Montres", "Watch", "Montre", "Horlogerie Lacombe, Tempora, Zeitwerk", "Field 38, Diver 42, Dress 36, Chrono 40",
                  (59, 899), (60, 180), (100, 100, 80), "910211", "CH FR DE CN",
                  {"movement": ["automatic", "quartz"], "case_mm": ["36", "38", "40", "42"], "strap": ["leather", "steel", "rubber"]}, ("movement", "case_mm")),
        )),
    )),
    Department("home", "Home & Kitchen", "Maison et cuisine", 1200, (
        Branch("kitchen", "Kitchen", "Cuisine", (
            _leaf("cookware", "Pots & Pans", "Casseroles et poêles", "Frying Pan", "Poêle", "Cuisor, Fonderie Bleue, Pentola", "Chef, Everyday, Pro, Heritage",
                  (19, 189), (700, 3500), (480, 290, 80), "732393", "FR IT DE CN",
                  {"diameter_cm": ["20", "24", "28", "32"], "material": ["stainless steel", "cast iron", "aluminium", "ceramic"], "induction": ["yes", "no"]},
                  ("material", "diameter_cm")),
            _leaf("coffee-machines", "Coffee Machines", "Machines à café", "Espresso Machine", "Machine à expresso", "Barista Casa, Cuisor, Caffè Lento", "Crema, Duo, Pro 15, Compact",
                  (69, 899), (3000, 9000), (350, 250, 400), "851671", "IT DE CN",
                  {"pressure_bar": ["15", "19"], "capacity_l": ["1.2", "1.5", "1.8"], "colour": ["black", "silver", "red", "white"]}, ("pressure_bar", "colour"),
                  conditions=("new", "new", "refurbished")),
            _leaf("knives", "Knives", "Couteaux", "Chef's Knife", "Couteau de chef", "Coutellerie Thiers & Cie, Klinge, Hocho", "Santoku, Chef 20, Bread, Paring",
                  (15, 249), (120, 350), (350, 60, 25), "821191", "FR DE JP",
                  {"blade_cm": ["9", "15", "20", "23"], "material": ["stainless steel", "carbon"]}, ("blade_cm",)),
        )),
        Branch("furniture", "Furniture", "Mobilier", (
            _leaf("chairs", "Chairs", "Chaises", "Dining Chair", "Chaise", "Ébénisterie Morel, Holzhaus, Mobila", "Bistro, Nordic, Windsor, Scandi",
                  (49, 349), (3500, 8000), (550, 500, 850), "940161", "PL PT IT",
                  {"material": ["solid oak", "walnut", "steel", "rattan"], "colour": ["natural", "black", "white"]}, ("material", "colour"), bulky=True),
            _leaf("tables", "Tables", "Tables", "Dining Table", "Table à manger", "Ébénisterie Morel, Holzhaus, Mesa Viva", "Farmhouse, Extendable, Round, Trestle",
                  (199, 1499), (18000, 45000), (1800, 900, 760), "940360", "PL PT FR",
                  {"seats": ["4", "6", "8", "10"], "material": ["solid oak", "walnut", "glass"]}, ("seats", "material"), bulky=True),
            _leaf("shelving", "Shelving", "Étagères", "Bookcase", "Bibliothèque", "Holzhaus, Mobila, Ébénisterie Morel", "Ladder, Cube, Wall, Tall",
                  (59, 499), (9000, 35000), (1800, 800, 350), "940360", "PL SE PT",
                  {"shelves": ["3", "4", "5", "6"], "material": ["oak", "walnut", "steel", "bamboo"]}, ("shelves", "material"), bulky=True),
        )),
        Branch("bedding", "Bedding", "Linge de lit", (
            _leaf("duvets", "Duvets", "Couettes", "Duvet", "Couette", "Plumes de France, Dormia, Nordvik", "Light, Four Seasons, Winter, Eco",
                  (49, 349), (1000, 3000), (500, 400, 200), "940490", "FR DE PL",
                  {"size_cm": ["140x200", "200x200", "240x220"], "filling": ["down", "microfibre", "wool"]}, ("filling", "size_cm")),
            _leaf("pillows", "Pillows", "Oreillers", "Pillow", "Oreiller", "Plumes de France, Dormia", "Soft, Firm, Ergonomic, Classic",
                  (15, 119), (500, 1500), (600, 400, 150), "940490", "FR DE PT",
                  {"size_cm": ["50x70", "60x60", "65x65"], "filling": ["down", "memory foam", "microfibre"]}, ("filling", "size_cm")),
        )),
        Branch("lighting", "Lighting", "Luminaires", (
            _leaf("lamps", "Lamps", "Lampes", "Table Lamp", "Lampe à poser", "Maison Lumière, Lichtwerk, Luce Viva", "Globe, Arc, Atelier, Mushroom",
                  (29, 399), (800, 5000), (300, 300, 450), "940520", "FR IT DE CN",
                  {"colour": ["black", "white", "brass", "terracotta"], "bulb_socket": ["E27", "E14", "integrated LED"]}, ("colour",)),
        )),
    )),
    Department("garden", "Garden", "Jardin", 1100, (
        Branch("garden-tools", "Garden Tools", "Outils de jardin", (
            _leaf("lawn-mowers", "Lawn Mowers", "Tondeuses", "Lawn Mower", "Tondeuse", "Verdura, Gartenmeister, Pelouse Pro", "Eco 36, Mulch 42, Pro 46, Robo 500",
                  (129, 1299), (12000, 32000), (1400, 550, 1000), "843311", "DE FR CN",
                  {"power_source": ["petrol", "electric", "cordless"], "cutting_width_cm": ["33", "37", "42", "46"]}, ("power_source", "cutting_width_cm"), bulky=True,
                  conditions=("new", "new", "refurbished")),
            _leaf("pruners", "Pruners & Shears", "Sécateurs et cisailles", "Bypass Pruner", "Sécateur", "Forge du Jardin, Gartenmeister, Verdura", "Classic, Ergo, Pro 2, Ratchet",
                  (12, 79), (180, 400), (220, 70, 25), "820140", "FR DE CH",
                  {"cut_mm": ["20", "25", "30"], "handedness": ["right", "left"]}, ("cut_mm",)),
        )),
        Branch("outdoor-furniture", "Outdoor Furniture", "Mobilier de jardin", (
            _leaf("loungers", "Sun Loungers", "Bains de soleil", "Sun Lounger", "Bain de soleil", "Terrasse & Co, Sol Jardín, Holzhaus", "Riviera, Bali, Ibiza, Cap Ferret",
                  (79, 699), (8000, 22000), (1950, 650, 350), "940179", "PT ES ID",
                  {"material": ["teak", "aluminium", "rattan"], "colour": ["natural", "anthracite", "white", "sand"]}, ("material", "colour"), bulky=True),
            _leaf("garden-sets", "Garden Dining Sets", "Salons de jardin", "Garden Dining Set", "Salon de jardin", "Terrasse & Co, Sol Jardín, Giardino Bello", "Provence, Toscana, Lounge, Bistro",
                  (149, 1599), (15000, 60000), (1600, 900, 750), "940379", "PT ES CN",
                  {"seats": ["2", "4", "6", "8"], "material": ["teak", "aluminium", "steel", "rattan"]}, ("seats", "material"), bulky=True),
        )),
        Branch("plants", "Plants & Seeds", "Plantes et graines", (
            _leaf("seeds", "Seeds", "Graines", "Seed Packet", "Sachet de graines", "Graines du Terroir, Samenhaus, Semillas Vivas", "Tomato Coeur de Boeuf, Basil Genovese, Carrot Nantaise, Sunflower Giant",
                  (3, 12), (10, 40), (150, 90, 5), "120991", "FR NL DE IT",
                  {"organic": ["yes", "no"], "sowing_months": ["Feb-Apr", "Mar-May", "Apr-Jun"]}, ("organic",)),
        )),
        Branch("barbecues", "Barbecues", "Barbecues", (
            _leaf("grills", "Grills", "Barbecues et planchas", "Barbecue", "Barbecue", "Flamme Rouge, Grillmeister, Brasa", "Kettle 57, Plancha 60, Compact, Family 3B",
                  (59, 1199), (6000, 45000), (1200, 600, 1100), "732111", "FR DE ES CN",
                  {"fuel": ["gas", "charcoal", "electric"], "burners": ["1", "2", "3", "4"]}, ("fuel",), bulky=True),
        )),
    )),
    Department("sports", "Sports & Outdoors", "Sports et loisirs", 1000, (
        Branch("cycling", "Cycling", "Cyclisme", (
            _leaf("bikes", "Bikes", "Vélos", "Bike", "Vélo", "Cycles Vallée, Velomax, Bici Corsa", "Allure, Gravel X, City 7, Trail 29",
                  (299, 3499), (9000, 16000), (1750, 250, 950), "871200", "FR DE IT PT TW",
                  {"type": ["road", "gravel", "city", "mountain"], "frame_size": ["S", "M", "L", "XL"], "frame_material": ["aluminium", "carbon", "steel"]},
                  ("type", "frame_size"), bulky=True, conditions=("new", "new", "new", "used_good")),
            _leaf("helmets", "Helmets", "Casques de vélo", "Cycling Helmet", "Casque de vélo", "Velomax, Protecta, Bici Corsa", "Aero, Urban, Trail, Kids",
                  (29, 249), (250, 400), (280, 220, 180), "650610", "IT CN",
                  {"size": ["S", "M", "L"], "colour": ["black", "white", "red", "blue"]}, ("size", "colour")),
        )),
        Branch("running", "Running", "Course à pied", (
            _leaf("running-shoes", "Running Shoes", "Chaussures de running", "Running Shoes", "Chaussures de running", "Stride Lab, Courir Bien, Kinetika", "Tempo, Glide 3, Trail Pro, Daily",
                  (59, 219), (450, 700), (330, 220, 120), "640411", "VN CN PT",
                  {"shoe_size": SHOE_SIZES, "gender": ["women", "men", "unisex"], "drop_mm": ["4", "8", "10"]}, ("gender", "shoe_size")),
        )),
        Branch("fitness", "Fitness", "Fitness et musculation", (
            _leaf("dumbbells", "Dumbbells", "Haltères", "Adjustable Dumbbell", "Haltère réglable", "Ironclad, Fortis, Kinetika", "Adjust 20, Adjust 32, Hex, Pro Set",
                  (19, 399), (2000, 32000), (400, 200, 200), "950691", "CN PL",
                  {"max_weight_kg": ["10", "20", "24", "32", "40"]}, ("max_weight_kg",), bulky=True),
            _leaf("yoga-mats", "Yoga Mats", "Tapis de yoga", "Yoga Mat", "Tapis de yoga", "Zenitude, Kinetika, Asana Lab", "Grip, Travel, Cork, Thick",
                  (15, 99), (800, 2500), (620, 150, 150), "950691", "DE CN PT",
                  {"thickness_mm": ["3", "4", "6", "8"], "material": ["rubber", "cork", "TPE"], "colour": ["green", "blue", "pink", "black", "sand"]},
                  ("thickness_mm", "colour")),
        )),
        Branch("outdoor", "Hiking & Camping", "Randonnée et camping", (
            _leaf("tents", "Tents", "Tentes", "Tent", "Tente", "Bivouac, Alpenzelt, Monte Verde", "Trek, Quick Pitch, Dome, Ultralight",
                  (49, 699), (1200, 6000), (550, 200, 200), "630622", "FR DE CN VN",
                  {"capacity": ["2-person", "3-person", "4-person"], "season": ["3-season", "4-season"]}, ("capacity",)),
            _leaf("backpacks", "Backpacks", "Sacs à dos", "Hiking Backpack", "Sac à dos de randonnée", "Bivouac, Alpenzelt, Monte Verde", "Trail 30, Trek 45, Summit 60, Day 20",
                  (29, 279), (600, 2000), (600, 300, 200), "420292", "VN CN PT",
                  {"capacity_l": ["20", "30", "45", "60"], "colour": ["black", "blue", "green", "red", "grey"]}, ("capacity_l", "colour")),
        )),
    )),
    Department("books", "Books", "Livres", 500, (
        Branch("fiction", "Fiction", "Romans et fiction", (
            _leaf("novels", "Novels", "Romans", "Novel", "Roman", "Éditions du Quai, Harbour Press, Verlag Lindenhof", "", (7, 26), (150, 600), (200, 130, 25), "490199", "FR DE GB",
                  {"author": [], "format": ["paperback", "hardcover", "pocket"], "pages": [], "language": ["French", "English", "German"], "genre": ["fiction"]},
                  conditions=("new", "new", "used_good", "used_acceptable"), kind="book"),
            _leaf("crime", "Crime & Thrillers", "Polars et thrillers", "Thriller", "Polar", "Éditions du Quai, Nightfall Books, Rivages Noirs", "", (7, 24), (150, 500), (200, 130, 25), "490199", "FR GB",
                  {"author": [], "format": ["paperback", "pocket", "hardcover"], "pages": [], "language": ["French", "English"], "genre": ["crime"]},
                  conditions=("new", "new", "used_good"), kind="book"),
        )),
        Branch("non-fiction", "Non-fiction", "Essais et documents", (
            _leaf("cookbooks", "Cookbooks", "Livres de cuisine", "Cookbook", "Livre de cuisine", "Éditions Gourmandes, Harbour Press, Libros Sabor", "", (12, 45), (500, 1500), (260, 200, 25), "490199", "FR GB ES",
                  {"author": [], "format": ["hardcover", "paperback"], "pages": [], "language": ["French", "English", "Spanish"], "genre": ["cooking"]}, kind="book"),
            _leaf("history", "History", "Histoire", "History Book", "Livre d'histoire", "Éditions du Quai, Harbour Press, Verlag Lindenhof", "", (10, 35), (400, 1000), (240, 160, 35), "490199", "FR DE GB",
                  {"author": [], "format": ["hardcover", "paperback"], "pages": [], "language": ["French", "English", "German"], "genre": ["history"]},
                  conditions=("new", "used_good"), kind="book"),
        )),
        Branch("comics", "Comics & Graphic Novels", "Bandes dessinées", (
            _leaf("bd", "Bandes Dessinées", "BD franco-belges", "Graphic Novel", "Bande dessinée", "Éditions Bulles, Bulles & Fils, Éditions Phylactère", "", (11, 25), (300, 600), (300, 225, 12), "490199", "FR BE",
                  {"author": [], "format": ["hardcover"], "pages": [], "language": ["French"], "genre": ["fiction"]}, conditions=("new", "new", "used_like_new"), kind="book"),
            _leaf("manga", "Manga", "Mangas", "Manga", "Manga", "Kaze Sakura, Éditions Bulles, Sakura Pop Europe", "", (6, 12), (150, 250), (180, 115, 15), "490199", "FR JP",
                  {"author": [], "format": ["paperback"], "pages": [], "language": ["French", "English"], "genre": ["fiction"]}, kind="book"),
        )),
        Branch("children-books", "Children's Books", "Livres jeunesse", (
            _leaf("picture-books", "Picture Books", "Albums illustrés", "Picture Book", "Album illustré", "Éditions Petit Pas, Little Harbour, Kinderbuch Verlag", "", (8, 22), (200, 600), (280, 240, 10), "490300", "FR GB DE",
                  {"author": [], "format": ["hardcover"], "pages": [], "language": ["French", "English", "German"], "age_range": ["0-3", "3-6", "6-9"]}, kind="book"),
        )),
    )),
    Department("toys", "Toys & Games", "Jouets et jeux", 1200, (
        Branch("building", "Building Toys", "Jeux de construction", (
            _leaf("brick-sets", "Brick Sets", "Briques à construire", "Building Set", "Jeu de construction", "Bricko, Konstrukt, Mattoncini", "Castle, Space Station, Fire Station, Pirate Ship",
                  (14, 199), (300, 3000), (380, 260, 90), "950300", "DK CN CZ",
                  {"pieces": ["120", "350", "800", "1500"], "age_range": ["4+", "6+", "9+", "12+"]}, ("pieces", "age_range")),
        )),
        Branch("board-games", "Board Games", "Jeux de société", (
            _leaf("family-games", "Family Games", "Jeux familiaux", "Board Game", "Jeu de société", "Ludo Lutin, Spielwerk, Gioco Felice", "Harbour Masters, Forest Quest, Dragon Market, Tiny Towns",
                  (15, 69), (500, 2000), (300, 300, 80), "950490", "FR DE CN",
                  {"players": ["2-4", "2-5", "3-6", "1-4"], "age_range": ["6+", "8+", "10+", "14+"], "play_time_min": ["20", "30", "45", "90"]}, ("players",)),
        )),
        Branch("dolls-figures", "Dolls & Figures", "Poupées et figurines", (
            _leaf("dolls", "Dolls", "Poupées", "Doll", "Poupée", "Poupées Colline, Puppenhaus, Bambola", "Lila, Clara, Baby Jules, Marin",
                  (15, 89), (300, 900), (350, 150, 100), "950300", "FR DE ES CN",
                  {"height_cm": ["28", "36", "40", "48"], "age_range": ["18m+", "3+"]}, ("height_cm",)),
        )),
        Branch("outdoor-toys", "Outdoor Toys", "Jeux d'extérieur", (
            _leaf("scooters", "Scooters", "Trottinettes", "Kids Scooter", "Trottinette enfant", "Trotti, Velomax, Rollo", "Mini 3, Maxi, Flash, Fold",
                  (29, 149), (2000, 4500), (700, 300, 800), "950300", "FR CN",
                  {"wheels": ["2", "3"], "age_range": ["3+", "5+", "8+"], "colour": ["red", "blue", "pink", "green"]}, ("wheels", "colour")),
        )),
    )),
    Department("beauty", "Beauty", "Beauté", 1400, (
        Branch("skincare", "Skincare", "Soins du visage", (
            _leaf("moisturisers", "Moisturisers", "Crèmes hydratantes", "Moisturising Cream", "Crème hydratante", "Laboratoire Alpin, Belleza Natural, Hautwerk", "Hydra 24h, Rich Night, Light Gel, SPF 30",
                  (9, 79), (80, 250), (70, 70, 90), "330499", "FR DE ES",
                  {"skin_type": ["dry skin", "normal skin", "oily skin", "all skin types"], "volume_ml": ["30", "50", "75"]}, ("skin_type", "volume_ml")),
        )),
        Branch("fragrance", "Fragrance", "Parfums", (
            _leaf("perfumes", "Perfumes", "Parfums", "Eau de Parfum", "Eau de parfum", "Maison Grasse, Profumi di Capri, Duftwerk", "Nuit Bleue, Figuier, Ambre Doux, Cédrat",
                  (29, 189), (200, 600), (90, 60, 140), "330300", "FR IT",
                  {"volume_ml": ["30", "50", "100"], "olfactory_family": ["floral", "woody", "citrus", "oriental"], "gender": ["women", "men", "unisex"]},
                  ("volume_ml", "olfactory_family")),
        )),
        Branch("hair", "Hair Care", "Soins des cheveux", (
            _leaf("shampoos", "Shampoos", "Shampoings", "Shampoo", "Shampoing", "Belleza Natural, Savonnerie de Marseille, Hautwerk", "Gentle, Repair, Volume, Anti-Dandruff",
                  (5, 29), (250, 600), (70, 50, 200), "330510", "FR ES DE",
                  {"volume_ml": ["250", "400", "500"], "hair_type": ["normal", "dry", "coloured", "curly"]}, ("hair_type", "volume_ml")),
        )),
        Branch("makeup", "Makeup", "Maquillage", (
            _leaf("lipsticks", "Lipsticks", "Rouges à lèvres", "Lipstick", "Rouge à lèvres", "Maison Grasse, Colorista, Bella Labbra", "Velvet, Satin Kiss, Matte Icon",
                  (8, 39), (20, 60), (80, 25, 25), "330410", "FR IT",
                  {"shade": ["rouge classique", "nude", "berry", "coral", "plum"], "finish": ["matte", "satin", "gloss"]}, ("finish", "shade")),
        )),
    )),
    Department("diy", "DIY & Tools", "Bricolage", 900, (
        Branch("power-tools", "Power Tools", "Outillage électroportatif", (
            _leaf("drills", "Drills", "Perceuses", "Cordless Drill", "Perceuse-visseuse sans fil", "Werkstark, Outilpro, Trapano", "DS 18, Impact 20, Compact 12, Hammer 18",
                  (39, 349), (1100, 2400), (250, 80, 230), "846721", "DE CN FR",
                  {"voltage_v": ["12", "18", "20"], "battery_ah": ["2.0", "4.0", "5.0"], "batteries_included": ["0", "1", "2"]}, ("voltage_v", "battery_ah"),
                  conditions=("new", "new", "new", "refurbished")),
            _leaf("saws", "Saws", "Scies", "Circular Saw", "Scie circulaire", "Werkstark, Outilpro, Sierra Maestro", "CS 165, CS 190, Jigsaw 700, Plunge 55",
                  (59, 499), (2500, 5500), (400, 300, 280), "846722", "DE CN",
                  {"blade_mm": ["165", "190", "210"], "power_w": ["1200", "1400", "1600"]}, ("blade_mm",)),
        )),
        Branch("hand-tools", "Hand Tools", "Outillage à main", (
            _leaf("screwdrivers", "Screwdriver Sets", "Jeux de tournevis", "Screwdriver Set", "Jeu de tournevis", "Atelier Clé, Werkstark, Herramientas Sur", "Precision, Workshop, Electrician, Bit Set",
                  (9, 89), (200, 1200), (250, 150, 40), "820540", "FR DE TW",
                  {"pieces": ["6", "10", "32", "62"]}, ("pieces",)),
            _leaf("hammers", "Hammers", "Marteaux", "Claw Hammer", "Marteau de charpentier", "Forge du Jardin, Werkstark, Herramientas Sur", "Classic 450, Fibreglass 600, Framing 800",
                  (9, 49), (400, 1100), (330, 130, 35), "820520", "FR DE ES",
                  {"head_weight_g": ["300", "450", "600", "800"], "handle": ["wood", "fibreglass", "steel"]}, ("head_weight_g",)),
        )),
        Branch("paint", "Paint & Decorating", "Peinture et décoration", (
            _leaf("wall-paint", "Wall Paint", "Peinture murale", "Interior Wall Paint", "Peinture murale intérieure", "Couleurs de Provence, Farbenwerk, Pittura Bella", "Velours, Mat Profond, Satin Plus, Cuisine & Bain",
                  (19, 89), (2500, 14000), (250, 250, 280), "320910", "FR DE IT",
                  {"volume_l": ["0.5", "2.5", "5", "10"], "finish": ["matte", "satin", "gloss"], "colour": ["white", "grey", "sand", "green", "terracotta", "navy"]},
                  ("finish", "colour", "volume_l")),
        )),
        Branch("electrical", "Electrical", "Électricité", (
            _leaf("light-bulbs", "Light Bulbs", "Ampoules", "LED Bulb", "Ampoule LED", "Lichtwerk, Luminex, Voltix", "Classic A60, Filament, Globe G95, Candle",
                  (3, 29), (30, 150), (120, 60, 60), "853952", "CN PL DE",
                  {"socket": ["E27", "E14", "GU10"], "lumens": ["470", "806", "1055", "1521"], "colour_temperature": ["warm white", "cool white"]}, ("socket", "lumens")),
        )),
    )),
)


# Book titles are built from these, in the book's language.
BOOK_WORDS = {
    "French": (["Le Silence", "La Maison", "Les Jardins", "L'Hiver", "La Nuit", "Le Dernier Été", "Les Ombres", "La Mémoire", "Le Port", "Les Lumières"],
               ["de Lisbonne", "du Nord", "d'Arcachon", "sans fin", "de la rivière", "des anciens", "de Marseille", "perdues", "du phare", "d'automne"]),
    "English": (["The Silent", "The Last", "A House of", "The Winter", "Night", "The Salt", "A Map of", "The Glass", "The Lantern", "Beneath the"],
                ["Harbour", "Orchard", "Letters", "Kingdom", "Garden", "Tide", "Forgotten Things", "Lighthouse", "River", "Stars"]),
    "German": (["Das Haus", "Der Winter", "Die Stille", "Das Leuchten", "Die Gärten", "Der letzte Sommer"],
               ["am See", "im Norden", "der Erinnerung", "von Lindau", "ohne Namen", "am Fluss"]),
    "Spanish": (["La Cocina", "Sabores", "El Mercado", "La Mesa"], ["de Andalucía", "del Sur", "de mi abuela", "de temporada"]),
}
AUTHORS = ["Claire Dumont", "Antoine Lefèvre", "Élise Marchand", "Hugo Bernard", "Margaux Petit", "Julien Roussel", "Sarah Whitfield", "Thomas Ashdown",
           "Eleanor Brooks", "James Holloway", "Katrin Vogel", "Jonas Albrecht", "Lucía Romero", "Marco Bellini", "Inès Haddad", "Yuki Tanaka",
           "Camille Laurent", "Olivier Garnier", "Amélie Roche", "Daniel Okafor"]
ISBN_GROUPS = {"French": "9782", "English": "9781", "German": "9783", "Spanish": "97884"}


def iter_leaves():
    """Every (department, branch, leaf) of the tree, in tree order."""
    for department in TREE:
        for branch in department.branches:
            for leaf in branch.leaves:
                yield department, branch, leaf
