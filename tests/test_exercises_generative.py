"""The checks of chapter 1's exercises: the reference passes, typical slips get their hint."""

from __future__ import annotations

import numpy as np

from utils.exercises.generative import (
    check_bayes_rule,
    check_naive_bayes_size,
    check_posterior,
    check_sample_class,
)


def reference_sample_class(model, c, n, rng):
    """The reference solution: every point from class c's normal, std = sqrt(var)."""
    return rng.normal(
        model.theta_[c], np.sqrt(model.var_[c]), size=(n, model.theta_.shape[1])
    )


def gaussian(X, mean, var):
    """Return the product over features of the normal densities, one per row of X."""
    return np.prod(np.exp(-((X - mean) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var), 1)


def reference_posterior(model, X):
    """The reference solution: prior times likelihood, divided by their sum."""
    joint = np.stack(
        [
            model.class_prior_[c] * gaussian(X, model.theta_[c], model.var_[c])
            for c in range(len(model.classes_))
        ],
        axis=1,
    )
    return joint / joint.sum(1, keepdims=True)


def test_posterior_reference_passes_and_missing_priors_are_named():
    assert check_posterior(0.760).passed
    no_prior = check_posterior(0.881)
    assert no_prior.status == "wrong" and "priors" in no_prior.message
    assert "other class" in check_posterior(0.240).message
    assert check_posterior(...).status == "not answered"


def test_naive_bayes_size_reference_passes_and_forgotten_priors_are_named():
    assert check_naive_bayes_size(10 + 2 * 10 * 3 * 64 * 64).passed
    assert "priors" in check_naive_bayes_size(2 * 10 * 3 * 64 * 64).message
    assert "variance" in check_naive_bayes_size(10 + 10 * 3 * 64 * 64).message
    assert check_naive_bayes_size(...).status == "not answered"


def test_sample_class_reference_passes():
    assert check_sample_class(reference_sample_class).passed


def test_sample_class_variance_for_standard_deviation_is_named():
    def with_variance(model, c, n, rng):
        return rng.normal(model.theta_[c], model.var_[c], size=(n, 2))

    feedback = check_sample_class(with_variance)
    assert feedback.status == "wrong" and "square root" in feedback.message


def test_sample_class_drawing_the_class_from_the_prior_fails():
    def from_prior(model, c, n, rng):
        classes = rng.choice(len(model.classes_), size=n, p=model.class_prior_)
        return rng.normal(model.theta_[classes], np.sqrt(model.var_[classes]))

    feedback = check_sample_class(from_prior)
    assert feedback.status == "wrong" and "prior" in feedback.message
    assert check_sample_class(...).status == "not answered"


def test_bayes_rule_reference_passes_and_typical_slips_get_their_hint():
    assert check_bayes_rule(reference_posterior).passed

    def unnormalised(model, X):
        return reference_posterior(model, X) * gaussian(X, 0, 1)[:, None]

    assert "sum, p(x)" in check_bayes_rule(unnormalised).message

    def no_prior(model, X):
        joint = np.stack(
            [gaussian(X, model.theta_[c], model.var_[c]) for c in range(3)], axis=1
        )
        return joint / joint.sum(1, keepdims=True)

    assert "priors" in check_bayes_rule(no_prior).message
    assert check_bayes_rule(...).status == "not answered"


def test_functions_whose_body_is_the_placeholder_are_not_answered():
    def placeholder(*args): ...

    assert check_sample_class(placeholder).status == "not answered"
    assert check_bayes_rule(placeholder).status == "not answered"
