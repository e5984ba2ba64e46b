"""compare.py — the comparators of `make bench`: one training run of a dense
network in PyTorch or scikit-learn with the settings paramlab uses, timed
over the training steps only (the data is made before the clock starts).

    compare.py torch|sklearn DTYPE SIZES ACT OPT BATCH ROWS EPOCHS
    compare.py torch DTYPE cnn relu OPT BATCH ROWS EPOCHS


SIZES is "784,256,10"; ACT relu or tanh; OPT "sgd" (lr 0.01, momentum 0.9)
or "adam" (lr 0.001); DTYPE float64 or float32 (scikit-learn: float64).
More than one output is a classifier with cross-entropy, one output a
binary classifier with the logistic loss, as in paramlab. SIZES "cnn" is
the conv workload on 1x8x8 images and 10 classes, as `model cnn conv=8:3
pool=2 hidden=32` builds it: Conv2d(1,8,3) ReLU MaxPool2d(2) Flatten
Linear(72,32) ReLU Linear(32,10). Shuffling is
off. Prints one line: "ms_per_step STEPS". Every library uses all cores.
"""
import os
import sys
import time


def data(rows, d, k, dtype):
    import numpy as np
    rng = np.random.default_rng(42)
    x = rng.standard_normal((rows, d)).astype(dtype)
    y = rng.integers(0, max(k, 2), rows)
    return x, y


def cnn_layers(torch):
    return [torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
            torch.nn.Linear(72, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)]


def run_torch(dtype, sizes, act, opt, batch, rows, epochs):
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(42)
    dt = torch.float64 if dtype == "float64" else torch.float32
    cnn = sizes == "cnn"
    if cnn:
        sizes = [64, 10]
    x, y = data(rows, sizes[0], sizes[-1], dtype)
    x = torch.from_numpy(x)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if act == "relu" else torch.nn.Tanh())
    if cnn:
        x = x.reshape(rows, 1, 8, 8)
        layers = cnn_layers(torch)
    model = torch.nn.Sequential(*layers).to(dt)
    if sizes[-1] == 1:
        y = torch.from_numpy(y).to(dt).reshape(-1, 1)
        lossf = torch.nn.BCEWithLogitsLoss()
    else:
        y = torch.from_numpy(y)
        lossf = torch.nn.CrossEntropyLoss()
    if opt == "sgd":
        o = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    else:
        o = torch.optim.Adam(model.parameters(), lr=0.001)
    steps = 0
    t0 = time.perf_counter()
    for _ in range(epochs):
        for s in range(0, rows, batch):
            xb, yb = x[s:s + batch], y[s:s + batch]
            o.zero_grad()
            loss = lossf(model(xb), yb)
            loss.backward()
            o.step()
            steps += 1
    return time.perf_counter() - t0, steps


def run_sklearn(sizes, act, opt, batch, rows, epochs):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    warnings.simplefilter("ignore", ConvergenceWarning)
    x, y = data(rows, sizes[0], sizes[-1], "float64")
    kw = dict(solver="sgd", learning_rate_init=0.01, momentum=0.9,
              nesterovs_momentum=False) if opt == "sgd" else dict(
              solver="adam", learning_rate_init=0.001)
    m = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation=act,
                      alpha=0.0, batch_size=batch, max_iter=epochs,
                      shuffle=False, tol=0.0, n_iter_no_change=10 ** 9,
                      random_state=42, **kw)
    t0 = time.perf_counter()
    m.fit(x, y)  # includes sklearn's input check: one pass over the data
    dt = time.perf_counter() - t0
    return dt, epochs * ((rows + batch - 1) // batch)


def main(argv):
    fw, dtype, sizes, act, opt = argv[1:6]
    batch, rows, epochs = (int(a) for a in argv[6:9])
    if sizes != "cnn":
        sizes = [int(s) for s in sizes.split(",")]
    if fw == "torch":
        dt, steps = run_torch(dtype, sizes, act, opt, batch, rows, epochs)
    else:
        dt, steps = run_sklearn(sizes, act, opt, batch, rows, epochs)
    print("%.6f %d" % (1000.0 * dt / steps, steps))


if __name__ == "__main__":
    main(sys.argv)
