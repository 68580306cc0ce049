"""The one date parser: acquisition dates as MintPy and the GeoTIFF names write them (YYYYMMDD, str or
bytes), and dates as people and spreadsheets write them (YYYY-MM-DD, or YYYYMMDD). Callers wrap the
ValueError in their own error, saying where the text came from."""

import datetime as dt

import numpy as np


def parse_date(text) -> dt.date:
    """YYYYMMDD exactly (str, or bytes as MintPy stores them); anything else is a ValueError."""
    text = text.decode() if isinstance(text, bytes) else str(text)
    if len(text) == 8 and text.isdigit():  # strptime would also take 2020113
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (YYYYMMDD)")


def parse_written_date(text: str) -> dt.date:
    """A date a person or a table wrote: YYYY-MM-DD or YYYYMMDD, spaces around it ignored."""
    text = text.strip()
    digits = text[:4] + text[5:7] + text[8:] if len(text) == 10 and text[4] == text[7] == "-" else text
    try:
        return parse_date(digits)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or YYYYMMDD)") from None


def iso_date(yyyymmdd: str) -> str:
    """YYYYMMDD as YYYY-MM-DD, which QGIS, spreadsheets and pandas read as a date."""
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def dates64(texts) -> np.ndarray:
    """YYYYMMDD texts as datetime64[D]."""
    return np.array([parse_date(text) for text in texts], dtype="datetime64[D]")
