#!/usr/bin/python3
"""gen_golden.py — writes the PyTorch golden files that tests/test_golden.c
checks paramlab's engine against (whole training runs: forward, loss,
backward, optimizer step, several steps across an epoch boundary).

Run from the repository root with the system Python that has PyTorch 1.13:

    /usr/bin/python3 tests/gen_golden.py

It (re)writes tests/golden/model_<case>.txt for every case in CASES, and
tests/golden/model_optim_defaults.txt (torch.optim's defaults per optimizer).
CI has no Python: the generated files are committed and only the C test runs.

Everything is float64 (torch.set_default_dtype(torch.float64)); the data and
the initial parameters are drawn here from a fixed torch seed per case and
written to the file, so the C side never relies on paramlab's RNG.

Layout: paramlab's W_k is (n_in x n_out) and computes Z = X.W + b, while
torch.nn.Linear's weight is (out x in): W_k = linear.weight.T, and
dW_k = linear.weight.grad.T. The last layer gives logits; the loss applies
the link (BCEWithLogitsLoss, CrossEntropyLoss with class-index targets).
Hinge is written by hand: mean(max(0, 1 - y'f)), y' = 2y - 1.

Mini-batches: rows in order (shuffle off), batch B, the last batch of an
epoch possibly smaller (DataLoader drop_last=False); after the last batch
the next epoch starts again at row 0.

File format (whitespace-separated tokens; '#' starts a comment that runs to
the end of the line; numbers are Python repr(), i.e. shortest round-trip):

    case NAME
    arch L s0 s1 ... sL          L dense layers; s0 inputs, sL outputs
    act NAME                     hidden activation (paramlab's name)
    loss NAME DELTA              DELTA is the huber threshold (1 otherwise)
    shape NOUT NTARGET CLASSIF NCLASSES   the engine's LossShape
    opt KIND key=value ...       every hyperparameter torch used (booleans 0/1)
    data N                       rows of the training set
    batch B
    steps S
    tensor X N s0 v...           inputs, row-major
    tensor Y N NTARGET v...      targets (class indices as numbers)
    tensor Wk s(k-1) sk v...     initial parameters for k = 1..L,
    tensor bk 1 sk v...          W before b, layer by layer
    then S blocks, one per optimizer step:
    step K start R rows C        batch = rows R .. R+C-1 of X / Y
    loss V                       the batch loss (mean reduction)
    tensor yhat C NOUT v...      the link applied to the logits
    tensor dlogits C NOUT v...   dLoss/dlogits
    tensor dWk ... tensor dbk    every gradient, k = 1..L
    tensor Wk ... tensor bk      every parameter after optimizer.step()
    end

model_optim_defaults.txt holds one line per optimizer,
    defaults KIND key=value ...
taken from the torch.optim constructors' signatures (sgd's lr, which torch
requires, is paramlab's documented 0.01), then `end`.

Random data makes ties impossible in practice, and the script checks it:
no relu/leaky_relu pre-activation, mae residual, huber |residual| - delta or
hinge margin lies within 1e-6 of the kink, so the subgradient convention
never matters.
"""

import inspect
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

# name: (arch, act, loss, delta, n_rows, batch, steps, opt kind, opt kwargs)
# Every loss, every optimizer variant and every hidden activation appears at
# least once; partial last batches and epoch boundaries appear in all.
CASES = [
    ("sgd_plain", [3, 5, 4, 2], "identity", "mse", 1.0, 10, 4, 6,
     "sgd", dict(lr=0.05)),
    ("sgd_momentum", [3, 5, 4, 1], "sigmoid", "bce", 1.0, 10, 4, 6,
     "sgd", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("sgd_nesterov", [3, 5, 4, 3], "tanh", "ce", 1.0, 9, 4, 6,
     "sgd", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("adagrad", [3, 5, 4, 1], "relu", "huber", 0.5, 10, 4, 6,
     "adagrad", dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.1,
                     weight_decay=0.02, eps=1e-9)),
    ("rmsprop", [3, 5, 4, 2], "leaky_relu", "mae", 1.0, 10, 4, 6,
     "rmsprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5,
                     weight_decay=0.01, eps=1e-7)),
    ("adadelta", [3, 5, 1], "elu", "hinge", 1.0, 7, 3, 7,
     "adadelta", dict(lr=1.0, rho=0.85, eps=1e-5, weight_decay=0.01)),
    ("adam", [3, 5, 4, 3], "softplus", "ce", 1.0, 10, 4, 6,
     "adam", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-7, weight_decay=0.01)),
    ("adam_amsgrad", [3, 5, 4, 2], "gelu", "mse", 1.0, 10, 4, 6,
     "adam", dict(lr=0.02, betas=(0.9, 0.9), amsgrad=True)),
    ("adamw", [3, 6, 4, 1], "sigmoid", "huber", 2.0, 9, 4, 6,
     "adamw", dict(lr=0.01, betas=(0.85, 0.99), weight_decay=0.1,
                   amsgrad=True)),
    ("adamax", [3, 3], "identity", "ce", 1.0, 10, 4, 6,
     "adamax", dict(lr=0.02, betas=(0.8, 0.9), weight_decay=0.01)),
    ("nadam", [3, 5, 4, 1], "relu", "hinge", 1.0, 10, 4, 6,
     "nadam", dict(lr=0.01, betas=(0.85, 0.98), weight_decay=0.01,
                   momentum_decay=0.01)),
    # beta2 = 0.9: rho_t passes 5 at step 6, so both of RAdam's branches run
    ("radam", [3, 5, 4, 2], "tanh", "mse", 1.0, 10, 4, 8,
     "radam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-7, weight_decay=0.01)),
    ("rprop", [3, 5, 4, 3], "relu", "ce", 1.0, 10, 4, 8,
     "rprop", dict(lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-3, 0.05))),
]

# Cases whose output layer starts scaled up, so that both sides of the hinge
# kink (margins y'f above and below 1) occur.
OUT_SCALE = {"adadelta": 4.0, "nadam": 4.0}

OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
    "rprop": torch.optim.Rprop,
}

# The torch constructor arguments paramlab has; a pair is split in two.
HYPERS = ["lr", "momentum", "dampening", "nesterov", "lr_decay",
          "initial_accumulator_value", "alpha", "centered", "rho", "betas",
          "amsgrad", "momentum_decay", "eps", "weight_decay", "etas",
          "step_sizes"]
PAIRS = {"betas": ("beta1", "beta2"), "etas": ("eta_minus", "eta_plus"),
         "step_sizes": ("step_min", "step_max")}

TIE = 1e-6


def act_fn(name, z):
    if name == "identity":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return F.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, 0.01)
    if name == "elu":
        return F.elu(z, alpha=1.0)
    if name == "softplus":
        return F.softplus(z, beta=1, threshold=20)
    if name == "gelu":
        return F.gelu(z, approximate="none")
    raise ValueError(name)


def loss_fn(kind, delta, f, y):
    """(loss, yhat) for logits f (B, K) and targets y (B, T)."""
    if kind == "mse":
        return F.mse_loss(f, y), f
    if kind == "mae":
        return F.l1_loss(f, y), f
    if kind == "huber":
        return F.huber_loss(f, y, delta=delta), f
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(f, y), torch.sigmoid(f)
    if kind == "ce":
        return F.cross_entropy(f, y[:, 0].long()), torch.softmax(f, dim=1)
    if kind == "hinge":
        ys = 2.0 * y - 1.0
        return torch.clamp(1.0 - ys * f, min=0.0).mean(), f
    raise ValueError(kind)


def check_ties(name, kind, delta, act, zs, f, y):
    if act in ("relu", "leaky_relu"):
        for z in zs:
            if (z.abs() < TIE).any():
                sys.exit(f"{name}: a pre-activation is at the relu kink")
    r = (f - y).abs()
    if kind == "mae" and (r < TIE).any():
        sys.exit(f"{name}: an mae residual is at 0")
    if kind == "huber" and ((r - delta).abs() < TIE).any():
        sys.exit(f"{name}: a huber residual is at delta")
    if kind == "hinge" and ((1.0 - (2.0 * y - 1.0) * f).abs() < TIE).any():
        sys.exit(f"{name}: a hinge margin is at the kink")


def fmt(v):
    return repr(float(v))


def write_tensor(out, name, t):
    t = t.detach()
    if t.dim() == 1:
        t = t.reshape(1, -1)
    rows, cols = t.shape
    vals = " ".join(fmt(v) for v in t.reshape(-1).tolist())
    out.write(f"tensor {name} {rows} {cols} {vals}\n")


def make_data(kind, n, n_in, n_out, gen):
    x = torch.randn(n, n_in, generator=gen)
    if kind in ("mse", "mae", "huber"):
        a = torch.randn(n_in, n_out, generator=gen)
        y = torch.tanh(x @ a) + 0.3 * torch.randn(n, n_out, generator=gen)
        return x, y, (n_out, n_out, 0, 0)
    k = 2 if kind in ("bce", "hinge") else n_out
    while True:
        y = torch.randint(0, k, (n, 1), generator=gen).to(torch.float64)
        if len(set(y[:, 0].tolist())) == k:
            break
    return x, y, (n_out, 1, 1, k)


def opt_line(kind, opt):
    """Every hyperparameter torch used, paramlab's names, 0/1 booleans."""
    parts = []
    for key in HYPERS:
        if key not in opt.defaults:
            continue
        v = opt.defaults[key]
        if key in PAIRS:
            parts.append(f"{PAIRS[key][0]}={fmt(v[0])}")
            parts.append(f"{PAIRS[key][1]}={fmt(v[1])}")
        elif isinstance(v, bool):
            parts.append(f"{key}={int(v)}")
        else:
            parts.append(f"{key}={fmt(v)}")
    return f"opt {kind} " + " ".join(parts) + "\n"


def run_case(index, spec):
    (name, arch, act, kind, delta, n, batch, steps, okind, okw) = spec
    gen = torch.Generator().manual_seed(1000 + index)
    torch.manual_seed(2000 + index)  # nn.Linear's default initialisation
    layers = [torch.nn.Linear(arch[i], arch[i + 1])
              for i in range(len(arch) - 1)]
    with torch.no_grad():
        layers[-1].weight.mul_(OUT_SCALE.get(name, 1.0))
        layers[-1].bias.mul_(OUT_SCALE.get(name, 1.0))
    x, y, shape = make_data(kind, n, arch[0], arch[-1], gen)
    params = []
    for lin in layers:
        params += [lin.weight, lin.bias]
    opt = OPTIMIZERS[okind](params, foreach=False, **okw)

    path = os.path.join(OUT_DIR, f"model_{name}.txt")
    with open(path, "w") as out:
        out.write("# generated by tests/gen_golden.py from PyTorch "
                  f"{torch.__version__}; do not edit\n")
        out.write(f"case {name}\n")
        out.write(f"arch {len(layers)} " + " ".join(map(str, arch)) + "\n")
        out.write(f"act {act}\n")
        out.write(f"loss {kind} {fmt(delta)}\n")
        out.write("shape " + " ".join(map(str, shape)) + "\n")
        out.write(opt_line(okind, opt))
        out.write(f"data {n}\nbatch {batch}\nsteps {steps}\n")
        write_tensor(out, "X", x)
        write_tensor(out, "Y", y)

        def write_params(prefix=""):
            for k, lin in enumerate(layers, 1):
                write_tensor(out, f"{prefix}W{k}", lin.weight.T)
                write_tensor(out, f"{prefix}b{k}", lin.bias)

        write_params()
        start = 0
        for step in range(1, steps + 1):
            if start >= n:
                start = 0
            rows = min(batch, n - start)
            xb, yb = x[start:start + rows], y[start:start + rows]
            opt.zero_grad(set_to_none=True)
            a, zs = xb, []
            for i, lin in enumerate(layers):
                z = lin(a)
                if i < len(layers) - 1:
                    zs.append(z)
                    a = act_fn(act, z)
                else:
                    a = z
            f = a
            f.retain_grad()
            check_ties(name, kind, delta, act, zs, f, yb)
            loss, yhat = loss_fn(kind, delta, f, yb)
            loss.backward()
            out.write(f"step {step} start {start} rows {rows}\n")
            out.write(f"loss {fmt(loss.item())}\n")
            write_tensor(out, "yhat", yhat)
            write_tensor(out, "dlogits", f.grad)
            for k, lin in enumerate(layers, 1):
                write_tensor(out, f"dW{k}", lin.weight.grad.T)
                write_tensor(out, f"db{k}", lin.bias.grad)
            opt.step()
            write_params()
            start += rows
        out.write("end\n")
    print(f"wrote {os.path.relpath(path)}")


def write_defaults():
    path = os.path.join(OUT_DIR, "model_optim_defaults.txt")
    with open(path, "w") as out:
        out.write("# generated by tests/gen_golden.py from PyTorch "
                  f"{torch.__version__}; do not edit\n")
        for kind, cls in OPTIMIZERS.items():
            sig = inspect.signature(cls.__init__).parameters
            parts = []
            for key in HYPERS:
                if key not in sig:
                    continue
                v = sig[key].default
                if key == "lr" and kind == "sgd":
                    v = 0.01  # torch requires it; paramlab's default
                if key in PAIRS:
                    parts.append(f"{PAIRS[key][0]}={fmt(v[0])}")
                    parts.append(f"{PAIRS[key][1]}={fmt(v[1])}")
                elif isinstance(v, bool):
                    parts.append(f"{key}={int(v)}")
                else:
                    parts.append(f"{key}={fmt(v)}")
            out.write(f"defaults {kind} " + " ".join(parts) + "\n")
        out.write("end\n")
    print(f"wrote {os.path.relpath(path)}")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for i, spec in enumerate(CASES):
        run_case(i, spec)
    write_defaults()


if __name__ == "__main__":
    main()
