#!/usr/bin/python3
"""Golden parameter counts for `count`: each line is a `count` command's
words and the number of parameters PyTorch 1.13 gives the same layer
(sum of p.numel() over its parameters), for tests/cmd/test_count.c.
Run with the Debian python3 (python3-torch):
    /usr/bin/python3 tests/gen_count_golden.py > tests/golden/count.txt
Layers are built on the meta device, so large sizes cost no memory."""
import torch

META = torch.device("meta")


def count(module):
    return sum(p.numel() for p in module.parameters())


CASES = [
    ("dense", (10, 5), lambda a, b: torch.nn.Linear(a, b, device=META)),
    ("dense", (1, 1), lambda a, b: torch.nn.Linear(a, b, device=META)),
    ("dense", (784, 128), lambda a, b: torch.nn.Linear(a, b, device=META)),
    ("dense", (4096, 4096), lambda a, b: torch.nn.Linear(a, b, device=META)),
    ("conv", (1, 16, 3), lambda i, o, k: torch.nn.Conv2d(i, o, k, device=META)),
    ("conv", (1, 8, 3), lambda i, o, k: torch.nn.Conv2d(i, o, k, device=META)),
    ("conv", (3, 64, 7), lambda i, o, k: torch.nn.Conv2d(i, o, k, device=META)),
    ("conv", (256, 512, 3), lambda i, o, k: torch.nn.Conv2d(i, o, k, device=META)),
    ("attention", (512,), lambda d: torch.nn.MultiheadAttention(d, 8, device=META)),
    ("attention", (64,), lambda d: torch.nn.MultiheadAttention(d, 1, device=META)),
    ("attention", (768,), lambda d: torch.nn.MultiheadAttention(d, 12, device=META)),
    ("embedding", (50257, 768), lambda v, d: torch.nn.Embedding(v, d, device=META)),
    ("embedding", (10, 3), lambda v, d: torch.nn.Embedding(v, d, device=META)),
    ("lstm", (10, 20), lambda i, h: torch.nn.LSTM(i, h, device=META)),
    ("lstm", (1, 1), lambda i, h: torch.nn.LSTM(i, h, device=META)),
    ("lstm", (300, 512), lambda i, h: torch.nn.LSTM(i, h, device=META)),
]

HEADS = {512: 8, 64: 1, 768: 12}

print("# kind sizes... parameters (PyTorch %s, sum of p.numel())" % torch.__version__)
for kind, sizes, make in CASES:
    words = " ".join(str(s) for s in sizes)
    if kind == "attention":
        words += " heads=%d" % HEADS[sizes[0]]
    print("%s %s %d" % (kind, words, count(make(*sizes))))
