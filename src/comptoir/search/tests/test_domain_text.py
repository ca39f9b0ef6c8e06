from comptoir.search.domain.text import analyse, fold, parse_query


def test_fold_removes_accents_and_ligatures():
    assert fold("Écouteurs Œuvre Çà") == "ecouteurs oeuvre ca"


def test_singular_and_plural_share_a_stem_in_french_and_english():
    assert analyse("chaussures") == analyse("chaussure")
    assert analyse("running") == analyse("run") == analyse("runs")
    assert analyse("Casseroles") == analyse("casserole")
    assert analyse("écouteurs") == analyse("Ecouteur")


def test_stop_words_are_dropped_at_index_and_query_time():
    assert analyse("Poêle de la cuisine") == analyse("poele cuisine")
    assert parse_query("la poêle").terms == parse_query("poele").terms


def test_last_word_is_a_prefix_unless_the_query_ends_with_a_space():
    assert parse_query("casque sans").last_is_prefix is True
    assert parse_query("casque sans ").last_is_prefix is False
    assert parse_query("").is_empty


def test_query_terms_are_capped_and_deduplicated():
    parsed = parse_query("rouge rouges " + " ".join(f"mot{index}" for index in range(20)))
    assert parsed.terms[0] == analyse("rouge") and parsed.terms.count(analyse("rouge")) == 1
    assert len(parsed.terms) == 10
