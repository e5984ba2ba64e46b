#!/usr/bin/python3
"""Golden share sizes for `data split VAL [TEST]`: how many rows of each
class scikit-learn 1.2 puts in training, validation and test, for
tests/engine/test_split.c. Run with the Debian python3 (python3-sklearn):
    /usr/bin/python3 tests/gen_split_golden.py > tests/golden/split.txt

The sizes are train_test_split's: n_val = ceil(VAL * n) and
n_test = ceil(TEST * n) (sklearn's _validate_shuffle_split), the rest
trains. Classes are those of the documented two-step procedure, two
train_test_split calls with stratify=:
    rest, test = train_test_split(rows, test_size=n_test, stratify=y)
    train, val = train_test_split(rest, test_size=n_val, stratify=y[rest])
(the first left out when TEST is 0). Each call is a StratifiedShuffleSplit
whose training side takes _approximate_mode(class counts, rows kept) and
whose test side the rest. Where sklearn refuses a stratified split (a
class of one row, a share smaller than the number of classes) the
_approximate_mode calls are made directly.

Each line: split K VAL TEST c_1..c_K  TRAIN VAL TEST  train_1..train_K
val_1..val_K test_1..test_K EXACT, or `refused K VAL TEST c_1..c_K` when
sklearn leaves no training row. _approximate_mode breaks ties between
classes with equal remainders at random, so where a tie decided which
class got a row the per-class numbers are one draw and EXACT is 0 (the
share totals still hold, and each class's count is within one).
The 3-way cases come first from a mixed list, then from a list of
3-way cases only (imbalanced classes, many sizes, the cases where taking
training first put a class a whole row off its test share)."""
import math
import random

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.model_selection._split import _validate_shuffle_split
from sklearn.utils import _approximate_mode


def tie_decides(counts, draws):
    """True when _approximate_mode(counts, draws) picks among tied classes."""
    counts = np.asarray(counts)
    if counts.sum() == 0 or draws == 0:
        return False
    continuous = counts / counts.sum() * draws
    floored = np.floor(continuous)
    need = int(draws - floored.sum())
    remainder = continuous - floored
    for value in np.sort(np.unique(remainder))[::-1]:
        if need <= 0:
            break
        tied = int(np.sum(remainder == value))
        if tied > need:
            return True
        need -= tied
    return False


def keep(y, counts, n_drop, seed):
    """Rows of each class kept when train_test_split(test_size=n_drop,
    stratify=y) splits n_drop rows off y's rows (counts per class)."""
    counts = np.asarray(counts)
    if n_drop == 0:
        return counts.copy()
    try:
        kept, _ = train_test_split(np.arange(len(y)), test_size=n_drop,
                                   stratify=y, random_state=seed)
        return np.bincount(y[kept], minlength=len(counts))
    except ValueError:  # a class of one row, or fewer rows than classes
        return _approximate_mode(counts, int(counts.sum()) - n_drop,
                                 np.random.RandomState(seed))


def shares(counts, val, test, seed):
    n = sum(counts)
    try:
        n_val = _validate_shuffle_split(n, val, None)[1]
        n_test = _validate_shuffle_split(n, test, None)[1] if test > 0 else 0
    except ValueError:  # sklearn: "the resulting train set will be empty"
        return None
    n_train = n - n_val - n_test
    if n_train < 1:
        return None
    counts = np.array(counts)
    y = np.repeat(np.arange(len(counts)), counts)
    rest = keep(y, counts, n_test, seed)
    y_rest = np.repeat(np.arange(len(counts)), rest)
    train = keep(y_rest, rest, n_val, seed)
    valid = rest - train
    tested = counts - rest
    assert train.sum() == n_train and valid.sum() == n_val and tested.sum() == n_test
    exact = not tie_decides(counts, n - n_test) and not tie_decides(rest, n_train)
    return n_train, n_val, n_test, train, valid, tested, exact


def imbalanced(rnd, k, n):
    """k classes of n rows, every class one row at least, the rest falling
    unevenly (a geometric-like spread)."""
    counts = [1] * k
    for _ in range(n - k):
        counts[min(int(rnd.expovariate(1.0) * k / 2), k - 1)] += 1
    return counts


def main():
    rnd = random.Random(20240601)
    cases = [
        ([50, 50], 0.05, 0), ([5, 5], 0.1, 0.1), ([5, 5], 0.2, 0),
        ([100, 100], 0.2, 0.1), ([50, 50, 50], 0.2, 0), ([50, 50, 50], 0.01, 0),
        ([150, 150], 0.25, 0), ([3, 2, 2], 0.2, 0.1), ([100, 100], 0.001, 0.001),
        ([10, 10], 0.45, 0.45), ([10, 10], 0.25, 0), ([2, 2], 0.2, 0.2),
        ([1], 0.5, 0), ([2], 0.5, 0), ([2], 0.5, 0.1), ([200], 0.25, 0.1),
        ([200], 0.25, 0), ([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 0.2, 0.1),
        ([1, 1, 1], 0.2, 0), ([1, 9], 0.3, 0), ([97, 3], 0.1, 0.1), ([7], 0.333, 0),
    ]
    fractions = [0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.333, 0.4, 0.5]
    for _ in range(160):
        k = rnd.choice([1, 2, 2, 3, 4, 5])
        n = rnd.choice([3, 5, 10, 11, 17, 30, 64, 100, 101, 150, 333, 1000])
        if n < k:
            n = k
        counts = imbalanced(rnd, k, n)
        val = rnd.choice(fractions)
        test = rnd.choice([0, 0] + fractions[:6])
        if val + test >= 1:
            test = 0
        cases.append((counts, val, test))
    # 3-way only: the reported cases, then imbalanced classes of many sizes
    cases += [([13, 25, 12], 0.1, 0.2), ([17, 21, 59], 0.07, 0.38),
              ([109, 79, 54, 39, 59], 0.333, 0.2), ([1, 1, 8], 0.1, 0.1),
              ([2, 3, 95], 0.05, 0.05), ([900, 60, 30, 10], 0.15, 0.15)]
    tests = [0.01, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.38]
    for _ in range(240):
        k = rnd.choice([2, 2, 3, 3, 4, 5, 7, 10])
        n = max(k, rnd.choice([4, 7, 12, 20, 31, 50, 64, 97, 150, 257, 500, 1999]))
        counts = imbalanced(rnd, k, n)
        val = rnd.choice(fractions + [0.07, 0.12])
        test = rnd.choice(tests)
        if val + test >= 1:
            val = 0.1
        cases.append((counts, val, test))
    print("# scikit-learn %s, numpy %s: split K VAL TEST counts... TRAIN VAL TEST "
          "train... val... test... EXACT" % (sklearn.__version__, np.__version__))
    for i, (counts, val, test) in enumerate(cases):
        head = "%d %.17g %.17g %s" % (len(counts), val, test, " ".join(map(str, counts)))
        got = shares(counts, val, test, i)
        if got is None:
            print("refused " + head)
            continue
        n_train, n_val, n_test, train, valid, rest, exact = got
        print("split %s  %d %d %d  %s  %s  %s  %d" % (
            head, n_train, n_val, n_test, " ".join(map(str, train)),
            " ".join(map(str, valid)), " ".join(map(str, rest)), exact))


main()
