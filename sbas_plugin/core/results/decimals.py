"""Float32 values as text for people's tables: the shortest decimal that reads back as the same float32,
positional (no exponent), with a digit after the point: 0.0, 2.5, -0.0125, 0.00001. Exactly what numpy's
`format_float_positional(value, unique=True, trim="0")` writes, made for whole arrays at once: a frame's
Geotiff_value.csv holds ~10^8 values, and numpy's formatter takes about 1 µs for each.

How: for each value, the fewest significant digits p (1 to 9; 9 always suffice for a float32) whose nearest
p-digit decimal lies within half the gap to the neighbouring float32 on its side, found by bisection (a
value that reads back from p digits does from p + 1). The arithmetic is float64; the few values where its
rounding could tip a decision (within 1e-15 relative of a boundary) are formatted by numpy instead. The
digits are then laid out as bytes in a (values x width) matrix, which joins into a CSV row without a Python
object per value.
"""

from fractions import Fraction

import numpy as np

MAX_DIGITS = 9  # significant digits that tell every float32 apart
LOWEST_EXPONENT, HIGHEST_EXPONENT = -45, 38  # the decimal exponents of the finite, nonzero float32 values
# For each decimal exponent E, the smallest float32 >= 10**E (exact): a value's E is found by searching these.
_DECADES = []
for _exponent in range(LOWEST_EXPONENT, HIGHEST_EXPONENT + 1):
    _power = Fraction(10) ** _exponent
    _first = np.float32(float(_power))
    while Fraction(float(_first)) < _power:
        _first = np.nextafter(_first, np.float32(np.inf))
    while _first > 0 and Fraction(float(np.nextafter(_first, np.float32(0)))) >= _power:
        _first = np.nextafter(_first, np.float32(0))
    _DECADES.append(_first)
DECADE_STARTS = np.array(_DECADES, dtype=np.float32)
# 10**s as the nearest float64, for every scale the digits search uses
_SCALES = np.arange(-HIGHEST_EXPONENT - 1, MAX_DIGITS - LOWEST_EXPONENT + 1)
POWERS = np.array([float(Fraction(10) ** int(s)) for s in _SCALES])
INT_POWERS = 10 ** np.arange(19, dtype=np.int64)
SAFETY = 1e-15  # relative; float64's own error here is below 3e-16
POINT, MINUS, COMMA = ord("."), ord("-"), ord(",")


def _nearest_decimal(magnitude: np.ndarray, down: np.ndarray, up: np.ndarray, exponent, digits):
    """For values `magnitude` (float64 of positive float32) whose decimal exponent is `exponent`: the
    nearest decimal with `digits` significant digits that reads back as the value (the float32 gaps below
    and above it are `down` and `up`; at a power of two they differ, so the nearest decimal may not read
    back where the one on the other side does) as (integer D, scale s: the decimal is D / 10**s); whether
    one does; and whether float64 could have got any of this wrong."""
    scale = digits - 1 - exponent
    power = POWERS[scale - _SCALES[0]]
    scaled = magnitude * power
    below = np.floor(scaled)
    under = scaled - below  # distances to the decimals below and above, in units of the last digit
    over = 1 - under
    half_down, half_up = down * power / 2, up * power / 2
    below_reads, above_reads = under < half_down, over < half_up
    take_above = above_reads & (~below_reads | (over < under))
    slack = SAFETY * (scaled + 1)
    unsure = (np.abs(under - half_down) <= slack) | (np.abs(over - half_up) <= slack)
    unsure |= below_reads & above_reads & (np.abs(under - 0.5) <= slack)
    return (below + take_above).astype(np.int64), scale, below_reads | above_reads, unsure


def _bisect(magnitude, down, up, exponent, high) -> tuple:
    """(D, s, unsure) as _nearest_decimal gives them at the fewest digits from 1 to `high` that read back
    (`high` does)."""
    low = np.ones(len(magnitude), np.int64)
    unsure = np.zeros(len(magnitude), bool)
    while (low < high).any():
        middle = (low + high) // 2
        _, _, reads_back, doubt = _nearest_decimal(magnitude, down, up, exponent, middle)
        searching = low < high
        unsure |= searching & doubt
        high = np.where(searching & reads_back, middle, high)
        low = np.where(searching & ~reads_back, middle + 1, low)
    nearest, scale, reads_back, doubt = _nearest_decimal(magnitude, down, up, exponent, low)
    return nearest, scale, unsure | doubt | ~reads_back


def _shortest(values: np.ndarray) -> tuple:
    """(D, k, unsure) of finite nonzero float32 values: |value| reads back from D * 10**k, D with the
    fewest digits and nearest; `unsure` where float64 could not tell."""
    magnitude32 = np.abs(values)
    magnitude = magnitude32.astype(np.float64)
    # log10 of the value lies in [(e - 1) log10(2), e log10(2)): its decimal exponent is one of two
    _, binary = np.frexp(magnitude32)
    exponent = np.floor((binary - 1) * np.log10(2)).astype(np.int64)
    exponent += magnitude32 >= DECADE_STARTS[np.minimum(exponent + 1, HIGHEST_EXPONENT) - LOWEST_EXPONENT]
    with np.errstate(over="ignore"):  # above the largest float32 is inf: no decimal reads back there
        up = np.nextafter(magnitude32, np.float32(np.inf)).astype(np.float64) - magnitude
    down = magnitude - np.nextafter(magnitude32, np.float32(0)).astype(np.float64)
    # With this many digits the decimals are closer together than the gaps: the nearest reads back. One
    # fewer often does too, two fewer seldom; where that does, bisection finds the fewest.
    enough = np.clip(np.ceil(exponent + 1 - np.log10(np.minimum(up, down))), 1, MAX_DIGITS).astype(np.int64)
    nearest, scale, reads_back, unsure = _nearest_decimal(magnitude, down, up, exponent, enough)
    unsure |= ~reads_back
    for fewer in (1, 2):
        digits = enough - fewer
        can = digits >= 1
        shorter_nearest, shorter_scale, shorter, doubt = _nearest_decimal(
            magnitude, down, up, exponent, np.maximum(digits, 1)
        )
        unsure |= can & doubt
        take = can & shorter
        nearest, scale = np.where(take, shorter_nearest, nearest), np.where(take, shorter_scale, scale)
    search = np.flatnonzero(take & (enough > 3) & ~unsure)
    if len(search):
        found = _bisect(magnitude[search], down[search], up[search], exponent[search], enough[search] - 2)
        nearest[search], scale[search], unsure[search] = found
    return nearest, -scale, unsure


# Each value's text is a run of the columns of a row of bytes: a sign column, the places WINDOW_TOP..0,
# the point, three unused columns (so each run of four digits is one aligned 32-bit word, written from a
# table of "0000".."9999"), the places -1..WINDOW_BOTTOM, a comma. Values whose digits do not fit the
# places (|value| >= 10**(WINDOW_TOP + 1), digits below 10**WINDOW_BOTTOM), infinities and float64's
# doubts are formatted by numpy and spliced in.
WINDOW_TOP, WINDOW_BOTTOM = 5, -12  # 18 places: an int64 holds them
WIDTH = 28
POINT_COLUMN, UNUSED_COLUMNS, COMMA_COLUMN = 8, (0, 9, 10, 11, 25, 26, 27), 24
FOUR_DIGITS = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode("ascii"), np.uint32)


def _kept_columns() -> np.ndarray:
    """For each (start, end): the columns a value in columns start..end-1 writes, and the comma."""
    columns = np.arange(WIDTH)
    used = np.ones(WIDTH, bool)
    used[list(UNUSED_COLUMNS)] = False
    start, end = np.arange(WIDTH)[:, None, None], np.arange(WIDTH + 1)[None, :, None]
    return ((columns >= start) & (columns < end) & used) | (columns == COMMA_COLUMN)


KEPT = _kept_columns()
KEPT_COUNT = KEPT.sum(axis=2)


def _column(place):
    """The column of a decimal place: 5..0 in columns 2..7, -1..-12 in 12..23."""
    return np.where(place >= 0, 7 - place, 11 - place)


def _write_digits(words: np.ndarray, scaled: np.ndarray) -> None:
    """The 18 places of `scaled` (an integer in units of 10**WINDOW_BOTTOM) into the rows' 32-bit words."""
    whole, fraction = np.divmod(scaled, 10**12)
    high, low = np.divmod(whole, 10_000)
    words[:, 0] = FOUR_DIGITS[high]  # columns 0..3: two unused, then places 5 and 4
    words[:, 1] = FOUR_DIGITS[low]
    first, rest = np.divmod(fraction, 10**8)
    second, third = np.divmod(rest, 10_000)
    words[:, 3] = FOUR_DIGITS[first]
    words[:, 4] = FOUR_DIGITS[second]
    words[:, 5] = FOUR_DIGITS[third]


def csv_cells(values) -> str:
    """The values' texts joined by commas, as one CSV row's cells (no line end); NaN gives an empty cell,
    infinities inf and -inf."""
    values = np.asarray(values, dtype=np.float32).ravel()
    count = len(values)
    if not count:
        return ""
    start = np.zeros(count, np.int64)  # each value's text is columns start..end-1 of its row
    end = np.zeros(count, np.int64)
    scaled = np.zeros(count, np.int64)  # its digits as an integer in units of 10**WINDOW_BOTTOM
    negative = np.zeros(count, bool)
    zero = values == 0  # "0.0", -0.0 too: a displacement has no sign at 0
    start[zero], end[zero] = _column(0), _column(-1) + 1
    regular = np.flatnonzero(np.isfinite(values) & ~zero)
    digits, exponent, unsure = _shortest(values[regular])
    while True:  # D without its trailing zeros: 1.5, not 1.50
        trailing = (digits % 10 == 0) & (digits > 0)
        if not trailing.any():
            break
        digits = np.where(trailing, digits // 10, digits)
        exponent = exponent + trailing
    top = np.maximum(np.searchsorted(INT_POWERS, digits, side="right") - 1 + exponent, 0)  # highest place
    bottom = np.minimum(exponent, -1)  # and lowest place written
    fits = ~unsure & (top <= WINDOW_TOP) & (exponent >= WINDOW_BOTTOM)
    odd = np.concatenate([regular[~fits], np.flatnonzero(np.isinf(values))])
    regular, digits, exponent, top, bottom = regular[fits], digits[fits], exponent[fits], top[fits], bottom[fits]
    negative[regular] = values[regular] < 0
    start[regular] = _column(top) - negative[regular]
    end[regular] = _column(bottom) + 1
    scaled[regular] = digits * INT_POWERS[exponent - WINDOW_BOTTOM]
    cells = np.empty((count, WIDTH), np.uint8)
    _write_digits(cells.view(np.uint32), scaled)
    cells[:, POINT_COLUMN] = POINT
    cells[:, COMMA_COLUMN] = COMMA
    minus = np.flatnonzero(negative)
    cells[minus, start[minus]] = MINUS
    kept = KEPT[start, end]
    text = cells[kept][:-1]
    if len(odd):  # spliced in where their (empty) cells are
        odd.sort()
        texts = [
            "inf" if v == np.inf else "-inf" if v == -np.inf else np.format_float_positional(v, unique=True, trim="0")
            for v in values[odd]
        ]
        lengths = [len(t) for t in texts]
        length = KEPT_COUNT[start, end]  # with the comma
        offsets = np.cumsum(length)[odd] - length[odd]
        text = np.insert(text, np.repeat(offsets, lengths), np.frombuffer("".join(texts).encode("ascii"), np.uint8))
    return text.tobytes().decode("ascii")


def decimal_texts(values) -> list:
    """Each value's text (csv_cells), as a list of str."""
    return csv_cells(values).split(",") if np.size(values) else []
