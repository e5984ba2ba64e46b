/* cmd_table.c — the command table: every command's row (name, word
 * counts, flags, syntax, summary, full help, handler, completion, line
 * check) in the order `help` lists them. main registers it with
 * cmd_register; nothing about a command lives anywhere else. */
#include "cmd_table.h"
#include "cmd_handlers.h"
#include "cmd_inspect.h"
#include "cmd_lesson.h"
#include "cmd_compare.h"
#include "cmd_metrics.h"
#include "cmd_plot.h"
#include "explain.h"

const Cmd cmd_table[] = {
    {"help", 0, 1, CMD_NOT_RECORDED, "help [COMMAND]", "list the commands, or explain one",
     "Without a name, lists every command with a one-line summary. With one,\n"
     "shows its syntax, options and an example.", cmd_help, cmd_complete_help, NULL, NULL, NULL},
    {"data", 0, -1, CMD_CHANGES_MODEL | CMD_FILE_BESIDE, "data NAME [n=N] [noise=X] [seed=S] [classes=K] [features=D] | data load FILE.csv | data split VAL [TEST] | data standardize | data show [ROWS]",
     "make, load, split, standardize or show the data",
     "Generators (n= rows, noise=, seed= default the session seed):\n"
     "  line     y = 2x + 1 + noise: learn a slope and an intercept (regression)\n"
     "  plane    y = x1 - 2 x2 + ... + 0.5 + noise (regression; features=D)\n"
     "  sine     y = sin(x) + noise on [-pi, pi] (regression)\n"
     "  xor, circles, moons, spirals, gauss   2-D two-class problems\n"
     "  blobs    K Gaussian clusters (classes=K, features=D)\n"
     "data load FILE.csv [target=COL[,COL...]] [header=auto|yes|no]\n"
     "  A numeric CSV. target= names columns by header or 0-based index (default:\n"
     "  the last). Integer labels in one target column make a classification task.\n"
     "  A broken file is refused with FILE:LINE and the data already loaded stays.\n"
     "data split 0.2       hold out 20% of the rows for validation (shuffled with the seed;\n"
     "                     stratified by class for classification: each class keeps its share)\n"
     "data split 0.2 0.1   also hold out 10% as a test share, for `evaluate test` at the end\n"
     "data standardize     zero mean, unit variance, from the training rows\n"
     "data                 summary: rows, features, targets, task, shares\n"
     "data show [ROWS]     the first rows (default 10)\n"
     "Example: data moons n=300 noise=0.2", cmd_data, cmd_complete_data, NULL, NULL, NULL},
    {"model", 1, -1, CMD_CHANGES_MODEL, "model linear | logistic | softmax | mlp H1 [H2 ...] [act=NAME] [dropout=P[,P2...]]",
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
     "Example: model mlp 16 8 act=tanh      model mlp 32 16 dropout=0.5,0.2", cmd_model, cmd_complete_model, NULL, NULL, NULL},
    {"params", 0, 0, 0, "params", "table of parameters: name, shape, count, initializer, total",
     "Every parameter tensor with its shape, how many numbers it holds and how\n"
     "it was initialised. A dense 10→5 layer is W 10×5 = 50 plus b 5: 55.", cmd_params, NULL, NULL, NULL, NULL},
    {"hypers", 0, 0, 0, "hypers", "every hyperparameter and its value",
     "Hyperparameters are what you choose (optimizer and its settings, loss, batch\n"
     "size, shuffling, seed, initializer, architecture); parameters are what the\n"
     "model learns (`params`).", cmd_hypers, NULL, NULL, NULL, NULL},
    {"names", 0, 0, 0, "names", "every inspectable name that exists right now",
     "Lists X Y and, with a model, W1 b1 ...; after forward Z1 A1 ... yhat (and the\n"
     "dropout masks M1 ... of layers with dropout); after loss: loss; after backward\n"
     "the gradients dW1 db1 dZ1 dA1 ...; and the scalar names that exist: train_loss,\n"
     "val_loss (with a split), accuracy and val_accuracy (with classes: fractions,\n"
     "shown as percentages), lr.", cmd_names, NULL, NULL, NULL, NULL},
    {"set", 1, -1, CMD_CHANGES_MODEL, "set loss|optimizer|lr|batch|shuffle|seed|precision|init|l1|l2|schedule|clip|plot|defaults ...", "choose a hyperparameter",
     "set loss {loss names}|auto [delta=1.0]\n"
     "set optimizer NAME [key=value ...]   defaults are PyTorch 1.13's:\n"
     "{optimizers}"
     "  A new optimizer starts with fresh state; naming the current one again keeps\n"
     "  its state and changes only the options given.\n"
     "set lr X | set momentum X | set OPTION X   one option of the current optimizer\n"
     "set batch N          mini-batch size (default 32); the epoch starts over\n"
     "set shuffle on|off   reshuffle the training rows each epoch (default off)\n"
     "set seed N           seed for data, initializers and shuffling (default 42)\n"
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
     "    clip_grad_norm_ (all gradients times X/(total norm + 1e-6) when the total\n"
     "    passes X) or clip_grad_value_ (each clamped to [-X, X])\n"
     "set plot window|terminal|png|svg [file=NAME]   where pictures go (`help plot`)\n"
     "set defaults         every setting above but plot back to its default (the seed\n"
     "                     too); the data and the model stay. Each lesson starts with it\n"
     "                     (then with the seed of --seed, when one was given)",
     cmd_set, cmd_complete_set, NULL, cmd_set_sets, NULL},
    {"forward", 0, 0, CMD_CHANGES_MODEL, "forward", "run the current mini-batch through the model",
     "Computes Zk = A(k-1)·Wk + bk and Ak = act(Zk) for every layer, then yhat,\n"
     "the output through the loss's link. Then: `loss`.", cmd_forward, NULL, NULL, NULL, NULL},
    {"loss", 0, 0, CMD_CHANGES_MODEL, "loss", "the loss of the current batch (needs forward)",
     "Compares yhat with Y using the loss in force (mean over the batch, as\n"
     "PyTorch's reduction='mean'). With `set l1`/`set l2` the loss is that data\n"
     "term plus the penalty, and both parts are shown. Then: `backward`.", cmd_loss, NULL, NULL, NULL, NULL},
    {"backward", 0, 0, CMD_CHANGES_MODEL, "backward", "gradients of the loss for every parameter (needs loss)",
     "Backpropagation: fills dW1 db1 ... and dZ1 dA1 ... for the current batch.\n"
     "With `set clip` on, the gradients are then clipped and the total norm and\n"
     "the factor are reported. Then: `update`.", cmd_backward, NULL, NULL, NULL, NULL},
    {"update", 0, 0, CMD_CHANGES_MODEL, "update", "one optimizer step (needs backward); then the next batch",
     "Applies the optimizer to every parameter with its gradient, then makes the\n"
     "next mini-batch current (a new epoch after the last one).", cmd_update, NULL, NULL, NULL, NULL},
    {"step", 0, 1, CMD_CHANGES_MODEL | CMD_TRAINS, "step [N]", "N whole iterations: forward, loss, backward, update",
     "Runs N iterations (default 1) from wherever the current batch stands and\n"
     "prints the loss of each. Ctrl-C stops at the next step boundary.", cmd_step, NULL, NULL, NULL, NULL},
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
     "Example: data moons; data split 0.2; model mlp 32; train 200 patience=10", cmd_train, cmd_complete_train, cmd_train_check, NULL, NULL},
    {"init", 0, 3, CMD_CHANGES_MODEL, "init [NAME [key=value]] [PARAM]", "re-initialise all parameters, or one",
     "init                  every parameter again from `set init` (optimizer state\n"
     "                      cleared, back to epoch 1 batch 1)\n"
     "init he_normal        every weight with that initializer, biases zero\n"
     "init normal std=0.1 W1   one tensor only\n"
     "init ones b2", cmd_init, cmd_complete_init, NULL, NULL, NULL},
    {"show", 1, -1, 0, "show NAME | NAME[i,j] | NAME[i]", "print a tensor or one element",
     "Names: W1 b1 ... (parameters), dW1 db1 ... (gradients), Z1 A1 dZ1 dA1 ...\n"
     "(this batch), X Y (the batch), yhat, loss. Indices are 0-based; layers count\n"
     "from 1. A bare name does the same: `W1`, `dW1[0,2]`.", cmd_show, cmd_complete_names, NULL, NULL, NULL},
    {"export", 2, 2, 0, "export NAME FILE.csv", "write a tensor as CSV with full precision",
     "One line per row, values with 17 significant digits (%.17g), so the file\n"
     "reads back exactly.", cmd_export, cmd_complete_export, NULL, NULL, NULL},
    {"predict", 1, -1, 0, "predict X1 X2 ...", "the model's output for one input",
     "Give one number per feature, in the data's own units (standardization is\n"
     "applied for you). Prints yhat and, for classes, the predicted class.", cmd_predict, NULL, NULL, NULL, NULL},
    {"undo", 0, 1, CMD_CHANGES_MODEL, "undo [N]", "put the model back as it was N updates ago (default 1)",
     "Restores the parameters, the optimizer's state, the step and epoch counters\n"
     "and the position in the data as they were before the last N updates, so the\n"
     "next `step` repeats exactly. The last 1000 updates are kept (fewer for a\n"
     "model so large that they would pass 256 MB). A new model, optimizer, batch\n"
     "size or data starts the history afresh.", cmd_undo, NULL, NULL, NULL, NULL},
    {"state", 1, 1, 0, "state PARAM", "the optimizer's state for a parameter, named as in its formula",
     "Shows what the optimizer remembers for one parameter tensor: sgd's momentum\n"
     "buffer, adagrad's sum of squared gradients, rmsprop's square_avg (and grad_avg,\n"
     "momentum buffer), adadelta's square_avg and acc_delta, adam's m and v (v_max\n"
     "with amsgrad) with their bias-corrected values, adamax's exp_inf, nadam's\n"
     "mu_product, and the step count.\n"
     "Example: set optimizer adam; step 3; state W1", cmd_state, cmd_complete_names, NULL, NULL, NULL},
    {"gradcheck", 0, 1, 0, "gradcheck [PARAM]", "check every gradient against central differences",
     "For each parameter p, compares backward's dL/dp with the difference quotient\n"
     "(L(p+h) - L(p-h)) / 2h on the current batch (h = 1e-6), and prints per tensor\n"
     "the largest absolute and relative error and a verdict: ok when the relative\n"
     "error stays below 1e-5 (gradients under 1e-3 are compared absolutely; the\n"
     "output states h, the threshold and that floor). A tensor of more than 100\n"
     "numbers is checked at a fixed random sample of 100. Where a relu/leaky_relu\n"
     "pre-activation changes sign between p-h and p+h, or a loss kink lies there\n"
     "(hinge margin 1 - y'f at 0, mae residual at 0, huber |f - y| at delta), or\n"
     "under `set l1` the weight itself lies within h of 0, the quotient means\n"
     "nothing: such elements are listed as skipped, not failed. The loss includes\n"
     "the l1/l2 penalty, and dropout's masks of this step are held fixed.\n"
     "Works in any phase on a copy of the model: nothing in the session changes.\n"
     "PARAM (W1, b2 ...) checks one tensor and lists its elements. Ctrl-C stops it.\n"
     "Example: data moons; model mlp 8; gradcheck      gradcheck W1",
     cmd_gradcheck, cmd_complete_param, NULL, NULL, NULL},
    {"metrics", 0, 1, 0, "metrics [train|val]", "loss, accuracy, confusion matrix, precision/recall/F1 (or MSE, MAE, R²)",
     "How good the model is on a share of the data, run in evaluation mode over all\n"
     "its rows (not one batch). Classification: the loss, the accuracy, the confusion\n"
     "matrix (rows: true class, columns: predicted class) and per class precision,\n"
     "recall, F1 and support, with their macro averages (scikit-learn's numbers).\n"
     "Regression: MSE, MAE and R² (per target when there are several).\n"
     "Default: the validation share when `data split` made one, else the training rows.\n"
     "The scalar names train_loss val_loss accuracy val_accuracy hold the same numbers\n"
     "for `show`, `expect` and `export` (accuracies as fractions, shown as percentages).\n"
     "Example: data split 0.2; model mlp 8; train 50; metrics; metrics train",
     cmd_metrics, cmd_complete_metrics, NULL, NULL, NULL},
    {"evaluate", 1, 1, 0, "evaluate test", "the test share's loss and metrics, counting each look",
     "The held-out test share (`data split 0.2 0.1` makes one) measured as `metrics`\n"
     "measures the others, and how many times it has been looked at since the data or\n"
     "the split changed. The test share is for one honest estimate at the end: choose\n"
     "the model, its size and its hyperparameters by the validation share. Each look\n"
     "that leads to another change tunes the model to the test rows as well, and its\n"
     "numbers stop telling how the model does on new data.\n"
     "Example: data split 0.2 0.1; model mlp 8; train 50; metrics; evaluate test",
     cmd_evaluate, cmd_complete_metrics, NULL, NULL, NULL},
    {"diagnose", 0, 0, 0, "diagnose", "per layer: activations, dead/saturated units, gradients, update ratio",
     "Runs the current batch through a copy of the model and prints per layer: the\n"
     "mean and spread of its activations, dead relu units (Z <= 0 for every sample)\n"
     "and saturated sigmoid/tanh units (flat part for most samples), |dWk|, |Wk| and\n"
     "the update-to-weight ratio |ΔWk|/|Wk| of the last update (before any update:\n"
     "lr·|dWk|/|Wk|, what sgd would do). Then one line per finding: vanishing or\n"
     "exploding gradients, many dead or saturated units, identical units (the\n"
     "symmetry problem after `set init zeros`), an update ratio far from ~1e-3\n"
     "(learning rate too high or too low), with what to try. It also looks at the\n"
     "data and the run: inputs on scales 100 times apart or more (unscaled), the\n"
     "validation loss rising for 3 epochs past its best while the training loss falls\n"
     "(overfitting), and a flat training loss that closes little of the gap from\n"
     "chance on training and validation rows (underfitting). Nothing in the session\n"
     "changes.\n"
     "Example: model mlp 32 32 32 32 act=sigmoid; step 5; diagnose",
     cmd_diagnose, NULL, NULL, NULL, NULL},
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
     "Long sums are abridged; a note says what the terms left out add up to.\n"
     "Example: set optimizer adam; forward; loss; backward; explain W1[0,1]; update; explain W1[0,1]",
     explain_cmd, cmd_complete_names, NULL, NULL, NULL},
    {"plot", 0, -1, 0, "plot loss|boundary|fit|surface P1 P2|hist NAME|grads|lr|val_accuracy|off", "draw the model learning with gnuplot",
     "plot loss [log]      training loss per update, the epoch mean, and validation\n"
     "                     loss when there is a split (`data split 0.2`); the best\n"
     "                     epoch marked after `train N patience=P`\n"
     "plot boundary        2-D classification: decision regions (paler where the model\n"
     "                     is less sure) with the training points by class\n"
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
     "plot off             stop redrawing; `plot` alone says what is live\n"
     "A picture you asked for is redrawn as the model learns: in a window after every\n"
     "change and up to ten times a second while `train` runs; in the terminal and in\n"
     "files when `step` or `train` ends. `set plot` chooses where pictures go: a\n"
     "window (when there is a display), the terminal (gnuplot's dumb terminal, sized\n"
     "to the window), or png/svg files (file=NAME; default KIND.png, as in loss.png).\n"
     "Needs gnuplot (`sudo apt-get install gnuplot`); without it everything else works.\n"
     "Examples: plot loss log    plot boundary    plot surface W1[0,0] W1[1,0] range=3",
     cmd_plot, cmd_complete_plot, NULL, NULL, NULL},
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
     cmd_compare, cmd_complete_compare, NULL, NULL, NULL},
    {"expect", 2, -1, CMD_EXPECTATION, "expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...",
     "check a number, or that a command is refused; a failed check is an error",
     "VALUE is loss (this batch's after `loss`, otherwise over the training rows),\n"
     "params (the count), steps, epoch, a scalar name (train_loss, val_loss,\n"
     "accuracy, val_accuracy: fractions in [0, 1], as in expect val_accuracy > 0.9;\n"
     "lr), or one element such as W1[0,1]. OP is < <= > >= == != or ~ (equal within tol=,\n"
     "default 1e-6). In scripts and lessons a failed expect stops with FILE:LINE.\n"
     "expect error COMMAND ... runs the command and checks that it is refused (an\n"
     "alarm a lesson wants to show, such as divergence); its message is printed.\n"
     "Examples: expect params == 55    expect loss < 0.05    expect W1[0,1] ~ 0.37 tol=1e-3\n"
     "          expect error train 30",
     cmd_expect, NULL, cmd_expect_check, NULL, NULL},
    {"lesson", 0, 1, CMD_NOT_RECORDED, "lesson [N | FILE.md]", "list the lessons, or start lesson N",
     "Without a number, lists the lessons (and, during one, where you are). `lesson N`\n"
     "or `lesson FILE.md` starts one in a fresh session: its text, then its first block\n"
     "of commands, run with their output. Between blocks the prompt is yours: try\n"
     "anything. Enter on an empty line (or `next`) goes on; `redo` runs the block\n"
     "again from the state it started from. The lessons are ./lessons, else the\n"
     "installed ones.\n"
     "Example: lesson 1", cmd_lesson, cmd_complete_lesson, NULL, NULL, NULL},
    {"next", 0, 0, CMD_NOT_RECORDED, "next", "the lesson's next part: its text, then its block (also Enter)",
     "During a lesson: shows the text up to the next block of commands and runs\n"
     "that block. An empty line does the same. After the last block it ends the\n"
     "lesson and says how to start another.", cmd_next, NULL, NULL, NULL, NULL},
    {"redo", 0, 0, CMD_NOT_RECORDED, "redo", "run the lesson's current block again, from the state it started from",
     "During a lesson: rebuilds the session as it was when the current block began\n"
     "(by replaying the lesson up to there in a fresh session, silently) and runs the\n"
     "block again. What you tried since is gone, so it is the way back when an\n"
     "experiment broke the model.", cmd_redo, NULL, NULL, NULL, NULL},
    {"run", 1, 1, CMD_NOT_RECORDED, "run FILE", "run a lesson (.md) or a script of commands inside this session",
     "A script (.plab, or what `record` wrote) runs line by line; a lesson (.md) runs\n"
     "every block straight through: `pause` does not wait and `ask` is answered with\n"
     "its recorded answer. Each command is shown as it runs. The first failing\n"
     "command stops it with FILE:LINE and the message. `data load` in the file also\n"
     "looks beside the file. Files may run files, up to 8 deep.\n"
     "Example: run lessons/01-parameters.md      run my-session.plab", cmd_run, cmd_complete_file, NULL, NULL, NULL},
    {"record", 1, 1, CMD_NOT_RECORDED, "record FILE | record stop", "write what succeeds, from the start, as a script for `run`",
     "record FILE writes every command that has succeeded since the session began\n"
     "(lesson blocks and `run` included; help, lesson, next, redo, run, ask and\n"
     "pause left out), then adds each further one as it succeeds, so `run FILE` in a\n"
     "fresh session replays it to the same state. A `train` or `step` stopped by\n"
     "Ctrl-C is written as `step N`, the steps it took. `record stop` closes the file\n"
     "and says how many commands it holds. Starting a lesson (or `redo`) begins a\n"
     "fresh session, and the file starts over with it.\n"
     "Example: record my-session.plab ... record stop", cmd_record, cmd_complete_file, NULL, NULL, NULL},
    {"ask", 2, -1, CMD_NOT_RECORDED | CMD_NOT_ECHOED, "ask \"QUESTION\" ANSWER", "ask the learner a question (in lessons)",
     "Shows the question and reads one answer: a number counts as right within a\n"
     "relative 1e-9, text when it matches ignoring case and surrounding spaces.\n"
     "ANSWER is the rest of the line and may list alternatives separated by |, as\n"
     "in less|less likely. Right or wrong, the reply is short and gives the answer.\n"
     "Where no one can answer (--check, run, batch) it prints the question and its\n"
     "answer and goes on.\n"
     "Example: ask \"How many parameters does a dense 10->5 layer have?\" 55", cmd_ask, NULL, cmd_ask_check, NULL, NULL},
    {"pause", 0, 0, CMD_NOT_RECORDED | CMD_NOT_ECHOED, "pause", "wait for Enter (in lessons)",
     "Waits until the learner presses Enter, so a block can be taken in steps.\n"
     "Where no one can answer (--check, run, batch) it does nothing.", cmd_pause, NULL, NULL, NULL, NULL},
    {"quit", 0, 0, CMD_NOT_RECORDED, "quit", "leave paramlab (also Ctrl-D)", "Leaves paramlab.", cmd_quit, NULL, NULL, NULL, "exit"},
    {NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

