#!/usr/bin/python3
"""gen_optim_golden.py — reference values for tests/test_optim.c from PyTorch.

Writes tests/golden/optim_trace.txt (run from the repository root with
/usr/bin/python3 and python3-torch 1.13). CI has no Python, so the output is
committed. Three kinds of line groups, all plain text, numbers as Python
repr (which round-trips through strtod exactly):

  defaults KIND key=value ...        the constructor defaults of torch.optim
  check KIND key=value ... <TAB> MSG the ValueError a bad value raises
  trace NAME KIND key=value ...      an optimizer run on a fixed parameter
    p0 v ...                         vector with fixed, varying gradients:
    grad v ...                         the gradient fed to the next step,
    param v ...                        the parameters after it,
    state SLOT v ...                   every state tensor (state-dict name),
    mu_product v                       nadam's scalar, and
    steps K                            the step count;
  end
  random NAME KIND key=value ...     the same for a random configuration and
    ...                              random gradients (fixed seed), checked
  end                                to 1e-9 relative like hidden cases

Pair arguments are split as paramlab names them: betas into beta1 beta2,
Rprop's etas into eta_minus eta_plus, its step_sizes into step_min step_max.

The whole run is float64, default dtype included: nadam keeps mu_product in
a tensor of the default dtype, and paramlab keeps it in a double.
"""
import sys

import torch

torch.set_default_dtype(torch.float64)

KINDS = {
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
# paramlab's names for the values of torch's pair arguments.
PAIRS = {"betas": ("beta1", "beta2"), "etas": ("eta_minus", "eta_plus"),
         "step_sizes": ("step_min", "step_max")}
NOT_OFFERED = {"maximize", "foreach", "capturable", "differentiable", "fused"}

P0 = [0.5, -1.25, 0.3, 2.0, -0.7]
STEPS = 6
# Gradient magnitudes fall then rise, so amsgrad's running maximum matters,
# signs change, and one entry is exactly zero once.
SCALE = [3.0, 2.0, 0.5, 0.4, 1.5, 0.2]


def grad(t):
    import math
    g = [SCALE[t] * math.sin(1.1 * t + 0.9 * i + 0.3) for i in range(len(P0))]
    if t == 2:
        g[2] = 0.0
    return g


def fmt(v):
    return repr(float(v))


def torch_defaults(kind):
    """The defaults dict of KIND's constructor (sgd given paramlab's lr)."""
    cls = KINDS[kind]
    return dict(cls([torch.zeros(1)], **({"lr": 0.01} if kind == "sgd" else {})).defaults)


def kwargs_of(kind, hp):
    """paramlab's key=value names to the constructor's keyword arguments."""
    halves = {h for pair in PAIRS.values() for h in pair}
    kw = {k: v for k, v in hp.items() if k not in halves}
    for arg, (a, b) in PAIRS.items():
        if a in hp or b in hp:
            da, db = torch_defaults(kind)[arg]
            kw[arg] = (hp.get(a, da), hp.get(b, db))
    if kind == "sgd" and "lr" not in kw:
        kw["lr"] = 0.01  # paramlab's default; torch requires one
    return kw


def hp_text(hp):
    out = []
    for k, v in hp.items():
        out.append("%s=%s" % (k, ("1" if v else "0") if isinstance(v, bool) else fmt(v)))
    return " ".join(out)


def defaults(out):
    for kind in KINDS:
        d = torch_defaults(kind)
        hp = {}
        for k, v in d.items():
            if k in NOT_OFFERED:
                continue
            if k in PAIRS:
                hp[PAIRS[k][0]], hp[PAIRS[k][1]] = v
            else:
                hp[k] = v
        out.append("defaults %s %s" % (kind, hp_text(hp)))


CHECKS = [
    ("sgd", {"lr": -1.0}),
    ("sgd", {"momentum": -0.5}),
    ("sgd", {"weight_decay": -0.1}),
    ("sgd", {"nesterov": True}),
    ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("adagrad", {"lr": -1.0}),
    ("adagrad", {"lr_decay": -0.01}),
    ("adagrad", {"weight_decay": -1e-05}),
    ("adagrad", {"initial_accumulator_value": -0.5}),
    ("adagrad", {"eps": -1e-10}),
    ("rmsprop", {"lr": -0.001}),
    ("rmsprop", {"eps": -1e-08}),
    ("rmsprop", {"momentum": -0.9}),
    ("rmsprop", {"weight_decay": -2.0}),
    ("rmsprop", {"alpha": -0.5}),
    ("adadelta", {"lr": -1.0}),
    ("adadelta", {"rho": 1.5}),
    ("adadelta", {"rho": -0.1}),
    ("adadelta", {"eps": -1e-06}),
    ("adadelta", {"weight_decay": -0.25}),
    ("adam", {"lr": -1.0}),
    ("adam", {"eps": -1e-08}),
    ("adam", {"beta1": 1.0}),
    ("adam", {"beta2": 1.0}),
    ("adam", {"beta1": -0.1}),
    ("adam", {"weight_decay": -0.01}),
    ("adamw", {"lr": -0.5}),
    ("adamw", {"beta1": 1.0}),
    ("adamw", {"beta2": 1.5}),
    ("adamw", {"weight_decay": -0.01}),
    ("adamax", {"lr": -1e-20}),
    ("adamax", {"eps": -1.0}),
    ("adamax", {"beta2": 1.0}),
    ("nadam", {"lr": -2.0}),
    ("nadam", {"beta1": 1.0}),
    ("nadam", {"momentum_decay": -0.004}),
    ("nadam", {"lr": -1.5e+16}),
    ("radam", {"lr": -1.0}),
    ("radam", {"eps": -1e-08}),
    ("radam", {"beta1": 1.0}),
    ("radam", {"beta2": 1.0}),
    ("radam", {"beta2": -0.5}),
    ("radam", {"weight_decay": -0.01}),
    ("rprop", {"lr": -0.01}),
    ("rprop", {"eta_minus": 1.0}),
    ("rprop", {"eta_minus": 0.0}),
    ("rprop", {"eta_plus": 1.0}),
    ("rprop", {"eta_minus": -0.5, "eta_plus": 0.75}),
]


def checks(out):
    for kind, hp in CHECKS:
        try:
            KINDS[kind]([torch.zeros(1)], **kwargs_of(kind, hp))
        except ValueError as e:
            out.append("check %s %s\t%s" % (kind, hp_text(hp), e))
        else:
            sys.exit("no error for %s %s" % (kind, hp))


TRACES = [
    ("sgd_plain", "sgd", {"lr": 0.1}),
    ("sgd_momentum", "sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd_dampening_wd", "sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
    ("sgd_nesterov_wd", "sgd", {"lr": 0.03, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("adagrad_default", "adagrad", {}),
    ("adagrad_decay_init", "adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.02}),
    ("rmsprop_default", "rmsprop", {}),
    ("rmsprop_momentum", "rmsprop", {"momentum": 0.9, "alpha": 0.9}),
    ("rmsprop_centered", "rmsprop", {"centered": True, "alpha": 0.95}),
    ("rmsprop_centered_momentum_wd", "rmsprop", {"lr": 0.005, "centered": True, "momentum": 0.8, "weight_decay": 0.01}),
    ("adadelta_default", "adadelta", {}),
    ("adadelta_wd", "adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-05, "weight_decay": 0.1}),
    ("adam_default", "adam", {}),
    ("adam_amsgrad_wd", "adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.05, "beta1": 0.8}),
    ("adamw_default", "adamw", {}),
    ("adamw_amsgrad", "adamw", {"lr": 0.02, "amsgrad": True, "weight_decay": 0.1, "beta2": 0.99}),
    ("adamax_default", "adamax", {}),
    ("adamax_wd", "adamax", {"lr": 0.01, "weight_decay": 0.03, "beta1": 0.7, "eps": 1e-06}),
    ("nadam_default", "nadam", {}),
    ("nadam_wd", "nadam", {"lr": 0.01, "weight_decay": 0.02, "momentum_decay": 0.01, "beta2": 0.95}),
    ("radam_default", "radam", {}),
    # beta2 = 0.9: rho_t passes 5 at the sixth step, so both branches run
    ("radam_rectified_wd", "radam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-06, "weight_decay": 0.03}),
    ("rprop_default", "rprop", {}),
    ("rprop_clamped", "rprop", {"lr": 0.2, "eta_minus": 0.3, "eta_plus": 2.0, "step_min": 0.05, "step_max": 0.5}),
]

# Hidden-case style runs: random configurations and gradients from a fixed
# seed, longer than the traces, checked to 1e-9 relative.
RANDOM_KINDS = ["radam", "rprop", "adam", "nadam", "rmsprop", "sgd"]
RANDOM_PER_KIND = 4
RANDOM_STEPS = 20
RANDOM_N = 6


def random_hp(kind, rnd):
    def lg(lo, hi):
        import math
        return math.exp(rnd.uniform(math.log(lo), math.log(hi)))
    hp = {"lr": lg(1e-4, 0.5)}
    if kind in ("radam", "adam", "nadam"):
        hp["beta1"] = rnd.uniform(0.0, 0.99)
        hp["beta2"] = rnd.choice([rnd.uniform(0.3, 0.99), 1 - lg(1e-4, 1e-2)])
        hp["eps"] = lg(1e-10, 1e-4)
        hp["weight_decay"] = rnd.choice([0.0, lg(1e-4, 0.1)])
    if kind == "adam":
        hp["amsgrad"] = rnd.random() < 0.5
    if kind == "nadam":
        hp["momentum_decay"] = lg(1e-4, 0.05)
    if kind == "rprop":
        hp["eta_minus"] = rnd.uniform(0.05, 0.95)
        hp["eta_plus"] = rnd.uniform(1.05, 3.0)
        hp["step_min"] = lg(1e-8, 1e-2)
        hp["step_max"] = rnd.uniform(0.05, 5.0)
    if kind == "rmsprop":
        hp["alpha"] = rnd.uniform(0.5, 0.999)
        hp["momentum"] = rnd.choice([0.0, rnd.uniform(0.1, 0.95)])
        hp["centered"] = rnd.random() < 0.5
        hp["weight_decay"] = rnd.choice([0.0, lg(1e-4, 0.1)])
    if kind == "sgd":
        hp["momentum"] = rnd.uniform(0.0, 0.95)
        hp["nesterov"] = rnd.random() < 0.5
        hp["dampening"] = 0.0 if hp["nesterov"] else rnd.uniform(0.0, 0.5)
    return hp


def random_runs():
    import random
    rnd = random.Random(20261201)
    runs = []
    for kind in RANDOM_KINDS:
        for i in range(RANDOM_PER_KIND):
            hp = random_hp(kind, rnd)
            p0 = [rnd.gauss(0, 1) for _ in range(RANDOM_N)]
            grads = []
            for t in range(RANDOM_STEPS):
                scale = 10 ** rnd.uniform(-3, 1)
                g = [scale * rnd.gauss(0, 1) for _ in range(RANDOM_N)]
                if rnd.random() < 0.2:
                    g[rnd.randrange(RANDOM_N)] = 0.0
                grads.append(g)
            runs.append(("%s_%d" % (kind, i + 1), kind, hp, p0, grads))
    return runs


def vec(t):
    return " ".join(fmt(v) for v in t.tolist())


def traces(out):
    for name, kind, hp in TRACES:
        run(out, "trace", name, kind, hp, P0, [grad(t) for t in range(STEPS)])
    for name, kind, hp, p0, grads in random_runs():
        run(out, "random", name, kind, hp, p0, grads)


def run(out, word, name, kind, hp, p0, grads):
    """One run of KIND from p0 over grads, every step written out."""
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = KINDS[kind]([p], foreach=False, **kwargs_of(kind, hp))
    out.append(("%s %s %s %s" % (word, name, kind, hp_text(hp))).rstrip())
    out.append("p0 " + vec(p.detach()))
    for t in range(len(grads)):
        p.grad = torch.tensor(grads[t], dtype=torch.float64)
        out.append("grad " + vec(p.grad))
        opt.step()
        out.append("param " + vec(p.detach()))
        st = opt.state[p]
        for k, v in st.items():
            if k == "step":
                continue
            if k == "mu_product":
                out.append("mu_product " + fmt(v.item()))
            elif isinstance(v, torch.Tensor):
                out.append("state %s %s" % (k, vec(v)))
        out.append("steps %d" % (t + 1))
    out.append("end")


def main():
    out = ["# Generated by tests/gen_optim_golden.py with torch %s; do not edit." % torch.__version__]
    defaults(out)
    checks(out)
    traces(out)
    with open("tests/golden/optim_trace.txt", "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
