/* clip.c — torch.nn.utils.clip_grad_norm_ and clip_grad_value_ (1.13) over
 * the flat gradient buffer. The factor is computed and applied exactly as
 * torch does: clip_coef = max_norm / (total_norm + 1e-6), clamped at 1.0,
 * and every gradient multiplied by it even when it is 1 — so a total just
 * under max_norm (within 1e-6) is still scaled, slightly, as in torch.
 * torch divides a float by a tensor as reciprocal(tensor) * float, which
 * can differ from a plain division in the last bit; clip_grad_norm does
 * the same. */
#include "clip.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int clip_check(const ClipConfig *c, char *err)
{
    if (c->kind == CLIP_OFF)
        return 0;
    const char *what = c->kind == CLIP_NORM ? "norm" : "value";
    if (!(c->max > 0) || !isfinite(c->max))
        return util_err(err, "%s=%g would %s; give a number greater than 0, "
                        "such as %s=1", what, c->max,
                        c->max == 0 ? "zero every gradient" : "not clip sensibly", what);
    return 0;
}

int clip_parse(const char *word, ClipConfig *out, char *err)
{
    if (strcmp(word, "off") == 0) {
        *out = (ClipConfig){CLIP_OFF, 0};
        return 0;
    }
    ClipConfig c;
    const char *v;
    if (strncmp(word, "norm=", 5) == 0) {
        c.kind = CLIP_NORM;
        v = word + 5;
    } else if (strncmp(word, "value=", 6) == 0) {
        c.kind = CLIP_VALUE;
        v = word + 6;
    } else {
        return util_err(err, "clipping is norm=X, value=X or off, not '%.40s'", word);
    }
    if (!util_parse_double(v, &c.max))
        return util_err(err, "'%.40s' is not a number; give one such as %.*s1",
                        v, (int)(v - word), word);
    if (clip_check(&c, err))
        return -1;
    *out = c;
    return 0;
}

void clip_describe(const ClipConfig *c, char *buf, size_t n)
{
    if (c->kind == CLIP_OFF)
        snprintf(buf, n, "off");
    else
        snprintf(buf, n, "%s=%.15g", c->kind == CLIP_NORM ? "norm" : "value", c->max);
}

static double norm2(const double *g, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += g[i] * g[i];
    return sqrt(sum);
}

double clip_total_norm(const ClipGrads *b)
{
    if (!b->sizes)
        return norm2(b->g, b->n);
    double sum = 0;
    size_t off = 0;
    for (int t = 0; t < b->n_tensors && off < b->n; t++) {
        size_t len = b->sizes[t] < b->n - off ? b->sizes[t] : b->n - off;
        double norm = norm2(b->g + off, len);
        sum += norm * norm;
        off += len;
    }
    return sqrt(sum);
}

void clip_grad_norm(const ClipGrads *b, double max_norm, ClipReport *r)
{
    double total = clip_total_norm(b);
    double coef = (1.0 / (total + CLIP_EPS)) * max_norm; /* torch's float / tensor */
    if (coef > 1.0) /* torch.clamp(max=1.0): NaN stays NaN */
        coef = 1.0;
    for (size_t i = 0; i < b->n; i++)
        b->g[i] *= coef;
    r->total_norm = total;
    r->factor = coef;
    r->clipped = !(coef >= 1.0);
    r->n_clipped = r->clipped ? (long)b->n : 0;
}

void clip_grad_value(const ClipGrads *b, double value, ClipReport *r)
{
    long changed = 0;
    r->total_norm = clip_total_norm(b);
    for (size_t i = 0; i < b->n; i++) {
        if (b->g[i] < -value) {
            b->g[i] = -value;
            changed++;
        } else if (b->g[i] > value) {
            b->g[i] = value;
            changed++;
        }
    }
    r->factor = 1.0;
    r->n_clipped = changed;
    r->clipped = changed > 0;
}

void clip_apply(const ClipConfig *c, const ClipGrads *b, ClipReport *r)
{
    switch (c->kind) {
    case CLIP_NORM:
        clip_grad_norm(b, c->max, r);
        break;
    case CLIP_VALUE:
        clip_grad_value(b, c->max, r);
        break;
    default:
        r->total_norm = clip_total_norm(b);
        r->factor = 1.0;
        r->n_clipped = 0;
        r->clipped = false;
        break;
    }
}
