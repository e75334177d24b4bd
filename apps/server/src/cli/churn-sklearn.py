"""Fits scikit-learn's LogisticRegression on the churn model's exported, already standardised feature matrix and
prints, as one JSON object on stdout, its coefficients and its holdout ROC AUC / PR AUC / Brier, plus
scikit-learn's own metrics of *our* holdout probabilities (a cross-check of the TypeScript metrics).

Run by apps/server/src/cli/churn-sklearn.ts with Debian's /usr/bin/python3 (python3-sklearn):
    churn-sklearn.py DIR
DIR holds train.csv and holdout.csv (a header; first column `churned` 0/1, then the standardised columns)
and params.json ({"C", "ours_coefficients", "ours_intercept" (fitted, before the prior correction),
"ours_holdout_probabilities"}). Both fits' objective values are printed too: the lower one is nearer the optimum.
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return data[:, 1:], data[:, 0].astype(int)


def objective(x, y, coef, intercept, c):
    """The penalised, class-weighted log-loss both fits minimise (intercept not penalised), and its gradient."""
    counts = np.bincount(y, minlength=2)
    weights = np.where(y == 1, len(y) / (2 * counts[1]), len(y) / (2 * counts[0]))
    z = x @ coef + intercept
    loss = np.sum(weights * (np.logaddexp(0, z) - y * z)) + 0.5 * np.dot(coef, coef) / c
    r = weights * (1 / (1 + np.exp(-z)) - y)
    grad = np.append(x.T @ r + coef / c, np.sum(r))
    return float(loss), float(np.max(np.abs(grad)))


def main(directory):
    x_train, y_train = load(f"{directory}/train.csv")
    x_holdout, y_holdout = load(f"{directory}/holdout.csv")
    with open(f"{directory}/params.json") as f:
        params = json.load(f)
    model = LogisticRegression(
        C=params["C"], class_weight="balanced", solver="lbfgs", max_iter=10_000, tol=1e-10
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x_train, y_train)
    p = model.predict_proba(x_holdout)[:, 1]
    # lbfgs stops on a relative decrease of the objective (scipy's ftol), short of the optimum when the problem is
    # ill-conditioned (a large C; the one-hot channel columns are collinear up to the penalty). newton-cholesky
    # (scikit-learn >= 1.2) solves the same problem exactly: the reference for the coefficients.
    exact = None
    try:
        exact_model = LogisticRegression(
            C=params["C"], class_weight="balanced", solver="newton-cholesky", max_iter=1_000, tol=1e-12
        ).fit(x_train, y_train)
        exact = {
            "coefficients": exact_model.coef_[0].tolist(),
            "intercept": float(exact_model.intercept_[0]),
            "objective": objective(x_train, y_train, exact_model.coef_[0], exact_model.intercept_[0], params["C"])[0],
        }
    except ValueError:
        pass  # scikit-learn older than 1.2
    ours = np.asarray(params["ours_holdout_probabilities"], dtype=float)
    c = params["C"]
    ours_objective = objective(x_train, y_train, np.asarray(params["ours_coefficients"]), params["ours_intercept"], c)
    sklearn_objective = objective(x_train, y_train, model.coef_[0], model.intercept_[0], c)
    out = {
        "sklearn_version": sklearn.__version__,
        "coefficients": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
        "iterations": int(model.n_iter_[0]),
        "warnings": [str(w.message) for w in caught],
        "newton_cholesky": exact,
        "objective": {
            "ours": ours_objective[0],
            "ours_gradient_max": ours_objective[1],
            "sklearn": sklearn_objective[0],
            "sklearn_gradient_max": sklearn_objective[1],
        },
        "holdout": {
            "roc_auc": float(roc_auc_score(y_holdout, p)),
            "pr_auc": float(average_precision_score(y_holdout, p)),
            "brier": float(brier_score_loss(y_holdout, p)),
        },
        "ours_by_sklearn": {
            "roc_auc": float(roc_auc_score(y_holdout, ours)),
            "pr_auc": float(average_precision_score(y_holdout, ours)),
            "brier": float(brier_score_loss(y_holdout, ours)),
        },
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
