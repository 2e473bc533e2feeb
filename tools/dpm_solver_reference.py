#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reference values for the DPM-Solver++ (2M) test, from diffusers' DPMSolverMultistepScheduler formulas.
"""Prints the expected values of tests/lib/test_dpm_solver.cpp.

Follows diffusers' DPMSolverMultistepScheduler (algorithm_type "dpmsolver++", solver_order 2,
solver_type "midpoint", lower_order_final, final_sigmas_type "zero") in float64 with numpy:
set_timesteps ("leading" and "trailing"), convert_model_output (epsilon), the first- and
second-order updates. The test drives a 2-element sample for 10 steps with the synthetic model
output eps_k(x) = 0.5 * x + 0.1 * (k + 1) and compares every prev_sample.

Usage: /usr/bin/python3 tools/dpm_solver_reference.py
"""
import numpy as np

T = 1000
STEPS = 10


def alphas_cumprod():
    betas = np.linspace(1e-4, 0.02, T, dtype=np.float64)
    return np.cumprod(1.0 - betas)


def timesteps(spacing, steps):
    if spacing == "leading":
        ratio = T // (steps + 1)
        return (np.arange(0, steps + 1) * ratio).round()[::-1][:-1].astype(np.int64)
    ratio = T / steps
    return np.arange(T, 0, -ratio).round().astype(np.int64) - 1


def alpha_sigma(sigma):
    alpha = 1.0 / np.sqrt(sigma * sigma + 1.0)
    return alpha, sigma * alpha


def run(spacing):
    acp = alphas_cumprod()
    ts = timesteps(spacing, STEPS)
    sig = np.sqrt((1.0 - acp) / acp)
    sigmas = np.concatenate([np.interp(ts, np.arange(T), sig), [0.0]])
    x = np.array([1.0, -0.5])
    outputs = []
    trace = []
    for k in range(len(ts)):
        eps = 0.5 * x + 0.1 * (k + 1)
        a_s, s_s = alpha_sigma(sigmas[k])
        m0 = (x - s_s * eps) / a_s
        outputs.append(m0)
        if sigmas[k + 1] == 0.0:
            x = m0
        else:
            a_t, s_t = alpha_sigma(sigmas[k + 1])
            lam = lambda a, s: np.log(a) - np.log(s)
            h = lam(a_t, s_t) - lam(a_s, s_s)
            x_new = (s_t / s_s) * x - (a_t * (np.exp(-h) - 1.0)) * m0
            if k > 0:
                a_1, s_1 = alpha_sigma(sigmas[k - 1])
                r0 = (lam(a_s, s_s) - lam(a_1, s_1)) / h
                d1 = (1.0 / r0) * (m0 - outputs[-2])
                x_new = x_new - 0.5 * (a_t * (np.exp(-h) - 1.0)) * d1
            x = x_new
        trace.append(x.copy())
    return ts, sigmas, trace


def main():
    for spacing in ("leading", "trailing"):
        ts, sigmas, trace = run(spacing)
        print("%s timesteps: %s" % (spacing, ", ".join(str(int(t)) for t in ts)))
        print("%s sigmas: %s" % (spacing, ", ".join("%.12g" % s for s in sigmas)))
        for k, x in enumerate(trace):
            print("  {%.12g, %.12g},  // after step %d" % (x[0], x[1], k))


if __name__ == "__main__":
    main()
