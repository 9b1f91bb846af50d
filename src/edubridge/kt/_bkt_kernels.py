"""The numba kernels of BKT: one EM pass (forward-backward) and one-step-ahead prediction.

States: 0 = not known, 1 = known. Sequences are the answers of one learner on one skill,
in time order; ``skill_ptr`` delimits each skill's sequences so that skills run in
parallel without sharing an accumulator.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def e_step(obs, cls, seq_ptr, skill_ptr, prior, learn, forget, guess, slip, active):  # type: ignore[no-untyped-def]
    """Expected counts per skill, and each skill's log-likelihood (skills not ``active``,
    which have converged, are left at zero).

    A forward pass keeps the scaled P(state | answers so far); one backward pass then
    gathers every expected count. The log-likelihood is the log of the product of the
    scales, taken once per sequence (or whenever the product nears underflow), not once
    per answer: a logarithm costs more than the rest of an answer's arithmetic.
    """
    n_skills = len(prior)
    n_classes = guess.shape[1]
    # prior, n_seq, learn num/den, forget num/den, log-likelihood
    acc = np.zeros((n_skills, 7))
    guess_acc = np.zeros((n_skills, n_classes, 2))
    slip_acc = np.zeros((n_skills, n_classes, 2))
    longest = 1
    for s in range(len(seq_ptr) - 1):
        longest = max(longest, seq_ptr[s + 1] - seq_ptr[s])
    for k in prange(n_skills):
        if not active[k]:
            continue
        alpha0 = np.empty(longest)
        alpha1 = np.empty(longest)
        inv_scale = np.empty(longest)
        emit0 = np.empty(longest)
        emit1 = np.empty(longest)
        a01, a10 = learn[k], forget[k]
        a00, a11 = 1.0 - a01, 1.0 - a10
        first = prior[k]
        prior_num = learn_num = learn_den = forget_num = forget_den = loglik = 0.0
        for s in range(skill_ptr[k], skill_ptr[k + 1]):
            start, n = seq_ptr[s], seq_ptr[s + 1] - seq_ptr[s]
            p0, p1 = 1.0 - first, first
            product = 1.0
            for t in range(n):
                j = cls[start + t]
                if obs[start + t] == 1:
                    x0, x1 = guess[k, j], 1.0 - slip[k, j]
                else:
                    x0, x1 = 1.0 - guess[k, j], slip[k, j]
                emit0[t], emit1[t] = x0, x1
                a0, a1 = p0 * x0, p1 * x1
                c = a0 + a1
                ic = 1.0 / c
                a0, a1 = a0 * ic, a1 * ic
                alpha0[t], alpha1[t], inv_scale[t] = a0, a1, ic
                p0, p1 = a0 * a00 + a1 * a10, a0 * a01 + a1 * a11
                product *= c
                if product < 1e-250:
                    loglik += np.log(product)
                    product = 1.0
            loglik += np.log(product)
            b0, b1 = 1.0, 1.0  # beta of the answer after t, scaled as alpha is
            for t in range(n - 1, -1, -1):
                if t < n - 1:
                    y0, y1 = emit0[t + 1] * b0, emit1[t + 1] * b1
                    ic = inv_scale[t + 1]
                    learn_num += alpha0[t] * a01 * y1 * ic
                    forget_num += alpha1[t] * a10 * y0 * ic
                    b0, b1 = (a00 * y0 + a01 * y1) * ic, (a10 * y0 + a11 * y1) * ic
                g0, g1 = alpha0[t] * b0, alpha1[t] * b1  # P(state at t | all the answers)
                if t < n - 1:
                    learn_den += g0
                    forget_den += g1
                j = cls[start + t]
                o = obs[start + t]
                guess_acc[k, j, 0] += g0 * o
                guess_acc[k, j, 1] += g0
                slip_acc[k, j, 0] += g1 * (1 - o)
                slip_acc[k, j, 1] += g1
            prior_num += alpha1[0] * b1
        acc[k, 0] = prior_num
        acc[k, 1] = skill_ptr[k + 1] - skill_ptr[k]
        acc[k, 2], acc[k, 3] = learn_num, learn_den
        acc[k, 4], acc[k, 5] = forget_num, forget_den
        acc[k, 6] = loglik
    return acc, guess_acc, slip_acc


@njit(cache=True)
def predict(obs, cls, skill, seq_start, prior, learn, forget, guess, slip, state):  # type: ignore[no-untyped-def]
    """P(correct) of each answer from the answers before it, and the knowledge after it.

    ``seq_start`` marks the first answer of each learner-skill sequence; ``state`` holds a
    starting P(known) per row where a sequence continues an earlier one (else NaN: prior).
    """
    n = len(obs)
    out = np.empty(n)
    after = np.empty(n)
    # P(known) and P(not known) are carried apart, as pyBKT's forward pass does: after a long
    # streak one of them is far below the other's last bit, and 1 - the other would lose it.
    known, unknown = 0.0, 1.0
    for t in range(n):
        k, j = skill[t], cls[t]
        if seq_start[t]:
            known = prior[k] if np.isnan(state[t]) else state[t]
            unknown = 1.0 - known
        g, s = guess[k, j], slip[k, j]
        out[t] = (known * (1.0 - s) + unknown * g) / (known + unknown)
        if obs[t] == 1:
            yes, no = known * (1.0 - s), unknown * g
        else:
            yes, no = known * s, unknown * (1.0 - g)
        yes, no = yes / (yes + no), no / (yes + no)
        known = yes * (1.0 - forget[k]) + no * learn[k]
        unknown = no * (1.0 - learn[k]) + yes * forget[k]
        after[t] = known
    return out, after
