"""The tables' number texts: exactly numpy's shortest positional text of each float32, made for whole rows."""

import numpy as np
import pytest

from sbas_plugin.core.results.decimals import csv_cells, decimal_texts


def numpy_text(value: np.float32) -> str:
    if np.isnan(value):
        return ""
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0.0"
    return np.format_float_positional(value, unique=True, trim="0")


def awkward_values() -> np.ndarray:
    """Powers of two (their float32 gap below is half the gap above) and ten, their neighbours, the ends
    of the float32 range, and values of every decimal exponent."""
    twos = np.ldexp(np.float32(1), np.arange(-149, 128)).astype(np.float32)
    tens = np.array([10.0**e for e in range(-45, 39)], dtype=np.float32)
    around = np.concatenate([twos, tens])
    around = np.concatenate([around, np.nextafter(around, np.float32(np.inf)), np.nextafter(around, np.float32(0))])
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 0.5, 0.1, 1e-5, 123456789, 3.4028235e38], np.float32)
    subnormals = np.finfo(np.float32).smallest_subnormal * np.arange(1, 50, dtype=np.float32)
    return np.concatenate([around, -around, special, subnormals]).astype(np.float32)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(awkward_values(), id="awkward"),
        # any float32 at all (mostly far outside a displacement's range: numpy's own formatter there)
        pytest.param(np.random.default_rng(1).integers(0, 2**32, 100_000, np.uint32).view(np.float32), id="bits"),
        # displacements: cm-level, some near zero, a few empty
        pytest.param(
            np.where(
                np.random.default_rng(2).random(200_000) < 0.01,
                np.nan,
                np.random.default_rng(3).normal(0, 0.03, 200_000) * np.random.default_rng(4).random(200_000) ** 4,
            ).astype(np.float32),
            id="displacements",
        ),
        # every float32 in a run just above 0.01 m
        pytest.param((np.uint32(0x3C23D70A) + np.arange(300_000, dtype=np.uint32)).view(np.float32), id="run"),
    ],
)
def test_texts_are_numpys_shortest_positional_texts(values):
    assert values.dtype == np.float32
    expected = [numpy_text(v) for v in values]
    assert decimal_texts(values) == expected
    assert csv_cells(values) == ",".join(expected)
    # each reads back as the same float32
    readable = [text for text in expected if text]
    assert np.array_equal(np.array(readable, dtype=np.float32), values[~np.isnan(values)])


def test_rows_of_any_shape_and_the_empty_row():
    table = np.array([[0.00125, -2.5], [np.nan, 1e-7]], dtype=np.float32)
    assert csv_cells(table) == "0.00125,-2.5,,0.0000001"
    assert csv_cells(table.T) == "0.00125,,-2.5,0.0000001"
    assert csv_cells(np.array([np.nan, np.nan], np.float32)) == ","
    assert csv_cells(np.array([], np.float32)) == "" and decimal_texts([]) == []
