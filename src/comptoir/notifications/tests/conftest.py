import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queues on commit (events, tasks, emails), as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
