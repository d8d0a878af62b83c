"""The story index's MinHash without datasketch at run time (it brings scipy
into the daemon's process): the permutation table and the LSH parameters
are datasketch's own, so signatures stored by earlier versions stay
comparable and the bands are the same; and the daemon's process does not
import datasketch or scipy when it clusters."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from monitor.stories.key import LSH_WEIGHTS, lsh_params, story_key
from monitor.stories.settings import ClusterSettings
from monitor.stories.sign import SEED, permutations, signature, similarity

datasketch = pytest.importorskip("datasketch", reason="datasketch (a dev dependency) is the reference here")


@pytest.mark.parametrize("num_perm", [16, 128, 257, 1024])
def test_the_permutations_are_datasketchs_affine32(num_perm):
    reference = datasketch.MinHash(num_perm=num_perm, seed=SEED, scheme="affine32").permutations
    assert np.array_equal(permutations(num_perm), reference) and permutations(num_perm).dtype == reference.dtype


def test_the_lsh_parameters_are_datasketchs():
    from datasketch.lsh import _optimal_param

    cases = [(t / 100, n) for n in (16, 50, 128) for t in range(5, 101, 5)] + [(0.4, 512), (0.75, 256)]
    assert [lsh_params(t, n) for t, n in cases] == [_optimal_param(t, n, *LSH_WEIGHTS) for t, n in cases]


def test_similarity_is_datasketchs_jaccard_of_the_same_values():
    settings = ClusterSettings()
    texts = [" ".join(f"word{i % 97} w{i}" for i in range(300)), " ".join(f"word{i % 89} w{i}" for i in range(280))]
    a, b = (signature(t, "A title", settings) for t in texts)
    assert a is not None and b is not None and 0 < similarity(a, b) < 1
    lean = [datasketch.LeanMinHash(seed=SEED, hashvalues=x.hashvalues, scheme="affine32") for x in (a, b)]
    assert similarity(a, b) == lean[0].jaccard(lean[1])
    assert story_key(texts[0], "A title", settings).signature == a.hashvalues.astype("<u4").tobytes()


def test_clustering_does_not_import_datasketch_or_scipy():
    code = ("import sys\n"
            "from monitor.stories.key import story_key\n"
            "from monitor.stories.settings import ClusterSettings\n"
            "assert story_key(' '.join(f'w{i}' for i in range(200)), 't', ClusterSettings()) is not None\n"
            "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
