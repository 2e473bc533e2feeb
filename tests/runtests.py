# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The runner of the Python test scripts (tests/streaming, tests/tools): every test_* function once.
import sys
import traceback


def run_tests(module_globals):
    """Runs every test_* function of the calling module; prints 'N passed, M failed' and exits 1
    if any fails."""
    failed = 0
    tests = [(n, f) for n, f in sorted(module_globals.items())
             if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        try:
            fn()
            print("ok   %s" % name)
        except Exception:  # report every failure, then fail the run
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc()
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)


def skip_without_fashion_mnist():
    """True (after printing the skip lines) when the Fashion-MNIST IDX files are absent; the
    caller has tools/ on sys.path."""
    import fmnist
    try:
        fmnist.load("test")
    except FileNotFoundError as e:
        print("SKIP: %s" % e)
        print("0 passed, 0 failed (skipped)")
        return True
    return False
