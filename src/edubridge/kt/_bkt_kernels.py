"""The numba kernels of BKT: one EM pass (forward-backward) and one-step-ahead prediction.

States: 0 = not known, 1 = known. Sequences are the answers of one learner on one skill,
in time order; ``skill_ptr`` delimits each skill's sequences so that skills run in
parallel without sharing an accumulator.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

TINY = 1e-100  # the least a probability is kept at; four of them still multiply above 0


@njit(cache=True, parallel=True)
def e_step(obs, cls, seq_ptr, skill_ptr, weight, prior, learn, forget, guess, slip, active):  # type: ignore[no-untyped-def]
    """Expected counts of every restart (first axis) and skill, and their log-likelihoods;
    pairs not ``active``, which have converged, are left at zero. Each sequence counts
    ``weight`` times (the learners who answered just so).

    The restarts run side by side, answer by answer, so one call moves them all a step.

    A forward pass keeps P(state | answers so far); one backward pass then gathers every
    expected count, from posteriors normalised at each answer. The log-likelihood is the
    log of the product of the forward scales, taken once per sequence (or whenever the
    product nears underflow): a logarithm costs more than the rest of an answer's arithmetic.
    """
    n_fits, n_skills = prior.shape
    n_classes = guess.shape[2]
    # prior, n_seq, learn num/den, forget num/den, log-likelihood
    acc = np.zeros((n_fits, n_skills, 7))
    guess_acc = np.zeros((n_fits, n_skills, n_classes, 2))
    slip_acc = np.zeros((n_fits, n_skills, n_classes, 2))
    longest = 1
    for s in range(len(seq_ptr) - 1):
        longest = max(longest, seq_ptr[s + 1] - seq_ptr[s])
    for k in prange(n_skills):
        if not active[:, k].any():
            continue
        alpha0 = np.empty((longest, n_fits))
        alpha1 = np.empty((longest, n_fits))
        emit0 = np.empty((longest, n_fits))
        emit1 = np.empty((longest, n_fits))
        a01, a10 = learn[:, k].copy(), forget[:, k].copy()
        a00, a11 = 1.0 - a01, 1.0 - a10
        p0, p1 = np.empty(n_fits), np.empty(n_fits)
        b0, b1 = np.empty(n_fits), np.empty(n_fits)
        product = np.empty(n_fits)
        sums = np.zeros((n_fits, 6))  # prior, learn num/den, forget num/den, log-likelihood
        n_seq = 0.0
        for s in range(skill_ptr[k], skill_ptr[k + 1]):
            start, n = seq_ptr[s], seq_ptr[s + 1] - seq_ptr[s]
            w = weight[s]
            n_seq += w
            for r in range(n_fits):
                p0[r], p1[r] = 1.0 - prior[r, k], prior[r, k]
                product[r] = 1.0
            for t in range(n):
                j = cls[start + t]
                right = obs[start + t] == 1
                for r in range(n_fits):
                    if not active[r, k]:
                        continue
                    if right:
                        x0, x1 = guess[r, k, j], 1.0 - slip[r, k, j]
                    else:
                        x0, x1 = 1.0 - guess[r, k, j], slip[r, k, j]
                    emit0[t, r], emit1[t, r] = x0, x1
                    a0, a1 = p0[r] * x0, p1[r] * x1
                    c = a0 + a1
                    ic = 1.0 / c
                    # Never exactly 0: after thousands of answers a state can fall below the
                    # smallest float, and the backward pass would divide 0 by 0.
                    a0, a1 = max(a0 * ic, TINY), max(a1 * ic, TINY)
                    alpha0[t, r], alpha1[t, r] = a0, a1
                    p0[r] = a0 * a00[r] + a1 * a10[r]
                    p1[r] = a0 * a01[r] + a1 * a11[r]
                    product[r] *= c
                    if product[r] < 1e-250:
                        sums[r, 5] += w * np.log(product[r])
                        product[r] = 1.0
            for r in range(n_fits):
                sums[r, 5] += w * np.log(product[r])
                b0[r], b1[r] = 0.5, 0.5  # beta of the answer after t, kept summing to 1
            for t in range(n - 1, -1, -1):
                j = cls[start + t]
                o = obs[start + t]
                for r in range(n_fits):
                    if not active[r, k]:
                        continue
                    if t < n - 1:
                        # P(state at t, state at t+1 | all the answers), normalised here:
                        # a long run of one state would take unnormalised betas past the
                        # largest float while the alphas fall below the smallest.
                        y0, y1 = emit0[t + 1, r] * b0[r], emit1[t + 1, r] * b1[r]
                        x00, x01 = alpha0[t, r] * a00[r] * y0, alpha0[t, r] * a01[r] * y1
                        x10, x11 = alpha1[t, r] * a10[r] * y0, alpha1[t, r] * a11[r] * y1
                        iz = w / (x00 + x01 + x10 + x11)
                        sums[r, 1] += x01 * iz
                        sums[r, 3] += x10 * iz
                        g0, g1 = (x00 + x01) * iz, (x10 + x11) * iz
                        sums[r, 2] += g0
                        sums[r, 4] += g1
                        c0, c1 = a00[r] * y0 + a01[r] * y1, a10[r] * y0 + a11[r] * y1
                        ic = 1.0 / (c0 + c1)
                        b0[r], b1[r] = max(c0 * ic, TINY), max(c1 * ic, TINY)
                    else:
                        g0, g1 = w * alpha0[t, r], w * alpha1[t, r]
                    guess_acc[r, k, j, 0] += g0 * o
                    guess_acc[r, k, j, 1] += g0
                    slip_acc[r, k, j, 0] += g1 * (1 - o)
                    slip_acc[r, k, j, 1] += g1
                    if t == 0:
                        sums[r, 0] += g1
        for r in range(n_fits):
            if not active[r, k]:
                continue
            acc[r, k, 0] = sums[r, 0]
            acc[r, k, 1] = n_seq
            acc[r, k, 2], acc[r, k, 3] = sums[r, 1], sums[r, 2]
            acc[r, k, 4], acc[r, k, 5] = sums[r, 3], sums[r, 4]
            acc[r, k, 6] = sums[r, 5]
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
