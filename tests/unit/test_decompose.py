"""Two-track decomposition: the signs of each geometry, recovery of known east and vertical motion with
Sentinel-1-like geometry and noise, and the same numbers as MintPy's own asc_desc2horz_vert."""

import numpy as np
import pytest

from sbas_plugin.core.results.decompose import decompose, los_unit_east_up

# Sentinel-1 over Japan in MintPy's convention (azimuth of ground -> satellite, from north, anticlockwise):
# ascending flies north-north-west and looks east, so the satellite is west of the ground; descending the reverse.
ASCENDING = {"incidence": (30.0, 46.0), "azimuth": 100.0}
DESCENDING = {"incidence": (46.0, 30.0), "azimuth": -100.0}  # near range on the other side
SHAPE = (40, 60)


def geometry(track):
    near, far = track["incidence"]
    incidence = np.broadcast_to(np.linspace(near, far, SHAPE[1]), SHAPE)
    azimuth = np.full(SHAPE, track["azimuth"]) + np.linspace(-0.5, 0.5, SHAPE[0])[:, None]  # heading drifts
    return incidence, azimuth


def line_of_sight(east, up, track, north=0.0):
    incidence, azimuth = geometry(track)
    e, u = los_unit_east_up(incidence, azimuth)
    n = np.sin(np.deg2rad(incidence)) * np.cos(np.deg2rad(azimuth))  # MintPy's north component
    return east * e + north * n + up * u


def test_signs_of_each_geometry():
    up = 0.01  # 1 cm of uplift: towards the satellite on both tracks
    assert (line_of_sight(0.0, up, ASCENDING) > 0).all() and (line_of_sight(0.0, up, DESCENDING) > 0).all()
    east = 0.01  # eastwards: away from the ascending satellite (west of the ground), towards the descending one
    assert (line_of_sight(east, 0.0, ASCENDING) < 0).all() and (line_of_sight(east, 0.0, DESCENDING) > 0).all()


def test_known_motion_is_recovered_within_the_noise():
    rng = np.random.default_rng(5)
    rows, cols = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]]
    east = 0.02 * np.sin(cols / 9.0)  # a landslide's sideways motion, metres
    up = -0.05 * np.exp(-((rows - 20) ** 2 + (cols - 30) ** 2) / 150.0)  # a subsidence bowl
    noise = 0.002  # 2 mm on each line of sight
    asc = line_of_sight(east, up, ASCENDING) + rng.normal(0, noise, SHAPE)
    desc = line_of_sight(east, up, DESCENDING) + rng.normal(0, noise, SHAPE)
    got_east, got_up = decompose(asc, desc, *geometry(ASCENDING), *geometry(DESCENDING))
    # The noise propagated through each pixel's 2 x 2 system: east is the weaker component.
    assert np.sqrt(np.mean((got_up - up) ** 2)) < 2 * noise
    assert np.sqrt(np.mean((got_east - east) ** 2)) < 3 * noise
    exact_east, exact_up = decompose(
        line_of_sight(east, up, ASCENDING),
        line_of_sight(east, up, DESCENDING),
        *geometry(ASCENDING),
        *geometry(DESCENDING),
    )
    np.testing.assert_allclose(exact_east, east, atol=1e-12)
    np.testing.assert_allclose(exact_up, up, atol=1e-12)
    # A swapped or flipped result would be caught: the tracks matter.
    swapped_east, _ = decompose(desc, asc, *geometry(ASCENDING), *geometry(DESCENDING))
    assert np.sqrt(np.mean((swapped_east - east) ** 2)) > 5 * noise


def test_dates_broadcast_and_gaps_stay_empty():
    asc = np.stack([line_of_sight(0.0, 0.01 * k, ASCENDING) for k in range(3)])
    desc = np.stack([line_of_sight(0.0, 0.01 * k, DESCENDING) for k in range(3)])
    asc[1, 5, 7] = np.nan
    east, up = decompose(asc, desc, *geometry(ASCENDING), *geometry(DESCENDING))
    assert up.shape == (3, *SHAPE)
    np.testing.assert_allclose(np.nan_to_num(up[2]), 0.02, atol=1e-12)
    assert np.isnan(up[1, 5, 7]) and np.isnan(east[1, 5, 7]) and np.isfinite(up[0, 5, 7])
    same = decompose(asc[:, :2, :2], asc[:, :2, :2], *(np.full((2, 2), 40.0), np.full((2, 2), 100.0)) * 2)
    assert np.isnan(same[0]).all()  # one line of sight twice: no solution


def test_the_same_numbers_as_mintpys_asc_desc2horz_vert():
    asc_desc2horz_vert = pytest.importorskip("mintpy.asc_desc2horz_vert").asc_desc2horz_vert
    rng = np.random.default_rng(9)
    velocity_asc, velocity_desc = rng.normal(0, 0.01, SHAPE), rng.normal(0, 0.01, SHAPE)  # m/yr
    # MintPy solves with one geometry per track: compare where each track's geometry is one value.
    incidence = np.array([38.7, 41.2])
    azimuth = np.array([101.3, -99.6])
    horizontal, vertical = asc_desc2horz_vert(np.stack([velocity_asc, velocity_desc]), incidence, azimuth)
    shape = np.ones(SHAPE)
    east, up = decompose(
        velocity_asc, velocity_desc, incidence[0] * shape, azimuth[0] * shape, incidence[1] * shape, azimuth[1] * shape
    )
    # Its default horizontal direction is east (azimuth -90); its output is float32: 0.1 mm/yr is 1e-4 m/yr.
    np.testing.assert_allclose(east, horizontal, atol=1e-6)
    np.testing.assert_allclose(up, vertical, atol=1e-6)


def test_tracks_on_common_dates_interpolated_and_referred_to_the_first():
    import datetime as dt

    from sbas_plugin.core.results.decompose import DATES_RULE, to_common_dates

    def days(first, step, count):
        return [dt.date(2024, 1, 1) + dt.timedelta(days=first + step * k) for k in range(count)]

    ascending_dates, descending_dates = days(0, 12, 20), days(5, 12, 20)  # 5 days apart, as two tracks are
    rate = np.array([[0.01, -0.03]])  # m per 12 days at two pixels

    def truth(dates):
        return np.array([(d - dt.date(2024, 1, 1)).days / 12.0 for d in dates])[:, None, None] * rate

    ascending = truth(ascending_dates) - truth(ascending_dates)[0]  # each track zero at its own first date
    descending = truth(descending_dates) - truth(descending_dates)[0]
    descending[7, 0, 1] = np.nan
    dates, asc, desc = to_common_dates(ascending_dates, ascending, descending_dates, descending)
    assert dates[0] == descending_dates[0] and dates[-1] == ascending_dates[-1]  # the span both cover
    assert len(dates) == 19 + 19 and dates == sorted(dates)  # every date of either track inside it
    expected = truth(dates) - truth(dates)[0]
    np.testing.assert_allclose(asc, expected, atol=1e-12)
    # Missing on one descending date: that date and the ascending dates on either side of it.
    assert np.isnan(desc[:, 0, 1]).sum() == 3 and np.isfinite(asc).all()
    np.testing.assert_allclose(desc[:, 0, 0], expected[:, 0, 0], atol=1e-12)
    assert (asc[0] == 0).all() and np.nan_to_num(desc[0]).tolist() == [[0.0, 0.0]]
    assert "interpolated linearly" in DATES_RULE and "never extrapolated" in DATES_RULE
    with pytest.raises(ValueError, match="share no time span"):
        to_common_dates(days(0, 12, 3), ascending[:3], days(400, 12, 3), descending[:3])
