"""People and places of the demo, per country: names, cities with postal codes, street patterns,
phone formats, trade registers and the carriers a seller there would use."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.sellers.domain.trader import EU_MEMBER_STATES


@dataclass(frozen=True)
class CountryProfile:
    code: str
    language: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, postal code)
    streets: tuple[str, ...]  # "{n}" is the house number
    phone: str  # "{d}" placeholders are digits
    trade_register: str  # "{city}" is the seller's city
    trade_register_number: str  # "{d}" placeholders are digits
    legal_forms: tuple[str, ...]
    carriers: tuple[str, ...]


def _t(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _cities(text: str) -> tuple[tuple[str, str], ...]:
    """ "Paris 75011, Den Haag 2511 AA" -> (("Paris", "75011"), ("Den Haag", "2511 AA")): the postal code starts at the
    first word with a digit."""
    pairs = []
    for part in text.split(","):
        words = part.split()
        first_code_word = next(index for index, word in enumerate(words) if any(ch.isdigit() for ch in word))
        pairs.append((" ".join(words[:first_code_word]), " ".join(words[first_code_word:])))
    return tuple(pairs)


COUNTRIES: dict[str, CountryProfile] = {
    "FR": CountryProfile(
        "FR",
        "fr",
        _t(
            "Camille, Louis, Léa, Hugo, Chloé, Jules, Manon, Lucas, Inès, Arthur, Zoé, Gabriel, Élodie, Mathis, Sarah, "
            "Théo"
        ),
        _t(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefebvre, "
            "Michel, Garcia, Fournier"
        ),
        _cities(
            "Paris 75011, Lyon 69003, Marseille 13006, Bordeaux 33000, Nantes 44000, Lille 59000, Toulouse 31000, "
            "Strasbourg 67000, Rennes 35000, Montpellier 34000"
        ),
        _t(
            "{n} rue de la République, {n} avenue Jean Jaurès, {n} rue Victor Hugo, {n} boulevard Voltaire, {n} rue "
            "des Lilas, {n} place du Marché"
        ),
        "+33 {d} {d}{d} {d}{d} {d}{d} {d}{d}",
        "RCS {city}",
        "{d}{d}{d} {d}{d}{d} {d}{d}{d}",
        _t("SARL, SAS, EURL"),
        _t("Colissimo, Chronopost, Mondial Relay, DPD France"),
    ),
    "DE": CountryProfile(
        "DE",
        "de",
        _t("Lena, Paul, Mia, Felix, Hannah, Jonas, Emma, Leon, Sophie, Finn, Marie, Lukas, Anna, Maximilian"),
        _t(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Hoffmann, Schäfer, Koch, Richter, "
            "Klein, Wolf"
        ),
        _cities(
            "Berlin 10115, München 80331, Hamburg 20095, Köln 50667, Frankfurt am Main 60311, Stuttgart 70173, Leipzig "
            "04109, Dresden 01067"
        ),
        _t("Hauptstraße {n}, Bahnhofstraße {n}, Lindenallee {n}, Gartenweg {n}, Schillerstraße {n}, Goethestraße {n}"),
        "+49 {d}{d} {d}{d}{d}{d}{d}{d}{d}",
        "Handelsregister B, Amtsgericht {city}",
        "HRB {d}{d}{d}{d}{d}{d}",
        _t("GmbH, UG, KG"),
        _t("DHL, Hermes, DPD, GLS"),
    ),
    "IT": CountryProfile(
        "IT",
        "it",
        _t("Giulia, Francesco, Sofia, Alessandro, Aurora, Lorenzo, Martina, Matteo, Chiara, Andrea, Giorgia, Luca"),
        _t("Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo"),
        _cities("Milano 20121, Roma 00184, Torino 10121, Bologna 40121, Firenze 50122, Napoli 80133, Verona 37121"),
        _t("Via Roma {n}, Corso Italia {n}, Via Garibaldi {n}, Via Mazzini {n}, Piazza Duomo {n}, Via Dante {n}"),
        "+39 0{d} {d}{d}{d}{d} {d}{d}{d}{d}",
        "Registro delle Imprese di {city}",
        "REA {d}{d}{d}{d}{d}{d}{d}",
        _t("S.r.l., S.p.A., S.n.c."),
        _t("BRT, Poste Italiane, SDA, GLS Italy"),
    ),
    "ES": CountryProfile(
        "ES",
        "es",
        _t("Lucía, Hugo, Martina, Daniel, Paula, Pablo, Sofía, Alejandro, Carmen, Javier, Elena, Diego"),
        _t("García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez, Martín, Ruiz, Díaz"),
        _cities(
            "Madrid 28013, Barcelona 08002, Valencia 46001, Sevilla 41001, Zaragoza 50001, Málaga 29015, Bilbao 48001"
        ),
        _t("Calle Mayor {n}, Avenida de la Constitución {n}, Calle Real {n}, Paseo de Gracia {n}, Calle del Sol {n}"),
        "+34 9{d}{d} {d}{d}{d} {d}{d}{d}",
        "Registro Mercantil de {city}",
        "Tomo {d}{d}{d}{d}, Hoja M-{d}{d}{d}{d}{d}{d}",
        _t("S.L., S.A."),
        _t("Correos, SEUR, MRW, GLS Spain"),
    ),
    "BE": CountryProfile(
        "BE",
        "fr",
        _t("Emma, Noah, Louise, Arthur, Olivia, Louis, Elise, Jules, Lotte, Lars, Marie, Wout"),
        _t("Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Dubois, Lambert, Dupont, Goossens, Wouters"),
        _cities("Bruxelles 1000, Antwerpen 2000, Gent 9000, Liège 4000, Namur 5000, Brugge 8000, Leuven 3000"),
        _t("Rue de la Loi {n}, Kerkstraat {n}, Avenue Louise {n}, Stationsstraat {n}, Rue Neuve {n}, Meir {n}"),
        "+32 {d} {d}{d}{d} {d}{d} {d}{d}",
        "Banque-Carrefour des Entreprises ({city})",
        "0{d}{d}{d}.{d}{d}{d}.{d}{d}{d}",
        _t("SRL, SA, BV"),
        _t("bpost, DPD Belgium, PostNL, GLS Belgium"),
    ),
    "NL": CountryProfile(
        "NL",
        "nl",
        _t("Sanne, Daan, Julia, Sem, Tess, Lucas, Fleur, Bram, Lotte, Jesse, Eva, Thijs"),
        _t("de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Visser, Smit, Meijer, de Boer, Mulder, Bos"),
        _cities(
            "Amsterdam 1012 AB, Rotterdam 3011 AA, Utrecht 3511 AB, Den Haag 2511 AA, Eindhoven 5611 AA, Groningen "
            "9711 AA"
        ),
        _t("Kerkstraat {n}, Dorpsstraat {n}, Prinsengracht {n}, Molenweg {n}, Stationsplein {n}, Herengracht {n}"),
        "+31 {d}{d} {d}{d}{d} {d}{d}{d}{d}",
        "Kamer van Koophandel {city}",
        "KvK {d}{d}{d}{d}{d}{d}{d}{d}",
        _t("B.V., V.O.F."),
        _t("PostNL, DHL eCommerce NL, DPD Nederland"),
    ),
    "PL": CountryProfile(
        "PL",
        "pl",
        _t("Zuzanna, Jakub, Julia, Antoni, Maja, Jan, Zofia, Szymon, Hanna, Filip, Alicja, Kacper"),
        _t(
            "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, "
            "Dąbrowski"
        ),
        _cities("Warszawa 00-001, Kraków 31-001, Wrocław 50-001, Poznań 60-001, Gdańsk 80-001, Łódź 90-001"),
        _t("ul. Długa {n}, ul. Marszałkowska {n}, ul. Floriańska {n}, ul. Piotrkowska {n}, ul. Mickiewicza {n}"),
        "+48 {d}{d}{d} {d}{d}{d} {d}{d}{d}",
        "Krajowy Rejestr Sądowy, Sąd Rejonowy {city}",
        "KRS 0000{d}{d}{d}{d}{d}{d}",
        _t("sp. z o.o., S.A."),
        _t("InPost, Poczta Polska, DPD Polska"),
    ),
    "PT": CountryProfile(
        "PT",
        "pt",
        _t("Maria, João, Beatriz, Rodrigo, Leonor, Francisco, Matilde, Martim, Inês, Tomás, Carolina, Duarte"),
        _t("Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus, Sousa, Fernandes, Gonçalves"),
        _cities("Lisboa 1100-148, Porto 4000-322, Braga 4700-320, Coimbra 3000-143, Faro 8000-138, Aveiro 3800-200"),
        _t(
            "Rua Augusta {n}, Avenida da Liberdade {n}, Rua de Santa Catarina {n}, Rua do Comércio {n}, Praça da "
            "República {n}"
        ),
        "+351 2{d}{d} {d}{d}{d} {d}{d}{d}",
        "Conservatória do Registo Comercial de {city}",
        "{d}{d}{d}{d}{d}{d}{d}{d}{d}",
        _t("Lda., S.A."),
        _t("CTT, DPD Portugal, MRW Portugal"),
    ),
    # Buyers only (no sellers from these countries in the demo).
    "AT": CountryProfile(
        "AT",
        "de",
        _t("Anna, Lukas, Laura, Tobias, Lisa, David, Katharina, Florian"),
        _t("Gruber, Huber, Bauer, Wagner, Pichler, Steiner, Moser, Mayer"),
        _cities("Wien 1010, Graz 8010, Linz 4020, Salzburg 5020, Innsbruck 6020"),
        _t("Hauptplatz {n}, Mariahilfer Straße {n}, Landstraße {n}"),
        "+43 {d}{d}{d} {d}{d}{d}{d}{d}{d}",
        "Firmenbuch {city}",
        "FN {d}{d}{d}{d}{d}{d}",
        _t("GmbH"),
        _t("Österreichische Post"),
    ),
    "IE": CountryProfile(
        "IE",
        "en",
        _t("Aoife, Conor, Saoirse, Seán, Niamh, Cian, Ciara, Darragh"),
        _t("Murphy, Kelly, O'Sullivan, Walsh, Byrne, Ryan, O'Brien, Doyle"),
        _cities("Dublin D02 X285, Cork T12 W8XT, Galway H91 E2K3, Limerick V94 T9PX"),
        _t("{n} Main Street, {n} Grafton Street, {n} Quay Road"),
        "+353 {d} {d}{d}{d} {d}{d}{d}{d}",
        "Companies Registration Office",
        "{d}{d}{d}{d}{d}{d}",
        _t("Ltd"),
        _t("An Post"),
    ),
    "CH": CountryProfile(
        "CH",
        "fr",
        _t("Léa, Noah, Mia, Luca, Elena, Nico, Sofia, Leon"),
        _t("Müller, Meier, Schmid, Keller, Weber, Favre, Rochat, Bianchi"),
        _cities("Genève 1201, Lausanne 1003, Zürich 8001, Basel 4051, Bern 3011"),
        _t("Rue du Rhône {n}, Bahnhofstrasse {n}, Avenue de la Gare {n}"),
        "+41 {d}{d} {d}{d}{d} {d}{d} {d}{d}",
        "Registre du commerce {city}",
        "CHE-{d}{d}{d}.{d}{d}{d}.{d}{d}{d}",
        _t("SA, Sàrl"),
        _t("La Poste Suisse"),
    ),
    "GB": CountryProfile(
        "GB",
        "en",
        _t("Olivia, Oliver, Amelia, George, Isla, Harry, Ava, Jack"),
        _t("Smith, Jones, Taylor, Brown, Williams, Wilson, Evans, Davies"),
        _cities("London EC1A 1BB, Manchester M1 1AE, Bristol BS1 4DJ, Edinburgh EH1 1YZ, Leeds LS1 4AP"),
        _t("{n} High Street, {n} Church Lane, {n} Victoria Road"),
        "+44 20 {d}{d}{d}{d} {d}{d}{d}{d}",
        "Companies House",
        "{d}{d}{d}{d}{d}{d}{d}{d}",
        _t("Ltd"),
        _t("Royal Mail"),
    ),
    # Sellers who joined from outside the euro area (demo/international_seed.py); no buyers from these.
    "CZ": CountryProfile(
        "CZ",
        "cs",
        _t("Jana, Petr, Eva, Tomáš, Lucie, Martin, Tereza, Jakub"),
        _t("Novák, Svoboda, Novotný, Dvořák, Černý, Procházka, Kučera, Veselý"),
        _cities("Praha 110 00, Brno 602 00, Ostrava 702 00, Plzeň 301 00"),
        _t("Václavské náměstí {n}, Národní {n}, Masarykova {n}"),
        "+420 {d}{d}{d} {d}{d}{d} {d}{d}{d}",
        "Obchodní rejstřík, Městský soud v {city}",
        "C {d}{d}{d}{d}{d}{d}",
        _t("s.r.o., a.s."),
        _t("Česká pošta, PPL, Zásilkovna"),
    ),
    "SE": CountryProfile(
        "SE",
        "sv",
        _t("Alice, Erik, Maja, Lars, Elsa, Oskar, Ebba, Nils"),
        _t("Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson"),
        _cities("Stockholm 111 20, Göteborg 411 01, Malmö 211 20, Uppsala 753 10"),
        _t("Drottninggatan {n}, Storgatan {n}, Kungsgatan {n}"),
        "+46 8 {d}{d}{d} {d}{d}{d} {d}{d}",
        "Bolagsverket",
        "55{d}{d}{d}{d}-{d}{d}{d}{d}",
        _t("AB"),
        _t("PostNord, DB Schenker, Instabox"),
    ),
    "US": CountryProfile(
        "US",
        "en",
        _t("Emily, Michael, Madison, Ethan, Hannah, Daniel, Abigail, Ryan"),
        _t("Johnson, Miller, Davis, Anderson, Thompson, Martinez, Clark, Lewis"),
        _cities("Portland 97205, Austin 78701, Boston 02108, Denver 80202"),
        _t("{n} Main Street, {n} Oak Avenue, {n} Market Street"),
        "+1 503 {d}{d}{d} {d}{d}{d}{d}",
        "Secretary of State, {city}",
        "{d}{d}{d}{d}{d}{d}{d}{d}",
        _t("LLC, Inc."),
        _t("USPS, UPS, FedEx"),
    ),
}

SELLER_COUNTRIES = ("FR", "DE", "IT", "ES", "BE", "NL", "PL", "PT")
# How the ~200 buyers spread over countries (weights): mostly EU, a few from outside (world shipping zone).
BUYER_COUNTRY_WEIGHTS = {
    "FR": 34,
    "DE": 20,
    "IT": 10,
    "ES": 10,
    "BE": 7,
    "NL": 6,
    "PL": 4,
    "PT": 3,
    "AT": 3,
    "IE": 1,
    "CH": 1,
    "GB": 1,
}
EU_COUNTRIES = tuple(sorted(EU_MEMBER_STATES))  # the trader rules' list, in a fixed order for seeding

# Carriers with the shape of their tracking numbers ("A" a capital letter, "9" a digit).
TRACKING_FORMATS = {
    "Colissimo": "6A99999999999",
    "Chronopost": "XA999999999FR",
    "Mondial Relay": "99999999",
    "DPD France": "99999999999999",
    "DHL": "JJD9999999999999999",
    "Hermes": "H999999999999999999",
    "DPD": "09999999999999",
    "GLS": "ZZ99999999",
    "BRT": "999999999999",
    "Poste Italiane": "AA999999999IT",
    "SDA": "99999999999999",
    "GLS Italy": "AA99999999",
    "Correos": "PQ9AA99999999999AAAA",
    "SEUR": "99999999999999",
    "MRW": "99999999999",
    "GLS Spain": "999999999999",
    "bpost": "323299999999999999999999",
    "DPD Belgium": "05999999999999",
    "PostNL": "3SAAAA9999999",
    "GLS Belgium": "99999999999",
    "DHL eCommerce NL": "JVGL99999999999999",
    "DPD Nederland": "05999999999999",
    "InPost": "999999999999999999999999",
    "Poczta Polska": "00999999999999999999",
    "DPD Polska": "9999999999999A",
    "CTT": "RA999999999PT",
    "DPD Portugal": "09999999999999",
    "MRW Portugal": "99999999999",
    "DHL Express": "9999999999",
    "UPS": "1Z999A99999999999",
}
