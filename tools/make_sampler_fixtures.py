#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes the sampler test bundles: exact Gaussian-data denoisers and an analytic classifier.
"""Write tests/fixtures/bundles/gaussian and tests/fixtures/bundles/gaussian-v.

The data of class c (8x8 grey, classes "a", "b", "c", null class 3) is Gaussian,
x0 ~ N(m, sigma0^2 I) with sigma0 = 0.5 and the mean m = mu_c + 0.5 * s * k, where
mu_c = -0.5 + 0.5 c (the null class has mu = 0), k is the contour map and s the
contour strength: the contour brightens the pixels it marks, as a ControlNet hint
would. For such data the optimal noise prediction has a closed form,
  eps(x_t, t) = sqrt(1 - a) * (x_t - sqrt(a) * m) / (a * sigma0^2 + 1 - a),  a = alphas_cumprod[t],
so the predicted clean image depends on x_t (unlike a point mass) and sampling maps
different noise to different images, and classifier guidance has something to steer.
gaussian-v predicts v = sqrt(a) * eps - sqrt(1 - a) * E[x0 | x_t] instead.

The guidance classifier is analytic: logits_k = -10 * mean((x - mu_k)^2).

Usage: /usr/bin/python3 tools/make_sampler_fixtures.py [--out tests/fixtures/bundles]
"""
import argparse
import json
import os

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIGMA0 = 0.5
CONTOUR_SHIFT = 0.5
SCHEDULE = {"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
            "num_train_timesteps": 1000}


class GaussianDenoiser(torch.nn.Module):
    def __init__(self, v_prediction: bool):
        super().__init__()
        betas = torch.linspace(SCHEDULE["beta_start"], SCHEDULE["beta_end"],
                               SCHEDULE["num_train_timesteps"], dtype=torch.float64)
        self.register_buffer("acp", torch.cumprod(1.0 - betas, dim=0))
        self.register_buffer("mu", torch.tensor([-0.5, 0.0, 0.5, 0.0]))
        self.v_prediction = v_prediction
        self.variance = SIGMA0 ** 2
        self.shift = CONTOUR_SHIFT

    def forward(self, x_t: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                contour: torch.Tensor, contour_scale: torch.Tensor) -> torch.Tensor:
        a = self.acp[t].to(x_t.dtype).view(-1, 1, 1, 1)
        s = contour_scale.to(x_t.dtype).view(-1, 1, 1, 1)
        mean = self.mu[cond].view(-1, 1, 1, 1) + self.shift * s * contour
        eps = torch.sqrt(1.0 - a) * (x_t - torch.sqrt(a) * mean) / (a * self.variance + 1.0 - a)
        if not self.v_prediction:
            return eps
        x0 = (x_t - torch.sqrt(1.0 - a) * eps) / torch.sqrt(a)
        return torch.sqrt(a) * eps - torch.sqrt(1.0 - a) * x0


class AnalyticClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mu", torch.tensor([-0.5, 0.0, 0.5]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d = (x.unsqueeze(1) - self.mu.view(1, -1, 1, 1, 1)) ** 2
        return -10.0 * d.flatten(2).mean(2)


def write_bundle(out, name, v_prediction):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    torch.jit.script(GaussianDenoiser(v_prediction)).save(os.path.join(d, "denoiser.pt"))
    torch.jit.script(AnalyticClassifier()).save(os.path.join(d, "classifier.pt"))
    manifest = {
        "format": "higfa-bundle", "version": 1, "name": name,
        "resolution": [8, 8], "channels": 1, "value_range": [-1.0, 1.0], "space": "pixel",
        "prediction_type": "v_prediction" if v_prediction else "epsilon",
        "schedule": SCHEDULE,
        "conditioning": "class", "num_classes": 3, "null_class": 3, "class_names": ["a", "b", "c"],
        "source_size": [8, 8], "fit": "pad",
        "contour": {"blur_size": 3, "blur_sigma": 0.0, "low_threshold": 50,
                    "high_threshold": 150, "l2_gradient": False},
        "files": {"denoiser": "denoiser.pt", "classifier": "classifier.pt"},
        "classifier": {"resolution": [8, 8], "channels": 1, "value_range": [-1.0, 1.0],
                       "fit": "pad"},
        "provenance": {
            "command": "/usr/bin/python3 tools/make_sampler_fixtures.py",
            "denoiser": "exact eps of Gaussian class data, sigma0 %g, contour shift %g"
                        % (SIGMA0, CONTOUR_SHIFT),
            "classifier": "logits_k = -10 * mean((x - mu_k)^2), mu_k = -0.5 + 0.5 k",
            "torch": torch.__version__,
        },
    }
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %s" % d)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "bundles"))
    args = ap.parse_args()
    write_bundle(args.out, "gaussian", v_prediction=False)
    write_bundle(args.out, "gaussian-v", v_prediction=True)


if __name__ == "__main__":
    main()
