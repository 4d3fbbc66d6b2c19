"""German names in ASCII the way Germans write them without umlauts (Köln-Süd → Koeln-Sued),
for slugs and usernames; unidecode alone would drop the "e" (Koln-Sud)."""

from unidecode import unidecode

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def to_ascii(text: str) -> str:
    """``text`` with umlauts as ae/oe/ue, ß as ss and every other letter as its nearest ASCII."""
    return unidecode(text.translate(UMLAUTS))
