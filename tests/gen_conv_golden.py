#!/usr/bin/python3
"""gen_conv_golden.py — reference values for tests/engine/test_conv.c from PyTorch.

Writes tests/golden/conv.txt (run from the repository root with
/usr/bin/python3 and python3-torch 1.13; the output is committed, so the
tests need no Python). Each case is a small network of torch.nn.Conv2d
(stride 1, padding 0 or 'same') each followed by its activation and an
optional nn.MaxPool2d(2), flattened (channel, row, column) into nn.Linear
layers, with fixed weights drawn here, and a batch of images with class
labels under nn.CrossEntropyLoss. Lines, numbers as Python repr:

  case NAME                       a network
  act ACT                         the hidden activation
  input C H W                     the image shape
  conv COUT K SAME POOL           one line per conv layer (SAME 0/1, POOL 0/2)
  dense N ...                     widths of the dense layers, the output last
  rows B
  x v ...                         (B, C*H*W) the images
  y v ...                         (B) the labels
  params v ...                    paramlab's flat layout: K1 c1 ... W b ...
                                  (K as Conv2d.weight, W as Linear.weight^T)
  z K v ... / a K v ... / p K v   layer K's maps (p after a pool)
  logits v ... / loss v
  grads v ...                     every gradient in the same layout
  step OPT N v ...                the parameters after N steps of OPT
                                  (sgd lr=0.1 momentum=0.9, adam lr=0.01)
                                  on the same batch
  end
"""
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
torch.manual_seed(1234)

ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "identity": nn.Identity}


class Net(nn.Module):
    def __init__(self, cin, h, w, convs, dense, act):
        super().__init__()
        self.convs = nn.ModuleList()
        self.pools = []
        self.act = act
        c = cin
        for cout, k, same, pool in convs:
            self.convs.append(nn.Conv2d(c, cout, k, padding="same" if same else 0))
            if not same:
                h, w = h - k + 1, w - k + 1
            self.pools.append(pool)
            if pool:
                h, w = h // 2, w // 2
            c = cout
        self.dense = nn.ModuleList()
        n = c * h * w
        for m in dense:
            self.dense.append(nn.Linear(n, m))
            n = m

    def forward(self, x, record):
        for conv, pool in zip(self.convs, self.pools):
            z = conv(x)
            a = ACTS[self.act]()(z)
            record.append(("z", z))
            record.append(("a", a))
            x = a
            if pool:
                x = nn.MaxPool2d(2)(a)
                record.append(("p", x))
            record.append(None)
        x = x.flatten(1)
        for i, lin in enumerate(self.dense):
            z = lin(x)
            last = i == len(self.dense) - 1
            a = z if last else ACTS[self.act]()(z)
            record.append(("z", z))
            record.append(("a", a))
            record.append(None)
            x = a
        return x


def flat_params(net, grad=False):
    out = []
    for conv in net.convs:
        for t in (conv.weight, conv.bias):
            out += (t.grad if grad else t).detach().flatten().tolist()
    for lin in net.dense:
        w = lin.weight.grad if grad else lin.weight
        b = lin.bias.grad if grad else lin.bias
        out += w.detach().t().flatten().tolist()
        out += b.detach().flatten().tolist()
    return out


def nums(v):
    return " ".join(repr(float(x)) for x in v)


def run(f, name, act, cin, h, w, convs, dense, rows, ties=False):
    net = Net(cin, h, w, convs, dense, act)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.empty_like(p).uniform_(-0.6, 0.6))
        if ties:  # a 1x1 kernel of 1 and bias 0: the pool sees the input's ties
            net.convs[0].weight.fill_(1.0)
            net.convs[0].bias.zero_()
    if ties:
        x = torch.randint(-2, 3, (rows, cin, h, w)).double()
    else:
        x = torch.randn(rows, cin, h, w)
    y = torch.randint(0, dense[-1], (rows,))
    f.write(f"case {name}\nact {act}\ninput {cin} {h} {w}\n")
    for cout, k, same, pool in convs:
        f.write(f"conv {cout} {k} {int(same)} {pool}\n")
    f.write("dense " + " ".join(str(m) for m in dense) + "\n")
    f.write(f"rows {rows}\nx {nums(x.flatten())}\ny {nums(y)}\n")
    f.write(f"params {nums(flat_params(net))}\n")
    start = {k: v.detach().clone() for k, v in net.state_dict().items()}
    record = []
    out = net(x, record)
    layer = 1
    for r in record:
        if r is None:
            layer += 1
            continue
        f.write(f"{r[0]} {layer} {nums(r[1].detach().flatten())}\n")
    loss = nn.CrossEntropyLoss()(out, y)
    loss.backward()
    f.write(f"logits {nums(out.detach().flatten())}\nloss {loss.item()!r}\n")
    f.write(f"grads {nums(flat_params(net, grad=True))}\n")
    for opt_name, make in (("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                           ("adam", lambda p: torch.optim.Adam(p, lr=0.01))):
        net.load_state_dict(start)
        opt = make(net.parameters())
        for n in range(1, 4):
            opt.zero_grad()
            nn.CrossEntropyLoss()(net(x, []), y).backward()
            opt.step()
            f.write(f"step {opt_name} {n} {nums(flat_params(net))}\n")
    f.write("end\n")


with open("tests/golden/conv.txt", "w") as f:
    f.write(f"# Generated by tests/gen_conv_golden.py with torch {torch.__version__}\n")
    run(f, "pad0_pool", "relu", 1, 6, 6, [(3, 3, False, 2)], [5, 3], 4)
    run(f, "same_odd_two_layers", "relu", 2, 6, 6, [(4, 3, True, 2), (3, 2, True, 0)], [3], 3)
    run(f, "pad0_no_pool", "tanh", 1, 5, 5, [(2, 2, False, 0), (3, 3, False, 0)], [3], 5)
    run(f, "same_even_pool_twice", "relu", 2, 8, 8, [(3, 4, True, 2), (2, 3, False, 2)], [4, 3], 4)
    run(f, "pool_ties", "identity", 1, 4, 4, [(1, 1, False, 2)], [3], 6, ties=True)
    run(f, "digits_like", "relu", 1, 8, 8, [(4, 3, False, 2)], [8, 10], 8)
