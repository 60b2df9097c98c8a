"""Values that pass a naive check but mean nothing are usage errors, in one line."""

from __future__ import annotations

import pytest

from tests.helpers import run


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan"])
def test_min_coverage_nan_is_a_usage_error(value, tmp_path):
    result = run("compare", "IWM", "--offline", "--min-coverage", value, "--data-dir", str(tmp_path))

    assert result.returncode == 2, result.stderr
    assert "nan is not a number from 0 to 1" in result.stderr
    assert result.stdout == ""
