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
    which have converged, are left at zero)."""
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
        alpha = np.empty((longest, 2))
        beta = np.empty((longest, 2))
        scale = np.empty(longest)
        emit = np.empty((longest, 2))
        a01, a10 = learn[k], forget[k]
        for s in range(skill_ptr[k], skill_ptr[k + 1]):
            start, end = seq_ptr[s], seq_ptr[s + 1]
            n = end - start
            for t in range(n):
                g, sl = guess[k, cls[start + t]], slip[k, cls[start + t]]
                if obs[start + t] == 1:
                    emit[t, 0], emit[t, 1] = g, 1.0 - sl
                else:
                    emit[t, 0], emit[t, 1] = 1.0 - g, sl
            a0 = (1.0 - prior[k]) * emit[0, 0]
            a1 = prior[k] * emit[0, 1]
            c = a0 + a1
            alpha[0, 0], alpha[0, 1], scale[0] = a0 / c, a1 / c, c
            for t in range(1, n):
                p0 = alpha[t - 1, 0] * (1.0 - a01) + alpha[t - 1, 1] * a10
                p1 = alpha[t - 1, 0] * a01 + alpha[t - 1, 1] * (1.0 - a10)
                a0, a1 = p0 * emit[t, 0], p1 * emit[t, 1]
                c = a0 + a1
                alpha[t, 0], alpha[t, 1], scale[t] = a0 / c, a1 / c, c
            beta[n - 1, 0], beta[n - 1, 1] = 1.0, 1.0
            for t in range(n - 2, -1, -1):
                b0 = emit[t + 1, 0] * beta[t + 1, 0]
                b1 = emit[t + 1, 1] * beta[t + 1, 1]
                c = scale[t + 1]
                beta[t, 0] = ((1.0 - a01) * b0 + a01 * b1) / c
                beta[t, 1] = (a10 * b0 + (1.0 - a10) * b1) / c
            acc[k, 0] += alpha[0, 1] * beta[0, 1]
            acc[k, 1] += 1.0
            for t in range(n):
                g0, g1 = alpha[t, 0] * beta[t, 0], alpha[t, 1] * beta[t, 1]
                total = g0 + g1
                g0, g1 = g0 / total, g1 / total
                j = cls[start + t]
                guess_acc[k, j, 0] += g0 * obs[start + t]
                guess_acc[k, j, 1] += g0
                slip_acc[k, j, 0] += g1 * (1 - obs[start + t])
                slip_acc[k, j, 1] += g1
                acc[k, 6] += np.log(scale[t])
                if t < n - 1:
                    c = scale[t + 1]
                    b0 = emit[t + 1, 0] * beta[t + 1, 0]
                    b1 = emit[t + 1, 1] * beta[t + 1, 1]
                    acc[k, 2] += alpha[t, 0] * a01 * b1 / c
                    acc[k, 3] += g0
                    acc[k, 4] += alpha[t, 1] * a10 * b0 / c
                    acc[k, 5] += g1
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
