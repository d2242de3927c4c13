"""Checks for the exercises of chapter 1 (Bayes' rule, naive Bayes' numbers and samples)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.naive_bayes import GaussianNB

from utils.exercises import Feedback, not_answered, right, unanswered, wrong
from utils.exercises._answers import call, check_number

__all__ = [
    "check_posterior",
    "check_naive_bayes_size",
    "check_sample_class",
    "check_bayes_rule",
]


def _normal_pdf(x: float, mean: float, std: float = 1.0) -> float:
    """Return the density of N(mean, std^2) at x."""
    return math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def _test_data() -> tuple[GaussianNB, np.ndarray]:
    """Return naive Bayes fitted on three unlike blobs, and the blobs' points.

    The classes differ in size and spread, so a sample or a posterior that drops the
    priors or takes a variance for a standard deviation is visibly off.
    """
    X, y = make_blobs(
        n_samples=[300, 100, 50],
        centers=[(0.0, 0.0), (4.0, 0.0), (0.0, 4.0)],
        cluster_std=[0.5, 2.0, 1.0],
        random_state=0,
    )
    return GaussianNB().fit(X, y), X


def check_posterior(answer: Any) -> Feedback:
    """Check p(y=1 | x=2) for priors 0.7 / 0.3 and classes N(0, 1) / N(2, 1)."""
    joint_0 = 0.7 * _normal_pdf(2.0, 0.0)
    joint_1 = 0.3 * _normal_pdf(2.0, 2.0)
    return check_number(
        "ex01-posterior",
        answer,
        joint_1 / (joint_0 + joint_1),
        tolerance=5e-3,
        slips=[
            (
                _normal_pdf(2.0, 2.0) / (_normal_pdf(2.0, 0.0) + _normal_pdf(2.0, 2.0)),
                "that leaves out the priors: multiply each likelihood by p(y) first.",
            ),
            (
                joint_0 / (joint_0 + joint_1),
                "that is p(y = 0 | x = 2), the other class.",
            ),
            (0.3, "that is the prior alone; at x = 2 the two likelihoods differ."),
            (
                joint_1,
                "that is p(x, y = 1); divide it by p(x), the sum over both classes.",
            ),
        ],
        otherwise="p(y=1 | x) = p(x | y=1) p(y=1) / (p(x | y=0) p(y=0) + "
        "p(x | y=1) p(y=1)), with the normal density at x = 2.",
    )


def check_naive_bayes_size(answer: Any) -> Feedback:
    """Check how many numbers Gaussian naive Bayes stores for 10 classes of 3x64x64 images."""
    classes, features = 10, 3 * 64 * 64
    return check_number(
        "ex01-naive-bayes-size",
        answer,
        classes + 2 * classes * features,
        tolerance=0,
        slips=[
            (2 * classes * features, "the 10 class priors are numbers it stores too."),
            (
                classes + classes * features,
                "besides a mean, each class and feature has a variance.",
            ),
            (1 + 2 * features, "that is one class's share; there are 10 classes."),
            (
                classes + 2 * classes * 64 * 64,
                "a colour image has 3 x 64 x 64 features, one per channel and pixel.",
            ),
        ],
        otherwise="count the priors (one per class), then a mean and a variance per "
        "class and feature.",
    )


def _sample_hint(points: np.ndarray, model: Any, c: int) -> str | None:
    """Return the hint for samples of class c that do not match the model, or None."""
    mean, var = model.theta_[c], model.var_[c]
    std = np.sqrt(var)
    tolerance = 5 * std / np.sqrt(len(points))  # five standard errors of the mean
    if np.all(np.abs(points.mean(0) - mean) <= tolerance):
        spread = points.std(0)
        if np.allclose(spread, std, rtol=0.1):
            return None
        if np.allclose(spread, var, rtol=0.1):
            return (
                "the spread is the variance: var_ holds variances, and normal() "
                "takes standard deviations, so take the square root."
            )
        return (
            f"the means are right but the spread is {spread.round(2)}, not "
            f"{std.round(2)}."
        )
    for other in range(len(model.classes_)):
        if other != c and np.all(
            np.abs(points.mean(0) - model.theta_[other])
            <= 5 * np.sqrt(model.var_[other] / len(points))
        ):
            return f"these points lie around class {other}'s means, not class {c}'s."
    return (
        "the points' mean is not class c's mean theta_[c]: draw every point "
        "from class c, with no class drawn from the prior."
    )


def check_sample_class(sample_class: Any) -> Feedback:
    """Check a function (model, c, n, rng) -> n new points (n, d) of class c."""
    exercise = "ex01-sample-class"
    if unanswered(sample_class):
        return not_answered(exercise, "your function")
    if not callable(sample_class):
        return wrong(exercise, "define a function sample_class(model, c, n, rng).")
    model, _ = _test_data()
    n, d = 4000, model.theta_.shape[1]
    for c in range(len(model.classes_)):
        got, error = call(sample_class, model, c, n, np.random.default_rng(c))
        if error:
            return wrong(exercise, f"for class {c} it raised {error}.")
        if got is None:  # the body is still the placeholder ...
            return not_answered(exercise, "your code (the function returns nothing)")
        points = np.asarray(got, dtype=float)
        if points.shape != (n, d):
            return wrong(
                exercise,
                f"for n = {n} it returned shape {points.shape}; "
                f"expected ({n}, {d}): one row per point.",
            )
        hint = _sample_hint(points, model, c)
        if hint:
            return wrong(exercise, f"class {c}: {hint}")
    return right(
        exercise, "for every class, the points have the model's means and spreads."
    )


def check_bayes_rule(posterior: Any) -> Feedback:
    """Check a function (model, X) -> p(y | x) for every row of X, against predict_proba."""
    exercise = "ex01-bayes-rule"
    if unanswered(posterior):
        return not_answered(exercise, "your function")
    if not callable(posterior):
        return wrong(exercise, "define a function posterior(model, X).")
    model, X = _test_data()
    got, error = call(posterior, model, X)
    if error:
        return wrong(exercise, f"it raised {error}.")
    if got is None:  # the body is still the placeholder ...
        return not_answered(exercise, "your code (the function returns nothing)")
    expected = model.predict_proba(X)
    result = np.asarray(got, dtype=float)
    if result.shape != expected.shape:
        return wrong(
            exercise,
            f"it returned shape {result.shape}; expected "
            f"{expected.shape}: one row per point, one column per class.",
        )
    if np.allclose(result, expected, atol=1e-4):
        return right(exercise, "it matches naive Bayes' own predict_proba.")
    if not np.allclose(result.sum(1), 1, atol=1e-3):
        return wrong(
            exercise, "the rows do not sum to 1: divide each row by its sum, p(x)."
        )
    without_prior = expected / model.class_prior_
    without_prior /= without_prior.sum(1, keepdims=True)
    if np.allclose(result, without_prior, atol=1e-3):
        return wrong(exercise, "it leaves out the priors: multiply by class_prior_.")
    return wrong(
        exercise,
        "the rows sum to 1 but differ from predict_proba: the "
        "density of feature j is N(theta_[c, j], var_[c, j]), a variance.",
    )
