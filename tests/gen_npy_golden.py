#!/usr/bin/python3
"""gen_npy_golden.py — NumPy .npy files for tests/e2e/npy.sh, written by
numpy.save (Debian's python3-numpy) and a weight trained by PyTorch 1.13
(python3-torch), float64.

Run from the repository root with /usr/bin/python3; it writes
tests/golden/npy/. CI has no Python, so the output is committed.

  w.npy, b.npy, col.npy, k4.npy (a 4-D conv kernel) arrays numpy wrote: paramlab imports them, exports
                          them again, and the files must be byte for byte
                          these (same header, padding and data).
  bad_*.npy               what the reader refuses: Fortran order, float32,
                          big-endian, three dimensions, a cut-off file, a
                          damaged header.
  torch_W1.npy ...        an mlp 2 -> 3 (tanh) -> 1 trained by torch for 200
                          steps of SGD on 20 rows of a plane, stored in
                          paramlab's layout (W is (inputs, outputs), torch's
                          weight transposed): imported into paramlab's
                          `model mlp 3 act=tanh` on two features, `predict`
                          gives torch's output.
  torch_out.txt           torch's output for the inputs on each line, %.17g.
"""
import numpy as np
import torch

out = "tests/golden/npy/"
w = np.array([[0.1, -0.0, 1e-300, 2.5], [-7.25, 1 / 3, 5e-324, 1e300], [3.0, -2.0, 0.2, 123456789.0]])
np.save(out + "w.npy", w)                       # (3, 4)
np.save(out + "b.npy", np.array([0.5, -1.5, 0.1, 2.0]))  # (4,)
np.save(out + "col.npy", np.arange(12, dtype="<f8").reshape(12, 1) / 7)  # (12, 1)
np.save(out + "k4.npy", np.arange(54, dtype="<f8").reshape(6, 1, 3, 3) / 7 - 3)  # a conv kernel (C_out, C_in, K, K)

np.save(out + "bad_fortran.npy", np.asfortranarray(np.arange(12.0).reshape(3, 4)))
np.save(out + "bad_f4.npy", np.zeros((3, 4), dtype="<f4"))
np.save(out + "bad_be.npy", np.zeros((3, 4), dtype=">f8"))
np.save(out + "bad_3d.npy", np.zeros((2, 3, 4)))
with open(out + "w.npy", "rb") as f:
    good = f.read()
with open(out + "bad_cut.npy", "wb") as f:
    f.write(good[:-5])
with open(out + "bad_header.npy", "wb") as f:
    f.write(good.replace(b"'shape': (3, 4)", b"'shape': [3, 4]"))

# a small model trained by torch, in float64
torch.manual_seed(0)
g = np.random.default_rng(1)
x = g.uniform(-2, 2, size=(20, 2))
y = x[:, :1] - 2 * x[:, 1:] + 0.5
X, Y = torch.tensor(x), torch.tensor(y)
net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).double()
opt = torch.optim.SGD(net.parameters(), lr=0.05)
for _ in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(net(X), Y)
    loss.backward()
    opt.step()
np.save(out + "torch_W1.npy", net[0].weight.detach().numpy().T.copy())
np.save(out + "torch_b1.npy", net[0].bias.detach().numpy().copy())
np.save(out + "torch_W2.npy", net[2].weight.detach().numpy().T.copy())
np.save(out + "torch_b2.npy", net[2].bias.detach().numpy().copy())
inputs = [[0.5, -1.0], [1.25, 0.75], [-2.0, 0.0]]
with open(out + "torch_out.txt", "w") as f:
    for row in inputs:
        v = net(torch.tensor([row], dtype=torch.float64)).item()
        f.write("%r %r %.17g\n" % (row[0], row[1], v))
