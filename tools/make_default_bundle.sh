#!/bin/sh
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Reproduces the default Fashion-MNIST bundle (models/fashion-mnist) and the judge (models/judge).
#
# Usage: tools/make_default_bundle.sh            (from anywhere; about an hour on 2 CPU cores)
# Environment: HIGFA_WORK   work directory for checkpoints and logs (default /tmp/higfa-bundle-work)
#              HIGFA_THREADS  torch threads (default 2)
#              PYTHON       interpreter with torch, numpy and cv2 (default /usr/bin/python3)
# Needs the Debian package dataset-fashion-mnist (or HIGFA_FMNIST_DIR pointing at the IDX files).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
WORK=${HIGFA_WORK:-/tmp/higfa-bundle-work}
THREADS=${HIGFA_THREADS:-2}
mkdir -p "$WORK"
cd "$REPO"

# Recorded seeds and epochs of the committed bundle.
CLASSIFIER_SEED=2026; CLASSIFIER_EPOCHS=8
JUDGE_SEED=7;         JUDGE_EPOCHS=6
FILTER_SEED=31;       FILTER_EPOCHS=6
DENOISER_SEED=1234;   DENOISER_EPOCHS=7
EVAL_SEED=4242

# Steps run one after the other: each uses all cores.
"$PY" tools/train_classifier.py --arch guidance --seed $CLASSIFIER_SEED --epochs $CLASSIFIER_EPOCHS \
    --threads "$THREADS" --out "$WORK/classifier"
"$PY" tools/train_classifier.py --arch filter --seed $FILTER_SEED --epochs $FILTER_EPOCHS \
    --threads "$THREADS" --out "$WORK/filter"
"$PY" tools/train_classifier.py --arch judge --seed $JUDGE_SEED --epochs $JUDGE_EPOCHS \
    --threads "$THREADS" --out "$WORK/judge"
"$PY" tools/train_denoiser.py --seed $DENOISER_SEED --epochs $DENOISER_EPOCHS \
    --threads "$THREADS" --out "$WORK/denoiser"
"$PY" tools/export_bundle.py --work "$WORK" --bundle models/fashion-mnist --judge-dir models/judge
"$PY" tools/evaluate_bundle.py --bundle models/fashion-mnist --judge models/judge/judge.pt \
    --seed $EVAL_SEED --threads "$THREADS" --work "$WORK"
"$PY" tools/make_contour_parity_fixture.py
echo "bundle in $REPO/models/fashion-mnist (see README.md there)"
