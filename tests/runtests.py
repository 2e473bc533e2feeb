# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# The runner of the Python test scripts (tests/streaming, tests/tools): every test_* function once.
import sys
import traceback


class Skipped(Exception):
    """Raised by a test that cannot run on this machine; its message says why. A skipped test
    is reported as such and not counted as passed."""


def run_tests(module_globals):
    """Runs every test_* function of the calling module; prints 'N passed, M failed' (and
    ', S skipped' with a 'SKIPPED: reason' line per skip); exits 1 if any fails, 77 if every
    test skipped."""
    failed = skipped = 0
    tests = [(n, f) for n, f in sorted(module_globals.items())
             if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        try:
            fn()
            print("ok   %s" % name)
        except Skipped as e:
            skipped += 1
            print("skip %s" % name)
            print("     SKIPPED: %s" % e)
        except Exception:  # report every failure, then fail the run
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc()
    print("%d passed, %d failed%s" % (len(tests) - failed - skipped, failed,
                                      ", %d skipped" % skipped if skipped else ""))
    # 77: every test skipped, which meson (and automake) report as SKIP rather than OK.
    sys.exit(1 if failed else 77 if tests and skipped == len(tests) else 0)


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
