"""How districts differ in the synthetic region: the demo's assumptions, not statistics.

The one knob is the share of working-age residents who can work but appear in no agency's list
(no employer, no contributions, no category). That is what leaves a resident's OSMS status
undetermined, so it sets each district's actualisation. Without a profile every district draws
the same share and the district ranking is noise.

The Almaty region's profile follows what the regional meeting reported (best actualisation in
Tekeli, Kapshagay and Taldykorgan; worst in Uygur, Karatal and Enbekshikazakh): the three towns,
where most residents work for an employer, get the smallest share; three rural districts with
seasonal and informal work the largest. The figures between are a plausible spread, nothing more.
About 35% of these residents are drawn as past contributors (lapsed) rather than undetermined;
the expected undetermined share of a district's residents is roughly a third of its figure.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from birtizim.reference import Region

# Share of working-age residents able to work who are in no list, when a district has no profile.
DEFAULT_NOT_LISTED = 0.26

NOT_LISTED: dict[str, dict[str, float]] = {
    "almaty-2019": {
        # Best actualisation: towns (expected undetermined about 2.5–3.5% of residents).
        "tekeli": 0.07,
        "kapshagay": 0.08,
        "taldykorgan": 0.09,
        # The middle (about 8.5–11%).
        "karasay": 0.25,
        "talgar": 0.25,
        "ile": 0.26,
        "kerbulak": 0.27,
        "zhambyl": 0.27,
        "panfilov": 0.28,
        "alakol": 0.28,
        "eskeldi": 0.29,
        "koksu": 0.29,
        "aksu": 0.30,
        "balkhash": 0.30,
        "sarkand": 0.31,
        "raiymbek": 0.31,
        # Worst (about 16–17%): seasonal farm and informal work.
        "enbekshikazakh": 0.46,
        "karatal": 0.47,
        "uygur": 0.48,
    },
}


def not_listed_share(region: Region, district: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Each person's district's share (``district`` indexes ``region.districts``)."""
    profile = NOT_LISTED.get(region.code, {})
    by_district = np.array([profile.get(d.code, DEFAULT_NOT_LISTED) for d in region.districts], dtype=float)
    shares: npt.NDArray[np.float64] = by_district[district]
    return shares
