"""The seller-order state machine, checked against a table written out independently of TRANSITIONS."""

import itertools

import pytest

from comptoir.core.exceptions import InvalidTransition
from comptoir.orders.domain.state_machine import (
    DISPUTABLE,
    TERMINAL,
    Action,
    Actor,
    Status,
    allowed_actions,
    transition,
)

A, S, R = Action, Status, Actor
EVERY_ACTOR = frozenset(Actor)

# (action, from) -> (to, actors allowed, reason required)
EXPECTED = {
    (A.PAYMENT_CAPTURED, S.AWAITING_PAYMENT): (S.PLACED, {R.SYSTEM, R.OPERATOR}, False),
    (A.PAYMENT_FAILED, S.AWAITING_PAYMENT): (S.CANCELLED, {R.SYSTEM, R.OPERATOR}, True),
    (A.ACCEPT, S.PLACED): (S.ACCEPTED, {R.SELLER}, False),
    (A.CANCEL, S.PLACED): (S.CANCELLED, {R.BUYER, R.SELLER, R.OPERATOR}, True),
    (A.CANCEL, S.ACCEPTED): (S.CANCELLED, {R.SELLER, R.OPERATOR}, True),
    (A.SHIP, S.ACCEPTED): (S.SHIPPED, {R.SELLER}, False),
    (A.DELIVER, S.SHIPPED): (S.DELIVERED, {R.SELLER, R.BUYER, R.OPERATOR, R.SYSTEM}, False),
    (A.COMPLETE, S.DELIVERED): (S.COMPLETED, {R.SYSTEM, R.OPERATOR}, False),
    (A.REQUEST_RETURN, S.DELIVERED): (S.RETURN_REQUESTED, {R.BUYER}, True),
    (A.RECEIVE_RETURN, S.RETURN_REQUESTED): (S.RETURNED, {R.SELLER, R.OPERATOR}, False),
    (A.REFUND, S.RETURNED): (S.REFUNDED, {R.SELLER, R.OPERATOR}, False),
    # dispute decided for the buyer: operator refunds from any paid, not yet completed state
    (A.REFUND, S.PLACED): (S.REFUNDED, {R.OPERATOR}, True),
    (A.REFUND, S.ACCEPTED): (S.REFUNDED, {R.OPERATOR}, True),
    (A.REFUND, S.SHIPPED): (S.REFUNDED, {R.OPERATOR}, True),
    (A.REFUND, S.DELIVERED): (S.REFUNDED, {R.OPERATOR}, True),
    (A.REFUND, S.RETURN_REQUESTED): (S.REFUNDED, {R.OPERATOR}, True),
}

ALLOWED = [(action, source, actor) for (action, source), (_, actors, _) in EXPECTED.items() for actor in sorted(actors)]
FORBIDDEN_PAIRS = [
    (action, source) for action, source in itertools.product(Action, Status) if (action, source) not in EXPECTED
]
WRONG_ACTOR = [
    (action, source, actor)
    for (action, source), (_, actors, _) in EXPECTED.items()
    for actor in sorted(EVERY_ACTOR - actors)
]


@pytest.mark.parametrize(("action", "source", "actor"), ALLOWED)
def test_every_allowed_transition_reaches_its_target(action, source, actor):
    # given an allowed (status, action, actor) with a reason
    # when the transition is asked for
    step = transition(source, action, actor, reason="because")

    # then it leads to the expected status
    assert step.target == EXPECTED[(action, source)][0]
    assert step.source == source and step.action == action


@pytest.mark.parametrize(("action", "source"), FORBIDDEN_PAIRS)
def test_every_forbidden_status_action_pair_raises_for_every_actor(action, source):
    for actor in Actor:
        with pytest.raises(InvalidTransition) as raised:
            transition(source, action, actor, reason="because")
        assert raised.value.code == "invalid_transition"
        assert raised.value.status == 409
        assert raised.value.extra["status"] == source.value and raised.value.extra["action"] == action.value
        # the message names what was attempted, in words a person reads
        assert action.value.replace("_", " ") in raised.value.message


@pytest.mark.parametrize(("action", "source", "actor"), WRONG_ACTOR)
def test_actor_not_listed_on_a_transition_is_refused(action, source, actor):
    with pytest.raises(InvalidTransition) as raised:
        transition(source, action, actor, reason="because")
    assert raised.value.code == "transition_not_allowed_for_actor"
    assert actor.value in raised.value.message


@pytest.mark.parametrize(("action", "source"), [key for key, (_, _, needs_reason) in EXPECTED.items() if needs_reason])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reason_is_required_where_the_table_says_so(action, source, reason):
    actor = sorted(EXPECTED[(action, source)][1])[0]
    with pytest.raises(InvalidTransition) as raised:
        transition(source, action, actor, reason=reason)
    assert raised.value.code == "reason_required"
    assert raised.value.extra["fields"] == {"reason": "Required."}


@pytest.mark.parametrize(
    ("action", "source"), [key for key, (_, _, needs_reason) in EXPECTED.items() if not needs_reason]
)
def test_reason_is_optional_elsewhere(action, source):
    actor = sorted(EXPECTED[(action, source)][1])[0]
    assert transition(source, action, actor).target == EXPECTED[(action, source)][0]


def test_buyer_may_cancel_only_before_acceptance_and_seller_only_before_shipping():
    assert transition(S.PLACED, A.CANCEL, R.BUYER, "changed my mind").target == S.CANCELLED
    with pytest.raises(InvalidTransition):
        transition(S.ACCEPTED, A.CANCEL, R.BUYER, "changed my mind")
    assert transition(S.ACCEPTED, A.CANCEL, R.SELLER, "out of stock").target == S.CANCELLED
    with pytest.raises(InvalidTransition):
        transition(S.SHIPPED, A.CANCEL, R.SELLER, "too late")


def test_terminal_states_have_no_way_out():
    assert {S.COMPLETED, S.CANCELLED, S.REFUNDED} == TERMINAL
    for status, actor in itertools.product(TERMINAL, Actor):
        assert allowed_actions(status, actor) == set()


def test_allowed_actions_lists_what_each_actor_may_do():
    assert allowed_actions(S.PLACED, R.SELLER) == {"accept", "cancel"}
    assert allowed_actions(S.PLACED, R.BUYER) == {"cancel"}
    assert allowed_actions(S.DELIVERED, R.BUYER) == {"request_return"}
    assert allowed_actions(S.SHIPPED, R.OPERATOR) == {"deliver", "refund"}


def test_refused_transition_tells_the_actor_what_they_may_do_instead():
    with pytest.raises(InvalidTransition) as raised:
        transition(S.PLACED, A.SHIP, R.SELLER)
    assert raised.value.extra["allowed_actions"] == ["accept", "cancel"]


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [("lost", "accept", "seller"), ("placed", "teleport", "seller"), ("placed", "accept", "robot")],
)
def test_unknown_status_action_or_actor_is_an_invalid_transition(status, action, actor):
    with pytest.raises(InvalidTransition):
        transition(status, action, actor)


def test_disputable_states_are_paid_and_not_yet_settled():
    assert {S.PLACED, S.ACCEPTED, S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED, S.RETURNED} == DISPUTABLE
    assert not DISPUTABLE & (TERMINAL | {S.AWAITING_PAYMENT})
