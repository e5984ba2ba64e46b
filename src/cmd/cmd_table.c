/* cmd_table.c — the command table: every command's row (name, word
 * counts, flags, syntax, summary, full help, handler, completion, line
 * check) in the order `help` lists them. main registers it with
 * cmd_register; nothing about a command lives anywhere else. */
#include "cmd_table.h"
#include "cmd_handlers.h"
#include "cmd_inspect.h"
#include "cmd_lesson.h"
#include "cmd_compare.h"
#include "cmd_runs.h"
#include "cmd_search.h"
#include "cmd_trial.h"
#include "cmd_metrics.h"
#include "cmd_plot.h"
#include "cmd_count.h"
#include "explain.h"
#include "inspect.h"

/* A constant's spelling, for the help texts: CMD_STR(INSPECT_GC_STEP) is "1e-6". */
#define CMD_STR_(x) #x
#define CMD_STR(x) CMD_STR_(x)

const Cmd cmd_table[] = {
    {"help", 0, 2, CMD_NOT_RECORDED, "help [COMMAND [SUBCOMMAND]]", "list the commands, or explain one",
     "Without a name, lists every command with a one-line summary. With one,\n"
     "shows its syntax, options and an example. With a subcommand too, only the\n"
     "part of that help about it: `help data load`, `help set lr`, `help runs show`.",
     cmd_help, cmd_complete_help, NULL, NULL, NULL, NULL},
    {"data", 0, -1, CMD_CHANGES_MODEL | CMD_FILE_BESIDE, "data NAME [n=N] [noise=X] [seed=S] [classes=K] [features=D] | data digits | data load FILE.csv [target=COL,...] [features=COLS | drop=COLS] [sep=..] [header=..] [missing=..] [task=..] [image=HxW[xC]] | data split VAL [TEST] | data standardize | data show [ROWS] | data show row=N",
     "make, load, split, standardize or show the data",
     "data NAME [n=N] [noise=X] [seed=S]   a generator (noise= and seed= default the session's):\n"
     "  line     y = 2x + 1 + noise: learn a slope and an intercept (regression)\n"
     "  plane    y = x1 - 2 x2 + ... + 0.5 + noise (regression; features=D)\n"
     "  sine     y = sin(x) + noise on [-pi, pi] (regression)\n"
     "  xor, circles, moons, spirals, gauss   2-D two-class problems\n"
     "  blobs    K Gaussian clusters (classes=K, features=D)\n"
     "data digits          the 1797 handwritten digits of scikit-learn's load_digits,\n"
     "                     10 classes, each row an 8×8 image: features p0..p63 row by\n"
     "                     row, 0 (white) to 16 (black) as scanned, not rescaled (as\n"
     "                     scikit-learn gives them; `data standardize` scales them)\n"
     "data load FILE.csv [target=COL[,COL...]] [features=COLS | drop=COLS] [sep=auto|,|;|tab]\n"
     "          [header=auto|yes|no] [missing=error|drop|mean] [task=regression|classification]\n"
     "          [image=HxW[xC]]\n"
     "  A CSV file. Columns are named by header or 0-based index; target= defaults to\n"
     "  the last column, the features to every other one (features= keeps only those,\n"
     "  drop= leaves some out, such as a row id). sep=auto detects commas, semicolons\n"
     "  or tabs from the first line. The task: text labels in one target column are\n"
     "  classes, sorted by name; whole numbers are classes only when few for the\n"
     "  rows (2 to 20 values, each seen twice on average, as iris' 0, 1, 2), else\n"
     "  a quantity to predict (a count, a price); fractions are a regression. A\n"
     "  note says which the whole numbers made; task=regression or\n"
     "  task=classification overrides it. A target with one value in every row\n"
     "  is refused: there is nothing to learn. Missing cells (empty, NA, NaN) are\n"
     "  refused naming the line and the column (by name and 0-based index) unless\n"
     "  missing=drop leaves those rows out or missing=mean fills in the column's\n"
     "  mean; the target is the exception, never filled: fill it in or use\n"
     "  missing=drop. Numbers need a decimal point (17.99, not 17,99). A column\n"
     "  of whole numbers in order gets a note: it may be a row id to drop=.\n"
     "  A broken file is refused with FILE:LINE and the data already loaded stays.\n"
     "  image=28x28 says each row is an image of 28×28 pixels (image=32x32x3: 3\n"
     "  channels, channel first): the features must be exactly H·W·C pixel columns.\n"
     "data split 0.2       hold out 20% of the rows for validation, rounded up, as scikit-learn's\n"
     "                     train_test_split (shuffled with the seed; stratified by class for\n"
     "                     classification as its StratifiedShuffleSplit: each class keeps its share)\n"
     "data split 0.2 0.1   also hold out 10% as a test share, for `evaluate test` at the end:\n"
     "                     as two stratified train_test_split calls, the test share's\n"
     "                     ceil(0.1·n) rows off all rows first, then validation's ceil(0.2·n)\n"
     "                     off the rest (each class within a row of its share of what it splits)\n"
     "data standardize     zero mean, unit variance, from the training rows\n"
     "data                 summary: rows, features, targets, task, shares\n"
     "data show [ROWS]     the first rows (default 10); image rows drawn in shades\n"
     "data show row=N      row N with every feature; an image beside its pixel values\n"
     "Examples: data moons n=300 noise=0.2    data digits; data show row=5\n"
     "          data load mydata.csv target=diagnosis drop=id sep=;   (a file of yours)", cmd_data, cmd_complete_data, NULL, NULL, NULL, cmd_data_help_word},
    {"model", 1, -1, CMD_CHANGES_MODEL, "model linear | logistic | softmax | mlp H1 [H2 ...] [act=NAME] [dropout=P[,P2...]]"
     " | cnn conv=C:K[,C:K...] [pool=2] [hidden=H[,H...]] [act=NAME] [pad=0|same]",
     "build a model sized from the data",
     "linear     one dense layer (regression, or raw scores for classes)\n"
     "logistic   one dense layer, one output, for two classes (bce loss)\n"
     "softmax    one dense layer, one output per class (ce loss)\n"
     "mlp H1 H2  hidden layers of those widths, then the output layer\n"
     "act=NAME   hidden activation: identity, sigmoid, tanh, relu (default),\n"
     "           leaky_relu (slope 0.01), elu (alpha 1), softplus (beta 1), gelu (erf form)\n"
     "dropout=P  inverted dropout (torch.nn.Dropout) after each hidden activation:\n"
     "           one P in [0, 1) for every hidden layer, or one per layer (0: none).\n"
     "           Training steps only; the masks M1 M2 ... (0 or 1/(1-p)) exist after\n"
     "           `forward`, drawn from the seed and the step number, so `undo` and\n"
     "           `run` repeat them; evaluation, `predict` and plots use every unit.\n"
     "The last layer is linear (logits); the loss supplies the link: mse identity,\n"
     "bce sigmoid, ce softmax. Layer k computes Z = X·W + b, A = act(Z); Wk is\n"
     "(inputs × outputs). Parameters start from `set init` (default auto: He before\n"
     "relu-like layers, Xavier otherwise; biases zero) and the optimizer starts fresh.\n"
     "cnn        on image data (data digits, data load FILE image=HxW): conv layers of C\n"
     "           filters K×K (stride 1) each followed by act and, with pool=2, a 2×2\n"
     "           max pool; then dense layers of the hidden= widths and the output.\n"
     "           pad=0 (default) shrinks a map by K-1, pad=same keeps its size (torch's\n"
     "           padding='same'). Kernels Kk are (C_out, C_in, K, K) as torch's Conv2d,\n"
     "           biases ck; maps Zk Ak (and Pk after a pool) are (rows, C, H, W), and\n"
     "           layers are numbered across conv and dense: conv=8:3 hidden=32 has K1 c1,\n"
     "           W2 b2, W3 b3. Initializers use torch's conv fans (C_in·K·K, C_out·K·K).\n"
     "Example: model mlp 16 8 act=tanh      model mlp 32 16 dropout=0.5,0.2\n"
     "         model cnn conv=8:3 pool=2 hidden=32", cmd_model, cmd_complete_model, NULL, NULL, NULL, NULL},
    {"params", 0, 0, 0, "params", "table of parameters: name, shape, count, initializer, total",
     "Every parameter tensor with its shape, how many numbers it holds and how\n"
     "it was initialised. A dense 10→5 layer is W 10×5 = 50 plus b 5: 55. A conv\n"
     "layer's count is shown beside what a dense layer from the same input to the\n"
     "same output would need: its K×K filters are shared by every position.", cmd_params, NULL, NULL, NULL, NULL, NULL},
    {"count", 1, 4, 0, "count dense IN OUT | conv CIN COUT K | attention D [heads=H] | embedding V D | lstm IN H",
     "the parameters of one layer of a kind, formula first, for layers too big to build",
     "Counts a layer's parameters as PyTorch 1.13 does (the sum of p.numel()),\n"
     "without building it: the formula, the same with your numbers, the total.\n"
     "dense IN OUT          IN·OUT + OUT (torch.nn.Linear)\n"
     "conv CIN COUT K       COUT·CIN·K·K + COUT (torch.nn.Conv2d, K×K filters): the\n"
     "                      same filter at every position, whatever the image's size\n"
     "attention D [heads=H] 4·(D·D + D) (torch.nn.MultiheadAttention: in_proj 3D·D + 3D,\n"
     "                      out_proj D·D + D); H must divide D and does not change it\n"
     "embedding V D         V·D (torch.nn.Embedding: one row per token, no bias)\n"
     "lstm IN H             4·(IN·H + H·H + H + H) (torch.nn.LSTM, one layer: four gates,\n"
     "                      two bias vectors)\n"
     "Sizes are whole numbers from 1 to 10^15; a total past 2^63 - 1 is refused.\n"
     "Examples: count dense 10 5      (10·5 + 5 = 55)\n"
     "          count conv 1 16 3     (160: 8×8 digits to 16 maps of 6×6; a dense layer\n"
     "                                 from 64 pixels to those 576 numbers: count dense 64 576)\n"
     "          count attention 512 heads=8", cmd_count, cmd_complete_count, NULL, NULL, NULL, NULL},
    {"hypers", 0, 0, 0, "hypers", "every hyperparameter and its value",
     "Hyperparameters are what you choose (optimizer and its settings, loss, batch\n"
     "size, shuffling, seed, initializer, architecture); parameters are what the\n"
     "model learns (`params`).", cmd_hypers, NULL, NULL, NULL, NULL, NULL},
    {"names", 0, 0, 0, "names", "every inspectable name that exists right now",
     "Lists X Y and, with a model, W1 b1 ...; after forward Z1 A1 ... yhat (and the\n"
     "dropout masks M1 ... of layers with dropout); after loss: loss; after backward\n"
     "the gradients dW1 db1 dZ1 dA1 ...; and the scalar names that exist: train_loss,\n"
     "val_loss (with a split), accuracy and val_accuracy (with classes: fractions,\n"
     "shown as percentages), lr, the counters steps epoch params; precision recall\n"
     "f1 (with classes) or mae r2; test_loss test_accuracy after `evaluate test`,\n"
     "cv_loss cv_std after `cv`.\n"
     "norm_NAME and std_NAME give the norm and spread of any tensor NAME.",
     cmd_names, NULL, NULL, NULL, NULL, NULL},
    {"set", 1, -1, CMD_CHANGES_MODEL, "set loss|optimizer|lr|batch|shuffle|seed|undo|precision|init|l1|l2|schedule|clip|plot|tracking|defaults ...", "choose a hyperparameter",
     "set loss {loss names}|auto [delta=1.0]\n"
     "set optimizer NAME [key=value ...]   defaults are PyTorch 1.13's:\n"
     "{optimizers}"
     "  A new optimizer starts with fresh state; naming the current one again keeps\n"
     "  its state and changes only the options given.\n"
     "set lr X | set momentum X | set OPTION X   one option of the current optimizer\n"
     "set batch N          mini-batch size (default 32); the epoch starts over\n"
     "set shuffle on|off   reshuffle the training rows each epoch (default off)\n"
     "set seed N           seed for data, initializers and shuffling (default 42)\n"
     "set undo N|on|off    updates `undo` can take back (on: 1000, the default; see\n"
     "                     `help undo`); off: an update takes no snapshot at all\n"
     "set precision N      significant digits shown (default 6)\n"
     "set init NAME [options]   initializer for `model` and `init`:\n"
     "    auto, zeros, ones, constant value=, uniform a= b=, normal mean= std=,\n"
     "    xavier_uniform gain=, xavier_normal gain=, he_uniform, he_normal,\n"
     "    lecun_normal, orthogonal gain=   (fan_in = inputs, fan_out = outputs)\n"
     "set l2 LAMBDA        adds (LAMBDA/2)·Σw² over every weight matrix (biases\n"
     "                     excluded) to the loss; gradient LAMBDA·w, so with plain sgd\n"
     "                     it equals weight_decay=LAMBDA on the weights. 0: off\n"
     "set l1 LAMBDA        adds LAMBDA·Σ|w| over every weight matrix; gradient\n"
     "                     LAMBDA·sign(w), sign(0) = 0 (torch.sign). 0: off\n"
     "  (an optimizer's weight_decay is separate: coupled, added to the gradient, for\n"
     "  sgd and adam; decoupled, shrinking p, for adamw; `hypers` shows both)\n"
     "set schedule none | step size=N [gamma=0.1] | exp gamma=G | cosine tmax=N [min=0]\n"
     "             | plateau [factor=0.1] [patience=10] [threshold=1e-4]\n"
     "    the lr, stepped at each epoch's end as torch 1.13's StepLR, ExponentialLR,\n"
     "    CosineAnnealingLR, ReduceLROnPlateau (which watches the validation loss, or\n"
     "    without a split the epoch's mean training loss); it starts from the lr in\n"
     "    force, and `set lr` starts it again; `undo` puts its state back\n"
     "set clip norm=X | value=X | off   between backward and update, as torch's\n"
     "    clip_grad_norm_ (all gradients times X/(total norm + 1e-6) when total norm\n"
     "    + 1e-6 exceeds X, so a total just under X is still scaled, slightly) or\n"
     "    clip_grad_value_ (each clamped to [-X, X])\n"
     "set plot window|terminal|png|svg [file=NAME]   where pictures go (`help plot`)\n"
     "set tracking on|off  log every train, cv and search trial to the run log\n"
     "                     (default on; `help runs`)\n"
     "set defaults         every setting above but plot and tracking back to its default\n"
     "                     (the seed too); the data and the model stay. Each lesson starts with it\n"
     "                     (then with the seed of --seed, when one was given)",
     cmd_set, cmd_complete_set, NULL, cmd_set_sets, NULL, cmd_set_help_word},
    {"forward", 0, 0, CMD_CHANGES_MODEL, "forward", "run the current mini-batch through the model",
     "Computes Zk = A(k-1)·Wk + bk and Ak = act(Zk) for every layer, then yhat,\n"
     "the output through the loss's link. Then: `loss`.", cmd_forward, NULL, NULL, NULL, NULL, NULL},
    {"loss", 0, 0, CMD_CHANGES_MODEL, "loss", "the loss of the current batch (needs forward)",
     "Compares yhat with Y using the loss in force (mean over the batch, as\n"
     "PyTorch's reduction='mean'). With `set l1`/`set l2` the loss is that data\n"
     "term plus the penalty, and both parts are shown. Then: `backward`.", cmd_loss, NULL, NULL, NULL, NULL, NULL},
    {"backward", 0, 0, CMD_CHANGES_MODEL, "backward", "gradients of the loss for every parameter (needs loss)",
     "Backpropagation: fills dW1 db1 ... and dZ1 dA1 ... for the current batch.\n"
     "With `set clip` on, the gradients are then clipped and the total norm and\n"
     "the factor are reported. Then: `update`.", cmd_backward, NULL, NULL, NULL, NULL, NULL},
    {"update", 0, 0, CMD_CHANGES_MODEL, "update", "one optimizer step (needs backward); then the next batch",
     "Applies the optimizer to every parameter with its gradient, then makes the\n"
     "next mini-batch current (a new epoch after the last one).", cmd_update, NULL, NULL, NULL, NULL, NULL},
    {"step", 0, 1, CMD_CHANGES_MODEL | CMD_TRAINS, "step [N]", "N whole iterations: forward, loss, backward, update",
     "Runs N iterations (default 1) from wherever the current batch stands and\n"
     "prints the loss of each. Ctrl-C stops at the next step boundary.", cmd_step, NULL, NULL, NULL, NULL, NULL},
    {"train", 0, 4, CMD_CHANGES_MODEL | CMD_TRAINS, "train [N] [patience=P [min_delta=X] [restore=on|off]]",
     "N epochs; prints the loss as it goes, then time and steps/s",
     "Trains until N epochs have finished (an epoch already started counts as the\n"
     "first), printing the mean training loss per epoch (and the validation loss\n"
     "after `data split`; the lr when `set schedule` is on), compactly for many\n"
     "epochs. Ctrl-C stops at the next step boundary with the model consistent.\n"
     "Early stopping on the validation loss (needs `data split`):\n"
     "  patience=P     stop after P epochs in a row without improvement\n"
     "  min_delta=X    an improvement is val_loss < best - X (default 0)\n"
     "  restore=on|off put back the best epoch's parameters, optimizer state and\n"
     "                 position (default on); `plot loss` marks that epoch\n"
     "Example: data moons; data split 0.2; model mlp 32; train 200 patience=10", cmd_train, cmd_complete_train, cmd_train_check, NULL, NULL, NULL},
    {"init", 0, 3, CMD_CHANGES_MODEL, "init [NAME [key=value]] [PARAM]", "re-initialise all parameters, or one",
     "init                  every parameter again from `set init` (optimizer state\n"
     "                      cleared, back to epoch 1 batch 1)\n"
     "init he_normal        every weight with that initializer, biases zero\n"
     "init normal std=0.1 W1   one tensor only\n"
     "init ones b2", cmd_init, cmd_complete_init, NULL, NULL, NULL, NULL},
    {"show", 1, -1, 0, "show NAME [all] | NAME[i,j] | NAME[a:b, j] | NAME[:, j] ...", "print a tensor, a slice or one element",
     "Names: W1 b1 ... (parameters), dW1 db1 ... (gradients), Z1 A1 dZ1 dA1 ...\n"
     "(this batch), X Y (the batch), yhat, loss. Indices are 0-based, and a negative\n"
     "one counts from the end as in Python (b1[-1] is the last); layers count from\n"
     "1. A bare name does the same: `W1`, `dW1[0,2]`.\n"
     "norm_NAME is the norm √(Σx²) of a whole tensor (norm_dW1 is the |dW1| the\n"
     "backward line prints), std_NAME the standard deviation of all its values\n"
     "(std_A3 is diagnose's std A of layer 3): one number each, for show and expect.\n"
     "A tensor is shown whole when it fits the screen, else its first and last\n"
     "rows; `show W1 all` shows every row. Wide tables wrap by columns to the\n"
     "terminal's width. Slices are Python's: W1[2:5, 0] (rows 2 to 4 of column 0),\n"
     "W1[:, 1] (column 1), b1[1:] (from 1 on), W1[-3:] (the last three rows).\n"
     "With data loaded from a file, W1's rows carry the feature names and the\n"
     "output layer's columns the class (or target) names.", cmd_show, cmd_complete_names, NULL, NULL, NULL, NULL},
    {"export", 2, 2, 0, "export NAME FILE.npy|FILE.csv", "write a tensor as NumPy .npy or CSV with full precision",
     "FILE.npy: NumPy's format 1.0, little-endian float64, C order, the shape `show`\n"
     "prints ((rows, cols), or (n,) for a bias): numpy.load reads it exactly.\n"
     "Any other name: CSV, one line per row, values with 17 significant digits\n"
     "(%.17g), so the file reads back exactly.\n"
     "The optimizer's state goes by the names `state` prints: SLOT:PARAM.\n"
     "Example: export W1 w1.npy      export exp_avg_sq:W1 v1.npy", cmd_export, cmd_complete_export, NULL, NULL, NULL, NULL},
    {"import", 2, 2, CMD_CHANGES_MODEL, "import PARAM FILE.npy|FILE.csv", "replace a parameter from a .npy or CSV file",
     "The file must hold exactly the parameter's shape: W1 (inputs, outputs), b1\n"
     "(n,): a .npy of shape (n,), never (n, 1) or (1, n) (reshape it to (n,)); a\n"
     "CSV of one line of n values, as `export b1 FILE.csv` writes it (a column of\n"
     "n lines is refused). A .npy must be float64 ('<f8') in C order; a CSV holds\n"
     "numbers only, no header row; anything else is refused with the reason.\n"
     "Like an edit, the loop goes back to before `forward` for the current batch.\n"
     "Optimizer state (exp_avg:W1 ...) is exported, not\n"
     "imported: `save` and `load` carry it with the whole session.\n"
     "Example: import W1 w1_from_torch.npy", cmd_import, cmd_complete_import, NULL, NULL, NULL, NULL},
    {"save", 1, 1, 0, "save FILE", "save the whole session to a file",
     "Data (its rows, split and standardization), model, parameters, optimizer\n"
     "and its state, every setting (loss, batch, seed, init, schedule, clipping,\n"
     "penalties, dropout), the random generator and where the loop stands, so\n"
     "`load FILE` continues with bit-identical numbers. The undo history is not\n"
     "kept. The file is written whole or not at all (a temporary file beside it,\n"
     "synced, then renamed); the format is in the README.\n"
     "Example: save run1.plsave", cmd_save, cmd_complete_file, NULL, NULL, NULL, NULL},
    {"load", 1, 1, CMD_CHANGES_MODEL, "load FILE", "replace the session with one saved by `save`",
     "Everything `save` wrote comes back, and training goes on exactly as it\n"
     "would have without the interruption. A truncated, corrupt, foreign or\n"
     "newer-version file is refused with the reason and the session stays as it\n"
     "was.\n"
     "Example: load run1.plsave; step 10", cmd_load, cmd_complete_file, NULL, NULL, NULL, NULL},
    {"predict", 1, -1, 0, "predict X1,X2,... | predict row N [train|val|test] | predict FILE.csv [out=FILE.csv]",
     "the model's output for one input, a row of the data, or a file",
     "predict 17.99,10.38,...   one number per feature, separated by commas or\n"
     "                          spaces, in the data's own units (standardization is\n"
     "                          applied for you): yhat and, for classes, the class\n"
     "predict row N             row N of the data (as `data show` numbers them), with\n"
     "                          its true label; predict row N val: the Nth row of the\n"
     "                          validation share (train, val or test)\n"
     "predict FILE.csv          every row of a file read like the data (the same\n"
     "                          separator; columns by name when it has a header, else\n"
     "                          by position): class and probabilities per row\n"
     "  out=FILE.csv            writes them as CSV (row, class, p_CLASS ...) instead\n"
     "Example: predict row 0 val", cmd_predict, cmd_complete_predict, NULL, NULL, NULL, NULL},
    {"undo", 0, 1, CMD_CHANGES_MODEL, "undo [N]", "put the model back as it was N updates ago (default 1)",
     "Restores the parameters, the optimizer's state, the step and epoch counters\n"
     "and the position in the data as they were before the last N updates, so the\n"
     "next `step` repeats exactly. Up to the last 1000 updates are kept. When\n"
     "copies of so many would pass 256 MB, `train` and `step N` copy one update\n"
     "in 32 and `undo` makes the others again from the copy before them, with the\n"
     "batches, masks and settings they had: the same numbers to the bit (`hypers`\n"
     "says how far back that reaches). Updates made one at a time each keep a\n"
     "copy, so fewer of them fit.\n"
     "`set undo N|off` keeps fewer or none. A new model, optimizer, batch size or\n"
     "data starts the history afresh.", cmd_undo, NULL, NULL, NULL, NULL, NULL},
    {"state", 1, 1, 0, "state PARAM", "the optimizer's state for a parameter, named as in its formula",
     "Shows what the optimizer remembers for one parameter tensor: sgd's momentum\n"
     "buffer, adagrad's sum of squared gradients, rmsprop's square_avg (and grad_avg,\n"
     "momentum buffer), adadelta's square_avg and acc_delta, adam's m and v (v_max\n"
     "with amsgrad) with their bias-corrected values, adamax's exp_inf, nadam's\n"
     "mu_product, and the step count.\n"
     "Example: set optimizer adam; step 3; state W1", cmd_state, cmd_complete_param, NULL, NULL, NULL, NULL},
    {"gradcheck", 0, 1, 0, "gradcheck [PARAM]", "check every gradient against central differences",
     "For each parameter p, compares backward's dL/dp with the difference quotient\n"
     "(L(p+h) - L(p-h)) / 2h on the current batch (h = " CMD_STR(INSPECT_GC_STEP) "), and prints per tensor\n"
     "the largest absolute and relative error and a verdict: ok when every relative\n"
     "error |backward - numeric| / max(|backward|, |numeric|, floor) stays below " CMD_STR(INSPECT_GC_THRESHOLD) ",\n"
     "with floor = " CMD_STR(INSPECT_GC_FLOOR) "·max(1, |loss|): a gradient smaller than the floor is held\n"
     "to an absolute error below " CMD_STR(INSPECT_GC_THRESHOLD) "·floor. The output states h, the threshold and\n"
     "the floor. A tensor of more than " CMD_STR(INSPECT_GC_SAMPLE) " numbers is checked at a fixed random\n"
     "sample of " CMD_STR(INSPECT_GC_SAMPLE) ". Where a relu/leaky_relu pre-activation changes sign between\n"
     "p-h and p+h, or a loss kink lies there (hinge margin 1 - y'f at 0, mae\n"
     "residual at 0, huber |f - y| at delta), or under `set l1` the weight itself\n"
     "lies within h of 0, the quotient means nothing: such elements are listed as\n"
     "skipped, not failed. The loss includes the l1/l2 penalty, and dropout's masks\n"
     "of this step are held fixed.\n"
     "Works in any phase on a copy of the model: nothing in the session changes.\n"
     "PARAM (W1, b2 ...) checks one tensor and lists its elements. Ctrl-C stops it.\n"
     "Example: data moons; model mlp 8; gradcheck      gradcheck W1",
     cmd_gradcheck, cmd_complete_param, NULL, NULL, NULL, NULL},
    {"metrics", 0, 1, 0, "metrics [train|val]", "loss, accuracy, confusion matrix, precision/recall/F1 (or MSE, MAE, R²)",
     "How good the model is on a share of the data, run in evaluation mode over all\n"
     "its rows (not one batch). Classification: the loss, the accuracy, the confusion\n"
     "matrix (rows: true class, columns: predicted class) and per class precision,\n"
     "recall, F1 and support, with their macro averages (scikit-learn's numbers: the\n"
     "mean over the classes in the true or predicted labels; a class in neither is\n"
     "marked absent and left out).\n"
     "Regression: MSE, MAE and R² (per target when there are several).\n"
     "Default: the validation share when `data split` made one, else the training rows.\n"
     "The scalar names train_loss val_loss accuracy val_accuracy hold the same numbers\n"
     "for `show`, `expect` and `export` (accuracies as fractions, shown as percentages);\n"
     "precision recall f1 (one per class, in the order `data` lists the classes:\n"
     "precision[1] is the second's, class 5's for labels 1 5 7) and mae r2 hold\n"
     "the default share's scores as `metrics` prints them.\n"
     "Example: data split 0.2; model mlp 8; train 50; metrics; metrics train",
     cmd_metrics, cmd_complete_metrics, NULL, NULL, NULL, NULL},
    {"evaluate", 1, 1, 0, "evaluate test", "the test share's loss and metrics, counting each look",
     "The held-out test share (`data split 0.2 0.1` makes one) measured as `metrics`\n"
     "measures the others, and how many times it has been looked at since the data or\n"
     "the split changed. The test share is for one honest estimate at the end: choose\n"
     "the model, its size and its hyperparameters by the validation share. Each look\n"
     "that leads to another change tunes the model to the test rows as well, and its\n"
     "numbers stop telling how the model does on new data. The scalar names\n"
     "test_loss and test_accuracy hold the last look's loss and accuracy.\n"
     "Example: data split 0.2 0.1; model mlp 8; train 50; metrics; evaluate test",
     cmd_evaluate, cmd_complete_metrics, NULL, NULL, NULL, NULL},
    {"diagnose", 0, 0, 0, "diagnose", "per layer: activations, dead/saturated units, gradients, update ratio",
     "Runs the current batch through a copy of the model and prints per layer: the\n"
     "mean and spread of its activations, dead relu units (Z <= 0 for every sample)\n"
     "and saturated sigmoid/tanh units (flat part for most samples), |dWk|, |Wk| and\n"
     "the update-to-weight ratio |ΔWk|/|Wk| of the last update (before any update:\n"
     "lr·|dWk|/|Wk|, what sgd would do). Then one line per finding: vanishing or\n"
     "exploding gradients (large ones while the loss falls are only large, and with\n"
     "standardized inputs large regression targets explain them), many dead or\n"
     "saturated units, identical units (the symmetry problem after `set init\n"
     "zeros`), an update ratio far from ~1e-3 (learning rate too high or too low),\n"
     "with what to try. It also looks at the data and the run: inputs on scales 100\n"
     "times apart or more (unscaled), the validation loss rising for 3 epochs past\n"
     "its best while the training loss falls (overfitting), and a flat training loss\n"
     "that closes little of the gap from chance on training and validation rows\n"
     "(underfitting). Nothing in the session changes.\n"
     "Example: model mlp 32 32 32 32 act=sigmoid; step 5; diagnose",
     cmd_diagnose, NULL, NULL, NULL, NULL, NULL},
    {"explain", 1, -1, 0, "explain NAME[i,j]", "how one number is made: its gradient and its update, formula first",
     "For a weight or bias after `backward` (W1[0,1], b2[0]): its gradient written out\n"
     "as the sum over the batch, dW[i,j] = Σ_b X[b,i]·dZ[b,j] (A of the layer before for\n"
     "layers > 1), and where dZ comes from (the loss's derivative at the logits, or the\n"
     "layer above through W and act'); then the optimizer's update of that one number,\n"
     "its formula and then this step's numbers (state such as m and v, bias corrections,\n"
     "the new value). Before `update` it is the step `update` will take; after it, the\n"
     "step that was taken. The numbers are the session's, as `show` prints them.\n"
     "  explain Z1[b,j] | A1[b,j]    Z = X·W + b of sample b written out, then A = act(Z)\n"
     "  explain dZ1[b,j] | dA1[b,j]  where that gradient of sample b comes from\n"
     "  explain yhat[b,j]            the output through the loss's link\n"
     "  explain loss[b] | loss       one sample's loss, and how the batch's mean is formed\n"
     "  explain M1[b,j]              dropout's mask: dropped or kept (and scaled) for that sample\n"
     "Conv layers: their kernel and bias elements (K1[f,c,i,j], c1[f]). Input data (X Y),\n"
     "the scalar names (lr, val_loss, precision ...) and norm_/std_ are not made in\n"
     "the batch's computation, so explain refuses them and says where to see them.\n"
     "Long sums are abridged; a note says what the terms left out add up to.\n"
     "Example: set optimizer adam; forward; loss; backward; explain W1[0,1]; update; explain W1[0,1]",
     explain_cmd, explain_complete, NULL, NULL, NULL, NULL},
    {"plot", 0, -1, 0, "plot loss|boundary [x=F y=F]|fit|surface P1 P2|hist NAME|grads|lr|val_accuracy|images [N]|filters K1|maps A1 [row=N]|search|off", "draw the model learning (and image data) with gnuplot",
     "plot loss [log]      training loss per update, the epoch mean, and validation\n"
     "                     loss when there is a split (`data split 0.2`); the best\n"
     "                     epoch marked after `train N patience=P`\n"
     "plot boundary [x=FEATURE y=FEATURE]\n"
     "                     classification: decision regions (paler where the model\n"
     "                     is less sure) with the training points by class; with\n"
     "                     more than two features, over the two named (by name or\n"
     "                     index), the others held at their training mean\n"
     "plot fit             1-D regression: the model's curve over the data\n"
     "plot surface P1 P2 [range=R] [grid=N] [style=heat|contour]\n"
     "                     training loss over a grid of two parameter elements\n"
     "                     (as in W1[0,0] b1[0]), every other parameter fixed, with\n"
     "                     the path they took over the updates `undo` keeps\n"
     "plot hist NAME       histogram of a tensor: W1, dW1, Z1, A1 ...\n"
     "plot grads           gradient norm of every layer per update (log scale):\n"
     "                     vanishing gradients fall toward 0, exploding ones grow\n"
     "plot lr              the lr in force in each epoch (`set schedule` changes it)\n"
     "plot val_accuracy    validation accuracy at each epoch's end (with a split)\n"
     "                     (the names train_loss and val_loss draw `plot loss`)\n"
     "plot images [N]      the first N rows of image data (default 16; `data digits`)\n"
     "                     as pictures, each titled with its row and class; drawn\n"
     "                     once, in the terminal as shades without needing gnuplot\n"
     "plot filters K1      a conv layer's kernels, each K1[f,c,:,:] a small image\n"
     "                     titled \"f0 c0\", on one scale symmetric around 0\n"
     "plot maps A1 [row=N] [train|val|test]\n"
     "                     a conv layer's maps (Z1, A1, or P1 after a pool) for one\n"
     "                     input: its image first, then each channel's map. After\n"
     "                     `forward`, N is a row of the current batch (dZ1 dA1 dP1\n"
     "                     too, after `backward`); before it, or with train, val or\n"
     "                     test, row N of that share (training by default) run\n"
     "                     through a copy of the model. images, filters and maps\n"
     "                     are drawn once, as they are now\n"
     "plot search [NAME NAME]   the last search's trials: a grid as cells, random\n"
     "                     trials as points at their two values (`help search`)\n"
     "plot off             stop redrawing; `plot` alone says what is live\n"
     "A picture you asked for is redrawn as the model learns: in a window after every\n"
     "change and up to ten times a second while `train` runs; in the terminal and in\n"
     "files when `step` or `train` ends. `set plot` chooses where pictures go: a\n"
     "window (when there is a display), the terminal (gnuplot's dumb terminal, sized\n"
     "to the window), or png/svg files named after the plot and what it shows, as in\n"
     "loss.png, maps-P1-row_2.png, surface-W1_0_0-W1_1_0.png, or file=NAME, which\n"
     "holds the first picture drawn after `set plot`; every other picture keeps its\n"
     "own file, so one picture never overwrites another.\n"
     "Needs gnuplot (`sudo apt-get install gnuplot`); without it everything else works.\n"
     "Examples: plot loss log    plot boundary x=radius y=texture    plot surface W1[0,0] W1[1,0] range=3\n"
     "          plot filters K1    plot maps A1 row=3    plot maps P1 row=0 val",
     cmd_plot, cmd_complete_plot, NULL, NULL, NULL, NULL},
    {"compare", 1, -1, 0, "compare optimizer NAME NAME ... [epochs=N] [lr=X] [from=init]", "race optimizers from the same start",
     "Copies of the model train side by side from the same parameters over the\n"
     "same batches, one copy per optimizer; your own model is left as it was.\n"
     "from=init starts every racer from one fresh initialization (`set init`, the\n"
     "session seed) at the first batch, instead of the current parameters.\n"
     "Prints a table (loss at start, final training loss, validation loss when there\n"
     "is a split, accuracy) and draws every training-loss curve on one chart. With a\n"
     "validation share (`data split 0.2`) the winner is the lowest validation loss,\n"
     "drawn dashed beside each solid training curve; the * marks the deciding column.\n"
     "NAME is an optimizer with PyTorch's defaults:\n"
     "  {optimizer names}\n"
     "or momentum (sgd momentum=0.9), nesterov (sgd momentum=0.9 nesterov=on), with\n"
     "options after commas: adam,lr=0.01  rmsprop,alpha=0.9.\n"
     "epochs=N (default 20); lr=X sets every racer's learning rate first.\n"
     "Example: compare optimizer sgd momentum nesterov adam epochs=30 lr=0.05 from=init",
     cmd_compare, cmd_complete_compare, NULL, NULL, NULL, NULL},
    {"cv", 1, 2, 0, "cv K [epochs=N]", "k-fold cross-validation of the model and hyperparameters",
     "Deals the rows (all but a test share) into K folds, shuffled with the session\n"
     "seed and, for classification, stratified: every fold holds each class's share\n"
     "to one row. Each fold in turn validates while the others train a copy of the\n"
     "model from the same fresh initialization (`set init`, the session seed) with\n"
     "the hyperparameters in force (optimizer, lr, batch, penalties, dropout,\n"
     "schedule, clipping); standardized data is standardized again from each fold's\n"
     "training rows. Prints a table per fold (rows, final training loss, validation\n"
     "loss and accuracy) and the mean ± the sample standard deviation (n-1).\n"
     "Your own model, optimizer state, data and position are not touched. Ctrl-C\n"
     "stops the fold running at its next step (thrown away), with the folds so far.\n"
     "Each fold is logged as a run (`runs`). epochs=N (default 20) trains each fold N epochs. The scalar\n"
     "names cv_loss and cv_std hold the last cv's mean validation loss and its spread.\n"
     "Example: data moons n=300; model mlp 8; set lr 0.1; cv 5 epochs=30",
     cmd_cv, cmd_complete_cv, NULL, NULL, NULL, NULL},
    {"search", 0, -1, 0, "search grid NAME=V1,V2,... [NAME=...] [epochs=N] [cv=K] | search random N NAME=LO..HI[:log] "
     "NAME=V1,V2,... [epochs=N] [cv=K] [seed=S] | search | search use BEST|N",
     "grid or random search over hyperparameters",
     "Trains one fresh copy of the model per trial (the session seed's initialization,\n"
     "your loss, schedule and clipping) and scores it by validation loss (needs\n"
     "`data split`), or with cv=K by the mean validation loss of K-fold\n"
     "cross-validation. Your own model and settings are not touched.\n"
     "Names: lr, batch, l1, l2, dropout, momentum, weight_decay (numbers), optimizer,\n"
     "init, act (words: an optimizer or initializer starts from its defaults, as\n"
     "`set optimizer NAME` does) and hidden (widths joined by x: hidden=8,16x16).\n"
     "search grid lr=0.01,0.1 batch=16,32     every combination (first name slowest)\n"
     "search random 30 lr=1e-4..1:log l2=0,1e-3 seed=7\n"
     "                     30 draws: LO..HI uniformly, :log log-uniformly, lists evenly;\n"
     "                     seed= (default the session seed) repeats the same draws\n"
     "epochs=N (default 20) a trial. A progress line shows trial i of n and the best\n"
     "so far; Ctrl-C stops the trial running at its next step (thrown away, logged\n"
     "as interrupted), keeping the table so far.\n"
     "search               the last table, best first\n"
     "search use BEST|N    apply that trial's settings and say what changed; the model\n"
     "                     (a new one when hidden, act or dropout differ) starts from\n"
     "                     the trial's initial parameters and seed, so `train EPOCHS`\n"
     "                     reproduces its validation loss\n"
     "momentum and weight_decay are searched only with optimizers that have them.\n"
     "`plot search [NAME NAME]` draws the scores (a grid: a heat map, a cell per value\n"
     "tried; a random search: a point per trial at its values of the two names,\n"
     "coloured by validation loss, the best ringed (B in the terminal), listed values\n"
     "on an axis ticked with them; one name: validation loss over it); every trial is\n"
     "logged (`runs`).",
     cmd_search, cmd_complete_search, NULL, NULL, NULL, NULL},
    {"runs", 0, -1, CMD_NOT_RECORDED, "runs [all] | runs show ID | runs compare ID ID... | runs dir [DIR]",
     "the run log: every train, cv fold and search trial",
     "Every `train`, `cv` fold and `search` trial is a run, appended as one JSON line\n"
     "to runs.jsonl with a CSV of its epochs (ID.csv) beside it, in the run folder:\n"
     "`runs dir DIR`, else $PARAMLAB_RUNS, else $XDG_DATA_HOME/paramlab/runs\n"
     "(default ~/.local/share/paramlab/runs). `set tracking off` stops logging.\n"
     "runs                 the latest runs: id, time, kind, data, model, optimizer,\n"
     "                     lr, batch, epochs, final training and validation loss, accuracy\n"
     "runs all             every run in the log\n"
     "runs show ID         every field of one run and its epochs (the start of an id is enough;\n"
     "                     -1 is the latest run, -2 the one before, ...)\n"
     "runs compare ID ID   runs side by side and their loss curves on one chart\n"
     "runs dir [DIR]       where runs go, or send them to DIR\n"
     "README.md documents the fields, for pandas, a spreadsheet or gnuplot.",
     cmd_runs, cmd_complete_runs, NULL, NULL, NULL, NULL},
    {"expect", 2, -1, CMD_EXPECTATION, "expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...",
     "check a number, or that a command is refused; a failed check is an error",
     "VALUE is loss (this batch's after `loss`, otherwise over the training rows),\n"
     "params (the model's count), count (the total of the last `count` command),\n"
     "steps, epoch, a scalar name (train_loss, val_loss, accuracy, val_accuracy:\n"
     "fractions in [0, 1], as in expect val_accuracy > 0.9; lr; test_loss,\n"
     "test_accuracy, cv_loss, cv_std, mae, r2; precision[k] recall[k] f1[k]), one element\n"
     "such as W1[0,1], or a tensor's norm or spread (norm_db1, std_A3).\n"
     "OP is < <= > >= == != or ~ (equal within tol=, default 1e-6). In scripts and\n"
     "lessons a failed expect stops with FILE:LINE.\n"
     "expect error COMMAND ... runs the command and checks that it is refused (an\n"
     "    alarm a lesson wants to show, such as divergence); its message is printed.\n"
     "Examples: expect params == 55    expect loss < 0.05    expect W1[0,1] ~ 0.37 tol=1e-3\n"
     "          expect error train 30",
     cmd_expect, NULL, cmd_expect_check, NULL, NULL, NULL},
    {"lesson", 0, 1, CMD_NOT_RECORDED, "lesson [N | FILE.md]", "list the lessons, or start lesson N",
     "Without a number, lists the lessons (and, during one, where you are). `lesson N`\n"
     "or `lesson FILE.md` starts one in a fresh session: its text, then its first block\n"
     "of commands, run with their output. Between blocks the prompt is yours: try\n"
     "anything. Enter on an empty line (or `next`) goes on; `redo` runs the block\n"
     "again from the state it started from. When what you typed changed the state\n"
     "(data, model, settings, training), Enter first says so once, and `redo` gets\n"
     "the lesson's state back. At a question, `skip` or Enter shows the answer,\n"
     "`redo` runs the block again and `quit` leaves (`help ask`). Prose longer than\n"
     "the terminal waits for Enter between screens. The lessons are ./lessons, else\n"
     "the installed ones.\n"
     "Example: lesson 1", cmd_lesson, cmd_complete_lesson, NULL, NULL, NULL, NULL},
    {"next", 0, 0, CMD_NOT_RECORDED, "next", "the lesson's next part: its text, then its block (also Enter)",
     "During a lesson: shows the text up to the next block of commands and runs\n"
     "that block. An empty line does the same. After the last block it ends the\n"
     "lesson and says how to start another.", cmd_next, NULL, NULL, NULL, NULL, NULL},
    {"redo", 0, 0, CMD_NOT_RECORDED, "redo", "run the lesson's current block again, from the state it started from",
     "During a lesson: rebuilds the session as it was when the current block began\n"
     "(by replaying the lesson up to there in a fresh session, silently) and runs the\n"
     "block again. What you tried since is gone, so it is the way back when an\n"
     "experiment broke the model.", cmd_redo, NULL, NULL, NULL, NULL, NULL},
    {"run", 1, 1, CMD_NOT_RECORDED, "run FILE", "run a lesson (.md) or a script of commands inside this session",
     "A script (.plab, or what `record` wrote) runs line by line; a lesson (.md) runs\n"
     "every block straight through: `pause` does not wait and `ask` is answered with\n"
     "its recorded answer. Each command is shown as it runs. The first failing\n"
     "command stops it with FILE:LINE and the message. `data load` in the file also\n"
     "looks beside the file. Files may run files, up to 8 deep.\n"
     "Example: run lessons/01-parameters.md      run my-session.plab", cmd_run, cmd_complete_file, NULL, NULL, NULL, NULL},
    {"record", 1, 1, CMD_NOT_RECORDED, "record FILE | record stop", "write what succeeds, from the start, as a script for `run`",
     "record FILE writes every command that has succeeded since the session began\n"
     "(lesson blocks and `run` included; help, lesson, next, redo, run, ask and\n"
     "pause left out), then adds each further one as it succeeds, so `run FILE` in a\n"
     "fresh session replays it to the same state. A `train` or `step` stopped by\n"
     "Ctrl-C is written as `step N`, the steps it took. `record stop` closes the file\n"
     "and says how many commands it holds. Starting a lesson (or `redo`) begins a\n"
     "fresh session, and the file starts over with it.\n"
     "Example: record my-session.plab ... record stop", cmd_record, cmd_complete_file, NULL, NULL, NULL, NULL},
    {"ask", 2, -1, CMD_NOT_RECORDED | CMD_NOT_ECHOED, "ask \"QUESTION\" ANSWER [tol=X] [hint=\"...\"] [why=\"...\"]",
     "ask the learner a question (in lessons)",
     "Shows the question and reads an answer. Words count ignoring case and the\n"
     "spaces around them; ANSWER may list synonyms separated by |, as in no|n.\n"
     "Numbers count as a person writes them (4,417  4 417  4_417), with a trailing %\n"
     "when the answer is a percentage (written 87%, or the question says %), and\n"
     "within tol=X when given (else a relative 1e-9). A wrong answer gets the hint=\n"
     "sentence (without one: higher or lower for a number, the choices when the\n"
     "question lists them in parentheses) and a second try; a second wrong answer\n"
     "gets the answer and the why= sentence. At the answer prompt, `skip` or an\n"
     "empty line shows the answer and goes on; inside a lesson's block `redo` runs\n"
     "the block again from the lesson's state before it, and `quit` (or Ctrl-D)\n"
     "leaves the lesson. Where no one can answer (--check, run, batch) it prints\n"
     "the question and its answer and goes on.\n"
     "Example: ask \"How many parameters does a dense 10->5 layer have?\" 55 hint=\"weights and biases\"",
     cmd_ask, NULL, cmd_ask_check, NULL, NULL, NULL},
    {"pause", 0, 0, CMD_NOT_RECORDED | CMD_NOT_ECHOED, "pause", "wait for Enter (in lessons)",
     "Waits until the learner presses Enter, so a block can be taken in steps.\n"
     "Where no one can answer (--check, run, batch) it does nothing.", cmd_pause, NULL, NULL, NULL, NULL, NULL},
    {"quit", 0, 0, CMD_NOT_RECORDED, "quit", "leave paramlab, or the lesson being taken (also Ctrl-D)",
     "Leaves paramlab. Inside a lesson started with `lesson N`, leaves the lesson\n"
     "instead: your own session (data, model, parameters, settings) comes back\n"
     "exactly as it was before the lesson; a second `quit` leaves paramlab.", cmd_quit, NULL, NULL, NULL, "exit", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

