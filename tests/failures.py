"""What the tests of the self-checks share: the sentence a check fails with."""
import pytest

from demystify.checks import CheckFailed


def failure(check, *args, **kwargs) -> str:
    """The message of the CheckFailed that ``check(*args, **kwargs)`` raises."""
    with pytest.raises(CheckFailed) as error:
        check(*args, **kwargs)
    return str(error.value)
