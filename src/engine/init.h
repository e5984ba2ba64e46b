/* init.h — parameter initializers with PyTorch's fan conventions. For a
 * weight W of shape (fan_in, fan_out) — rows are inputs, columns neurons —
 * fan_in is the row count and fan_out the column count. Every draw comes
 * from the caller's Rng, so a seed reproduces a model exactly. */
#ifndef PARAMLAB_INIT_H
#define PARAMLAB_INIT_H

#include "nn.h"
#include "util.h"

typedef enum InitKind {
    INIT_AUTO,           /* he_uniform before relu-like, xavier_uniform otherwise */
    INIT_ZEROS,
    INIT_ONES,
    INIT_CONSTANT,       /* value= */
    INIT_UNIFORM,        /* a= b=  (default 0, 1) */
    INIT_NORMAL,         /* mean= std= (default 0, 1) */
    INIT_XAVIER_UNIFORM, /* gain= ; U(-a, a), a = gain*sqrt(6/(fan_in+fan_out)) */
    INIT_XAVIER_NORMAL,  /* gain= ; N(0, gain^2 * 2/(fan_in+fan_out)) */
    INIT_HE_UNIFORM,     /* kaiming_uniform_, fan_in, relu: bound sqrt(6/fan_in) */
    INIT_HE_NORMAL,      /* kaiming_normal_, fan_in, relu: std sqrt(2/fan_in) */
    INIT_LECUN_NORMAL,   /* N(0, 1/fan_in) */
    INIT_ORTHOGONAL,     /* gain= ; orthonormal columns (or rows when fan_in < fan_out) */
    INIT_COUNT
} InitKind;

typedef struct InitConfig {
    InitKind kind;
    double value; /* constant */
    double a, b;  /* uniform bounds */
    double mean;  /* normal */
    double std;   /* normal */
    double gain;  /* xavier_*, orthogonal (default 1) */
} InitConfig;

const char *init_name(InitKind k);
int init_parse(const char *s, InitKind *out); /* 0, or -1 if unknown */
void init_defaults(InitKind k, InitConfig *c);
/* Option names kind takes ("value", "a", "b", "mean", "std", "gain"). */
const char *const *init_options(InitKind k, int *n);
/* Checks the option values (std >= 0, a < b, finite ...): 0 or -1 + err. */
int init_check(const InitConfig *c, char *err);
/* What `auto` becomes for a layer followed by activation act. */
InitKind init_resolve(InitKind k, Act act);

/* Fills w (rows x cols, row-major) from c; rows is fan_in, cols fan_out.
 * A bias is passed as rows == 1 with is_bias set: xavier, he, lecun and
 * orthogonal refuse a bias (PyTorch: fan in and fan out need 2 dimensions).
 * Orthogonal allocates scratch; -1 with err on refusal or no memory, and w
 * is untouched then. */
int init_fill(const InitConfig *c, Act act, double *w, int rows, int cols,
              bool is_bias, Rng *rng, char *err);
/* Fills a conv kernel w (c_out, c_in, k, k) with the fans torch.nn.init
 * computes for it: fan_in = c_in·k·k, fan_out = c_out·k·k; orthogonal
 * makes the (c_out, c_in·k·k) matrix orthogonal, as torch flattens it.
 * -1 with err on refusal (w untouched). */
int init_fill_conv(const InitConfig *c, Act act, double *w, int c_out, int c_in, int k, Rng *rng, char *err);

#endif
