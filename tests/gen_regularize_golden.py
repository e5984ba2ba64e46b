#!/usr/bin/python3
"""gen_regularize_golden.py — reference values for the L1/L2 penalties and
dropout (tests/engine/test_regularize.c) from PyTorch 1.13, float64.

Run from the repository root with Debian's /usr/bin/python3 (python3-torch);
it writes tests/golden/regularize.txt. CI has no Python, so the output is
committed.

The model is paramlab's `model mlp 4 3 act=tanh` on 8 rows of 3 features
and 3 classes (cross-entropy), one batch of all 8 rows, W (in, out) so a
layer is X @ W + b. The penalties are written by hand as a learner would:
    loss = ce + l1 * sum(|W|) + l2 / 2 * sum(W**2)     (weights only)
Dropout multiplies each hidden activation by paramlab's own mask: this
script draws the masks with paramlab's generator (xoshiro256** seeded
through splitmix64 from session_mask_key(seed, step), then per layer, as
nn_dropout_masks), so torch sees exactly the masks the session draws; the
C test checks that its masks M1, M2 equal these bit for bit.

Format: plain text, numbers as Python repr (strtod reads them back exactly).
  x v ...             (8, 3) features, row major
  y v ...             8 labels
  p NAME v ...        the starting parameters W1 b1 W2 b2 W3 b3
  case NAME l1 L1 l2 L2 drop P1 P2
  mask STEP v ...     M1 then M2 of that step (rows 8), flat (only with dropout)
  loss TOTAL DATA PENALTY            of step 0, at the starting parameters
  grad NAME v ...     dL/dNAME of step 0 (penalty included)
  run OPT key=value ... then `after NAME v ...` for every parameter after
                      STEPS optimizer steps (torch.optim, defaults otherwise)
  end
"""
import torch

torch.set_default_dtype(torch.float64)
M64 = (1 << 64) - 1
SEED = 42      # paramlab's default session seed
STEPS = 5
ROWS, D, K, H = 8, 3, 3, (4, 3)


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


class Rng:
    """paramlab's xoshiro256** (src/base/util.c)."""

    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, v = splitmix64(seed)
            self.s.append(v)

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M64
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def mask_key(seed, steps):
    r = Rng(seed ^ ((0x9E3779B97F4A7C15 * (steps + 1)) & M64))
    return r.next()


def masks(seed, steps, drops):
    key = mask_key(seed, steps)
    out = []
    for k, p in enumerate(drops):
        if p == 0:
            out.append(None)
            continue
        r = Rng(key ^ ((0xD1B54A32D192ED03 * (k + 1)) & M64))
        keep = 1.0 / (1.0 - p)
        out.append(torch.tensor([0.0 if r.uniform() < p else keep
                                 for _ in range(ROWS * H[k])]).reshape(ROWS, H[k]))
    return out


def fmt(v):
    return " ".join(repr(float(a)) for a in torch.as_tensor(v).reshape(-1).tolist())


g = torch.Generator().manual_seed(7)
X = torch.randn(ROWS, D, generator=g)
Y = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1])
sizes = (D,) + H + (K,)
P0 = {}
for k in range(3):
    P0["W%d" % (k + 1)] = torch.randn(sizes[k], sizes[k + 1], generator=g) * 0.7
    P0["b%d" % (k + 1)] = torch.randn(sizes[k + 1], generator=g) * 0.1
P0["W2"][1, 2] = 0.0   # sign(0) = 0: the l1 gradient there is 0
NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def loss_of(P, l1, l2, m):
    a = X
    for k in range(3):
        z = a @ P["W%d" % (k + 1)] + P["b%d" % (k + 1)]
        if k < 2:
            a = torch.tanh(z)
            if m[k] is not None:
                a = a * m[k]
        else:
            a = z
    data = torch.nn.functional.cross_entropy(a, Y)
    ws = [P[n] for n in NAMES if n[0] == "W"]
    pen = torch.zeros(())
    if l1:
        pen = pen + l1 * sum(w.abs().sum() for w in ws)
    if l2:
        pen = pen + l2 / 2 * sum(w.pow(2).sum() for w in ws)
    return data + pen, data, pen


OPTS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("adam", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1}),
]
CASES = [
    ("l2", 0.0, 0.05, (0.0, 0.0)),
    ("l1", 0.02, 0.0, (0.0, 0.0)),
    ("both", 0.02, 0.05, (0.0, 0.0)),
    ("dropout", 0.0, 0.0, (0.5, 0.25)),
    ("dropout_l2", 0.0, 0.05, (0.5, 0.25)),
    ("dropout_l1", 0.02, 0.0, (0.3, 0.3)),
]

out = open("tests/golden/regularize.txt", "w")
w = lambda *a: print(*a, file=out)
w("x", fmt(X))
w("y", fmt(Y))
for n in NAMES:
    w("p", n, fmt(P0[n]))
for name, l1, l2, drops in CASES:
    w("case", name, "l1", repr(l1), "l2", repr(l2), "drop", repr(drops[0]), repr(drops[1]))
    dropping = any(drops)
    if dropping:
        for st in range(STEPS):
            m = masks(SEED, st, drops)
            w("mask", st, fmt(torch.cat([t.reshape(-1) for t in m if t is not None])))
    P = {n: P0[n].clone().requires_grad_(True) for n in NAMES}
    total, data, pen = loss_of(P, l1, l2, masks(SEED, 0, drops) if dropping else [None, None])
    total.backward()
    w("loss", repr(total.item()), repr(data.item()), repr(pen.item()))
    for n in NAMES:
        w("grad", n, fmt(P[n].grad))
    for opt, kw in OPTS:
        P = {n: P0[n].clone().requires_grad_(True) for n in NAMES}
        o = getattr(torch.optim, {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}[opt])(
            [P[n] for n in NAMES], **kw)
        for st in range(STEPS):
            o.zero_grad()
            total, _, _ = loss_of(P, l1, l2, masks(SEED, st, drops) if dropping else [None, None])
            total.backward()
            o.step()
        w("run", opt, " ".join("%s=%r" % kv for kv in kw.items()))
        for n in NAMES:
            w("after", n, fmt(P[n].detach()))
    w("end")
out.close()
