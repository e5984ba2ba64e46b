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
}
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
    kw = {k: v for k, v in hp.items() if k not in ("beta1", "beta2")}
    if "beta1" in hp or "beta2" in hp:
        b1, b2 = torch_defaults(kind)["betas"]
        kw["betas"] = (hp.get("beta1", b1), hp.get("beta2", b2))
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
            if k == "betas":
                hp["beta1"], hp["beta2"] = v
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
]


def vec(t):
    return " ".join(fmt(v) for v in t.tolist())


def traces(out):
    for name, kind, hp in TRACES:
        p = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
        opt = KINDS[kind]([p], foreach=False, **kwargs_of(kind, hp))
        out.append(("trace %s %s %s" % (name, kind, hp_text(hp))).rstrip())
        out.append("p0 " + vec(p.detach()))
        for t in range(STEPS):
            p.grad = torch.tensor(grad(t), dtype=torch.float64)
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
